package io.delpha.sdk.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.CoreUtils;
import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.http.Redirects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Azure SDK's transport for Key Vault and the identity endpoint, on the JDK client the library builds ({@link
 * HttpCaller#newClient}, redirects never followed) instead of Azure's {@code JdkHttpClient}, which reads an answer
 * whole into memory with no bound on its size and no deadline on the whole (its read timeout is per read). Here:
 * <ul>
 *   <li>a request whose host resolves to a link-local or cloud metadata address (the vault's or the authority's
 *       host, however spelt) is a {@link ResponseLimitException} ({@code linkLocalAddresses}) before it is sent,
 *       unless the limits allow it; the one exception is the managed identity endpoint itself (Azure's instance
 *       metadata service's token path, or the origin the platform names in {@code IDENTITY_ENDPOINT}, {@code
 *       MSI_ENDPOINT} or {@code IMDS_ENDPOINT}), which {@code DefaultAzureCredential} asks: reaching it is what that
 *       credential is for, and the host, not a peer, names it;</li>
 *   <li>every answer's body is read under the {@link ResponseLimits} ({@code maxBodyBytes}, {@code bodyTimeout},
 *       {@code idleTimeout}) before the SDK sees it; a breach is a {@link ResponseLimitException};</li>
 *   <li>a redirect (301, 302, 303, 307, 308) is a {@link DataFormatException} naming the status and where it
 *       pointed: it was not followed, so the token or the client secret went nowhere else;</li>
 *   <li>the two answers the Azure SDK is known to misread are checked first, parsed under the limits' depth and
 *       string length: a token answer ({@code 200} to a path ending in {@code /token}) must be a flat JSON object
 *       (MSAL 1.26's {@code JsonHelper.convertJsonToMap} never returns from {@code {"x":[{"y":1}]}} or arrays nested
 *       10 deep), and a secret ({@code 200} to {@code GET .../secrets/...}) must be an object whose {@code value},
 *       {@code id}, {@code contentType} and {@code kid} are strings, {@code attributes} an object and {@code tags}
 *       an object of strings ({@code azure-security-keyvault-secrets} 4.11's {@code SecretBundle.fromJson} never
 *       returns from tags such as {@code {"a":[1,2]}}); anything else is a {@link DataFormatException}.</li>
 * </ul>
 * These failures are the caller's to see, not the SDK's to retry: the pipelines' retry condition must leave them
 * alone ({@link #retryable}). The wait for an answer's headers is bounded by the request timeout given.
 *
 * <p>A connection failure is an {@link UncheckedIOException}, as Azure's own transport throws it, so the SDK's
 * retries and the provider's error mapping see what they saw before. Requests carry the library's {@code
 * User-Agent} as {@link AzureUserAgent} set it. Thread-safe.
 */
public final class BoundedAzureTransport implements HttpClient {


  /** Azure's default retry decisions, asked for everything {@link #retryable} does not decide itself. */
  private static final RetryStrategy AZURE_DEFAULTS = new ExponentialBackoff();

  /** A token answer's lifetimes in seconds, which MSAL adds to the clock without a check. */
  private static final List<String> TOKEN_LIFETIMES = List.of("expires_in", "ext_expires_in", "refresh_in");

  /**
   * The longest lifetime a token answer may state: Microsoft Entra ID issues tokens for hours (at most about 28 with
   * continuous access evaluation); a year is beyond any, and far from the clock's overflow.
   */
  static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(366);

  /** A managed identity's token answer: when the token expires, in seconds since the epoch (or a date, on App Service). */
  private static final String EXPIRES_ON = "expires_on";

  /** Headers the JDK client sets itself and refuses from a caller. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final java.net.http.HttpClient client;
  private final Duration requestTimeout;
  private final ResponseLimits limits;

  /**
   * @param client a client from {@link HttpCaller#newClient}, never following redirects
   * @param requestTimeout how long a request waits for its answer's headers
   * @param limits the bounds on every answer's body
   */
  public BoundedAzureTransport(java.net.http.HttpClient client, Duration requestTimeout, ResponseLimits limits) {
    this.client = Objects.requireNonNull(client, "client");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The environment variables by which an Azure platform names its managed identity endpoint to the process. */
  private static final List<String> IDENTITY_ENDPOINT_VARIABLES = List.of("IDENTITY_ENDPOINT", "MSI_ENDPOINT",
      "IMDS_ENDPOINT");

  private static boolean isManagedIdentityEndpoint(URI uri) {
    return isManagedIdentityEndpoint(uri, System.getenv());
  }

  /**
   * @param uri where a request goes
   * @param env the process's environment
   * @return whether it is the managed identity endpoint the identity library asks: Azure's instance metadata service
   *     ({@code http://169.254.169.254/metadata/identity/oauth2/token}, by its literal address and path), or the
   *     origin the platform itself names in {@code IDENTITY_ENDPOINT}, {@code MSI_ENDPOINT} or {@code IMDS_ENDPOINT}
   *     (App Service and Functions on Linux put theirs on a link-local address); both come from the host, never from
   *     a peer
   */
  static boolean isManagedIdentityEndpoint(URI uri, Map<String, String> env) {
    if ("http".equalsIgnoreCase(uri.getScheme()) && "169.254.169.254".equals(uri.getHost()) && uri.getPort() < 0
        && "/metadata/identity/oauth2/token".equals(uri.getRawPath())) {
      return true;
    }
    for (String variable : IDENTITY_ENDPOINT_VARIABLES) {
      String named = env.get(variable);
      if (named == null || named.isBlank()) {
        continue;
      }
      try {
        URI endpoint = new URI(named.trim());
        if (endpoint.getHost() != null && endpoint.getHost().equalsIgnoreCase(uri.getHost())
            && String.valueOf(endpoint.getScheme()).equalsIgnoreCase(uri.getScheme())
            && endpoint.getPort() == uri.getPort()) {
          return true;
        }
      } catch (java.net.URISyntaxException e) {
        // not a URL: names no endpoint
      }
    }
    return false;
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return send(request, Context.NONE);
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return Mono.fromCallable(() -> sendSync(request, context)).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    URI uri = URI.create(request.getUrl().toString());
    String what = request.getHttpMethod() + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    if (!isManagedIdentityEndpoint(uri)) {
      Peers.checkAddress(uri, limits.linkLocalAddresses(), what);
    }
    java.net.http.HttpResponse<InputStream> response;
    try {
      response = client.send(jdkRequest(request, uri), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(what + ": interrupted while waiting for the answer", e);
    }
    byte[] body;
    try (InputStream in = BoundedBody.whole(response.body(), what, limits)) {
      body = in.readAllBytes();
    } catch (IOException e) {
      ResponseLimitException limit = BoundedBody.limitOf(e);
      if (limit != null) {
        throw limit;
      }
      throw new UncheckedIOException(e);
    }
    int status = response.statusCode();
    if (Redirects.isRedirect(status)) {
      throw redirected(what, response);
    }
    if (status == 200) {
      refuseWhatTheSdkMisreads(request, uri, body, what);
    }
    HttpHeaders headers = new HttpHeaders();
    response.headers().map().forEach((name, values) -> {
      if (!name.startsWith(":")) {
        headers.set(HttpHeaderName.fromString(name), values);
      }
    });
    return new Buffered(request, status, headers, body);
  }

  /**
   * The retry condition of the Key Vault and identity pipelines: Azure's own ({@link RetryStrategy#shouldRetry} for
   * an answer, any {@code Exception} for a failure), except a {@link DataFormatException} anywhere in a failure's
   * causes: a limit broken, a redirect, an answer refused here; the same peer would answer the same way.
   *
   * @param condition the answer or failure of one try
   * @return whether to try again
   */
  public static boolean retryable(RequestRetryCondition condition) {
    Throwable failure = condition.getThrowable();
    if (failure == null) {
      return condition.getResponse() != null && AZURE_DEFAULTS.shouldRetry(condition.getResponse());
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataFormatException) {
        return false;
      }
    }
    return AZURE_DEFAULTS.shouldRetryException(failure);
  }

  private static DataFormatException redirected(String what, java.net.http.HttpResponse<?> response) {
    String target = Redirects.target(response);
    return new DataFormatException(what + " was answered with HTTP " + response.statusCode() + " redirecting to "
        + target + "; redirects are not followed, so no credential was sent there");
  }

  private void refuseWhatTheSdkMisreads(HttpRequest request, URI uri, byte[] body, String what) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    boolean token = path.endsWith("/token");
    boolean secret = request.getHttpMethod() == HttpMethod.GET && path.contains("/secrets/");
    if (!token && !secret) {
      return;
    }
    JsonNode answer = BoundedBody.parseJson(new String(body, StandardCharsets.UTF_8), what, limits);
    if (!answer.isObject()) {
      throw new DataFormatException(what + ": the answer is not a JSON object");
    }
    if (token) {
      answer.fields().forEachRemaining(field -> {
        if (field.getValue().isContainerNode()) {
          throw new DataFormatException(what + ": the token answer's field '" + printable(field.getKey())
              + "' is not a string or a number; refused before the identity library reads it");
        }
      });
      for (String lifetime : TOKEN_LIFETIMES) {
        if (answer.hasNonNull(lifetime)) { // the identity library adds it to the clock unchecked
          PeerNumbers.jsonLong(answer.get(lifetime), 0, MAX_TOKEN_LIFETIME.toSeconds(),
              what + ": the token answer's " + lifetime);
        }
      }
      JsonNode expiresOn = answer.get(EXPIRES_ON);
      if (expiresOn != null && (expiresOn.isNumber() || expiresOn.isTextual() && isAsciiDigits(expiresOn.asText()))) {
        // a managed identity's instant, in epoch seconds, which the identity library parses as a long unchecked; the
        // other spelling App Service has used ("11/27/2026 10:00:00 AM +00:00") is the library's to read
        PeerNumbers.jsonLong(expiresOn, 0, Instant.now().plus(MAX_TOKEN_LIFETIME).getEpochSecond(),
            what + ": the token answer's " + EXPIRES_ON);
      }
      return;
    }
    for (String text : List.of("value", "id", "contentType", "kid")) {
      JsonNode v = answer.get(text);
      if (v != null && !v.isNull() && !v.isTextual()) {
        throw new DataFormatException(what + ": Key Vault's secret has a '" + text + "' that is not a string");
      }
    }
    JsonNode attributes = answer.get("attributes");
    if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
      throw new DataFormatException(what + ": Key Vault's secret has 'attributes' that are not an object");
    }
    JsonNode tags = answer.get("tags");
    if (tags != null && !tags.isNull()) {
      boolean strings = tags.isObject();
      for (JsonNode v : tags) {
        strings &= v.isTextual() || v.isNull();
      }
      if (!strings) {
        throw new DataFormatException(what + ": Key Vault's secret has 'tags' that are not an object of strings; "
            + "refused before the Azure SDK reads it");
      }
    }
  }

  private static boolean isAsciiDigits(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        return ch == '-' && i == 0 && text.length() > 1; // a negative number is refused by the range, not let through
      }
    }
    return true;
  }

  /** A field name from the peer, quoted in a message: printable ASCII, at most 64 characters. */
  private static String printable(String text) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return shown.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private java.net.http.HttpRequest jdkRequest(HttpRequest request, URI uri) {
    java.net.http.HttpRequest.Builder b = HttpCaller.request(uri, requestTimeout);
    for (HttpHeader h : request.getHeaders()) {
      if (RESTRICTED.contains(h.getName().toLowerCase(Locale.ROOT))) {
        continue;
      }
      List<String> values = h.getValuesList();
      for (int i = 0; i < values.size(); i++) {
        if (i == 0) {
          b.setHeader(h.getName(), values.get(i));
        } else {
          b.header(h.getName(), values.get(i));
        }
      }
    }
    BinaryData body = request.getBodyAsBinaryData();
    return b.method(request.getHttpMethod().toString(), body == null
        ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toBytes())).build();
  }

  /** An answer read whole, within the limits. */
  private static final class Buffered extends HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    Buffered(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
      super(request);
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
      return headers.getValue(HttpHeaderName.fromString(name));
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public Flux<ByteBuffer> getBody() {
      return body.length == 0 ? Flux.empty() : Flux.defer(() -> Flux.just(ByteBuffer.wrap(body).asReadOnlyBuffer()));
    }

    @Override
    public BinaryData getBodyAsBinaryData() {
      return BinaryData.fromBytes(body);
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
      return body.length == 0 ? Mono.empty() : Mono.just(body);
    }

    @Override
    public Mono<String> getBodyAsString() {
      return Mono.fromSupplier(() -> CoreUtils.bomAwareToString(body, headers.getValue(HttpHeaderName.CONTENT_TYPE)));
    }

    @Override
    public Mono<String> getBodyAsString(Charset charset) {
      return Mono.fromSupplier(() -> new String(body, charset));
    }

    @Override
    public HttpResponse buffer() {
      return this;
    }
  }
}
