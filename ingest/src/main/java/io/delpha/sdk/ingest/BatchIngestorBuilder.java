package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds a {@link BatchIngestor}: {@link BatchIngestor#builder()}, or {@link BatchIngestorConfig#toBuilder()} for
 * another ingestor with a config's settings and collaborators. Not thread-safe.
 */
public final class BatchIngestorBuilder implements ClientBuilder<BatchIngestorBuilder, BatchIngestor> {
  private final Settings.Draft draft;

  BatchIngestorBuilder() {
    this(BatchIngestorConfig.SETTINGS.draft());
    draft.set(BatchIngestorConfig.WORKER, defaultWorker());
  }

  /** A builder holding {@code draft}'s settings: {@link BatchIngestorConfig#toBuilder()}. */
  BatchIngestorBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  /**
   * @param limits the bounds of each run of a customer's program app; default {@link AppLimits#defaults()}
   * @return this builder
   */
  public BatchIngestorBuilder appLimits(AppLimits limits) {
    draft.set(BatchIngestorConfig.APP_LIMITS, Objects.requireNonNull(limits, "limits"));
    return this;
  }

  /**
   * @param allow whether customers' program apps may run where they cannot be isolated ({@link
   *     AppIsolation#LIMITS_ONLY}: no namespaces, so an app can read what the manager's user can read and reach
   *     the network); default {@code false}: such files wait in {@code incoming/}, logged
   * @return this builder
   */
  public BatchIngestorBuilder allowUnisolatedApps(boolean allow) {
    draft.set(BatchIngestorConfig.ALLOW_UNISOLATED_APPS, allow);
    return this;
  }

  /**
   * @param cassandra where the registry lives and rows go: a {@code CassandraManager}, or any {@link
   *     CqlExecutor} that exposes {@link CqlExecutor#schema()} (an admin scoped session); not closed by
   *     the ingestor (required)
   * @return this builder
   */
  public BatchIngestorBuilder cassandra(CqlExecutor cassandra) {
    draft.set(BatchIngestorConfig.CASSANDRA, cassandra);
    return this;
  }

  /**
   * @param staging the staging area: a local folder or an S3 bucket; not closed by the ingestor (required)
   * @return this builder
   */
  public BatchIngestorBuilder staging(ObjectStore staging) {
    draft.set(BatchIngestorConfig.STAGING, staging);
    return this;
  }

  /**
   * @param keyspace the keyspace of the ingestor's own tables, created if it must be with the default
   *     replication ({@link CassandraKeyspaces#survivingReplication}); default {@code delpha_ingest}
   * @return this builder
   */
  public BatchIngestorBuilder registry(String keyspace) {
    Objects.requireNonNull(keyspace, "keyspace");
    if (!keyspace.matches("[A-Za-z][A-Za-z0-9_]{0,47}")) {
      throw new InvalidInputException("registry keyspace must be a plain CQL name, got '" + keyspace + "'");
    }
    draft.set(BatchIngestorConfig.REGISTRY_KEYSPACE, keyspace);
    return this;
  }

  /**
   * @param keyspace the keyspace of the ingestor's own tables; default {@code delpha_ingest}
   * @param replication its replication map in CQL if it must be created; default {@link
   *     CassandraKeyspaces#survivingReplication}: the local data center, min(3, its nodes) replicas
   * @return this builder
   */
  public BatchIngestorBuilder registry(String keyspace, String replication) {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(replication, "replication");
    if (!keyspace.matches("[A-Za-z][A-Za-z0-9_]{0,47}")) {
      throw new InvalidInputException("registry keyspace must be a plain CQL name, got '" + keyspace + "'");
    }
    draft.set(BatchIngestorConfig.REGISTRY_KEYSPACE, keyspace);
    draft.set(BatchIngestorConfig.REGISTRY_REPLICATION, replication);
    return this;
  }

  /**
   * @param name the name customers are registered with
   * @param app the app
   * @return this builder
   */
  public BatchIngestorBuilder app(String name, IngestApp app) {
    Map<String, IngestApp> apps = new HashMap<>(Objects.requireNonNull(draft.find(BatchIngestorConfig.APPS)));
    apps.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(app, "app"));
    draft.set(BatchIngestorConfig.APPS, apps);
    return this;
  }

  /**
   * @param iterations PBKDF2 iterations for new password hashes; default 600,000 (OWASP). Lower it only in tests.
   * @return this builder
   */
  public BatchIngestorBuilder passwordIterations(int iterations) {
    if (iterations < 1) {
      throw new InvalidInputException("password iterations must be positive, got " + iterations);
    }
    draft.set(BatchIngestorConfig.PASSWORD_ITERATIONS, iterations);
    return this;
  }

  /**
   * @param worker this manager's id in leases and metrics; default host name, process id and a random suffix
   * @return this builder
   */
  public BatchIngestorBuilder worker(String worker) {
    draft.set(BatchIngestorConfig.WORKER, worker);
    return this;
  }

  /**
   * @param lease how long a claim lasts without renewal (renewed every third of it); a dead manager's
   *     file is taken over after this; default 60 s
   * @return this builder
   */
  public BatchIngestorBuilder lease(Duration lease) {
    if (lease.toSeconds() < 1) {
      throw new InvalidInputException("the lease must last at least one second, got " + lease);
    }
    draft.set(BatchIngestorConfig.LEASE, lease);
    return this;
  }

  /**
   * @param pollInterval the pause between passes of {@link BatchIngestor#start()}; default 2 s
   * @return this builder
   */
  public BatchIngestorBuilder pollInterval(Duration pollInterval) {
    draft.set(BatchIngestorConfig.POLL_INTERVAL, pollInterval);
    return this;
  }

  /**
   * @param maxInFlight the most write requests in flight per file; default 1024, lowered at build time to
   *     what the session's connection pool carries (7/8 of requests per connection times connections)
   * @return this builder
   */
  public BatchIngestorBuilder maxInFlight(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new InvalidInputException("maxInFlight must be positive, got " + maxInFlight);
    }
    draft.set(BatchIngestorConfig.MAX_IN_FLIGHT, maxInFlight);
    return this;
  }

  /**
   * How a file's writes ride out a slow or paused node: a batch of rows whose write fails transiently (a
   * coordinator's write timeout, the driver's timeout, a connection convicted by its heartbeat, no node available
   * while the driver reconnects, an overloaded node) is sent again after the policy's delay, keeping its write
   * timestamp, while the file's requests in flight shrink to as few as one and grow back as writes succeed. A batch
   * is given up after the policy's {@code maxAttempts} attempts; the file then ends {@code INTERRUPTED} (it stays
   * staged and the next pass ingests it again) with an error saying so. Genuine errors (an invalid value for the
   * table, a refused permission) are never sent again. docs/ingest.md, "A slow or paused node".
   *
   * @param policy attempts and delays of a batch's writes; default 12 attempts, 500 ms doubling up to 10 s, with
   *     jitter (a batch is given up after 38 to 76 s of delays plus its attempts' own time); {@link
   *     RetryPolicy#none()} gives a file up on its first failed write
   * @return this builder
   */
  public BatchIngestorBuilder writeRetry(RetryPolicy policy) {
    draft.set(BatchIngestorConfig.WRITE_RETRY, Objects.requireNonNull(policy, "writeRetry"));
    return this;
  }

  /**
   * @param maxBatchRows the most rows sent as one unlogged batch; default 32. Rows are batched with rows whose
   *     partitions have the same replicas, at most 10 partitions and 2 KiB of values a batch, never two rows with
   *     the same primary key (docs/ingest.md, "Writes")
   * @return this builder
   */
  public BatchIngestorBuilder maxBatchRows(int maxBatchRows) {
    if (maxBatchRows < 1) {
      throw new InvalidInputException("maxBatchRows must be positive, got " + maxBatchRows);
    }
    draft.set(BatchIngestorConfig.MAX_BATCH_ROWS, maxBatchRows);
    return this;
  }

  /**
   * @param rows how often (in rows written) progress is reported; default 10,000
   * @return this builder
   */
  public BatchIngestorBuilder progressEvery(long rows) {
    if (rows < 1) {
      throw new InvalidInputException("progressEvery must be positive, got " + rows);
    }
    draft.set(BatchIngestorConfig.PROGRESS_EVERY_ROWS, rows);
    return this;
  }

  /**
   * Adds a listener: each call adds one, and every listener hears every event, in the order they were added
   * (as the AWS SDK's {@code addExecutionInterceptor}); one that throws is logged and the others still hear.
   *
   * @param listener receives progress and one event per file
   * @return this builder
   */
  public BatchIngestorBuilder listener(IngestListener listener) {
    List<IngestListener> listeners = new ArrayList<>(Objects.requireNonNull(draft.find(BatchIngestorConfig.LISTENERS)));
    listeners.add(Objects.requireNonNull(listener, "listener"));
    draft.set(BatchIngestorConfig.LISTENERS, listeners);
    return this;
  }

  /**
   * @param metrics where ingestion (files, rows, bytes, rejected rows, logins) and the upload endpoint's
   *     requests are metered (docs/metrics.md); default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public BatchIngestorBuilder metrics(Metrics metrics) {
    draft.set(BatchIngestorConfig.METRICS, metrics);
    return this;
  }

  /**
   * Creates the registry tables if needed.
   *
   * @return the ingestor
   * @throws InvalidInputException if Cassandra or the staging store is missing
   */
  @Override
  public BatchIngestor build() {
    if (draft.find(BatchIngestorConfig.CASSANDRA) == null || draft.find(BatchIngestorConfig.STAGING) == null) {
      throw new InvalidInputException("a BatchIngestor needs cassandra(...) and staging(...)");
    }
    return new BatchIngestor(config());
  }

  /** The settings {@link #build()} builds with ({@link BatchIngestorConfig#from}). */
  BatchIngestorConfig config() {
    return new BatchIngestorConfig(draft.freeze());
  }

  private static String defaultWorker() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "host";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
