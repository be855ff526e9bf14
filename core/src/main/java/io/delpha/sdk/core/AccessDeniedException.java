package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * The caller is not allowed to do what it asked: an access key that is unknown, revoked, expired or
 * malformed, or a statement that reaches outside the caller's organisation. All such refusals look the
 * same to the caller ("access denied"); which reason applied is recorded in an audit trail only.
 */
public class AccessDeniedException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public AccessDeniedException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public AccessDeniedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
