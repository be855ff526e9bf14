package io.delpha.sdk.core.internal.http;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request that ends with an error status and a JSON body {@code {"error": code, "message": text}}.
 * Thrown by route handlers; the service writes it.
 */
public final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  /**
   * @param status the HTTP status
   * @param code a short machine-readable code, e.g. {@code unauthorized}
   * @param message what went wrong, for the client (never internal detail before authentication)
   */
  public HttpError(int status, String code, @Nullable String message) {
    this(status, code, message, Map.of());
  }

  /**
   * @param status the HTTP status
   * @param code a short machine-readable code
   * @param message what went wrong, for the client
   * @param headers response headers to add (e.g. {@code WWW-Authenticate})
   */
  public HttpError(int status, String code, @Nullable String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  /** @return the HTTP status */
  public int status() {
    return status;
  }

  /** @return the machine-readable code */
  public String code() {
    return code;
  }

  /** @return headers to add to the answer */
  public Map<String, String> headers() {
    return headers;
  }
}
