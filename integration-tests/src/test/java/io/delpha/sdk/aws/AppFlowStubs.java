package io.delpha.sdk.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** AppFlow rest-json stubs (bodies from integration-tests/src/test/resources/appflow, shaped like the API reference) and AppFlow-like Parquet files. */
public final class AppFlowStubs {

  static final String REQUEST_ID = "5f0b2d1e-8c4a-4b7e-9f3d-2a1c0e9b8d7f";
  public static final String NEWEST_SUCCESSFUL = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  static final String OLDER_SUCCESSFUL = "2e8f6d1a-4b3c-4f5e-9a7b-1c2d3e4f5a6b";
  static final String FAILED = "7b1e3f52-0c9d-4a68-b2e4-3f6a8d1c5e20";
  static final String RUNNING = "9d4c8a7e-6f3b-4e21-8d5a-5b2f1c0e9a71";
  static final String EMPTY_NEWEST = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";
  static final String OLDER_WITH_DATA = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e";

  /** The Contact fields a flow with preserveSourceDataTyping writes. */
  static final RowSchema CONTACT = RowSchema.builder()
      .required("Id", ColumnType.STRING)
      .nullable("FirstName", ColumnType.STRING)
      .nullable("LastName", ColumnType.STRING)
      .nullable("Email", ColumnType.STRING)
      .nullable("NumberOfEmployees", ColumnType.INT)
      .nullable("AnnualRevenue", ColumnType.decimal(18, 2))
      .nullable("HasOptedOutOfEmail", ColumnType.BOOLEAN)
      .nullable("Birthdate", ColumnType.DATE)
      .nullable("CreatedDate", ColumnType.TIMESTAMP)
      .build();

  private AppFlowStubs() {}

  public static String body(String file, Map<String, String> values) {
    try (InputStream in = AppFlowStubs.class.getResourceAsStream("/appflow/" + file)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : values.entrySet()) {
        text = text.replace("${" + e.getKey() + "}", e.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static StringValuePattern flow(String name) {
    return matchingJsonPath("$.flowName", equalTo(name));
  }

  public static void ok(WireMockExtension wm, String path, String flowName, String body) {
    wm.stubFor(post(urlEqualTo(path)).withRequestBody(flow(flowName))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(body)));
  }

  static void error(WireMockExtension wm, String path, String flowName, String code, int status) {
    wm.stubFor(post(urlEqualTo(path)).withRequestBody(flow(flowName))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-RequestId", REQUEST_ID)
            .withHeader("x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazonaws.sandstorm.frontend/")
            .withBody(body("error-" + code + ".json", Map.of()))));
  }

  public static void describe(WireMockExtension wm, String flowName, String bucket, String fileType, boolean typed) {
    ok(wm, "/describe-flow", flowName, body("describe-flow.json", Map.of("flow", flowName, "object", "Contact",
        "bucket", bucket, "fileType", fileType, "typed", Boolean.toString(typed))));
  }

  /** The two-page history: running, failed, older successful on page 1; newest successful and cancelled on page 2. */
  static void pagedHistory(WireMockExtension wm, String flowName) {
    wm.stubFor(post(urlEqualTo("/describe-flow-execution-records")).withRequestBody(flow(flowName))
        .withRequestBody(notContaining("nextToken"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(body("records-page-1.json", Map.of()))));
    wm.stubFor(post(urlEqualTo("/describe-flow-execution-records")).withRequestBody(flow(flowName))
        .withRequestBody(matchingJsonPath("$.nextToken", equalTo("eyJvZmZzZXQiOjN9")))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(body("records-page-2.json", Map.of()))));
  }

  public static String oneRecord(String executionId, String status, long records, String errorMessage) {
    String errorInfo = errorMessage == null ? ""
        : "\"errorInfo\": {\"putFailuresCount\": 1, \"executionMessage\": \"" + errorMessage + "\"}, ";
    return body("records-one.json", Map.of("executionId", executionId, "status", status,
        "records", Long.toString(records), "bytes", Long.toString(records * 700), "errorInfo", errorInfo));
  }

  /** Contact rows with ids {@code first..first+count-1}. */
  public static List<Row> contacts(int first, int count) {
    List<Row> rows = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      rows.add(Row.of(CONTACT, String.format("003Dn00000%08dAAA", i), "First" + i, i % 3 == 0 ? null : "Last" + i,
          "c" + i + "@example.com", i * 10, new BigDecimal(i + ".25"), i % 2 == 0,
          LocalDate.of(1980, 1, 1).plusDays(i), Instant.parse("2024-11-15T10:00:00Z").plusSeconds(i)));
    }
    return rows;
  }

  /** Writes rows as AppFlow does: one object with a UUID name and no extension in the run's folder. */
  public static String writeAppFlowFile(ObjectStore store, String runFolder, List<Row> rows) {
    String key = runFolder + UUID.randomUUID();
    ParquetRows.write(store, key, CONTACT, rows);
    return key;
  }
}
