package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingFixture;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.SharingFixture.Field;
import static io.delpha.sdk.sharing.SharingFixture.endStreamLine;
import static io.delpha.sdk.sharing.SharingFixture.error;
import static io.delpha.sdk.sharing.SharingFixture.fileLine;
import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.metrics.MeterChecks;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.server.ServerTls;
import io.delpha.sdk.core.internal.http.TrustedCa;
import io.delpha.sdk.testing.TlsMaterial;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsageAnalyticsServerTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String TABLE_PATH = "/ds/shares/analytics/schemas/platform/tables/usage";
  static final RowSchema FILE = RowSchema.builder().required("org_id", ColumnType.STRING)
      .required("feature", ColumnType.STRING).required("events", ColumnType.LONG)
      .nullable("cost", ColumnType.decimal(12, 2)).build();

  static CassandraManager cass;
  static AccessKeys keys;
  static String acmeKey;
  static String globexKey;
  static String adminKey;
  static UsageAnalyticsServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    keys = AccessKeys.on(cass).keyspace("usage_keys_" + UUID.randomUUID().toString().substring(0, 8)).build();
    acmeKey = keys.issue("acme").secret();
    globexKey = keys.issue("globex").secret();
    adminKey = keys.issueAdmin().secret();
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5)).build()).build();
    server = UsageAnalyticsServer.builder().client(client).table("analytics.platform.usage")
        .organisationColumn("org_id").dateColumn("usage_date").accessKeys(keys).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
    cass.close();
  }

  /** Two days of usage for three organisations, one file per day, partitioned by usage_date. */
  @BeforeEach
  void stubSharedTable() throws Exception {
    Path dir = Files.createTempDirectory("usage");
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(schemaString(List.of(
        new Field("org_id", "string", false), new Field("feature", "string", false),
        new Field("events", "long", false), new Field("cost", "decimal(12,2)", true),
        new Field("usage_date", "date", true))), List.of("usage_date"))));
    String[] days = {"2024-05-01", "2024-05-02"};
    for (int d = 0; d < days.length; d++) {
      byte[] bytes = parquet(dir, FILE, List.of(
          Row.of(FILE, "acme", "dashboards", 10L + d, new BigDecimal("1.25")),
          Row.of(FILE, "globex", "dashboards", 20L + d, new BigDecimal("9.99")),
          Row.of(FILE, "initech", "exports", 30L + d, null),
          Row.of(FILE, "acme", "exports", 40L + d, new BigDecimal("0.50"))));
      String path = "/blob/usage/usage_date=" + days[d] + "/part-0.parquet";
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withBody(bytes)));
      lines.add(fileLine("file", wm.baseUrl() + path + "?sv=2023&sig=x", "f" + d, map("usage_date", days[d]),
          bytes.length, null, null, null, 4L));
    }
    lines.add(endStreamLine(null, null));
    // the server ignores the predicate hints and returns every file: the client must filter
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "3").withBody(ndjson(lines))));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "3").withBody(ndjson(lines.subList(0, 2)))));
  }

  static HttpResponse<String> call(String query, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/usage" + query)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    return SharingFixture.JSON.readTree(r.body());
  }

  @Test
  @DisplayName("with metrics, each request is timed by route and status class and each key check counted, no key id")
  void requestsAreMetered() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = Metrics.micrometer(registry);
    AccessKeys meteredKeys = AccessKeys.on(cass).keyspace(keys.keyspace()).metrics(metrics).build();
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token")).build();
    try (UsageAnalyticsServer metered = UsageAnalyticsServer.builder().client(client).table("analytics.platform.usage")
        .organisationColumn("org_id").dateColumn("usage_date").accessKeys(meteredKeys).metrics(metrics).build()
        .start()) {
      String base = metered.uri() + UsageAnalyticsServer.PATH;
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "?from=2024-05-01&to=2024-05-02"))
          .header("Authorization", "Bearer " + acmeKey).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "?from=2024-05-01&to=2024-05-02"))
          .header("Authorization", "Bearer " + acmeKey.substring(0, 30)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base)).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }
    String n = "delpha.http.server.requests";
    assertThat(MeterChecks.timed(registry, n, "service", "usage-analytics", "route", UsageAnalyticsServer.PATH,
        "method", "GET", "status", "2xx")).isEqualTo(1);
    assertThat(MeterChecks.timed(registry, n, "route", UsageAnalyticsServer.PATH, "status", "4xx")).isEqualTo(1);
    assertThat(MeterChecks.timed(registry, n, "route", "unmatched", "method", "DELETE", "status", "4xx"))
        .isEqualTo(1);
    assertThat(MeterChecks.count(registry, "delpha.security.authentications", "outcome", "ok")).isEqualTo(1);
    assertThat(MeterChecks.count(registry, "delpha.security.authentications", "outcome", "malformed")).isEqualTo(1);
    MeterChecks.assertBoundedTags(registry, false, acmeKey.substring(3, 23), "acme", "2024-05");
  }

  @Test
  @DisplayName("serves HTTPS from PEM key material: a key-gated request over TLS sees its own rows only")
  void https() throws Exception {
    TlsMaterial tls = TlsMaterial.shared();
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token")).build();
    try (UsageAnalyticsServer secure = UsageAnalyticsServer.builder().client(client).table("analytics.platform.usage")
        .organisationColumn("org_id").dateColumn("usage_date").accessKeys(keys)
        .options(ServerOptions.builder().tls(ServerTls.pem(tls.serverChainPem(), tls.serverKeyPem())).build())
        .build().start()) {
      assertThat(secure.uri().getScheme()).isEqualTo("https");
      HttpClient trusting = HttpClient.newBuilder().sslContext(TrustedCa.sslContext(tls.caPem())).build();
      HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create(secure.uri() + UsageAnalyticsServer.PATH
          + "?from=2024-05-01&to=2024-05-01")).header("Authorization", "Bearer " + acmeKey).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r).get("rows").findValuesAsText("org_id")).containsOnly("acme");
    }
  }

  @Test
  @DisplayName("malformed query encoding is 400 and refusals before authentication carry no internal text")
  void malformedAndUnauthenticated() throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout(60_000);
      raw.getOutputStream().write(("GET " + UsageAnalyticsServer.PATH + "?from=%zz&to=2024-05-01 HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + acmeKey + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(new String(raw.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 400");
    }
    HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + UsageAnalyticsServer.PATH
        + "?from=2024-05-01&to=2024-05-01")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(json(noKey).get("message").asText()).isEqualTo("authentication required");
    HttpResponse<String> forged = call("?from=2024-05-01&to=2024-05-01", acmeKey.substring(0, acmeKey.length() - 2) + "xx");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).isEqualTo(noKey.body());
  }

  @Test
  @DisplayName("each organisation's key sees its own rows in the date range and never another organisation's")
  void ownRowsOnly() throws Exception {
    HttpResponse<String> acmeAnswer = call("?from=2024-05-01&to=2024-05-01", acmeKey);
    assertThat(acmeAnswer.statusCode()).isEqualTo(200);
    JsonNode acme = json(acmeAnswer);
    assertThat(acme.get("organisation").asText()).isEqualTo("acme");
    assertThat(acme.get("rowCount").asInt()).isEqualTo(2);
    assertThat(acme.get("rows").findValuesAsText("org_id")).containsOnly("acme");
    assertThat(acme.get("rows").findValuesAsText("usage_date")).containsOnly("2024-05-01");
    assertThat(acme.get("rows").findValues("events")).extracting(JsonNode::asLong).containsExactlyInAnyOrder(10L, 40L);
    assertThat(acmeAnswer.body()).as("decimals keep their scale").contains("\"cost\":1.25").contains("\"cost\":0.50");

    JsonNode globex = json(call("?from=2024-05-01&to=2024-05-02", globexKey));
    assertThat(globex.get("rowCount").asInt()).isEqualTo(2);
    assertThat(globex.get("rows").findValuesAsText("org_id")).containsOnly("globex");
    assertThat(globex.toString()).doesNotContain("acme").doesNotContain("initech");
  }

  @Test
  @DisplayName("the admin key reads any organisation it names, and must name one")
  void admin() throws Exception {
    JsonNode initech = json(call("?from=2024-05-01&to=2024-05-31&org=initech", adminKey));
    assertThat(initech.get("rowCount").asInt()).isEqualTo(2);
    assertThat(initech.get("rows").findValuesAsText("org_id")).containsOnly("initech");
    assertThat(initech.get("rows").get(0).get("cost").isNull()).isTrue();

    HttpResponse<String> noOrg = call("?from=2024-05-01&to=2024-05-31", adminKey);
    assertThat(noOrg.statusCode()).isEqualTo(400);
    assertThat(json(noOrg).get("message").asText()).contains("org=");
  }

  @Test
  @DisplayName("an organisation key asking for another organisation is 403; its own by name is fine")
  void wrongOrganisation() throws Exception {
    HttpResponse<String> r = call("?from=2024-05-01&to=2024-05-02&org=globex", acmeKey);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).get("error").asText()).isEqualTo("forbidden");
    assertThat(r.body()).doesNotContain("dashboards");
    assertThat(call("?from=2024-05-01&to=2024-05-02&org=acme", acmeKey).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a missing, malformed, unknown or revoked key is 401 with a JSON error")
  void unauthenticated() throws Exception {
    HttpResponse<String> none = call("?from=2024-05-01&to=2024-05-02", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("error").asText()).isEqualTo("unauthorized");
    assertThat(call("?from=2024-05-01&to=2024-05-02", "garbage").statusCode()).isEqualTo(401);
    String forged = acmeKey.substring(0, acmeKey.length() - 4) + "AAAA";
    assertThat(call("?from=2024-05-01&to=2024-05-02", forged).statusCode()).isEqualTo(401);
    var revoked = keys.issue("acme");
    keys.revoke(revoked.id());
    HttpResponse<String> r = call("?from=2024-05-01&to=2024-05-02", revoked.secret());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain(revoked.secret());
  }

  @Test
  @DisplayName("missing, malformed or reversed dates are 400 with a JSON error")
  void badDates() throws Exception {
    for (String q : List.of("?from=2024-05-01", "?to=2024-05-01", "?from=2024-13-01&to=2024-05-02",
        "?from=yesterday&to=2024-05-02", "?from=2024-05-03&to=2024-05-02")) {
      HttpResponse<String> r = call(q, acmeKey);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(json(r).get("error").asText()).isEqualTo("bad_request");
    }
  }

  @Test
  @DisplayName("a sharing server that refuses or is down becomes 502 or 503 with a JSON error")
  void upstreamFailures() throws Exception {
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(403)
        .withBody(error("PERMISSION_DENIED", "recipient revoked"))));
    HttpResponse<String> refused = call("?from=2024-05-01&to=2024-05-02", acmeKey);
    assertThat(refused.statusCode()).isEqualTo(502);
    assertThat(json(refused).get("error").asText()).isEqualTo("upstream");

    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(503)
        .withBody(error("TEMPORARILY_UNAVAILABLE", "maintenance"))));
    HttpResponse<String> down = call("?from=2024-05-01&to=2024-05-02", acmeKey);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("error").asText()).isEqualTo("unavailable");
  }

  @Test
  @DisplayName("other paths are 404 and other methods 405")
  void routing() throws Exception {
    HttpResponse<String> nowhere = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/api/v2/usage")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(nowhere.statusCode()).isEqualTo(404);
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/usage"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
