package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.ScheduledRun;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's own {@link ScheduledRun}: counts runs and skipped ticks, keeps the last report, and on close cancels
 * the schedule and shuts down the executor it owns. Thread-safe.
 */
public final class Schedule implements ScheduledRun {

  private volatile @Nullable ScheduledFuture<?> future;
  private volatile boolean closed;
  private final @Nullable ExecutorService ownedExecutor;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicReference<RunReport> last = new AtomicReference<>();
  private final Duration period;

  /**
   * @param ownedExecutor the executor to shut down on close, or {@code null} when the caller owns it
   * @param period the time between runs
   */
  public Schedule(@Nullable ExecutorService ownedExecutor, Duration period) {
    this.ownedExecutor = ownedExecutor;
    this.period = period;
  }

  /** @param scheduled the ticks, cancelled on close */
  public void attach(ScheduledFuture<?> scheduled) {
    this.future = scheduled;
    if (closed) {
      scheduled.cancel(false);
    }
  }

  /** @param report a run that completed */
  public void recordRun(RunReport report) {
    last.set(report);
    runs.incrementAndGet();
  }

  /** A tick that found a run in progress. */
  public void recordSkip() {
    skipped.incrementAndGet();
  }

  /**
   * @return the runs completed so far, failed ones included
   */
  @Override
  public long runsCompleted() {
    return runs.get();
  }

  /**
   * @return the ticks skipped because a run was already in progress
   */
  @Override
  public long ticksSkipped() {
    return skipped.get();
  }

  /**
   * @return the report of the latest completed run, if any
   */
  @Override
  public Optional<RunReport> lastReport() {
    return Optional.ofNullable(last.get());
  }

  /**
   * @return whether the schedule was closed
   */
  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops scheduling. A run in progress finishes (it is never interrupted half-way); this method waits
   * up to one period for it when the pipeline owns the executor.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> scheduled = future;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        ownedExecutor.awaitTermination(Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ScheduledRun[every " + period + ", runs=" + runs.get() + ", closed=" + isClosed() + "]";
  }
}
