package io.delpha.sdk.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.SharingFixture.Field;
import static io.delpha.sdk.sharing.SharingFixture.endStreamLine;
import static io.delpha.sdk.sharing.SharingFixture.fileLine;
import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cli.CliProcess;
import io.delpha.sdk.cli.Delpha;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delpha sharing serve} as the seed-001 middleware: configured from the seed's environment variables and
 * a secrets file, key-gated by the harness's real Cassandra, in front of a sharing server that answers as the Delta
 * Sharing protocol documents (WireMock: a SaaS that cannot run here).
 */
@Tag("process")
class SharingCliTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String TABLE_PATH = "/ds/shares/analytics/schemas/platform/tables/usage";
  static final RowSchema FILE = RowSchema.builder().required("org_id", ColumnType.STRING)
      .required("feature", ColumnType.STRING).required("events", ColumnType.LONG)
      .nullable("cost", ColumnType.decimal(12, 2)).build();

  /** The usage table as the sharing server answers it: 3 rows of acme and globex in one file. */
  static void stubUsageTable(Path dir) {
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(schemaString(List.of(
        new Field("org_id", "string", false), new Field("feature", "string", false),
        new Field("events", "long", false), new Field("cost", "decimal(12,2)", true),
        new Field("usage_date", "date", true))), List.of("usage_date"))));
    byte[] bytes = parquet(dir, FILE, List.of(Row.of(FILE, "acme", "dashboards", 10L, new BigDecimal("1.25")),
        Row.of(FILE, "globex", "dashboards", 20L, new BigDecimal("9.99")),
        Row.of(FILE, "acme", "exports", 40L, new BigDecimal("0.50"))));
    String path = "/blob/usage/usage_date=2024-05-01/part-0.parquet";
    wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withBody(bytes)));
    lines.add(fileLine("file", wm.baseUrl() + path + "?sv=2023&sig=x", "f0", map("usage_date", "2024-05-01"),
        bytes.length, null, null, null, 3L));
    lines.add(endStreamLine(null, null));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "3").withBody(ndjson(lines))));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "3").withBody(ndjson(lines.subList(0, 2)))));
    // the usage server keys its cache by the table's version (the protocol's GET .../version)
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/version")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "3")));
  }

  @Test
  void serveAnswersEachOrganisationWithItsOwnRowsOnly(@TempDir Path dir) throws Exception {
    stubUsageTable(dir);

    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    String store = "cli_usage_" + UUID.randomUUID().toString().substring(0, 8);
    String acmeKey;
    try (CassandraManager cass = CassandraManager.builder().contactPoint(c.host(), c.port())
        .localDatacenter(c.localDatacenter()).build()) {
      acmeKey = AccessKeys.on(cass).keyspace(store).build().issue("acme").secret();
    }
    String token = "recipient-token-" + UUID.randomUUID();
    Path secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{\"databricksToken\": \"" + token + "\", \"databricksTablesNames\": "
        + "{\"platform_aggregated_usage\": \"analytics.platform.usage\"}}");
    // KEY_VAULT_NAME set as in the seed, but --secrets given: the file wins, and a note says so
    Map<String, String> env = Map.of("DATABRICKS_HOST", wm.baseUrl() + "/ds/", "DATABRICKS_TOKEN_NAME",
        "databricksToken", "DELTASHARING_TABLES_NAME", "databricksTablesNames", "KEY_VAULT_NAME", "myvault");

    // a cache of this run's own: the default (~/.cache/delpha/usage) outlives the run, and its version-keyed files of
    // an earlier run's table would answer without a query
    try (CliProcess serve = CliProcess.start(env, null, "sharing", "serve", "--secrets", "file:" + secrets,
        "--cache-dir", dir.resolve("usage-cache").toString(),
        "--bind", "127.0.0.1:0", "--key-store", store, "--contact-point", c.host() + ":" + c.port(), "--local-dc",
        c.localDatacenter())) {
      String endpoint = serve.awaitLine("usage analytics: (\\S+) serving", Duration.ofSeconds(60));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(endpoint + "?from=2024-05-01&to=2024-05-31"))
          .header("Authorization", "Bearer " + acmeKey).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      JsonNode body = SharingFixture.JSON.readTree(ok.body());
      assertThat(body.path("organisation").asText()).isEqualTo("acme");
      assertThat(body.path("rowCount").asInt()).isEqualTo(2);
      assertThat(ok.body()).doesNotContain("globex");
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(endpoint
          + "?from=2024-05-01&to=2024-05-31&org=globex")).header("Authorization", "Bearer " + acmeKey).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(403);
      HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(endpoint + "?from=2024-05-01&to=2024-05-31"))
          .header("Authorization", "Bearer dk_forged_000").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).isEqualTo(401);
      wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query")).withHeader("Authorization",
          WireMock.equalTo("Bearer " + token)));
      CliProcess.Result stopped = serve.stop();
      // the transcript, kept in the test's output file
      System.out.println("$ delpha sharing serve --secrets file:secrets.json --bind 127.0.0.1:0 ...\n" + stopped.out()
          + stopped.err() + "\n$ curl -H 'Authorization: Bearer <acme key>' '" + endpoint
          + "?from=2024-05-01&to=2024-05-31'\n" + ok.statusCode() + " " + ok.body() + "\n$ ... &org=globex\n"
          + other.statusCode() + " " + other.body() + "\n$ curl -H 'Authorization: Bearer dk_forged_000' ...\n"
          + forged.statusCode() + " " + forged.body());
      assertThat(stopped.out() + stopped.err()).doesNotContain(token).doesNotContain(acmeKey);
      assertThat(stopped.err()).contains("KEY_VAULT_NAME is set, but --secrets file:");
    }

    // without --secrets, KEY_VAULT_NAME names the vault; one that cannot be a vault name fails before any call
    Map<String, String> vaultEnv = new java.util.HashMap<>(env);
    vaultEnv.put("KEY_VAULT_NAME", "not.a/vault");
    CliProcess.Result badVault = CliProcess.run(vaultEnv, "sharing", "serve");
    assertThat(badVault.exitCode()).isNotEqualTo(Delpha.OK);
    assertThat(badVault.err()).contains("'not.a/vault' is not a Key Vault name");

    CliProcess.Result missingEnv = CliProcess.run(Map.of(), "sharing", "serve", "--secrets", "file:" + secrets);
    assertThat(missingEnv.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(missingEnv.err()).contains("DATABRICKS_HOST");
  }

  @Test
  void listAndReadThroughAProfileAndAnEndpoint(@TempDir Path dir) throws Exception {
    stubUsageTable(dir);
    String token = "recipient-token-" + UUID.randomUUID();
    wm.stubFor(get(urlPathEqualTo("/ds/shares")).withHeader("Authorization", WireMock.equalTo("Bearer " + token))
        .willReturn(aResponse().withStatus(200).withBody(SharingFixture.page("items",
            List.of(map("name", "analytics", "id", "a1b2")), null))));
    wm.stubFor(get(urlPathEqualTo("/ds/shares/analytics/all-tables"))
        .withHeader("Authorization", WireMock.equalTo("Bearer " + token))
        .willReturn(aResponse().withStatus(200).withBody(SharingFixture.page("items",
            List.of(map("name", "usage", "schema", "platform", "share", "analytics")), null))));
    Path profile = dir.resolve("open.share");
    Files.writeString(profile, "{\"shareCredentialsVersion\": 1, \"endpoint\": \"" + wm.baseUrl() + "/ds/\", "
        + "\"bearerToken\": \"" + token + "\"}");

    CliProcess.Result shares = CliProcess.run(Map.of(), "sharing", "list", "--profile", profile.toString());
    assertThat(shares.exitCode()).as(shares.all()).isZero();
    assertThat(shares.out().strip()).isEqualTo("analytics");
    CliProcess.Result tables = CliProcess.run(Map.of(), "sharing", "list", "analytics", "--profile", profile.toString());
    assertThat(tables.exitCode()).as(tables.all()).isZero();
    assertThat(tables.out().strip()).isEqualTo("analytics.platform.usage");

    CliProcess.Result json = CliProcess.run(Map.of(), "sharing", "read", "analytics.platform.usage", "--profile",
        profile.toString(), "--format", "json");
    assertThat(json.exitCode()).as(json.all()).isZero();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : json.out().strip().split("\n")) {
      rows.add(SharingFixture.JSON.readTree(line));
    }
    assertThat(rows).hasSize(3);
    assertThat(rows).extracting(r -> r.path("org_id").asText() + "/" + r.path("feature").asText() + "/"
        + r.path("events").asLong() + "/" + r.path("usage_date").asText())
        .containsExactlyInAnyOrder("acme/dashboards/10/2024-05-01", "globex/dashboards/20/2024-05-01",
            "acme/exports/40/2024-05-01");
    assertThat(json.err()).contains("3 rows");

    // an endpoint with the token from the environment, CSV, at most one row
    CliProcess.Result csv = CliProcess.run(Map.of("DELPHA_SHARING_TOKEN", token), "sharing", "read",
        "analytics.platform.usage", "--endpoint", wm.baseUrl() + "/ds/", "--limit", "1");
    assertThat(csv.exitCode()).as(csv.all()).isZero();
    String[] csvLines = csv.out().strip().split("\n");
    assertThat(csvLines).hasSize(2);
    assertThat(csvLines[0]).startsWith("org_id,feature,events");

    // a wrong token: the server's 401 is a typed failure, exit 1, no stack trace, no token printed
    String wrong = "wrong-token-" + UUID.randomUUID();
    wm.stubFor(get(urlPathEqualTo("/ds/shares")).withHeader("Authorization", WireMock.equalTo("Bearer " + wrong))
        .willReturn(aResponse().withStatus(401).withBody(SharingFixture.error("UNAUTHENTICATED", "invalid token"))));
    CliProcess.Result refused = CliProcess.run(Map.of("DELPHA_SHARING_TOKEN", wrong), "sharing", "list", "--endpoint",
        wm.baseUrl() + "/ds/");
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    assertThat(refused.err()).startsWith("error: ").doesNotContain("\tat ");
    assertThat(refused.all()).doesNotContain(wrong).doesNotContain(token);

    CliProcess.Result noToken = CliProcess.run(Map.of(), "sharing", "list", "--endpoint", wm.baseUrl() + "/ds/");
    assertThat(noToken.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(noToken.err()).contains("DELPHA_SHARING_TOKEN");
  }

  @Test
  void sqlOverSharedTablesInEachFormatFetchingOnce(@TempDir Path dir) throws Exception {
    stubUsageTable(dir);
    String token = "recipient-token-" + UUID.randomUUID();
    Path profile = dir.resolve("open.share");
    Files.writeString(profile, "{\"shareCredentialsVersion\": 1, \"endpoint\": \"" + wm.baseUrl() + "/ds/\", "
        + "\"bearerToken\": \"" + token + "\"}");
    Path cache = dir.resolve("cache");
    String query = "SELECT org_id, sum(events) AS events, count(*) AS n FROM usage GROUP BY org_id ORDER BY org_id";

    CliProcess.Result table = CliProcess.run(Map.of(), "sharing", "sql", "--profile", profile.toString(), "--table",
        "analytics.platform.usage", "--cache-dir", cache.toString(), query);
    assertThat(table.exitCode()).as(table.all()).isZero();
    assertThat(table.out().strip().split("\n")).containsExactly(
        "org_id  events  n",
        "acme    50      2",
        "globex  20      1");
    assertThat(table.err()).contains("fetch analytics.platform.usage").contains("1 fetched").contains("2 rows");
    wm.verify(1, getRequestedFor(urlPathEqualTo("/blob/usage/usage_date=2024-05-01/part-0.parquet")));

    // again, as CSV under another view name: the version is cached, nothing is fetched or queried
    CliProcess.Result csv = CliProcess.run(Map.of(), "sharing", "sql", "--profile", profile.toString(), "--table",
        "u=analytics.platform.usage", "--cache-dir", cache.toString(), "--format", "csv",
        "SELECT feature, usage_date, sum(events) AS events FROM u WHERE org_id = 'acme' GROUP BY ALL ORDER BY 1");
    assertThat(csv.exitCode()).as(csv.all()).isZero();
    assertThat(csv.out().strip().split("\r?\n")).containsExactly("feature,usage_date,events",
        "dashboards,2024-05-01,10", "exports,2024-05-01,40");
    assertThat(csv.err()).contains("0 fetched");
    wm.verify(1, getRequestedFor(urlPathEqualTo("/blob/usage/usage_date=2024-05-01/part-0.parquet")));
    wm.verify(1, postRequestedFor(urlEqualTo(TABLE_PATH + "/query")));

    CliProcess.Result json = CliProcess.run(Map.of("DELPHA_SHARING_TOKEN", token), "sharing", "sql", "--endpoint",
        wm.baseUrl() + "/ds/", "--table", "analytics.platform.usage", "--cache-dir", cache.toString(), "--format",
        "json", "SELECT org_id, cost FROM usage WHERE events > 15 ORDER BY events");
    assertThat(json.exitCode()).as(json.all()).isZero();
    assertThat(json.out().strip().split("\n")).containsExactly("{\"org_id\":\"globex\",\"cost\":9.99}",
        "{\"org_id\":\"acme\",\"cost\":0.50}");

    CliProcess.Result bad = CliProcess.run(Map.of(), "sharing", "sql", "--profile", profile.toString(), "--table",
        "analytics.platform.usage", "--cache-dir", cache.toString(), "SELECT nope FROM usage");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("the query failed").doesNotContain("\tat ").doesNotContain(token);
    assertThat(table.all() + csv.all() + json.all()).doesNotContain(token);
  }
}
