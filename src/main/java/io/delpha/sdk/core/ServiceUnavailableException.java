package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * A remote system could not be reached or stopped answering (connection refused, every contact point
 * down, a server that went away mid-operation, bounded retries exhausted). The operation may succeed
 * later; the library left no partial result behind.
 */
public class ServiceUnavailableException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public ServiceUnavailableException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public ServiceUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
