package io.delpha.sdk.server.internal;

import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.core.internal.http.HttpError;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.server.ServerTls;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one embedded HTTP server foundation of the library's services, on Jetty: routes with {@code
 * {name}} path parameters, JSON answers and errors, limits ({@link ServerOptions}: connections, idle
 * timeout, header and body sizes, threads, concurrent password checks), HTTPS from PEM or PKCS#12, and
 * start/stop.
 *
 * <p>Errors are {@code {"error": code, "message": text}}. Until a handler calls {@link
 * Exchange#authenticated()}, error answers carry a generic text per status only, never the library's
 * messages; an unexpected failure is a 500 without detail (logged). Malformed percent-encoding is a 400.
 *
 * <p>Every request is timed into {@code delpha.http.server.requests} with the service's name, the method (one of
 * the routes' or a standard one, else {@code OTHER}), the route pattern ({@code unmatched} when none matched) and
 * the status class ({@code 2xx}...; {@code aborted} when the client went away): bounded values only, never a path.
 */
public final class HttpService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  /** Handles a matched request. */
  @FunctionalInterface
  public interface RouteHandler {
    /**
     * @param exchange the request and its answer
     * @throws IOException when the client goes away
     */
    void handle(Exchange exchange) throws IOException;
  }

  /**
   * @param method the HTTP method
   * @param pattern the path, segments literal or {@code {name}}
   * @param handler what answers
   */
  public record Route(String method, String pattern, RouteHandler handler) {}

  private final String name;
  private final ServerOptions options;
  private final Server server;
  private final ServerConnector connector;
  private final List<Route> routes;
  private final Semaphore passwordChecks;
  private final Recorder metrics;
  private final Set<String> knownMethods = new HashSet<>(STANDARD_METHODS);

  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private HttpService(String name, ServerOptions options, List<Route> routes, Recorder metrics) {
    this.name = name;
    this.options = options;
    this.routes = List.copyOf(routes);
    this.metrics = metrics;
    routes.forEach(r -> knownMethods.add(r.method()));
    this.passwordChecks = new Semaphore(options.maxConcurrentPasswordChecks(), true);
    QueuedThreadPool threads = new QueuedThreadPool(options.threads(), Math.min(2, options.threads()));
    threads.setName(name);
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(options.maxHeaderBytes());
    http.setResponseHeaderSize(8 * 1024);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setUriCompliance(UriCompliance.DEFAULT);
    if (options.secure()) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // certificates for IP addresses carry no host name to match
      http.addCustomizer(secure);
      ServerTls tls = Objects.requireNonNull(options.tls(), "a secure server has TLS settings");
      connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(sslFactory(tls), "http/1.1"),
          new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(options.address().getHostString());
    connector.setPort(options.address().getPort());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
    server.setHandler(new Dispatcher());
    server.setStopTimeout(2000);
  }

  /**
   * Starts listening.
   *
   * @param name the service's name (threads, logs)
   * @param options address, TLS and limits
   * @param routes the routes
   * @param metrics where requests are timed
   * @return the running service
   * @throws ServiceUnavailableException when the address cannot be bound
   * @throws TlsException when the key material cannot be read
   */
  public static HttpService start(String name, ServerOptions options, List<Route> routes, Recorder metrics) {
    HttpService s = new HttpService(name, options, routes, metrics);
    try {
      s.server.start();
    } catch (TlsException e) {
      s.close();
      throw e;
    } catch (Exception e) {
      s.close();
      throw new ServiceUnavailableException("cannot listen on " + Endpoints.format(options.address()) + ": "
          + e.getMessage(), e);
    }
    LOG.info("{} listening on {}", name, s.uri());
    return s;
  }

  /** @return the base URI, e.g. {@code https://127.0.0.1:41234/} */
  public URI uri() {
    return URI.create((options.secure() ? "https" : "http") + "://" + options.address().getHostString() + ":"
        + connector.getLocalPort() + "/");
  }

  /**
   * Runs a password verification within the bound on concurrent checks, so a flood of bad credentials
   * queues instead of taking every core.
   *
   * @param check the verification
   * @param <T> its result
   * @return its result
   */
  public <T> T passwordCheck(Supplier<T> check) {
    passwordChecks.acquireUninterruptibly();
    try {
      return check.get();
    } finally {
      passwordChecks.release();
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("{} stopped with {}", name, e.toString());
    }
  }

  private static SslContextFactory.Server sslFactory(ServerTls tls) {
    SslContextFactory.Server f = new SslContextFactory.Server();
    if (tls.pkcs12() != null) {
      if (!Files.isReadable(tls.pkcs12())) {
        throw new TlsException("PKCS#12 file " + tls.pkcs12() + " does not exist or is not readable");
      }
      f.setKeyStorePath(tls.pkcs12().toString());
      f.setKeyStoreType("PKCS12");
      f.setKeyStorePassword(Objects.requireNonNull(tls.pkcs12Password(), "ServerTls pairs a PKCS#12 file with its password")
          .reveal());
    } else {
      f.setSslContext(pemContext(tls));
    }
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return f;
  }

  private static SSLContext pemContext(ServerTls tls) {
    Path chain = Objects.requireNonNull(tls.certificateChainPem(), "ServerTls without PKCS#12 has a PEM chain");
    Path key = Objects.requireNonNull(tls.privateKeyPem(), "ServerTls without PKCS#12 has a PEM key");
    for (var p : List.of(chain, key)) {
      if (!Files.isReadable(p)) {
        throw new TlsException("TLS file " + p + " does not exist or is not readable");
      }
    }
    try {
      var ctx = SslContextBuilder.forServer(chain.toFile(), key.toFile())
          .sslProvider(SslProvider.JDK).build();
      return ((JdkSslContext) ctx).context();
    } catch (Exception e) {
      // never the key's content: name the files only
      throw new TlsException("could not load the server certificate " + tls.certificateChainPem() + " and key "
          + tls.privateKeyPem() + ": " + e.getClass().getSimpleName(), null);
    }
  }

  /** Routes a request, answers errors, and never lets an exception escape without an answer. */
  private final class Dispatcher extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      long start = System.nanoTime();
      String route = "unmatched";
      String status = null;
      try {
        route = dispatch(request, response, callback);
      } catch (ClientGone e) {
        route = e.route;
        status = "aborted";
      } finally {
        String method = knownMethods.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        metrics.time(Meter.HTTP_SERVER_REQUESTS, System.nanoTime() - start, "service", name, "method", method,
            "route", route, "status", status != null ? status : statusClass(response.getStatus()));
      }
      return true;
    }

    /** @return the pattern of the route that matched, or {@code unmatched} */
    private String dispatch(Request request, Response response, Callback callback) throws ClientGone {
      Exchange ex = null;
      String matched = "unmatched";
      try {
        List<String> segments = segments(request.getHttpURI().getPath());
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
          Map<String, String> params = match(route.pattern(), segments);
          if (params == null) {
            continue;
          }
          if (!route.method().equals(request.getMethod())) {
            allowed.add(route.method());
            continue;
          }
          matched = route.pattern();
          ex = new Exchange(request, response, params, options.maxBodyBytes());
          route.handler().handle(ex);
          if (!ex.answered()) {
            throw new IllegalStateException("route " + route.pattern() + " did not answer");
          }
          callback.succeeded();
          return matched;
        }
        if (!allowed.isEmpty()) {
          throw new HttpError(405, "method_not_allowed", "use " + String.join(" or ", allowed),
              Map.of("Allow", String.join(", ", allowed)));
        }
        throw new HttpError(404, "not_found", "no such endpoint");
      } catch (HttpError e) {
        answerError(request, response, callback, ex, e);
      } catch (DelphaException e) {
        answerError(request, response, callback, ex, HttpStatus.errorOf(e));
      } catch (IOException e) {
        LOG.debug("{}: client went away: {}", name, e.toString());
        callback.failed(e);
        throw new ClientGone(matched);
      } catch (RuntimeException e) {
        LOG.warn("{}: {} {} failed", name, request.getMethod(), request.getHttpURI().getPath(), e);
        answerError(request, response, callback, ex, new HttpError(500, "internal", "the request failed"));
      }
      return matched;
    }

    private void answerError(Request request, Response response, Callback callback, @Nullable Exchange ex, HttpError e) {
      if (ex != null && ex.answered()) {
        callback.failed(e);
        return;
      }
      boolean detailed = ex != null && ex.isAuthenticated() || e.status() == 404 || e.status() == 405
          || e.status() == 400 && ex == null;
      String message = detailed || e.status() == 413 ? e.getMessage() : HttpStatus.genericText(e.status());
      try {
        response.getHeaders().clear();
        e.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        Exchange answer = ex != null ? ex : new Exchange(request, response, Map.of(), 0);
        answer.respond(e.status(), Exchange.JSON.createObjectNode().put("error", e.code()).put("message", message));
        callback.succeeded();
      } catch (IOException | RuntimeException failed) {
        callback.failed(failed);
      }
    }
  }

  private static String statusClass(int status) {
    return status >= 100 && status < 600 ? status / 100 + "xx" : "aborted";
  }

  /** The client went away mid-request; carries the route that matched, for the metrics. */
  private static final class ClientGone extends Exception {
    final String route;

    ClientGone(String route) {
      super(null, null, false, false);
      this.route = route;
    }
  }

  /** Splits a raw path and percent-decodes each segment strictly (a 400 for malformed escapes). */
  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (s.isEmpty()) {
        continue;
      }
      try {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "bad_request", "malformed percent-encoding in the path");
      }
    }
    return out;
  }

  private static @Nullable Map<String, String> match(String pattern, List<String> segments) {
    String[] parts = pattern.replaceAll("^/+|/+$", "").split("/");
    if (parts.length != segments.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
        params.put(parts[i].substring(1, parts[i].length() - 1), segments.get(i));
      } else if (!parts[i].equals(segments.get(i))) {
        return null;
      }
    }
    return params;
  }
}
