package io.delpha.sdk.ingest;

import static io.delpha.sdk.core.internal.ConfigValues.setting;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.ConfigValues;
import io.delpha.sdk.core.storage.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  private static final ConfigValues<BatchIngestorConfig> VALUES = ConfigValues.of(BatchIngestorConfig.class,
      setting("cassandra", BatchIngestorConfig::cassandra),
      setting("staging", BatchIngestorConfig::staging),
      setting("registryKeyspace", BatchIngestorConfig::registryKeyspace),
      setting("registryReplication", BatchIngestorConfig::registryReplication),
      setting("apps", BatchIngestorConfig::apps),
      setting("passwordIterations", BatchIngestorConfig::passwordIterations),
      setting("worker", BatchIngestorConfig::worker),
      setting("lease", BatchIngestorConfig::lease),
      setting("pollInterval", BatchIngestorConfig::pollInterval),
      setting("maxInFlight", BatchIngestorConfig::maxInFlight),
      setting("maxBatchRows", BatchIngestorConfig::maxBatchRows),
      setting("progressEveryRows", BatchIngestorConfig::progressEveryRows),
      setting("listeners", BatchIngestorConfig::listeners),
      setting("metrics", BatchIngestorConfig::metrics),
      setting("appLimits", BatchIngestorConfig::appLimits),
      setting("allowUnisolatedApps", BatchIngestorConfig::allowUnisolatedApps),
      setting("writeRetry", BatchIngestorConfig::writeRetry));

  private final CqlExecutor cassandra;
  private final ObjectStore staging;
  private final String registryKeyspace;
  private final @Nullable String registryReplication;
  private final Map<String, IngestApp> apps;
  private final int passwordIterations;
  private final String worker;
  private final Duration lease;
  private final Duration pollInterval;
  private final int maxInFlight;
  private final int maxBatchRows;
  private final long progressEveryRows;
  private final List<IngestListener> listeners;
  private final Metrics metrics;
  private final AppLimits appLimits;
  private final boolean allowUnisolatedApps;
  private final RetryPolicy writeRetry;

  /** Made by {@link BatchIngestorBuilder} only; checks the required settings and copies the collections. */
  BatchIngestorConfig(CqlExecutor cassandra, ObjectStore staging, String registryKeyspace,
      @Nullable String registryReplication, Map<String, IngestApp> apps, int passwordIterations, String worker,
      Duration lease, Duration pollInterval, int maxInFlight, int maxBatchRows, long progressEveryRows,
      List<IngestListener> listeners, Metrics metrics, AppLimits appLimits, boolean allowUnisolatedApps,
      RetryPolicy writeRetry) {
    Objects.requireNonNull(cassandra, "cassandra");
    Objects.requireNonNull(staging, "staging");
    Objects.requireNonNull(registryKeyspace, "registryKeyspace");
    apps = Map.copyOf(apps);
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(pollInterval, "pollInterval");
    listeners = List.copyOf(listeners);
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(appLimits, "appLimits");
    Objects.requireNonNull(writeRetry, "writeRetry");

    this.cassandra = cassandra;
    this.staging = staging;
    this.registryKeyspace = registryKeyspace;
    this.registryReplication = registryReplication;
    this.apps = apps;
    this.passwordIterations = passwordIterations;
    this.worker = worker;
    this.lease = lease;
    this.pollInterval = pollInterval;
    this.maxInFlight = maxInFlight;
    this.maxBatchRows = maxBatchRows;
    this.progressEveryRows = progressEveryRows;
    this.listeners = listeners;
    this.metrics = metrics;
    this.appLimits = appLimits;
    this.allowUnisolatedApps = allowUnisolatedApps;
    this.writeRetry = writeRetry;
  }

  /**
   * @return where the registry lives and rows go
   */
  public CqlExecutor cassandra() {
    return cassandra;
  }

  /**
   * @return the staging area
   */
  public ObjectStore staging() {
    return staging;
  }

  /**
   * @return the keyspace of the ingestor's own tables
   */
  public String registryKeyspace() {
    return registryKeyspace;
  }

  /**
   * @return its replication map in CQL, or {@code null} for the default (the local data center,
   *     min(3, its nodes) replicas)
   */
  public @Nullable String registryReplication() {
    return registryReplication;
  }

  /**
   * @return the ingest apps customers are registered with, by name ({@code csv} included)
   */
  public Map<String, IngestApp> apps() {
    return apps;
  }

  /**
   * @return PBKDF2 iterations for new password hashes
   */
  public int passwordIterations() {
    return passwordIterations;
  }

  /**
   * @return the ingestor's id in leases and metrics
   */
  public String worker() {
    return worker;
  }

  /**
   * @return how long a claim lasts without renewal
   */
  public Duration lease() {
    return lease;
  }

  /**
   * @return the pause between passes of {@link BatchIngestor#start()}
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * @return the most write requests in flight per file, as asked (lowered at build time to what the
   *     session's connection pool carries)
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * @return the most rows sent as one unlogged batch
   */
  public int maxBatchRows() {
    return maxBatchRows;
  }

  /**
   * @return how often (in rows written) progress is reported
   */
  public long progressEveryRows() {
    return progressEveryRows;
  }

  /**
   * @return the listeners, in the order they hear events
   */
  public List<IngestListener> listeners() {
    return listeners;
  }

  /**
   * @return where ingestion is metered
   */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * @return the bounds of each run of a customer's program app
   */
  public AppLimits appLimits() {
    return appLimits;
  }

  /**
   * @return whether program apps may run where they cannot be isolated
   */
  public boolean allowUnisolatedApps() {
    return allowUnisolatedApps;
  }

  /**
   * @return how a file's writes that fail transiently are sent again before the file is given up ({@link
   *     BatchIngestorBuilder#writeRetry(RetryPolicy)})
   */
  public RetryPolicy writeRetry() {
    return writeRetry;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. Only the executor and the staging store are required here, as {@code build()} requires them.
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
    return BatchIngestor.builder().config(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return VALUES.equal(this, o);
  }

  @Override
  public int hashCode() {
    return VALUES.hash(this);
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return VALUES.show(this);
  }
}
