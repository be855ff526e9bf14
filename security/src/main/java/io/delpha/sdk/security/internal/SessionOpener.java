package io.delpha.sdk.security.internal;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.ScopedSession;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Opens the session of a verified key: the admin key's runs anything on the host's executor; an organisation key's
 * is admitted within its organisation's bounds, sees the keyspaces the registry gives it and, with Cassandra roles,
 * runs on the key's shared role connection once the organisation role's grants match the registry.
 */
public final class SessionOpener {

  private final CqlExecutor host;
  private final SessionAuthority authority;
  private final KeyVerifier verifier;
  private final Tenancy tenancy;
  private final OrganisationBounds bounds;
  private final @Nullable RoleWall roleWall;
  private final Clock clock;
  private final boolean statementGuard;

  /**
   * @param host the host's executor, as given
   * @param authority what the sessions ask of the store
   * @param verifier refuses, audited and counted
   * @param tenancy the registry
   * @param bounds the organisations' session bounds
   * @param roleWall the Cassandra roles, or {@code null} without them
   * @param clock the time the bounds count by
   * @param statementGuard whether organisation sessions check their statements (off only in tests of the roles)
   */
  public SessionOpener(CqlExecutor host, SessionAuthority authority, KeyVerifier verifier, Tenancy tenancy,
      OrganisationBounds bounds, @Nullable RoleWall roleWall, Clock clock, boolean statementGuard) {
    this.host = host;
    this.authority = authority;
    this.verifier = verifier;
    this.tenancy = tenancy;
    this.bounds = bounds;
    this.roleWall = roleWall;
    this.clock = clock;
    this.statementGuard = statementGuard;
  }

  /**
   * @param v a key that passed its check for {@code OPEN}
   * @return its session
   * @throws io.delpha.sdk.core.AccessDeniedException "access denied" beyond the organisation's bounds, or when
   *     Cassandra refuses the key's role login
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public ScopedSession open(KeyVerifier.Verified v) {
    KeyPrincipal p = v.principal();
    if (p.isAdmin()) {
      return new KeyScopedSession(host, authority, p, v.expiresAt(), Set.of(), null, true);
    }
    StringBuilder why = new StringBuilder();
    AutoCloseable slot = bounds.admit(p.organisation(), clock.instant(), why);
    if (slot == null) {
      throw verifier.overBounds(p, why.toString());
    }
    try {
      Set<String> allowed = new HashSet<>(tenancy.owned(p.organisation()));
      allowed.removeIf(ks -> !tenancy.grantable(ks));
      if (roleWall == null) {
        return new KeyScopedSession(host, authority, p, v.expiresAt(), allowed, slot, statementGuard);
      }
      roleWall.matchGrants(p.organisation(), allowed);
      RoleConnections.Lease lease = roleConnection(p, roleWall);
      CqlExecutor asRole = new RoleExecutor(lease.executor(), reason -> authority.refuse(p, reason));
      return new KeyScopedSession(asRole, authority, p, v.expiresAt(), allowed, () -> {
        lease.close();
        slot.close();
      }, statementGuard);
    } catch (RuntimeException e) {
      closeSlot(slot);
      throw e;
    }
  }

  private static void closeSlot(AutoCloseable slot) {
    try {
      slot.close();
    } catch (Exception e) {
      throw new IllegalStateException("a session slot's release cannot fail", e);
    }
  }

  /** The key's shared role connection; a refused login is the uniform denial, audited with its reason. */
  private RoleConnections.Lease roleConnection(KeyPrincipal p, RoleWall wall) {
    try {
      return wall.connection(p);
    } catch (DelphaException e) {
      if (e instanceof ServiceUnavailableException) {
        throw e;
      }
      throw verifier.deny(p.keyId(), p.organisation(), "OPEN", "Cassandra refused the key's role login ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
