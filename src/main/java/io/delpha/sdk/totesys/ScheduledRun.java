package io.delpha.sdk.totesys;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The handle of a {@link TotesysPipeline#schedule(Duration)}: how many runs happened, the last report,
 * and {@link #close()} to stop. Thread-safe.
 */
public final class ScheduledRun implements AutoCloseable {

  private volatile ScheduledFuture<?> future;
  private volatile boolean closed;
  private final ExecutorService ownedExecutor;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicReference<RunReport> last = new AtomicReference<>();
  private final Duration period;

  ScheduledRun(ExecutorService ownedExecutor, Duration period) {
    this.ownedExecutor = ownedExecutor;
    this.period = period;
  }

  void attach(ScheduledFuture<?> scheduled) {
    this.future = scheduled;
    if (closed) {
      scheduled.cancel(false);
    }
  }

  void recordRun(RunReport report) {
    last.set(report);
    runs.incrementAndGet();
  }

  void recordSkip() {
    skipped.incrementAndGet();
  }

  /**
   * @return the runs completed so far, failed ones included
   */
  public long runsCompleted() {
    return runs.get();
  }

  /**
   * @return the ticks skipped because a run was already in progress
   */
  public long ticksSkipped() {
    return skipped.get();
  }

  /**
   * @return the report of the latest completed run, if any
   */
  public Optional<RunReport> lastReport() {
    return Optional.ofNullable(last.get());
  }

  /**
   * @return whether the schedule was closed
   */
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
