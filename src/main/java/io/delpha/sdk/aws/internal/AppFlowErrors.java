package io.delpha.sdk.aws.internal;

import io.delpha.sdk.core.internal.aws.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps AWS SDK failures of AppFlow calls to the library's exceptions. Messages name the flow, what was
 * being done, AppFlow's own message and the AWS request id; the SDK exception is kept as the cause (it
 * carries status, error code and request id, never a credential).
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
    String what = "AppFlow could not " + action + " flow '" + flowName + "'";
    if (e instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null || details.errorCode() == null ? "" : details.errorCode();
      String serviceMessage = details == null || details.errorMessage() == null ? "" : details.errorMessage();
      int status = service.statusCode();
      String detail = ": " + (code.isEmpty() ? "HTTP " + status : code)
          + (serviceMessage.isEmpty() ? "" : " - " + serviceMessage)
          + " (AWS request id " + service.requestId() + ")";
      if ("ResourceNotFoundException".equals(code) || status == 404) {
        return new NotFoundException(what + detail + "; check the flow name and the region", e);
      }
      if ("ConflictException".equals(code) || status == 409) {
        return new ConflictException(what + detail + "; the flow is already running or being changed: "
            + "wait for the current run (awaitCompletion) and try again", e);
      }
      if (AwsErrors.isThrottling(service)) {
        return new RateLimitedException(what + detail + "; AWS kept throttling after the SDK's retries", null, e);
      }
      if ("ServiceQuotaExceededException".equals(code) || status == 402) {
        return new RateLimitedException(what + detail + "; an AppFlow service quota is exhausted "
            + "(see Service Quotas for AppFlow)", null, e);
      }
      if (AwsErrors.isCredentialError(service) && !"ConnectorAuthenticationException".equals(code)) {
        return new AuthenticationException(what + detail + "; AWS rejected the credentials: check the "
            + "access key id and secret access key", e);
      }
      if ("ConnectorAuthenticationException".equals(code)) {
        return new AuthenticationException(what + detail + "; the flow's connection to its source was "
            + "refused: renew the connector profile's credentials", e);
      }
      if ("AccessDeniedException".equals(code) || status == 403) {
        return new AccessDeniedException(what + detail + "; the AWS identity lacks an AppFlow permission", e);
      }
      if ("ValidationException".equals(code) || "UnsupportedOperationException".equals(code)) {
        return new InvalidInputException(what + detail, e);
      }
      if ("ConnectorServerException".equals(code) || "InternalServerException".equals(code)
          || AwsErrors.isServerError(service)) {
        return new ServiceUnavailableException(what + detail + "; retry later", e);
      }
      return new DelphaException(what + detail, e);
    }
    if (e instanceof SdkClientException client && AwsErrors.isMissingCredentials(client)) {
      return new AuthenticationException(what + ": no AWS credentials were given and the default chain "
          + "found none (environment, profile, container or instance role)", e);
    }
    if (e instanceof SdkClientException) {
      return new ServiceUnavailableException("cannot reach AppFlow to " + action + " flow '" + flowName + "': "
          + e.getMessage(), e);
    }
    return new DelphaException(what + ": " + e.getMessage(), e);
  }
}
