package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * The caller passed something the library or the remote system cannot accept: a malformed
 * argument, a CQL or SOQL syntax error (with the server's own message), a key that escapes a store's
 * root, an identifier outside an allowlist. Retrying the same call will fail the same way.
 */
public class InvalidInputException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public InvalidInputException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public InvalidInputException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
