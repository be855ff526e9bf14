package io.delpha.sdk.aws.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.metrics.Recorder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.appflow.AppflowClient;

/**
 * The one way the AppFlow roles call AppFlow: each API call timed as an operation of {@code appflow}, its SDK
 * errors mapped to the library's ({@link AppFlowErrors}). Thread-safe.
 */
public final class AppFlowCalls {

  private final AppflowClient appflow;
  private final Recorder metrics;

  /**
   * @param appflow the client; not closed here
   * @param metrics where calls are timed
   */
  public AppFlowCalls(AppflowClient appflow, Recorder metrics) {
    this.appflow = appflow;
    this.metrics = metrics;
  }

  /**
   * @param flowName a flow name given by the caller
   * @throws InvalidInputException unless it is 1 to 256 characters
   */
  public static void requireFlowName(@Nullable String flowName) {
    if (flowName == null || flowName.isBlank() || flowName.length() > 256) {
      throw new InvalidInputException("a flow name must be 1 to 256 characters, was '" + flowName + "'");
    }
  }

  /**
   * One AppFlow API call, its SDK errors mapped to the library's and timed as {@code operation}.
   *
   * @param action what is done to the flow, for the message, e.g. {@code "start"}
   * @param operation the operation's meter tag, e.g. {@code "start_flow"}
   * @param flowName the flow
   * @param request the call
   * @param <T> the response type
   * @return the response
   */
  public <T> T call(String action, String operation, String flowName, Function<AppflowClient, T> request) {
    return metrics.call("appflow", operation, () -> {
      try {
        return request.apply(appflow);
      } catch (RuntimeException e) {
        throw AwsErrors.isSdk(e) ? AppFlowErrors.map((SdkException) e, action, flowName) : e;
      }
    });
  }
}
