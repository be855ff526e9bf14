package io.delpha.sdk.totesys;

import java.util.Optional;

/**
 * The handle of a {@link PipelineScheduler#schedule}: how many runs happened, the last report, and {@link #close()}
 * to stop. An interface, so that a host's own scheduler (or a test double of {@link PipelineScheduler}) can hand out
 * its own handles. Implementations are thread-safe; {@code close()} is idempotent.
 */
public interface ScheduledRun extends AutoCloseable {

  /**
   * @return the runs completed so far, failed ones included
   */
  long runsCompleted();

  /**
   * @return the ticks skipped because a run was already in progress
   */
  long ticksSkipped();

  /**
   * @return the report of the latest completed run, if any
   */
  Optional<RunReport> lastReport();

  /**
   * @return whether the schedule was closed
   */
  boolean isClosed();

  /**
   * Stops scheduling. A run in progress finishes (it is never interrupted half-way). Idempotent.
   */
  @Override
  void close();
}
