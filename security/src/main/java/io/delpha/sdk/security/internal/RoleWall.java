package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.security.DatabaseLogin;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.KeyRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cassandra's own authorisation behind the library's statement guard ({@code AccessKeysBuilder.cassandraRoles}):
 * a login role per organisation key, kept in step with the key table; organisation roles whose grants follow the
 * registry; one connection per key role, shared by that key's sessions; and a background sweep that drops the roles
 * of dead keys and reconciles every organisation's grants.
 */
public final class RoleWall implements AutoCloseable {

  /** The facade's category: hosts tune the key store's log lines by that one name. */
  private static final Logger LOG = LoggerFactory.getLogger(RoleWall.class);

  private final DatabaseLogin login;
  private final DatabaseRoles roles;
  /** Keeps the organisation roles' grants equal to the registry. */
  private final GrantReconciler grants;
  /** One driver session per key role, shared by that key's sessions. */
  private final RoleConnections connections = new RoleConnections();
  /** Key ids whose role this instance has dropped (the sweep drops each dead key's role once per process). */
  private final Set<String> droppedRoles = ConcurrentHashMap.newKeySet();
  private final KeyTable keys;
  private final Tenancy tenancy;
  private final Clock clock;
  private final ScheduledExecutorService sweeper;

  /**
   * Starts the sweep.
   *
   * @param login opens a connection as a role
   * @param roles the store's roles
   * @param grants the reconciler of the organisation roles' grants
   * @param keys the key table, read by the sweep
   * @param tenancy the registry, whose organisations the sweep reconciles
   * @param clock the time keys expire by
   * @param sweepInterval how often the sweep runs
   */
  public RoleWall(DatabaseLogin login, DatabaseRoles roles, GrantReconciler grants, KeyTable keys, Tenancy tenancy,
      Clock clock, Duration sweepInterval) {
    this.login = login;
    this.roles = roles;
    this.grants = grants;
    this.keys = keys;
    this.tenancy = tenancy;
    this.clock = clock;
    this.sweeper = startRoleSweep(sweepInterval);
  }

  /**
   * @param keyId a new organisation key
   * @param organisation its organisation
   */
  public void createKeyRole(String keyId, String organisation) {
    roles.createKeyRole(keyId, organisation);
  }

  /**
   * Drops a dead key's role and retires its shared connection (sessions open keep it until they close).
   *
   * @param keyId a revoked or expired organisation key
   */
  public void dropKeyRole(String keyId) {
    roles.dropKeyRole(keyId);
    droppedRoles.add(keyId);
    connections.retire(roles.keyRole(keyId));
  }

  /**
   * Drops the role of a key found expired when presented: Cassandra roles do not expire, so its first use after
   * expiry removes it.
   *
   * @param keyId the expired organisation key
   */
  public void dropExpiredKeyRole(String keyId) {
    roles.dropKeyRole(keyId);
    droppedRoles.add(keyId);
  }

  /**
   * Changes the registry under the organisation's grant lock (no reconciliation of it in this process reads the
   * registry mid-change), then reconciles its grants, also when the change throws.
   *
   * @param organisation the organisation whose keyspaces change
   * @param change the registry change
   */
  public void changeRegistry(String organisation, Runnable change) {
    synchronized (grants.lockOf(organisation)) {
      try {
        change.run();
      } finally {
        grants.reconcile(organisation);
      }
    }
  }

  /**
   * Makes the organisation role's grants match the registry, unless this process's last reconciliation granted
   * exactly these keyspaces.
   *
   * @param organisation the organisation
   * @param owned the keyspaces it owns by the caller's registry read
   */
  public void matchGrants(String organisation, Set<String> owned) {
    if (!grants.upToDate(organisation, owned)) {
      grants.reconcile(organisation);
    }
  }

  /**
   * @param p a verified organisation key
   * @return a lease on the key's shared connection, logged in as its role
   * @throws io.delpha.sdk.core.DelphaException when Cassandra refuses the login or cannot be reached
   */
  public RoleConnections.Lease connection(KeyPrincipal p) {
    return connections.acquire(roles.keyRole(p.keyId()), () -> loginAsRole(p));
  }

  /**
   * Logs in as the key's role. A refused login (a role made under an earlier role-password key, or by an older
   * version) gets its password re-set once; the key was verified before, so only its holder can cause this.
   */
  private CqlExecutor loginAsRole(KeyPrincipal p) {
    String keyId = p.keyId();
    String role = roles.keyRole(keyId);
    try {
      return login.connect(role, roles.password(keyId));
    } catch (AuthenticationException refused) {
      // a role made under another role-password key, or missing (a key issued before roles were on, or before role
      // names carried the store's id): made or re-set once
      roles.createKeyRole(keyId, p.organisation());
      roles.resetPassword(keyId);
      return login.connect(role, roles.password(keyId));
    }
  }

  /**
   * Drops the role of every organisation key that has expired or was revoked, once per process.
   *
   * @return how many roles were dropped
   */
  public int sweepExpiredRoles() {
    Instant now = clock.instant();
    List<String> dead = new ArrayList<>();
    for (Row r : keys.lifecycles()) {
      Instant expiresAt = r.getInstant("expires_at");
      boolean expired = expiresAt != null && !now.isBefore(expiresAt);
      if ((expired || r.getInstant("revoked_at") != null) && KeyRole.ORG.name().equals(r.getString("role"))
          && !droppedRoles.contains(r.getString("key_id"))) {
        dead.add(r.getString("key_id"));
      }
    }
    for (String keyId : dead) {
      dropKeyRole(keyId);
    }
    if (!dead.isEmpty()) {
      LOG.info("dropped the Cassandra roles of {} expired or revoked key(s)", dead.size());
    }
    return dead.size();
  }

  /**
   * Sets the password of every live organisation key's role to the one the current role-password key gives, and
   * retires the shared connections (sessions open keep theirs; the next ones log in with the new password).
   *
   * @return how many roles were re-set
   */
  public int rotatePasswords() {
    Instant now = clock.instant();
    int n = 0;
    for (Row r : keys.lifecycles()) {
      Instant expiresAt = r.getInstant("expires_at");
      if (KeyRole.ORG.name().equals(r.getString("role")) && r.getInstant("revoked_at") == null
          && (expiresAt == null || now.isBefore(expiresAt))) {
        roles.resetPassword(Objects.requireNonNull(r.getString("key_id"), "key_id is the primary key"));
        n++;
      }
    }
    connections.retireAll();
    LOG.info("re-set the Cassandra role passwords of {} live key(s)", n);
    return n;
  }

  /**
   * Drops every role of the store (key and organisation roles, and with them their grants) and forgets what this
   * process knew of them.
   *
   * @return how many roles were dropped
   */
  public int dropStoreRoles() {
    int dropped = roles.dropStoreRoles();
    grants.forget();
    connections.retireAll();
    droppedRoles.clear();
    return dropped;
  }

  /** Stops the sweep (a run in progress may finish). */
  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  private ScheduledExecutorService startRoleSweep(Duration every) {
    var exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "delpha-role-sweep");
      t.setDaemon(true);
      return t;
    });
    long ms = every.toMillis();
    exec.scheduleWithFixedDelay(() -> {
      try {
        sweepExpiredRoles();
        reconcileAllGrants();
      } catch (RuntimeException | Error e) {
        // an Error too: one escaping would end the sweeps for good, unseen
        LOG.warn("the sweep of expired keys' Cassandra roles failed ({}); it runs again in {}", e.getClass()
            .getSimpleName(), every);
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return exec;
  }

  /**
   * Reconciles the grants of every organisation this store knows (a role of the store, or an entry in the
   * registry): what the sweep runs, so a grant left by a process that stopped mid-change, or lost with a keyspace
   * dropped and created again, is put right within one sweep interval.
   */
  private void reconcileAllGrants() {
    Set<String> orgs = new TreeSet<>(roles.organisations());
    orgs.addAll(tenancy.organisations());
    for (String org : orgs) {
      grants.reconcile(org);
    }
  }
}
