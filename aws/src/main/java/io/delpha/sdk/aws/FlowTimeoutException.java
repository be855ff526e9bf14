package io.delpha.sdk.aws;

import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A flow run did not finish within the time {@link AWSManager#awaitCompletion} was given. The run goes
 * on at AWS; wait again or look at it later.
 */
public class FlowTimeoutException extends ServiceUnavailableException {

  private static final long serialVersionUID = 1L;

  private final transient @Nullable FlowExecution lastSeen;

  /**
   * @param message which run, for how long, and its last status
   * @param lastSeen the run's last record, {@code null} if AppFlow never listed it
   */
  public FlowTimeoutException(String message, @Nullable FlowExecution lastSeen) {
    super(message);
    this.lastSeen = lastSeen;
  }

  /**
   * @return the run's last record, if AppFlow listed it
   */
  public Optional<FlowExecution> lastSeen() {
    return Optional.ofNullable(lastSeen);
  }
}
