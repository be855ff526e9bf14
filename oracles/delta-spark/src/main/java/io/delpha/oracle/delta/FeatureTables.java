package io.delpha.oracle.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VariantType$;
import org.apache.spark.types.variant.Variant;
import org.apache.spark.types.variant.VariantBuilder;
import org.apache.spark.unsafe.types.VariantVal;

/**
 * The Delta tables of reader features that need Spark 4 and Delta 4 ({@code generate-features}): variant columns
 * (table feature {@code variantType}) written unshredded and then shredded ({@code variantShredding-preview}),
 * at the top level and nested, and type widening ({@code typeWidening}). Each version's expected rows are Spark's
 * read of it; a variant value is its JSON text as Spark's {@code to_json} prints it (SQL NULL stays JSON null,
 * a variant null is the text {@code null}).
 */
final class FeatureTables {

  private FeatureTables() {}

  static void generate(SparkSession spark, Path dir) throws IOException {
    DeltaOracle.prepareOutput(spark, dir, List.of("variants", "variants_nested", "widened"));
    variants(spark, dir);
    nestedVariants(spark, dir);
    widened(spark, dir);
  }

  /**
   * A top-level variant column: every kind of value unshredded, then shredding turned on and rows written with an
   * inferred shredding schema and with a forced one (so that values that do not fit the typed columns stay in
   * {@code value}), a DELETE and an UPDATE through deletion vectors.
   */
  static void variants(SparkSession spark, Path dir) throws IOException {
    String name = "variants";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    // version 0
    spark.sql("CREATE TABLE " + t + " (id BIGINT, v VARIANT) USING delta TBLPROPERTIES ("
        + "'delta.enableDeletionVectors' = 'true', 'delta.checkpointInterval' = '1000')");
    // version 1: every kind of value, written without shredding
    List<String> values = List.of(
        "parse_json('{\"a\":1,\"b\":\"two\",\"c\":[1,2,3],\"d\":{\"e\":true,\"f\":null}}')",
        "parse_json('[1,\"x\",{\"y\":2.5},[],{},null]')",
        "parse_json('{\"outer\":{\"mid\":{\"inner\":{\"deep\":[{\"k\":1},{\"k\":\"v\"}]}}}}')",
        "parse_json('\"a short string\"')",
        "parse_json('\"" + "a string longer than sixty-three bytes, with \\\\\"quotes\\\\\", a tab\\\\t, "
            + "\\\\u0001, é, € and 😀" + "\"')",
        "parse_json('\"\"')",
        "parse_json('42')",
        "parse_json('-300')",
        "parse_json('70000')",
        "parse_json('5000000000')",
        "parse_json('-9223372036854775808')",
        "CAST(CAST(-128 AS TINYINT) AS VARIANT)",
        "CAST(CAST(32767 AS SMALLINT) AS VARIANT)",
        "CAST(2147483647 AS VARIANT)",
        "CAST(CAST(7 AS BIGINT) AS VARIANT)",
        "parse_json('12.30')",
        "parse_json('-123456789.123456789')",
        "parse_json('12345678901234567890.123')",
        "CAST(CAST(1 AS DECIMAL(38,10)) AS VARIANT)",
        "parse_json('0')",
        "parse_json('-0.0')",
        "parse_json('1.5e10')",
        "parse_json('-2.5E-3')",
        "parse_json('1E400')",
        "CAST(CAST(0.1 AS FLOAT) AS VARIANT)",
        "CAST(CAST(0.1 AS DOUBLE) AS VARIANT)",
        "parse_json('true')",
        "parse_json('false')",
        "parse_json('null')",
        "CAST(NULL AS VARIANT)",
        "CAST(DATE'2024-02-29' AS VARIANT)",
        "CAST(TIMESTAMP'2024-01-02 03:04:05.123456' AS VARIANT)",
        "CAST(TIMESTAMP'1969-12-31 23:59:59.999999' AS VARIANT)",
        "CAST(TIMESTAMP_NTZ'1969-12-31 23:59:59.5' AS VARIANT)",
        "CAST(X'0102FF' AS VARIANT)",
        "to_variant_object(named_struct('day', DATE'2024-02-29', 'at', TIMESTAMP'2024-01-02 03:04:05', "
            + "'ntz', TIMESTAMP_NTZ'2024-01-02 03:04:05.25', 'm', map('k', 1, 'j', 2), 'arr', array(1.5D, 2D), "
            + "'bin', X'00', 'dec', CAST(9.99 AS DECIMAL(4,2)), 'f', CAST(1.25 AS FLOAT), "
            + "'small', CAST(3 AS TINYINT), 'none', CAST(NULL AS STRING)))",
        "to_variant_object(array(named_struct('k', X'00', 'd', DATE'0001-01-01')))",
        "parse_json('{}')",
        "parse_json('[]')",
        "parse_json('{\"é\":1,\"a\\\\\"b\":2,\"\":3,\"z\":{\"\":[]}}')",
        // an object of 300 fields and an array of 300 elements: offsets wider than a byte
        "parse_json(concat('{', array_join(transform(sequence(0, 299), i -> format_string('\"f%03d\":%d', i, i)),"
            + " ','), '}'))",
        "parse_json(concat('[', array_join(transform(sequence(0, 299), i -> CAST(i * 1000 AS STRING)), ','), ']'))");
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      selects.add("SELECT CAST(" + i + " AS BIGINT) AS id, " + values.get(i) + " AS v");
    }
    spark.sql(String.join(" UNION ALL ", selects)).repartition(2).createOrReplaceTempView("variants1");
    spark.sql("INSERT INTO " + t + " SELECT * FROM variants1");
    // version 2: shredding on (table feature variantShredding-preview)
    spark.sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('delta.enableVariantShredding' = 'true')");
    // version 3: objects of one shape, shredded with the schema Spark infers from them (a top-level value of
    // another kind in the same file would leave it unshredded): a field in one row in twenty stays in the object's
    // residual value, one in every other row is missing; SQL NULL and variant null in one row in twenty-five each
    String fields = "'id', id, 'name', CONCAT('n', id), 'price', CAST(id * 1.25 AS DECIMAL(10,2)), "
        + "'ratio', CAST(id / 8 AS DOUBLE), 'ok', id % 2 = 0, 'day', DATE_ADD(DATE'2024-01-01', CAST(id AS INT)), "
        + "'at', TIMESTAMP_MICROS(1700000000000000 + id * 1000003), "
        + "'local', CAST(TIMESTAMP_MICROS(1600000000000000 + id * 7000001) AS TIMESTAMP_NTZ), "
        + "'tags', array(CONCAT('t', id % 3), 'u'), "
        + "'addr', named_struct('city', CONCAT('c', id % 5), 'zip', CAST(id * 100 AS INT)), "
        + "'items', array(named_struct('sku', id, 'qty', CAST(id % 4 AS SMALLINT)))";
    spark.sql("SELECT id, CASE "
        + "WHEN id % 25 = 0 THEN NULL "
        + "WHEN id % 25 = 5 THEN parse_json('null') "
        + "WHEN id % 20 = 7 THEN to_variant_object(named_struct(" + fields + ", 'rare', 'extra')) "
        + "WHEN id % 2 = 0 THEN to_variant_object(named_struct(" + fields + ", 'half', CAST(id AS STRING))) "
        + "ELSE to_variant_object(named_struct(" + fields + ")) END AS v "
        + "FROM RANGE(100, 200)").repartition(2).createOrReplaceTempView("variants3");
    spark.sql("INSERT INTO " + t + " SELECT * FROM variants3");
    // version 4: a forced shredding schema that some values do not fit: those stay in the value columns
    spark.conf().set("spark.sql.variant.forceShreddingSchemaForTest",
        "a BIGINT, b STRING, o STRUCT<x: INT, y: DATE>, arr ARRAY<DECIMAL(10,2)>");
    try {
      spark.sql("SELECT id, CASE "
          + "WHEN id % 10 = 0 THEN NULL "
          + "WHEN id % 10 = 5 THEN parse_json('[1,2]') "
          + "WHEN id % 3 = 0 THEN parse_json(CONCAT('{\"a\":\"str', id, '\",\"b\":', id, "
          + "',\"o\":{\"x\":1.5,\"z\":2},\"arr\":[1,\"x\",2.25],\"extra\":true}')) "
          + "WHEN id % 3 = 1 THEN to_variant_object(named_struct('a', id, 'b', CONCAT('s', id), "
          + "'o', named_struct('x', CAST(id AS INT), 'y', DATE_ADD(DATE'2020-01-01', CAST(id AS INT))), "
          + "'arr', array(CAST(id / 4 AS DECIMAL(10,2)), CAST(NULL AS DECIMAL(10,2))))) "
          + "ELSE parse_json(CONCAT('{\"a\":', id, ',\"o\":\"not an object\",\"arr\":{\"x\":1}}')) END AS v "
          + "FROM RANGE(200, 240)").repartition(2).createOrReplaceTempView("variants4");
      spark.sql("INSERT INTO " + t + " SELECT * FROM variants4");
    } finally {
      spark.conf().unset("spark.sql.variant.forceShreddingSchemaForTest");
    }
    // version 5: DELETE through deletion vectors, on unshredded and shredded files
    spark.sql("DELETE FROM " + t + " WHERE id % 7 = 3");
    // version 6: UPDATE (deletion vectors plus new, shredded files)
    spark.sql("UPDATE " + t + " SET v = parse_json(CONCAT('{\"updated\":', id, ',\"was\":', "
        + "COALESCE(to_json(v), '\"sql null\"'), '}')) WHERE id % 10 = 1");
    DeltaOracle.expect(spark, dir, name, path, 6, false);
    checkJsonText(spark, path, 6, List.of("v"));
  }

  /** The table of {@link #variantKeys} ({@code generate-keys}), generated on its own. */
  static void generateKeys(SparkSession spark, Path dir) throws IOException {
    DeltaOracle.prepareOutput(spark, dir, List.of("variants_keys"));
    variantKeys(spark, dir);
  }

  /**
   * Shredded variants whose object keys are at the format's edges (issue 69): the empty key (which Spark shreds into a
   * {@code typed_value} field named ""), unicode keys, a key of 1,000 characters, keys that differ only in case, and
   * objects of a thousand keys; shredded with the schema Spark infers, then with a forced one naming the empty key.
   */
  static void variantKeys(SparkSession spark, Path dir) throws IOException {
    String name = "variants_keys";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    // version 0, then 1: shredding on
    spark.sql("CREATE TABLE " + t + " (id BIGINT, v VARIANT) USING delta TBLPROPERTIES ("
        + "'delta.checkpointInterval' = '1000')");
    spark.sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('delta.enableVariantShredding' = 'true')");
    long last = 1;
    // version 2: objects of one shape, shredded as Spark infers: "" (an int; a string in one row in ten, which stays
    // in the residual value), "a" and "A", unicode, 1,000 characters, an object with "" and "Z" inside; a key left
    // out in every third row, SQL NULL and variant null in one row in twenty each
    String longKey = "repeat('k', 999) || 'é'";
    String object = "concat('{\"\":', IF(id % 10 = 3, '\"text\"', CAST(id AS STRING)), "
        + "',\"a\":', id, ',\"A\":\"up', id, '\",\"ключ\":', id * 2, ',\"名前\":\"n', id, '\",', "
        + "'\"', " + longKey + ", '\":', id, ',\"😀\":true,', "
        + "IF(id % 3 = 0, '', concat('\" \":\"space\",')), "
        + "'\"z\":{\"\":', id, ',\"Z\":\"x', id, '\"}}')";
    spark.sql("SELECT id, CASE WHEN id % 20 = 0 THEN NULL WHEN id % 20 = 10 THEN parse_json('null') "
        + "ELSE parse_json(" + object + ") END AS v FROM RANGE(0, 60)").repartition(2)
        .createOrReplaceTempView("keys2");
    spark.sql("INSERT INTO " + t + " SELECT * FROM keys2");
    last++;
    // version 3: objects of a thousand keys
    spark.sql("SELECT id, parse_json(concat('{', array_join(transform(sequence(0, 999), "
        + "i -> format_string('\"k%04d\":%d', i, i + id)), ','), ',\"\":\"e\"}')) AS v FROM RANGE(100, 104)")
        .coalesce(1).createOrReplaceTempView("keys3");
    spark.sql("INSERT INTO " + t + " SELECT * FROM keys3");
    last++;
    // version 4: a forced shredding schema naming the empty key, "a" and a unicode key
    spark.conf().set("spark.sql.variant.forceShreddingSchemaForTest", "`` BIGINT, a BIGINT, `ключ` STRING");
    try {
      spark.sql("SELECT id, parse_json(" + object + ") AS v FROM RANGE(200, 230)").coalesce(1)
          .createOrReplaceTempView("keys4");
      spark.sql("INSERT INTO " + t + " SELECT * FROM keys4");
      last++;
    } catch (RuntimeException e) {
      System.err.println("variants_keys: Spark refused the forced shredding schema: " + e);
    } finally {
      spark.conf().unset("spark.sql.variant.forceShreddingSchemaForTest");
    }
    DeltaOracle.expect(spark, dir, name, path, last, false);
    checkJsonText(spark, path, last, List.of("v"));
  }

  /** The table of {@link #variantPrimitives} ({@code generate-primitives}), generated on its own. */
  static void generatePrimitives(SparkSession spark, Path dir) throws IOException {
    DeltaOracle.prepareOutput(spark, dir, List.of("variants_primitives"));
    variantPrimitives(spark, dir);
  }

  /**
   * Every primitive Spark 4.2 writes into a variant, at its edges, by kind (the kind's SQL expressions share one SQL
   * type, so that an array of two of them keeps each value's own encoding). Spark's variant has no time and no
   * nanosecond timestamps; a uuid it holds but SQL cannot make (see {@link #variantPrimitives}).
   */
  static Map<String, List<String>> primitives() {
    Map<String, List<String>> p = new LinkedHashMap<>();
    p.put("null", List.of("CAST(NULL AS STRING)"));
    p.put("boolean", List.of("true", "false"));
    p.put("int8", List.of("CAST(-128 AS TINYINT)", "CAST(127 AS TINYINT)", "CAST(0 AS TINYINT)"));
    p.put("int16", List.of("CAST(-32768 AS SMALLINT)", "CAST(32767 AS SMALLINT)", "CAST(-129 AS SMALLINT)",
        "CAST(128 AS SMALLINT)"));
    p.put("int32", List.of("CAST('-2147483648' AS INT)", "CAST('2147483647' AS INT)", "CAST('-32769' AS INT)",
        "CAST('32768' AS INT)"));
    p.put("int64", List.of("CAST('-9223372036854775808' AS BIGINT)", "CAST('9223372036854775807' AS BIGINT)",
        "CAST('-2147483649' AS BIGINT)", "CAST('2147483648' AS BIGINT)"));
    p.put("float", floating("FLOAT", "0.1", "-0.0", "3.4028235E38", "1.4E-45", "NaN", "Infinity", "-Infinity",
        "1.0E-7", "16777216", "-1.17549435E-38"));
    p.put("double", floating("DOUBLE", "0.1", "-0.0", "1.7976931348623157E308", "4.9E-324", "NaN", "Infinity",
        "-Infinity", "1.0E-7", "1.0E21", "123456789.125", "2.2250738585072014E-308", "1.0E20"));
    p.put("decimal4", List.of("CAST('999999999' AS DECIMAL(9,0))", "CAST('0.999999999' AS DECIMAL(9,9))",
        "CAST('-0.000000001' AS DECIMAL(9,9))", "CAST('1.10' AS DECIMAL(3,2))", "CAST('-12345.6789' AS DECIMAL(9,4))",
        "CAST('0' AS DECIMAL(1,0))"));
    p.put("decimal8", List.of("CAST('999999999999999999' AS DECIMAL(18,0))",
        "CAST('0.999999999999999999' AS DECIMAL(18,18))", "CAST('-1234567890' AS DECIMAL(10,0))",
        "CAST('1234567890.12345678' AS DECIMAL(18,8))", "CAST('0.0000000001' AS DECIMAL(10,10))"));
    p.put("decimal16", List.of("CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0))",
        "CAST('-0.99999999999999999999999999999999999999' AS DECIMAL(38,38))",
        "CAST('1234567890123456789' AS DECIMAL(19,0))", "CAST('0.0000000000000000001' AS DECIMAL(19,19))",
        "CAST('-12345678901234567890.123456789012345678' AS DECIMAL(38,18))",
        "CAST('-99999999999999999999999999999999999999' AS DECIMAL(38,0))"));
    p.put("date", List.of("DATE'0001-01-01'", "DATE'9999-12-31'", "DATE'1970-01-01'", "DATE'1969-12-31'",
        "DATE'1582-10-10'", "DATE'2024-02-29'"));
    p.put("timestamp", timestamps("TIMESTAMP"));
    p.put("timestamp_ntz", timestamps("TIMESTAMP_NTZ"));
    p.put("binary", List.of("X''", "X'00FF'", "unhex(repeat('AB', 100))"));
    p.put("string", List.of("''", "'a'", "repeat('x', 63)", "repeat('y', 64)", "repeat('é', 500)",
        "concat('q\"', chr(0), chr(9), chr(10), chr(31), chr(127), chr(92), '/😀\u2028')", "repeat('z', 70000)"));
    return p;
  }

  private static List<String> floating(String type, String... texts) {
    List<String> out = new ArrayList<>();
    for (String t : texts) {
      out.add("CAST('" + t + "' AS " + type + ")");
    }
    return out;
  }

  private static List<String> timestamps(String type) {
    List<String> out = new ArrayList<>();
    for (String t : List.of("0001-01-01 00:00:00", "9999-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999",
        "1970-01-01 00:00:00", "2024-02-29 12:34:56.000001", "1582-10-04 23:59:59.5")) {
      out.add(type + "'" + t + "'");
    }
    return out;
  }

  /** A variant holding the primitive: a top-level variant null for the kind null. */
  private static String topLevel(String kind, String e) {
    return kind.equals("null") ? "parse_json('null')" : "CAST(" + e + " AS VARIANT)";
  }

  /** An object holding the primitive as a field, in an array and in a nested object. */
  private static String inObject(String e) {
    return "to_variant_object(named_struct('x', " + e + ", 'arr', array(" + e + ", NULL, " + e
        + "), 'o', named_struct('y', " + e + ")))";
  }

  /** The rows {@code id, kind, v} of every primitive in the given form, from id {@code first}. */
  private static String primitiveRows(long first, BiFunction<String, String, String> form,
      List<String> kinds) {
    List<String> selects = new ArrayList<>();
    long id = first;
    for (Map.Entry<String, List<String>> k : primitives().entrySet()) {
      if (!kinds.contains(k.getKey())) {
        continue;
      }
      for (String e : k.getValue()) {
        selects.add("SELECT CAST(" + id++ + " AS BIGINT) AS id, '" + k.getKey() + "' AS kind, "
            + form.apply(k.getKey(), e) + " AS v");
      }
    }
    return String.join(" UNION ALL ", selects);
  }

  /**
   * The rows of every kind, each kind in a file of its own: a union of one-slice RDDs, one write task each (a union
   * of SQL selects of literals is one local relation, one task, whatever its parts' partitioning).
   */
  private static void insertByKind(SparkSession spark, String t, long first,
      BiFunction<String, String, String> form) {
    JavaSparkContext jsc =
        JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> all = null;
    StructType schema = null;
    long id = first;
    for (String kind : primitives().keySet()) {
      Dataset<Row> one = spark.sql(primitiveRows(id, form, List.of(kind)));
      schema = one.schema();
      JavaRDD<Row> rows = jsc.parallelize(one.collectAsList(), 1);
      id += primitives().get(kind).size();
      all = all == null ? rows : all.union(rows);
    }
    spark.createDataFrame(all, schema).createOrReplaceTempView("by_kind");
    spark.sql("INSERT INTO " + t + " SELECT * FROM by_kind");
  }

  /**
   * Every primitive a Spark variant holds (issue 69), at the top level, as an object's field, in an array and in a
   * nested object: version 1 unshredded; 2 turns shredding on; 3 and 4 shredded as Spark infers, one file per kind
   * (top level, then in objects); 5 a forced top-level BIGINT that only the integers fit (the rest stay in
   * {@code value}); 6 a forced object schema of a field per kind, once with each field's own kind and once with the
   * next kind's value; 7 mixed arrays and objects and arrays 50 deep, as inferred; 8 uuids, built with Spark's
   * VariantBuilder (SQL has no uuid to cast), if Spark takes them.
   */
  static void variantPrimitives(SparkSession spark, Path dir) throws IOException {
    String name = "variants_primitives";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    List<String> kinds = new ArrayList<>(primitives().keySet());
    spark.sql("CREATE TABLE " + t + " (id BIGINT, kind STRING, v VARIANT) USING delta TBLPROPERTIES ("
        + "'delta.checkpointInterval' = '1000')");
    long last = 0;
    // version 1: unshredded, each primitive at the top level, in an object and in an array; a SQL NULL
    String top = primitiveRows(0, FeatureTables::topLevel, kinds);
    String obj = primitiveRows(1000, (k, e) -> inObject(e), kinds);
    String arr = primitiveRows(2000, (k, e) -> "to_variant_object(array(" + e + ", NULL))", kinds);
    spark.sql(top + " UNION ALL " + obj + " UNION ALL " + arr
        + " UNION ALL SELECT CAST(2999 AS BIGINT), 'sql null', CAST(NULL AS VARIANT)").coalesce(1)
        .createOrReplaceTempView("prim1");
    spark.sql("INSERT INTO " + t + " SELECT * FROM prim1");
    last++;
    spark.sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('delta.enableVariantShredding' = 'true')");
    last++;
    // version 3: top-level primitives, a file per kind, shredded as Spark infers
    insertByKind(spark, t, 3000, FeatureTables::topLevel);
    last++;
    // version 4: the same in objects, a file per kind
    insertByKind(spark, t, 4000, (k, e) -> inObject(e));
    last++;
    // version 5: a forced top-level BIGINT: the integers fit, every other kind stays in value
    last += forced(spark, t, "BIGINT", primitiveRows(5000, FeatureTables::topLevel, kinds) + " UNION ALL "
        + primitiveRows(5500, (k, e) -> inObject(e), kinds));
    // version 6: a forced object of a field per kind, with its own kind's values, then with the next kind's
    Map<String, String> typeOf = new LinkedHashMap<>();
    typeOf.put("null", "STRING");
    typeOf.put("boolean", "BOOLEAN");
    typeOf.put("int8", "TINYINT");
    typeOf.put("int16", "SMALLINT");
    typeOf.put("int32", "INT");
    typeOf.put("int64", "BIGINT");
    typeOf.put("float", "FLOAT");
    typeOf.put("double", "DOUBLE");
    typeOf.put("decimal4", "DECIMAL(9,4)");
    typeOf.put("decimal8", "DECIMAL(18,9)");
    typeOf.put("decimal16", "DECIMAL(38,18)");
    typeOf.put("date", "DATE");
    typeOf.put("timestamp", "TIMESTAMP");
    typeOf.put("timestamp_ntz", "TIMESTAMP_NTZ");
    typeOf.put("binary", "BINARY");
    typeOf.put("string", "STRING");
    List<String> schema = new ArrayList<>();
    for (Map.Entry<String, String> e : typeOf.entrySet()) {
      schema.add("`" + e.getKey() + "` " + e.getValue());
    }
    schema.add("arr ARRAY<BIGINT>");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      for (int shift = 0; shift < 2; shift++) {
        List<String> fields = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
          List<String> values = primitives().get(kinds.get((k + shift) % kinds.size()));
          fields.add("'" + kinds.get(k) + "', " + values.get(i % values.size()));
        }
        fields.add("'arr', array(" + primitives().get(kinds.get((i + shift * 5) % kinds.size())).get(0) + ")");
        rows.add("SELECT CAST(" + (6000 + i * 2 + shift) + " AS BIGINT) AS id, 'forced " + (shift == 0 ? "fit"
            : "misfit") + "' AS kind, to_variant_object(named_struct(" + String.join(", ", fields) + ")) AS v");
      }
    }
    last += forced(spark, t, String.join(", ", schema), String.join(" UNION ALL ", rows));
    // version 7: arrays of mixed kinds, integers of every width and decimals of every scale in one array, objects
    // and arrays 50 deep, as Spark infers
    String deep = "concat(repeat('{\"a\":', 50), id, repeat('}', 50))";
    String deepArrays = "concat(repeat('[', 50), id, ',\"s\"', repeat(']', 50))";
    String alternating = "concat(repeat('{\"b\":[', 25), id, repeat(']}', 25))";
    spark.sql("SELECT id, 'mixed' AS kind, parse_json(concat('{\"mixed\":[1,\"a\",2.5,true,null,{\"k\":1},[],1e300,',"
        + " id, '],\"ints\":[1,300,70000,5000000000,', id, '],\"decimals\":[1.5,2.25,0.001,12345678901.5,"
        + "123456789012345678901.5],\"deep\":', " + deep + ", ',\"deepArrays\":', " + deepArrays
        + ", ',\"alternating\":', " + alternating + ", '}')) AS v FROM RANGE(7000, 7010)").coalesce(1)
        .createOrReplaceTempView("prim7");
    spark.sql("INSERT INTO " + t + " SELECT * FROM prim7");
    last++;
    // version 8: uuids (Spark's variant holds them; no SQL expression makes one)
    try {
      List<Row> uuidRows = new ArrayList<>();
      String[] uuids = {"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
          "123e4567-e89b-12d3-a456-426614174000", "80000000-0000-0000-8000-000000000001"};
      for (int i = 0; i < uuids.length; i++) {
        VariantBuilder b = new VariantBuilder(false);
        b.appendUuid(UUID.fromString(uuids[i]));
        Variant u = b.result();
        uuidRows.add(RowFactory.create((long) 8000 + i, "uuid",
            new VariantVal(u.getValue(), u.getMetadata())));
      }
      StructType st = new StructType()
          .add("id", DataTypes.LongType)
          .add("kind", DataTypes.StringType)
          .add("v", VariantType$.MODULE$);
      spark.createDataFrame(uuidRows, st).coalesce(1).createOrReplaceTempView("uuids");
      spark.sql("SELECT id, kind, v FROM uuids UNION ALL SELECT id + 100, 'uuid in object', "
          + "to_variant_object(named_struct('u', v, 'arr', array(v, v))) FROM uuids").coalesce(1)
          .createOrReplaceTempView("prim8");
      spark.sql("INSERT INTO " + t + " SELECT * FROM prim8");
      last++;
    } catch (RuntimeException e) {
      System.err.println("variants_primitives: Spark refused the uuids: " + e);
    }
    DeltaOracle.expect(spark, dir, name, path, last, false);
    checkJsonText(spark, path, last, List.of("v"));
    expectBytes(spark, dir, name, path, last);
  }

  /**
   * Spark's read of every variant of the version as its bytes ({@code bytes-vN.jsonl}: id, metadata and value in
   * base64, sorted by id), which the JSON text cannot tell apart: an integer's width, a decimal's scale, a float from
   * a double, the encoding Spark rebuilt a shredded value in.
   */
  private static void expectBytes(SparkSession spark, Path dir, String name, String path, long version)
      throws IOException {
    List<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(path)
        .select("id", "v").where("v IS NOT NULL").orderBy("id").collectAsList();
    StringBuilder sb = new StringBuilder();
    Base64.Encoder b64 = Base64.getEncoder();
    for (Row r : rows) {
      VariantVal v = (VariantVal) r.get(1);
      sb.append("{\"id\":").append(r.getLong(0)).append(",\"metadata\":\"")
          .append(b64.encodeToString(v.getMetadata())).append("\",\"value\":\"")
          .append(b64.encodeToString(v.getValue())).append("\"}\n");
    }
    Files.writeString(dir.resolve("expected").resolve(name).resolve("bytes-v" + version + ".jsonl"),
        sb.toString());
  }

  /** Inserts the rows, one file, with the forced shredding schema; 1 if Spark wrote them, 0 if it refused. */
  private static int forced(SparkSession spark, String t, String schema, String rows) {
    spark.conf().set("spark.sql.variant.forceShreddingSchemaForTest", schema);
    try {
      spark.sql(rows).coalesce(1).createOrReplaceTempView("forced_rows");
      spark.sql("INSERT INTO " + t + " SELECT * FROM forced_rows");
      return 1;
    } catch (RuntimeException e) {
      System.err.println("variants_primitives: Spark refused the forced shredding schema " + schema + ": " + e);
      return 0;
    } finally {
      spark.conf().unset("spark.sql.variant.forceShreddingSchemaForTest");
    }
  }

  /**
   * Variants inside a struct, an array and a map: written unshredded, then with shredding on (Spark shreds a
   * variant at the top level or in a struct, not in an array or a map).
   */
  static void nestedVariants(SparkSession spark, Path dir) throws IOException {
    String name = "variants_nested";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    // version 0
    spark.sql("CREATE TABLE " + t + " (id BIGINT, s STRUCT<n: INT, w: VARIANT>, arr ARRAY<VARIANT>, "
        + "m MAP<STRING, VARIANT>) USING delta TBLPROPERTIES ('delta.checkpointInterval' = '1000')");
    // version 1: unshredded, with a null struct, a null and a variant-null inside, empty array and map
    spark.sql("SELECT id, CASE "
        + "WHEN id = 0 THEN NULL "
        + "WHEN id = 1 THEN named_struct('n', 1, 'w', CAST(NULL AS VARIANT)) "
        + "WHEN id = 2 THEN named_struct('n', CAST(NULL AS INT), 'w', parse_json('null')) "
        + "ELSE named_struct('n', CAST(id AS INT), 'w', parse_json(CONCAT('{\"k\":', id, ',\"l\":[\"a\",', id, "
        + "']}'))) END AS s, "
        + "CASE WHEN id = 3 THEN NULL WHEN id = 4 THEN array() "
        + "ELSE array(parse_json(CONCAT('', id)), parse_json('\"x\"'), CAST(NULL AS VARIANT), "
        + "CAST(DATE_ADD(DATE'2024-01-01', CAST(id AS INT)) AS VARIANT)) END AS arr, "
        + "CASE WHEN id = 5 THEN NULL WHEN id = 6 THEN map() "
        + "ELSE map('a', parse_json(CONCAT('{\"v\":', id, '}')), 'b', CAST(NULL AS VARIANT), "
        + "'c', CAST(CAST(id * 1.5 AS DOUBLE) AS VARIANT)) END AS m "
        + "FROM RANGE(0, 10)").coalesce(1).createOrReplaceTempView("nested1");
    spark.sql("INSERT INTO " + t + " SELECT * FROM nested1");
    // version 2: shredding on
    spark.sql("ALTER TABLE " + t + " SET TBLPROPERTIES ('delta.enableVariantShredding' = 'true')");
    // version 3: s.w objects of one shape, shredded, with a null struct, a null and a variant-null inside; arr
    // and m as before (never shredded)
    spark.sql("SELECT id, IF(id % 10 = 3, NULL, named_struct('n', CAST(id AS INT), 'w', CASE "
        + "WHEN id % 10 = 5 THEN CAST(NULL AS VARIANT) WHEN id % 10 = 7 THEN parse_json('null') "
        + "ELSE to_variant_object(named_struct('k', id, 'name', CONCAT('w', id), "
        + "'day', DATE_ADD(DATE'2024-01-01', CAST(id AS INT)))) END)) AS s, "
        + "array(CAST(id AS VARIANT), parse_json(CONCAT('{\"e\":', id, '}'))) AS arr, "
        + "map('a', CAST(CONCAT('m', id) AS VARIANT)) AS m "
        + "FROM RANGE(10, 50)").repartition(2).createOrReplaceTempView("nested3");
    spark.sql("INSERT INTO " + t + " SELECT * FROM nested3");
    DeltaOracle.expect(spark, dir, name, path, 3, false);
    checkJsonText(spark, path, 3, List.of("s.w"));
  }

  /**
   * Type widening: every widening Delta 4.4 allows on a column, a struct field, an array element and a map value,
   * with rows written before and after each, so the latest version reads files of the narrower types too.
   */
  static void widened(SparkSession spark, Path dir) throws IOException {
    String name = "widened";
    String path = dir.resolve("tables").resolve(name).toString();
    String t = "delta.`" + path + "`";
    // version 0
    spark.sql("CREATE TABLE " + t + " (id BIGINT, b TINYINT, sh SMALLINT, i INT, l BIGINT, f FLOAT, d DATE, "
        + "dec DECIMAL(5,2), n INT, st STRUCT<k: INT, x: FLOAT>, arr ARRAY<SMALLINT>, m MAP<STRING, INT>) "
        + "USING delta TBLPROPERTIES ('delta.enableTypeWidening' = 'true', "
        // widening d to TIMESTAMP_NTZ later needs the feature, which Delta adds only when asked
        + "'delta.feature.timestampNtz' = 'supported', 'delta.checkpointInterval' = '1000')");
    // version 1: rows of the narrow types
    insertWidened(spark, t, 0, "CAST(id AS TINYINT)", "CAST(-id AS SMALLINT)", "CAST(id * 1000 AS INT)",
        "id * 100000", "CAST(id / 3 AS FLOAT)", "DATE_ADD(DATE'2024-01-01', CAST(id AS INT))",
        "CAST(id * 1.25 AS DECIMAL(5,2))", "CAST(id AS INT)",
        "named_struct('k', CAST(id AS INT), 'x', CAST(id / 7 AS FLOAT))",
        "array(CAST(id AS SMALLINT), CAST(NULL AS SMALLINT))", "map('a', CAST(id AS INT))");
    // versions 2 to 5, then 6: wider values
    alter(spark, t, "b", "SMALLINT");
    alter(spark, t, "i", "BIGINT");
    alter(spark, t, "f", "DOUBLE");
    alter(spark, t, "st.k", "BIGINT");
    insertWidened(spark, t, 10, "CAST(id * 300 AS SMALLINT)", "CAST(-id AS SMALLINT)", "3000000000 + id",
        "id * 100000", "id / 3", "DATE_ADD(DATE'2024-01-01', CAST(id AS INT))",
        "CAST(id * 1.25 AS DECIMAL(5,2))", "CAST(id AS INT)",
        "named_struct('k', 5000000000 + id, 'x', CAST(id / 7 AS FLOAT))",
        "array(CAST(id AS SMALLINT))", "map('a', CAST(id AS INT))");
    // versions 7 to 11, then 12
    alter(spark, t, "b", "INT");
    alter(spark, t, "sh", "INT");
    alter(spark, t, "d", "TIMESTAMP_NTZ");
    alter(spark, t, "dec", "DECIMAL(10,4)");
    alter(spark, t, "arr.element", "INT");
    insertWidened(spark, t, 20, "CAST(id * 100000 AS INT)", "CAST(-id * 100000 AS INT)", "3000000000 + id",
        "id * 100000", "id / 3", "CAST(TIMESTAMP_MICROS(1700000000000000 + id * 1000003) AS TIMESTAMP_NTZ)",
        "CAST(id * 1000.0001 AS DECIMAL(10,4))", "CAST(id AS INT)",
        "named_struct('k', 5000000000 + id, 'x', CAST(id / 7 AS FLOAT))",
        "array(CAST(id * 100000 AS INT))", "map('a', CAST(id AS INT))");
    // versions 13 to 16, then 17
    alter(spark, t, "n", "DOUBLE");
    alter(spark, t, "l", "DECIMAL(22,2)");
    alter(spark, t, "st.x", "DOUBLE");
    alter(spark, t, "m.value", "BIGINT");
    insertWidened(spark, t, 30, "CAST(id * 100000 AS INT)", "CAST(-id * 100000 AS INT)", "3000000000 + id",
        "CAST(id * 100000 AS DECIMAL(22,2)) + 0.25", "id / 3",
        "CAST(TIMESTAMP_MICROS(1700000000000000 + id * 1000003) AS TIMESTAMP_NTZ)",
        "CAST(id * 1000.0001 AS DECIMAL(10,4))", "id / 4",
        "named_struct('k', 5000000000 + id, 'x', id / 7)",
        "array(CAST(id * 100000 AS INT))", "map('a', 6000000000 + id)");
    DeltaOracle.expect(spark, dir, name, path, 17, false);
  }

  private static void alter(SparkSession spark, String t, String column, String type) {
    spark.sql("ALTER TABLE " + t + " ALTER COLUMN " + column + " TYPE " + type);
  }

  /** Ten rows from {@code first}, one file; a null in every column but {@code id} in the last row. */
  private static void insertWidened(SparkSession spark, String t, long first, String... columns) {
    List<String> names = List.of("b", "sh", "i", "l", "f", "d", "dec", "n", "st", "arr", "m");
    StringBuilder select = new StringBuilder("SELECT id");
    for (int c = 0; c < columns.length; c++) {
      select.append(", IF(id = ").append(first + 9).append(", NULL, ").append(columns[c]).append(") AS ")
          .append(names.get(c));
    }
    select.append(" FROM RANGE(").append(first).append(", ").append(first + 10).append(")");
    spark.sql(select.toString()).coalesce(1).createOrReplaceTempView("widened_rows");
    spark.sql("INSERT INTO " + t + " SELECT * FROM widened_rows");
  }

  /**
   * Holds the expected files' rendering of a variant ({@code VariantVal.toJson} in UTC) to Spark SQL's own
   * {@code to_json} of the same values, in every version.
   */
  private static void checkJsonText(SparkSession spark, String path, long last, List<String> columns) {
    for (long v = 0; v <= last; v++) {
      Dataset<Row> df = spark.read().format("delta").option("versionAsOf", v).load(path);
      df.createOrReplaceTempView("checked");
      for (String c : columns) {
        List<Row> rows = spark.sql("SELECT to_json(" + c + ") AS sql, " + c + " AS val FROM checked").collectAsList();
        for (Row r : rows) {
          String viaRow = r.isNullAt(1) ? null : ((VariantVal) r.get(1)).toJson(ZoneOffset.UTC);
          String viaSql = r.isNullAt(0) ? null : r.getString(0);
          if (!Objects.equals(viaRow, viaSql)) {
            throw new IllegalStateException("version " + v + " of " + path + ": " + c + " renders as " + viaRow
                + " but to_json gives " + viaSql);
          }
        }
      }
    }
  }
}
