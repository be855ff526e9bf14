package io.delpha.sdk.server;

import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
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
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty side of {@link HttpService}: the connector, TLS, limits, dispatch, error answers and request metrics.
 * Package-private and reached only through {@link HttpService#start}, after the {@code http-server} capability's
 * check, so that {@link HttpService} and {@link Exchange} link without Jetty on the class path.
 */
final class JettyServer {

  // logged under the public class's name, the one a host configures
  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  private final String name;
  private final ServerOptions options;
  private final Server server;
  private final ServerConnector connector;
  private final List<HttpService.Route> routes;
  private final Recorder metrics;
  private final Set<String> knownMethods = new HashSet<>(STANDARD_METHODS);
  private final ConnectionGuard guard;
  private final BodyRate rate;

  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private JettyServer(String name, ServerOptions options, List<HttpService.Route> routes, Recorder metrics) {
    this.name = name;
    this.options = options;
    this.routes = List.copyOf(routes);
    this.metrics = metrics;
    this.guard = new ConnectionGuard(options);
    this.rate = new BodyRate(options.minRequestDataRate(), options.headerTimeout());
    routes.forEach(r -> knownMethods.add(r.method()));
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
    connector.addBean(guard);
    server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
    server.setHandler(new Dispatcher());
    server.setStopTimeout(2000);
  }

  /**
   * @return the running server
   * @throws ServiceUnavailableException when the address cannot be bound
   * @throws TlsException when the key material cannot be read
   */
  static JettyServer start(String name, ServerOptions options, List<HttpService.Route> routes, Recorder metrics) {
    JettyServer s = new JettyServer(name, options, routes, metrics);
    try {
      s.server.start();
      s.guard.start(s.connector.getScheduler());
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
  URI uri() {
    return URI.create((options.secure() ? "https" : "http") + "://" + options.address().getHostString() + ":"
        + connector.getLocalPort() + "/");
  }

  /** Stops the server: the port no longer accepts connections once this returns. */
  void close() {
    guard.stop();
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

  /** One request the service handles: its Jetty objects, when it began, the route that matched and its exchange. */
  private static final class Call {
    final Request request;
    final Response response;
    final Callback callback;
    final long start = System.nanoTime();
    String route = "unmatched";
    @Nullable Exchange exchange;

    Call(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }
  }

  /** Routes a request, answers errors, and never lets an exception escape without an answer. */
  private final class Dispatcher extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      guard.handling(request);
      serve(new Call(request, response, callback), null);
      return true;
    }
  }

  /**
   * Runs the handler of a call's route ({@code next == null}) or the continuation after its body arrived, answers what
   * either throws, and times the call, unless the handler asked to receive a body first: a {@link Receiver} then
   * reads it without a thread and serves the continuation through here.
   */
  private void serve(Call call, HttpService.@Nullable RouteHandler next) {
    String status = null;
    try {
      HttpService.RouteHandler handler = next != null ? next : route(call);
      Exchange ex = Objects.requireNonNull(call.exchange, "a routed call has an exchange");
      handler.handle(ex);
      Exchange.Receive receive = ex.takeReceive();
      if (receive != null) {
        if (ex.answered()) {
          throw new IllegalStateException("route " + call.route + " answered and asked to receive the body");
        }
        new Receiver(call, receive).start();
        return; // timed when the continuation or the body's failure ends the call
      }
      if (!ex.answered()) {
        throw new IllegalStateException("route " + call.route + " did not answer");
      }
      Drain.complete(call.request, call.callback);
    } catch (HttpException e) {
      if (e.pauseMillis() > 0) { // answered later, by a pool thread; nothing holds a thread meanwhile
        connector.getScheduler().schedule(() -> server.getThreadPool().execute(() -> {
          answerError(call, e);
          record(call, null);
        }), e.pauseMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      answerError(call, e);
    } catch (DelphaException e) {
      answerError(call, HttpException.of(e));
    } catch (IOException e) {
      LOG.debug("{}: client went away: {}", name, e.toString());
      call.callback.failed(e);
      status = "aborted";
    } catch (RuntimeException e) {
      LOG.warn("{}: {} {} failed", name, call.request.getMethod(), call.request.getHttpURI().getPath(), e);
      answerError(call, new HttpException(500, "internal", "the request failed"));
    }
    record(call, status);
  }

  /** @return the handler of the route that matches the call, its exchange made @throws HttpException 400, 404, 405 */
  private HttpService.RouteHandler route(Call call) {
    List<String> segments = segments(call.request.getHttpURI().getPath());
    Set<String> allowed = new LinkedHashSet<>();
    for (HttpService.Route route : routes) {
      Map<String, String> params = match(route.pattern(), segments);
      if (params == null) {
        continue;
      }
      if (!route.method().equals(call.request.getMethod())) {
        allowed.add(route.method());
        continue;
      }
      call.route = route.pattern();
      call.exchange = new Exchange(new JettyWire(call.request, call.response, rate), params, options.maxBodyBytes());
      return route.handler();
    }
    if (!allowed.isEmpty()) {
      throw new HttpException(405, "method_not_allowed", "use " + String.join(" or ", allowed),
          Map.of("Allow", String.join(", ", allowed)));
    }
    throw new HttpException(404, "not_found", "no such endpoint");
  }

  private void record(Call call, @Nullable String status) {
    String method = knownMethods.contains(call.request.getMethod()) ? call.request.getMethod() : "OTHER";
    metrics.time(Meter.HTTP_SERVER_REQUESTS, System.nanoTime() - call.start, "service", name, "method", method,
        "route", call.route, "status", status != null ? status : statusClass(call.response.getStatus()));
  }

  private void answerError(Call call, HttpException e) {
    Exchange ex = call.exchange;
    if (ex != null && ex.answered()) {
      call.callback.failed(e);
      return;
    }
    boolean detailed = ex != null && ex.isAuthenticated() || e.status() == 404 || e.status() == 405
        || e.status() == 400 && ex == null;
    String message = detailed || e.status() == 413 || e.status() == 408 ? e.getMessage()
        : HttpStatus.genericText(e.status());
    try {
      call.response.getHeaders().clear();
      e.headers().forEach((k, v) -> call.response.getHeaders().put(k, v));
      Exchange answer = ex != null ? ex : new Exchange(new JettyWire(call.request, call.response, rate), Map.of(), 0);
      answer.respond(e.status(), Exchange.JSON.createObjectNode().put("error", e.code()).put("message", message));
      Drain.complete(call.request, call.callback);
    } catch (IOException | RuntimeException failed) {
      call.callback.failed(failed);
    }
  }

  /**
   * Receives a body into a file as its bytes arrive, holding no thread between them: reads what Jetty has, then
   * demands a call back for more ({@link Request#demand}). Cut at the limit (413), failed below the least rate (408),
   * ended without an answer when the client fails the read (gone, idle); once the body is whole, runs the
   * continuation on the thread Jetty called back on (one of the service's).
   */
  private final class Receiver implements Runnable {
    private final Call call;
    private final Exchange.Receive receive;
    private final BodyRate.Clock clock;
    private @Nullable FileChannel out;
    private long bytes;

    Receiver(Call call, Exchange.Receive receive) {
      this.call = call;
      this.receive = receive;
      this.clock = rate.start();
    }

    void start() {
      try {
        out = FileChannel.open(receive.file(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
      } catch (IOException e) {
        end(new HttpException(500, "internal", "the request failed"), e);
        return;
      }
      run();
    }

    @Override
    public void run() {
      FileChannel file = Objects.requireNonNull(out, "opened at the start");
      try {
        while (true) {
          Content.Chunk chunk = call.request.read();
          if (chunk == null) {
            call.request.demand(this);
            return;
          }
          if (Content.Chunk.isFailure(chunk)) {
            closeQuietly(file);
            LOG.debug("{}: a body ended with {}", name, String.valueOf(chunk.getFailure()));
            call.callback.failed(chunk.getFailure());
            record(call, "aborted");
            return;
          }
          boolean last = chunk.isLast();
          try {
            ByteBuffer b = chunk.getByteBuffer();
            bytes += b.remaining();
            if (bytes > receive.limit()) {
              throw new HttpException(413, "too_large", "the body exceeds the limit of " + receive.limit() + " bytes");
            }
            while (b.hasRemaining()) {
              file.write(b);
            }
          } finally {
            chunk.release();
          }
          clock.check(bytes);
          if (last) {
            file.close();
            serve(call, receive.then());
            return;
          }
        }
      } catch (HttpException e) {
        closeQuietly(file);
        end(e, null);
      } catch (IOException | RuntimeException e) {
        closeQuietly(file);
        end(new HttpException(500, "internal", "the request failed"), e);
      }
    }

    private void end(HttpException answer, @Nullable Exception cause) {
      if (cause != null) {
        LOG.warn("{}: {} {}: cannot receive the body", name, call.request.getMethod(),
            call.request.getHttpURI().getPath(), cause);
      }
      answerError(call, answer);
      record(call, null);
    }
  }

  private static void closeQuietly(FileChannel file) {
    try {
      file.close();
    } catch (IOException e) {
      LOG.debug("closing a received body's file failed: {}", e.toString());
    }
  }

  /**
   * Completes an answered request once what is left of its body has been read and discarded: a client still sending
   * (a body refused 413, an upload refused 401) then reads the answer, not a connection reset by a close with its
   * bytes unread. Reads without blocking, so that a refused client holds no thread while it sends or stalls; bounded:
   * past {@link #DRAIN_BYTES} or {@link #DRAIN_TIME_NANOS}, the request completes with its body unread and Jetty
   * closes the connection.
   */
  private static final class Drain implements Runnable {
    private final Request request;
    private final Callback callback;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Scheduler.@Nullable Task timeout;
    private long left = DRAIN_BYTES;

    private Drain(Request request, Callback callback) {
      this.request = request;
      this.callback = callback;
    }

    static void complete(Request request, Callback callback) {
      new Drain(request, callback).run();
    }

    @Override
    public void run() {
      try {
        while (!done.get()) {
          Content.Chunk chunk = request.read();
          if (chunk == null) {
            if (timeout == null) {
              timeout = request.getComponents().getScheduler().schedule(this::finish, DRAIN_TIME_NANOS,
                  TimeUnit.NANOSECONDS);
            }
            request.demand(this);
            return;
          }
          boolean end = Content.Chunk.isFailure(chunk) || chunk.isLast();
          left -= chunk.remaining();
          chunk.release();
          if (end || left < 0) {
            finish();
          }
        }
      } catch (RuntimeException e) {
        LOG.debug("discarding a request's body ended with {}", e.toString());
        finish();
      }
    }

    private void finish() {
      if (done.compareAndSet(false, true)) {
        Scheduler.Task t = timeout;
        if (t != null) {
          t.cancel();
        }
        callback.succeeded();
      }
    }
  }

  /** The most of an answered request's unread body a {@link Drain} discards. */
  private static final long DRAIN_BYTES = 1024 * 1024;

  /** The longest a {@link Drain} waits for the rest of an answered request's body. */
  private static final long DRAIN_TIME_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** A Jetty request and response, as an {@link Exchange} uses them. */
  private static final class JettyWire implements Exchange.Wire {
    private final Request request;
    private final Response response;
    private final BodyRate rate;

    JettyWire(Request request, Response response, BodyRate rate) {
      this.request = request;
      this.response = response;
      this.rate = rate;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String rawPath() {
      return request.getHttpURI().getPath();
    }

    @Override
    public @Nullable String query(String name) {
      try {
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Fields.Field f = fields.get(name);
        return f == null ? null : f.getValue();
      } catch (RuntimeException e) {
        throw new HttpException(400, "bad_request", "malformed query string");
      }
    }

    @Override
    public @Nullable String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public long declaredLength() {
      return request.getLength();
    }

    @Override
    public InputStream body() {
      return rate.watch(Content.Source.asInputStream(request));
    }

    @Override
    public @Nullable SocketAddress remoteAddress() {
      return request.getConnectionMetaData().getRemoteSocketAddress();
    }

    @Override
    public void onComplete(Runnable action) {
      Request.addCompletionListener(request, failure -> {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.warn("an exchange's completion action failed", e);
        }
      });
    }

    @Override
    public void setHeader(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public void write(int status, String contentType, byte[] bytes) throws IOException {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
    }
  }

  private static String statusClass(int status) {
    return status >= 100 && status < 600 ? status / 100 + "xx" : "aborted";
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
        throw new HttpException(400, "bad_request", "malformed percent-encoding in the path");
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
