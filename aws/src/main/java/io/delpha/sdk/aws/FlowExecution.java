package io.delpha.sdk.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One run of a flow, as DescribeFlowExecutionRecords reports it.
 *
 * @param executionId the run's id; also the name of the folder its files land in
 * @param status where the run stands
 * @param startedAt when it started, {@code null} if AppFlow did not say
 * @param lastUpdatedAt when its record last changed, {@code null} if AppFlow did not say
 * @param recordsProcessed records transferred (0 when not reported)
 * @param bytesProcessed bytes read from the source (0 when not reported)
 * @param bytesWritten bytes written to the destination (0 when not reported)
 * @param errorMessage AppFlow's {@code errorInfo.executionMessage}, {@code null} when none
 * @param putFailuresCount AppFlow's {@code errorInfo.putFailuresCount} (0 when none)
 */
public record FlowExecution(
    String executionId,
    ExecutionStatus status,
    @Nullable Instant startedAt,
    @Nullable Instant lastUpdatedAt,
    long recordsProcessed,
    long bytesProcessed,
    long bytesWritten,
    @Nullable String errorMessage,
    long putFailuresCount) {

  /** Checks the required fields. */
  public FlowExecution {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(status, "status");
  }

  /**
   * @return AppFlow's message for a failed run, if any
   */
  public Optional<String> error() {
    return Optional.ofNullable(errorMessage);
  }

  /**
   * @return whether the run finished successfully
   */
  public boolean isSuccessful() {
    return status == ExecutionStatus.SUCCESSFUL;
  }

  /**
   * @return whether the run will not change any more
   */
  public boolean isFinal() {
    return status.isFinal();
  }
}
