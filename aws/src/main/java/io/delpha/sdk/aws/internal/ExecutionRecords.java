package io.delpha.sdk.aws.internal;

import io.delpha.sdk.aws.ExecutionStatus;
import io.delpha.sdk.aws.FlowExecution;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.services.appflow.model.DescribeFlowExecutionRecordsResponse;
import software.amazon.awssdk.services.appflow.model.ExecutionRecord;
import software.amazon.awssdk.services.appflow.model.ExecutionResult;

/** A flow's execution records (DescribeFlowExecutionRecords), page by page, as {@link FlowExecution}s. Thread-safe. */
public final class ExecutionRecords {

  private final AppFlowCalls calls;
  private final int recordsPageSize;

  /**
   * @param calls AppFlow
   * @param recordsPageSize records per page, 1 to 100
   */
  public ExecutionRecords(AppFlowCalls calls, int recordsPageSize) {
    this.calls = calls;
    this.recordsPageSize = recordsPageSize;
  }

  /**
   * Pages through the records until {@code stop} matches one (which is included) or none are left.
   *
   * @param flowName the flow
   * @param stop where to stop paging; {@code e -> false} reads every page
   * @return the records read, in AppFlow's order
   */
  public List<FlowExecution> executions(String flowName, Predicate<FlowExecution> stop) {
    List<FlowExecution> found = new ArrayList<>();
    String token = null;
    do {
      String pageToken = token;
      DescribeFlowExecutionRecordsResponse page = calls.call("list the runs of", "describe_flow_execution_records",
          flowName, a -> a.describeFlowExecutionRecords(b -> b.flowName(flowName).maxResults(recordsPageSize)
              .nextToken(pageToken)));
      for (ExecutionRecord r : page.flowExecutions()) {
        FlowExecution e = toExecution(r);
        found.add(e);
        if (stop.test(e)) {
          return found;
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return found;
  }

  private static FlowExecution toExecution(ExecutionRecord r) {
    ExecutionResult result = r.executionResult();
    long records = 0;
    long bytesProcessed = 0;
    long bytesWritten = 0;
    String error = null;
    long putFailures = 0;
    if (result != null) {
      records = result.recordsProcessed() == null ? 0 : result.recordsProcessed();
      bytesProcessed = result.bytesProcessed() == null ? 0 : result.bytesProcessed();
      bytesWritten = result.bytesWritten() == null ? 0 : result.bytesWritten();
      if (result.errorInfo() != null) {
        error = result.errorInfo().executionMessage();
        putFailures = result.errorInfo().putFailuresCount() == null ? 0 : result.errorInfo().putFailuresCount();
      }
    }
    return new FlowExecution(r.executionId(), ExecutionStatus.fromWire(r.executionStatusAsString()),
        r.startedAt(), r.lastUpdatedAt(), records, bytesProcessed, bytesWritten, error, putFailures);
  }
}
