package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Retrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The library's one HTTP client layer, on the JDK {@link HttpClient}: every client of a remote HTTP service
 * (Salesforce's REST side and its JWT login, the Delta Sharing server, its storage and OAuth token endpoint, the
 * upload client, the transport under Azure's Key Vault and identity clients) builds its {@link HttpClient} with {@link
 * #newClient} (HTTP/1.1 only, redirects never followed by the JDK), its requests with {@link #request} (the request
 * timeout and one {@code User-Agent: delpha-data-sdk/<version>}), sends them with {@link #send} (the credential and
 * address checks of {@link Peers} first; a connection failure or interrupt is a {@link ServiceUnavailableException}
 * naming the service, never the URL's query or a header), follows the redirects it may follow with {@link
 * #sendFollowingRedirects} (each hop through {@link #send}), maps an error answer with {@link #failure} (the type from
 * {@link HttpStatus#exceptionFor}, the server's {@code Retry-After} kept) and retries with {@link #retrying}, the
 * shared {@link Retrier} honouring {@code Retry-After}. Components word the messages and decide what is idempotent;
 * nothing else about HTTP is decided outside this class and {@link HttpStatus}.
 *
 * <pre>{@code
 * HttpCaller upload = new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(10), Redirect.NEVER, null),
 *     "the upload server", Duration.ofMinutes(2), Retrier.of(RetryPolicy.defaults()));
 * JsonNode constraints = upload.retrying("GET constraints", HttpCaller.TRANSIENT, attempt -> {
 *   HttpResponse<String> r = upload.send("GET constraints", upload.request(uri).GET().build(), BodyHandlers.ofString());
 *   if (r.statusCode() != 200) throw HttpCaller.failure(r, "the upload server answered " + r.statusCode());
 *   return parse(r.body());
 * });
 * }</pre>
 *
 * <p>Thread-safe: it holds only immutable settings and the thread-safe {@link HttpClient}.
 */
public final class HttpCaller {

  /** The {@code User-Agent} of every request the library sends: {@code delpha-data-sdk/<version>}. */
  public static final String USER_AGENT = "delpha-data-sdk/" + Capability.version("delpha-data-sdk");

  /** The connect timeout of clients built without one. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Failures worth another attempt: the service was unreachable, failed (5xx) or throttled (429), and the
   * thread was not interrupted.
   */
  public static final Predicate<RuntimeException> TRANSIENT =
      e -> e instanceof ServiceUnavailableException && !Thread.currentThread().isInterrupted();

  /**
   * Failures worth another attempt of a request that is not idempotent: the service answered 429 or 503 with a
   * {@code Retry-After}, so it refused the request before acting on it.
   */
  public static final Predicate<RuntimeException> ASKED_TO_RETRY =
      e -> TRANSIENT.test(e) && ((ServiceUnavailableException) e).retryAfter().isPresent();

  /** The longest chain of redirects {@link #sendFollowingRedirects} follows, as the JDK's client does. */
  public static final int MAX_REDIRECTS = 5;

  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  /** An error body is read for its message only: 30 s in all, so a trickled one costs bounded time. */
  private static final ResponseLimits DRAIN_LIMITS = ResponseLimits.builder()
      .bodyTimeout(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(15)).build();

  private final HttpClient client;
  private final String service;
  private final Duration requestTimeout;
  private final Retrier retrier;
  private final boolean credentialsOverPlainHttp;
  private final boolean linkLocalAddresses;

  /**
   * @param client a client from {@link #newClient}
   * @param service the service, as messages name it (e.g. {@code "Salesforce"}, {@code "the upload server"})
   * @param requestTimeout how long one request waits for the answer's headers
   * @param retrier the retries of transient failures
   */
  public HttpCaller(HttpClient client, String service, Duration requestTimeout, Retrier retrier) {
    this(client, service, requestTimeout, retrier, false);
  }

  /**
   * @param client a client from {@link #newClient}
   * @param service the service, as messages name it (e.g. {@code "Salesforce"}, {@code "the upload server"})
   * @param requestTimeout how long one request waits for the answer's headers
   * @param retrier the retries of transient failures
   * @param credentialsOverPlainHttp {@link io.delpha.sdk.core.ResponseLimits#credentialsOverPlainHttp()}: whether a
   *     request carrying a credential may go over plain http to a host that is not loopback (else it is refused
   *     before it is sent)
   */
  public HttpCaller(HttpClient client, String service, Duration requestTimeout, Retrier retrier,
      boolean credentialsOverPlainHttp) {
    this(client, service, requestTimeout, retrier, credentialsOverPlainHttp, false);
  }

  /**
   * @param client a client from {@link #newClient}
   * @param service the service, as messages name it (e.g. {@code "Salesforce"}, {@code "the upload server"})
   * @param requestTimeout how long one request waits for the answer's headers
   * @param retrier the retries of transient failures
   * @param limits the client's limits: {@link ResponseLimits#credentialsOverPlainHttp()} (a request carrying a
   *     credential over plain http off loopback is refused before it is sent unless it says so) and {@link
   *     ResponseLimits#linkLocalAddresses()} (a request to a link-local or metadata address is refused before it is
   *     sent unless it says so)
   */
  public HttpCaller(HttpClient client, String service, Duration requestTimeout, Retrier retrier,
      ResponseLimits limits) {
    this(client, service, requestTimeout, retrier, limits.credentialsOverPlainHttp(), limits.linkLocalAddresses());
  }

  private HttpCaller(HttpClient client, String service, Duration requestTimeout, Retrier retrier,
      boolean credentialsOverPlainHttp, boolean linkLocalAddresses) {
    this.linkLocalAddresses = linkLocalAddresses;
    this.client = Objects.requireNonNull(client, "client");
    this.service = Objects.requireNonNull(service, "service");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.retrier = Objects.requireNonNull(retrier, "retrier");
    this.credentialsOverPlainHttp = credentialsOverPlainHttp;
  }

  /**
   * The one way the library builds a JDK client. It speaks HTTP/1.1 only, over TLS as over plain http: the JDK's
   * HTTP/2 reads frames (PING, SETTINGS, WINDOW_UPDATE, empty DATA) that carry no body and so escape every {@link
   * ResponseLimits} bound, and a peer flooding them fills the heap; over plain http the client would even offer
   * {@code h2c} with an {@code Upgrade} header any peer may accept. Over TLS, ALPN would hand the same frames to the
   * same code, so the pin is everywhere, not only on plain http: the library's clients send one request at a time per
   * exchange and lose nothing HTTP/2 would give them but multiplexing.
   *
   * @param connectTimeout the TCP (and TLS) connect timeout
   * @param redirects whether the JDK follows redirects: {@code NEVER}, always (a redirect that may be followed is
   *     followed by {@link #sendFollowingRedirects}, hop by hop, each hop's address checked); the parameter stays
   *     for callers that name it
   * @param tls the TLS context, {@code null} for the JDK's default trust
   * @return a new client
   */
  public static HttpClient newClient(Duration connectTimeout, HttpClient.Redirect redirects, @Nullable SSLContext tls) {
    if (Objects.requireNonNull(redirects, "redirects") != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the JDK follows redirects without the library's address check: use "
          + "Redirect.NEVER and HttpCaller.sendFollowingRedirects");
    }
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  /** @return the client */
  public HttpClient client() {
    return client;
  }

  /** @return the retrier */
  public Retrier retrier() {
    return retrier;
  }

  /**
   * @param uri where the request goes
   * @return a request builder with this caller's timeout and the library's {@code User-Agent}
   */
  public HttpRequest.Builder request(URI uri) {
    return request(uri, requestTimeout);
  }

  /**
   * @param uri where the request goes
   * @return a request builder with the library's {@code User-Agent} and no timeout, for a body that takes as long
   *     as it takes to send (the JDK counts sending the body in a request's timeout); the connect timeout still
   *     applies, and {@link #sendUpload} bounds the wait for the answer after the body
   */
  public HttpRequest.Builder upload(URI uri) {
    return HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT);
  }

  /**
   * @param uri where the request goes
   * @param timeout how long the request waits for the answer's headers
   * @return a request builder with that timeout and the library's {@code User-Agent}
   */
  public static HttpRequest.Builder request(URI uri, Duration timeout) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
  }

  /**
   * One exchange, whatever its status.
   *
   * @param what what the caller is doing, for the message (never a secret: no token, no signed URL)
   * @param request the request
   * @param handler how the body is read
   * @param <T> the body type
   * @return the answer
   * @throws ServiceUnavailableException if the service cannot be reached or stops answering, or the thread is
   *     interrupted (its interrupt status kept)
   * @throws io.delpha.sdk.core.ResponseLimitException ({@code credentialsOverPlainHttp}) if the request carries a
   *     credential over plain http off loopback and this caller does not allow it, or ({@code linkLocalAddresses}) if
   *     its host resolves to a link-local or metadata address and this caller does not allow it; nothing is sent
   */
  public <T> HttpResponse<T> send(String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Peers.check(request, credentialsOverPlainHttp, what);
    Peers.checkAddress(request.uri(), linkLocalAddresses, what);
    try {
      return client.send(request, handler);
    } catch (IOException | UncheckedIOException e) {
      throw unreachable(what, request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(what + ": interrupted while waiting for " + service, e);
    }
  }

  /**
   * One exchange whose body may take long to send (a file): the request, from {@link #upload}, has no timeout (the
   * JDK would count the sending in it), but the answer's headers must come within this caller's request timeout of
   * the body's last byte, or of the request's start for an answer that comes before the body is sent; else the
   * exchange is cancelled. So a peer that takes the body and never answers costs bounded time.
   *
   * @param what what the caller is doing, for the message (never a secret)
   * @param request the request, from {@link #upload}, without its method
   * @param method the method, e.g. {@code "PUT"}
   * @param body the body
   * @param handler how the answer's body is read
   * @param <T> the body type
   * @return the answer
   * @throws ServiceUnavailableException if the service cannot be reached, stops answering, sends no answer within the
   *     request timeout of the body's end, or the thread is interrupted (its interrupt status kept)
   */
  public <T> HttpResponse<T> sendUpload(String what, HttpRequest.Builder request, String method,
      HttpRequest.BodyPublisher body, HttpResponse.BodyHandler<T> handler) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    HttpRequest r = request.method(method, whenSent(body, sent)).build();
    Peers.check(r, credentialsOverPlainHttp, what);
    Peers.checkAddress(r.uri(), linkLocalAddresses, what);
    CompletableFuture<HttpResponse<T>> answer = client.sendAsync(r, handler);
    try {
      CompletableFuture.anyOf(sent, answer).handle((done, failed) -> null).get();
      return answer.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new ServiceUnavailableException(what + ": " + service + " at " + hostOf(r.uri()) + " sent no answer within "
          + requestTimeout + " of the request's last byte", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        throw unreachable(what, r, (Exception) cause);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new ServiceUnavailableException(what + ": " + service + " failed (" + cause + ")", cause);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(what + ": interrupted while waiting for " + service, e);
    }
  }

  /**
   * One exchange whose redirects are followed, by this method and not by the JDK, so that every hop goes through
   * {@link #send} (the credential and address checks) before anything is sent to it: for a request without a body
   * and without credentials of ours (a presigned storage URL), whose redirects carry nothing a peer could steal. A
   * redirect is followed as the JDK's {@code Redirect.NORMAL} would: at most {@value #MAX_REDIRECTS} in a chain,
   * never from {@code https} to {@code http}, never to another scheme; {@code 303} becomes a {@code GET}. A redirect
   * that is not followed is returned as it is, for the caller's message; the bodies of those followed are drained.
   *
   * @param what what the caller is doing, for the message (never a secret)
   * @param request the request, without a body
   * @return the answer of the last hop, its body a stream
   * @throws io.delpha.sdk.core.ResponseLimitException if a hop breaks {@link #send}'s checks; nothing was sent to it
   * @throws IllegalArgumentException if the request carries an {@code Authorization}, {@code Cookie} or {@code
   *     Proxy-Authorization} header (a redirect could take it to another host)
   */
  public HttpResponse<InputStream> sendFollowingRedirects(String what, HttpRequest request) {
    for (String credential : new String[] {"Authorization", "Cookie", "Proxy-Authorization"}) {
      if (request.headers().firstValue(credential).isPresent()) {
        throw new IllegalArgumentException("a request with an " + credential + " header never follows a redirect");
      }
    }
    HttpRequest hop = request;
    for (int hops = 0; ; hops++) {
      HttpResponse<InputStream> response = send(hops == 0 ? what : what + " (redirect " + hops + ")", hop,
          HttpResponse.BodyHandlers.ofInputStream());
      if (!Redirects.isRedirect(response.statusCode()) || hops == MAX_REDIRECTS) {
        return response;
      }
      URI target = Redirects.location(response);
      String from = hop.uri().getScheme().toLowerCase(java.util.Locale.ROOT);
      String to = target == null || target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (target == null || target.getHost() == null || !(to.equals("https") || to.equals("http") && from.equals("http"))) {
        return response;
      }
      drain(response.body());
      HttpRequest.Builder next = HttpRequest.newBuilder(hop, (name, value) -> true).uri(target);
      if (response.statusCode() == 303) {
        next.GET();
      }
      hop = next.build();
    }
  }

  private ServiceUnavailableException unreachable(String what, HttpRequest request, Exception e) {
    return new ServiceUnavailableException(what + ": cannot reach " + service + " at " + hostOf(request.uri())
        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Peers.echo(e.getMessage()))
        + ")", e); // the JDK's message may quote what the peer sent (a malformed header's value)
  }

  /** The body, completing {@code sent} once its last byte is handed to the connection. */
  private static HttpRequest.BodyPublisher whenSent(HttpRequest.BodyPublisher body, CompletableFuture<Void> sent) {
    return observed(body, n -> { }, () -> sent.complete(null));
  }

  /**
   * A body that tells what the connection takes of it: the one wrapper of a request body (an upload's progress, the
   * end of a body before its answer is awaited).
   *
   * @param body the body
   * @param bytes told the size of each buffer once it is handed to the connection
   * @param done run once the body's last byte is handed to the connection
   * @return the same body, observed
   */
  public static HttpRequest.BodyPublisher observed(HttpRequest.BodyPublisher body, LongConsumer bytes,
      Runnable done) {
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            int n = item.remaining();
            downstream.onNext(item);
            bytes.accept(n);
          }

          @Override
          public void onError(Throwable error) {
            downstream.onError(error);
          }

          @Override
          public void onComplete() {
            downstream.onComplete();
            done.run();
          }
        });
      }
    };
  }

  /**
   * Runs {@code attempt} under this caller's retrier: failures that {@code retryable} accepts are tried again
   * after the policy's delay, or after the server's {@code Retry-After} when the failure carries one (never
   * longer than the policy's longest delay); the last failure is thrown as it is.
   *
   * @param what what is attempted, for the log
   * @param retryable which failures are worth another attempt, usually {@link #TRANSIENT}
   * @param attempt one attempt, given its number
   * @param <T> the result type
   * @return the first successful attempt's result
   */
  public <T> T retrying(String what, Predicate<? super RuntimeException> retryable, IntFunction<T> attempt) {
    return retrier.call(what, attempt, retryable, Retrier.RETHROW);
  }

  /**
   * @param response an error answer
   * @param message what to say, with the component's context (never a secret)
   * @return the typed exception for its status ({@link HttpStatus#exceptionFor}), carrying its {@code Retry-After}
   */
  public static DelphaException failure(HttpResponse<?> response, String message) {
    return failure(response.statusCode(), withoutCredentials(response.request(), message), response.headers());
  }

  /**
   * What a server says is quoted in messages (its error codes tell the caller what to fix), but a hostile or
   * careless server may echo the request's credentials: this blanks them.
   *
   * @param request the request that was answered
   * @param text text the answer carries (an error body, a message built from it)
   * @return the text without the request's {@code Authorization} credential, nor the password of its Basic
   *     credentials
   */
  public static String withoutCredentials(HttpRequest request, String text) {
    String result = text;
    for (String value : request.headers().allValues("Authorization")) {
      int space = value.indexOf(' ');
      String credential = space < 0 ? value : value.substring(space + 1).trim();
      if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
        try {
          String decoded = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
          int colon = decoded.indexOf(':');
          if (colon >= 0 && colon < decoded.length() - 1) {
            result = result.replace(decoded.substring(colon + 1), "***");
          }
        } catch (IllegalArgumentException notBase64) {
          // nothing else to blank
        }
      }
      if (!credential.isEmpty()) {
        result = result.replace(credential, "***");
      }
    }
    return result;
  }

  /**
   * @param status the answer's status
   * @param message what to say, with the component's context (never a secret)
   * @param headers the answer's headers
   * @return the typed exception for the status, carrying the {@code Retry-After} of a 429 or 5xx
   */
  public static DelphaException failure(int status, String message, HttpHeaders headers) {
    return HttpStatus.exceptionFor(status, message, retryAfter(headers).orElse(null));
  }

  /**
   * Reads the start of an error answer's body and closes it.
   *
   * @param body the body
   * @return its first 64 KiB as UTF-8, empty if it cannot be read or takes longer than 30 s to arrive
   */
  public static String drain(InputStream body) {
    try (InputStream in = BoundedBody.whole(body, "an error answer", DRAIN_LIMITS)) {
      return new String(in.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * @param headers an answer's headers
   * @return its {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 10.2.3), empty when absent or
   *     unreadable; a date in the past is zero
   */
  public static Optional<Duration> retryAfter(HttpHeaders headers) {
    return headers.firstValue("Retry-After").flatMap(v -> parseRetryAfter(v, Clock.systemUTC()));
  }

  /**
   * @param value a {@code Retry-After} value
   * @param clock the clock an HTTP-date is measured from
   * @return the delay it asks for, empty when it is neither delay-seconds nor an HTTP-date
   */
  public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
    String v = value.trim();
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return v.length() > 9 ? Optional.of(Duration.ofSeconds(999_999_999L)) : Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * @param e a failure
   * @return whether it is a rate limit the service gave no time for (a quota), which another attempt soon will
   *     not lift
   */
  public static boolean isQuota(RuntimeException e) {
    return e instanceof RateLimitedException limited && limited.retryAfter().isEmpty();
  }

  private static String hostOf(URI uri) {
    return uri.getPort() < 0 ? String.valueOf(uri.getHost()) : uri.getHost() + ":" + uri.getPort();
  }
}
