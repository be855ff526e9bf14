package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingFixture;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The usage page and its chart endpoints over real HTTP, real access keys in the harness's real Cassandra, DuckDB
 * over the cache, and a sharing server answering as the protocol documents (WireMock). Each organisation's numbers
 * are distinctive, so another organisation's numbers would be seen if they leaked.
 */
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
    // the longest name a key can have passes the name check; no key and no rows: 404, with nothing read for it
    assertThat(get(UsageAnalyticsServer.DAILY_PATH + RANGE + "&org=" + "a.b_c-" + "x".repeat(58), adminKey)
        .statusCode()).isEqualTo(404);
  }

  private static List<String> folders(Path root) throws Exception {
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
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
    // the one cache keeps the attached version only: one manifest (v4), and a cached file per file of v4
    Path tableFolder;
    try (Stream<Path> tables = Files.list(cacheRoot)) {
      tableFolder = tables.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    try (Stream<Path> list = Files.list(tableFolder)) {
      assertThat(list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList())
          .containsExactly("v4.json");
    }
    try (Stream<Path> list = Files.list(tableFolder.resolve("files"))) {
      assertThat(list.count()).isEqualTo(3);
    }
    String html = get(UsageAnalyticsServer.REPORT_PATH + RANGE, acmeKey).body();
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
  }
}
