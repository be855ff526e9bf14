package io.delpha.sdk.aws;

import java.time.Duration;
import java.util.List;

/**
 * Running Amazon AppFlow flows: start a run, read its execution records, wait for it to finish. A role
 * of {@link AWSManager}; depend on it where only runs are needed (and substitute it in your own tests).
 * Thread-safe.
 */
public interface AppFlowRuns {

  /**
   * Starts an on-demand run of a flow (AppFlow StartFlow) and reads the flow's newest execution record.
   *
   * @param flowName the flow
   * @return the flow's status, the new run's id and the newest execution record
   * @throws io.delpha.sdk.core.ConflictException if the flow is already running
   * @throws io.delpha.sdk.core.NotFoundException if there is no such flow
   */
  FlowRun startFlow(String flowName);

  /**
   * @param flowName the flow
   * @return every execution record of the flow, newest start first
   */
  List<FlowExecution> executions(String flowName);

  /**
   * Polls a run's execution record with backoff until it succeeds, fails or the timeout passes.
   *
   * @param flowName the flow
   * @param executionId the run
   * @param timeout how long to wait
   * @return the finished record
   * @throws FlowTimeoutException when the run is still going at the timeout
   */
  FlowExecution awaitCompletion(String flowName, String executionId, Duration timeout);

  /**
   * @param run a run started by {@link #startFlow(String)}
   * @param timeout how long to wait
   * @return the finished record
   */
  default FlowExecution awaitCompletion(FlowRun run, Duration timeout) {
    String executionId = run.executionId();
    if (executionId == null) {
      throw new io.delpha.sdk.core.InvalidInputException("flow '" + run.flowName() + "' returned no run id to wait "
          + "for (event-triggered flows start their own runs)");
    }
    return awaitCompletion(run.flowName(), executionId, timeout);
  }
}
