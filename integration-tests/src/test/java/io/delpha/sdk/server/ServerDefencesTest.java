package io.delpha.sdk.server;

import static io.delpha.sdk.testing.HostileClients.basic;
import static io.delpha.sdk.testing.HostileClients.header;
import static io.delpha.sdk.testing.HostileClients.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.testing.HostileClients;
import io.delpha.sdk.testing.HostileClients.Attack;
import io.delpha.sdk.testing.ServerSupport;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.spec.KeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's defences against slow and flooding clients, on a host's own routes: the header deadline, the cap per
 * client address, the body read that holds no thread, the least body rate, and the bounded, backed-off password
 * checks. Attackers come from loopback addresses of their own (127.0.0.2 and up), the legitimate client from
 * 127.0.0.1. Judged by structure: who was answered, what was closed, which threads are parked, what landed on disk.
 */
class ServerDefencesTest {

  @TempDir Path dir;

  /** A login with a PBKDF2 check, an upload received without a thread, an echo read with a blocking stream. */
  private List<HttpService.Route> routes(HttpService[] self, AtomicInteger checks) {
    return List.of(
        new HttpService.Route("GET", "/login", ex -> {
          String[] user = credentials(ex.header("Authorization"));
          self[0].passwordCheck(ex, user[0], () -> {
            checks.incrementAndGet();
            if (!Arrays.equals(pbkdf2(user[1]), pbkdf2("pw-" + user[0]))) {
              throw new AuthenticationException("wrong password");
            }
            return user[0];
          });
          ex.authenticated();
          ex.respond(200, Map.of("user", user[0]));
        }),
        new HttpService.Route("PUT", "/files/{name}", ex -> {
          Path file = dir.resolve(ex.param("name") + ".part");
          ex.onComplete(() -> file.toFile().delete());
          ex.receiveBody(1024 * 1024, file, whole -> {
            Files.move(file, dir.resolve(ex.param("name")));
            whole.respond(200, Map.of("size", Files.size(dir.resolve(ex.param("name")))));
          });
        }),
        new HttpService.Route("POST", "/echo", ex -> ex.respond(200, "text/plain", ex.body().readAllBytes())));
  }

  private static String[] credentials(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      throw new HttpException(401, "unauthorized", "credentials required");
    }
    String s = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    int colon = s.indexOf(':');
    return new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }

  private static byte[] pbkdf2(String password) {
    try {
      KeySpec spec = new PBEKeySpec(password.toCharArray(), "salt-of-the-test".getBytes(StandardCharsets.UTF_8),
          20_000, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpService start(String name, ServerOptions options, AtomicInteger checks) {
    HttpService[] self = new HttpService[1];
    self[0] = HttpService.start(name, options, routes(self, checks), Metrics.none());
    return self[0];
  }

  private static String login(String user, String password) {
    return "GET /login HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic(user, password)
        + "\r\nConnection: close\r\n\r\n";
  }

  private static String put(String name, String body) {
    return "PUT /files/" + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body;
  }

  /** A legitimate client: retries a 429 as told by its Retry-After, as a client of the service must. */
  private static String legit(URI base, String request) throws Exception {
    for (int attempt = 0; attempt < 30; attempt++) {
      String answer = HostileClients.exchange(base, "127.0.0.1", request);
      if (status(answer) != 429) {
        return answer;
      }
      ServerSupport.sleep(Duration.ofSeconds(Long.parseLong(header(answer, "Retry-After")))); // as the answer says
    }
    throw new AssertionError("refused 30 times");
  }

  @Test
  @DisplayName("a connection trickling its headers is closed at the header deadline, unanswered; one finishing in time "
      + "is served")
  void slowHeadersClosedAtDeadline() throws Exception {
    ServerOptions options = ServerOptions.builder().headerTimeout(Duration.ofSeconds(1))
        .idleTimeout(Duration.ofMinutes(5)).build();
    try (HttpService service = start("deadline-host", options, new AtomicInteger());
        Attack slow = HostileClients.trickle(service.uri(), "127.0.0.2", 3, login("ann", "pw-ann"), null, 1,
            Duration.ofMillis(100))) {
      // a byte every 100 ms would take 10 s for the head; the idle timeout (5 minutes) never fires meanwhile
      ServerSupport.await("the slow connections closed or their heads sent", Duration.ofMinutes(2),
          () -> slow.closedByServer.get() >= 3 || slow.bytesSent.get() >= 3L * login("ann", "pw-ann").length());
      assertThat(slow.closedByServer).as("every slow connection closed by the server").hasValue(3);
      assertThat(slow.headersCompleted).hasValue(0);
      assertThat(slow.refusedAtOnce).as("closed at the deadline, not at once").hasValue(0);
      // a kept-alive connection: a first request in time, then the next one trickled
      try (Socket s = HostileClients.open(service.uri(), "127.0.0.3")) {
        String first = login("ann", "pw-ann").replace("Connection: close\r\n", "");
        s.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[12];
        s.setSoTimeout(60_000);
        assertThat(new String(s.getInputStream().readNBytes(buf.length), StandardCharsets.US_ASCII))
            .isEqualTo("HTTP/1.1 200");
        s.getInputStream().readNBytes(s.getInputStream().available());
        s.getOutputStream().write("GET /log".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(60_000);
        byte[] rest = s.getInputStream().readAllBytes(); // ends at the server's close
        assertThat(new String(rest, StandardCharsets.US_ASCII)).doesNotContain("HTTP/1.1");
      }
      assertThat(status(HostileClients.exchange(service.uri(), "127.0.0.1", login("ann", "pw-ann"))))
          .isEqualTo(200);
    }
  }

  @Test
  @DisplayName("one address holds at most its cap of connections: more are closed at once, another address is served")
  void connectionsCappedPerAddress() throws Exception {
    ServerOptions options = ServerOptions.builder().maxConnectionsPerAddress(4).build();
    List<Socket> sockets = new ArrayList<>();
    try (HttpService service = start("cap-host", options, new AtomicInteger())) {
      for (int i = 0; i < 10; i++) {
        sockets.add(HostileClients.open(service.uri(), "127.0.0.2"));
      }
      // each asks once the ten are open: four are answered, six find their connection closed
      int answered = 0;
      for (Socket s : sockets) {
        try {
          s.getOutputStream().write(login("ann", "pw-ann").getBytes(StandardCharsets.US_ASCII));
          s.setSoTimeout(60_000);
          String a = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
          answered += status(a) == 200 ? 1 : 0;
        } catch (java.io.IOException e) {
          // reset: closed at accept
        }
      }
      assertThat(answered).isEqualTo(4);
      assertThat(status(HostileClients.exchange(service.uri(), "127.0.0.1", login("ann", "pw-ann"))))
          .isEqualTo(200);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("a flood of wrong passwords is refused 429 with Retry-After without password work; the customer, from "
      + "a clean address, is still checked, even while its own name is flooded")
  void passwordFloodBacksOff() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    ServerOptions options = ServerOptions.builder().passwordFailuresAllowed(2).build();
    try (HttpService service = start("flood-host", options, checks)) {
      URI base = service.uri();
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(HostileClients.exchange(base, "127.0.0.2", login("ann", "guess-" + i)));
      }
      assertThat(answers).extracting(HostileClients::status).startsWith(401, 401, 401).contains(429);
      assertThat(answers).filteredOn(a -> status(a) == 429)
          .allSatisfy(a -> assertThat(Long.parseLong(header(a, "Retry-After"))).isPositive());
      assertThat(checks).as("password work for the flood").hasValueLessThan(10);
      // ann's account is backed off now, but only for addresses that failed: ann, from a clean one, logs in
      assertThat(status(HostileClients.exchange(base, "127.0.0.1", login("ann", "pw-ann")))).isEqualTo(200);
      // the success forgot ann's failures; another flood raises them again, and then a fresh attacking address
      // gets one guess at ann before it is kept off her account
      for (int i = 0; i < 3; i++) {
        assertThat(status(HostileClients.exchange(base, "127.0.0.4", login("ann", "again-" + i)))).isEqualTo(401);
      }
      assertThat(status(HostileClients.exchange(base, "127.0.0.3", login("ann", "fresh-0")))).isEqualTo(401);
      String kept = HostileClients.exchange(base, "127.0.0.3", login("ann", "fresh-1"));
      assertThat(status(kept)).isEqualTo(429);
      assertThat(header(kept, "Retry-After")).isNotNull();
      assertThat(status(HostileClients.exchange(base, "127.0.0.1", login("ann", "pw-ann")))).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("password checks wait in a bounded queue: one more is answered 429 with Retry-After at once")
  void passwordQueueIsBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    HttpService[] self = new HttpService[1];
    List<HttpService.Route> routes = List.of(new HttpService.Route("GET", "/login", ex -> {
      self[0].passwordCheck(ex, "ann", () -> {
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "ann";
      });
      ex.respond(200, Map.of());
    }));
    ServerOptions options = ServerOptions.builder().maxConcurrentPasswordChecks(1).maxQueuedPasswordChecks(1).build();
    try (HttpService service = HttpService.start("queue-host", options, routes, Metrics.none())) {
      self[0] = service;
      List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Thread> waiting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Thread t = new Thread(() -> {
          try {
            answers.add(HostileClients.exchange(service.uri(), "127.0.0.1", login("ann", "x")));
          } catch (java.io.IOException e) {
            answers.add("");
          }
        });
        t.start();
        waiting.add(t);
        if (i == 0) {
          running.await();
        }
      }
      ServerSupport.await("a check waiting in the password gate", Duration.ofMinutes(2),
          () -> !HostileClients.parkedThreads("queue-host", "PasswordGate.takeTurn", "-").isEmpty());
      String refused = HostileClients.exchange(service.uri(), "127.0.0.2", login("bob", "x"));
      assertThat(status(refused)).isEqualTo(429);
      assertThat(header(refused, "Retry-After")).isEqualTo("1");
      release.countDown();
      for (Thread t : waiting) {
        t.join();
      }
      assertThat(answers).extracting(HostileClients::status).containsExactly(200, 200);
    }
  }

  @Test
  @DisplayName("bodies received without a thread: more slow uploads than threads hold none, a legitimate upload lands, "
      + "and a body below the least rate is answered 408")
  void slowBodiesHoldNoThread() throws Exception {
    ServerOptions options = ServerOptions.builder().threads(8).headerTimeout(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofMinutes(5)).build();
    String body = "x".repeat(4096);
    try (HttpService service = start("body-host", options, new AtomicInteger());
        Attack slow = HostileClients.trickle(service.uri(), "127.0.0.2", 14, put("slow", body)
            .substring(0, put("slow", body).length() - body.length()), body.getBytes(StandardCharsets.US_ASCII), 1,
            Duration.ofMillis(200))) {
      Set<String> before = HostileClients.parkedThreads("body-host", "io.delpha.sdk.server", "PasswordGate");
      String answer = legit(service.uri(), put("legit.csv", "id\n1\n"));
      Set<String> held = new TreeSet<>(HostileClients.parkedThreads("body-host", "io.delpha.sdk.server", "PasswordGate"));
      held.retainAll(before);
      assertThat(status(answer)).isEqualTo(200);
      assertThat(dir.resolve("legit.csv")).hasContent("id\n1\n");
      assertThat(held).as("service threads parked inside a slow client's request").isEmpty();
      // the rate (1 KiB/s after the 2 s grace) ends every slow body
      ServerSupport.await("the slow bodies closed or sent", Duration.ofMinutes(2),
          () -> slow.closedByServer.get() >= 14 || slow.bytesSent.get() >= 14L * (put("s", body).length()));
      assertThat(slow.closedByServer).hasValue(14);
      assertThat(dir.resolve("slow")).doesNotExist();
      // each refused exchange's completion (which runs just after its close) deletes what it received
      ServerSupport.await("the refused upload's part file deleted", Duration.ofSeconds(10),
          () -> !Files.exists(dir.resolve("slow.part")));
      assertThat(dir.resolve("slow.part")).doesNotExist();
    }
    // one more, read by the answer: 408 too_slow
    try (HttpService service = start("rate-host", options, new AtomicInteger());
        Socket s = HostileClients.open(service.uri(), "127.0.0.2")) {
      String head = put("late", body).substring(0, put("late", body).length() - body.length());
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(100);
      String answer = "";
      for (int i = 0; i < body.length() - 1 && answer.isEmpty(); i++) {
        try {
          s.getOutputStream().write('x');
          ServerSupport.sleep(Duration.ofMillis(100)); // the attack's pace: a byte every 100 ms
          byte[] got = s.getInputStream().readNBytes(12);
          answer = new String(got, StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException e) {
          // nothing yet
        }
      }
      assertThat(answer).isEqualTo("HTTP/1.1 408");
    }
  }

  @Test
  @DisplayName("under 300 slow-header connections, 40 flooding ones and 14 slow uploads, with default options, a "
      + "legitimate login and upload are answered and the upload lands; no thread is parked for a slow client")
  void legitimateClientServedUnderEveryAttack() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    String body = "y".repeat(64 * 1024);
    String slowHead = put("slow", body).substring(0, put("slow", body).length() - body.length());
    try (HttpService service = start("siege-host", ServerOptions.builder().build(), checks);
        Attack headers = HostileClients.trickle(service.uri(), "127.0.0.2", 300, login("ann", "pw-ann"), null, 1,
            Duration.ofSeconds(1));
        Attack bodies = HostileClients.trickle(service.uri(), "127.0.0.3", 14, slowHead,
            body.getBytes(StandardCharsets.US_ASCII), 1, Duration.ofSeconds(1));
        Attack flood1 = HostileClients.flood(service.uri(), "127.0.0.4", 20, login("ann", "guess"));
        Attack flood2 = HostileClients.flood(service.uri(), "127.0.0.5", 20, login("bob", "guess"))) {
      ServerSupport.await("the floods answered 429", Duration.ofMinutes(2),
          () -> flood1.answered(429) + flood2.answered(429) > 0);
      Set<String> before = HostileClients.parkedThreads("siege-host", "JettyServer", "PasswordGate");
      String login = legit(service.uri(), login("ann", "pw-ann"));
      String upload = legit(service.uri(), put("legit.csv", "id\n7\n"));
      Set<String> held = new TreeSet<>(HostileClients.parkedThreads("siege-host", "JettyServer", "PasswordGate"));
      held.retainAll(before);
      assertThat(status(login)).isEqualTo(200);
      assertThat(status(upload)).isEqualTo(200);
      assertThat(dir.resolve("legit.csv")).hasContent("id\n7\n");
      assertThat(held).as("service threads parked inside a slow client's request").isEmpty();
      ServerSupport.await("the slow-header connections over the cap refused", Duration.ofMinutes(2),
          () -> headers.refusedAtOnce.get() >= 300 - 32 || headers.closedByServer.get() >= 300);
      assertThat(headers.refusedAtOnce).as("slow-header connections over the per-address cap, closed at accept")
          .hasValue(300 - 32);
      assertThat(headers.headersCompleted).hasValue(0);
      assertThat(flood1.retryAfters.get() + flood2.retryAfters.get()).isPositive();
      assertThat(flood1.statuses.keySet()).as("401, 429, or closed unanswered (0): over the per-address cap")
          .isSubsetOf(0, 401, 429);
    }
  }
}
