package io.delpha.sdk.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.internal.JsonSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request and its answer, as a {@link HttpService.RouteHandler} sees it: the method, the route's decoded path
 * parameters, the query, the headers, a body stream cut at a byte limit (or a body received into a file without a
 * thread, {@link #receiveBody}), and the answer (JSON or any bytes). Made by
 * the {@link HttpService} for each matched request (never by a host) and valid only during the handler's call; not
 * thread-safe: one handler thread uses it.
 *
 * <p>A handler answers exactly once, with {@link #respond(int, Object)} or {@link #respond(int, String, byte[])}.
 * To refuse, it may instead throw one of the library's exceptions, which the service answers with the status {@link
 * HttpService} lists, or an {@link HttpException} of its own status and code; what this class refuses itself (a body over
 * its limit, a malformed query) it throws as an {@link HttpException} with the status each method names, which the
 * service answers, so a handler lets them propagate.
 */
public final class Exchange {

  static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** The request and response of one server implementation (Jetty's, in {@link JettyServer}). */
  interface Wire {
    String method();

    String rawPath();

    /** @throws HttpException 400 for malformed percent-encoding */
    @Nullable String query(String name);

    @Nullable String header(String name);

    /** @return the declared body length, or -1 when the request does not declare one (chunked) */
    long declaredLength();

    InputStream body();

    void setHeader(String name, String value);

    void write(int status, String contentType, byte[] bytes) throws IOException;

    @Nullable SocketAddress remoteAddress();

    void onComplete(Runnable action);
  }

  /** A body to receive into a file before {@code then} answers ({@link #receiveBody}). */
  record Receive(long limit, Path file, HttpService.RouteHandler then) {}

  private final Wire wire;
  private final Map<String, String> params;
  private final long defaultBodyLimit;
  private boolean answered;
  private boolean authenticated;
  private @Nullable Receive receive;

  Exchange(Wire wire, Map<String, String> params, long defaultBodyLimit) {
    this.wire = wire;
    this.params = Map.copyOf(params);
    this.defaultBodyLimit = defaultBodyLimit;
  }

  /**
   * @return the request method, as the client sent it (e.g. {@code GET})
   */
  public String method() {
    return wire.method();
  }

  /**
   * @return the request path as the client sent it, not percent-decoded (e.g. {@code /files/a%20b.csv})
   */
  public String rawPath() {
    return wire.rawPath();
  }

  /**
   * @param name a parameter of the route's pattern ({@code {name}} in {@link HttpService.Route#pattern()})
   * @return its percent-decoded value: one whole path segment, never empty
   * @throws NullPointerException if the route's pattern has no such parameter (a mistake of the handler)
   */
  public String param(String name) {
    return Objects.requireNonNull(params.get(name), () -> "the route's pattern has no parameter " + name);
  }

  /**
   * @param name a query parameter
   * @return its first value, percent-decoded as UTF-8, or {@code null} when the query does not have it
   * @throws HttpException {@code 400 bad_request} for a malformed query string
   */
  public @Nullable String query(String name) {
    return wire.query(name);
  }

  /**
   * @param name a header name, in any case
   * @return its first value, or {@code null} when the request does not have it
   */
  public @Nullable String header(String name) {
    return wire.header(name);
  }

  /**
   * Marks the caller as authenticated: from now on the error answers of this request carry the library's messages;
   * before it, they carry only a generic text per status (but for 400 before a route matched, 404, 405 and 413,
   * whose messages never hold data of the service). A handler calls it once it has checked the caller's credentials.
   */
  public void authenticated() {
    this.authenticated = true;
  }

  boolean isAuthenticated() {
    return authenticated;
  }

  /**
   * @return the body, cut at the service's limit ({@link ServerOptions#maxBodyBytes()}), as {@link #body(long)}
   *     cuts it
   * @throws HttpException {@code 413 too_large}, as {@link #body(long)} does
   */
  public InputStream body() {
    return body(defaultBodyLimit);
  }

  /**
   * The request body as a stream, cut at a limit while streaming: no more than the limit (plus one read buffer) is
   * ever taken from the client, whether it declared its length or sent the body chunked. The stream is read once;
   * closing it is optional.
   *
   * @param limit the most bytes the body may have, this handler's own limit (which may be above or below the
   *     service's default)
   * @return the body
   * @throws HttpException {@code 413 too_large}, with a message naming the limit: at once when the declared length
   *     exceeds the limit, and from the stream's {@code read} once more than the limit was read (the service answers
   *     it, unless the handler answered already)
   */
  public InputStream body(long limit) {
    long declared = wire.declaredLength();
    if (declared > limit) {
      throw new HttpException(413, "too_large", "the body has " + declared + " bytes; the limit is " + limit);
    }
    return new LimitedInputStream(wire.body(), limit);
  }

  /**
   * Receives the body into a file without holding a thread while the client sends, then answers with {@code then}: the
   * handler calls this last and returns without answering; the service reads the body as its bytes arrive (no thread
   * waits for them), writes it to {@code file} (created, or truncated), and once the whole body is there, calls {@code
   * then} with this exchange, on one of the service's threads, to answer. The body is cut at the limit while
   * streaming, as {@link #body(long)} cuts it, and must keep up the least rate of {@link
   * ServerOptions#minRequestDataRate()}. When it does not arrive whole, {@code then} is not called and the service
   * answers: {@code 413 too_large} past the limit, {@code 408 too_slow} below the rate (closing the connection), or
   * nothing when the client went away. What the file holds then is the caller's to delete: {@link
   * #onComplete(Runnable)} runs however the exchange ends.
   *
   * @param limit the most bytes the body may have
   * @param file where the body goes
   * @param then answers once the body is in the file; this exchange stays valid until it returns
   * @throws HttpException {@code 413 too_large} at once when the declared length exceeds the limit
   * @throws IllegalStateException if this exchange was answered, or receives a body already
   */
  public void receiveBody(long limit, Path file, HttpService.RouteHandler then) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(then, "then");
    if (answered || receive != null) {
      throw new IllegalStateException("already answered or receiving");
    }
    long declared = wire.declaredLength();
    if (declared > limit) {
      throw new HttpException(413, "too_large", "the body has " + declared + " bytes; the limit is " + limit);
    }
    receive = new Receive(limit, file, then);
  }

  /**
   * Runs an action once this exchange is over, however it ends (answered, refused, the client gone, a body that never
   * arrived whole): the place to release what a handler holds for the request, e.g. a file {@link #receiveBody}
   * wrote. Runs on one of the service's threads; what it throws is logged, not answered.
   *
   * @param action what to run
   */
  public void onComplete(Runnable action) {
    wire.onComplete(Objects.requireNonNull(action, "action"));
  }

  /** @return the body the handler asked to receive before answering, once, or {@code null} */
  @Nullable Receive takeReceive() {
    Receive r = receive;
    receive = null;
    return r;
  }

  /** @return the client's address key ({@link ClientAddress#key}), or {@code null} when unknown */
  @Nullable String clientAddress() {
    SocketAddress a = wire.remoteAddress();
    return a == null ? null : ClientAddress.key(a);
  }

  /**
   * Sets a header of the answer (replacing one of the same name); call it before answering. {@code Content-Type},
   * {@code Content-Length} and {@code Cache-Control} are set by the answer itself.
   *
   * @param name a response header
   * @param value its value
   */
  public void setHeader(String name, String value) {
    wire.setHeader(name, value);
  }

  /**
   * Answers with a JSON body ({@code application/json; charset=utf-8}), never cached by the client.
   *
   * @param status the status, 100 to 599
   * @param body a Jackson tree, a record or a map, written as JSON; or a {@code byte[]}, sent as is (JSON already)
   * @throws IOException when the client went away
   * @throws IllegalStateException if this exchange was answered already
   * @throws IllegalArgumentException for a status outside 100 to 599
   */
  public void respond(int status, Object body) throws IOException {
    byte[] bytes = body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
    respond(status, "application/json; charset=utf-8", bytes);
  }

  /**
   * Answers with a body of any type (an HTML page, a script), never cached by the client ({@code Cache-Control:
   * no-store}).
   *
   * @param status the status, 100 to 599
   * @param contentType the {@code Content-Type}, e.g. {@code text/html; charset=utf-8}
   * @param bytes the body
   * @throws IOException when the client went away
   * @throws IllegalStateException if this exchange was answered already
   * @throws IllegalArgumentException for a status outside 100 to 599
   */
  public void respond(int status, String contentType, byte[] bytes) throws IOException {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    if (answered) {
      throw new IllegalStateException("already answered");
    }
    answered = true;
    wire.write(status, contentType, bytes);
  }

  boolean answered() {
    return answered;
  }

  /** A body stream that fails with 413 once more than the limit has been read. */
  private static final class LimitedInputStream extends InputStream {
    private final InputStream in;
    private final long limit;
    private long read;

    LimitedInputStream(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long room = limit - read; // at most one byte past the limit is asked for, to see that there is one
      int n = in.read(b, off, (int) Math.min(len, room < Long.MAX_VALUE ? room + 1 : room));
      if (n > 0) {
        read += n;
        if (read > limit) {
          throw new HttpException(413, "too_large", "the body exceeds the limit of " + limit + " bytes");
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
