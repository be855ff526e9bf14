package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.security.internal.AdminSlot;
import io.delpha.sdk.security.internal.KeyTable;
import io.delpha.sdk.security.internal.KeyspaceGuard;
import io.delpha.sdk.security.internal.Tenancy;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Configures and builds {@link AccessKeys}: {@link AccessKeys#builder()}, or {@link AccessKeys#on(CqlExecutor)} with
 * the connection given; {@link AccessKeysConfig#toBuilder()} starts one holding a config's settings, which each
 * setter writes. Not thread-safe.
 */
public final class AccessKeysBuilder implements ClientBuilder<AccessKeysBuilder, AccessKeys>,
    ClientBuilder.WithClock<AccessKeysBuilder> {
  private static final Duration MAX_RECHECK = Duration.ofSeconds(5);

  private final Settings.Draft draft;
  /** Test-only, not a setting: off only in the tests of Cassandra's own authorisation. */
  private boolean statementGuard = true;

  AccessKeysBuilder() {
    this(AccessKeysConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link AccessKeysConfig#toBuilder()}. */
  AccessKeysBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> AccessKeysBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, value);
    return this;
  }

  /**
   * @param cass the connection (a {@code CassandraManager}); its role needs to create the security keyspace, or
   *     the keyspace must exist
   * @return this builder
   */
  public AccessKeysBuilder cassandra(CqlExecutor cass) {
    return set(AccessKeysConfig.CASSANDRA, Objects.requireNonNull(cass, "cass"));
  }

  /**
   * @param name the keyspace for keys, registry and audit (default {@code delpha_security})
   * @return this builder
   */
  public AccessKeysBuilder keyspace(String name) {
    String ks = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    if (!Tenancy.isPlainKeyspaceName(ks) || KeyspaceGuard.isSystem(ks)) {
      throw new InvalidInputException("the security keyspace needs a plain, non-system name; got " + name);
    }
    return set(AccessKeysConfig.KEYSPACE, ks);
  }

  /**
   * @param cqlMap the replication map used if the keyspace is created, e.g. {@code {'class':
   *     'NetworkTopologyStrategy', 'dc1': 3}} (default {@link CassandraKeyspaces#survivingReplication}:
   *     the local data center, min(3, its nodes) replicas)
   * @return this builder
   */
  public AccessKeysBuilder replication(String cqlMap) {
    if (!Objects.requireNonNull(cqlMap, "cqlMap").trim().startsWith("{") || !cqlMap.trim().endsWith("}")) {
      throw new InvalidInputException("replication is a CQL map such as {'class': 'SimpleStrategy', "
          + "'replication_factor': 3}; got " + cqlMap);
    }
    return set(AccessKeysConfig.REPLICATION, cqlMap.trim());
  }

  /**
   * Doubles the statement guard with Cassandra's own authorisation, for clusters with authentication
   * and authorisation on ({@code PasswordAuthenticator}, {@code CassandraAuthorizer}). Each
   * organisation key gets a login role, {@code delpha_<store>_key_<id>}, member of a role {@code
   * delpha_<store>_org_<organisation>} granted {@code SELECT} and {@code MODIFY} on the organisation's keyspaces
   * only, where {@code <store>} is 12 hex digits derived from the key store's keyspace (two key stores on one
   * cluster share no role; {@link AccessKeys#dropStore()} drops a store's roles). {@link AccessKeys#issue} and
   * {@link AccessKeys#revoke} keep the key roles in step; {@link AccessKeys#assignKeyspace}, {@link
   * AccessKeys#unassignKeyspace}, {@link AccessKeys#open} and the sweep reconcile the organisation roles' grants
   * with the registry; {@link AccessKeys#open} runs an organisation key's session on a connection logged in as
   * its role, shared by that key's open sessions. The connection given to {@link AccessKeys#on} needs to create,
   * alter, list and drop roles and to grant on the organisations' keyspaces (a superuser, or a role with those
   * permissions). A key without a role (issued before this was enabled) gets one at its next open. Default: off
   * (one connection, the library's guard alone).
   *
   * <p>This form makes a random role-password key for this instance: right for one process. Several processes
   * sharing a key store should give the same key to each with {@link #cassandraRoles(DatabaseLogin,
   * io.delpha.sdk.core.Secret)}; otherwise each re-sets a role's password the first time it opens that key.
   *
   * @param login opens a connection as a role (e.g. a {@code CassandraManager} with those credentials)
   * @return this builder
   */
  public AccessKeysBuilder cassandraRoles(DatabaseLogin login) {
    return set(AccessKeysConfig.ROLE_LOGIN, Objects.requireNonNull(login, "login"));
  }

  /**
   * {@link #cassandraRoles(DatabaseLogin)} with the host's role-password key: each key role's password is
   * HMAC-SHA256 of the key id under it. Only the host holds it (a {@code SecretProvider} entry, e.g. {@code
   * Secret.of(secrets.secret("delpha/role-password-key"))}, 32 random bytes base64-encoded), so no access key's
   * holder can compute a role's password and log in to Cassandra directly. Roles are created and altered
   * {@code WITH HASHED PASSWORD} (bcrypt made here), so the password is never sent as statement text. Rotate it
   * as docs/security.md says: change the entry, then call {@link AccessKeys#rotateRolePasswords()} once.
   *
   * @param login opens a connection as a role
   * @param rolePasswordKey the host's role-password key (at least 16 characters)
   * @return this builder
   */
  public AccessKeysBuilder cassandraRoles(DatabaseLogin login, io.delpha.sdk.core.Secret rolePasswordKey) {
    draft.set(AccessKeysConfig.ROLE_LOGIN, Objects.requireNonNull(login, "login"));
    return set(AccessKeysConfig.ROLE_PASSWORD_KEY, Objects.requireNonNull(rolePasswordKey, "rolePasswordKey"));
  }

  /**
   * Restricts the key roles' logins to the host's networks (Cassandra 5.0 {@code ACCESS FROM CIDRS}). The
   * cluster needs the CIDR authorizer ({@code cidr_authorizer: class_name: CassandraCIDRAuthorizer} in
   * cassandra.yaml) and the groups defined ({@code nodetool updatecidrgroup <group> <cidr>...}).
   *
   * @param cidrGroups the CIDR groups the host's processes connect from (default: none, no restriction)
   * @return this builder
   */
  public AccessKeysBuilder roleAccessFromCidrs(Collection<String> cidrGroups) {
    return set(AccessKeysConfig.ROLE_ACCESS_FROM_CIDRS, Set.copyOf(Objects.requireNonNull(cidrGroups, "cidrGroups")));
  }

  /**
   * @param every how often the library drops the Cassandra roles of expired and revoked keys (default 1
   *     minute; with {@link #cassandraRoles} only)
   * @return this builder
   */
  public AccessKeysBuilder roleSweepInterval(Duration every) {
    if (Objects.requireNonNull(every, "every").isNegative() || every.isZero()) {
      throw new InvalidInputException("roleSweepInterval must be positive, was " + every);
    }
    return set(AccessKeysConfig.ROLE_SWEEP_INTERVAL, every);
  }

  /**
   * Test-only: organisation sessions run statements without the library's guard, to show that
   * Cassandra's own authorisation ({@link #cassandraRoles}) refuses on its own. Never part of the API.
   *
   * @return this builder
   */
  AccessKeysBuilder withoutStatementGuardForTesting() {
    this.statementGuard = false;
    return this;
  }

  /**
   * Names the keyspaces the library (or the host) keeps for itself, which {@link AccessKeys#assignKeyspace} refuses
   * to give to any organisation, in addition to Cassandra's system keyspaces and the security keyspace.
   *
   * @param names keyspace names (default: {@code delpha_ingest}, the ingest registry's default keyspace;
   *     name yours here when you configure another one)
   * @return this builder
   */
  public AccessKeysBuilder reservedKeyspaces(Collection<String> names) {
    Set<String> lowered = new HashSet<>();
    for (String n : Objects.requireNonNull(names, "names")) {
      lowered.add(Objects.requireNonNull(n, "keyspace name").toLowerCase(Locale.ROOT));
    }
    lowered.add(AccessKeysConfig.DEFAULT_INGEST_KEYSPACE);
    return set(AccessKeysConfig.RESERVED_KEYSPACES, lowered);
  }

  /**
   * @param clock the time for issue, expiry, revocation and audit (default the UTC system clock)
   * @return this builder
   */
  @Override
  public AccessKeysBuilder clock(Clock clock) {
    return set(AccessKeysConfig.CLOCK, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * @param interval how old a session's last key check may get before the next use checks again
   *     (default 2 s, at most 5 s): the longest a revoked key keeps working in an open session
   * @return this builder
   */
  public AccessKeysBuilder revocationCheckInterval(Duration interval) {
    if (Objects.requireNonNull(interval, "interval").isNegative() || interval.compareTo(MAX_RECHECK) > 0) {
      throw new InvalidInputException("revocationCheckInterval must be between 0 and 5 s, was " + interval);
    }
    return set(AccessKeysConfig.REVOCATION_CHECK_INTERVAL, interval);
  }

  /**
   * @param maxFailures failures of one key id allowed within the window (default 5); further attempts
   *     in the window are refused unchecked
   * @param window the window (default 1 minute)
   * @return this builder
   */
  public AccessKeysBuilder throttle(int maxFailures, Duration window) {
    Objects.requireNonNull(window, "window");
    if (maxFailures < 1 || window.isNegative() || window.isZero()) {
      throw new InvalidInputException("throttle needs at least 1 failure and a positive window, got "
          + maxFailures + " in " + window);
    }
    draft.set(AccessKeysConfig.MAX_FAILURES, maxFailures);
    return set(AccessKeysConfig.FAILURE_WINDOW, window);
  }

  /**
   * @param max sessions one organisation may hold open at once in this instance (default 64); an {@link
   *     AccessKeys#open} beyond it is refused ("access denied", audited as {@code THROTTLED}) until one closes
   * @return this builder
   */
  public AccessKeysBuilder maxSessionsPerOrganisation(int max) {
    if (max < 1) {
      throw new InvalidInputException("maxSessionsPerOrganisation must be at least 1, was " + max);
    }
    return set(AccessKeysConfig.MAX_SESSIONS_PER_ORGANISATION, max);
  }

  /**
   * @param max sessions one organisation may open per second in this instance, by the configured clock (default
   *     20); an {@link AccessKeys#open} beyond it is refused ("access denied", audited as {@code THROTTLED})
   * @return this builder
   */
  public AccessKeysBuilder maxOpensPerSecondPerOrganisation(int max) {
    if (max < 1) {
      throw new InvalidInputException("maxOpensPerSecondPerOrganisation must be at least 1, was " + max);
    }
    return set(AccessKeysConfig.MAX_OPENS_PER_SECOND_PER_ORGANISATION, max);
  }

  /**
   * @param metrics where key checks (by action and outcome) and refusals of authenticated keys are counted
   *     ({@code delpha.security.*}, docs/metrics.md; never a key id); default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public AccessKeysBuilder metrics(Metrics metrics) {
    return set(AccessKeysConfig.METRICS, Objects.requireNonNull(metrics, "metrics"));
  }

  /**
   * Creates the keyspace and tables if missing.
   *
   * @return access control ready to use
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  @Override
  public AccessKeys build() {
    AccessKeysConfig config = settings();
    CqlExecutor cass = config.cassandra();
    String keyspace = config.keyspace();
    String replication = config.replication();
    String map = replication != null ? replication : CassandraKeyspaces.survivingReplication(cass);
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + CqlNames.quote(keyspace) + " WITH replication = " + map);
    cass.execute(KeyTable.createTable(keyspace));
    cass.execute(AdminSlot.createTable(keyspace));
    for (String registryTable : Tenancy.createTables(keyspace)) {
      cass.execute(registryTable);
    }
    AccessKeys keys = new AccessKeys(config, statementGuard);
    keys.audit.createTable();
    return keys;
  }

  /**
   * The settings {@link #build()} uses, checked as it checks them ({@link AccessKeysConfig#from}), without touching
   * Cassandra.
   */
  AccessKeysConfig settings() {
    if (draft.find(AccessKeysConfig.CASSANDRA) == null) {
      throw new InvalidInputException("AccessKeys needs a Cassandra connection: builder().cassandra(cass)");
    }
    return new AccessKeysConfig(draft.freeze());
  }
}
