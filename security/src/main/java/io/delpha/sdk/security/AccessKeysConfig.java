package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link AccessKeys} was configured, as its builder resolved it. Immutable, made only by its builder (no public
 * constructor); equal when every setting is equal. The role-password key is a {@link Secret} and {@link #toString()}
 * shows none.
 */
public final class AccessKeysConfig {

  /** The ingest registry's default keyspace: never assignable (see {@code BatchIngestorBuilder}). */
  static final String DEFAULT_INGEST_KEYSPACE = "delpha_ingest";

  static final Settings SETTINGS = new Settings("AccessKeysConfig");
  static final Settings.Setting<CqlExecutor> CASSANDRA = SETTINGS.required("cassandra");
  static final Settings.Setting<String> KEYSPACE = SETTINGS.add("keyspace", "delpha_security");
  static final Settings.Setting<String> REPLICATION = SETTINGS.optional("replication");
  static final Settings.Setting<Clock> CLOCK = SETTINGS.add("clock", Clock.systemUTC());
  static final Settings.Setting<Duration> REVOCATION_CHECK_INTERVAL =
      SETTINGS.add("revocationCheckInterval", Duration.ofSeconds(2));
  static final Settings.Setting<Integer> MAX_FAILURES = SETTINGS.add("maxFailures", 5);
  static final Settings.Setting<Duration> FAILURE_WINDOW = SETTINGS.add("failureWindow", Duration.ofMinutes(1));
  static final Settings.Setting<Set<String>> RESERVED_KEYSPACES =
      SETTINGS.add("reservedKeyspaces", Set.of(DEFAULT_INGEST_KEYSPACE)).copiedBy(Set::copyOf);
  static final Settings.Setting<DatabaseLogin> ROLE_LOGIN = SETTINGS.optional("roleLogin");
  static final Settings.Setting<Secret> ROLE_PASSWORD_KEY = SETTINGS.optional("rolePasswordKey");
  static final Settings.Setting<Set<String>> ROLE_ACCESS_FROM_CIDRS =
      SETTINGS.add("roleAccessFromCidrs", Set.<String>of()).copiedBy(Set::copyOf);
  static final Settings.Setting<Duration> ROLE_SWEEP_INTERVAL =
      SETTINGS.add("roleSweepInterval", Duration.ofMinutes(1));
  static final Settings.Setting<Integer> MAX_SESSIONS_PER_ORGANISATION =
      SETTINGS.add("maxSessionsPerOrganisation", 64);
  static final Settings.Setting<Integer> MAX_OPENS_PER_SECOND_PER_ORGANISATION =
      SETTINGS.add("maxOpensPerSecondPerOrganisation", 20);
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());

  private final Settings.Values values;

  /** Made by {@link AccessKeysBuilder} only. */
  AccessKeysConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the host's connection the key store runs on (and organisation sessions, without Cassandra roles)
   */
  public CqlExecutor cassandra() {
    return values.get(CASSANDRA);
  }

  /**
   * @return the keyspace of keys, registry and audit (default {@code delpha_security})
   */
  public String keyspace() {
    return values.get(KEYSPACE);
  }

  /**
   * @return the replication map used if the keyspace is created, or {@code null} for the one chosen from the cluster
   */
  public @Nullable String replication() {
    return values.find(REPLICATION);
  }

  /**
   * @return the time of issue, expiry, revocation and audit
   */
  public Clock clock() {
    return values.get(CLOCK);
  }

  /**
   * @return how old a session's last key check may get before the next use checks again (default 2 s)
   */
  public Duration revocationCheckInterval() {
    return values.get(REVOCATION_CHECK_INTERVAL);
  }

  /**
   * @return failures of one key id allowed within {@link #failureWindow()} (default 5)
   */
  public int maxFailures() {
    return values.get(MAX_FAILURES);
  }

  /**
   * @return the window {@link #maxFailures()} counts in (default 1 minute)
   */
  public Duration failureWindow() {
    return values.get(FAILURE_WINDOW);
  }

  /**
   * @return the keyspaces no organisation may be given (lower case), {@code delpha_ingest} always among them
   */
  public Set<String> reservedKeyspaces() {
    return values.get(RESERVED_KEYSPACES);
  }

  /**
   * @return how a connection is opened as a key's Cassandra role, or {@code null} without Cassandra roles
   */
  public @Nullable DatabaseLogin roleLogin() {
    return values.find(ROLE_LOGIN);
  }

  /**
   * @return the host's role-password key, or {@code null} for a random one per instance (or without roles)
   */
  public @Nullable Secret rolePasswordKey() {
    return values.find(ROLE_PASSWORD_KEY);
  }

  /**
   * @return the CIDR groups the key roles may log in from (empty: no restriction)
   */
  public Set<String> roleAccessFromCidrs() {
    return values.get(ROLE_ACCESS_FROM_CIDRS);
  }

  /**
   * @return how often the roles of expired and revoked keys are dropped (default 1 minute)
   */
  public Duration roleSweepInterval() {
    return values.get(ROLE_SWEEP_INTERVAL);
  }

  /**
   * @return sessions one organisation may hold open at once in one instance (default 64)
   */
  public int maxSessionsPerOrganisation() {
    return values.get(MAX_SESSIONS_PER_ORGANISATION);
  }

  /**
   * @return sessions one organisation may open per second in one instance (default 20)
   */
  public int maxOpensPerSecondPerOrganisation() {
    return values.get(MAX_OPENS_PER_SECOND_PER_ORGANISATION);
  }

  /**
   * @return where key checks and refusals are counted ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * The settings a builder holds, without building (no keyspace created): the same checks as {@code build()}.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing, as {@code build()} would say
   */
  public static AccessKeysConfig from(AccessKeysBuilder settings) {
    return settings.settings();
  }

  /**
   * @return a builder with the default settings: {@link AccessKeys#builder()}
   */
  public static AccessKeysBuilder builder() {
    return AccessKeys.builder();
  }

  /**
   * @return a builder holding every setting of this config, the connection and the role-password key included
   */
  public AccessKeysBuilder toBuilder() {
    return new AccessKeysBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AccessKeysConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return values.toString();
  }
}
