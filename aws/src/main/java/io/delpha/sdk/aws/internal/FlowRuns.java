package io.delpha.sdk.aws.internal;

import io.delpha.sdk.aws.AppFlowRuns;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.FlowRun;
import io.delpha.sdk.aws.FlowStatus;
import io.delpha.sdk.aws.FlowTimeoutException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.Retrier;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.appflow.model.StartFlowResponse;

/**
 * {@code AWSManager}'s {@link AppFlowRuns}: starts flows (StartFlow), lists their execution records and polls a run
 * until it is final, with growing pauses. Remembers the flow of the last 1024 runs it started, so a run can be
 * awaited by its id alone. Thread-safe.
 */
public final class FlowRuns implements AppFlowRuns {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger log = LoggerFactory.getLogger(FlowRuns.class);
  private static final int STARTED_RUNS_REMEMBERED = 1024;

  private final AppFlowCalls calls;
  private final ExecutionRecords records;
  private final Retrier polls;
  private final Map<String, String> flowOfStartedRun = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > STARTED_RUNS_REMEMBERED;
        }
      });

  /**
   * @param calls AppFlow
   * @param records the flows' execution records
   * @param polls the pauses between polls of a run and the clock of its deadline
   */
  public FlowRuns(AppFlowCalls calls, ExecutionRecords records, Retrier polls) {
    this.calls = calls;
    this.records = records;
    this.polls = polls;
  }

  @Override
  public FlowRun startFlow(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    StartFlowResponse started = calls.call("start", "start_flow", flowName, a -> a.startFlow(b -> b.flowName(flowName)));
    if (started.executionId() != null) {
      flowOfStartedRun.put(started.executionId(), flowName);
    }
    log.info("started flow {} (run {}, flow status {})", flowName, started.executionId(), started.flowStatusAsString());
    FlowExecution newest = records.executions(flowName, e -> false).stream()
        .max(Comparator.comparing(FlowExecution::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .orElse(null);
    return new FlowRun(flowName, started.flowArn(), FlowStatus.fromWire(started.flowStatusAsString()),
        started.executionId(), newest);
  }

  @Override
  public List<FlowExecution> executions(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    List<FlowExecution> all = records.executions(flowName, e -> false);
    all.sort(Comparator.comparing(FlowExecution::startedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    return all;
  }

  /**
   * Waits for a run this manager started, by id.
   *
   * @param executionId a run id {@link #startFlow(String)} returned
   * @param timeout how long to wait at most
   * @return see {@link #awaitCompletion(String, String, Duration)}
   * @throws InvalidInputException if this manager did not start that run
   */
  public FlowExecution awaitCompletion(String executionId, Duration timeout) {
    Objects.requireNonNull(executionId, "executionId");
    String flowName = flowOfStartedRun.get(executionId);
    if (flowName == null) {
      throw new InvalidInputException("run " + executionId + " was not started by this manager, so its flow is "
          + "unknown: call awaitCompletion(flowName, executionId, timeout)");
    }
    return awaitCompletion(flowName, executionId, timeout);
  }

  @Override
  public FlowExecution awaitCompletion(String flowName, String executionId, Duration timeout) {
    AppFlowCalls.requireFlowName(flowName);
    Objects.requireNonNull(executionId, "executionId");
    if (timeout == null || timeout.isNegative()) {
      throw new InvalidInputException("timeout must be zero or positive, was " + timeout);
    }
    java.util.concurrent.atomic.AtomicReference<FlowExecution> lastSeen = new java.util.concurrent.atomic.AtomicReference<>();
    String what = "flow '" + flowName + "' run " + executionId;
    return polls.poll(what, timeout, () -> {
      Optional<FlowExecution> record = records.executions(flowName, e -> e.executionId().equals(executionId)).stream()
          .filter(e -> e.executionId().equals(executionId)).findFirst();
      record.ifPresent(lastSeen::set);
      return record.filter(FlowExecution::isFinal).map(done -> {
        log.info("flow {} run {} finished: {} ({} records, {} bytes written)", flowName, executionId,
            done.status(), done.recordsProcessed(), done.bytesWritten());
        return done;
      });
    }, () -> new FlowTimeoutException(what + " did not finish within " + timeout + "; last status: "
        + (lastSeen.get() == null ? "not listed by AppFlow yet" : lastSeen.get().status())
        + ". The run goes on at AWS: wait again later", lastSeen.get()));
  }
}
