package io.delpha.sdk.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.usage.UsageAnalyticsServer;
import io.delpha.sdk.testing.CassandraServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Delta Sharing ({@code io.delpha.sdk.sharing}): the example serves one shared table itself (a JDK
 * {@code HttpServer} answering the protocol's list, metadata and query endpoints, and serving the table's
 * Parquet file as its "presigned" URL), reads it with {@link DeltaSharingClient}, then starts the
 * {@link UsageAnalyticsServer} with {@link AccessKeys} on an embedded Cassandra node and calls
 * {@code GET /api/v1/usage} with two organisations' keys: each sees only its own rows.
 *
 * <pre>
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.DeltaSharingExample
 * </pre>
 */
public final class DeltaSharingExample {

  private static final String TOKEN = "recipient-token";
  private static final String TABLE = "/delta-sharing/shares/analytics/schemas/platform/tables/usage";
  private static final RowSchema USAGE = RowSchema.builder()
      .required("org_id", ColumnType.STRING)
      .required("feature", ColumnType.STRING)
      .required("events", ColumnType.LONG)
      .nullable("cost", ColumnType.decimal(12, 2))
      .required("usage_date", ColumnType.DATE)
      .build();
  /** The same columns as a Spark struct, the protocol's {@code schemaString}. */
  private static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
      + "{\"name\":\"org_id\",\"type\":\"string\",\"nullable\":false,\"metadata\":{}},"
      + "{\"name\":\"feature\",\"type\":\"string\",\"nullable\":false,\"metadata\":{}},"
      + "{\"name\":\"events\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},"
      + "{\"name\":\"cost\",\"type\":\"decimal(12,2)\",\"nullable\":true,\"metadata\":{}},"
      + "{\"name\":\"usage_date\",\"type\":\"date\",\"nullable\":false,\"metadata\":{}}]}";

  private DeltaSharingExample() {}

  /**
   * @param args unused
   * @throws Exception if the example cannot write its Parquet file or call its servers
   */
  public static void main(String[] args) throws Exception {
    byte[] parquet = usageFile(List.of(
        Row.of(USAGE, "acme", "dashboards", 10L, new BigDecimal("1.25"), LocalDate.of(2024, 5, 1)),
        Row.of(USAGE, "globex", "dashboards", 20L, new BigDecimal("9.99"), LocalDate.of(2024, 5, 1)),
        Row.of(USAGE, "acme", "exports", 40L, new BigDecimal("0.50"), LocalDate.of(2024, 5, 2)),
        Row.of(USAGE, "initech", "exports", 30L, null, LocalDate.of(2024, 5, 2))));
    HttpServer sharingServer = sharingServer(parquet);
    String endpoint = "http://127.0.0.1:" + sharingServer.getAddress().getPort() + "/delta-sharing/";
    CassandraServer node = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (DeltaSharingClient client = DeltaSharingClient.builder().endpoint(endpoint).bearerToken(Secret.of(TOKEN)).build()) {
      System.out.println("shares:  " + client.listShares());
      System.out.println("schemas: " + client.listSchemas("analytics"));
      System.out.println("tables:  " + client.listTables("analytics", "platform"));
      System.out.println("version: " + client.tableVersion("analytics.platform.usage"));
      System.out.println("schema:  " + client.tableMetadata("analytics.platform.usage").schema());
      try (RowReader rows = client.readTable("analytics.platform.usage")) {
        rows.forEachRemaining(r -> System.out.println("  row: " + r));
      }

      try (CassandraManager cass = CassandraManager.builder()
          .contactPoint(node.host(), node.port())
          .localDatacenter(node.localDatacenter())
          .build()) {
        AccessKeys keys = AccessKeys.on(cass).build();
        try (UsageAnalyticsServer usage = UsageAnalyticsServer.builder()
            .client(client).table("analytics.platform.usage")
            .organisationColumn("org_id").dateColumn("usage_date")
            .accessKeys(keys)
            .build().start()) {
          callUsage(usage, keys);
        }
      }
    } finally {
      sharingServer.stop(0);
      node.stop();
    }
  }

  /** Each organisation's key gets its own rows only; no key gets a 401. */
  private static void callUsage(UsageAnalyticsServer usage, AccessKeys keys) throws Exception {
    URI mayUsage = URI.create(usage.uri() + UsageAnalyticsServer.PATH + "?from=2024-05-01&to=2024-05-31");
    HttpClient http = HttpClient.newHttpClient();
    for (String org : List.of("acme", "globex")) {
      String key = keys.issue(org).secret();
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(mayUsage).header("Authorization", "Bearer " + key)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(org + "'s key -> HTTP " + answer.statusCode() + " " + answer.body());
    }
    HttpResponse<String> noKey = http.send(HttpRequest.newBuilder(mayUsage).GET().build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("no key -> HTTP " + noKey.statusCode() + " " + noKey.body());
  }

  /** Writes the rows with {@link ParquetRows} and returns the file's bytes. */
  private static byte[] usageFile(List<Row> rows) throws IOException {
    Path file = Files.createTempDirectory("delpha-sharing-example").resolve("part-0.parquet");
    try (RowWriter writer = ParquetRows.writer(file, USAGE, WriteOptions.defaults())) {
      rows.forEach(writer::write);
    }
    return Files.readAllBytes(file);
  }

  /**
   * A minimal Delta Sharing server for one table, {@code analytics.platform.usage}, answering as the
   * protocol (PROTOCOL.md of delta-io/delta-sharing) describes; {@code /files/} plays the object store
   * behind presigned URLs, which need no bearer token.
   */
  private static HttpServer sharingServer(byte[] parquet) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    String protocol = "{\"protocol\":{\"minReaderVersion\":1}}\n";
    String metadata = "{\"metaData\":{\"id\":\"f8d5c169-3d01-4ca3-ad9e-7dc3355aedb2\",\"format\":{\"provider\":\"parquet\"},"
        + "\"schemaString\":" + jsonString(SCHEMA_STRING) + ",\"partitionColumns\":[]}}\n";
    String file = "{\"file\":{\"url\":\"" + base + "/files/part-0.parquet?sig=example\",\"id\":\"part-0\","
        + "\"partitionValues\":{},\"size\":" + parquet.length + ",\"stats\":\"{\\\"numRecords\\\":4}\"}}\n";
    server.createContext("/files/", ex -> send(ex, 200, "application/octet-stream", parquet));
    server.createContext("/delta-sharing/", ex -> {
      ex.getRequestBody().readAllBytes();
      if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "application/json", "{\"errorCode\":\"UNAUTHENTICATED\",\"message\":\"bad token\"}");
        return;
      }
      ex.getResponseHeaders().set("Delta-Table-Version", "1");
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/delta-sharing/shares" -> send(ex, 200, "application/json",
            "{\"items\":[{\"name\":\"analytics\",\"id\":\"3e979c79-5a6c-4b4e-9cc6-1a3d2a4c5b6e\"}]}");
        case "/delta-sharing/shares/analytics/schemas" -> send(ex, 200, "application/json",
            "{\"items\":[{\"name\":\"platform\",\"share\":\"analytics\"}]}");
        case "/delta-sharing/shares/analytics/schemas/platform/tables" -> send(ex, 200, "application/json",
            "{\"items\":[{\"name\":\"usage\",\"schema\":\"platform\",\"share\":\"analytics\","
                + "\"shareId\":\"3e979c79-5a6c-4b4e-9cc6-1a3d2a4c5b6e\",\"id\":\"2f8a1b0c-7d6e-4f5a-9b8c-0d1e2f3a4b5c\"}]}");
        case TABLE + "/version" -> send(ex, 200, "application/json", "");
        case TABLE + "/metadata" -> send(ex, 200, "application/x-ndjson", protocol + metadata);
        case TABLE + "/query" -> send(ex, 200, "application/x-ndjson", protocol + metadata + file);
        default -> send(ex, 404, "application/json", "{\"errorCode\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"" + path + "\"}");
      }
    });
    server.start();
    return server;
  }

  private static String jsonString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
