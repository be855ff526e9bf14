package io.delpha.sdk.aws;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AWSManager#startFlow(String)} returns: the flow's status, the id of the run just started,
 * and the newest execution record AppFlow reported at that moment.
 *
 * @param flowName the flow
 * @param flowArn the flow's ARN, {@code null} if AppFlow did not say
 * @param status the flow's status after the start
 * @param executionId the id of the run just started ({@code null} for event-triggered flows, which
 *     AppFlow starts on its own)
 * @param newestExecution the newest execution record, {@code null} if the flow has none yet (a new run
 *     can take a moment to appear in the records)
 */
public record FlowRun(
    String flowName, @Nullable String flowArn, FlowStatus status, @Nullable String executionId, @Nullable FlowExecution newestExecution) {

  /** Checks the required fields. */
  public FlowRun {
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(status, "status");
  }

  /**
   * @return the newest execution record when the flow was started, if any: the run just started once
   *     AppFlow lists it, else the run before
   */
  public Optional<FlowExecution> lastExecution() {
    return Optional.ofNullable(newestExecution);
  }
}
