package io.delpha.sdk.bench;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.server.HttpService;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.testing.HostileClients;
import io.delpha.sdk.testing.HostileClients.Attack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A legitimate client's latency on an {@link HttpService} with default {@link ServerOptions} (the upload endpoint's
 * and the usage server's), alone and under each attack of issue 68: 300 connections trickling their headers (a byte a
 * second, from one address), 14 uploads trickling their bodies, 40 connections flooding wrong passwords (from two
 * addresses), and all three at once. The client logs in (a PBKDF2 check, as the services' are) and uploads 64 KiB
 * (received without a thread), retrying a 429 after its {@code Retry-After}, as a client must; each upload is checked
 * on disk (size and SHA-256) before a figure is printed. Prints the median of {@code rounds} (default 20) per
 * condition, and a RESULT line per attack for bench/run-all.sh (ratio alone/under attack; goal: within 2x, >= 0.5).
 *
 * <p>{@code java -cp target/test-classes:target/classes:$(cat target/bench/classpath.txt)
 * io.delpha.sdk.bench.ServerSiegeBenchmark [rounds]}
 */
public final class ServerSiegeBenchmark {

  private ServerSiegeBenchmark() {}

  private static final byte[] SALT = "bench-salt".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path dir = Files.createTempDirectory("siege");
    byte[] expected = pbkdf2("pw-ann");
    HttpService[] self = new HttpService[1];
    AtomicInteger checks = new AtomicInteger();
    List<HttpService.Route> routes = List.of(
        new HttpService.Route("GET", "/login", ex -> {
          String user = user(ex.header("Authorization"));
          self[0].passwordCheck(ex, user, () -> {
            checks.incrementAndGet();
            if (!Arrays.equals(pbkdf2(password(ex.header("Authorization"))), expected)) {
              throw new AuthenticationException("wrong password");
            }
            return user;
          });
          ex.respond(200, Map.of("user", user));
        }),
        new HttpService.Route("PUT", "/files/{name}", ex -> {
          Path file = dir.resolve(ex.param("name"));
          ex.receiveBody(1 << 20, file, whole -> whole.respond(200, Map.of("size", Files.size(file))));
        }));
    self[0] = HttpService.start("siege-bench", ServerOptions.builder().build(), routes, Metrics.none());
    try (HttpService service = self[0]) {
      URI base = service.uri();
      byte[] body = new byte[64 * 1024];
      new java.util.Random(68).nextBytes(body);
      String b64 = Base64.getEncoder().encodeToString(body).substring(0, body.length); // ASCII, 64 KiB
      String sha = sha256(b64.getBytes(StandardCharsets.US_ASCII));
      AtomicInteger round = new AtomicInteger();
      AtomicInteger refusals = new AtomicInteger();
      Callable<Long> legit = () -> {
        String name = "legit-" + round.incrementAndGet();
        long start = System.nanoTime();
        expect(200, send(base, "GET /login HTTP/1.1\r\nHost: x\r\nAuthorization: " + HostileClients.basic("ann",
            "pw-ann") + "\r\nConnection: close\r\n\r\n", refusals));
        expect(200, send(base, "PUT /files/" + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + b64.length()
            + "\r\nConnection: close\r\n\r\n" + b64, refusals));
        long nanos = System.nanoTime() - start;
        if (!sha.equals(sha256(Files.readAllBytes(dir.resolve(name))))) {
          throw new IllegalStateException("upload " + name + " landed corrupt");
        }
        return nanos;
      };
      String slowHeaders = "GET /login HTTP/1.1\r\nHost: x\r\nAuthorization: " + HostileClients.basic("ann", "pw-ann")
          + "\r\n\r\n";
      byte[] slowBody = new byte[1 << 20];
      Arrays.fill(slowBody, (byte) 'z');
      String flood = "GET /login HTTP/1.1\r\nHost: x\r\nAuthorization: " + HostileClients.basic("ann", "guess")
          + "\r\nConnection: close\r\n\r\n";

      measure(legit, 20); // warm-up
      double alone = measure(legit, rounds);
      System.out.printf("alone: %.1f ms (median of %d login+upload)%n", alone, rounds);
      List<String> results = new ArrayList<>();
      Map<String, Callable<List<Attack>>> attacks = new java.util.LinkedHashMap<>();
      attacks.put("300 slow-header connections", () -> List.of(HostileClients.trickle(base, "127.0.0.2", 300,
          slowHeaders, null, 1, Duration.ofSeconds(1))));
      attacks.put("14 slow uploads", () -> List.of(HostileClients.trickle(base, "127.0.0.3", 14,
          "PUT /files/slow HTTP/1.1\r\nHost: x\r\nContent-Length: " + slowBody.length + "\r\n\r\n", slowBody, 1,
          Duration.ofSeconds(1))));
      attacks.put("40 password-flood connections", () -> List.of(HostileClients.flood(base, "127.0.0.4", 20, flood),
          HostileClients.flood(base, "127.0.0.5", 20, flood)));
      attacks.put("all three at once", () -> List.of(
          HostileClients.trickle(base, "127.0.0.6", 300, slowHeaders, null, 1, Duration.ofSeconds(1)),
          HostileClients.trickle(base, "127.0.0.7", 14, "PUT /files/slow HTTP/1.1\r\nHost: x\r\nContent-Length: "
              + slowBody.length + "\r\n\r\n", slowBody, 1, Duration.ofSeconds(1)),
          HostileClients.flood(base, "127.0.0.8", 20, flood), HostileClients.flood(base, "127.0.0.9", 20, flood)));
      for (Map.Entry<String, Callable<List<Attack>>> a : attacks.entrySet()) {
        List<Attack> running = a.getValue().call();
        try {
          Thread.sleep(1000); // the attack settles: connections open, the flood's failures spent
          refusals.set(0);
          int checksBefore = checks.get();
          long floodBefore = answers(running);
          long t0 = System.nanoTime();
          double under = measure(legit, rounds);
          double seconds = (System.nanoTime() - t0) / 1e9;
          System.out.printf("%s: %.1f ms (%.2fx alone); the legitimate client was told 429 %d times; password checks "
              + "run meanwhile: %d; attackers answered %.0f/s%n", a.getKey(), under, under / alone, refusals.get(),
              checks.get() - checksBefore, (answers(running) - floodBefore) / seconds);
          results.add(String.format("RESULT|legit login+upload under %s|%.1f ms|alone|%.1f ms|%.2f|>= 0.5", a.getKey(),
              under, alone, alone / under));
        } finally {
          running.forEach(Attack::close);
        }
        Thread.sleep(2000);
      }
      results.forEach(System.out::println);
    }
  }

  private static long answers(List<Attack> attacks) {
    return attacks.stream().flatMap(a -> a.statuses.values().stream()).mapToLong(AtomicInteger::get).sum();
  }

  private static double measure(Callable<Long> legit, int rounds) throws Exception {
    long[] nanos = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      nanos[i] = legit.call();
    }
    Arrays.sort(nanos);
    return nanos[rounds / 2] / 1e6;
  }

  /** Sends a request from 127.0.0.1, after each 429 waiting its Retry-After. */
  private static String send(URI base, String request, AtomicInteger refusals) throws Exception {
    for (int attempt = 0; attempt < 60; attempt++) {
      String answer = HostileClients.exchange(base, "127.0.0.1", request);
      if (HostileClients.status(answer) != 429) {
        return answer;
      }
      refusals.incrementAndGet();
      Thread.sleep(1000L * Long.parseLong(HostileClients.header(answer, "Retry-After")));
    }
    throw new IllegalStateException("refused 60 times");
  }

  private static void expect(int status, String answer) {
    if (HostileClients.status(answer) != status) {
      throw new IllegalStateException("expected " + status + ", got: " + answer.lines().findFirst().orElse(""));
    }
  }

  private static String user(String header) {
    String s = decoded(header);
    return s.substring(0, Math.max(0, s.indexOf(':')));
  }

  private static String password(String header) {
    String s = decoded(header);
    return s.substring(s.indexOf(':') + 1);
  }

  private static String decoded(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      throw new HttpException(401, "unauthorized", "credentials required");
    }
    return new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
  }

  private static byte[] pbkdf2(String password) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password.toCharArray(), SALT, 100_000, 256)).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
