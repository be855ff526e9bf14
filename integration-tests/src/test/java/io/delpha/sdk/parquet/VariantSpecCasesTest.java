package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every case of Apache parquet-testing's {@code variant/} folder (integration-tests/src/test/resources/parquet-testing, see its
 * PROVENANCE.md): the binaries Spark 4.0 and Iceberg's test code wrote, decoded by {@link Variant} and compared with
 * what upstream says they hold, then re-encoded by our encoder.
 *
 * <p>The oracles, none written here: {@code data_dictionary.json} (Spark's {@code to_json} of each case, read back
 * by Python's {@code json}: its numbers went through doubles, its Spark timestamps carry the session zone's offset,
 * -04:00), and the literal values of the SQL in upstream's {@code regen.py} that made the Spark cases (quoted in
 * {@link #REGEN_SQL}), which are exact where the dictionary's doubles are not.
 */
@DisplayName("Variant: every parquet-testing variant/ case decodes to its documented value and re-encodes equal")
class VariantSpecCasesTest {

  static final Path DIR = Path.of("integration-tests/src/test/resources/parquet-testing/variant");

  /** The type each case holds, by its name (upstream README.md: one case per primitive type of the spec). */
  static final Map<String, Variant.Type> TYPES = Map.ofEntries(
      Map.entry("primitive_null", Variant.Type.NULL),
      Map.entry("primitive_boolean_true", Variant.Type.BOOLEAN),
      Map.entry("primitive_boolean_false", Variant.Type.BOOLEAN),
      Map.entry("primitive_int8", Variant.Type.INT8),
      Map.entry("primitive_int16", Variant.Type.INT16),
      Map.entry("primitive_int32", Variant.Type.INT32),
      Map.entry("primitive_int64", Variant.Type.INT64),
      Map.entry("primitive_double", Variant.Type.DOUBLE),
      Map.entry("primitive_decimal4", Variant.Type.DECIMAL),
      Map.entry("primitive_decimal8", Variant.Type.DECIMAL),
      Map.entry("primitive_decimal16", Variant.Type.DECIMAL),
      Map.entry("primitive_date", Variant.Type.DATE),
      Map.entry("primitive_timestamp", Variant.Type.TIMESTAMP_TZ),
      Map.entry("primitive_timestampntz", Variant.Type.TIMESTAMP_NTZ),
      Map.entry("primitive_float", Variant.Type.FLOAT),
      Map.entry("primitive_binary", Variant.Type.BINARY),
      Map.entry("primitive_string", Variant.Type.STRING),
      Map.entry("primitive_time", Variant.Type.TIME_NTZ),
      Map.entry("primitive_timestamp_nanos", Variant.Type.TIMESTAMP_NANOS_TZ),
      Map.entry("primitive_timestampntz_nanos", Variant.Type.TIMESTAMP_NANOS_NTZ),
      Map.entry("primitive_uuid", Variant.Type.UUID),
      Map.entry("short_string", Variant.Type.STRING),
      Map.entry("long_string", Variant.Type.STRING),
      Map.entry("object_empty", Variant.Type.OBJECT),
      Map.entry("object_primitive", Variant.Type.OBJECT),
      Map.entry("object_nested", Variant.Type.OBJECT),
      Map.entry("array_empty", Variant.Type.ARRAY),
      Map.entry("array_primitive", Variant.Type.ARRAY),
      Map.entry("array_nested", Variant.Type.ARRAY));

  /**
   * The exact values of upstream's {@code regen.py} ({@code INSERT INTO T VALUES ('primitive_decimal4',
   * 12.34::Decimal(8,2)::Variant)} and so on), where {@code data_dictionary.json} has only a double. Spark cast the
   * timestamp literal {@code '2025-04-16T12:34:56.78'::Timestamp} in its session zone, whose offset the dictionary
   * shows (-04:00); the binary literal {@code X'31337deadbeefcafe'} has an odd number of digits, which Spark pads
   * with a leading 0.
   */
  static final Map<String, Object> REGEN_SQL = Map.of(
      "primitive_decimal4", new BigDecimal("12.34"),
      "primitive_decimal8", new BigDecimal("12345678.90"),
      "primitive_decimal16", new BigDecimal("12345678912345678.90"),
      "primitive_int64", 1234567890123456789L,
      "primitive_double", 1234567890.1234,
      "primitive_float", (float) 1234567890.1234,
      "primitive_timestamp", Instant.parse("2025-04-16T16:34:56.78Z"),
      "primitive_timestampntz", LocalDateTime.parse("2025-04-16T12:34:56.78"),
      "primitive_binary", HexFormat.of().parseHex("031337deadbeefcafe"),
      "primitive_date", LocalDate.parse("2025-04-16"));

  /**
   * The cases whose bytes our encoder reproduces exactly. The format leaves a writer choices (dictionary order,
   * wider fields than needed, the order of an object's value bytes); where a case's writer made the canonical ones,
   * we must give the same bytes: every primitive (metadata {@code 01 00 00}, one fixed encoding per type and value),
   * the strings (short under 64 bytes), and the empty and flat arrays and the empty object. The three other cases
   * (object_primitive, object_nested, array_nested) differ: Spark writes its dictionary in the order it met the
   * names, unsorted ({@code sorted_strings} 0), and an object's values in that order too, where ours are sorted.
   */
  static final Set<String> BYTE_IDENTICAL = new TreeSet<>(TYPES.keySet());

  static {
    BYTE_IDENTICAL.removeAll(Set.of("object_primitive", "object_nested", "array_nested"));
  }

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA) // upstream's data_dictionary.json ends with "...utf8)",\n}
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  /** Spark's {@code to_json} of a timestamp: date, space, time, offset. */
  static final DateTimeFormatter SPARK_TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
      .appendOffset("+HH:MM", "+00:00").toFormatter();
  static final DateTimeFormatter SPARK_LOCAL_TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
      .toFormatter();

  static Variant read(String name) throws IOException {
    return Variant.from(Files.readAllBytes(DIR.resolve(name + ".metadata")),
        Files.readAllBytes(DIR.resolve(name + ".value")));
  }

  static List<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".value"))
          .map(n -> n.substring(0, n.length() - ".value".length())).sorted().toList();
    }
  }

  static JsonNode dictionary() throws IOException {
    return JSON.readTree(Files.readString(DIR.resolve("data_dictionary.json"), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("the folder holds the 29 cases this test knows, 28 of them in data_dictionary.json")
  void everyCaseIsKnown() throws IOException {
    assertThat(cases()).containsExactlyInAnyOrderElementsOf(TYPES.keySet());
    List<String> documented = new ArrayList<>();
    dictionary().fieldNames().forEachRemaining(documented::add);
    assertThat(documented).hasSize(28).doesNotContain("long_string");
    assertThat(TYPES.keySet()).containsAll(documented);
  }

  @Test
  @DisplayName("each case decodes to its type and to the value data_dictionary.json holds, value by value")
  void decodedValuesMatchTheDictionary() throws IOException {
    JsonNode dictionary = dictionary();
    for (Iterator<Map.Entry<String, JsonNode>> it = dictionary.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Variant v = read(e.getKey());
      assertThat(v.type()).as(e.getKey()).isEqualTo(TYPES.get(e.getKey()));
      assertMatches(v, e.getValue(), e.getKey());
    }
  }

  /** A decoded value against a value of Spark's {@code to_json} (after Python's {@code json}). */
  static void assertMatches(Variant v, JsonNode expected, String path) {
    switch (v.type()) {
      case NULL -> assertThat(expected.isNull()).as(path).isTrue();
      case BOOLEAN -> assertThat(v.getBoolean()).as(path).isEqualTo(expected.booleanValue());
      case INT8, INT16, INT32, INT64 -> {
        assertThat(expected.isIntegralNumber()).as(path).isTrue();
        assertThat(v.getLong()).as(path).isEqualTo(expected.longValue());
      }
      // the dictionary's numbers passed through Python floats: compare as doubles (exact values: regen's SQL)
      case DOUBLE -> assertThat(v.getDouble()).as(path).isEqualTo(expected.doubleValue());
      // Spark printed the float's shortest decimal (1.23456794E9): the float nearest it is the value
      case FLOAT -> assertThat(v.getFloat()).as(path).isEqualTo(expected.floatValue());
      case DECIMAL -> assertThat(v.getDecimal().doubleValue()).as(path).isEqualTo(expected.doubleValue());
      case STRING -> assertThat(v.getString()).as(path).isEqualTo(expected.textValue());
      case DATE -> assertThat(v.getDate()).as(path).isEqualTo(LocalDate.parse(expected.textValue()));
      case BINARY -> assertThat(v.getBinary()).as(path).isEqualTo(Base64.getDecoder().decode(expected.textValue()));
      case UUID -> assertThat(v.getUuid()).as(path).isEqualTo(UUID.fromString(expected.textValue()));
      case TIMESTAMP_TZ, TIMESTAMP_NANOS_TZ -> assertThat(v.getTimestamp()).as(path)
          .isEqualTo(instant(expected.textValue()));
      case TIMESTAMP_NTZ, TIMESTAMP_NANOS_NTZ -> assertThat(v.getLocalTimestamp()).as(path)
          .isEqualTo(localTimestamp(expected.textValue()));
      case TIME_NTZ -> assertThat(v.getTime()).as(path).isEqualTo(time(expected.textValue()));
      case ARRAY -> {
        assertThat(expected.isArray()).as(path).isTrue();
        assertThat(v.size()).as(path).isEqualTo(expected.size());
        for (int i = 0; i < v.size(); i++) {
          assertMatches(v.get(i), expected.get(i), path + "[" + i + "]");
        }
      }
      case OBJECT -> {
        assertThat(expected.isObject()).as(path).isTrue();
        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        // Python's sort_keys sorts by code point; these names are ASCII, so that is the format's byte order
        assertThat(v.fieldNames()).as(path).containsExactlyElementsOf(names);
        for (int i = 0; i < v.size(); i++) {
          String name = v.fieldName(i);
          assertThat(v.get(name)).as(path + "." + name).isEqualTo(v.field(i));
          assertMatches(v.field(i), expected.get(name), path + "." + name);
        }
      }
      default -> throw new AssertionError(path + ": type " + v.type());
    }
  }

  /** Spark's form ({@code 2025-04-16 12:34:56.78-04:00}) or Iceberg's ISO one ({@code 2024-11-07T12:33:54+00:00}). */
  static Instant instant(String text) {
    return text.contains("T") ? OffsetDateTime.parse(text).toInstant()
        : OffsetDateTime.parse(text, SPARK_TIMESTAMP).toInstant();
  }

  static LocalDateTime localTimestamp(String text) {
    return text.contains("T") ? LocalDateTime.parse(text) : LocalDateTime.parse(text, SPARK_LOCAL_TIMESTAMP);
  }

  /** The dictionary writes primitive_time (hand-made, not Spark's) as {@code 12:33:54:123456}: a colon, not a point. */
  static LocalTime time(String text) {
    int last = text.lastIndexOf(':');
    return LocalTime.parse(last > 5 ? text.substring(0, last) + "." + text.substring(last + 1) : text);
  }

  @Test
  @DisplayName("the Spark cases hold exactly the values of regen.py's SQL: decimals with their scale, float, instant")
  void exactValuesOfTheGeneratingSql() throws IOException {
    assertThat(read("primitive_decimal4").getDecimal()).isEqualTo(REGEN_SQL.get("primitive_decimal4"));
    assertThat(read("primitive_decimal8").getDecimal()).isEqualTo(REGEN_SQL.get("primitive_decimal8"));
    assertThat(read("primitive_decimal16").getDecimal()).isEqualTo(REGEN_SQL.get("primitive_decimal16"));
    assertThat(read("primitive_int64").getLong()).isEqualTo(REGEN_SQL.get("primitive_int64"));
    assertThat(read("primitive_double").getDouble()).isEqualTo(REGEN_SQL.get("primitive_double"));
    assertThat(read("primitive_float").getFloat()).isEqualTo(REGEN_SQL.get("primitive_float"));
    assertThat(read("primitive_timestamp").getTimestamp()).isEqualTo(REGEN_SQL.get("primitive_timestamp"));
    assertThat(read("primitive_timestampntz").getLocalTimestamp()).isEqualTo(REGEN_SQL.get("primitive_timestampntz"));
    assertThat(read("primitive_binary").getBinary()).isEqualTo((byte[]) REGEN_SQL.get("primitive_binary"));
    assertThat(read("primitive_date").getDate()).isEqualTo(REGEN_SQL.get("primitive_date"));
    // Iceberg's cases (its TestVariantReaders, quoted in the README's "Modification 2"): nanoseconds kept
    assertThat(read("primitive_timestamp_nanos").getTimestamp()).isEqualTo("2024-11-07T12:33:54.123456789Z");
    assertThat(read("primitive_timestampntz_nanos").getLocalTimestamp().toString())
        .isEqualTo("2024-11-07T12:33:54.123456789");
    // long_string is in no document: a 152-byte UTF-8 string (its 4-byte length), and what its text says of itself
    Variant longString = read("long_string");
    assertThat(longString.getString().getBytes(StandardCharsets.UTF_8)).hasSize(152);
    assertThat(longString.getString()).startsWith("This string is for sure and certainly longer than");
  }

  @Test
  @DisplayName("toJson gives Spark's to_json text where the forms agree, and the same values elsewhere")
  void toJsonAgreesWithSparksToJson() throws IOException {
    JsonNode dictionary = dictionary();
    for (Iterator<Map.Entry<String, JsonNode>> it = dictionary.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String ours = read(e.getKey()).toJson();
      JsonNode parsed = JSON.readTree(ours); // RFC 8259: Jackson's strict parser reads it
      assertSameJson(parsed, e.getValue(), read(e.getKey()).type(), e.getKey());
    }
    // Spark's forms, character for character (the timestamp in UTC, Spark's session zone taken as UTC)
    assertThat(read("primitive_timestampntz").toJson()).isEqualTo("\"2025-04-16 12:34:56.78\"");
    assertThat(read("primitive_timestamp").toJson()).isEqualTo("\"2025-04-16 16:34:56.78+00:00\"");
    assertThat(read("primitive_binary").toJson()).isEqualTo("\"AxM33q2+78r+\"");
    assertThat(read("primitive_decimal8").toJson()).isEqualTo("12345678.9");
    assertThat(read("primitive_decimal16").toJson()).isEqualTo("12345678912345678.9");
    assertThat(read("object_nested").toJson()).isEqualTo("{\"id\":1,\"observation\":{\"location\":\"In the Volcano\","
        + "\"time\":\"12:34:56\",\"value\":{\"humidity\":456,\"temperature\":123}},"
        + "\"species\":{\"name\":\"lava monster\",\"population\":6789}}");
  }

  static void assertSameJson(JsonNode ours, JsonNode spark, Variant.Type type, String path) {
    if (spark.isNumber()) {
      assertThat(ours.isNumber()).as(path).isTrue();
      assertThat(ours.doubleValue()).as(path).isEqualTo(spark.doubleValue());
    } else if (spark.isTextual() && (type == Variant.Type.TIMESTAMP_TZ || type == Variant.Type.TIMESTAMP_NANOS_TZ)) {
      assertThat(instant(ours.textValue())).as(path).isEqualTo(instant(spark.textValue()));
    } else if (spark.isTextual() && type == Variant.Type.TIMESTAMP_NANOS_NTZ) {
      assertThat(localTimestamp(ours.textValue())).as(path).isEqualTo(localTimestamp(spark.textValue()));
    } else if (spark.isTextual() && type == Variant.Type.TIME_NTZ) {
      assertThat(time(ours.textValue())).as(path).isEqualTo(time(spark.textValue()));
    } else if (spark.isContainerNode()) {
      assertThat(ours.getNodeType()).as(path).isEqualTo(spark.getNodeType());
      assertThat(ours.size()).as(path).isEqualTo(spark.size());
      if (spark.isArray()) {
        for (int i = 0; i < spark.size(); i++) {
          assertSameJson(ours.get(i), spark.get(i), Variant.Type.STRING, path + "[" + i + "]");
        }
      } else {
        List<String> names = new ArrayList<>();
        ours.fieldNames().forEachRemaining(names::add);
        assertThat(names).as(path).containsExactlyElementsOf(() -> spark.fieldNames());
        for (String n : names) {
          assertSameJson(ours.get(n), spark.get(n), Variant.Type.STRING, path + "." + n);
        }
      }
    } else {
      assertThat(ours).as(path).isEqualTo(spark); // strings, dates, booleans, null, binary, UUID: the same text
    }
  }

  /** Rebuilds a value through the public factories alone: the same type, the same value, our encoding. */
  static Variant rebuild(Variant v) {
    return switch (v.type()) {
      case NULL -> Variant.ofNull();
      case BOOLEAN -> Variant.of(v.getBoolean());
      case INT8 -> Variant.of((byte) v.getLong());
      case INT16 -> Variant.of((short) v.getLong());
      case INT32 -> Variant.of((int) v.getLong());
      case INT64 -> Variant.of(v.getLong());
      case DOUBLE -> Variant.of(v.getDouble());
      case FLOAT -> Variant.of(v.getFloat());
      case DECIMAL -> Variant.of(v.getDecimal());
      case DATE -> Variant.of(v.getDate());
      case TIMESTAMP_TZ -> Variant.of(v.getTimestamp());
      case TIMESTAMP_NANOS_TZ -> Variant.ofNanos(v.getTimestamp());
      case TIMESTAMP_NTZ -> Variant.of(v.getLocalTimestamp());
      case TIMESTAMP_NANOS_NTZ -> Variant.ofNanos(v.getLocalTimestamp());
      case TIME_NTZ -> Variant.of(v.getTime());
      case BINARY -> Variant.of(v.getBinary());
      case STRING -> Variant.of(v.getString());
      case UUID -> Variant.of(v.getUuid());
      case OBJECT -> {
        Map<String, Variant> fields = new LinkedHashMap<>();
        for (int i = v.size() - 1; i >= 0; i--) { // any order: the encoder sorts
          fields.put(v.fieldName(i), rebuild(v.field(i)));
        }
        yield Variant.object(fields);
      }
      case ARRAY -> {
        List<Variant> elements = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
          elements.add(rebuild(v.get(i)));
        }
        yield Variant.array(elements);
      }
    };
  }

  @Test
  @DisplayName("each case re-encoded is equal to it; the canonical cases are byte for byte upstream's bytes")
  void reEncodedCasesAreEqualAndCanonicalOnesIdentical() throws IOException {
    Map<String, Boolean> identical = new TreeMap<>();
    for (String name : cases()) {
      Variant v = read(name);
      Variant rebuilt = rebuild(v);
      assertThat(rebuilt).as(name).isEqualTo(v);
      assertThat(rebuilt.hashCode()).as(name).isEqualTo(v.hashCode());
      assertThat(rebuilt.toJson()).as(name).isEqualTo(v.toJson());
      // the value itself re-encoded as an element (Variant.array re-encodes what it is given, keeping types)
      assertThat(Variant.array(List.of(v)).get(0)).as(name).isEqualTo(v);
      // a value's binaries are a variant again, and so is every nested value with the whole metadata (the spec)
      assertThat(Variant.from(v.metadata(), v.value())).as(name).isEqualTo(v);
      assertNestedPairsAreVariants(v, name);
      boolean same = java.util.Arrays.equals(rebuilt.metadata(), Files.readAllBytes(DIR.resolve(name + ".metadata")))
          && java.util.Arrays.equals(rebuilt.value(), Files.readAllBytes(DIR.resolve(name + ".value")));
      identical.put(name, same);
    }
    Set<String> identicalCases = new TreeSet<>();
    identical.forEach((k, same) -> {
      if (same) {
        identicalCases.add(k);
      }
    });
    assertThat(identicalCases).isEqualTo(BYTE_IDENTICAL);
  }

  static void assertNestedPairsAreVariants(Variant v, String path) {
    if (v.type() == Variant.Type.OBJECT || v.type() == Variant.Type.ARRAY) {
      for (int i = 0; i < v.size(); i++) {
        Variant child = v.type() == Variant.Type.OBJECT ? v.field(i) : v.get(i);
        assertThat(Variant.from(child.metadata(), child.value())).as(path + "/" + i).isEqualTo(child);
        assertNestedPairsAreVariants(child, path + "/" + i);
      }
    }
  }

  @Test
  @DisplayName("fromJson of Spark's to_json text gives the cases' values back where JSON keeps their types")
  void fromJsonOfTheDictionary() throws IOException {
    // parse_json of the JSON cases (objects, arrays, strings) is what made them upstream (regen.py)
    for (String name : List.of("object_empty", "object_primitive", "object_nested", "array_empty", "array_primitive",
        "array_nested", "short_string", "primitive_string", "primitive_boolean_true", "primitive_null")) {
      Variant v = read(name);
      assertThat(Variant.fromJson(v.toJson())).as(name).isEqualTo(v);
    }
  }
}
