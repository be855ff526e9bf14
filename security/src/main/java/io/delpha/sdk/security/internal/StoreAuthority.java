package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.KeyPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SessionAuthority} of one key store: re-checks a session's key against the key table, the admin slot
 * and the registry, refuses through the {@link KeyVerifier}, and shares one rate-limited schema refresh among every
 * tenant of the store. Works on after the store is closed (sessions already opened close on their own).
 */
public final class StoreAuthority implements SessionAuthority {

  private static final long SCHEMA_REFRESH_NANOS = 1_000_000_000L;

  private final CqlExecutor host;
  private final String keyspace;
  private final KeyTable keys;
  private final AdminSlot adminSlot;
  private final Tenancy tenancy;
  private final KeyVerifier verifier;
  private final Clock clock;
  private final Duration recheckInterval;
  private final Object schemaLock = new Object();
  private @Nullable Metadata lastSchema;
  private long lastSchemaNanos;

  /**
   * @param host the host's executor, whose schema the sessions see (filtered)
   * @param keyspace the key store's keyspace
   * @param keys the key table
   * @param adminSlot the admin slot
   * @param tenancy the registry
   * @param verifier audits and counts refusals
   * @param clock the configured clock
   * @param recheckInterval how old a session's last key check may get
   */
  public StoreAuthority(CqlExecutor host, String keyspace, KeyTable keys, AdminSlot adminSlot, Tenancy tenancy,
      KeyVerifier verifier, Clock clock, Duration recheckInterval) {
    this.host = host;
    this.keyspace = keyspace;
    this.keys = keys;
    this.adminSlot = adminSlot;
    this.tenancy = tenancy;
    this.verifier = verifier;
    this.clock = clock;
    this.recheckInterval = recheckInterval;
  }

  @Override
  public Optional<Set<String>> recheck(KeyPrincipal p) {
    Row row = keys.validity(p.keyId());
    Instant now = clock.instant();
    String problem = null;
    if (row == null) {
      problem = "key no longer exists";
    } else if (row.getInstant("revoked_at") != null) {
      problem = "key revoked at " + row.getInstant("revoked_at");
    } else if (row.getInstant("expires_at") != null && !now.isBefore(row.getInstant("expires_at"))) {
      problem = "key expired at " + row.getInstant("expires_at");
    } else if (p.isAdmin() && !p.keyId().equals(adminSlot.holder())) {
      problem = "no longer the active admin key";
    }
    if (problem != null) {
      verifier.deny(p.keyId(), p.organisation(), "SESSION_CHECK", problem + "; open session closed");
      return Optional.empty();
    }
    return Optional.of(p.isAdmin() ? Set.of() : Set.copyOf(tenancy.owned(p.organisation())));
  }

  @Override
  public AccessDeniedException refuse(KeyPrincipal p, String reason) {
    return verifier.deny(p.keyId(), p.organisation(), "STATEMENT", reason);
  }

  @Override
  public Metadata schema() {
    synchronized (schemaLock) { // coalesced: callers during a refresh wait for it and share its result
      long now = System.nanoTime();
      if (lastSchema == null || now - lastSchemaNanos >= SCHEMA_REFRESH_NANOS) {
        lastSchema = host.schema();
        lastSchemaNanos = System.nanoTime();
      }
      return lastSchema;
    }
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Duration recheckInterval() {
    return recheckInterval;
  }

  @Override
  public String securityKeyspace() {
    return keyspace;
  }

  @Override
  public boolean isReserved(String ks) {
    return tenancy.isReserved(ks);
  }
}
