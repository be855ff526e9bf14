package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.http.HttpCaller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Requests to the sharing server: the bearer token, the capabilities header, bounded retries of
 * 429/5xx/connection failures, and the protocol's {@code {errorCode, message}} bodies mapped to typed
 * exceptions. Every answer is read through {@link BoundedBody} under the client's {@link ResponseLimits}: a JSON
 * answer whole up to {@code maxBodyBytes}, an NDJSON answer line by line (each line parsed under the depth and
 * string limits and handed to the caller's reader as it arrives, so nothing but what the reader keeps is held). A
 * redirect is never followed (it would carry the bearer token elsewhere): it is a {@link DataFormatException}.
 * What the server sends that a message quotes (an error body, a header, a page token in a request's query) is
 * quoted through {@link Peers#echo}: cut to a few hundred characters, control characters replaced. Thread-safe.
 */
public final class SharingHttp {

  /** The request header naming the client's capabilities. */
  public static final String CAPABILITIES = "delta-sharing-capabilities";

  /**
   * What this client asks for: either response format (the server answers in delta when the table has features
   * the parquet format cannot carry), the Delta reader features it reads, and the end-of-stream marker.
   */
  public static final String CAPABILITIES_VALUE = "responseformat=delta,parquet;readerfeatures="
      + String.join(",", QueryResponse.READER_FEATURES.stream().sorted().toList()) + ";includeendstreamaction=true";
  /** The request header naming the scheme of file ids ({@code parquet} or {@code delta}), echoed by the server. */
  public static final String FILE_ID_HASH = "fileidhash";

  /** The response header holding the table version. */
  public static final String TABLE_VERSION = "delta-table-version";

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  private final HttpCaller http;
  private final String base;
  private final BearerTokens tokens;
  private final ResponseLimits limits;

  /**
   * @param http the caller: a client that never follows redirects (a redirect would carry the token elsewhere),
   *     the request timeout, the retries of 429, 5xx and unreachable-server failures
   * @param endpoint the server's prefix
   * @param tokens where the bearer token comes from
   * @param limits how much of an answer is read before it is refused
   */
  public SharingHttp(HttpCaller http, URI endpoint, BearerTokens tokens, ResponseLimits limits) {
    this.http = http;
    String e = endpoint.toString();
    this.base = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    this.tokens = tokens;
    this.limits = limits;
  }

  /**
   * @return the server's prefix, without a trailing slash
   */
  public String base() {
    return base;
  }

  /**
   * @param segments path segments below the prefix, each URL-encoded here
   * @return the path
   */
  public static String path(String... segments) {
    StringBuilder b = new StringBuilder();
    for (String s : segments) {
      b.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  /**
   * @param path the path below the prefix
   * @param query the query parameters (values encoded here), may be empty
   * @param budget the paged read this request belongs to, told of every attempt ({@link PageBudget#request()}, 401
   *     re-sends and retries included) before it is sent; {@code null} for a request that is no page of a read
   * @return the JSON body
   * @throws io.delpha.sdk.core.ResponseLimitException if the answer breaks a limit, or the read would send more
   *     requests than {@code maxRequests} (nothing is sent then)
   */
  public JsonNode getJson(String path, Map<String, String> query, @Nullable PageBudget budget) {
    Exchange ex = send("GET", path + queryString(query), null, false, budget);
    try {
      return BoundedBody.readJson(ex.body, "the Delta Sharing server's answer to GET " + path, limits);
    } finally {
      ex.close();
    }
  }

  /**
   * @param path the path below the prefix
   * @return the {@code Delta-Table-Version} header of a GET
   */
  public long getVersion(String path) {
    Exchange ex = send("GET", path, null, false, null);
    try {
      return ex.version(path);
    } finally {
      ex.close();
    }
  }

  /**
   * Sends a request whose answer is newline-delimited JSON and hands each line, parsed, to a reader as it arrives.
   *
   * @param method GET or POST
   * @param path the path below the prefix, with its query string
   * @param body the JSON body of a POST, {@code null} for GET
   * @param reader given the answer's headers, the reader of its lines
   * @param <T> what the reader makes of the answer
   * @return what the reader made of the whole answer
   * @throws io.delpha.sdk.core.ResponseLimitException if the answer breaks a limit (the reader's work is dropped)
   * @throws DataFormatException if a line is not JSON
   */
  public <T> T ndjson(String method, String path, @Nullable String body, Function<Answer, LineReader<T>> reader) {
    return ndjson(method, path, body, Extra.NONE, reader);
  }

  /**
   * As {@link #ndjson(String, String, String, Function)}, with more capabilities and headers: the query's
   * {@code asyncquery=true}, its {@code fileidhash} header. A retried request is sent again exactly as it was (the
   * same body: an async query's {@code idempotencyKey} is reused, so a retry never starts a second query).
   *
   * @param method GET or POST
   * @param path the path below the prefix, with its query string
   * @param body the JSON body of a POST, {@code null} for GET
   * @param extra what is added to the request
   * @param reader given the answer's headers, the reader of its lines
   * @param <T> what the reader makes of the answer
   * @return what the reader made of the whole answer
   */
  public <T> T ndjson(String method, String path, @Nullable String body, Extra extra,
      Function<Answer, LineReader<T>> reader) {
    Exchange ex = send(method, path, body, extra, extra.budget());
    try {
      LineReader<T> lines = reader.apply(new Answer(ex.versionOrNull(path), capabilities(ex.headers), limits,
          ex.headers.firstValue(FILE_ID_HASH).orElse(null), "the Delta Sharing server's answer to " + method + " "
          + shown(path)));
      String what = "the Delta Sharing server's answer to " + method + " " + shown(path);
      BoundedBody.forEachLine(ex.body, what, limits,
          (line, number) -> lines.line(BoundedBody.parseJson(line, what + ", line " + number, limits)));
      return lines.end();
    } finally {
      ex.close();
    }
  }

  private Exchange send(String method, String pathAndQuery, @Nullable String body, boolean ndjson,
      @Nullable PageBudget budget) {
    return send(method, pathAndQuery, body, ndjson ? Extra.NONE : null, budget);
  }

  /** @param extra what an NDJSON request adds, {@code null} for a JSON request */
  private Exchange send(String method, String pathAndQuery, @Nullable String body, @Nullable Extra extra,
      @Nullable PageBudget budget) {
    String what = method + " " + shown(pathAndQuery);
    return http.retrying("Delta Sharing " + what, HttpCaller.TRANSIENT,
        attempt -> sendOnce(method, pathAndQuery, body, extra, attempt, budget));
  }

  /**
   * @param pathAndQuery a request's path and query
   * @return it as messages name it: the path (the caller's names), and the query as {@link Peers#echo} quotes it
   *     (a page token is the server's text)
   */
  static String shown(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q) + "?" + Peers.echo(pathAndQuery.substring(q + 1));
  }

  /** One attempt; a 401 is tried once more at once with a fresh OAuth token (a token may be revoked early). */
  private Exchange sendOnce(String method, String pathAndQuery, @Nullable String body, @Nullable Extra ndjson,
      int attempt, @Nullable PageBudget budget) {
    HttpResponse<InputStream> response = exchange(method, pathAndQuery, body, ndjson, attempt, budget);
    if (response.statusCode() == 401) {
      tokens.invalidate();
      if (tokens instanceof BearerTokens.OAuthTokens) {
        HttpCaller.drain(response.body());
        response = exchange(method, pathAndQuery, body, ndjson, attempt, budget);
      }
    }
    int status = response.statusCode();
    if (status == 200) {
      return new Exchange(response.body(), response.headers());
    }
    if (status >= 300 && status < 400) {
      HttpCaller.drain(response.body());
      throw new DataFormatException("the Delta Sharing server answered " + method + " " + shown(pathAndQuery)
          + " with a redirect (HTTP " + status + "), which this client never follows: a redirect would carry the "
          + "bearer token to another place; check the profile's endpoint");
    }
    String errorBody = HttpCaller.withoutCredentials(response.request(), HttpCaller.drain(response.body()));
    throw error(status, errorBody, method + " " + shown(pathAndQuery), response.headers(), attempt);
  }

  private HttpResponse<InputStream> exchange(String method, String pathAndQuery, @Nullable String body,
      @Nullable Extra ndjson, int attempt, @Nullable PageBudget budget) {
    if (budget != null) {
      budget.request();
    }
    HttpRequest.Builder request = http.request(URI.create(base + pathAndQuery))
        .header("Authorization", tokens.authorization())
        .header("Accept", ndjson != null ? "application/x-ndjson, application/json" : "application/json");
    if (ndjson != null) {
      request.header(CAPABILITIES, CAPABILITIES_VALUE + (ndjson.asyncQuery() ? ";asyncquery=true" : ""));
      if (ndjson.fileIdHash() != null) {
        request.header(FILE_ID_HASH, ndjson.fileIdHash());
      }
    }
    if (body != null) {
      request.header("Content-Type", "application/json; charset=utf-8")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(method + " " + shown(pathAndQuery) + (attempt > 1 ? " after " + attempt + " attempts" : ""),
        request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * Maps an error answer to the library's exceptions.
   *
   * @param status the HTTP status
   * @param body the body, possibly {@code {errorCode, message}}
   * @param what the request, for the message
   * @param headers the answer's headers (its {@code Retry-After} is kept)
   * @param attempts attempts made
   * @return the exception to throw
   */
  public static DelphaException error(int status, String body, String what, HttpHeaders headers, int attempts) {
    String detail = describe(body);
    String message = "the Delta Sharing server answered HTTP " + status + detail + " to " + what
        + (attempts > 1 ? " (after " + attempts + " attempts)" : "");
    return HttpCaller.failure(status, status == 401 ? message + "; check the bearer token of the profile" : message,
        headers);
  }

  /**
   * @param body an error body (at most the 64 KiB {@link HttpCaller#drain} reads)
   * @return {@code " ERROR_CODE: message"} when the body is the protocol's error object, else an excerpt; each
   *     quoted as {@link Peers#echo} quotes a peer (at most 200 characters, control characters replaced)
   */
  public static String describe(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject() && (node.has("errorCode") || node.has("message"))) {
        return " " + Peers.echo(node.path("errorCode").asText("")) + ": " + Peers.echo(node.path("message").asText(""));
      }
    } catch (IOException e) {
      // not JSON: fall through to an excerpt
    }
    return " (" + Peers.echo(body.replaceAll("\\s+", " ").strip()) + ")";
  }

  private static Map<String, String> capabilities(HttpHeaders headers) {
    Map<String, String> map = new HashMap<>();
    headers.firstValue(CAPABILITIES).ifPresent(v -> {
      for (String part : v.toLowerCase(Locale.ROOT).split(";")) {
        String[] kv = part.split("=", 2);
        if (kv.length == 2) {
          map.put(kv[0].trim(), kv[1].trim());
        }
      }
    });
    return map;
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("?");
    query.forEach((k, v) -> {
      if (b.length() > 1) {
        b.append('&');
      }
      b.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return b.toString();
  }

  /**
   * The headers of an NDJSON answer.
   *
   * @param version its {@code Delta-Table-Version}
   * @param capabilities the capabilities the server answered, lower case
   * @param limits the limits the answer is read under, for what a reader parses of its lines (a {@code
   *     schemaString})
   */
  public record Answer(@Nullable Long tableVersion, Map<String, String> capabilities, ResponseLimits limits,
      @Nullable String fileIdHash, String what) {

    /**
     * @param version its {@code Delta-Table-Version}
     * @param capabilities the capabilities the server answered, lower case
     * @param limits the limits the answer is read under
     */
    public Answer(long version, Map<String, String> capabilities, ResponseLimits limits) {
      this(version, capabilities, limits, null, "the Delta Sharing server's answer");
    }

    /**
     * @return its {@code Delta-Table-Version}
     * @throws DataFormatException if the answer has none (an async query's pending status has none: only an answer
     *     with the table's lines must)
     */
    public long version() {
      if (tableVersion == null) {
        throw new DataFormatException(what + " has no Delta-Table-Version header");
      }
      return tableVersion;
    }
  }

  /**
   * What an NDJSON request adds to the client's own headers.
   *
   * @param asyncQuery whether {@code asyncquery=true} is added to the capabilities
   * @param fileIdHash the {@code fileidhash} header's value, {@code null} for none
   * @param budget the paged read the request belongs to (each attempt counted), {@code null} for none
   */
  public record Extra(boolean asyncQuery, @Nullable String fileIdHash, @Nullable PageBudget budget) {
    /** Nothing added. */
    public static final Extra NONE = new Extra(false, null, null);
  }

  /**
   * Takes the lines of one NDJSON answer as they arrive, keeping only what it needs of each.
   *
   * @param <T> what it makes of the answer
   */
  public interface LineReader<T> {
    /** @param line the next non-blank line, parsed */
    void line(JsonNode line);

    /** @return what the whole answer makes, once its last line was read */
    T end();
  }

  private static final class Exchange {
    final InputStream body;
    final HttpHeaders headers;

    Exchange(InputStream body, HttpHeaders headers) {
      this.body = body;
      this.headers = headers;
    }

    long version(String what) {
      Long v = versionOrNull(what);
      if (v == null) {
        throw new DataFormatException("the Delta Sharing server answered " + shown(what)
            + " without a Delta-Table-Version header");
      }
      return v;
    }

    @Nullable Long versionOrNull(String what) {
      String v = headers.firstValue(TABLE_VERSION).orElse(null);
      if (v == null) {
        return null;
      }
      return PeerNumbers.parseLong(v, 0, Long.MAX_VALUE, "the Delta-Table-Version header of " + shown(what));
    }

    void close() {
      try {
        body.close();
      } catch (IOException e) {
        // nothing left to read
      }
    }
  }
}
