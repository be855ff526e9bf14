package io.delpha.sdk.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.UsageTableStub.DayFile;
import static io.delpha.sdk.sharing.UsageTableStub.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The usage page and its chart endpoints over real HTTP, real access keys in the harness's real Cassandra, DuckDB
 * over the cache, and a sharing server answering as the protocol documents (WireMock). Each organisation's numbers
 * are distinctive, so another organisation's numbers would be seen if they leaked.
 */
@Isolated("counts the JVM's threads and resident memory across a sweep of 600 organisations")
class UsagePageTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static CassandraManager cass;
  static AccessKeys keys;
  static String acmeKey;
  static String globexKey;
  static String adminKey;
  static Path cacheRoot;
  static UsageAnalyticsServer server;
  UsageTableStub share;

  static final LocalDate MAY1 = LocalDate.of(2024, 5, 1);
  static final LocalDate MAY2 = LocalDate.of(2024, 5, 2);
  static final LocalDate MAY3 = LocalDate.of(2024, 5, 3);
  static final DayFile D1 = new DayFile("d1", MAY1, List.of(row("acme", "dashboards", 1234, "1.00", 1_714_521_600L),
      row("globex", "globex-secret", 777001, "9.00", 1_714_521_601L), row("acme", "exports", 56, null, 1_714_521_602L)));
  static final DayFile D2 = new DayFile("d2", MAY2, List.of(row("acme", "dashboards", 789, "2.00", 1_714_608_000L),
      row("globex", "globex-secret", 888002, null, 1_714_608_001L)));

  @BeforeAll
  static void start() throws Exception {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    keys = AccessKeys.on(cass).keyspace("page_keys_" + UUID.randomUUID().toString().substring(0, 8)).build();
    acmeKey = keys.issue("acme").secret();
    globexKey = keys.issue("globex").secret();
    adminKey = keys.issueAdmin().secret();
    cacheRoot = Files.createTempDirectory("usage-page-cache");
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5)).build()).build();
    server = UsageAnalyticsServer.builder().client(client).table(UsageTableStub.TABLE).organisationColumn("org_id")
        .dateColumn("usage_date").featureColumn("feature").measureColumn("events").cacheDirectory(cacheRoot)
        .refreshInterval(Duration.ZERO).accessKeys(keys).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
    cass.close();
  }

  @BeforeEach
  void publish() throws Exception {
    share = new UsageTableStub(wm, Files.createTempDirectory("usage-page"));
    share.publish(3, List.of(D1, D2), null);
  }

  static HttpResponse<String> get(String pathAndQuery, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + pathAndQuery));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, String> points(HttpResponse<String> r, String labelField) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = SharingFixture.JSON.readTree(r.body());
    Map<String, String> out = new LinkedHashMap<>();
    body.get("points").forEach(p -> out.put(p.get(labelField).asText(), p.get("value").asText()));
    return out;
  }

  static final String RANGE = "?from=2024-05-01&to=2024-05-31";

  @Test
  @DisplayName("each key gets its own organisation's numbers per day and per feature, as JSON; an admin names one")
  void chartJsonPerOrganisation() throws Exception {
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + RANGE, acmeKey), "day"))
        .containsExactly(Map.entry("2024-05-01", "1290"), Map.entry("2024-05-02", "789"));
    assertThat(points(get(UsageAnalyticsServer.FEATURES_PATH + RANGE, acmeKey), "feature"))
        .containsExactly(Map.entry("dashboards", "2023"), Map.entry("exports", "56"));
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + RANGE, globexKey), "day"))
        .containsExactly(Map.entry("2024-05-01", "777001"), Map.entry("2024-05-02", "888002"));
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + RANGE + "&org=acme", adminKey), "day"))
        .containsExactly(Map.entry("2024-05-01", "1290"), Map.entry("2024-05-02", "789"));
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + "?from=2024-05-02&to=2024-05-02", acmeKey), "day"))
        .containsExactly(Map.entry("2024-05-02", "789"));
    JsonNode body = SharingFixture.JSON.readTree(get(UsageAnalyticsServer.DAILY_PATH + RANGE, acmeKey).body());
    assertThat(body.get("organisation").asText()).isEqualTo("acme");
    assertThat(body.get("measure").asText()).isEqualTo("events");

    // nothing of globex in acme's cache folder, and the reverse: judged by the cached rows themselves
    assertThat(cachedOrganisations("acme")).isNotEmpty().containsOnly("acme");
    assertThat(cachedOrganisations("globex")).isNotEmpty().containsOnly("globex");
  }

  static List<String> cachedOrganisations(String org) throws Exception {
    List<String> orgs = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(cacheRoot.resolve("org-" + org))) {
      for (Path p : walk.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (RowReader r = ParquetRows.read(p)) {
          r.forEachRemaining(row -> orgs.add(row.getString("org_id")));
        }
      }
    }
    return orgs;
  }

  @Test
  @DisplayName("the report draws SVG bars carrying the organisation's own numbers; another organisation's never appear")
  void reportHasOwnNumbersOnly() throws Exception {
    HttpResponse<String> r = get(UsageAnalyticsServer.REPORT_PATH + RANGE, acmeKey);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
        assertThat(v).contains("default-src 'none'"));
    String html = r.body();
    assertThat(html).contains("<svg id=\"daily-chart\"", "<svg id=\"feature-chart\"",
        "data-day=\"2024-05-01\" data-value=\"1290\"", "data-day=\"2024-05-02\" data-value=\"789\"",
        "data-feature=\"dashboards\" data-value=\"2023\"", "data-feature=\"exports\" data-value=\"56\"");
    assertThat(html).doesNotContain("globex").doesNotContain("777001").doesNotContain("888002")
        .doesNotContain("1665003");
  }

  @Test
  @DisplayName("a wrong, missing or foreign-organisation key gets no chart; bad ranges are 400")
  void refusals() throws Exception {
    for (String path : List.of(UsageAnalyticsServer.REPORT_PATH, UsageAnalyticsServer.DAILY_PATH,
        UsageAnalyticsServer.FEATURES_PATH)) {
      HttpResponse<String> wrong = get(path + RANGE, acmeKey.substring(0, acmeKey.length() - 2) + "xx");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain("1290").doesNotContain("svg");
      assertThat(get(path + RANGE, null).statusCode()).isEqualTo(401);
      assertThat(get(path + RANGE + "&org=globex", acmeKey).statusCode()).isEqualTo(403);
      assertThat(get(path + RANGE, adminKey).statusCode()).isEqualTo(400);
    }
    assertThat(get(UsageAnalyticsServer.DAILY_PATH + "?from=2024-05-03&to=2024-05-01", acmeKey).statusCode())
        .isEqualTo(400);
    assertThat(get(UsageAnalyticsServer.DAILY_PATH + "?from=2020-01-01&to=2024-05-01", acmeKey).statusCode())
        .isEqualTo(400);
    assertThat(get(UsageAnalyticsServer.DAILY_PATH + "?from=yesterday&to=2024-05-01", acmeKey).statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("an admin's org= that no key could name, and dates that are not YYYY-MM-DD, are 400 before any read")
  void hostileOrganisationsAndDates() throws Exception {
    int blobs = wm.findAll(getRequestedFor(urlPathMatching("/blob/.*"))).size();
    int queries = wm.findAll(postRequestedFor(urlPathMatching(".*/query"))).size();
    List<String> folders = folders(cacheRoot);
    List<String> hostile = List.of("../globex", "acme'", "\"acme\"", "acme\u0000", "acme ", " acme", "a/b", ".acme",
        "-acme", "acme\nglobex", "ac%me", "x".repeat(65), "x".repeat(5000), "*", "acmé");
    for (String org : hostile) {
      String q = RANGE + "&org=" + URLEncoder.encode(org, StandardCharsets.UTF_8);
      for (String path : List.of(UsageAnalyticsServer.PATH, UsageAnalyticsServer.DAILY_PATH,
          UsageAnalyticsServer.FEATURES_PATH, UsageAnalyticsServer.REPORT_PATH)) {
        HttpResponse<String> r = get(path + q, adminKey);
        assertThat(r.statusCode()).as(path + " org=" + org).isEqualTo(400);
        assertThat(r.body()).contains("organisation name").doesNotContain("1290").doesNotContain("777001");
      }
    }
    for (String day : List.of("+10000-01-01", "-0001-01-01", "2024-5-01", "2024-05-01T00:00", "２０２４-05-01",
        "2024-02-30", " 2024-05-01")) {
      String q = "?from=" + URLEncoder.encode(day, StandardCharsets.UTF_8) + "&to=2024-05-31";
      for (String path : List.of(UsageAnalyticsServer.PATH, UsageAnalyticsServer.DAILY_PATH)) {
        HttpResponse<String> r = get(path + q, acmeKey);
        assertThat(r.statusCode()).as(path + " from=" + day).isEqualTo(400);
        assertThat(r.body()).contains("YYYY-MM-DD");
      }
    }
    assertThat(wm.findAll(getRequestedFor(urlPathMatching("/blob/.*")))).hasSize(blobs);
    assertThat(wm.findAll(postRequestedFor(urlPathMatching(".*/query")))).hasSize(queries);
    assertThat(folders(cacheRoot)).isEqualTo(folders);
    // the longest name a key can have is accepted
    assertThat(get(UsageAnalyticsServer.DAILY_PATH + RANGE + "&org=" + "a.b_c-" + "x".repeat(58), adminKey)
        .statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an admin sweeping 600 organisation names leaves threads, memory and cache folders flat")
  void sweepOfOrganisationsStaysBounded() throws Exception {
    Path root = Files.createTempDirectory("usage-sweep");
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5)).build()).build();
    int cap = 4;
    try (UsageAnalyticsServer sweep = UsageAnalyticsServer.builder().client(client).table(UsageTableStub.TABLE)
        .organisationColumn("org_id").dateColumn("usage_date").measureColumn("events").cacheDirectory(root)
        .maxOpenOrganisations(cap).accessKeys(keys).build().start()) {
      URI base = sweep.uri();
      // warm up: the server's, client's and DuckDB's pools are made, and the cap is reached
      for (int i = 0; i < 3 * cap; i++) {
        assertThat(sweepGet(base, "warm" + i).statusCode()).isEqualTo(200);
      }
      int threadsBefore = Thread.activeCount();
      // four admins at once: evictions race with requests. The first 300 names bring every pool and allocator to
      // its plateau (the suite's JVM also touches heap it had committed but not used); memory is judged over the
      // next 300, where a cost per organisation (the issue: one DuckDB each, about 21 MB) would be over 6 GB
      sweep(base, root, 0, 300, cap);
      long rssBefore = residentKb();
      long javaBefore = javaCommittedBytes();
      sweep(base, root, 300, 600, cap);
      // judged by counts: pools that finish their work end their threads; at most the cap's databases stay open
      ServerSupport.await("threads back to the warmed-up count", Duration.ofSeconds(60),
          () -> Thread.activeCount() <= threadsBefore + 4);
      assertThat(folders(root)).hasSizeLessThanOrEqualTo(cap);
      // outside the JVM's own memory: the suite's JVM may grow its heap meanwhile (other classes ran before this
      // one), which says nothing about the server; DuckDB's memory is native
      long javaGrown = Math.max(0, javaCommittedBytes() - javaBefore);
      long grownMb = ((residentKb() - rssBefore) * 1024 - javaGrown) / (1024 * 1024);
      org.slf4j.LoggerFactory.getLogger(UsagePageTest.class).info(
          "resident memory outside the JVM's own over the last 300 names: {} MiB", grownMb);
      // one in-memory DuckDB per organisation name would be several GB here (the issue: 30 names, +640 MB)
      assertThat(grownMb).as("resident memory growth outside the JVM's heap and non-heap over the last 300 names, "
          + "in MiB").isLessThan(300);
    }
  }

  /** Four admins at once ask for names {@code from} to {@code to} (every 100th the real organisation). */
  private static void sweep(URI base, Path root, int from, int to, int cap) throws Exception {
    int sweepers = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(sweepers);
    List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
    for (int w = 0; w < sweepers; w++) {
      int worker = w;
      done.add(pool.submit(() -> {
        int maxFolders = 0;
        for (int i = from + worker; i < to; i += sweepers) {
          String org = i % 100 == 0 ? "acme" : "absent-" + i;
          HttpResponse<String> r = sweepGet(base, org);
          assertThat(r.statusCode()).as(org + ": " + r.body()).isEqualTo(200);
          if (org.equals("acme")) { // the real organisation gets its own numbers after its database was evicted
            assertThat(r.body()).contains("\"2024-05-01\"").contains("1290").doesNotContain("777001");
          } else {
            assertThat(SharingFixture.JSON.readTree(r.body()).get("points")).isEmpty();
          }
          maxFolders = Math.max(maxFolders, folders(root).size());
        }
        return maxFolders;
      }));
    }
    pool.shutdown();
    for (java.util.concurrent.Future<Integer> f : done) {
      // a folder exists per open database, and per one being closed by a request still under way
      assertThat(f.get()).as("cache folders seen during the sweep").isLessThanOrEqualTo(cap + sweepers);
    }
  }

  private static HttpResponse<String> sweepGet(URI base, String org) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + UsageAnalyticsServer.DAILY_PATH + RANGE + "&org=" + org))
        .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> folders(Path root) throws Exception {
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The memory the JVM itself has committed: heap and non-heap (metaspace, code cache). */
  private static long javaCommittedBytes() {
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    return memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
  }

  /** The process's resident memory (heap and native, DuckDB's included), from /proc. */
  private static long residentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  @DisplayName("the page shell holds a form and our script only, no data, with a strict CSP; the script is served")
  void shell() throws Exception {
    HttpResponse<String> page = get(UsageAnalyticsServer.PAGE_PATH, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
        assertThat(v).contains("script-src 'self'"));
    assertThat(page.body()).contains("<form id=\"query\"", "src=\"/usage/app.js\"").doesNotContain("1290")
        .doesNotContain("<svg").doesNotContain("http://").doesNotContain("https://");
    HttpResponse<String> js = get(UsageAnalyticsServer.PAGE_PATH + "/app.js", null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
    assertThat(js.body()).contains("'Authorization': 'Bearer '").doesNotContain("http");
  }

  @Test
  @DisplayName("a new table version reaches the charts on the next request, fetching only the new file; data is escaped")
  void versionBumpAndEscaping() throws Exception {
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + RANGE, acmeKey), "day")).hasSize(2);
    int before = wm.findAll(getRequestedFor(urlPathMatching("/blob/.*"))).size();
    DayFile d3 = new DayFile("d3", MAY3, List.of(row("acme", "<script>alert(1)</script>", 5, null, 1_714_694_400L)));
    share.publish(4, List.of(D1, D2, d3), null);
    assertThat(points(get(UsageAnalyticsServer.DAILY_PATH + RANGE, acmeKey), "day"))
        .containsEntry("2024-05-03", "5").hasSize(3);
    assertThat(wm.findAll(getRequestedFor(urlPathMatching("/blob/.*"))).size()).isEqualTo(before + 1);
    // the cache keeps the attached version only: one manifest (v4), and a cached file per file of v4
    Path tableFolder;
    try (Stream<Path> tables = Files.list(cacheRoot.resolve("org-acme"))) {
      tableFolder = tables.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    try (Stream<Path> list = Files.list(tableFolder)) {
      assertThat(list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList())
          .singleElement().satisfies(n -> assertThat(n).startsWith("v4-"));
    }
    try (Stream<Path> list = Files.list(tableFolder.resolve("files"))) {
      assertThat(list.count()).isEqualTo(3);
    }
    String html = get(UsageAnalyticsServer.REPORT_PATH + RANGE, acmeKey).body();
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
  }
}
