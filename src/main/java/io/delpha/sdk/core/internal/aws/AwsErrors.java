package io.delpha.sdk.core.internal.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one classification of AWS SDK failures every AWS-backed component maps from (S3, AppFlow, Secrets
 * Manager, SNS): one list of credential errors, one notion of throttling, of a server-side failure and
 * of missing credentials. Each component words its message with its own context (bucket, flow, secret,
 * topic) and maps its service's own codes first.
 */
public final class AwsErrors {

  /** Error codes meaning the credentials themselves were refused, across AWS services. */
  public static final Set<String> CREDENTIAL_ERRORS = Set.of("UnrecognizedClientException",
      "InvalidSignatureException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
      "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "InvalidAccessKeyId");

  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "ThrottledException",
      "TooManyRequestsException", "SlowDown", "RequestLimitExceeded");

  private AwsErrors() {}

  /**
   * @param e a service's refusal
   * @return its error code, or {@code ""}
   */
  public static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
  }

  /**
   * @param e a service's refusal
   * @return whether it refused the credentials (a credential error code, or HTTP 401)
   */
  public static boolean isCredentialError(AwsServiceException e) {
    return CREDENTIAL_ERRORS.contains(code(e)) || e.statusCode() == 401;
  }

  /**
   * @param e a service's refusal
   * @return whether it is throttling (after the SDK's own retries)
   */
  public static boolean isThrottling(AwsServiceException e) {
    return THROTTLING.contains(code(e)) || e.statusCode() == 429 || e.isThrottlingException();
  }

  /**
   * @param e a service's refusal
   * @return whether the service failed on its side (HTTP 5xx)
   */
  public static boolean isServerError(AwsServiceException e) {
    return e.statusCode() >= 500;
  }

  /**
   * @param e a client-side failure
   * @return whether no credentials were given and the default chain found none
   */
  public static boolean isMissingCredentials(SdkClientException e) {
    return e.getMessage() != null && e.getMessage().contains("Unable to load credentials");
  }
}
