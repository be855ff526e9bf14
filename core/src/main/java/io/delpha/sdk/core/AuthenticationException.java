package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * The remote system refused the credentials presented (wrong user name or password, unknown client,
 * locked user, expired token). The message never repeats the credentials.
 */
public class AuthenticationException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public AuthenticationException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public AuthenticationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
