package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.storage.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link BatchIngestor} was built with, as its builder took them. Immutable; {@link #toBuilder()}
 * starts a builder for another ingestor with the same settings and collaborators (the same Cassandra executor and
 * staging store, which neither ingestor closes), so {@code config.toBuilder().build().config()} equals {@code config}.
 *
 * <pre>{@code
 * try (BatchIngestor other = ingestor.config().toBuilder().worker("ingest-2").build()) { ... }
 * }</pre>
 *
 * @param cassandra where the registry lives and rows go
 * @param staging the staging area
 * @param registryKeyspace the keyspace of the ingestor's own tables
 * @param registryReplication its replication map in CQL, or {@code null} for the default (the local data center,
 *     min(3, its nodes) replicas)
 * @param apps the ingest apps customers are registered with, by name ({@code csv} included)
 * @param passwordIterations PBKDF2 iterations for new password hashes
 * @param worker the ingestor's id in leases and metrics
 * @param lease how long a claim lasts without renewal
 * @param pollInterval the pause between passes of {@link BatchIngestor#start()}
 * @param maxInFlight the most write requests in flight per file, as asked (lowered at build time to what the
 *     session's connection pool carries)
 * @param maxBatchRows the most rows sent as one unlogged batch
 * @param progressEveryRows how often (in rows written) progress is reported
 * @param listeners the listeners, in the order they hear events
 * @param metrics where ingestion is metered
 * @param appLimits the bounds of each run of a customer's program app
 * @param allowUnisolatedApps whether program apps may run where they cannot be isolated
 */
public record BatchIngestorConfig(
    CqlExecutor cassandra,
    ObjectStore staging,
    String registryKeyspace,
    @Nullable String registryReplication,
    Map<String, IngestApp> apps,
    int passwordIterations,
    String worker,
    Duration lease,
    Duration pollInterval,
    int maxInFlight,
    int maxBatchRows,
    long progressEveryRows,
    List<IngestListener> listeners,
    Metrics metrics,
    AppLimits appLimits,
    boolean allowUnisolatedApps) {

  /** Checks the required settings and copies the collections. */
  public BatchIngestorConfig {
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
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public BatchIngestor.Builder toBuilder() {
    return BatchIngestor.builder().config(this);
  }
}
