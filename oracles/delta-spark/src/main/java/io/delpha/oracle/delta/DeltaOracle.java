package io.delpha.oracle.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.VariantVal;

/**
 * Delta Lake's own writer and reader, for the sharing tests of the library.
 *
 * <ul>
 *   <li>{@code generate DIR}: writes the Delta tables under {@code DIR/tables} with Spark SQL (DELETE,
 *       UPDATE and MERGE with deletion vectors on, column mapping in name and id modes with a rename
 *       and a drop, change data feed, TIMESTAMP_NTZ), and Spark's own reading of every version and of
 *       the change feed under {@code DIR/expected}, one JSON object per row.
 *   <li>{@code generate-features DIR}: the same for the tables of {@link FeatureTables} (variant columns,
 *       shredded and not, and type widening), which need Spark 4 and Delta 4.
 *   <li>{@code generate-keys DIR}: the same for {@code variants_keys} (shredded variants whose keys are empty,
 *       unicode, long, differing in case), on its own.
 *   <li>{@code generate-primitives DIR}: the same for {@code variants_primitives} (every primitive a variant
 *       holds, in objects and arrays, shredded as Spark infers and as forced), on its own.
 *   <li>{@code read-answers DIR}: for every {@code DIR/answers/NAME.ndjson} (a sharing server's
 *       delta-format answer to a query), builds a local Delta log from the answer's {@code protocol},
 *       {@code metaData} and {@code file} lines, downloads the files and deletion vectors from the
 *       answer's URLs, reads the table with Delta's reader and writes its rows to
 *       {@code DIR/answers/NAME.rows.jsonl} (as delta-sharing-spark does with {@code responseFormat=delta}).
 * </ul>
 */
public final class DeltaOracle {

  static final ObjectMapper JSON = new ObjectMapper();

  private DeltaOracle() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: DeltaOracle generate|generate-features|generate-keys|generate-primitives|read-answers DIR");
    }
    Path dir = Path.of(args[1]).toAbsolutePath();
    try (SparkSession spark = session()) {
      switch (args[0]) {
        case "generate" -> generate(spark, dir);
        case "generate-features" -> FeatureTables.generate(spark, dir);
        case "generate-keys" -> FeatureTables.generateKeys(spark, dir);
        case "generate-primitives" -> FeatureTables.generatePrimitives(spark, dir);
        case "read-answers" -> readAnswers(spark, dir);
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    }
  }

  static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("delta-oracle")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.databricks.delta.retentionDurationCheck.enabled", "false")
        .getOrCreate();
  }

  // ---------------------------------------------------------------- generate

  static void generate(SparkSession spark, Path dir) throws IOException {
    prepareOutput(spark, dir, List.of("events", "renamed_by_name", "renamed_by_id"));
    eventsWithDeletionVectors(spark, dir);
    columnMapping(spark, dir, "renamed_by_name", "name");
    columnMapping(spark, dir, "renamed_by_id", "id");
  }

  /** Empties {@code DIR}'s tables and expected rows and writes {@code DIR/VERSIONS}: a line per table. */
  static void prepareOutput(SparkSession spark, Path dir, List<String> tables) throws IOException {
    deleteTree(dir.resolve("tables"));
    deleteTree(dir.resolve("expected"));
    Files.createDirectories(dir.resolve("expected"));
    StringBuilder versions = new StringBuilder();
    for (String t : tables) {
      versions.append(t).append(" spark ").append(spark.version()).append(" delta ")
          .append(System.getProperty("oracle.delta.version")).append(" java ")
          .append(System.getProperty("java.version")).append('\n');
    }
    Files.writeString(dir.resolve("VERSIONS"), versions.toString());
  }

  /**
   * A partitioned table with deletion vectors, change data feed and a TIMESTAMP_NTZ column, changed by
   * DELETE, UPDATE and MERGE over several versions.
   */
  static void eventsWithDeletionVectors(SparkSession spark, Path dir) throws IOException {
    String name = "events";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    spark.sql("CREATE TABLE " + t + " (id BIGINT, region STRING, name STRING, amount DECIMAL(12,2), "
        + "happened TIMESTAMP, local_time TIMESTAMP_NTZ, day DATE, detail STRUCT<code: INT, note: STRING>, "
        + "tags ARRAY<STRING>) USING delta PARTITIONED BY (region) TBLPROPERTIES ("
        + "'delta.enableDeletionVectors' = 'true', 'delta.enableChangeDataFeed' = 'true', "
        + "'delta.checkpointInterval' = '1000')");
    // version 1: 3,000 rows in two files per partition
    spark.sql("SELECT id, IF(id % 3 = 0, 'emea', 'amer') AS region, CONCAT('name-', id) AS name, "
        + "CAST(id * 1.25 AS DECIMAL(12,2)) AS amount, "
        + "TIMESTAMP_MICROS(1700000000000000 + id * 1000003) AS happened, "
        + "CAST(TIMESTAMP_MICROS(1600000000000000 + id * 7000001) AS TIMESTAMP_NTZ) AS local_time, "
        + "DATE_ADD(DATE'2024-01-01', CAST(id % 400 AS INT)) AS day, "
        + "IF(id % 10 = 0, NULL, NAMED_STRUCT('code', CAST(id % 97 AS INT), 'note', "
        + "IF(id % 4 = 0, NULL, CONCAT('n', id % 5)))) AS detail, "
        + "IF(id % 6 = 0, NULL, ARRAY(CONCAT('t', id % 3), CONCAT('u', id % 2))) AS tags "
        + "FROM RANGE(0, 3000)").repartition(2).createOrReplaceTempView("source1");
    spark.sql("INSERT INTO " + t + " SELECT * FROM source1");
    // version 2: DELETE (deletion vectors on every file)
    spark.sql("DELETE FROM " + t + " WHERE id % 7 = 0");
    // version 3: UPDATE (deletion vectors plus new files)
    spark.sql("UPDATE " + t + " SET name = CONCAT(name, '-updated'), amount = amount + 1 WHERE id % 11 = 0");
    // version 4: MERGE (delete, update and insert)
    spark.sql("SELECT id, IF(id % 3 = 0, 'emea', 'amer') AS region, CONCAT('merged-', id) AS name, "
        + "CAST(id AS DECIMAL(12,2)) AS amount, TIMESTAMP_MICROS(1710000000000000 + id) AS happened, "
        + "CAST(NULL AS TIMESTAMP_NTZ) AS local_time, DATE'2025-06-30' AS day, "
        + "NAMED_STRUCT('code', 1, 'note', 'merge') AS detail, ARRAY('m') AS tags "
        + "FROM RANGE(2900, 3100)").createOrReplaceTempView("source2");
    spark.sql("MERGE INTO " + t + " AS target USING source2 AS s ON target.id = s.id "
        + "WHEN MATCHED AND s.id % 2 = 0 THEN DELETE "
        + "WHEN MATCHED THEN UPDATE SET target.name = s.name, target.amount = s.amount "
        + "WHEN NOT MATCHED THEN INSERT *");
    // version 5: a second DELETE on files that already have a deletion vector
    spark.sql("DELETE FROM " + t + " WHERE id % 13 = 0 OR name LIKE 'merged-30%'");
    expect(spark, dir, name, path, 5, true);
  }

  /** Column mapping: a rename, a drop and an added column, files written before and after. */
  static void columnMapping(SparkSession spark, Path dir, String name, String mode) throws IOException {
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    spark.sql("CREATE TABLE " + t + " (id BIGINT, first STRING, second INT, third DOUBLE, "
        + "inner STRUCT<a: INT, b: STRING>) USING delta TBLPROPERTIES ("
        + "'delta.columnMapping.mode' = '" + mode + "', 'delta.minReaderVersion' = '2', "
        + "'delta.minWriterVersion' = '5', 'delta.checkpointInterval' = '1000')");
    spark.sql("INSERT INTO " + t + " SELECT id, CONCAT('f', id), CAST(id * 2 AS INT), id / 4.0, "
        + "NAMED_STRUCT('a', CAST(id AS INT), 'b', CONCAT('b', id)) FROM RANGE(0, 100)");
    spark.sql("ALTER TABLE " + t + " RENAME COLUMN second TO second_renamed");
    spark.sql("ALTER TABLE " + t + " RENAME COLUMN inner.b TO b_renamed");
    spark.sql("ALTER TABLE " + t + " DROP COLUMN third");
    spark.sql("ALTER TABLE " + t + " ADD COLUMNS (fourth STRING)");
    spark.sql("INSERT INTO " + t + " SELECT id, CONCAT('f', id), CAST(id * 3 AS INT), "
        + "NAMED_STRUCT('a', CAST(-id AS INT), 'b_renamed', CONCAT('c', id)), CONCAT('fourth-', id) "
        + "FROM RANGE(100, 150)");
    expect(spark, dir, name, path, 6, false);
  }

  static void expect(SparkSession spark, Path dir, String name, String path, long last, boolean changes)
      throws IOException {
    Path out = dir.resolve("expected").resolve(name);
    Files.createDirectories(out);
    for (long v = 0; v <= last; v++) {
      Dataset<Row> df = spark.read().format("delta").option("versionAsOf", v).load(path);
      write(df, out.resolve("v" + v + ".jsonl"), List.of("id"));
    }
    if (changes) {
      Dataset<Row> cdf = spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", 1).option("endingVersion", last).load(path);
      write(cdf, out.resolve("changes-1-" + last + ".jsonl"), List.of("_commit_version", "id", "_change_type"));
    }
  }

  /** Writes the rows as canonical JSON lines, sorted by the given columns then by the whole line. */
  static void write(Dataset<Row> df, Path file, List<String> order) throws IOException {
    List<Row> rows = df.collectAsList();
    List<ObjectNode> lines = new ArrayList<>();
    for (Row r : rows) {
      lines.add(object(r));
    }
    Comparator<ObjectNode> cmp = null;
    for (String c : order) {
      Comparator<ObjectNode> next = Comparator.comparing((ObjectNode n) -> n.get(c).asText(),
          DeltaOracle::compareText);
      cmp = cmp == null ? next : cmp.thenComparing(next);
    }
    cmp = (cmp == null ? Comparator.comparing(ObjectNode::toString) : cmp.thenComparing(ObjectNode::toString));
    lines.sort(cmp);
    StringBuilder sb = new StringBuilder();
    for (ObjectNode n : lines) {
      sb.append(n).append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  static int compareText(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  static ObjectNode object(Row r) {
    ObjectNode n = JSON.createObjectNode();
    StructType schema = r.schema();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      n.set(fields[i].name(), value(r.isNullAt(i) ? null : r.get(i), fields[i].dataType()));
    }
    return n;
  }

  static JsonNode value(Object v, DataType type) {
    if (v == null) {
      return JSON.nullNode();
    }
    if (v instanceof Row row) {
      return object(row);
    }
    if (v instanceof VariantVal variant) {
      // the JSON text of Spark's to_json(variant) in the session's time zone (UTC)
      return JSON.getNodeFactory().textNode(variant.toJson(ZoneOffset.UTC));
    }
    if (type instanceof MapType mt) {
      ObjectNode o = JSON.createObjectNode();
      scala.collection.Iterator<? extends scala.Tuple2<?, ?>> it = ((scala.collection.Map<?, ?>) v).iterator();
      while (it.hasNext()) {
        scala.Tuple2<?, ?> e = it.next();
        o.set(String.valueOf(e._1()), value(e._2(), mt.valueType()));
      }
      return o;
    }
    if (type instanceof ArrayType at) {
      ArrayNode a = JSON.createArrayNode();
      scala.collection.Iterator<?> it = ((scala.collection.Iterable<?>) v).iterator();
      while (it.hasNext()) {
        a.add(value(it.next(), at.elementType()));
      }
      return a;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return JSON.getNodeFactory().numberNode(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return JSON.getNodeFactory().numberNode(((Number) v).doubleValue());
    }
    if (v instanceof BigDecimal d) {
      return JSON.getNodeFactory().textNode(d.toPlainString());
    }
    if (v instanceof Boolean b) {
      return JSON.getNodeFactory().booleanNode(b);
    }
    if (v instanceof Instant || v instanceof LocalDateTime || v instanceof LocalDate || v instanceof String) {
      return JSON.getNodeFactory().textNode(v.toString());
    }
    if (v instanceof java.sql.Timestamp ts) {
      return JSON.getNodeFactory().textNode(ts.toInstant().toString());
    }
    throw new IllegalStateException("no canonical form for " + v.getClass() + " (" + type + ")");
  }

  // ---------------------------------------------------------------- read-answers

  static void readAnswers(SparkSession spark, Path dir) throws IOException, InterruptedException {
    Path answers = dir.resolve("answers");
    List<Path> files;
    try (Stream<Path> s = Files.list(answers)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".ndjson")).sorted().toList();
    }
    HttpClient http = HttpClient.newHttpClient();
    for (Path answer : files) {
      String name = answer.getFileName().toString().replace(".ndjson", "");
      Path table = dir.resolve("local").resolve(name);
      deleteTree(table);
      Files.createDirectories(table.resolve("_delta_log"));
      StringBuilder log = new StringBuilder();
      int n = 0;
      for (String line : Files.readAllLines(answer, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode wrapper = JSON.readTree(line);
        if (wrapper.has("protocol")) {
          ObjectNode protocol = JSON.createObjectNode();
          protocol.set("protocol", wrapper.get("protocol").get("deltaProtocol"));
          log.append(protocol.toString()).append('\n');
        } else if (wrapper.has("metaData")) {
          ObjectNode metaData = JSON.createObjectNode();
          metaData.set("metaData", wrapper.get("metaData").get("deltaMetadata"));
          log.append(metaData.toString()).append('\n');
        } else if (wrapper.has("file")) {
          ObjectNode action = (ObjectNode) wrapper.get("file").get("deltaSingleAction").deepCopy();
          ObjectNode add = (ObjectNode) action.get("add");
          if (add == null) {
            continue; // a snapshot answer holds add actions only
          }
          Path data = table.resolve("part-" + (n++) + ".parquet");
          download(http, add.get("path").asText(), data);
          add.put("path", data.toUri().toString());
          JsonNode dv = add.get("deletionVector");
          if (dv != null && dv.get("storageType").asText().equals("p")) {
            Path dvFile = table.resolve("dv-" + n + ".bin");
            download(http, dv.get("pathOrInlineDv").asText(), dvFile);
            ((ObjectNode) dv).put("pathOrInlineDv", dvFile.toUri().toString());
          }
          log.append(action.toString()).append('\n');
        }
      }
      Files.writeString(table.resolve("_delta_log").resolve("00000000000000000000.json"), log.toString());
      Dataset<Row> df = spark.read().format("delta").load(table.toString());
      write(df, answers.resolve(name + ".rows.jsonl"), List.of("id"));
    }
  }

  static void download(HttpClient http, String url, Path to) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + r.statusCode());
    }
    try (InputStream in = r.body()) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
