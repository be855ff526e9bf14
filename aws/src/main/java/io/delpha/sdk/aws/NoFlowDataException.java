package io.delpha.sdk.aws;

import io.delpha.sdk.core.NotFoundException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A flow has no data to read: it never succeeded, or its newest successful run wrote nothing (no
 * records changed, or the files are gone). The message names the flow, the run and the S3 folder.
 */
public class NoFlowDataException extends NotFoundException {

  private static final long serialVersionUID = 1L;

  private final String flowName;
  private final @Nullable String executionId;

  /**
   * @param message what was looked for and not found
   * @param flowName the flow
   * @param executionId the run without data, {@code null} when the flow never succeeded
   */
  public NoFlowDataException(String message, String flowName, @Nullable String executionId) {
    super(message);
    this.flowName = flowName;
    this.executionId = executionId;
  }

  /**
   * @return the flow
   */
  public String flowName() {
    return flowName;
  }

  /**
   * @return the newest successful run, which has no data; empty when the flow never succeeded
   */
  public Optional<String> executionId() {
    return Optional.ofNullable(executionId);
  }
}
