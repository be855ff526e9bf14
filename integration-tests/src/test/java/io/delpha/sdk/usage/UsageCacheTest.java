package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingFixture;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.usage.UsageTableStub.DayFile;
import static io.delpha.sdk.usage.UsageTableStub.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.MutableClock;
import io.delpha.sdk.testing.ServerSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage server's one cache, shared by every organisation, facing an admin who sweeps organisation names: over
 * real HTTP, real access keys in the harness's Cassandra, DuckDB over the cache and a sharing server answering as the
 * protocol documents (WireMock), whose storage paths count the downloads. Every organisation's numbers are
 * distinctive, so another tenant's would be seen if they leaked.
 */
@Isolated("counts the JVM's threads (Java and native) across a sweep of organisation names")
class UsageCacheTest {

  private static final Logger LOG = LoggerFactory.getLogger(UsageCacheTest.class);

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String RANGE = "?from=2024-05-01&to=2024-05-31";
  static CassandraManager cass;
  static AccessKeys keys;
  static String acmeKey;
  static String globexKey;
  static String adminKey;

  /**
   * Six files of one version (the issue: 300 names cost 1,800 downloads): acme's events are 1xx, globex's 7xxxxx,
   * hooli (rows, no key) 333.
   */
  static final List<DayFile> FILES = days(6);

  MutableClock clock;
  Path cacheRoot;
  UsageTableStub share;
  UsageAnalyticsServer server;

  static List<DayFile> days(int n) {
    List<DayFile> files = new ArrayList<>();
    for (int d = 1; d <= n; d++) {
      long t = 1_714_521_600L + (d - 1) * 86_400L;
      files.add(new DayFile("f" + d, LocalDate.of(2024, 5, d), List.of(row("acme", "dashboards", 100 + d, "1.00", t),
          row("globex", "globex-secret", 700_000 + d, "9.00", t + 1), row("hooli", "exports", 333, null, t + 2))));
    }
    return files;
  }

  @BeforeAll
  static void keys() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    keys = AccessKeys.on(cass).keyspace("cache_keys_" + UUID.randomUUID().toString().substring(0, 8)).build();
    acmeKey = keys.issue("acme").secret();
    globexKey = keys.issue("globex").secret();
    keys.issue("initech"); // a key, no rows
    adminKey = keys.issueAdmin().secret();
  }

  @AfterAll
  static void closeKeys() {
    cass.close();
  }

  @BeforeEach
  void start() throws Exception {
    wm.resetAll();
    share = new UsageTableStub(wm, Files.createTempDirectory("usage-cache-files"));
    share.publish(3, FILES, null);
    cacheRoot = Files.createTempDirectory("usage-cache");
    clock = new MutableClock();
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5)).build()).build();
    server = UsageAnalyticsServer.builder().client(client).table(UsageTableStub.TABLE).organisationColumn("org_id")
        .dateColumn("usage_date").featureColumn("feature").measureColumn("events").cacheDirectory(cacheRoot)
        .refreshInterval(Duration.ofMinutes(1)).clock(clock).accessKeys(keys).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> get(String path, String org, String key) throws Exception {
    String q = RANGE + (org == null ? "" : "&org=" + org);
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path + q)).header("Authorization",
        "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, String> daily(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, String> out = new TreeMap<>();
    SharingFixture.JSON.readTree(r.body()).get("points").forEach(p -> out.put(p.get("day").asText(),
        p.get("value").asText()));
    return out;
  }

  /** The per-day numbers {@code org} has in the files given. */
  static Map<String, String> expected(String org, List<DayFile> files) {
    Map<String, String> out = new TreeMap<>();
    for (DayFile f : files) {
      long sum = f.rows().stream().filter(r -> r.getString("org_id").equals(org)).mapToLong(r -> r.getLong("events"))
          .sum();
      if (sum > 0) {
        out.put(f.day().toString(), Long.toString(sum));
      }
    }
    return out;
  }

  int downloads() {
    return wm.findAll(getRequestedFor(urlPathMatching("/blob/.*"))).size();
  }

  int downloadsOf(DayFile f) {
    return wm.findAll(getRequestedFor(urlPathEqualTo(UsageTableStub.storagePath(f)))).size();
  }

  static List<String> tree(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  /** The process's native threads (DuckDB's included), from /proc. */
  static int osThreads() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no Threads in /proc/self/status");
  }

  /**
   * Four admins at once ask for {@code names} organisation names on every chart path in turn; every 25th name is a
   * real one (acme, globex, hooli), whose numbers are checked on the spot.
   *
   * @return the statuses seen, by status
   */
  Map<Integer, Integer> sweep(int names) throws Exception {
    String[] paths = {UsageAnalyticsServer.DAILY_PATH, UsageAnalyticsServer.REPORT_PATH,
        UsageAnalyticsServer.FEATURES_PATH, UsageAnalyticsServer.PATH};
    String[] real = {"acme", "globex", "hooli"};
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    AtomicInteger checkedReal = new AtomicInteger();
    int sweepers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(sweepers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < sweepers; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          for (int i = worker; i < names; i += sweepers) {
            String org = i % 25 == 0 ? real[(i / 25) % real.length] : "absent-" + i + ".example";
            String path = paths[i % paths.length];
            HttpResponse<String> r = get(i % 25 == 0 ? UsageAnalyticsServer.DAILY_PATH : path, org, adminKey);
            statuses.merge(r.statusCode(), 1, Integer::sum);
            if (i % 25 == 0) {
              assertThat(daily(r)).as(org).isEqualTo(expected(org, FILES));
              checkedReal.incrementAndGet();
            } else if (r.statusCode() == 404) {
              assertThat(r.body()).contains("not_found").doesNotContain("700001").doesNotContain("svg");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(checkedReal.get()).isEqualTo((names + 24) / 25);
    return new TreeMap<>(statuses);
  }

  @Test
  @DisplayName("an admin sweeping 300 organisation names: 404 for each unknown one, each file downloaded once, "
      + "nothing created on disk, threads flat")
  void sweepOfOrganisationNames() throws Exception {
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, null, acmeKey))).isEqualTo(expected("acme", FILES));
    int javaBefore = Thread.activeCount();
    int osBefore = osThreads();
    int downloadsBefore = downloads();
    List<String> treeBefore = tree(cacheRoot);
    long started = System.nanoTime();
    Map<Integer, Integer> statuses = sweep(300);
    long millis = (System.nanoTime() - started) / 1_000_000;
    LOG.info("sweep of 300 names: {} ms, statuses {}, downloads {} -> {}, Java threads {} -> {}, native threads "
        + "{} -> {}", millis, statuses, downloadsBefore, downloads(), javaBefore, Thread.activeCount(), osBefore,
        osThreads());

    assertThat(statuses).containsOnlyKeys(200, 404).containsEntry(200, 12).containsEntry(404, 288);
    // judged at the storage server: each file of the version fetched once, by the first request, and never again
    for (DayFile f : FILES) {
      assertThat(downloadsOf(f)).as(f.id()).isEqualTo(1);
    }
    assertThat(downloads()).isEqualTo(downloadsBefore).isEqualTo(FILES.size());
    // nothing created for any name: the cache holds the same files as before the sweep
    assertThat(tree(cacheRoot)).isEqualTo(treeBefore);
    // pools that finished their work end their threads; nothing was made per organisation
    ServerSupport.await("threads back to their count before the sweep", Duration.ofSeconds(60),
        () -> Thread.activeCount() <= javaBefore + 2);
    ServerSupport.await("native threads back to their count before the sweep", Duration.ofSeconds(60), () -> {
      try {
        return osThreads() <= osBefore + 2;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  @DisplayName("an unknown organisation on a fresh server is 404 on every route, with nothing downloaded for it "
      + "beyond the shared files")
  void unknownOrganisationFirst() throws Exception {
    for (String path : List.of(UsageAnalyticsServer.DAILY_PATH, UsageAnalyticsServer.FEATURES_PATH,
        UsageAnalyticsServer.REPORT_PATH, UsageAnalyticsServer.PATH)) {
      HttpResponse<String> r = get(path, "nobody", adminKey);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(404);
      assertThat(r.body()).contains("not_found").doesNotContain("acme").doesNotContain("700001");
    }
    // the shared files, once, and one folder for the table: none named after or made for the organisation
    assertThat(downloads()).isEqualTo(FILES.size());
    try (Stream<Path> list = Files.list(cacheRoot)) {
      assertThat(list.map(p -> p.getFileName().toString()).toList()).singleElement()
          .satisfies(n -> assertThat(n).startsWith("analytics.platform.usage-"));
    }
    assertThat(tree(cacheRoot)).noneMatch(p -> p.contains("nobody"));
  }

  @Test
  @DisplayName("each organisation sees only its own rows from the shared files; a keyed organisation without rows "
      + "and one with rows but no key are answered")
  void eachOrganisationItsOwnRows() throws Exception {
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, null, acmeKey))).isEqualTo(expected("acme", FILES));
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, null, globexKey))).isEqualTo(expected("globex", FILES));
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, "globex", adminKey))).isEqualTo(expected("globex", FILES));
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, "hooli", adminKey))).isEqualTo(expected("hooli", FILES));
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, "initech", adminKey))).isEmpty();
    String acmeReport = get(UsageAnalyticsServer.REPORT_PATH, null, acmeKey).body();
    assertThat(acmeReport).contains("data-feature=\"dashboards\" data-value=\"621\"").doesNotContain("globex")
        .doesNotContain("70000").doesNotContain("333");
    // the rows route, served from the same cache, agrees and names no one else
    JsonNode rows = SharingFixture.JSON.readTree(get(UsageAnalyticsServer.PATH, null, globexKey).body());
    assertThat(rows.get("rowCount").asInt()).isEqualTo(FILES.size());
    rows.get("rows").forEach(r -> assertThat(r.get("org_id").asText()).isEqualTo("globex"));
    assertThat(get(UsageAnalyticsServer.PATH, "hooli", adminKey).statusCode()).isEqualTo(200);
    assertThat(get(UsageAnalyticsServer.PATH, "initech", adminKey).statusCode()).isEqualTo(200);
    int downloads = downloads();
    HttpResponse<String> absent = get(UsageAnalyticsServer.PATH, "absent", adminKey);
    assertThat(absent.statusCode()).isEqualTo(404);
    assertThat(absent.body()).doesNotContain("acme").doesNotContain("700001");
    assertThat(downloads()).as("an unknown organisation is refused before the rows route reads").isEqualTo(downloads);
    // an organisation key never learns of another organisation, known or not: 403 either way
    assertThat(get(UsageAnalyticsServer.DAILY_PATH, "absent", acmeKey).statusCode()).isEqualTo(403);
    assertThat(get(UsageAnalyticsServer.DAILY_PATH, "globex", acmeKey).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("the rows route answers from the shared cache exactly what the client's read answers, DATE and "
      + "TIMESTAMP date columns alike, downloading nothing more")
  void rowsFromTheCacheEqualTheClientsRead() throws Exception {
    Path tsRoot = Files.createTempDirectory("usage-cache-ts");
    try (UsageAnalyticsServer direct = server(null, "usage_date"); UsageAnalyticsServer directTs =
        server(null, "seen_at"); UsageAnalyticsServer cachedTs = server(tsRoot, "seen_at")) {
      List<String> ranges = List.of(RANGE, "?from=2024-05-02&to=2024-05-03", "?from=2024-05-06&to=2024-05-06",
          "?from=2024-06-01&to=2024-06-30");
      // warm both caches: the files are fetched once for each cache folder
      rows(server, ranges.get(0), "acme");
      rows(cachedTs, ranges.get(0), "acme");
      int downloads = downloads();
      Map<String, JsonNode> cached = new LinkedHashMap<>();
      for (String org : List.of("acme", "globex", "hooli", "initech")) {
        for (String range : ranges) {
          cached.put(org + range, rows(server, range, org));
          cached.put("ts " + org + range, rows(cachedTs, range, org));
        }
      }
      assertThat(downloads()).as("the cached rows route downloads nothing").isEqualTo(downloads);
      for (String org : List.of("acme", "globex", "hooli", "initech")) {
        for (String range : ranges) {
          sameRows(cached.get(org + range), rows(direct, range, org), org + range);
          sameRows(cached.get("ts " + org + range), rows(directTs, range, org), "ts " + org + range);
          cached.get(org + range).get("rows").forEach(r -> assertThat(r.get("org_id").asText()).isEqualTo(org));
        }
      }
      // the values themselves, as sent: acme's six days in file order, in the table's types (the decimal's scale kept)
      assertThat(cached.get("acme" + RANGE).get("rowCount").asInt()).isEqualTo(6);
      String body = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + UsageAnalyticsServer.PATH + RANGE))
          .header("Authorization", "Bearer " + acmeKey).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("\"rows\":[{\"org_id\":\"acme\",\"feature\":\"dashboards\",\"events\":101,"
          + "\"cost\":1.00,\"seen_at\":\"2024-05-01T00:00:00Z\",\"usage_date\":\"2024-05-01\"},{\"org_id\":\"acme\"")
          .doesNotContain("globex").doesNotContain("hooli");
      // a TIMESTAMP date column's upper bound is the last day's midnight, as the client's filter has it
      assertThat(cached.get("ts globex?from=2024-05-02&to=2024-05-03").get("rowCount").asInt()).isEqualTo(1);
      assertThat(cached.get("ts acme?from=2024-05-02&to=2024-05-03").get("rowCount").asInt()).isEqualTo(2);
    }
  }

  /** Without a cache, no key and no row in the range is 404; the cache knows the organisation's rows: 200, none. */
  static void sameRows(JsonNode viaCache, JsonNode viaClient, String what) {
    if (viaClient == null) {
      assertThat(what).contains("hooli");
      assertThat(viaCache.get("rowCount").asInt()).as(what).isZero();
    } else {
      assertThat(viaCache).as(what).isEqualTo(viaClient);
    }
  }

  UsageAnalyticsServer server(Path cache, String dateColumn) {
    return server(cache, dateColumn, 100_000);
  }

  /** A rows server reading the cache in {@code cache}, or through the client when {@code null}. */
  UsageAnalyticsServer server(Path cache, String dateColumn, int maxRows) {
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token")).build();
    UsageAnalyticsServerBuilder b = UsageAnalyticsServer.builder().client(client).table(UsageTableStub.TABLE)
        .organisationColumn("org_id").dateColumn(dateColumn).clock(clock).accessKeys(keys).maxRows(maxRows);
    if (cache != null) {
      b.cacheDirectory(cache);
    }
    return b.build().start();
  }

  /** The rows answer, its rows sorted; {@code null} for a 404 (an organisation with no key and no rows). */
  static JsonNode rows(UsageAnalyticsServer s, String range, String org) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + UsageAnalyticsServer.PATH + range
        + "&org=" + org)).header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404 && r.body().contains("no organisation of that name")) {
      return null;
    }
    assertThat(r.statusCode()).as(org + range + ": " + r.body()).isEqualTo(200);
    // the client's read answers its files in the order their downloads end: the rows are compared as a set
    com.fasterxml.jackson.databind.node.ObjectNode body =
        (com.fasterxml.jackson.databind.node.ObjectNode) SharingFixture.JSON.readTree(r.body());
    List<JsonNode> rows = new ArrayList<>();
    body.get("rows").forEach(rows::add);
    rows.sort(java.util.Comparator.comparing(JsonNode::toString));
    body.putArray("rows").addAll(rows);
    return body;
  }

  /** acme's rows on 2024-05-02 to 2024-05-06: one a day, five. */
  static final String FIVE_ACME_ROWS = "?from=2024-05-02&to=2024-05-06";

  @Test
  @DisplayName("the rows route from the shared cache, maxRows 5: a range of 6 rows is 413 too_many_rows with no row "
      + "in it, a range of exactly 5 is 200 with all 5, though the table holds 18")
  void maxRowsFromTheCache() throws Exception {
    try (UsageAnalyticsServer limited = server(Files.createTempDirectory("usage-cache-limit"), "usage_date", 5)) {
      rows(limited, "?from=2024-05-01&to=2024-05-01", "acme"); // attaches the cache: its files are fetched now
      int downloads = downloads();
      maxRows(limited);
      assertThat(downloads()).as("every answer came from the cache").isEqualTo(downloads);
    }
  }

  @Test
  @DisplayName("the rows route through the sharing client, maxRows 5: a range of 6 rows is 413 too_many_rows with "
      + "no row in it, a range of exactly 5 is 200 with all 5, though the table holds 18")
  void maxRowsThroughTheClient() throws Exception {
    try (UsageAnalyticsServer limited = server(null, "usage_date", 5)) {
      int downloads = downloads();
      maxRows(limited);
      assertThat(downloads()).as("these answers were read through the client").isGreaterThan(downloads);
    }
  }

  /** {@code s} has maxRows 5: acme's six days, globex's whole month (6 rows) are 413; acme's five days are 200. */
  void maxRows(UsageAnalyticsServer s) throws Exception {
    HttpResponse<String> six = HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + UsageAnalyticsServer.PATH
        + "?from=2024-05-01&to=2024-05-06")).header("Authorization", "Bearer " + acmeKey).build(),
        HttpResponse.BodyHandlers.ofString());
    tooManyRows(six);
    HttpResponse<String> month = HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + UsageAnalyticsServer.PATH
        + RANGE + "&org=globex")).header("Authorization", "Bearer " + adminKey).build(),
        HttpResponse.BodyHandlers.ofString());
    tooManyRows(month);
    assertThat(month.body()).doesNotContain("globex-secret").doesNotContain("70000");

    JsonNode five = rows(s, FIVE_ACME_ROWS, "acme");
    assertThat(five.get("rowCount").asInt()).isEqualTo(5);
    assertThat(five.get("rows")).hasSize(5);
    assertThat(five.get("rows").findValuesAsText("org_id")).containsOnly("acme");
    assertThat(five.get("rows").findValues("events")).extracting(JsonNode::asLong)
        .containsExactlyInAnyOrder(102L, 103L, 104L, 105L, 106L);
    assertThat(five.get("rows").findValuesAsText("usage_date")).containsExactlyInAnyOrder("2024-05-02", "2024-05-03",
        "2024-05-04", "2024-05-05", "2024-05-06");
  }

  /** A 413 {@code too_many_rows} whose message names the limit and its setting, and that holds no row. */
  static void tooManyRows(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    JsonNode body = SharingFixture.JSON.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("too_many_rows");
    assertThat(body.get("message").asText()).contains("more than 5 rows").contains("maxRows");
    assertThat(body.has("rows")).isFalse();
    assertThat(body.has("rowCount")).isFalse();
    assertThat(r.body()).doesNotContain("dashboards").doesNotContain("org_id");
  }

  @Test
  @DisplayName("a new table version is picked up after the refresh interval: only its new file is downloaded, once, "
      + "for every organisation, and the old version's files are deleted")
  void newVersion() throws Exception {
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, null, acmeKey))).isEqualTo(expected("acme", FILES));
    List<DayFile> v4 = new ArrayList<>(FILES.subList(1, FILES.size()));
    DayFile added = new DayFile("f7", LocalDate.of(2024, 5, 7), List.of(row("acme", "dashboards", 4242, null,
        1_715_040_000L), row("globex", "globex-secret", 909_090, null, 1_715_040_001L)));
    v4.add(added);
    share.publish(4, v4, null);
    // within the interval: still version 3
    assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, null, globexKey))).isEqualTo(expected("globex", FILES));
    clock.advance(Duration.ofMinutes(1));
    for (String org : List.of("acme", "globex", "hooli")) {
      for (int i = 0; i < 3; i++) {
        assertThat(daily(get(UsageAnalyticsServer.DAILY_PATH, org, adminKey))).as(org).isEqualTo(expected(org, v4));
      }
    }
    assertThat(downloadsOf(added)).isEqualTo(1);
    assertThat(downloads()).isEqualTo(FILES.size() + 1);
    // the cache keeps version 4 only: its manifest and its six files
    Path table;
    try (Stream<Path> list = Files.list(cacheRoot)) {
      table = list.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    try (Stream<Path> list = Files.list(table)) {
      assertThat(list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList())
          .containsExactly("v4.json");
    }
    try (Stream<Path> list = Files.list(table.resolve("files"))) {
      assertThat(list.count()).isEqualTo(v4.size());
    }
    assertThat(get(UsageAnalyticsServer.DAILY_PATH, "absent", adminKey).statusCode()).isEqualTo(404);
  }
}
