package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * A secure connection could not be established: a certificate or key file that is missing or
 * unreadable, an untrusted server certificate, a host name that does not match, a handshake the server
 * refused.
 */
public class TlsException extends ServiceUnavailableException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public TlsException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public TlsException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
