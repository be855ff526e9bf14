package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.internal.cql.BoundedWriter;
import io.delpha.sdk.core.internal.cql.RowBatcher;
import io.delpha.sdk.core.storage.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link BatchIngestor} was built with, as its builder took them. Immutable, made only by its builder
 * (no public constructor), equal when every setting is equal; {@link #toBuilder()} starts a builder for another
 * ingestor with the same settings and collaborators (the same Cassandra executor and staging store, which neither
 * ingestor closes), so {@code config.toBuilder().build().config()} equals {@code config}.
 *
 * <pre>{@code
 * try (BatchIngestor other = ingestor.config().toBuilder().worker("ingest-2").build()) { ... }
 * }</pre>
 */
public final class BatchIngestorConfig {

  /** OWASP's recommendation for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet): the default iterations. */
  private static final int OWASP_ITERATIONS = 600_000;

  static final Settings SETTINGS = new Settings("BatchIngestorConfig");
  static final Settings.Setting<CqlExecutor> CASSANDRA = SETTINGS.required("cassandra");
  static final Settings.Setting<ObjectStore> STAGING = SETTINGS.required("staging");
  static final Settings.Setting<String> REGISTRY_KEYSPACE = SETTINGS.add("registryKeyspace", "delpha_ingest");
  static final Settings.Setting<String> REGISTRY_REPLICATION = SETTINGS.optional("registryReplication");
  static final Settings.Setting<Map<String, IngestApp>> APPS =
      SETTINGS.add("apps", Map.of(IngestApp.CSV, IngestApp.csv())).copiedBy(Map::copyOf);
  static final Settings.Setting<Integer> PASSWORD_ITERATIONS =
      SETTINGS.add("passwordIterations", OWASP_ITERATIONS);
  /** Without a default: each new builder sets its own (host name, process id, random suffix), never shared. */
  static final Settings.Setting<String> WORKER = SETTINGS.required("worker");
  static final Settings.Setting<Duration> LEASE = SETTINGS.add("lease", Duration.ofSeconds(60));
  static final Settings.Setting<Duration> POLL_INTERVAL = SETTINGS.add("pollInterval", Duration.ofSeconds(2));
  static final Settings.Setting<Integer> MAX_IN_FLIGHT = SETTINGS.add("maxInFlight", 1024);
  static final Settings.Setting<Integer> MAX_BATCH_ROWS = SETTINGS.add("maxBatchRows", RowBatcher.DEFAULT_BATCH_ROWS);
  static final Settings.Setting<Long> PROGRESS_EVERY_ROWS = SETTINGS.add("progressEveryRows", 10_000L);
  static final Settings.Setting<List<IngestListener>> LISTENERS =
      SETTINGS.add("listeners", List.<IngestListener>of()).copiedBy(List::copyOf);
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());
  static final Settings.Setting<AppLimits> APP_LIMITS = SETTINGS.add("appLimits", AppLimits.defaults());
  static final Settings.Setting<Boolean> ALLOW_UNISOLATED_APPS = SETTINGS.add("allowUnisolatedApps", false);
  static final Settings.Setting<RetryPolicy> WRITE_RETRY = SETTINGS.add("writeRetry", BoundedWriter.DEFAULT_RETRY);

  private final Settings.Values values;

  /** Made by {@link BatchIngestorBuilder} only. */
  BatchIngestorConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return where the registry lives and rows go
   */
  public CqlExecutor cassandra() {
    return values.get(CASSANDRA);
  }

  /**
   * @return the staging area
   */
  public ObjectStore staging() {
    return values.get(STAGING);
  }

  /**
   * @return the keyspace of the ingestor's own tables
   */
  public String registryKeyspace() {
    return values.get(REGISTRY_KEYSPACE);
  }

  /**
   * @return its replication map in CQL, or {@code null} for the default (the local data center,
   *     min(3, its nodes) replicas)
   */
  public @Nullable String registryReplication() {
    return values.find(REGISTRY_REPLICATION);
  }

  /**
   * @return the ingest apps customers are registered with, by name ({@code csv} included)
   */
  public Map<String, IngestApp> apps() {
    return values.get(APPS);
  }

  /**
   * @return PBKDF2 iterations for new password hashes
   */
  public int passwordIterations() {
    return values.get(PASSWORD_ITERATIONS);
  }

  /**
   * @return the ingestor's id in leases and metrics
   */
  public String worker() {
    return values.get(WORKER);
  }

  /**
   * @return how long a claim lasts without renewal
   */
  public Duration lease() {
    return values.get(LEASE);
  }

  /**
   * @return the pause between passes of {@link BatchIngestor#start()}
   */
  public Duration pollInterval() {
    return values.get(POLL_INTERVAL);
  }

  /**
   * @return the most write requests in flight per file, as asked (lowered at build time to what the
   *     session's connection pool carries)
   */
  public int maxInFlight() {
    return values.get(MAX_IN_FLIGHT);
  }

  /**
   * @return the most rows sent as one unlogged batch
   */
  public int maxBatchRows() {
    return values.get(MAX_BATCH_ROWS);
  }

  /**
   * @return how often (in rows written) progress is reported
   */
  public long progressEveryRows() {
    return values.get(PROGRESS_EVERY_ROWS);
  }

  /**
   * @return the listeners, in the order they hear events
   */
  public List<IngestListener> listeners() {
    return values.get(LISTENERS);
  }

  /**
   * @return where ingestion is metered
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * @return the bounds of each run of a customer's program app
   */
  public AppLimits appLimits() {
    return values.get(APP_LIMITS);
  }

  /**
   * @return whether program apps may run where they cannot be isolated
   */
  public boolean allowUnisolatedApps() {
    return values.get(ALLOW_UNISOLATED_APPS);
  }

  /**
   * @return how a file's writes that fail transiently are sent again before the file is given up ({@link
   *     BatchIngestorBuilder#writeRetry(RetryPolicy)})
   */
  public RetryPolicy writeRetry() {
    return values.get(WRITE_RETRY);
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. Only the executor and the staging store are required
   * here, as {@code build()} requires them.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static BatchIngestorConfig from(BatchIngestorBuilder settings) {
    return settings.config();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * BatchIngestor#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static BatchIngestorBuilder builder() {
    return BatchIngestor.builder();
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public BatchIngestorBuilder toBuilder() {
    return new BatchIngestorBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BatchIngestorConfig c && values.equals(c.values);
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
