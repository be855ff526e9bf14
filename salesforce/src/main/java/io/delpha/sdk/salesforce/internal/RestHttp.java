package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.internal.PeerNumbers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.internal.http.Redirects;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.salesforce.ApiUsage;
import io.delpha.sdk.core.internal.http.HttpCaller;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The component's REST client over {@link HttpCaller}: every resource under {@code /services/data/vXX.X} (describe,
 * records, queries, Bulk API 2.0, sObject Collections, {@code limits}), answers read within the {@link
 * ResponseLimits}, redirects refused.
 *
 * <p>Every answer's {@code Sforce-Limit-Info} header updates {@link #lastUsage()}. Error answers are
 * mapped with {@link SalesforceErrors}; connection failures become {@link ServiceUnavailableException}.
 *
 * <p>What Salesforce sends is read under the {@link ResponseLimits} ({@link BoundedBody}): a JSON answer or a query
 * page at most {@code maxBodyBytes}, nested at most {@code maxJsonDepth}, strings at most {@code maxStringChars},
 * within {@code bodyTimeout}; a Bulk API 2.0 result stream waits at most {@code idleTimeout} for its next bytes. A
 * breach is a {@link ResponseLimitException}. The caller's client never follows redirects ({@code
 * Redirect.NEVER}): a redirect is a {@link DataFormatException} ({@link SalesforceUrls#redirected}), so the session
 * token is sent to the instance the login named and nowhere else.
 */
public final class RestHttp {

  private static final Pattern API_USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");

  private final HttpCaller caller;
  private final ObjectMapper mapper;
  private final String apiVersion;
  private final ResponseLimits limits;
  private final AtomicReference<ApiUsage> lastUsage = new AtomicReference<>();

  /**
   * @param caller the HTTP client layer, on a client that does not follow redirects (its retries are the {@link
   *     RequestExecutor}'s, not used here)
   * @param mapper the JSON mapper
   * @param apiVersion e.g. {@code v60.0}
   * @param limits the bounds on what Salesforce sends
   */
  public RestHttp(HttpCaller caller, ObjectMapper mapper, String apiVersion, ResponseLimits limits) {
    this.caller = caller;
    this.mapper = mapper;
    this.apiVersion = apiVersion;
    this.limits = limits;
  }

  /** @return the bounds on what Salesforce sends */
  public ResponseLimits limits() {
    return limits;
  }

  /** @return the versioned REST root, e.g. {@code /services/data/v60.0} */
  public String apiRoot() {
    return "/services/data/" + apiVersion;
  }

  /**
   * @return the usage from the most recent answer that carried {@code Sforce-Limit-Info}
   */
  public Optional<ApiUsage> lastUsage() {
    return Optional.ofNullable(lastUsage.get());
  }

  /**
   * @param header a {@code Sforce-Limit-Info} value, e.g. {@code api-usage=18/5000}
   * @return the usage it states
   */
  public static Optional<ApiUsage> parseLimitInfo(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = API_USAGE.matcher(header);
    return m.find()
        ? Optional.of(new ApiUsage(PeerNumbers.parseLong(m.group(1), 0, Long.MAX_VALUE, "Sforce-Limit-Info's api-usage"),
            PeerNumbers.parseLong(m.group(2), 0, Long.MAX_VALUE, "Sforce-Limit-Info's api-usage")))
        : Optional.empty();
  }

  /**
   * Sends a JSON request to a path under {@code /services/data/vXX.X} and reads the JSON answer.
   *
   * @param session the session
   * @param what what the caller is doing, for messages
   * @param method the HTTP method
   * @param path the path below the versioned data root, starting with {@code /}
   * @param body the request body (serialised with Jackson), or {@code null}
   * @return the answer's JSON, a missing node when the answer has no body
   */
  public JsonNode json(Session session, String what, String method, String path, @Nullable Object body) {
    return exchange(session, what, method, path, body).json();
  }

  /**
   * A JSON answer and its status.
   *
   * @param status the HTTP status, 2xx
   * @param json the answer's JSON, a missing node when it has no body
   */
  public record Answer(int status, JsonNode json) {}

  /**
   * Sends a JSON request as {@link #json} does and keeps the answer's status (an upsert tells created from updated
   * by it).
   *
   * @param session the session
   * @param what what the caller is doing, for messages
   * @param method the HTTP method
   * @param path the path below the versioned data root, starting with {@code /}
   * @param body the request body (serialised with Jackson), or {@code null}
   * @return the status and the JSON of the answer, read within the {@link ResponseLimits}
   */
  public Answer exchange(Session session, String what, String method, String path, @Nullable Object body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = body == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new DataFormatException(what + ": the records could not be written as JSON ("
          + e.getOriginalMessage() + ")", e);
    }
    HttpRequest request = request(session, path)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .method(method, publisher)
        .build();
    HttpResponse<InputStream> response = open(session, what, request, false);
    return new Answer(response.statusCode(), BoundedBody.readJson(response.body(), what, limits));
  }

  /**
   * Reads a JSON answer whole as bytes, bounded as {@link BoundedBody#whole}: a query page, parsed by the caller
   * record by record.
   *
   * @param session the session
   * @param what what the caller is doing, for messages
   * @param path the path below the versioned data root, with its query string
   * @return the answer's bytes
   * @throws ResponseLimitException if the answer breaks a limit
   */
  public byte[] jsonBytes(Session session, String what, String path) {
    HttpRequest request = request(session, path).header("Accept", "application/json").GET().build();
    HttpResponse<InputStream> response = open(session, what, request, true);
    return readAll(BoundedBody.whole(response.body(), what, limits), what);
  }

  /**
   * Reads a bounded body to its end and closes it.
   *
   * @throws DataFormatException (a {@link ResponseLimitException} for a breach) if the body broke a bound or is not
   *     the encoding it claims
   * @throws ServiceUnavailableException if Salesforce stops answering mid-body (worth another attempt)
   */
  private static byte[] readAll(InputStream body, String what) {
    try (InputStream in = body) {
      return in.readAllBytes();
    } catch (IOException e) {
      DataFormatException format = BoundedBody.formatOf(e);
      if (format != null) {
        throw format;
      }
      throw new ServiceUnavailableException(what + ": Salesforce stopped answering mid-body ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Opens a streamed GET (Bulk API 2.0 results), asking for it gzip-compressed ({@code Accept-Encoding: gzip}). The
   * caller closes the body. A plain answer has no bound in all (it is read record by record under the record
   * bounds, and the delivery bounds of {@link BoundedBody#byRecords}); a compressed one is inflated as it is read, at
   * most {@link ResponseLimits#maxStreamBytes()} inflated bytes ({@link BoundedBody#decoded}).
   *
   * @param session the session
   * @param what what the caller is doing
   * @param path the path below the versioned data root, with its query string
   * @param accept the media type to accept
   * @return the open answer, decoded; its status was 2xx
   */
  public Streamed openStream(Session session, String what, String path, String accept) {
    HttpRequest request = request(session, path).header("Accept", accept).header("Accept-Encoding", "gzip")
        .GET().build();
    HttpResponse<InputStream> response = open(session, what, request, false);
    String encoding = response.headers().firstValue("Content-Encoding").orElse(null);
    boolean plain = encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.trim());
    return new Streamed(response.headers(), BoundedBody.decoded(response.body(), encoding, what,
        plain ? Long.MAX_VALUE : limits.maxStreamBytes(), plain ? "no limit" : "maxStreamBytes", limits));
  }

  /**
   * Reads a Bulk API 2.0 result page whole, asking for it gzip-compressed, as any answer read whole ({@link
   * BoundedBody#wholeDecoded}): at most {@link ResponseLimits#maxBodyBytes()} bytes once inflated, whether it came
   * compressed or not, within {@link ResponseLimits#bodyTimeout()} on the wire, each read within {@link
   * ResponseLimits#idleTimeout()} and at the minimum rate.
   *
   * @param session the session
   * @param what what the caller is doing
   * @param path the path below the versioned data root, with its query string
   * @param accept the media type to accept
   * @param opened told of the page's body as it is opened, before it is read: closing it from another thread ends
   *     a read blocked on the peer (an interrupt does not: the JDK client's body stream takes no notice of one)
   * @return the page's headers and its decoded bytes
   * @throws ResponseLimitException if the page, inflated, is longer than {@code maxBodyBytes}, or takes longer than
   *     {@code bodyTimeout}, or sends {@code maxBytesWithoutProgress} compressed bytes that inflate to nothing
   * @throws DataFormatException if it says it is gzip and is not
   * @throws ServiceUnavailableException if Salesforce stops answering mid-page (worth another attempt)
   */
  public Page page(Session session, String what, String path, String accept,
      java.util.function.Consumer<InputStream> opened) {
    HttpRequest request = request(session, path).header("Accept", accept).header("Accept-Encoding", "gzip")
        .GET().build();
    HttpResponse<InputStream> response = open(session, what, request, false);
    InputStream body = BoundedBody.wholeDecoded(response.body(),
        response.headers().firstValue("Content-Encoding").orElse(null), what, limits);
    opened.accept(body);
    return new Page(response.headers(), readAll(body, what));
  }

  /**
   * A result page read whole.
   *
   * @param headers its headers
   * @param bytes its bytes, decoded
   */
  public record Page(HttpHeaders headers, byte[] bytes) {}

  /**
   * An open streamed answer.
   *
   * @param headers its headers
   * @param body its body, each read waiting at most {@link ResponseLimits#idleTimeout()}; the caller closes it
   */
  public record Streamed(HttpHeaders headers, InputStream body) {}

  /**
   * Sends a request, reads the status and headers, and fails on an error or a redirect (never followed).
   *
   * @param probe whether a rate-limit answer without {@code Sforce-Limit-Info} is followed by one {@code /limits}
   *     probe for the usage (queries, as they always were), rather than quoting the usage last seen
   */
  private HttpResponse<InputStream> open(Session session, String what, HttpRequest request, boolean probe) {
    return checked(session, what, send(what, request, HttpResponse.BodyHandlers.ofInputStream()), probe);
  }

  /**
   * Uploads a file as a request's body ({@code PUT} of a Bulk API 2.0 ingest job's CSV): no request timeout while the
   * body is sent, the answer's headers awaited within it after the body's last byte ({@link HttpCaller#sendUpload}).
   * The answer's body is closed unread.
   *
   * @param session the session
   * @param what what the caller is doing, for messages
   * @param path the path below the versioned data root
   * @param contentType the body's media type
   * @param file the body
   * @throws DataFormatException if the file cannot be read (it was written by the caller)
   */
  public void upload(Session session, String what, String path, String contentType, java.nio.file.Path file) {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (java.io.FileNotFoundException e) {
      throw new DataFormatException(what + ": the spooled data is gone (" + e.getMessage() + ")", e);
    }
    HttpRequest.Builder request = caller.upload(URI.create(session.instanceUrl() + apiRoot() + path))
        .header("Authorization", "Bearer " + session.accessToken().reveal()).header("Content-Type", contentType);
    HttpResponse<InputStream> response = checked(session, what,
        caller.sendUpload(what, request, "PUT", body, HttpResponse.BodyHandlers.ofInputStream()), false);
    record(response.headers());
    discard(response.body());
  }

  /** Fails on an error answer or a redirect (never followed); else returns the answer. */
  private HttpResponse<InputStream> checked(Session session, String what, HttpResponse<InputStream> response,
      boolean probe) {
    if (Redirects.isRedirect(response.statusCode())) {
      discard(response.body());
      throw SalesforceUrls.redirected(what, response);
    }
    if (response.statusCode() >= 300) {
      // a rate-limit answer without the usage header: one /limits probe puts the usage in the exception
      boolean hasUsage = response.headers().firstValue("Sforce-Limit-Info").isPresent();
      throw SalesforceErrors.fromResponse(what, response.statusCode(),
          HttpCaller.withoutCredentials(response.request(), errorBody(what, errorStream(what, response), limits)),
          HttpCaller.retryAfter(response.headers()).orElse(null),
          () -> hasUsage || !probe ? lastUsage() : probeUsage(session), limits);
    }
    return response;
  }

  /** An error answer's body, inflated when it came gzip-compressed (a result download asks for gzip). */
  private InputStream errorStream(String what, HttpResponse<InputStream> response) {
    String encoding = response.headers().firstValue("Content-Encoding").orElse(null);
    if (encoding == null || !"gzip".equalsIgnoreCase(encoding.trim())) {
      return response.body();
    }
    return BoundedBody.wholeDecoded(response.body(), encoding, what, limits);
  }

  /**
   * Reads an error answer's first 64 KiB under the limits' deadline, idle timeout and rate, so an error body that
   * trickles or never ends costs no more than an answer does.
   *
   * @param what the request, for messages
   * @param body the error answer's body (closed)
   * @param limits the limits
   * @return its text, empty when it could not be read within them
   */
  static String errorBody(String what, InputStream body, ResponseLimits limits) {
    return HttpCaller.drain(BoundedBody.whole(body, what, limits));
  }

  /**
   * Closes an answer's body unread (a redirect's): nothing of it is wanted, whatever its length.
   *
   * @param body the body
   */
  static void discard(InputStream body) {
    try {
      body.close();
    } catch (IOException ignored) {
      // nothing of it was wanted
    }
  }

  /**
   * Asks Salesforce for the org's API usage: a GET of the {@code limits} resource, reading the
   * {@code Sforce-Limit-Info} header whatever the status (it is sent with error answers too).
   *
   * @param session the session
   * @return the usage, empty when Salesforce did not send the header or could not be reached
   */
  public Optional<ApiUsage> probeUsage(Session session) {
    HttpRequest request = request(session, "/limits").header("Accept", "application/json").GET().build();
    try {
      // the header is all that is wanted: the body is closed unread, whatever its length
      discard(send("read API usage", request, HttpResponse.BodyHandlers.ofInputStream()).body());
    } catch (ServiceUnavailableException unreachable) {
      return Optional.empty();
    }
    return lastUsage();
  }

  private HttpRequest.Builder request(Session session, String path) {
    return caller.request(URI.create(session.instanceUrl() + "/services/data/" + apiVersion + path))
        .header("Authorization", "Bearer " + session.accessToken().reveal());
  }

  private <T> HttpResponse<T> send(String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response = caller.send(what, request, handler);
    record(response.headers());
    return response;
  }

  private void record(HttpHeaders headers) {
    headers.firstValue("Sforce-Limit-Info").flatMap(RestHttp::parseLimitInfo).ifPresent(lastUsage::set);
  }
}
