package io.delpha.sdk.aws.internal;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.aws.internal.AwsErrors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AppFlow's failures, through the library's one AWS mapping ({@link AwsErrors}) with AppFlow's own codes
 * first: a flow already running, an exhausted quota, a connector whose source refused its credentials.
 * Messages name the flow, what was being done, AppFlow's own message and the AWS request id.
 */
public final class AppFlowErrors {

  private AppFlowErrors() {}

  /**
   * @param e the SDK's failure
   * @param action what was being done, e.g. {@code "start"}
   * @param flowName the flow
   * @return the exception to throw
   */
  public static DelphaException map(SdkException e, String action, String flowName) {
    return AwsErrors.map(e, "AppFlow", action + " flow '" + flowName + "'", AppFlowErrors::appFlowCodes);
  }

  private static @Nullable DelphaException appFlowCodes(AwsServiceException e, String code, String what) {
    int status = e.statusCode();
    return switch (code) {
      case "ResourceNotFoundException" -> new NotFoundException(what + "; check the flow name and the region", e);
      case "ConflictException" -> new ConflictException(what + "; the flow is already running or being changed: "
          + "wait for the current run (awaitCompletion) and try again", e);
      case "ServiceQuotaExceededException" -> new RateLimitedException(what + "; an AppFlow service quota is "
          + "exhausted (see Service Quotas for AppFlow)", null, e);
      case "ConnectorAuthenticationException" -> new AuthenticationException(what + "; the flow's connection to "
          + "its source was refused: renew the connector profile's credentials", e);
      case "UnsupportedOperationException" -> new InvalidInputException(what, e);
      case "ConnectorServerException", "InternalServerException" -> new ServiceUnavailableException(
          what + "; retry later", e);
      default -> status == 402 ? new RateLimitedException(what + "; an AppFlow service quota is exhausted", null, e)
          : null;
    };
  }
}
