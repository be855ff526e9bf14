package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * The operation conflicts with the current state: an object that must never be overwritten already
 * exists, an admin key is already active, a flow is already running.
 */
public class ConflictException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public ConflictException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public ConflictException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
