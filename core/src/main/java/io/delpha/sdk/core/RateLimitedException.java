package io.delpha.sdk.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A remote system refused the call because a rate limit or quota was reached (Salesforce
 * {@code REQUEST_LIMIT_EXCEEDED}, AWS throttling, HTTP 429), after the library's own bounded retries.
 */
public class RateLimitedException extends ServiceUnavailableException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, including the usage figures the service reported
   */
  public RateLimitedException(String message) {
    this(message, null, null);
  }

  /**
   * @param message what went wrong, including the usage figures the service reported
   * @param retryAfter how long the service asked callers to wait, {@code null} if it did not say
   * @param cause the underlying failure, may be {@code null}
   */
  public RateLimitedException(String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, retryAfter, cause);
  }
}
