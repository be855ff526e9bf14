package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.cassandra.SchemaCatalog;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.storage.ObjectInfo;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.BatchIngestorConfig;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.ingest.IngestListener;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one staged file under a lease: claims it in the registry, renews the claim while the customer's app reads
 * it, confirms the claim before recording, then writes the outcome (bad records, error text), records it and moves
 * the file. A manager that loses the lease, or cannot reach Cassandra or the store, leaves the file staged.
 */
public final class StagedFileIngestor {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger LOG = LoggerFactory.getLogger(StagedFileIngestor.class);

  private final BatchIngestorConfig config;
  /** The keyspaces' tables, read through the ingestor's one data dictionary. */
  private final SchemaCatalog schema;
  private final ObjectStore staging;
  private final Registry registry;
  private final IngestApps apps;
  private final int maxInFlight;
  private final IngestListener listener;
  private final FileMeters meters;
  private final ScheduledExecutorService scheduler;
  /** The files being ingested now, so that closing the manager can stop their retries. */
  private final java.util.Map<String, FileRun> running = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param config the manager's settings (its executor, staging store, worker id, lease, batch and progress sizes)
   * @param schema the manager's data dictionary
   * @param registry the claims and the record of ingested files
   * @param apps which app reads a customer's files
   * @param maxInFlight the most write requests in flight per file, as bounded by the session's pool
   * @param listener hears progress and each file's outcome
   * @param meters meters each file
   * @param scheduler renews the lease while a file is read
   */
  public StagedFileIngestor(BatchIngestorConfig config, SchemaCatalog schema, Registry registry, IngestApps apps,
      int maxInFlight, IngestListener listener, FileMeters meters, ScheduledExecutorService scheduler) {
    this.config = config;
    this.schema = schema;
    this.staging = config.staging();
    this.registry = registry;
    this.apps = apps;
    this.maxInFlight = maxInFlight;
    this.listener = listener;
    this.meters = meters;
    this.scheduler = scheduler;
  }

  /**
   * @param c the file's customer
   * @param key the file's key under the customer's {@link StagingKeys#incoming} prefix
   * @return the file's run, or empty if another manager holds the file or has already finished it
   */
  public Optional<FileIngestion> ingestOne(Customer c, String key) {
    String worker = config.worker();
    Duration lease = config.lease();
    if (!leaseCall("taking the lease on " + key, () -> registry.claim(key, worker, lease))) {
      return Optional.empty();
    }
    ScheduledFuture<?> keeper = null;
    try {
      Optional<ObjectInfo> info = staging.stat(key);
      if (info.isEmpty()) {
        return Optional.empty(); // another manager finished it between our listing and our claim
      }
      long t0 = System.nanoTime();
      String name = key.substring(key.lastIndexOf('/') + 1);
      String task = "ingest " + c.id() + "/" + name;
      notify(l -> l.onStart(task));
      try (FileRun run = new FileRun(config.cassandra(), schema, staging, key, c.id(), c.keyspace(), info.get().size(),
          maxInFlight, config.maxBatchRows(), config.progressEveryRows(), listener, config.writeRetry())) {
        running.put(key, run);
        long renewEvery = Math.max(200, lease.toMillis() / 3);
        keeper = scheduler.scheduleWithFixedDelay(() -> {
          try {
            if (!registry.renew(key, worker, lease)) {
              run.leaseLost();
            }
          } catch (RuntimeException | Error e) {
            // an Error too: one escaping would end the renewals for good, unseen
            LOG.warn("cannot renew the lease on {}: {}", key, e.toString());
          }
        }, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        Status status;
        String error = null;
        try {
          apps.appFor(c).ingest(run);
          run.finish();
          status = Status.PROCESSED;
        } catch (InvalidInputException e) {
          // the file's own fault (bad header, missing table, not UTF-8): retrying cannot help
          run.awaitInFlight();
          status = Status.FAILED;
          error = e.getMessage();
        } catch (Exception e) {
          // Cassandra or the store unreachable, a lost lease, a driver hiccup while reconnecting, an
          // app's bug: the file stays staged and is retried, never lost
          run.awaitInFlight();
          status = Status.INTERRUPTED;
          error = e instanceof DelphaException ? e.getMessage() : e.toString();
        }
        keeper.cancel(false);
        if (status != Status.INTERRUPTED && !stillHolds(key)) {
          // another manager took the file while renewals could not reach the cluster: it records and moves the
          // file, so this one must not (a second record; a move racing the other's). Rows already written are
          // upserts of the same values.
          status = Status.INTERRUPTED;
          error = "the lease on " + key + " was lost before the file could be recorded (taken by another manager "
              + "or unconfirmed); it is left to the lease holder";
        }
        FileIngestion f = new FileIngestion(c.id(), name, key, info.get().size(), run.rowsIngested(), run.rowsRejected(),
            Duration.ofNanos(System.nanoTime() - t0), status, error, worker, Instant.now());
        if (status != Status.INTERRUPTED) {
          try {
            conclude(c, f, run);
          } catch (RuntimeException e) {
            // the record or the move failed (the store or the cluster refused it): the file stays staged and the
            // next pass takes it again, as after a crash at that point; this pass goes on with the other files
            f = new FileIngestion(c.id(), name, key, info.get().size(), run.rowsIngested(), run.rowsRejected(),
                Duration.ofNanos(System.nanoTime() - t0), Status.INTERRUPTED, "the file was " + status
                    + " but recording or moving it failed; it stays staged for the next pass: "
                    + (e instanceof DelphaException ? e.getMessage() : e.toString()), worker, Instant.now());
          }
        }
        FileIngestion done = f;
        if (done.status() == Status.INTERRUPTED) {
          LOG.warn(done.logLine());
          notify(l -> l.onFailure(task, new ServiceUnavailableException(done.logLine())));
        } else {
          LOG.info(done.logLine());
          if (status == Status.PROCESSED) {
            notify(l -> l.onSuccess(task, done.logLine()));
          } else {
            notify(l -> l.onFailure(task, new DataFormatException(done.logLine())));
          }
        }
        meters.record(done);
        notify(l -> l.onFileIngested(done));
        return Optional.of(done);
      }
    } finally {
      running.remove(key);
      if (keeper != null) {
        keeper.cancel(false);
      }
      try {
        registry.release(key, worker);
      } catch (RuntimeException e) {
        LOG.warn("cannot release the lease on {} (it expires in {}): {}", key, lease, e.toString());
      }
    }
  }

  /**
   * Gives up at once on the writes of the files being ingested that wait to be sent again, and on any that fails
   * from now on: the manager is closing, and a file in back-off would otherwise hold it up to its retry policy's
   * bound. Those files end {@code INTERRUPTED} and stay staged; files whose writes go through carry on.
   */
  public void stopRetrying() {
    running.values().forEach(FileRun::stopRetrying);
  }

  /**
   * The fence before a file is recorded and moved: one lightweight transaction that extends the lease only if this
   * manager still holds it. Renewals during the file may have failed for longer than the lease (a coordinator
   * timing out, a partition) without telling us whether another manager has since taken the file. Tried again while
   * it fails transiently ({@link #leaseCall}).
   */
  private boolean stillHolds(String key) {
    try {
      return leaseCall("confirming the lease on " + key, () -> registry.renew(key, config.worker(), config.lease()));
    } catch (RuntimeException e) {
      LOG.warn("cannot confirm the lease on {} before recording it: {}", key, e.toString());
      return false;
    }
  }

  /**
   * Runs one conditional update of a lease, trying it again under the write retry policy while it fails transiently
   * (a node dying under the Paxos round, a connection closed). Safe for the lease's updates: taking a lease this
   * manager already holds renews it, and a renewal only extends a lease this manager holds, so an attempt after one
   * that was applied unseen answers the same.
   */
  private boolean leaseCall(String what, java.util.function.BooleanSupplier update) {
    return Retrier.of(config.writeRetry()).call(what, attempt -> update.getAsBoolean(), DriverErrors::transientFailure,
        Retrier.RETHROW);
  }

  /** Data first, then the record of it, then the move: a crash in between repeats work, never skips it. */
  private void conclude(Customer c, FileIngestion f, FileRun run) {
    String folder = c.id() + (f.status() == Status.PROCESSED ? "/processed/" : "/failed/");
    Path bad = run.badRecords();
    if (bad != null && f.status() == Status.PROCESSED) {
      staging.put(folder + f.fileName() + ".bad-records.csv", bad);
    }
    run.attachments().forEach((suffix, content) -> staging.put(folder + f.fileName() + suffix, content));
    if (f.status() == Status.FAILED) {
      staging.put(folder + f.fileName() + ".error.txt", (f.error() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    registry.record(f);
    staging.move(f.stagedKey(), folder + f.fileName());
  }

  private void notify(java.util.function.Consumer<IngestListener> event) {
    Listeners.notify(listener, event);
  }
}
