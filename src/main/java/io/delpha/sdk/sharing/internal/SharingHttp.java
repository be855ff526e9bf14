package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.http.HttpCaller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Requests to the sharing server: the bearer token, the capabilities header, bounded retries of
 * 429/5xx/connection failures, and the protocol's {@code {errorCode, message}} bodies mapped to typed
 * exceptions. Thread-safe.
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
  /** The response header holding the table version. */
  public static final String TABLE_VERSION = "delta-table-version";

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  private final HttpCaller http;
  private final String base;
  private final BearerTokens tokens;

  /**
   * @param http the caller: a client that never follows redirects (a redirect would carry the token elsewhere),
   *     the request timeout, the retries of 429, 5xx and unreachable-server failures
   * @param endpoint the server's prefix
   * @param tokens where the bearer token comes from
   */
  public SharingHttp(HttpCaller http, URI endpoint, BearerTokens tokens) {
    this.http = http;
    String e = endpoint.toString();
    this.base = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    this.tokens = tokens;
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
   * @return the JSON body
   */
  public JsonNode getJson(String path, Map<String, String> query) {
    Exchange ex = send("GET", path + queryString(query), null, false);
    try {
      return JSON.readTree(ex.body);
    } catch (IOException e) {
      throw new DataFormatException("GET " + path + " did not answer JSON", e);
    } finally {
      ex.close();
    }
  }

  /**
   * @param path the path below the prefix
   * @return the {@code Delta-Table-Version} header of a GET
   */
  public long getVersion(String path) {
    Exchange ex = send("GET", path, null, false);
    try {
      return ex.version(path);
    } finally {
      ex.close();
    }
  }

  /**
   * Sends a request whose answer is newline-delimited JSON and reads every line.
   *
   * @param method GET or POST
   * @param path the path below the prefix, with its query string
   * @param body the JSON body of a POST, {@code null} for GET
   * @return the version header, the capabilities answered and the parsed lines
   */
  public NdJson ndjson(String method, String path, @Nullable String body) {
    Exchange ex = send(method, path, body, true);
    try {
      List<JsonNode> lines = new ArrayList<>();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(ex.body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!line.isBlank()) {
            lines.add(JSON.readTree(line));
          }
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new DataFormatException(method + " " + path + " answered a line that is not JSON", e);
      } catch (IOException e) {
        throw new ServiceUnavailableException("the sharing server stopped answering " + method + " " + path
            + " mid-response: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
      }
      return new NdJson(ex.version(path), capabilities(ex.headers), lines);
    } finally {
      ex.close();
    }
  }

  private Exchange send(String method, String pathAndQuery, @Nullable String body, boolean ndjson) {
    String what = method + " " + pathAndQuery;
    return http.retrying("Delta Sharing " + what, HttpCaller.TRANSIENT,
        attempt -> sendOnce(method, pathAndQuery, body, ndjson, attempt));
  }

  /** One attempt; a 401 is tried once more at once with a fresh OAuth token (a token may be revoked early). */
  private Exchange sendOnce(String method, String pathAndQuery, @Nullable String body, boolean ndjson, int attempt) {
    HttpResponse<InputStream> response = exchange(method, pathAndQuery, body, ndjson, attempt);
    if (response.statusCode() == 401) {
      tokens.invalidate();
      if (tokens instanceof BearerTokens.OAuthTokens) {
        HttpCaller.drain(response.body());
        response = exchange(method, pathAndQuery, body, ndjson, attempt);
      }
    }
    int status = response.statusCode();
    if (status == 200) {
      return new Exchange(response.body(), response.headers());
    }
    String errorBody = HttpCaller.withoutCredentials(response.request(), HttpCaller.drain(response.body()));
    throw error(status, errorBody, method + " " + pathAndQuery, response.headers(), attempt);
  }

  private HttpResponse<InputStream> exchange(String method, String pathAndQuery, @Nullable String body, boolean ndjson,
      int attempt) {
    HttpRequest.Builder request = http.request(URI.create(base + pathAndQuery))
        .header("Authorization", "Bearer " + tokens.current().reveal())
        .header("Accept", ndjson ? "application/x-ndjson, application/json" : "application/json");
    if (ndjson) {
      request.header(CAPABILITIES, CAPABILITIES_VALUE);
    }
    if (body != null) {
      request.header("Content-Type", "application/json; charset=utf-8")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(method + " " + pathAndQuery + (attempt > 1 ? " after " + attempt + " attempts" : ""),
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
   * @param body an error body
   * @return {@code " ERROR_CODE: message"} when the body is the protocol's error object, else a short excerpt
   */
  public static String describe(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject() && (node.has("errorCode") || node.has("message"))) {
        return " " + node.path("errorCode").asText("") + ": " + node.path("message").asText("");
      }
    } catch (IOException e) {
      // not JSON: fall through to an excerpt
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return " (" + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine) + ")";
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

  /** An NDJSON answer. */
  public record NdJson(long version, Map<String, String> capabilities, List<JsonNode> lines) {}

  private static final class Exchange {
    final InputStream body;
    final HttpHeaders headers;

    Exchange(InputStream body, HttpHeaders headers) {
      this.body = body;
      this.headers = headers;
    }

    long version(String what) {
      String v = headers.firstValue(TABLE_VERSION).orElseThrow(() -> new DataFormatException(
          "the Delta Sharing server answered " + what + " without a Delta-Table-Version header"));
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new DataFormatException("the Delta-Table-Version header of " + what + " is not a number: " + v);
      }
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
