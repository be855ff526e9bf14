package io.delpha.sdk.server;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.MissingDependencyException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.metrics.Recorder;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The library's one embedded HTTP server, a public seam: the ingest upload endpoint and the usage-analytics service
 * run on it, and a host may serve its own routes on it the same way. Routes match a method and a path whose segments
 * are literal or {@code {name}} parameters; handlers answer JSON or any bytes through an {@link Exchange}. Limits,
 * the address and HTTPS (PEM or PKCS#12) come from {@link ServerOptions}: connections, idle timeout, header and body
 * sizes, threads, the header deadline and the least body rate, connections per client address, and the bounds and
 * back-off of password checks ({@link #passwordCheck(Exchange, String, Supplier)}). Runs on Jetty, an optional
 * stack (the {@code http-server} capability, docs/dependencies.md).
 *
 * <pre>{@code
 * try (HttpService http = HttpService.start("host-status", ServerOptions.on(new InetSocketAddress("127.0.0.1", 0)),
 *     List.of(new HttpService.Route("GET", "/items/{id}", ex -> ex.respond(200, Map.of("id", ex.param("id"))))),
 *     metrics)) {
 *   URI base = http.uri();     // e.g. http://127.0.0.1:41234/
 * }
 * }</pre>
 *
 * <p>Answers the service gives by itself, each with a JSON body {@code {"error": code, "message": text}}: {@code 404
 * not_found} for a path no route matches, {@code 405 method_not_allowed} (with {@code Allow}) for a path matched with
 * another method, {@code 400 bad_request} for malformed percent-encoding, {@code 413 too_large} for a body over its
 * limit ({@link Exchange#body(long)}), {@code 500 internal} without detail (and logged) when a handler fails
 * unexpectedly or returns without answering. A handler may refuse by throwing one of the library's exceptions: {@code
 * AuthenticationException} is answered 401, {@code AccessDeniedException} 403, {@code NotFoundException} 404, {@code
 * ConflictException} 409, {@code InvalidInputException} and {@code DataFormatException} 422, {@code
 * RateLimitedException} 429, {@code ServiceUnavailableException} 503 (with a generic message), any other {@code
 * DelphaException} 500; or by throwing an {@link HttpException} to answer its own status, code and headers. Until a
 * handler calls {@link Exchange#authenticated()}, error answers carry a generic text
 * per status only, never the exception's message (but for 404, 405, 413 and a 400 before a route matched).
 *
 * <p>Once a request is answered, what is left of its body (a handler that refused before reading it, a body cut at
 * its limit) is read and discarded, without holding a thread, up to 1 MiB and for at most 2 seconds: a client still
 * sending then reads the answer rather than a reset connection. Past either bound the connection is closed.
 *
 * <p>Slow and flooding clients are bounded by {@link ServerOptions}: a connection whose request line and headers take
 * longer than {@link ServerOptions#headerTimeout()} is closed unanswered; one client address holds at most {@link
 * ServerOptions#maxConnectionsPerAddress()} connections; a body that falls below {@link
 * ServerOptions#minRequestDataRate()} is answered {@code 408 too_slow} and its connection closed. A handler that
 * receives its body with {@link Exchange#receiveBody} holds no thread while the client sends (one reading {@link
 * Exchange#body()} holds its thread until the body ends or falls below the rate). Password checks ({@link
 * #passwordCheck(Exchange, String, Supplier)}) are refused {@code 429 too_many_attempts} with {@code Retry-After}
 * when too many wait or when the client backs off.
 *
 * <p>Every request is timed into the timer {@code delpha.http.server.requests} of the {@link Metrics} given, tagged
 * with the service's name ({@code service}), the method ({@code method}: a route's or a standard one, else {@code
 * OTHER}), the route pattern ({@code route}; {@code unmatched} when none matched) and the status class ({@code
 * status}: {@code 2xx}...; {@code aborted} when the client went away): bounded values only, never a path
 * (docs/metrics.md).
 *
 * <p>Thread-safe. {@link #close()} stops listening; it is idempotent, and afterwards every method throws {@link
 * ClosedException}.
 */
public final class HttpService implements AutoCloseable {

  /** Answers a matched request. */
  @FunctionalInterface
  public interface RouteHandler {
    /**
     * Answers the request, once, through the exchange (or throws; see {@link HttpService} for the answers to the
     * library's exceptions). Called on one of the service's threads; handlers of many requests run at once.
     *
     * @param exchange the request and its answer, valid during this call only
     * @throws IOException when the client goes away; the request is then counted {@code aborted}
     */
    void handle(Exchange exchange) throws IOException;
  }

  /**
   * One route: a method and a path pattern, and what answers them. Immutable. Routes are tried in the order given;
   * the first whose pattern and method match answers.
   *
   * @param method the HTTP method, e.g. {@code GET}; matched exactly (case-sensitive)
   * @param pattern the path, e.g. {@code /items/{id}}: segments separated by {@code /}, each literal or a {@code
   *     {name}} parameter that matches one whole, non-empty segment ({@link Exchange#param(String)} gives it
   *     percent-decoded); leading and trailing {@code /} are ignored, as are empty segments of the request's path
   * @param handler what answers
   */
  public record Route(String method, String pattern, RouteHandler handler) {
    /**
     * @throws NullPointerException for a null component
     * @throws InvalidInputException for a blank method or a pattern that does not start with {@code /}
     */
    public Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(handler, "handler");
      if (method.isBlank()) {
        throw new InvalidInputException("a route's method is not blank");
      }
      if (!pattern.startsWith("/")) {
        throw new InvalidInputException("a route's pattern starts with /: " + pattern);
      }
    }
  }

  private final JettyServer jetty;
  private final PasswordGate passwordChecks;
  private final ClosedGuard guard;

  private HttpService(JettyServer jetty, ServerOptions options, String name) {
    this.jetty = jetty;
    this.passwordChecks = new PasswordGate(options);
    this.guard = new ClosedGuard("this HttpService (" + name + ")");
  }

  /**
   * Starts listening, at once: the routes are served when this returns.
   *
   * @param name the service's name: its threads' names, its log lines and the {@code service} tag of its metrics (a
   *     fixed name, e.g. {@code host-status}, never a value of a request)
   * @param options the address, TLS and limits
   * @param routes the routes, tried in this order
   * @param metrics where requests are timed ({@link Metrics#none()} for nowhere)
   * @return the running service; the caller closes it
   * @throws MissingDependencyException when Jetty (the {@code http-server} capability) is not on the class path
   * @throws ServiceUnavailableException when the address cannot be bound
   * @throws TlsException when the key material cannot be read
   */
  public static HttpService start(String name, ServerOptions options, List<Route> routes, Metrics metrics) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    List<Route> copy = List.copyOf(Objects.requireNonNull(routes, "routes"));
    Objects.requireNonNull(metrics, "metrics");
    Capability.require("HttpService", "http-server");
    return new HttpService(JettyServer.start(name, options, copy, Recorder.of(metrics)), options, name);
  }

  /**
   * @return the base URI, e.g. {@code https://127.0.0.1:41234/} ({@code http} without TLS), with the port actually
   *     bound (the one chosen for port 0)
   * @throws ClosedException after {@link #close()}
   */
  public URI uri() {
    guard.check();
    return jetty.uri();
  }

  /**
   * Runs a password verification within the bounds on concurrent and waiting checks ({@link
   * ServerOptions#maxConcurrentPasswordChecks()}, {@link ServerOptions#maxQueuedPasswordChecks()}), so a flood of bad
   * credentials neither takes every core nor holds every thread. Waits, uninterruptibly, for a turn when one is free in
   * the queue; no back-off (it knows no client: prefer {@link #passwordCheck(Exchange, String, Supplier)}).
   *
   * @param check the verification
   * @param <T> its result
   * @return its result
   * @throws HttpException {@code 429 too_many_attempts} with {@code Retry-After} when the queue is full (a handler lets
   *     it propagate: the service answers it)
   * @throws ClosedException after {@link #close()}
   * @throws RuntimeException what the check throws, unchanged
   */
  public <T> T passwordCheck(Supplier<T> check) {
    guard.check();
    Objects.requireNonNull(check, "check");
    return passwordChecks.check(null, null, check);
  }

  /**
   * Runs a password verification of a request's credentials within the bounds of {@link #passwordCheck(Supplier)},
   * and with a back-off per client address and per account: a check that throws {@code AuthenticationException} or
   * {@code AccessDeniedException} is a failure; past {@link ServerOptions#passwordFailuresAllowed()} failures from one
   * address, that address's checks are refused for a wait that doubles with each further failure, up to {@link
   * ServerOptions#passwordBackoffLimit()}, without any password work. Past as many failures for one account, the
   * account's checks are refused the same way, but only to addresses that have failed lately themselves: a client from
   * a clean address is still checked, so a flood in a customer's name from elsewhere costs the flooder, and cannot lock
   * the customer out. A success forgets the account's failures (not the address's: a valid login does not buy more
   * guesses). Client addresses are the connections' (an IPv6 address by its /64), never a forwarding header a client
   * could write; behind a proxy every client shares the proxy's.
   *
   * @param exchange the request whose credentials are checked
   * @param account the account they name (a customer's id, a key's id), or {@code null} when they name none; a
   *     client's text, held bounded (its first 128 characters)
   * @param check the verification
   * @param <T> its result
   * @return its result
   * @throws HttpException {@code 429 too_many_attempts} with {@code Retry-After}: backing off, or the queue is full
   * @throws ClosedException after {@link #close()}
   * @throws RuntimeException what the check throws, unchanged
   */
  public <T> T passwordCheck(Exchange exchange, @Nullable String account, Supplier<T> check) {
    guard.check();
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(check, "check");
    String key = account == null || account.length() <= 128 ? account : account.substring(0, 128);
    return passwordChecks.check(exchange.clientAddress(), key, check);
  }

  /**
   * Stops listening: once this returns, the port accepts no connection, and requests in flight were given up to two
   * seconds to finish. Idempotent; afterwards every method throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (guard.close()) {
      jetty.close();
    }
  }

  @Override
  public String toString() {
    return guard.toString();
  }
}
