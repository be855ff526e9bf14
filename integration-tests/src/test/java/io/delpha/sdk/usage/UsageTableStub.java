package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.SharingFixture;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.delpha.sdk.sharing.SharingFixture.Field;
import static io.delpha.sdk.sharing.SharingFixture.endStreamLine;
import static io.delpha.sdk.sharing.SharingFixture.fileLine;
import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared usage table {@code analytics.platform.usage} as a Delta Sharing server answers it (PROTOCOL.md shapes, on
 * WireMock), partitioned by {@code usage_date}: one Parquet file per (day, file number), written by our own writer.
 * Each {@link #publish} makes a new table version whose query lists the files given (URLs signed "?sig=").
 */
public final class UsageTableStub {

  public static final String TABLE = "analytics.platform.usage";
  public static final String TABLE_PATH = "/ds/shares/analytics/schemas/platform/tables/usage";
  /** The columns in the data files (usage_date is a partition column: in the file paths, not the data). */
  public static final RowSchema FILE = RowSchema.builder().required("org_id", ColumnType.STRING)
      .required("feature", ColumnType.STRING).required("events", ColumnType.LONG)
      .nullable("cost", ColumnType.decimal(12, 2)).nullable("seen_at", ColumnType.TIMESTAMP).build();
  public static final String SCHEMA = schemaString(List.of(new Field("org_id", "string", false),
      new Field("feature", "string", false), new Field("events", "long", false),
      new Field("cost", "decimal(12,2)", true), new Field("seen_at", "timestamp", true),
      new Field("usage_date", "date", true)));

  /** One data file: a day and its rows. */
  public record DayFile(String id, LocalDate day, List<Row> rows) {}

  private final WireMockExtension wm;
  private final Path dir;

  public UsageTableStub(WireMockExtension wm, Path dir) {
    this.wm = wm;
    this.dir = dir;
  }

  public static Row row(String org, String feature, long events, String cost, long epochSecond) {
    return Row.of(FILE, org, feature, events, cost == null ? null : new BigDecimal(cost),
        Instant.ofEpochSecond(epochSecond));
  }

  /** The table at {@code version} lists exactly {@code files}; each file's bytes are served at its own path. */
  public java.util.Map<String, Integer> publish(long version, List<DayFile> files, Long expirationTimestamp) {
    java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(SCHEMA, List.of("usage_date"))));
    for (DayFile f : files) {
      byte[] bytes = parquet(dir, FILE, f.rows());
      sizes.put(f.id(), bytes.length);
      String path = storagePath(f);
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withBody(bytes)));
      lines.add(fileLine("file", wm.baseUrl() + path + "?sig=v" + version, f.id(), map("usage_date", f.day().toString()),
          bytes.length, expirationTimestamp, null, null, (long) f.rows().size()));
    }
    lines.add(endStreamLine(null, null));
    String v = Long.toString(version);
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", v).withBody(ndjson(lines))));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", v).withBody(ndjson(lines.subList(0, 2)))));
    wm.stubFor(get(urlPathEqualTo(TABLE_PATH + "/version")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", v).withBody("")));
    return sizes;
  }

  public static String storagePath(DayFile f) {
    return "/blob/usage/usage_date=" + f.day() + "/" + f.id() + ".parquet";
  }
}
