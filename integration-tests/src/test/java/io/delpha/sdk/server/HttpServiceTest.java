package io.delpha.sdk.server;

import static io.delpha.sdk.metrics.MeterChecks.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The public server seam as a host uses it: its own routes on loopback, called with the JDK's {@link HttpClient},
 * timed into the host's {@link Metrics}, with the answers the service gives by itself and its closed contract.
 */
class HttpServiceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIMER = "delpha.http.server.requests";

  private final HttpClient http = HttpClient.newHttpClient();

  /** The host's own routes: a greeting by path parameter and query, an echo of the body, and a refusal. */
  private static List<HttpService.Route> hostRoutes(AtomicInteger echoed) {
    return List.of(
        new HttpService.Route("GET", "/greetings/{name}", ex -> {
          String punctuation = ex.query("punctuation");
          ex.respond(200, Map.of("greeting", "hello " + ex.param("name") + (punctuation == null ? "" : punctuation),
              "method", ex.method(), "client", String.valueOf(ex.header("X-Client"))));
        }),
        new HttpService.Route("POST", "/echo", ex -> {
          byte[] body = ex.body().readAllBytes();
          echoed.incrementAndGet();
          ex.setHeader("X-Echoed", String.valueOf(body.length));
          ex.respond(200, "text/plain; charset=utf-8", body);
        }),
        new HttpService.Route("GET", "/items/{id}", ex -> {
          throw new AccessDeniedException("item " + ex.param("id") + " belongs to another organisation");
        }),
        new HttpService.Route("PUT", "/items/{id}", ex -> {
          ex.authenticated();
          throw new ConflictException("item " + ex.param("id") + " changed meanwhile");
        }));
  }

  private HttpResponse<String> get(URI uri, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri.resolve(path)).header("X-Client", "host-test").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a host's route answers on loopback, path parameters decoded, and each request is timed into the "
      + "host's Metrics by route and status class")
  void hostRouteAnswersAndIsTimed() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger echoed = new AtomicInteger();
    URI uri;
    try (HttpService service = HttpService.start("host-status", ServerOptions.on(new InetSocketAddress("127.0.0.1", 0)),
        hostRoutes(echoed), Metrics.micrometer(registry))) {
      uri = service.uri();
      assertThat(uri.getScheme()).isEqualTo("http");
      assertThat(uri.getHost()).isEqualTo("127.0.0.1");
      assertThat(uri.getPort()).isPositive();

      HttpResponse<String> r = get(uri, "greetings/J%C3%BCrgen%20M?punctuation=%21");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("greeting").asText()).isEqualTo("hello Jürgen M!");
      assertThat(body.path("method").asText()).isEqualTo("GET");
      assertThat(body.path("client").asText()).isEqualTo("host-test");

      HttpResponse<String> echo = http.send(HttpRequest.newBuilder(uri.resolve("echo"))
          .POST(HttpRequest.BodyPublishers.ofString("twelve bytes")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(echo.statusCode()).isEqualTo(200);
      assertThat(echo.body()).isEqualTo("twelve bytes");
      assertThat(echo.headers().firstValue("X-Echoed")).hasValue("12");

      HttpResponse<String> refused = get(uri, "items/42");
      assertThat(refused.statusCode()).isEqualTo(403);
      JsonNode forbidden = JSON.readTree(refused.body());
      assertThat(forbidden.path("error").asText()).isEqualTo("forbidden");
      assertThat(forbidden.path("message").asText()).as("a generic text before authentication").isEqualTo("forbidden");
      HttpResponse<String> conflict = http.send(HttpRequest.newBuilder(uri.resolve("items/42"))
          .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(JSON.readTree(conflict.body()).path("message").asText()).as("the message once authenticated")
          .isEqualTo("item 42 changed meanwhile");

      HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri.resolve("echo")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    }
    // close() returns once the service's threads are done, so every request was recorded by now
    assertThat(timed(registry, TIMER, "service", "host-status", "method", "GET", "route", "/greetings/{name}",
        "status", "2xx")).isEqualTo(1);
    assertThat(timed(registry, TIMER, "service", "host-status", "method", "POST", "route", "/echo", "status", "2xx"))
        .isEqualTo(1);
    assertThat(timed(registry, TIMER, "service", "host-status", "route", "/items/{id}", "status", "4xx")).isEqualTo(2);
    assertThat(timed(registry, TIMER, "service", "host-status", "route", "unmatched", "status", "4xx")).isEqualTo(1);
    assertThat(registry.find(TIMER).timers()).allSatisfy(t -> assertThat(t.getId().getTag("route"))
        .doesNotContain("Jürgen").doesNotContain("42"));
    assertThat(echoed).hasValue(1);
  }

  @Test
  @DisplayName("a path no route matches is 404 not_found, timed as unmatched")
  void unknownPathIs404() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (HttpService service = HttpService.start("host-status", ServerOptions.builder().build(),
        hostRoutes(new AtomicInteger()), Metrics.micrometer(registry))) {
      for (String path : List.of("nothing-here", "greetings", "greetings/a/b", "echo/extra")) {
        HttpResponse<String> r = get(service.uri(), path);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.path("error").asText()).as(path).isEqualTo("not_found");
        assertThat(error.path("message").asText()).as(path).isEqualTo("no such endpoint");
      }
    }
    assertThat(timed(registry, TIMER, "service", "host-status", "method", "GET", "route", "unmatched",
        "status", "4xx")).isEqualTo(4);
  }

  @Test
  @DisplayName("a body over the limit is refused 413 too_large, declared or chunked, and never reaches the handler "
      + "whole")
  void bodyOverTheLimitIs413() throws Exception {
    AtomicInteger echoed = new AtomicInteger();
    ServerOptions options = ServerOptions.builder().maxBodyBytes(1024).build();
    try (HttpService service = HttpService.start("host-status", options, hostRoutes(echoed), Metrics.none())) {
      byte[] big = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
      HttpResponse<String> declared = http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(declared.statusCode()).isEqualTo(413);
      JsonNode error = JSON.readTree(declared.body());
      assertThat(error.path("error").asText()).isEqualTo("too_large");
      assertThat(error.path("message").asText()).contains("1024");

      // no Content-Length: the body arrives chunked and is cut while streaming
      HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(chunked.statusCode()).isEqualTo(413);
      assertThat(JSON.readTree(chunked.body()).path("error").asText()).isEqualTo("too_large");

      HttpResponse<String> atTheLimit = http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(atTheLimit.statusCode()).isEqualTo(200);
      assertThat(atTheLimit.body()).hasSize(1024);
    }
    assertThat(echoed).as("only the body within the limit was echoed").hasValue(1);
  }

  @Test
  @DisplayName("a client still sending a refused body reads the 413, never a reset connection, request after request")
  void aRefusedBodyIsAnsweredNotReset() throws Exception {
    AtomicInteger echoed = new AtomicInteger();
    ServerOptions options = ServerOptions.builder().maxBodyBytes(1024).build();
    try (HttpService service = HttpService.start("host-status", options, hostRoutes(echoed), Metrics.none())) {
      byte[] big = "y".repeat(256 * 1024).getBytes(StandardCharsets.US_ASCII);
      // closing with the body unread reset one connection in 30-50 here: 40 rounds of both kinds catch it
      for (int round = 0; round < 40; round++) {
        HttpResponse<String> declared = http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(declared.statusCode()).as("declared, round %d", round).isEqualTo(413);
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as("chunked, round %d", round).isEqualTo(413);
      }
    }
    assertThat(echoed).as("no refused body reached the handler").hasValue(0);
  }

  @Test
  @DisplayName("a refused body is discarded within a budget: a client that keeps sending, or stalls, has its "
      + "connection closed after the 413")
  void aRefusedBodyIsDrainedWithinABudget() throws Exception {
    AtomicInteger echoed = new AtomicInteger();
    // an idle timeout far beyond the sockets' own: a close seen here is the drain's, not the idle timeout's
    ServerOptions options = ServerOptions.builder().maxBodyBytes(1024).idleTimeout(Duration.ofMinutes(10)).build();
    try (HttpService service = HttpService.start("host-status", options, hostRoutes(echoed), Metrics.none())) {
      String head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n";
      // a flood: the server answers, discards up to its budget, then closes; the sender sees the close
      try (java.net.Socket flood = new java.net.Socket("127.0.0.1", service.uri().getPort())) {
        flood.setSoTimeout(30_000);
        var answer = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> {
          try {
            answer.complete(new String(flood.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
          } catch (IOException e) {
            answer.complete(e.toString());
          }
        });
        reader.start();
        var out = flood.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        byte[] block = new byte[64 * 1024];
        long sent = 0;
        IOException closed = null;
        try {
          while (sent < 256L * 1024 * 1024) {
            out.write(block);
            sent += block.length;
          }
        } catch (IOException e) {
          closed = e;
        }
        reader.join();
        assertThat(answer.get()).isEqualTo("HTTP/1.1 413");
        assertThat(closed).as("the server closed the flood's connection").isNotNull();
        assertThat(sent).as("bytes sent before the close: the budget plus the sockets' buffers")
            .isLessThan(64L * 1024 * 1024);
      }
      // a stall: a few bytes, then nothing; the server answers, waits out its budget of time, then closes
      try (java.net.Socket stall = new java.net.Socket("127.0.0.1", service.uri().getPort())) {
        stall.setSoTimeout(30_000);
        stall.getOutputStream().write((head + "0123456789").getBytes(StandardCharsets.US_ASCII));
        byte[] all = stall.getInputStream().readAllBytes(); // ends at the server's close, not at the idle timeout
        assertThat(new String(all, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 413").contains("too_large");
      }
      // the service still answers
      assertThat(http.send(HttpRequest.newBuilder(service.uri().resolve("echo"))
          .POST(HttpRequest.BodyPublishers.ofString("ok")).build(), HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("ok");
    }
    assertThat(echoed).as("only the last, small body reached the handler").hasValue(1);
  }

  @Test
  @DisplayName("refused clients that stall hold no server thread: more of them than threads, and the service still "
      + "answers at once")
  void stalledRefusedClientsHoldNoThread() throws Exception {
    AtomicInteger echoed = new AtomicInteger();
    ServerOptions options = ServerOptions.builder().maxBodyBytes(1024).threads(8).idleTimeout(Duration.ofMinutes(10))
        .build();
    List<java.net.Socket> stalled = new java.util.ArrayList<>();
    try (HttpService service = HttpService.start("stall-host", options, hostRoutes(echoed), Metrics.none())) {
      String head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\nabc";
      for (int i = 0; i < 12; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", service.uri().getPort());
        stalled.add(s);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).as("client %d", i)
            .isEqualTo("HTTP/1.1 413");
      }
      // every refused client is still within the time its body may take; no thread is parked for one of them
      // meanwhile: parked inside a request before a GET's round trip and still after it (a thread that has written
      // an answer the client read may be caught on its way out by one look, not by both)
      java.util.Set<String> parkedBefore = parkedInside("stall-host");
      assertThat(get(service.uri(), "greetings/ann").statusCode()).isEqualTo(200);
      java.util.Set<String> held = new java.util.TreeSet<>(parkedInside("stall-host"));
      held.retainAll(parkedBefore);
      assertThat(held).as("service threads parked inside a request").isEmpty();
      for (java.net.Socket s : stalled) {
        // the body's time runs out: the rest of the answer, then the close (the idle timeout is 10 minutes)
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).contains("too_large");
      }
    } finally {
      for (java.net.Socket s : stalled) {
        s.close();
      }
    }
    assertThat(echoed).hasValue(0);
  }

  /** The names of a service's threads parked (their top frame a wait) with a frame of the server package below. */
  private static java.util.Set<String> parkedInside(String service) {
    java.util.Set<String> parked = new java.util.TreeSet<>();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      boolean waiting = stack.length > 0
          && java.util.Set.of("park", "wait", "wait0", "sleep", "sleep0").contains(stack[0].getMethodName());
      boolean inServer = java.util.Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("io.delpha.sdk.server"));
      if (thread.getName().startsWith(service) && waiting && inServer) {
        parked.add(thread.getName());
      }
    });
    return parked;
  }

  @Test
  @DisplayName("a host's handler answers its own status, code and headers with HttpException, and can catch the "
      + "body limit by its type")
  void hostAnswersItsOwnErrors() throws Exception {
    List<HttpService.Route> routes = List.of(
        new HttpService.Route("GET", "/reports/{id}", ex -> {
          ex.authenticated();
          throw new HttpException(451, "withheld", "report " + ex.param("id") + " is under a legal hold",
              Map.of("Retry-After", "3600"));
        }),
        new HttpService.Route("GET", "/drafts/{id}", ex -> {
          throw new HttpException(451, "withheld", "draft " + ex.param("id") + " is under a legal hold");
        }),
        new HttpService.Route("POST", "/sizes", ex -> {
          try {
            ex.respond(200, Map.of("bytes", ex.body(16).readAllBytes().length));
          } catch (HttpException e) {
            ex.respond(200, Map.of("refused", e.status(), "code", e.code()));
          }
        }));
    try (HttpService service = HttpService.start("host-status", ServerOptions.builder().build(), routes,
        Metrics.none())) {
      HttpResponse<String> held = get(service.uri(), "reports/7");
      assertThat(held.statusCode()).isEqualTo(451);
      assertThat(held.headers().firstValue("Retry-After")).hasValue("3600");
      JsonNode error = JSON.readTree(held.body());
      assertThat(error.path("error").asText()).isEqualTo("withheld");
      assertThat(error.path("message").asText()).isEqualTo("report 7 is under a legal hold");

      // before authenticated(): the status and code, never the handler's words
      HttpResponse<String> anonymous = get(service.uri(), "drafts/8");
      assertThat(anonymous.statusCode()).isEqualTo(451);
      assertThat(anonymous.body()).doesNotContain("draft 8").contains("withheld");

      HttpResponse<String> big = http.send(HttpRequest.newBuilder(service.uri().resolve("sizes"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[17])).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(big.body()).path("refused").asInt()).isEqualTo(413);
      assertThat(JSON.readTree(big.body()).path("code").asText()).isEqualTo("too_large");
    }
    assertThatThrownBy(() -> new HttpException(302, "moved", "not an error"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new HttpException(400, "bad_request", "x")).isInstanceOf(io.delpha.sdk.core.DelphaException.class)
        .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
  }

  @Test
  @DisplayName("after close() the port no longer answers, every method throws ClosedException, and close is "
      + "idempotent")
  void closedServiceRefusesEverything() throws Exception {
    HttpService service = HttpService.start("host-status", ServerOptions.builder().build(),
        hostRoutes(new AtomicInteger()), Metrics.none());
    URI uri = service.uri();
    assertThat(get(uri, "greetings/before").statusCode()).isEqualTo(200);
    assertThat(service.passwordCheck(() -> "checked")).isEqualTo("checked");

    service.close();
    service.close();

    HttpClient fresh = HttpClient.newHttpClient(); // no pooled connection from before the close
    assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(uri.resolve("greetings/after")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    assertThatThrownBy(service::uri).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> service.passwordCheck(() -> "checked")).isInstanceOf(ClosedException.class);
    assertThat(service.toString()).contains("closed");
  }

  @Test
  @DisplayName("a route is checked when made: no null part, a method and a pattern from the root")
  void routesAreChecked() {
    HttpService.RouteHandler ok = ex -> ex.respond(204, "text/plain", new byte[0]);
    assertThat(new HttpService.Route("GET", "/a/{b}", ok).pattern()).isEqualTo("/a/{b}");
    assertThatThrownBy(() -> new HttpService.Route("GET", "a/{b}", ok)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new HttpService.Route(" ", "/a", ok)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new HttpService.Route("GET", "/a", null)).isInstanceOf(NullPointerException.class);
  }
}
