package io.delpha.sdk.core;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A remote system could not be reached or stopped answering (connection refused, every contact point
 * down, a server that went away mid-operation, bounded retries exhausted). The operation may succeed
 * later; the library left no partial result behind.
 */
public class ServiceUnavailableException extends DelphaException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public ServiceUnavailableException(String message) {
    super(message);
    this.retryAfter = null;
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public ServiceUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
    this.retryAfter = null;
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param retryAfter how long the service asked callers to wait ({@code Retry-After}), {@code null} if it did not
   *     say
   * @param cause the underlying failure, may be {@code null}
   */
  public ServiceUnavailableException(String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /**
   * @return how long the service asked callers to wait before trying again, when it said so
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
