package io.delpha.sdk.totesys;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.totesys.RunReport.Step;
import io.delpha.sdk.totesys.internal.Extractor;
import io.delpha.sdk.totesys.internal.LakeFiles;
import io.delpha.sdk.totesys.internal.LakeKeys;
import io.delpha.sdk.totesys.internal.Loader;
import io.delpha.sdk.totesys.internal.RunStats;
import io.delpha.sdk.totesys.internal.Schedule;
import io.delpha.sdk.totesys.internal.SecretDataSources;
import io.delpha.sdk.totesys.internal.SourceTable;
import io.delpha.sdk.totesys.internal.Transformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The totesys pipeline: the totesys PostgreSQL database, extracted incrementally into a Parquet
 * ingestion zone, transformed into a star schema in a processed zone, and loaded into a PostgreSQL
 * warehouse (tables created if missing).
 *
 * <pre>{@code
 * TotesysPipeline pipeline = TotesysPipeline.builder()
 *     .sourceSecret(secrets, "totesys-db")          // or .source(dataSource)
 *     .ingestionZone(LocalObjectStore.at(Path.of("lake/ingestion")))
 *     .processedZone(LocalObjectStore.at(Path.of("lake/processed")))
 *     .warehouse(warehouseDataSource)                // or .warehouseSecret(secrets, "warehouse-db")
 *     .listener(new LoggingPipelineListener())
 *     .build();
 * RunReport report = pipeline.run();                  // extract, transform, load
 * try (ScheduledRun every5 = pipeline.schedule(Duration.ofMinutes(5))) { ... }
 * }</pre>
 *
 * <p>Every step is safe to repeat: data is written before progress is recorded, ingestion and
 * processed objects are never overwritten, and the warehouse load is one transaction of upserts and
 * insert-once facts. A step that fails does not throw: the run's {@link RunReport} says which step
 * failed with which typed {@link DelphaException} ({@link ServiceUnavailableException} when a
 * database or a store cannot be reached), the listeners hear it, and the next run picks up from the
 * last recorded progress. Runs never overlap: {@link #run()} waits for a run in progress, a scheduled
 * tick skips. Thread-safe.
 */
public final class TotesysPipeline implements PipelineRunner, PipelineScheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TotesysPipeline.class);

  private final Extractor extractor;
  private final Transformer transformer;
  private final Loader loader;
  private final ObjectStore ingestion;
  private final List<String> tables;
  /** Every listener given, each shielded from the others and the pipeline from them. */
  private final PipelineListener listeners;
  private final Clock clock;
  private final Recorder metrics;
  private final ReentrantLock running = new ReentrantLock();
  private final Set<Schedule> schedules = ConcurrentHashMap.newKeySet();
  private final ClosedGuard guard = new ClosedGuard("this TotesysPipeline");
  private final TotesysConfig config;

  /** Made by {@link TotesysPipelineBuilder#build()}, which checks that both databases are given. */
  TotesysPipeline(TotesysConfig config) {
    this.config = config;
    this.listeners = io.delpha.sdk.core.internal.Listeners.composite(PipelineListener.class, config.listeners());
    this.clock = config.clock();
    this.metrics = Recorder.of(config.metrics());
    this.ingestion = config.ingestionZone();
    ObjectStore processed = config.processedZone();
    this.tables = config.tables();
    LakeKeys keys = new LakeKeys(clock);
    LakeFiles files = LakeFiles.of(config.lakeEncryption());
    this.extractor = new Extractor(database(config.source(), config.sourceSecrets(), config.sourceSecretName()),
        ingestion, tables.stream().map(SourceTable::require).toList(), config.overlap(), keys, files, listeners);
    this.transformer = new Transformer(ingestion, processed, keys, files, listeners);
    this.loader = new Loader(database(config.warehouse(), config.warehouseSecrets(), config.warehouseSecretName()),
        processed, files, listeners);
  }

  /** A database given as a data source, or read from its secret at each run (checked by build()). */
  private static Supplier<DataSource> database(@Nullable DataSource given, @Nullable SecretProvider secrets,
      @Nullable String name) {
    if (given != null) {
      return () -> given;
    }
    SecretProvider provider = Objects.requireNonNull(secrets, "secrets");
    String secretName = Objects.requireNonNull(name, "name");
    return () -> SecretDataSources.postgres(provider, secretName);
  }

  /**
   * @return a builder
   */
  public static TotesysPipelineBuilder builder() {
    return new TotesysPipelineBuilder();
  }

  /**
   * @return the settings this pipeline was built with (its collaborators included); available after {@link #close()}
   */
  public TotesysConfig config() {
    return config;
  }

  /**
   * A builder for another pipeline with this one's settings and collaborators ({@code config().toBuilder()}), so
   * {@code toBuilder().build().config()} equals {@link #config()}. Works on a closed pipeline too.
   *
   * @return a new builder holding {@link #config()}
   */
  public TotesysPipelineBuilder toBuilder() {
    return config.toBuilder();
  }

  /**
   * Extracts, transforms and loads, stopping at the first step that fails.
   *
   * @return what the run did; {@link RunReport#succeeded()} is {@code false} if a step failed
   */
  @Override
  public RunReport run() {
    return steps(Step.EXTRACT, Step.TRANSFORM, Step.LOAD);
  }

  /**
   * Runs the extract step alone: new row versions of the source into the ingestion zone.
   *
   * @return what it did
   */
  @Override
  public RunReport extract() {
    return steps(Step.EXTRACT);
  }

  /**
   * Runs the transform step alone: unprocessed ingestion objects into the processed zone.
   *
   * @return what it did
   */
  @Override
  public RunReport transform() {
    return steps(Step.TRANSFORM);
  }

  /**
   * Runs the load step alone: processed objects not loaded yet into the warehouse.
   *
   * @return what it did
   */
  @Override
  public RunReport load() {
    return steps(Step.LOAD);
  }

  /**
   * @return the source tables this pipeline extracts, in extraction order (all 11 unless the builder chose some)
   */
  public List<String> tables() {
    guard.check();
    return tables;
  }

  /**
   * The extract watermark of each table: the largest {@code last_updated} extracted so far.
   *
   * @return watermarks by source table, empty before the first extract
   */
  @Override
  public Map<String, LocalDateTime> watermarks() {
    guard.check();
    return Extractor.watermarks(ingestion);
  }

  /**
   * Runs the pipeline every {@code period} on a single-thread executor of its own, the first run at
   * once. A tick that finds a run still in progress is skipped, never queued.
   *
   * @param period the time between the end of one run and the start of the next
   * @return the handle that stops the schedule
   */
  @Override
  public ScheduledRun schedule(Duration period) {
    guard.check();
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "totesys-pipeline");
      t.setDaemon(true);
      return t;
    });
    return schedule(period, executor, executor);
  }

  /**
   * Runs the pipeline every {@code period} on the caller's executor (left running on close).
   *
   * @param period the time between the end of one run and the start of the next
   * @param executor where runs execute
   * @return the handle that stops the schedule
   */
  @Override
  public ScheduledRun schedule(Duration period, ScheduledExecutorService executor) {
    guard.check();
    return schedule(period, executor, null);
  }

  private ScheduledRun schedule(Duration period, ScheduledExecutorService executor,
      @Nullable ScheduledExecutorService owned) {
    Objects.requireNonNull(executor, "executor");
    if (period == null || period.isNegative() || period.isZero()) {
      throw new InvalidInputException("the schedule period must be positive, was " + period);
    }
    guard.check();
    Schedule handle = new Schedule(owned, period);
    schedules.add(handle);
    Runnable tick = () -> {
      if (!running.tryLock()) {
        log.warn("a totesys run is still in progress: this tick is skipped");
        handle.recordSkip();
        return;
      }
      try {
        handle.recordRun(stepsLocked(new Step[] {Step.EXTRACT, Step.TRANSFORM, Step.LOAD}));
      } catch (RuntimeException e) {
        log.error("a scheduled totesys run failed unexpectedly", e);
      } finally {
        running.unlock();
      }
    };
    handle.attach(executor.scheduleWithFixedDelay(tick, 0, period.toNanos(), TimeUnit.NANOSECONDS));
    return handle;
  }

  /**
   * Stops every schedule this pipeline started (a run in progress finishes) and refuses further runs. The
   * pipeline owns no connection: the data sources and stores stay the host's. Idempotent; afterwards every method but
   * {@link #config()} and {@link #toBuilder()} throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    for (Schedule s : schedules) {
      s.close();
    }
    schedules.clear();
  }

  private RunReport steps(Step... steps) {
    guard.check();
    running.lock();
    try {
      return stepsLocked(steps);
    } finally {
      running.unlock();
    }
  }

  private RunReport stepsLocked(Step[] steps) {
    Instant startedAt = clock.instant();
    RunStats stats = new RunStats();
    Map<Step, Duration> durations = new EnumMap<>(Step.class);
    Step failedStep = null;
    DelphaException error = null;
    for (Step step : steps) {
      long start = System.nanoTime();
      try {
        switch (step) {
          case EXTRACT -> extractor.run(stats);
          case TRANSFORM -> transformer.run(stats);
          case LOAD -> loader.run(stats);
          default -> throw new IllegalStateException(step.name());
        }
      } catch (DelphaException e) {
        error = e;
      } catch (RuntimeException e) {
        error = new DelphaException(step.name().toLowerCase() + " failed unexpectedly: " + e, e);
      } catch (Error e) {
        // a scheduled run's thread must not die silently (the executor would drop every later tick unseen):
        // the run fails with the Error as its cause, reported and heard like any failure
        error = Workers.failure(e, step.name().toLowerCase(Locale.ROOT));
      } finally {
        long nanos = System.nanoTime() - start;
        durations.put(step, Duration.ofNanos(nanos));
        metrics.time(Meter.TOTESYS_STEP_DURATION, nanos, "step", step.name().toLowerCase(Locale.ROOT), "outcome",
            error == null ? "success" : "failure");
      }
      if (error != null) {
        failedStep = step;
        log.warn("totesys {} failed: {}", step.name().toLowerCase(), error.getMessage());
        listeners.onFailure(step.name().toLowerCase(), error);
        break;
      }
    }
    count("extracted", stats.rowsExtracted);
    count("transformed", stats.rowsTransformed);
    count("loaded", stats.rowsLoaded);
    count("rejected", stats.rejects);
    RunReport report = new RunReport(startedAt, error == null, stats.rowsExtracted, stats.rowsTransformed,
        stats.rowsLoaded, stats.rejects, stats.objectsWritten(), durations, failedStep, error);
    listeners.onRunFinished(report);
    return report;
  }

  private void count(String stage, Map<String, Long> rowsByTable) {
    long rows = rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    if (rows > 0) {
      metrics.count(Meter.TOTESYS_ROWS, rows, "stage", stage);
    }
  }

  @Override
  public String toString() {
    return "TotesysPipeline[ingestion=" + ingestion + "]";
  }
}
