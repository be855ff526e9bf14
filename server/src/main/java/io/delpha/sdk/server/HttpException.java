package io.delpha.sdk.server;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.Map;

/**
 * An error answer of an {@link HttpService}: a status, a short machine-readable code and a message, answered as the
 * JSON body {@code {"error": code, "message": text}} with the headers given. The service throws it for what it refuses
 * itself (an {@link Exchange}'s body over its limit: 413 {@code too_large}; a malformed query or path: 400
 * {@code bad_request}), and a route handler, the library's or a host's, throws it to answer another status or code
 * than the library's exceptions map to (see {@link HttpService}). The message reaches the client only once the
 * handler has called {@link Exchange#authenticated()} (and for 400, 404, 405 and 413); before, the client gets a
 * generic text per status, so a message never tells an unauthenticated caller more than the status does.
 *
 * <p>Carries no stack trace: it is an answer, not a failure of the library. Immutable.
 */
public final class HttpException extends DelphaException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;
  private final long pauseMillis;

  /**
   * @param status the HTTP status, 400 to 599
   * @param code a short machine-readable code, e.g. {@code too_many_uploads}
   * @param message what went wrong, for the client; never a secret
   * @throws IllegalArgumentException if the status is not an error status (a bug of the handler that makes it: the
   *     service answers it 500, as any failure that is not one of the library's exceptions)
   */
  public HttpException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  /**
   * @param status the HTTP status, 400 to 599
   * @param code a short machine-readable code
   * @param message what went wrong, for the client; never a secret
   * @param headers headers to add to the answer, e.g. {@code WWW-Authenticate} or {@code Retry-After}
   * @throws IllegalArgumentException if the status is not an error status
   */
  public HttpException(int status, String code, String message, Map<String, String> headers) {
    this(status, code, message, headers, 0);
  }

  private HttpException(int status, String code, String message, Map<String, String> headers, long pauseMillis) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error answer's status is 400 to 599, got " + status);
    }
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
    this.pauseMillis = pauseMillis;
  }

  /**
   * @return this answer, given only after a pause during which the request holds its connection but no thread: what
   *     the service answers a client it backs off, so that a client ignoring {@code Retry-After} waits anyway
   */
  static HttpException answeredAfter(int status, String code, String message, Map<String, String> headers,
      long pauseMillis) {
    return new HttpException(status, code, message, headers, pauseMillis);
  }

  /** @return how long the service waits before giving this answer, 0 for at once */
  long pauseMillis() {
    return pauseMillis;
  }

  /**
   * The answer of a service for one of the library's exceptions thrown by a route handler: {@code
   * AuthenticationException} 401, {@code AccessDeniedException} 403, {@code NotFoundException} 404, {@code
   * ConflictException} 409, {@code InvalidInputException} and {@code DataFormatException} 422, {@code
   * RateLimitedException} 429, {@code ServiceUnavailableException} 503 (with a generic message: which service is
   * down is not the client's business), an {@code HttpException} itself, any other 500 without detail.
   *
   * @param e a failure a handler threw
   * @return the answer
   */
  static HttpException of(DelphaException e) {
    if (e instanceof HttpException answer) {
      return answer;
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof AuthenticationException) {
      return new HttpException(401, "unauthorized", message);
    }
    if (e instanceof AccessDeniedException) {
      return new HttpException(403, "forbidden", message);
    }
    if (e instanceof NotFoundException) {
      return new HttpException(404, "not_found", message);
    }
    if (e instanceof ConflictException) {
      return new HttpException(409, "conflict", message);
    }
    if (e instanceof InvalidInputException || e instanceof DataFormatException) {
      return new HttpException(422, "invalid", message);
    }
    if (e instanceof RateLimitedException) {
      return new HttpException(429, "rate_limited", message);
    }
    if (e instanceof ServiceUnavailableException) {
      return new HttpException(503, "unavailable", "a backing service cannot be reached right now; retry later");
    }
    return new HttpException(500, "internal", "the request failed");
  }

  /** @return the HTTP status */
  public int status() {
    return status;
  }

  /** @return the machine-readable code */
  public String code() {
    return code;
  }

  /** @return headers to add to the answer (unmodifiable) */
  public Map<String, String> headers() {
    return headers;
  }

  /** An answer, not a failure: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
