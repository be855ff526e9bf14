package io.delpha.sdk.totesys;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs a pipeline periodically (every few minutes, say), each tick a full run: extract what changed, transform,
 * load. A role of {@link TotesysPipeline}. A tick that finds a run in progress is skipped, never queued.
 */
public interface PipelineScheduler {

  /**
   * @param period the time between the end of one run and the start of the next
   * @param executor the executor the runs happen on (not shut down by the handle)
   * @return the handle that stops the schedule
   */
  ScheduledRun schedule(Duration period, ScheduledExecutorService executor);

  /**
   * Like {@link #schedule(Duration, ScheduledExecutorService)}, on a single-thread executor of its own.
   *
   * @param period the time between the end of one run and the start of the next
   * @return the handle that stops the schedule (and the executor)
   */
  ScheduledRun schedule(Duration period);
}
