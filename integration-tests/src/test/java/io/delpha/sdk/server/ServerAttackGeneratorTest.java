package io.delpha.sdk.server;

import static io.delpha.sdk.testing.HostileClients.basic;
import static io.delpha.sdk.testing.HostileClients.header;
import static io.delpha.sdk.testing.HostileClients.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.UploadServer;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.HostileClients;
import io.delpha.sdk.testing.HostileClients.Attack;
import io.delpha.sdk.usage.UsageAnalyticsServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of both services built on {@link HttpService} (the upload endpoint, the usage-analytics service) and
 * of a host's own routes, attacked with every slow and flooding pattern, seeded: per seed, each endpoint gets slow
 * headers (its request a few bytes a tick, never finished), a slow body (complete headers, then a body a few bytes a
 * tick) and a flood of wrong credentials, with the pace, the number of connections and the credentials drawn from the
 * seed. Each attack comes from a loopback address of its own. What must hold, by structure: slow headers are closed
 * by the server without an answer; a slow body's connection is closed by the server, and no thread of a
 * non-blocking endpoint is parked for it; a flood is answered {@code 429} with {@code Retry-After} once its failures
 * are spent, with less password work than requests. Replay a seed with the command printed on failure.
 */
class ServerAttackGeneratorTest {

  /** The services' limits, small so that a case lasts a second or two. */
  static final ServerOptions OPTIONS = ServerOptions.builder().headerTimeout(Duration.ofMillis(800))
      .minRequestDataRate(4096).passwordFailuresAllowed(2).idleTimeout(Duration.ofMinutes(2)).build();

  static CassandraManager cass;
  static AccessKeys keys;
  static String orgKey;
  static BatchIngestor ingestor;
  static UploadServer upload;
  static UsageAnalyticsServer usage;
  static HttpService host;
  static final AtomicInteger nextAddress = new AtomicInteger();
  static Path tmp;

  /** An endpoint under attack. */
  record Endpoint(String service, String threads, String method, String path, Function<String, String> auth,
      String goodAuth, boolean readsBodyWithoutThread) {
    @Override
    public String toString() {
      return service + " " + method + " " + path;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("attacks");
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    keys = AccessKeys.on(cass).keyspace("attack_keys_" + suffix).build();
    orgKey = keys.issue("acme").secret();
    ingestor = BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(tmp.resolve("staging")))
        .registry("attack_registry_" + suffix, "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000).build();
    upload = ingestor.uploadServer(OPTIONS);
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint("http://127.0.0.1:9/ds/")
        .bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).build();
    usage = UsageAnalyticsServer.builder().client(client).table("analytics.platform.usage")
        .organisationColumn("org_id").dateColumn("usage_date").accessKeys(keys)
        .cacheDirectory(tmp.resolve("cache")).options(OPTIONS).build().start();
    HttpService[] self = new HttpService[1];
    self[0] = HttpService.start("attacked-host", OPTIONS, List.of(
        new HttpService.Route("GET", "/login", ex -> ex.respond(200, Map.of("user", login(self[0], ex)))),
        new HttpService.Route("PUT", "/files/{name}", ex -> {
          login(self[0], ex);
          Path file = tmp.resolve("host-" + UUID.randomUUID());
          ex.onComplete(() -> file.toFile().delete());
          ex.receiveBody(1 << 20, file, whole -> whole.respond(200, Map.of("size", Files.size(file))));
        }),
        new HttpService.Route("POST", "/echo", ex -> {
          login(self[0], ex);
          ex.respond(200, "text/plain", ex.body().readAllBytes());
        })),
        Metrics.none());
    host = self[0];
  }

  /** The host's own credentials check: a user and a password header. */
  private static String login(HttpService service, Exchange ex) {
    String user = String.valueOf(ex.header("X-User"));
    return service.passwordCheck(ex, user, () -> {
      if (!"pw".equals(ex.header("X-Password"))) {
        throw new AuthenticationException("wrong password");
      }
      return user;
    });
  }

  @AfterAll
  static void stop() {
    host.close();
    usage.close();
    upload.close();
    ingestor.close();
    cass.close();
  }

  /** @return the endpoints, the upload's for a fresh customer (a customer holds at most 8 open uploads) */
  private static List<Endpoint> endpoints() throws Exception {
    String customer = "acme-" + nextAddress.incrementAndGet();
    ingestor.registerCustomer(customer, "pw-acme", keys.keyspace(), // any keyspace: nothing is ingested
        IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":64,\"data_sizes\":1024}"));
    Function<String, String> basicAs = pw -> "Authorization: " + basic(customer, pw);
    Function<String, String> bearer = key -> "Authorization: Bearer " + key;
    Function<String, String> hostAuth = pw -> "X-User: acme\r\nX-Password: " + pw;
    String uploadId = openUpload(customer);
    List<Endpoint> all = new ArrayList<>(List.of(
        new Endpoint("upload", "upload-endpoint", "GET", "/constraints", basicAs, "pw-acme", false),
        new Endpoint("upload", "upload-endpoint", "POST", "/uploads", basicAs, "pw-acme", false),
        new Endpoint("upload", "upload-endpoint", "PUT", "/uploads/" + uploadId + "/files/f-%d.csv", basicAs,
            "pw-acme", true),
        new Endpoint("upload", "upload-endpoint", "POST", "/uploads/" + uploadId + "/commit", basicAs, "pw-acme",
            false)));
    for (String path : List.of(UsageAnalyticsServer.PATH, UsageAnalyticsServer.DAILY_PATH,
        UsageAnalyticsServer.FEATURES_PATH, UsageAnalyticsServer.REPORT_PATH)) {
      all.add(new Endpoint("usage", "usage-analytics", "GET", path + "?organisation=acme", bearer, orgKey, false));
    }
    all.add(new Endpoint("host", "attacked-host", "GET", "/login", hostAuth, "pw", false));
    all.add(new Endpoint("host", "attacked-host", "PUT", "/files/f-%d", hostAuth, "pw", true));
    all.add(new Endpoint("host", "attacked-host", "POST", "/echo", hostAuth, "pw", false));
    return all;
  }

  private static String openUpload(String customer) throws Exception {
    String answer = HostileClients.exchange(upload.uri(), "127.0.0.1", "POST /uploads HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: " + basic(customer, "pw-acme") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(status(answer)).as(answer).isEqualTo(201);
    return answer.replaceAll("(?s).*\"upload\":\"([^\"]+)\".*", "$1");
  }

  private static URI base(Endpoint e) {
    return switch (e.service()) {
      case "upload" -> upload.uri();
      case "usage" -> usage.uri();
      default -> host.uri();
    };
  }

  /** A fresh loopback source address per attack, so that no case inherits another's back-off or cap. */
  private static String address() {
    int n = nextAddress.incrementAndGet();
    return "127.1." + (n / 250) + "." + (1 + n % 250);
  }

  private static String head(Endpoint e, int i, String auth, long bodyLength) {
    return e.method() + " " + e.path().replace("%d", Integer.toString(i)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + e.auth().apply(auth) + "\r\nContent-Length: " + bodyLength + "\r\n\r\n";
  }

  @Test
  @DisplayName("every endpoint of every service, under slow headers, slow bodies and credential floods, ends each "
      + "attack by closing or refusing it, holding no thread for a non-blocking endpoint")
  void everyEndpointUnderEveryAttack() {
    HostileAnswers.run(getClass(), "everyEndpointUnderEveryAttack", "hostile.server.seed", "hostile.server.count", 1,
        random -> {
          for (Endpoint e : endpoints()) {
            slowHeaders(random, e);
            slowBody(random, e);
            flood(random, e);
          }
        });
  }

  private void slowHeaders(Random random, Endpoint e) throws Exception {
    int connections = 1 + random.nextInt(4);
    int perTick = 1 + random.nextInt(3);
    Duration tick = Duration.ofMillis(50 + random.nextInt(150));
    String head = head(e, random.nextInt(1000), e.goodAuth(), 0);
    try (Attack a = HostileClients.trickle(base(e), address(), connections, head, null, perTick, tick)) {
      while (a.closedByServer.get() < connections && a.bytesSent.get() < (long) connections * (head.length() - 1)) {
        Thread.sleep(20);
      }
      assertThat(a.closedByServer).as("%s: slow headers closed (%d conns, %d bytes/%s)", e, connections, perTick,
          tick).hasValue(connections);
      assertThat(a.bytesAnswered).as("%s: no answer to unfinished headers, got %s", e, a.firstAnswer).hasValue(0);
    }
  }

  private void slowBody(Random random, Endpoint e) throws Exception {
    int connections = 1 + random.nextInt(6);
    int perTick = 1 + random.nextInt(4);
    Duration tick = Duration.ofMillis(50 + random.nextInt(200));
    byte[] body = ("id\n" + "1\n".repeat(8_000)).getBytes(StandardCharsets.US_ASCII);
    int first = random.nextInt(1_000_000);
    List<Attack> attacks = new ArrayList<>();
    String from = address();
    try {
      for (int i = 0; i < connections; i++) { // one head per connection: each PUT its own file name
        attacks.add(HostileClients.trickle(base(e), from, 1, head(e, first + i, e.goodAuth(), body.length), body,
            perTick, tick));
      }
      Set<String> before = HostileClients.parkedThreads(e.threads(), "JettyServer", "PasswordGate");
      assertThat(status(HostileClients.exchange(base(e), "127.0.0.1", "GET /nowhere HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n"))).as("%s: the service answers meanwhile", e).isEqualTo(404);
      Set<String> held = new TreeSet<>(HostileClients.parkedThreads(e.threads(), "JettyServer", "PasswordGate"));
      held.retainAll(before);
      if (e.readsBodyWithoutThread()) {
        assertThat(held).as("%s: threads parked for slow bodies", e).isEmpty();
      }
      for (Attack a : attacks) {
        while (a.closedByServer.get() < 1 && a.bytesSent.get() < body.length - 1 + 2048) {
          Thread.sleep(20);
        }
        assertThat(a.closedByServer).as("%s: a slow body's connection closed (%d bytes/%s)", e, perTick, tick)
            .hasValue(1);
      }
    } finally {
      attacks.forEach(Attack::close);
    }
  }

  private void flood(Random random, Endpoint e) throws Exception {
    String from = address();
    int requests = OPTIONS.passwordFailuresAllowed() + 2 + random.nextInt(3); // each refusal waits a second
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      String wrong = e.service().equals("usage") ? "dk_" + Long.toHexString(random.nextLong()) + "_wrong"
          : "wrong-" + random.nextInt();
      answers.add(HostileClients.exchange(base(e), from, head(e, i, wrong, 0).replace("\r\n\r\n",
          "\r\nConnection: close\r\n\r\n")));
    }
    List<Integer> statuses = answers.stream().map(HostileClients::status).toList();
    assertThat(statuses).as("%s: a flood is refused, then backed off", e).isSubsetOf(401, 429).contains(429);
    assertThat(statuses.indexOf(429)).as("%s: backed off once its failures are spent", e)
        .isLessThanOrEqualTo(OPTIONS.passwordFailuresAllowed() + 1);
    assertThat(answers).filteredOn(a -> status(a) == 429)
        .allSatisfy(a -> assertThat(header(a, "Retry-After")).as("%s: Retry-After", e).isNotNull());
  }
}
