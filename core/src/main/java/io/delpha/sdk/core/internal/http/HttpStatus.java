package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping from HTTP statuses to the library's exceptions: what a client of the library throws for an answer
 * ({@link #exceptionFor}), and the generic text a service answers a status with before a caller is authenticated.
 * Components word the message; the type is decided here. (The other way, what a service answers for an exception, is
 * the server's: {@code server.HttpException}.)
 */
public final class HttpStatus {

  private HttpStatus() {}

  /**
   * @param status an HTTP status
   * @return the text an unauthenticated caller gets for it
   */
  public static String genericText(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 413 -> "request too large";
      case 429 -> "too many requests";
      case 503 -> "service unavailable; retry later";
      default -> "the request failed";
    };
  }

  /**
   * @param status an HTTP status a remote service answered
   * @param message what to say, with the component's context
   * @param retryAfter the server's {@code Retry-After}, or {@code null}
   * @return the exception: 400/422 invalid input, 401 authentication, 403 access denied, 404 not found,
   *     409/412 conflict, 429 rate limited, 5xx unavailable (both carrying {@code retryAfter}), anything else the
   *     root type
   */
  public static DelphaException exceptionFor(int status, String message, java.time.@Nullable Duration retryAfter) {
    return exceptionFor(status, message, retryAfter, null);
  }

  /**
   * @param status an HTTP status a remote service answered
   * @param message what to say, with the component's context
   * @param retryAfter the server's {@code Retry-After}, or {@code null}
   * @param cause the foreign exception that carried the answer, or {@code null}
   * @return the exception, as {@link #exceptionFor(int, String, java.time.Duration)} types it, with that cause
   */
  public static DelphaException exceptionFor(int status, String message, java.time.@Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    return switch (status) {
      case 400, 422 -> new InvalidInputException(message, cause);
      case 401 -> new AuthenticationException(message, cause);
      case 403 -> new AccessDeniedException(message, cause);
      case 404 -> new NotFoundException(message, cause);
      case 409, 412 -> new ConflictException(message, cause);
      case 429 -> new RateLimitedException(message, retryAfter, cause);
      default -> status >= 500 ? new ServiceUnavailableException(message, retryAfter, cause)
          : new DelphaException(message, cause);
    };
  }
}
