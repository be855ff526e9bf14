package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.CustomerStatus;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestRunner;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code BatchIngestor}'s {@link IngestRunner}: passes over every customer's staged files, one at a time per
 * instance, each file through {@link StagedFileIngestor}; the watcher that runs a pass every poll interval; where each
 * customer's files stand. Closing stops the watcher and waits for the file in progress. Thread-safe.
 */
public final class IngestPasses implements IngestRunner {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger LOG = LoggerFactory.getLogger(IngestPasses.class);

  private final Registry registry;
  private final CustomerDirectory customers;
  private final ObjectStore staging;
  private final StagedFileIngestor files;
  private final String worker;
  private final Duration pollInterval;
  private final ScheduledExecutorService scheduler;
  private final ClosedGuard guard;
  private final Object passLock = new Object();
  private @Nullable ScheduledFuture<?> watcher;

  /**
   * @param registry the registered customers and the record of ingested files
   * @param customers the customers in id order
   * @param staging the staging store
   * @param files ingests one file
   * @param worker the manager's id: where in a customer's files its passes start
   * @param pollInterval the pause between the watcher's passes
   * @param scheduler runs the watcher; shut down by {@link #close()}
   * @param guard the manager's: a pass stops before its next file once the manager is closed
   */
  public IngestPasses(Registry registry, CustomerDirectory customers, ObjectStore staging, StagedFileIngestor files,
      String worker, Duration pollInterval, ScheduledExecutorService scheduler, ClosedGuard guard) {
    this.registry = registry;
    this.customers = customers;
    this.staging = staging;
    this.files = files;
    this.worker = worker;
    this.pollInterval = pollInterval;
    this.scheduler = scheduler;
    this.guard = guard;
  }

  /** One pass: the watcher's, which may still run while the ingestor closes. */
  @Override
  public IngestReport ingestPending() {
    synchronized (passLock) {
      List<FileIngestion> done = new ArrayList<>();
      for (Customer c : registry.all()) {
        List<String> keys;
        try (Stream<String> s = staging.list(StagingKeys.incoming(c.id()))) {
          keys = new ArrayList<>(s.filter(k -> k.indexOf('/', StagingKeys.incoming(c.id()).length()) < 0).toList());
        }
        // managers start at different files, so two of them rarely race for the same lease
        Collections.rotate(keys, keys.isEmpty() ? 0 : Math.floorMod(worker.hashCode(), keys.size()));
        for (String key : keys) {
          if (guard.isClosed()) {
            return new IngestReport(done);
          }
          files.ingestOne(c, key).ifPresent(done::add);
        }
      }
      return new IngestReport(done);
    }
  }

  /** The history is the registry's {@code ingest_metrics} table: one row per run of a file. */
  @Override
  public List<CustomerStatus> status(int recentPerCustomer) {
    if (recentPerCustomer < 0) {
      throw new InvalidInputException("recentPerCustomer must be >= 0, got " + recentPerCustomer);
    }
    List<CustomerStatus> out = new ArrayList<>();
    for (Customer c : customers.sortedCustomers()) {
      List<String> waiting;
      String prefix = StagingKeys.incoming(c.id());
      try (Stream<String> s = staging.list(prefix)) {
        waiting = s.map(k -> k.substring(prefix.length())).filter(n -> n.indexOf('/') < 0).sorted().toList();
      }
      out.add(new CustomerStatus(CustomerDirectory.info(c), waiting, recentPerCustomer == 0 ? List.of()
          : registry.history(c.id(), recentPerCustomer)));
    }
    return out;
  }

  /** Runs a pass now and then every poll interval; errors of a pass are logged and the next pass retries. */
  @Override
  public synchronized void start() {
    if (watcher == null) {
      watcher = scheduler.scheduleWithFixedDelay(() -> {
        try {
          ingestPending();
        } catch (RuntimeException | Error e) {
          // an Error too: one escaping would end the watcher for good, unseen
          LOG.warn("ingestion pass failed; retrying in {}: {}", pollInterval, e.toString());
        }
      }, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the watcher and waits up to a minute for the file in progress. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
