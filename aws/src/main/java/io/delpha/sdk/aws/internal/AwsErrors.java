package io.delpha.sdk.aws.internal;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one mapping of AWS SDK failures to the library's exceptions, for every AWS-backed component (S3,
 * AppFlow, Secrets Manager, SNS, KMS): one list of credential errors, one notion of throttling, of a refused
 * permission, of a missing resource, of a server-side failure and of missing credentials. A component
 * gives the service's name, what it was doing (for the message) and, first in line, its service's own
 * codes ({@link ServiceCodes}).
 *
 * <p>Messages read {@code "<service> could not <action>: <code> - <AWS message> (HTTP <status>, AWS
 * request id <id>)"} plus what to do; the SDK exception is kept as the cause (status, code, request id,
 * never a credential).
 */
public final class AwsErrors {

  /** Error codes meaning the credentials themselves were refused, across AWS services. */
  public static final Set<String> CREDENTIAL_ERRORS = Set.of("UnrecognizedClientException",
      "InvalidSignatureException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
      "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "InvalidAccessKeyId");

  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "ThrottledException",
      "TooManyRequestsException", "SlowDown", "RequestLimitExceeded");
  private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "AuthorizationError");
  private static final Set<String> NOT_FOUND = Set.of("ResourceNotFoundException", "NotFound", "NotFoundException");
  private static final Set<String> INVALID = Set.of("ValidationException", "InvalidParameter",
      "InvalidParameterException", "InvalidRequestException", "InvalidParameterValue");

  private AwsErrors() {}

  /** A service's own error codes, mapped before the common ones. */
  @FunctionalInterface
  public interface ServiceCodes {
    /**
     * @param e the service's refusal
     * @param code its error code, or {@code ""}
     * @param what {@code "<service> could not <action>: <code> - <message> (HTTP n, AWS request id r)"}
     * @return the exception for it, or {@code null} to leave it to the common mapping
     */
    @Nullable DelphaException map(AwsServiceException e, String code, String what);
  }

  /** No service-specific codes. */
  public static final ServiceCodes NONE = (e, code, what) -> null;

  /**
   * Whether a failure is the AWS SDK's. The public classes of the optional AWS capabilities catch {@code
   * RuntimeException} and ask here rather than catching {@code SdkException}: a catch clause makes the JVM load its
   * type when it links the class, before the class could say that the AWS SDK is missing
   * ({@link io.delpha.sdk.core.internal.Capability}).
   *
   * @param e a failure
   * @return whether it is an {@code SdkException}
   */
  public static boolean isSdk(Throwable e) {
    return e instanceof SdkException;
  }

  /**
   * @param e the SDK's failure
   * @param service the service's name, e.g. {@code "S3"}
   * @param action what was being done, e.g. {@code "read s3://lake/a.parquet"}
   * @param serviceCodes the service's own codes, mapped first
   * @return the exception to throw
   */
  public static DelphaException map(SdkException e, String service, String action, ServiceCodes serviceCodes) {
    if (e instanceof AwsServiceException refused) {
      String code = code(refused);
      String what = service + " could not " + action + ": " + detail(refused, code);
      DelphaException specific = serviceCodes.map(refused, code, what);
      if (specific != null) {
        return specific;
      }
      int status = refused.statusCode();
      if (CREDENTIAL_ERRORS.contains(code) || status == 401) {
        return new AuthenticationException(what + "; AWS rejected the credentials: check the access key id and "
            + "secret access key", e);
      }
      if (THROTTLING.contains(code) || status == 429 || refused.isThrottlingException()) {
        return new RateLimitedException(what + "; AWS kept throttling after the SDK's retries", null, e);
      }
      if (ACCESS_DENIED.contains(code) || status == 403) {
        return new AccessDeniedException(what + "; the AWS identity lacks a permission for this", e);
      }
      if (NOT_FOUND.contains(code) || status == 404) {
        return new NotFoundException(what, e);
      }
      if ("ConflictException".equals(code) || status == 409 || status == 412) {
        return new ConflictException(what, e);
      }
      if (INVALID.contains(code) || status == 400) {
        return new InvalidInputException(what, e);
      }
      if (status >= 500) {
        return new ServiceUnavailableException(what + "; retry later", e);
      }
      return new DelphaException(what, e);
    }
    if (e instanceof SdkClientException client && client.getMessage() != null
        && client.getMessage().contains("Unable to load credentials")) {
      return new AuthenticationException(service + " could not " + action + ": no AWS credentials were given and "
          + "the default chain found none (environment, profile, container or instance role)", e);
    }
    if (e instanceof SdkClientException) {
      return new ServiceUnavailableException("cannot reach " + service + " to " + action + ": " + e.getMessage(), e);
    }
    return new DelphaException(service + " could not " + action + ": " + e.getMessage(), e);
  }

  private static String code(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    return details == null || details.errorCode() == null ? "" : details.errorCode();
  }

  private static String detail(AwsServiceException e, String code) {
    AwsErrorDetails details = e.awsErrorDetails();
    String message = details == null || details.errorMessage() == null ? "" : details.errorMessage();
    return (code.isEmpty() ? "HTTP " + e.statusCode() : code) + (message.isEmpty() ? "" : " - " + message)
        + " (HTTP " + e.statusCode() + (e.requestId() == null ? "" : ", AWS request id " + e.requestId()) + ")";
  }
}
