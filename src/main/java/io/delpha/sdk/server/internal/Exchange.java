package io.delpha.sdk.server.internal;

import io.delpha.sdk.core.internal.http.HttpError;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * One request and its answer, as a route handler sees it: method, decoded path parameters, query,
 * headers, a body stream cut at a byte limit (413 beyond it, while streaming), and JSON answers.
 */
public final class Exchange {

  static final ObjectMapper JSON = io.delpha.sdk.core.internal.JsonSupport.MAPPER;

  private final Request request;
  private final Response response;
  private final Map<String, String> params;
  private final long defaultBodyLimit;
  private boolean answered;
  private boolean authenticated;

  Exchange(Request request, Response response, Map<String, String> params, long defaultBodyLimit) {
    this.request = request;
    this.response = response;
    this.params = params;
    this.defaultBodyLimit = defaultBodyLimit;
  }

  /** @return the request method */
  public String method() {
    return request.getMethod();
  }

  /** @return the request path, undecoded */
  public String rawPath() {
    return request.getHttpURI().getPath();
  }

  /**
   * @param name a parameter of the route's pattern ({@code {name}})
   * @return its percent-decoded value
   */
  public String param(String name) {
    return Objects.requireNonNull(params.get(name), () -> "the route's pattern has no parameter " + name);
  }

  /**
   * @param name a query parameter
   * @return its decoded value, or {@code null}
   * @throws HttpError 400 for malformed percent-encoding
   */
  public @Nullable String query(String name) {
    try {
      Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      Fields.Field f = fields.get(name);
      return f == null ? null : f.getValue();
    } catch (RuntimeException e) {
      throw new HttpError(400, "bad_request", "malformed query string");
    }
  }

  /**
   * @param name a header name
   * @return its first value, or {@code null}
   */
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /**
   * Marks the caller as authenticated: from now on error answers may carry the library's messages; before
   * it they carry only a generic text per status.
   */
  public void authenticated() {
    this.authenticated = true;
  }

  boolean isAuthenticated() {
    return authenticated;
  }

  /** @return the body, cut at the service's default body limit */
  public InputStream body() {
    return body(defaultBodyLimit);
  }

  /**
   * @param limit the most bytes the body may have
   * @return the body; reading past the limit throws an {@link HttpError} 413, so no more than the limit
   *     (plus one read buffer) is ever taken from the client
   * @throws HttpError 413 at once when the declared length exceeds the limit
   */
  public InputStream body(long limit) {
    long declared = request.getLength();
    if (declared > limit) {
      throw new HttpError(413, "too_large", "the body has " + declared + " bytes; the limit is " + limit);
    }
    return new LimitedInputStream(Content.Source.asInputStream(request), limit);
  }

  /**
   * @param name a response header
   * @param value its value
   */
  public void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /**
   * Answers with a JSON body.
   *
   * @param status the status
   * @param body a Jackson tree, a record or a map
   * @throws IOException when the client went away
   */
  public void respond(int status, Object body) throws IOException {
    byte[] bytes = body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
    respond(status, "application/json; charset=utf-8", bytes);
  }

  /**
   * Answers with a body of any type (an HTML page, a script); never cached by the client.
   *
   * @param status the status
   * @param contentType the {@code Content-Type}, e.g. {@code text/html; charset=utf-8}
   * @param bytes the body
   * @throws IOException when the client went away
   */
  public void respond(int status, String contentType, byte[] bytes) throws IOException {
    if (answered) {
      throw new IllegalStateException("already answered");
    }
    answered = true;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
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
      int n = in.read(b, off, (int) Math.min(len, limit - read + 1));
      if (n > 0) {
        read += n;
        if (read > limit) {
          throw new HttpError(413, "too_large", "the body exceeds the limit of " + limit + " bytes");
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
