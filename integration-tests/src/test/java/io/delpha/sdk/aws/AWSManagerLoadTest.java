package io.delpha.sdk.aws;

import static io.delpha.sdk.aws.AppFlowStubs.contacts;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.S3Server;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("AWSManager.loadIntoCassandra and S3 outages: real Cassandra, a private s3proxy")
class AWSManagerLoadTest {

  static final String FLOW = "contact-flow";
  static final String RUN = "6e5d4c3b-2a19-4f08-8e7d-6c5b4a392817";
  static final String KEYSPACE = "aws_load_test";

  @RegisterExtension
  static WireMockExtension appflow = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static S3Server s3;
  static String bucket;
  static CassandraManager cass;
  static final List<Row> expected = new ArrayList<>();
  static final List<String> files = new ArrayList<>();

  AWSManager aws;

  @BeforeAll
  static void setUp() {
    s3 = S3Server.startNew();
    bucket = s3.createBucket("appflow-load");
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      String folder = "salesforce/" + FLOW + "/" + RUN + "/";
      for (int part = 0; part < 4; part++) {
        List<Row> rows = contacts(part * 50, 50);
        files.add(AppFlowStubs.writeAppFlowFile(store, folder, rows));
        expected.addAll(rows);
      }
    }
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  @AfterAll
  static void tearDown() {
    cass.close();
    s3.stop();
  }

  final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  @BeforeEach
  void open() {
    s3.start();
    AppFlowStubs.describe(appflow, FLOW, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", FLOW,
        AppFlowStubs.oneRecord(RUN, "Successful", expected.size(), null));
    aws = AWSManager.builder().credentials(s3.accessKey(), s3.secretKey()).region("eu-west-1")
        .endpointOverride(URI.create(appflow.baseUrl())).s3EndpointOverride(s3.endpoint())
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).build())
        .metrics(io.delpha.sdk.core.Metrics.micrometer(registry))
        .build();
  }

  @AfterEach
  void close() {
    aws.close();
  }

  /** The table's rows by id, every column. */
  static Map<String, Map<String, Object>> table(String table) {
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    for (var r : cass.execute("SELECT * FROM " + KEYSPACE + "." + table)) {
      Map<String, Object> values = new HashMap<>();
      for (var column : r.getColumnDefinitions()) {
        values.put(column.getName().asInternal(), r.getObject(column.getName()));
      }
      rows.put(r.getString("id"), values);
    }
    return rows;
  }

  /** What the table must hold: the Parquet rows with lower-case column names. */
  static Map<String, Map<String, Object>> expectedTable() {
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    for (Row row : expected) {
      Map<String, Object> values = new HashMap<>();
      row.toMap().forEach((k, v) -> values.put(k.toLowerCase(), v instanceof byte[] b ? ByteBuffer.wrap(b) : v));
      rows.put(row.getString("Id"), values);
    }
    return rows;
  }

  @Test
  @DisplayName("creates the table from the Parquet schema and upserts every row with its types")
  void loadCreatesTable() {
    LoadReport report = aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_created",
        LoadOptions.builder().createTable(true).maxInFlight(16).build());
    assertThat(report.rowsWritten()).isEqualTo(200);
    assertThat(report.files()).isEqualTo(4);
    assertThat(report.tableCreated()).isTrue();
    assertThat(report.executionId()).isEqualTo(RUN);
    assertThat(table("contacts_created")).isEqualTo(expectedTable());
    LoadReport again = aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_created");
    assertThat(again.tableCreated()).isFalse();
    assertThat(table("contacts_created")).hasSize(200).isEqualTo(expectedTable());
    assertThat(io.delpha.sdk.metrics.MeterChecks.count(registry, "delpha.client.records", "service", "appflow",
        "operation", "load_into_cassandra")).as("rows of both loads").isEqualTo(400);
  }

  @Test
  @DisplayName("a load cut short by S3 going away, re-run after S3 is back, gives the same table as one clean load")
  void rerunAfterCrash() {
    ProgressListener stopS3AtFirstFile = new ProgressListener() {
      @Override
      public void onProgress(Progress p) {
        s3.stop();
      }
    };
    assertThatThrownBy(() -> aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_crash",
        LoadOptions.builder().createTable(true).listener(stopS3AtFirstFile).build()))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(table("contacts_crash")).hasSize(50);
    s3.start();
    LoadReport rerun = aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_crash",
        LoadOptions.builder().createTable(true).build());
    assertThat(rerun.rowsWritten()).isEqualTo(200);
    assertThat(table("contacts_crash")).isEqualTo(expectedTable());
  }

  @Test
  @DisplayName("S3 going away while rows stream is ServiceUnavailableException naming the next file; reading again works")
  void s3GoesAwayMidRead() {
    try (FlowData data = aws.getFlowParquetData(FLOW)) {
      data.next();
      s3.stop();
      assertThatThrownBy(() -> data.stream().count()).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining(files.stream().sorted().toList().get(1));
    }
    s3.start();
    try (FlowData data = aws.getFlowParquetData(FLOW)) {
      assertThat(data.stream().toList()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  @DisplayName("a missing table or one that does not fit the data is a typed error and nothing is written")
  void tableProblems() {
    assertThatThrownBy(() -> aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_missing"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("createTable(true)");
    cass.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".contacts_wrong (id text PRIMARY KEY, firstname int)");
    assertThatThrownBy(() -> aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts_wrong"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("firstname is int in the table but string in Parquet")
        .hasMessageContaining("'LastName' (lastname) is not in the table");
    assertThat(table("contacts_wrong")).isEmpty();
    assertThatThrownBy(() -> aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts; DROP TABLE x"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("wall-clock timestamps (no UTC adjustment) load as UTC timestamps; lists and maps of scalars as CQL collections; a struct or a null list element is refused by name, nothing written")
  void wallClockTimestampsAndCollections() {
    String flow = "events-flow";
    String run = "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";
    RowSchema schema = RowSchema.builder()
        .required("Id", ColumnType.STRING)
        .nullable("LocalAt", ColumnType.LOCAL_TIMESTAMP)
        .nullable("Tags", ColumnType.list(ColumnType.STRING, false))
        .nullable("Scores", ColumnType.map(ColumnType.STRING, ColumnType.LONG, false))
        .build();
    List<Row> rows = List.of(
        Row.of(schema, "e1", LocalDateTime.of(2024, 3, 31, 1, 30), List.of("a", "b"), Map.of("x", 1L)),
        Row.of(schema, "e2", null, List.of(), Map.of()),
        Row.of(schema, "e3", LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000), null, null));
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      ParquetRows.write(store, "salesforce/" + flow + "/" + run + "/" + java.util.UUID.randomUUID(), schema, rows);
    }
    AppFlowStubs.describe(appflow, flow, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", flow, AppFlowStubs.oneRecord(run, "Successful", 3, null));

    LoadReport report = aws.loadIntoCassandra(flow, cass, KEYSPACE, "events", LoadOptions.builder().createTable(true).build());
    assertThat(report.rowsWritten()).isEqualTo(3);
    var e1 = cass.execute("SELECT localat, tags, scores FROM " + KEYSPACE + ".events WHERE id = 'e1'").one();
    assertThat(e1.getInstant("localat")).isEqualTo(Instant.parse("2024-03-31T01:30:00Z"));
    assertThat(e1.getList("tags", String.class)).containsExactly("a", "b");
    assertThat(e1.getMap("scores", String.class, Long.class)).containsExactly(Map.entry("x", 1L));
    var e3 = cass.execute("SELECT localat, tags FROM " + KEYSPACE + ".events WHERE id = 'e3'").one();
    assertThat(e3.getInstant("localat")).isEqualTo(Instant.parse("1969-12-31T23:59:59.999Z"));
    assertThat(e3.isNull("tags")).isTrue();
    assertThat(cass.execute("SELECT type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'events' "
        + "AND column_name = 'scores'", KEYSPACE).one().getString(0)).isEqualTo("map<text, bigint>");
    // loading again checks the existing table, collections included, and gives the same rows
    assertThat(aws.loadIntoCassandra(flow, cass, KEYSPACE, "events").rowsWritten()).isEqualTo(3);

    String structFlow = "nested-flow";
    String structRun = "1c2d3e4f-5061-4b72-8c83-a4b5c6d7e8f9";
    RowSchema address = RowSchema.builder().nullable("City", ColumnType.STRING).build();
    RowSchema nested = RowSchema.builder().required("Id", ColumnType.STRING)
        .nullable("Address", ColumnType.struct(address)).build();
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      ParquetRows.write(store, "salesforce/" + structFlow + "/" + structRun + "/" + java.util.UUID.randomUUID(), nested,
          List.of(Row.of(nested, "n1", Row.of(address, "Oslo"))));
    }
    AppFlowStubs.describe(appflow, structFlow, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", structFlow,
        AppFlowStubs.oneRecord(structRun, "Successful", 1, null));
    assertThatThrownBy(() -> aws.loadIntoCassandra(structFlow, cass, KEYSPACE, "nested",
        LoadOptions.builder().createTable(true).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("column 'Address'").hasMessageContaining("struct");
    assertThat(cass.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'nested'",
        KEYSPACE).one()).as("no table created for a refused load").isNull();

    String nullsFlow = "nulls-flow";
    String nullsRun = "2d3e4f50-6172-4c83-9d94-b5c6d7e8f9a0";
    RowSchema withNullElements = RowSchema.builder().required("Id", ColumnType.STRING)
        .nullable("Tags", ColumnType.list(ColumnType.STRING, true)).build();
    java.util.List<String> tags = new ArrayList<>();
    tags.add("a");
    tags.add(null);
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      ParquetRows.write(store, "salesforce/" + nullsFlow + "/" + nullsRun + "/" + java.util.UUID.randomUUID(),
          withNullElements, List.of(Row.of(withNullElements, "z1", tags)));
    }
    AppFlowStubs.describe(appflow, nullsFlow, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", nullsFlow,
        AppFlowStubs.oneRecord(nullsRun, "Successful", 1, null));
    assertThatThrownBy(() -> aws.loadIntoCassandra(nullsFlow, cass, KEYSPACE, "with_nulls",
        LoadOptions.builder().createTable(true).build()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("Tags").hasMessageContaining("null element");
    assertThat(cass.execute("SELECT count(*) FROM " + KEYSPACE + ".with_nulls").one().getLong(0)).isZero();
  }
}
