package io.delpha.sdk.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.SharingFixture.Field;
import static io.delpha.sdk.sharing.SharingFixture.drain;
import static io.delpha.sdk.sharing.SharingFixture.endStreamLine;
import static io.delpha.sdk.sharing.SharingFixture.error;
import static io.delpha.sdk.sharing.SharingFixture.fileLine;
import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.page;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.testing.S3Server;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

class DeltaSharingClientTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String TOKEN = "dapi-test-token-0123456789";
  static final String TABLE_PATH = "/delta-sharing/shares/analytics/schemas/platform/tables/usage";

  /** The columns stored in the data files (the partition column usage_date is not in them). */
  static final RowSchema FILE_SCHEMA = RowSchema.builder()
      .required("org", ColumnType.STRING)
      .required("user_id", ColumnType.LONG)
      .nullable("events", ColumnType.INT)
      .nullable("cost", ColumnType.decimal(10, 2))
      .nullable("ratio", ColumnType.DOUBLE)
      .nullable("active", ColumnType.BOOLEAN)
      .nullable("seen_at", ColumnType.TIMESTAMP)
      .nullable("payload", ColumnType.BYTES)
      .build();

  static final String SCHEMA_STRING = schemaString(List.of(
      new Field("org", "string", false), new Field("user_id", "long", false), new Field("events", "short", true),
      new Field("cost", "decimal(10,2)", true), new Field("ratio", "float", true),
      new Field("active", "boolean", true), new Field("seen_at", "timestamp", true),
      new Field("payload", "binary", true), new Field("usage_date", "date", true)));

  static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(5))
      .maxDelay(Duration.ofMillis(20)).build();

  @TempDir
  Path dir;

  DeltaSharingClient client;

  @BeforeEach
  void client() {
    client = clientFor(wm.baseUrl() + "/delta-sharing/", 3);
  }

  DeltaSharingClient clientFor(String endpoint, int parallelism) {
    return DeltaSharingClient.builder().endpoint(endpoint).bearerToken(Secret.of(TOKEN))
        .retryPolicy(FAST).downloadParallelism(parallelism).build();
  }

  static Row fileRow(String org, long user, int events, String cost) {
    return Row.of(FILE_SCHEMA, org, user, events, new BigDecimal(cost), events / 4.0, events % 2 == 0,
        Instant.parse("2024-01-01T10:00:00.123456Z").plusSeconds(user), new byte[] {(byte) user});
  }

  /** Stubs three data files on WireMock and returns their file lines. */
  List<String> stubFiles(String urlPrefix, Long expiration) {
    List<String> lines = new ArrayList<>();
    byte[] a = parquet(dir, FILE_SCHEMA, List.of(fileRow("acme", 1, 10, "1.50"), fileRow("acme", 2, 11, "2.25"),
        fileRow("globex", 3, 12, "3.00")));
    byte[] b = parquet(dir, FILE_SCHEMA, List.of(fileRow("acme", 4, 13, "4.10"), fileRow("globex", 5, 14, "5.00"),
        fileRow("globex", 6, 15, "6.99")));
    byte[] c = parquet(dir, FILE_SCHEMA, List.of(fileRow("initech", 7, 16, "0.01")));
    String[] dates = {"2024-01-01", "2024-01-02", ""};
    byte[][] files = {a, b, c};
    for (int i = 0; i < 3; i++) {
      String path = "/storage/usage/part-" + i + ".snappy.parquet";
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/octet-stream").withBody(files[i])));
      lines.add(fileLine("file", wm.baseUrl() + path + urlPrefix, "file-" + i, map("usage_date", dates[i]),
          files[i].length, expiration, null, null, 3L));
    }
    return lines;
  }

  void stubQuery(List<String> fileLines) {
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date"))));
    lines.addAll(fileLines);
    lines.add(endStreamLine(null, null));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(ndjsonAnswer(lines)));
    stubMetadata();
  }

  void stubMetadata() {
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-ndjson; charset=utf-8").withHeader("Delta-Table-Version", "7")
        .withBody(ndjson(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date")))))));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ndjsonAnswer(List<String> lines) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/x-ndjson; charset=utf-8")
        .withHeader("Delta-Table-Version", "7")
        .withHeader("delta-sharing-capabilities", "responseformat=parquet;includeendstreamaction=true")
        .withBody(ndjson(lines));
  }

  static List<Row> sortedById(List<Row> rows) {
    return rows.stream().sorted(Comparator.comparing(r -> r.getLong("user_id"))).collect(Collectors.toList());
  }

  @Test
  @DisplayName("listShares follows nextPageToken and stops at an empty token; items may be missing; the bearer token is sent")
  void listSharesPaginates() {
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).withQueryParam("pageToken", absent())
        .willReturn(okJson(page("items", List.of(map("name", "vaccine_share", "id", "edacc4a7")), "tok-1"))));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).withQueryParam("pageToken", equalTo("tok-1"))
        .willReturn(okJson(page(null, List.of(), "tok-2"))));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).withQueryParam("pageToken", equalTo("tok-2"))
        .willReturn(okJson(page("items", List.of(map("name", "sales_share")), ""))));

    List<Share> shares = client.listShares();

    assertThat(shares).extracting(Share::name).containsExactly("vaccine_share", "sales_share");
    assertThat(shares.get(0).id()).isEqualTo("edacc4a7");
    assertThat(shares.get(1).id()).isNull();
    wm.verify(3, getRequestedFor(urlPathEqualTo("/delta-sharing/shares"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  @DisplayName("listSchemas, listTables and listAllTables read every page; a missing nextPageToken ends the list")
  void listSchemasAndTables() {
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares/analytics/schemas")).willReturn(okJson(
        page("items", List.of(map("name", "platform", "share", "analytics")), null))));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares/analytics/schemas/platform/tables"))
        .withQueryParam("pageToken", absent()).willReturn(okJson(page("items",
            List.of(map("name", "usage", "schema", "platform", "share", "analytics", "id", "t-1")), "p2"))));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares/analytics/schemas/platform/tables"))
        .withQueryParam("pageToken", equalTo("p2")).willReturn(okJson(page("items",
            List.of(map("name", "billing", "schema", "platform", "share", "analytics")), null))));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares/analytics/all-tables")).willReturn(okJson(page("items",
        List.of(map("name", "usage", "schema", "platform", "share", "analytics"),
            map("name", "logins", "schema", "security", "share", "analytics")), ""))));

    assertThat(client.listSchemas("analytics")).containsExactly(new SharedSchema("platform", "analytics"));
    assertThat(client.listTables("analytics", "platform")).extracting(SharedTable::coordinates)
        .containsExactly("analytics.platform.usage", "analytics.platform.billing");
    assertThat(client.listAllTables("analytics")).extracting(SharedTable::coordinates)
        .containsExactly("analytics.platform.usage", "analytics.security.logins");
  }

  @Test
  @DisplayName("metrics: each call to the server timed by operation and outcome, with bounded tags")
  void metrics() {
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).willReturn(okJson(
        page("items", List.of(map("name", "vaccine_share")), ""))));
    stubQuery(stubFiles("?X-Amz-Signature=abc", null));
    wm.stubFor(get(urlEqualTo("/delta-sharing/shares/a/schemas/b/tables/c/version")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"errorCode\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"table c does not exist\"}")));
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    DeltaSharingClient metered = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/delta-sharing/")
        .bearerToken(Secret.of(TOKEN)).retryPolicy(FAST).metrics(io.delpha.sdk.core.Metrics.micrometer(registry))
        .build();
    assertThat(metered.listShares()).hasSize(1);
    try (RowReader reader = metered.readTable("analytics.platform.usage")) {
      assertThat(drain(reader)).hasSize(7);
    }
    assertThatThrownBy(() -> metered.tableVersion("a.b.c")).isInstanceOf(NotFoundException.class);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "delta-sharing", "list_shares", "success")).isEqualTo(1);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "delta-sharing", "query", "success")).isEqualTo(1);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "delta-sharing", "table_version", "not_found")).isEqualTo(1);
    io.delpha.sdk.metrics.MeterChecks.assertBoundedTags(registry, false, TOKEN, "analytics", "usage");
  }

  @Test
  @DisplayName("a server that hands out the same page token twice is a ResponseLimitException (page handle), not an "
      + "endless loop")
  void repeatedPageToken() {
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).willReturn(okJson(
        page("items", List.of(map("name", "s")), "same"))));
    assertThatThrownBy(() -> client.listShares()).isInstanceOfSatisfying(
        io.delpha.sdk.core.ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("page handle");
          assertThat(e).hasMessageContaining("already read");
        });
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/delta-sharing/shares")))).as("two pages, no more")
        .hasSize(2);
  }

  @Test
  @DisplayName("tableVersion reads the delta-table-version header; a missing header is a DataFormatException")
  void tableVersion() {
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/version")).willReturn(aResponse().withStatus(200)
        .withHeader("delta-table-version", "123")));
    assertThat(client.tableVersion("analytics.platform.usage")).isEqualTo(123L);

    wm.stubFor(get(urlEqualTo("/delta-sharing/shares/a/schemas/b/tables/c/version")).willReturn(aResponse().withStatus(200)));
    assertThatThrownBy(() -> client.tableVersion("a.b.c")).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("Delta-Table-Version");
    assertThatThrownBy(() -> client.tableVersion("not-a-table")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("tableMetadata maps every Spark primitive type to the row schema and keeps partition columns")
  void tableMetadata() {
    stubMetadata();
    TableMetadata m = client.tableMetadata("analytics.platform.usage");
    assertThat(m.version()).isEqualTo(7L);
    assertThat(m.partitionColumns()).containsExactly("usage_date");
    assertThat(m.schema().columns()).containsExactly(
        Column.required("org", ColumnType.STRING), Column.required("user_id", ColumnType.LONG),
        Column.nullable("events", ColumnType.INT), Column.nullable("cost", ColumnType.decimal(10, 2)),
        Column.nullable("ratio", ColumnType.DOUBLE), Column.nullable("active", ColumnType.BOOLEAN),
        Column.nullable("seen_at", ColumnType.TIMESTAMP), Column.nullable("payload", ColumnType.BYTES),
        Column.nullable("usage_date", ColumnType.DATE));
    assertThat(m.configuration()).containsEntry("enableChangeDataFeed", "true");
    wm.verify(getRequestedFor(urlEqualTo(TABLE_PATH + "/metadata"))
        .withHeader("delta-sharing-capabilities", matching("responseformat=delta,parquet;readerfeatures=[a-z0-9,-]*deletionvectors[a-z0-9,-]*;includeendstreamaction=true")));
  }

  @Test
  @DisplayName("nested column types map to LIST, MAP and STRUCT, variant to VARIANT; a type the row model lacks is a DataFormatException naming the column")
  void nestedTypesAndUnknownTypes() {
    String nested = "{\"type\":\"struct\",\"fields\":[{\"name\":\"tags\",\"type\":{\"type\":\"array\","
        + "\"elementType\":\"string\",\"containsNull\":true},\"nullable\":true,\"metadata\":{}}]}";
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(ndjsonAnswer(List.of(protocolLine(),
        metadataLine(nested, List.of()), endStreamLine(null, null)))));
    assertThat(client.tableMetadata("analytics.platform.usage").schema().column("tags").type())
        .isEqualTo(ColumnType.list(ColumnType.STRING, true));
    String variant = "{\"type\":\"struct\",\"fields\":[{\"name\":\"doc\",\"type\":\"variant\","
        + "\"nullable\":true,\"metadata\":{}}]}";
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(ndjsonAnswer(List.of(protocolLine(),
        metadataLine(variant, List.of()), endStreamLine(null, null)))));
    assertThat(client.tableMetadata("analytics.platform.usage").schema().column("doc").type())
        .isEqualTo(ColumnType.VARIANT);
    String interval = "{\"type\":\"struct\",\"fields\":[{\"name\":\"span\",\"type\":\"interval\","
        + "\"nullable\":true,\"metadata\":{}}]}";
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(ndjsonAnswer(List.of(protocolLine(),
        metadataLine(interval, List.of()), endStreamLine(null, null)))));
    assertThatThrownBy(() -> client.tableMetadata("analytics.platform.usage"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("span").hasMessageContaining("interval");
  }

  @Test
  @DisplayName("readTable streams every row of every file, typed, with partition values parsed from strings; the token never goes to file URLs")
  void readTableTyped() {
    stubQuery(stubFiles("?X-Amz-Signature=abc", null));

    List<Row> rows;
    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      rows = sortedById(drain(reader));
    }

    assertThat(rows).hasSize(7);
    Row first = rows.get(0);
    assertThat(first.getString("org")).isEqualTo("acme");
    assertThat(first.getLong("user_id")).isEqualTo(1L);
    assertThat(first.getInt("events")).isEqualTo(10);
    assertThat(first.getDecimal("cost")).isEqualTo(new BigDecimal("1.50"));
    assertThat(first.getDouble("ratio")).isEqualTo(2.5);
    assertThat(first.getBoolean("active")).isTrue();
    assertThat(first.getTimestamp("seen_at")).isEqualTo(Instant.parse("2024-01-01T10:00:01.123456Z"));
    assertThat(first.getBytes("payload")).containsExactly(1);
    assertThat(first.getDate("usage_date")).isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(rows.get(4).getDate("usage_date")).isEqualTo(LocalDate.of(2024, 1, 2));
    assertThat(rows.get(6).isNull("usage_date")).as("an empty partition value is null").isTrue();

    wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("delta-sharing-capabilities", matching("responseformat=delta,parquet;readerfeatures=[a-z0-9,-]*deletionvectors[a-z0-9,-]*;includeendstreamaction=true"))
        .withRequestBody(equalToJson("{\"maxFiles\":10000}")));
    List<LoggedRequest> fileRequests = wm.findAll(anyRequestedFor(urlPathMatching("/storage/.*")));
    assertThat(fileRequests).hasSize(3);
    assertThat(fileRequests).allSatisfy(r -> assertThat(r.containsHeader("Authorization")).isFalse());
    assertThat(fileRequests).allSatisfy(r -> assertThat(r.getBodyAsString()).doesNotContain(TOKEN));
  }

  @Test
  @DisplayName("filter and limit go to the server as hints and are applied again on the client when the server ignores them")
  void filterAndLimitReappliedOnClient() {
    stubQuery(stubFiles("", null));

    List<Row> acme;
    try (RowReader reader = client.readTable("analytics.platform.usage", QueryOptions.builder()
        .filter(Filter.and(Filter.eq("org", "acme"), Filter.ge("usage_date", LocalDate.of(2024, 1, 1)))).build())) {
      acme = drain(reader);
    }
    assertThat(acme).extracting(r -> r.getLong("user_id")).containsExactlyInAnyOrder(1L, 2L, 4L);

    List<LoggedRequest> queries = wm.findAll(postRequestedFor(urlEqualTo(TABLE_PATH + "/query")));
    String hint = SharingFixture.JSON.valueToTree(queries.get(0).getBodyAsString()).asText();
    assertThat(hint).contains("jsonPredicateHints").contains("\\\"op\\\":\\\"and\\\"")
        .contains("\\\"valueType\\\":\\\"date\\\"").contains("2024-01-01");

    try (RowReader reader = client.readTable("analytics.platform.usage", QueryOptions.builder().limit(2).build())) {
      assertThat(drain(reader)).hasSize(2);
    }
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(TABLE_PATH + "/query"))).get(1).getBodyAsString())
        .contains("\"limitHint\":2");

    assertThatThrownBy(() -> client.readTable("analytics.platform.usage",
        QueryOptions.builder().filter(Filter.eq("no_such_column", 1)).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no_such_column");
  }

  @Test
  @DisplayName("version and timestamp are sent in the query body")
  void timeTravel() {
    stubQuery(stubFiles("", null));
    try (RowReader reader = client.readTable("analytics.platform.usage", QueryOptions.builder().version(3).build())) {
      assertThat(drain(reader)).hasSize(7);
    }
    try (RowReader reader = client.readTable("analytics.platform.usage",
        QueryOptions.builder().timestamp(Instant.parse("2024-01-01T00:00:00Z")).build())) {
      assertThat(drain(reader)).hasSize(7);
    }
    wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query")).withRequestBody(equalToJson("{\"version\":3,\"maxFiles\":10000}")));
    wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query"))
        .withRequestBody(equalToJson("{\"timestamp\":\"2024-01-01T00:00:00Z\",\"maxFiles\":10000}")));
  }

  @Test
  @DisplayName("a presigned URL past its expirationTimestamp is refreshed by re-querying; the stale URL is never fetched")
  void expiredUrlRefreshed() {
    long past = System.currentTimeMillis() - 60_000;
    long future = System.currentTimeMillis() + 3_600_000;
    List<String> stale = stubFiles("?sig=old", past);
    List<String> fresh = stubFiles("?sig=new", future);
    List<String> head = List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date")));
    List<String> first = new ArrayList<>(head);
    first.addAll(stale);
    first.add(endStreamLine(null, null));
    List<String> second = new ArrayList<>(head);
    second.addAll(fresh);
    second.add(endStreamLine(null, null));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).inScenario("expiry").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(ndjsonAnswer(first)).willSetStateTo("refreshed"));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).inScenario("expiry").whenScenarioStateIs("refreshed")
        .willReturn(ndjsonAnswer(second)));

    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      assertThat(drain(reader)).hasSize(7);
    }
    wm.verify(2, postRequestedFor(urlEqualTo(TABLE_PATH + "/query")));
    assertThat(wm.findAll(anyRequestedFor(urlPathMatching("/storage/.*"))))
        .allSatisfy(r -> assertThat(r.getUrl()).endsWith("sig=new"));
  }

  @Test
  @DisplayName("a 403 from storage (URL expired early) is answered by re-querying for a fresh URL")
  void storage403Refreshed() {
    String s3Expired = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
        + "<Message>Request has expired</Message></Error>";
    List<String> lines = stubFiles("", null);
    wm.stubFor(get(urlPathEqualTo("/storage/usage/part-1.snappy.parquet")).inScenario("403")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/xml").withBody(s3Expired))
        .willSetStateTo("refused-once"));
    stubQuery(lines);

    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      assertThat(drain(reader)).hasSize(7);
    }
    wm.verify(2, postRequestedFor(urlEqualTo(TABLE_PATH + "/query")));
  }

  @Test
  @DisplayName("an endStreamAction carrying an error mid-stream becomes the typed error of its status")
  void endStreamActionError() {
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date"))));
    lines.addAll(stubFiles("", null).subList(0, 1));
    lines.add(endStreamLine("Table access was revoked during the query", 403));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(ndjsonAnswer(lines)));

    assertThatThrownBy(() -> client.readTable("analytics.platform.usage"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("revoked during the query")
        .hasMessageContaining("mid-stream");
  }

  @Test
  @DisplayName("an answer cut short before its promised endStreamAction is a ServiceUnavailableException")
  void truncatedAnswer() {
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date"))));
    lines.addAll(stubFiles("", null));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(ndjsonAnswer(lines)));
    assertThatThrownBy(() -> client.readTable("analytics.platform.usage"))
        .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("endStreamAction");
  }

  @Test
  @DisplayName("a delta-format table needing a reader feature the client lacks is an UnsupportedTableFeatureException naming it; a delta line in a parquet answer is a DataFormatException")
  void deltaFormatFeaturesAndMixedAnswers() {
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "7").withHeader("delta-sharing-capabilities", "responseformat=delta")
        .withBody(ndjson(List.of("{\"protocol\":{\"deltaProtocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
            + "\"readerFeatures\":[\"deletionVectors\",\"catalogManaged\"]}}}")))));
    assertThatThrownBy(() -> client.readTable("analytics.platform.usage"))
        .isInstanceOfSatisfying(UnsupportedTableFeatureException.class,
            e -> assertThat(e.feature()).isEqualTo("catalogManaged"))
        .hasMessageContaining("catalogManaged");

    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "7")
        .withBody(ndjson(List.of("{\"protocol\":{\"deltaProtocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7}}}")))));
    assertThatThrownBy(() -> client.readTable("analytics.platform.usage"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("delta format");
  }

  @Test
  @DisplayName("errorCode/message bodies become typed errors: 400, 401 (wrong token), 403, 404; no token in messages")
  void typedErrors() {
    stubError("/delta-sharing/shares/bad/schemas", 400, "INVALID_PARAMETER_VALUE", "maxResults must be non-negative");
    stubError("/delta-sharing/shares/secret/schemas", 403, "PERMISSION_DENIED", "not a recipient of this share");
    stubError("/delta-sharing/shares/missing/schemas", 404, "RESOURCE_DOES_NOT_EXIST", "share 'missing' not found");
    stubError("/delta-sharing/shares", 401, "UNAUTHENTICATED", "The bearer token is missing or incorrect");

    assertThatThrownBy(() -> client.listSchemas("bad")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("INVALID_PARAMETER_VALUE").hasMessageContaining("maxResults must be non-negative");
    assertThatThrownBy(() -> client.listSchemas("secret")).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("PERMISSION_DENIED");
    assertThatThrownBy(() -> client.listSchemas("missing")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
    assertThatThrownBy(() -> client.listShares()).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("UNAUTHENTICATED").hasMessageNotContaining(TOKEN);
    wm.verify(1, getRequestedFor(urlPathEqualTo("/delta-sharing/shares")));
  }

  void stubError(String path, int status, String code, String message) {
    wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(error(code, message))));
  }

  @Test
  @DisplayName("429 and 5xx are retried with backoff; when retries run out they become RateLimited/ServiceUnavailable")
  void retries() {
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
            .withBody(error("RESOURCE_EXHAUSTED", "slow down"))).willSetStateTo("503"));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).inScenario("busy").whenScenarioStateIs("503")
        .willReturn(aResponse().withStatus(503).withBody(error("TEMPORARILY_UNAVAILABLE", "restarting")))
        .willSetStateTo("ok"));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).inScenario("busy").whenScenarioStateIs("ok")
        .willReturn(okJson(page("items", List.of(map("name", "s")), null))));
    assertThat(client.listShares()).extracting(Share::name).containsExactly("s");

    stubError("/delta-sharing/shares/busy/schemas", 429, "RESOURCE_EXHAUSTED", "quota");
    assertThatThrownBy(() -> client.listSchemas("busy")).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("after 3 attempts");
    stubError("/delta-sharing/shares/down/schemas", 500, "INTERNAL_ERROR", "boom");
    assertThatThrownBy(() -> client.listSchemas("down")).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("INTERNAL_ERROR");
    wm.verify(3, getRequestedFor(urlPathEqualTo("/delta-sharing/shares/down/schemas")));
  }

  @Test
  @DisplayName("storage dropping the connection mid-download is retried; a storage that keeps failing is a ServiceUnavailableException")
  void serverGoesAwayMidDownload() {
    List<String> lines = stubFiles("", null);
    wm.stubFor(get(urlPathEqualTo("/storage/usage/part-2.snappy.parquet")).inScenario("reset")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)).willSetStateTo("recovered"));
    stubQuery(lines);
    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      assertThat(drain(reader)).hasSize(7);
    }

    wm.stubFor(get(urlPathEqualTo("/storage/usage/part-0.snappy.parquet"))
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      assertThatThrownBy(() -> drain(reader)).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("file-0").hasMessageContaining("3 attempts");
    }
  }

  @Test
  @DisplayName("a sharing server that is not there is a ServiceUnavailableException after the retries")
  void serverDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    DeltaSharingClient dead = clientFor("http://127.0.0.1:" + port + "/delta-sharing/", 1);
    assertThatThrownBy(dead::listShares).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("3 attempts");
  }

  @Test
  @DisplayName("many files of several chunks each, decoded by parallel workers: every row exactly once, files' rows in order; a corrupt file fails the read")
  void parallelDecodeIsComplete() {
    List<String> lines = new ArrayList<>();
    int files = 9;
    int perFile = 2_500; // more than two chunks a file
    int[] sizes = new int[files];
    for (int f = 0; f < files; f++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < perFile; i++) {
        long user = (long) f * perFile + i;
        rows.add(fileRow("org" + f, user, (int) (user % 97), "1.00"));
      }
      byte[] body = parquet(dir, FILE_SCHEMA, rows);
      sizes[f] = body.length;
      String path = "/storage/many/part-" + f + ".parquet";
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(body)));
      lines.add(fileLine("file", wm.baseUrl() + path, "many-" + f, map("usage_date", "2024-02-0" + (1 + f)),
          body.length, null, null, null, 3L));
    }
    stubQuery(lines);
    List<Row> all;
    try (RowReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 4).readTable("analytics.platform.usage")) {
      all = drain(reader);
    }
    assertThat(all).hasSize(files * perFile);
    assertThat(all.stream().map(r -> r.getLong("user_id")).distinct().count()).isEqualTo((long) files * perFile);
    for (int f = 0; f < files; f++) {
      String org = "org" + f;
      List<Long> ids = all.stream().filter(r -> r.getString("org").equals(org)).map(r -> r.getLong("user_id")).toList();
      assertThat(ids).as("rows of one file keep their order").isSorted().hasSize(perFile);
      LocalDate date = LocalDate.of(2024, 2, 1 + f);
      assertThat(all.stream().filter(r -> r.getString("org").equals(org)))
          .allSatisfy(r -> assertThat(r.getDate("usage_date")).isEqualTo(date));
    }

    // the same table with one file replaced by bytes that are not Parquet
    String broken = "/storage/many/part-4.parquet";
    wm.stubFor(get(urlPathEqualTo(broken)).willReturn(aResponse().withStatus(200)
        .withBody(new byte[sizes[4]])));
    try (RowReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 4).readTable("analytics.platform.usage")) {
      assertThatThrownBy(() -> drain(reader)).isInstanceOf(DataFormatException.class).hasMessageContaining("many-4");
      assertThat(reader.hasNext()).as("a failed reader is closed").isFalse();
    }
  }

  /** Every row of every batch, copied out before the next batch reuses the vectors. */
  static List<Row> drainBatches(ColumnBatchReader reader) {
    List<Row> rows = new ArrayList<>();
    for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
      assertThat(batch.rowCount()).isPositive();
      for (int i = 0; i < batch.rowCount(); i++) {
        rows.add(batch.row(i));
      }
    }
    return rows;
  }

  @Test
  @DisplayName("readTableBatches holds exactly the rows readTable holds: same values, partition columns filled in, filter and limit applied")
  void batchesEqualRows() {
    stubQuery(stubFiles("?X-Amz-Signature=abc", null));
    List<Row> rows;
    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      rows = sortedById(drain(reader));
    }
    List<Row> fromBatches;
    try (ColumnBatchReader reader = client.readTableBatches("analytics.platform.usage")) {
      assertThat(reader.schema()).isEqualTo(rows.get(0).schema());
      fromBatches = sortedById(drainBatches(reader));
      assertThat(reader.next()).as("an exhausted reader stays exhausted").isNull();
    }
    assertThat(fromBatches).hasSize(7);
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < rows.get(i).schema().size(); c++) {
        assertThat(fromBatches.get(i).get(c)).as("row %d column %d", i, c).isEqualTo(rows.get(i).get(c));
      }
    }

    try (ColumnBatchReader reader = client.readTableBatches("analytics.platform.usage", QueryOptions.builder()
        .filter(Filter.and(Filter.eq("org", "acme"), Filter.ge("usage_date", LocalDate.of(2024, 1, 1)))).build())) {
      assertThat(drainBatches(reader)).extracting(r -> r.getLong("user_id")).containsExactlyInAnyOrder(1L, 2L, 4L);
    }
    try (ColumnBatchReader reader = client.readTableBatches("analytics.platform.usage",
        QueryOptions.builder().limit(2).build())) {
      assertThat(drainBatches(reader)).hasSize(2);
    }
    try (ColumnBatchReader reader = client.readTableBatches("analytics.platform.usage",
        QueryOptions.builder().limit(0).build())) {
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  @DisplayName("batches of many files decoded by parallel workers: every row once, read through the vectors; a corrupt file fails the read and closes it")
  void parallelBatchesAreComplete() {
    List<String> lines = new ArrayList<>();
    int files = 7;
    int perFile = 9_000; // several batches a file
    long expectedSum = 0;
    int[] sizes = new int[files];
    for (int f = 0; f < files; f++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < perFile; i++) {
        long user = (long) f * perFile + i;
        rows.add(fileRow("org" + f, user, (int) (user % 97), "1.00"));
        expectedSum += user;
      }
      byte[] body = parquet(dir, FILE_SCHEMA, rows);
      sizes[f] = body.length;
      String path = "/storage/batches/part-" + f + ".parquet";
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(body)));
      lines.add(fileLine("file", wm.baseUrl() + path, "batches-" + f, map("usage_date", "2024-03-0" + (1 + f)),
          body.length, null, null, null, 3L));
    }
    stubQuery(lines);
    long count = 0;
    long sum = 0;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    try (ColumnBatchReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 3)
        .readTableBatches("analytics.platform.usage")) {
      for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
        long[] users = batch.column("user_id").longs();
        ColumnVector dates = batch.column("usage_date");
        ColumnVector orgs = batch.column("org");
        for (int i = 0; i < batch.rowCount(); i++) {
          sum += users[i];
          seen.add(users[i]);
          int file = Integer.parseInt(orgs.getString(i).substring(3));
          assertThat(dates.get(i)).isEqualTo(LocalDate.of(2024, 3, 1 + file));
        }
        count += batch.rowCount();
      }
    }
    assertThat(count).isEqualTo((long) files * perFile);
    assertThat(seen).hasSize(files * perFile);
    assertThat(sum).isEqualTo(expectedSum);

    wm.stubFor(get(urlPathEqualTo("/storage/batches/part-5.parquet")).willReturn(aResponse().withStatus(200)
        .withBody(new byte[sizes[5]])));
    try (ColumnBatchReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 3)
        .readTableBatches("analytics.platform.usage")) {
      assertThatThrownBy(() -> drainBatches(reader)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("batches-5");
      assertThat(reader.next()).as("a failed reader is closed").isNull();
    }
  }

  @Test
  @DisplayName("closing a batch reader early, with workers waiting on their batches, returns and stops them")
  void earlyCloseOfBatches() {
    stubQuery(stubFiles("", null));
    ColumnBatchReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 3).readTableBatches("analytics.platform.usage");
    ColumnBatch first = reader.next();
    assertThat(first).isNotNull();
    reader.close();
    assertThat(reader.next()).isNull();
  }

  @Test
  @DisplayName("closing a reader early stops the downloads and returns")
  void earlyClose() {
    stubQuery(stubFiles("", null));
    try (RowReader reader = clientFor(wm.baseUrl() + "/delta-sharing/", 1).readTable("analytics.platform.usage")) {
      assertThat(reader.hasNext()).isTrue();
      assertThat(reader.next()).isNotNull();
    }
  }

  @Test
  @DisplayName("the bearer token may come from a SecretProvider instead of the profile")
  void tokenFromSecretProvider() throws Exception {
    Path secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{\"databricksToken\": \"" + TOKEN + "-vault\"}");
    DeltaSharingClient vaulted = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/delta-sharing/")
        .bearerToken(SecretProvider.fromFile(secrets), "databricksToken").retryPolicy(FAST).build();
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).willReturn(okJson(page("items", List.of(), null))));
    assertThat(vaulted.listShares()).isEmpty();
    wm.verify(getRequestedFor(urlPathEqualTo("/delta-sharing/shares"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN + "-vault")));
    assertThat(vaulted.toString()).doesNotContain(TOKEN);
  }

  @Test
  @DisplayName("an oauth_client_credentials profile (version 2) gets its bearer token from the token endpoint")
  void oauthProfile() throws Exception {
    wm.stubFor(post(urlEqualTo("/oidc/token"))
        .withHeader("Authorization", equalTo("Basic " + java.util.Base64.getEncoder()
            .encodeToString("client-1:s3cr3t".getBytes(StandardCharsets.UTF_8))))
        .withRequestBody(equalTo("grant_type=client_credentials&scope=sharing"))
        .willReturn(okJson("{\"access_token\":\"oauth-access-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    wm.stubFor(get(urlPathEqualTo("/delta-sharing/shares")).withHeader("Authorization", equalTo("Bearer oauth-access-1"))
        .willReturn(okJson(page("items", List.of(map("name", "s")), null))));
    Path profile = dir.resolve("oauth.share");
    Files.writeString(profile, "{\"shareCredentialsVersion\": 2, \"type\": \"oauth_client_credentials\","
        + " \"endpoint\": \"" + wm.baseUrl() + "/delta-sharing/\", \"tokenEndpoint\": \"" + wm.baseUrl()
        + "/oidc/token\", \"clientId\": \"client-1\", \"clientSecret\": \"s3cr3t\", \"scope\": \"sharing\"}");
    DeltaSharingClient oauth = DeltaSharingClient.fromProfile(profile);
    assertThat(oauth.listShares()).extracting(Share::name).containsExactly("s");
    assertThat(oauth.listShares()).hasSize(1);
    wm.verify(1, postRequestedFor(urlEqualTo("/oidc/token")));
  }

  @Test
  @DisplayName("issue 68: a partition value 1E+99999999 for a decimal(10,2) and a schemaString type "
      + "decimal(99999999999,2) are DataFormatExceptions at once, each echoing the server's text cut and cleaned")
  void hostileNumbersFromTheServer() {
    RowSchema plain = RowSchema.builder().required("org", ColumnType.STRING).build();
    byte[] data = parquet(dir, plain, List.of(Row.of(plain, "acme")));
    wm.stubFor(get(urlPathEqualTo("/storage/numbers/a.parquet")).willReturn(aResponse().withBody(data)));
    String schema = schemaString(List.of(new Field("org", "string", false), new Field("amount", "decimal(10,2)",
        true)));
    String huge = "1E+99999999";
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(ndjsonAnswer(List.of(protocolLine(),
        metadataLine(schema, List.of("amount")), fileLine("file", wm.baseUrl() + "/storage/numbers/a.parquet", "a",
            Map.of("amount", huge), data.length, null, null, null, null), endStreamLine(null, null)))));
    assertThatThrownBy(() -> {
      try (RowReader reader = client.readTable("analytics.platform.usage")) {
        drain(reader);
      }
    }).isInstanceOf(DataFormatException.class).hasMessageContaining("'" + huge + "'")
        .hasMessageContaining("decimal(10,2)").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));

    String wide = schemaString(List.of(new Field("amount", "decimal(99999999999,2)", true)));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(ndjsonAnswer(List.of(protocolLine(),
        metadataLine(wide, List.of()), endStreamLine(null, null)))));
    assertThatThrownBy(() -> client.tableMetadata("analytics.platform.usage"))
        .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("'99999999999'")
        .hasMessageContaining("from 1 to 38").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
  }

  @Test
  @DisplayName("readChanges reads add, cdf and remove files with _change_type, _commit_version and _commit_timestamp")
  void changeDataFeed() {
    RowSchema cdfSchema = RowSchema.builder().required("org", ColumnType.STRING).required("user_id", ColumnType.LONG)
        .nullable("_change_type", ColumnType.STRING).build();
    RowSchema plain = RowSchema.builder().required("org", ColumnType.STRING).required("user_id", ColumnType.LONG).build();
    byte[] added = parquet(dir, plain, List.of(Row.of(plain, "acme", 1L)));
    byte[] changed = parquet(dir, cdfSchema, List.of(Row.of(cdfSchema, "acme", 1L, "update_preimage"),
        Row.of(cdfSchema, "acme", 2L, "update_postimage")));
    byte[] removed = parquet(dir, plain, List.of(Row.of(plain, "globex", 9L)));
    wm.stubFor(get(urlPathEqualTo("/storage/cdf/add.parquet")).willReturn(aResponse().withBody(added)));
    wm.stubFor(get(urlPathEqualTo("/storage/cdf/cdf.parquet")).willReturn(aResponse().withBody(changed)));
    wm.stubFor(get(urlPathEqualTo("/storage/cdf/remove.parquet")).willReturn(aResponse().withBody(removed)));
    String schema = schemaString(List.of(new Field("org", "string", false), new Field("user_id", "long", false)));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/changes?startingVersion=0&includeHistoricalProtocol=true&maxFiles=10000")).willReturn(ndjsonAnswer(List.of(
        protocolLine(), metadataLine(schema, List.of()),
        fileLine("add", wm.baseUrl() + "/storage/cdf/add.parquet", "a", Map.of(), added.length, null, 0L,
            1652140000000L, null),
        fileLine("cdf", wm.baseUrl() + "/storage/cdf/cdf.parquet", "c", Map.of(), changed.length, null, 1L,
            1652141000000L, null),
        fileLine("remove", wm.baseUrl() + "/storage/cdf/remove.parquet", "r", Map.of(), removed.length, null, 2L,
            1652142000000L, null),
        endStreamLine(null, null)))));

    List<Row> changes;
    try (RowReader reader = client.readChanges("analytics.platform.usage", 0)) {
      changes = drain(reader);
    }
    assertThat(changes).extracting(r -> r.getString("_change_type") + "@" + r.getLong("_commit_version") + ":"
        + r.getLong("user_id")).containsExactlyInAnyOrder("insert@0:1", "update_preimage@1:1",
        "update_postimage@1:2", "delete@2:9");
    assertThat(changes).filteredOn(r -> r.getLong("_commit_version") == 2L)
        .extracting(r -> r.getLong("_commit_timestamp")).containsExactly(1652142000000L);
  }

  @Test
  @DisplayName("presigned URLs made by the AWS SDK S3Presigner against the real S3 server are read without our token")
  void presignedS3Urls() {
    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("sharing");
    byte[] a = parquet(dir, FILE_SCHEMA, List.of(fileRow("acme", 1, 10, "1.00"), fileRow("acme", 2, 12, "2.00")));
    s3.client().putObject(b -> b.bucket(bucket).key("usage/date=2024-03-01/part-0.parquet"), RequestBody.fromBytes(a));
    String url;
    try (S3Presigner presigner = S3Presigner.builder().endpointOverride(s3.endpoint()).region(Region.of(S3Server.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
      url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(15))
          .getObjectRequest(g -> g.bucket(bucket).key("usage/date=2024-03-01/part-0.parquet"))).url().toString();
    }
    stubQuery(List.of(fileLine("file", url, "s3-file", map("usage_date", "2024-03-01"), a.length,
        System.currentTimeMillis() + 900_000, null, null, 2L)));

    try (RowReader reader = client.readTable("analytics.platform.usage")) {
      List<Row> rows = sortedById(drain(reader));
      assertThat(rows).extracting(r -> r.getLong("user_id")).containsExactly(1L, 2L);
      assertThat(rows).allSatisfy(r -> assertThat(r.getDate("usage_date")).isEqualTo(LocalDate.of(2024, 3, 1)));
    }
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
  }
}
