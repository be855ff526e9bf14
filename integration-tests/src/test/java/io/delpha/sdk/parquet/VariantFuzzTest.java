package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of {@link Variant#from}: valid pairs (every parquet-testing case, and variants our encoder makes
 * from random values) with bits flipped, bytes set, cut short, extended, counts and offsets made huge. Each mutated
 * pair either decodes, and then everything a caller can do with it works (JSON that a strict parser reads, every
 * getter of its type, every field and element, equality with its re-encoding), or is refused with a
 * {@link DataFormatException}; never another exception, never a {@code StackOverflowError} or
 * {@code OutOfMemoryError}. Random valid values also check the encoder: decoded equal, re-encoded to the same bytes.
 *
 * <p>{@code -Dvariant.seed=N} (default 59000) and {@code -Dvariant.count=M} (default 4000) choose the cases: case
 * {@code i} uses seed {@code N + i}. A failure lists each failing seed with the command that replays it alone.
 *
 * <p>The same for VARIANT columns of Parquet files ({@link #mutatedColumns}): at the top level and inside a LIST, a
 * STRUCT, a MAP's values and a LIST of STRUCTs of MAPs, unshredded and shredded (primitives, objects, arrays), with
 * mutated metadata and value bytes, typed values that conflict with values, that overflow their variant type, or are
 * missing; {@code -Dvariant.columns.seed=N} (default 59500), {@code -Dvariant.columns.count=M} (default 600). And
 * hostile files by hand: values nested deeper than {@link Variant#MAX_DEPTH} under shredded fields, huge claimed
 * lengths and counts, a VARIANT array of 2^16 elements in a page of 30 bytes ({@link HostileFiles}; 2^30 of them are
 * {@code HeapLimitTest}'s).
 */
@DisplayName("Variant: mutated bytes decode or are a DataFormatException, never anything else; so do VARIANT columns")
class VariantFuzzTest {

  static final long SEED = Long.getLong("variant.seed", 59_000L);
  static final int COUNT = Integer.getInteger("variant.count", 4000);
  static final ObjectMapper STRICT_JSON = new ObjectMapper();

  /** Valid metadata and value pairs to mutate (filled once, under the class's lock: VariantPathTest reads them too). */
  static final List<byte[][]> SAMPLES = new ArrayList<>();

  @BeforeAll
  static synchronized void samples() throws IOException {
    if (!SAMPLES.isEmpty()) {
      return;
    }
    for (String name : VariantSpecCasesTest.cases()) {
      SAMPLES.add(new byte[][] {Files.readAllBytes(VariantSpecCasesTest.DIR.resolve(name + ".metadata")),
          Files.readAllBytes(VariantSpecCasesTest.DIR.resolve(name + ".value"))});
    }
    try (Stream<Path> s = Files.list(VariantShreddedCasesTest.DIR)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".variant.bin")).sorted().toList()) {
        Variant v = VariantShreddedCasesTest.read(p.getFileName().toString());
        SAMPLES.add(new byte[][] {v.metadata(), v.value()});
      }
    }
    assertThat(SAMPLES).hasSize(29 + 137);
  }

  @Test
  @DisplayName("each seeded case: a mutated pair decodes and works, or is a DataFormatException")
  void mutatedPairs() {
    List<String> failures = new ArrayList<>();
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < COUNT; i++) {
      long seed = SEED + i;
      try {
        if (runCase(seed)) {
          decoded++;
        } else {
          refused++;
        }
      } catch (Throwable t) { // any other exception, an assertion, a StackOverflowError: the case failed
        if (failures.size() < 10) {
          failures.add("seed " + seed + ": " + t + "\n  replay: mvn -q test -Dtest=VariantFuzzTest -Dvariant.seed="
              + seed + " -Dvariant.count=1");
        }
      }
    }
    assertThat(failures).as("failing seeds").isEmpty();
    if (COUNT >= 1000) { // both outcomes are exercised, not only one
      assertThat(decoded).as("cases that decoded").isGreaterThan(COUNT / 20);
      assertThat(refused).as("cases refused").isGreaterThan(COUNT / 5);
    }
  }

  @Test
  @DisplayName("each seeded case: a VARIANT column (top level or nested; unshredded or shredded) with mutated bytes or "
      + "conflicting typed values reads, and every variant in it works, or is a DataFormatException, by rows and "
      + "batches")
  void mutatedColumns(@TempDir Path tmp) throws IOException {
    long first = Long.getLong("variant.columns.seed", 59_500L);
    int count = Integer.getInteger("variant.columns.count", 600);
    List<String> failures = new ArrayList<>();
    int read = 0;
    int refused = 0;
    for (int i = 0; i < count && failures.size() < 10; i++) {
      long seed = first + i;
      Path file = tmp.resolve("columns-" + seed + ".parquet");
      VariantColumnCase c = new VariantColumnCase(seed);
      try {
        c.write(file);
        if (readColumnCase(file)) {
          read++;
        } else {
          refused++;
        }
      } catch (Throwable t) { // another exception, an assertion, an Error: the case failed
        failures.add("seed " + seed + " (" + c + "): " + t + "\n  replay: mvn -q test "
            + "-Dtest='VariantFuzzTest#mutatedColumns' -Dvariant.columns.seed=" + seed + " -Dvariant.columns.count=1");
      } finally {
        Files.deleteIfExists(file);
      }
    }
    System.out.printf("VARIANT columns: %d cases read, %d refused%n", read, refused);
    assertThat(failures).as("failing seeds").isEmpty();
    if (count >= 100) {
      assertThat(read).as("cases read").isGreaterThan(count / 10);
      assertThat(refused).as("cases refused").isGreaterThan(count / 10);
    }
  }

  /**
   * Reads a file by rows and by batches: both read the same rows, every variant of which works ({@link #exercise}),
   * or both are refused with a {@link DataFormatException} naming the file.
   *
   * @return whether it was read
   */
  static boolean readColumnCase(Path file) {
    List<Row> rows = null;
    List<Row> batches = null;
    DataFormatException rowsRefused = null;
    try {
      rows = ParquetCorpusTest.readAll(file);
    } catch (DataFormatException e) {
      rowsRefused = e;
    }
    try {
      batches = ParquetCorpusTest.readColumnar(file);
    } catch (DataFormatException e) {
      assertThat(rowsRefused).as("refused by batches (" + e.getMessage() + "), read by rows").isNotNull();
    }
    if (rowsRefused != null) {
      assertThat(batches).as("refused by rows (" + rowsRefused.getMessage() + "), read by batches").isNull();
      assertThat(rowsRefused.getMessage()).contains(file.getFileName().toString()).doesNotContain(": null");
      return false;
    }
    assertThat(batches).isEqualTo(rows);
    rows.forEach(row -> row.values().forEach(VariantFuzzTest::exerciseAll));
    return true;
  }

  /** Exercises every variant in a row-model value (a list's, a map's keys and values, a struct's fields). */
  private static void exerciseAll(Object v) {
    if (v instanceof Variant variant) {
      // a shredded column's variants are made without Variant.from's checks (valid by construction): its checks
      // must accept each one's bytes, and make the same variant
      assertThat(Variant.from(variant.metadata(), variant.value())).isEqualTo(variant);
      exercise(variant, 0);
    } else if (v instanceof List<?> l) {
      l.forEach(VariantFuzzTest::exerciseAll);
    } else if (v instanceof Map<?, ?> m) {
      m.forEach((k, e) -> {
        exerciseAll(k);
        exerciseAll(e);
      });
    } else if (v instanceof Row r) {
      r.values().forEach(VariantFuzzTest::exerciseAll);
    }
  }

  /**
   * One seeded file of a VARIANT column: where the VARIANT is (at the top, a LIST's elements, a STRUCT's field, a
   * MAP's values, a LIST of STRUCTs of MAPs), how it is stored (unshredded; shredded as a primitive, an object, an
   * array) and its rows (a sample pair, maybe mutated, split as the shredding has it, with conflicting and missing
   * parts), written by parquet-mr.
   */
  static final class VariantColumnCase {
    private static final String[] PLACES = {"top", "list", "struct", "map", "deep"};
    private static final String[] FORMS = {"unshredded", "primitive", "object", "array"};
    private static final String[] PRIMITIVES = {"int32 typed_value (INTEGER(8,true))",
        "int32 typed_value (INTEGER(16,true))", "int32 typed_value", "int64 typed_value", "boolean typed_value",
        "double typed_value", "float typed_value", "binary typed_value (STRING)", "binary typed_value",
        "binary typed_value (DECIMAL(38,2))", "int64 typed_value (DECIMAL(18,4))", "int32 typed_value (DATE)",
        "fixed_len_byte_array(16) typed_value (UUID)", "int64 typed_value (TIMESTAMP(MICROS,true))",
        "int64 typed_value (TIMESTAMP(NANOS,false))", "int64 typed_value (TIME(MICROS,false))"};

    final Random r;
    final String place;
    final String form;
    final String primitive;
    final boolean required;
    /** Fills the one VARIANT of a hand-made case; {@code null} for a seeded one. */
    final @Nullable Consumer<Group> fixed;

    VariantColumnCase(long seed) {
      r = new Random(seed);
      place = PLACES[r.nextInt(PLACES.length)];
      form = FORMS[r.nextInt(FORMS.length)];
      primitive = PRIMITIVES[r.nextInt(PRIMITIVES.length)];
      required = r.nextInt(4) == 0;
      fixed = null;
    }

    /** A case of one row whose one VARIANT, at {@code place} and of {@code form}, {@code fill} fills. */
    VariantColumnCase(String place, String form, String primitive, Consumer<Group> fill) {
      r = new Random(0);
      this.place = place;
      this.form = form;
      this.primitive = primitive;
      required = false;
      fixed = fill;
    }

    @Override
    public String toString() {
      return place + ", " + (required ? "required " : "") + form + (form.equals("primitive") ? " " + primitive : "");
    }

    /** The VARIANT group, named {@code v}. */
    private String group() {
      String typed = switch (form) {
        case "primitive" -> "optional " + primitive + ";";
        case "object" -> "optional group typed_value { required group a { optional binary value; optional int32 "
            + "typed_value; } required group b { optional binary value; } }";
        case "array" -> "optional group typed_value (LIST) { repeated group list { required group element { optional "
            + "binary value; optional binary typed_value (STRING); } } }";
        default -> "";
      };
      return (required ? "required" : "optional") + " group v (VARIANT(1)) { required binary metadata; "
          + (form.equals("unshredded") ? "required" : "optional") + " binary value; " + typed + " }";
    }

    private MessageType schema() {
      String v = group();
      String column = switch (place) {
        case "top" -> v;
        case "list" -> "optional group c (LIST) { repeated group list { " + v.replace("group v ", "group element ")
            + " } }";
        case "struct" -> "optional group c { " + v + " required int32 n; }";
        case "map" -> "optional group c (MAP) { repeated group key_value { required binary key (STRING); "
            + v.replace("group v ", "group value ") + " } }";
        default -> "optional group c (LIST) { repeated group list { optional group element { optional group m (MAP) "
            + "{ repeated group key_value { required binary key (STRING); " + v.replace("group v ", "group value ")
            + " } } } } }";
      };
      return MessageTypeParser.parseMessageType("message m { required int32 id; " + column + " }");
    }

    void write(Path file) throws IOException {
      MessageType schema = schema();
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withConf(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).withType(schema).build()) {
        SimpleGroupFactory factory = new SimpleGroupFactory(schema);
        for (int i = fixed != null ? 1 : 1 + r.nextInt(4); i > 0; i--) {
          Group row = factory.newGroup();
          row.add("id", i);
          if (place.equals("top")) {
            if (required || fixed != null || r.nextInt(5) > 0) {
              fill(row.addGroup("v"));
            }
          } else if (fixed != null || r.nextInt(6) > 0) {
            Group c = row.addGroup("c");
            for (int n = fixed != null ? 1 : r.nextInt(3) + (place.equals("struct") ? 1 : 0); n > 0; n--) {
              Group slot = switch (place) {
                case "list" -> c.addGroup("list");
                case "struct" -> c;
                case "map" -> c.addGroup("key_value").append("key", "k" + n);
                default -> c.addGroup("list").addGroup("element").addGroup("m").addGroup("key_value")
                    .append("key", "k" + n);
              };
              String name = switch (place) {
                case "list" -> "element";
                case "struct" -> "v";
                default -> "value";
              };
              if (required || fixed != null || r.nextInt(5) > 0) {
                fill(slot.addGroup(name));
              }
              if (place.equals("struct")) {
                c.add("n", n);
                break;
              }
            }
          }
          w.write(row);
        }
      }
    }

    /** A pair, one of the samples or a random value, mutated one time in three. */
    private byte[][] pair() {
      byte[][] sample;
      if (r.nextInt(3) == 0) {
        Variant v = randomVariant(r, 1 + r.nextInt(3));
        sample = new byte[][] {v.metadata(), v.value()};
      } else {
        byte[][] s = SAMPLES.get(r.nextInt(SAMPLES.size()));
        sample = new byte[][] {s[0].clone(), s[1].clone()};
      }
      if (r.nextInt(3) == 0) {
        int which = r.nextInt(3) == 0 ? 0 : 1;
        sample[which] = mutate(sample[which], r);
      }
      return sample;
    }

    /** Fills a VARIANT group: its metadata, and a value, a typed value, both or neither, as the form has them. */
    private void fill(Group g) {
      if (fixed != null) {
        fixed.accept(g);
        return;
      }
      byte[][] pair = pair();
      g.append("metadata", Binary.fromConstantByteArray(r.nextInt(40) == 0 ? new byte[0] : pair[0]));
      int parts = r.nextInt(8); // 0: neither, 1: both, else one of the two
      boolean value = form.equals("unshredded") || parts == 1 || parts > 1 && parts % 2 == 0;
      boolean typed = !form.equals("unshredded") && (parts == 1 || parts > 1 && parts % 2 == 1);
      if (value) {
        g.append("value", Binary.fromConstantByteArray(pair[1]));
      }
      if (typed) {
        typedValue(g, pair);
      }
    }

    private void typedValue(Group g, byte[][] pair) {
      switch (form) {
        case "primitive" -> primitive(g);
        case "object" -> {
          Group fields = g.addGroup("typed_value");
          Group a = fields.addGroup("a");
          if (r.nextBoolean()) {
            a.append("typed_value", r.nextInt());
          } else if (r.nextBoolean()) {
            a.append("value", Binary.fromConstantByteArray(subValue(pair)));
          }
          Group b = fields.addGroup("b");
          if (r.nextBoolean()) {
            b.append("value", Binary.fromConstantByteArray(subValue(pair)));
          }
        }
        default -> {
          Group list = g.addGroup("typed_value");
          for (int n = r.nextInt(4); n > 0; n--) {
            Group element = list.addGroup("list").addGroup("element");
            switch (r.nextInt(4)) {
              case 0 -> element.append("typed_value", "s" + n);
              case 1 -> element.append("value", Binary.fromConstantByteArray(subValue(pair)));
              case 2 -> element.append("typed_value", "s")
                  .append("value", Binary.fromConstantByteArray(subValue(pair)));
              default -> { } // missing: an array's element may not be
            }
          }
        }
      }
    }

    /** A value of the pair's metadata: the pair's, its first field or element, or a mutation of one. */
    private byte[] subValue(byte[][] pair) {
      try {
        Variant v = Variant.from(pair[0], pair[1]);
        if ((v.type() == Variant.Type.OBJECT || v.type() == Variant.Type.ARRAY) && v.size() > 0 && r.nextBoolean()) {
          byte[] child = (v.type() == Variant.Type.OBJECT ? v.field(0) : v.get(0)).value();
          return r.nextInt(4) == 0 ? mutate(child, r) : child;
        }
      } catch (DataFormatException e) {
        // a mutated pair: its value as it is
      }
      return pair[1];
    }

    /** A typed value of the primitive's Parquet type: random, at its type's edges, or beyond its variant type. */
    private void primitive(Group g) {
      String p = primitive;
      if (p.startsWith("int32 typed_value (INTEGER(8")) {
        g.append("typed_value", r.nextBoolean() ? r.nextInt(256) - 128 : r.nextInt()); // beyond an INT8 too
      } else if (p.startsWith("int32 typed_value (INTEGER(16")) {
        g.append("typed_value", r.nextBoolean() ? r.nextInt(65536) - 32768 : r.nextInt());
      } else if (p.startsWith("int32")) {
        g.append("typed_value", r.nextInt());
      } else if (p.startsWith("int64 typed_value (TIME(")) {
        g.append("typed_value", r.nextBoolean() ? (long) (r.nextDouble() * 86_400_000_000L) : r.nextLong());
      } else if (p.startsWith("int64")) {
        g.append("typed_value", r.nextLong());
      } else if (p.startsWith("boolean")) {
        g.append("typed_value", r.nextBoolean());
      } else if (p.startsWith("double")) {
        g.append("typed_value", Double.longBitsToDouble(r.nextLong()));
      } else if (p.startsWith("float")) {
        g.append("typed_value", Float.intBitsToFloat(r.nextInt()));
      } else if (p.contains("STRING")) {
        byte[] utf8 = new byte[r.nextInt(80)];
        r.nextBytes(utf8); // invalid UTF-8 too
        g.append("typed_value", r.nextBoolean() ? Binary.fromString("text " + r.nextInt())
            : Binary.fromConstantByteArray(utf8));
      } else if (p.contains("DECIMAL(38")) {
        byte[] unscaled = new byte[1 + r.nextInt(20)]; // up to 48 digits: beyond a variant's 38 too
        r.nextBytes(unscaled);
        g.append("typed_value", Binary.fromConstantByteArray(unscaled));
      } else {
        byte[] bytes = new byte[p.contains("UUID") ? 16 : r.nextInt(40)];
        r.nextBytes(bytes);
        g.append("typed_value", Binary.fromConstantByteArray(bytes));
      }
    }
  }

  // ---------------------------------------------------------------- hostile VARIANT columns, by hand

  @Test
  @DisplayName("a value nested as deep as a variant may be, under a shredded field (deeper by one), is a "
      + "DataFormatException at the top level and in a list; one level less reads")
  void deepValueUnderShreddedField(@TempDir Path tmp) throws IOException {
    for (String place : List.of("top", "list")) {
      for (int depth : new int[] {Variant.MAX_DEPTH, Variant.MAX_DEPTH - 1}) {
        Path file = tmp.resolve(place + "-" + depth + ".parquet");
        writeShreddedField(file, place, nestedArrays(depth));
        if (depth == Variant.MAX_DEPTH) {
          assertThatThrownBy(() -> ParquetCorpusTest.readAll(file)).isInstanceOf(DataFormatException.class)
              .hasMessageContaining(file.getFileName().toString()).hasMessageContaining("nest");
          assertThatThrownBy(() -> ParquetCorpusTest.readColumnar(file)).isInstanceOf(DataFormatException.class);
        } else {
          assertThat(readColumnCase(file)).as(place + " " + depth).isTrue();
        }
      }
    }
  }

  /** A value of {@code depth} arrays, each holding the next, the last one empty: {@code [[[...[]...]]]}. */
  private static byte[] nestedArrays(int depth) {
    Variant v = Variant.array(List.of());
    for (int i = 1; i < depth; i++) {
      v = Variant.array(List.of(v));
    }
    return v.value();
  }

  /** A shredded object {@code {a: value}} whose field {@code a} is stored in its {@code value}, at a place. */
  private static void writeShreddedField(Path file, String place, byte[] value) throws IOException {
    String v = "group v (VARIANT(1)) { required binary metadata; optional binary value; optional group typed_value { "
        + "required group a { optional binary value; } } }";
    MessageType schema = MessageTypeParser.parseMessageType("message m { " + (place.equals("top") ? "optional " + v
        : "optional group c (LIST) { repeated group list { optional " + v.replace("group v ", "group element ")
        + " } }") + " }");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).withType(schema).build()) {
      Group row = new SimpleGroupFactory(schema).newGroup();
      Group g = place.equals("top") ? row.addGroup("v") : row.addGroup("c").addGroup("list").addGroup("element");
      g.append("metadata", Binary.fromConstantByteArray(Variant.object(Map.of("a", Variant.ofNull())).metadata()));
      g.addGroup("typed_value").addGroup("a").append("value", Binary.fromConstantByteArray(value));
      w.write(row);
    }
  }

  @Test
  @DisplayName("a batch of shredded VARIANTs rebuilt in two halves at once gives every row as written, in order, by "
      + "rows and by batches; a conflicting value in the second half is a DataFormatException naming the file")
  void halvesOfABatch(@TempDir Path tmp) throws IOException {
    int rows = 1_000; // one batch, rebuilt in halves from 256 rows (ShreddedVariants.TWO_HALVES_ROWS): 500 and 500
    Path valid = tmp.resolve("halves.parquet");
    writeHalves(valid, rows, -1);
    List<String> expected = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      expected.add(r % 7 == 0 ? null
          : Variant.object(Map.of("a", Variant.of(r), "b", Variant.of("s" + r))).toJson());
    }
    List<String> byRows = ParquetCorpusTest.readAll(valid).stream()
        .map(row -> row.get("v") == null ? null : row.getVariant("v").toJson()).toList();
    assertThat(byRows).as("by rows").isEqualTo(expected);
    List<String> byBatches = ParquetCorpusTest.readColumnar(valid).stream()
        .map(row -> row.get("v") == null ? null : row.getVariant("v").toJson()).toList();
    assertThat(byBatches).as("by batches").isEqualTo(expected);
    // the vector's bytes too (what a columnar reader reads): each row's metadata then value, in batches of 600 and
    // 400 rows (each rebuilt in halves, the second half's arrays kept from the first batch)
    int at = 0;
    try (ColumnBatchReader reader = ParquetRows.readBatches(valid, ReadOptions.defaults().withBatchRows(600))) {
      for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
        ColumnVector v = b.column("v");
        for (int i = 0; i < v.size(); i++, at++) {
          if (v.isNull(i)) {
            assertThat(expected.get(at)).as("row " + at).isNull();
            continue;
          }
          byte[] bytes = Arrays.copyOfRange(v.data(), v.offsets()[i], v.offsets()[i + 1]);
          Variant made = (Variant) v.get(i);
          byte[] both = Arrays.copyOf(made.metadata(), made.metadata().length + made.value().length);
          System.arraycopy(made.value(), 0, both, made.metadata().length, made.value().length);
          assertThat(bytes).as("row " + at + "'s bytes").isEqualTo(both);
          assertThat(made.toJson()).as("row " + at).isEqualTo(expected.get(at));
        }
      }
    }
    assertThat(at).isEqualTo(rows);

    Path hostile = tmp.resolve("halves-conflict.parquet");
    writeHalves(hostile, rows, 701);
    assertThatThrownBy(() -> ParquetCorpusTest.readAll(hostile)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining(hostile.getFileName().toString()).hasMessageContaining("conflicting");
    assertThatThrownBy(() -> ParquetCorpusTest.readColumnar(hostile)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("conflicting");
  }

  /**
   * {@code rows} rows of a top-level VARIANT shredded as {@code {a: int32, b: value}}, every 7th null; the row at
   * {@code conflict} (unless -1) has a value that is not an object beside its typed_value.
   */
  private static void writeHalves(Path file, int rows, int conflict) throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message m { required int32 id; optional group v "
        + "(VARIANT(1)) { required binary metadata; optional binary value; optional group typed_value { required "
        + "group a { optional binary value; optional int32 typed_value; } required group b { optional binary value; "
        + "} } } }");
    byte[] metadata = Variant.object(Map.of("a", Variant.of(1), "b", Variant.of("x"))).metadata();
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).withType(schema).build()) {
      SimpleGroupFactory factory = new SimpleGroupFactory(schema);
      for (int r = 0; r < rows; r++) {
        Group row = factory.newGroup().append("id", r);
        if (r % 7 != 0) {
          Group v = row.addGroup("v").append("metadata", bytes(metadata));
          if (r == conflict) {
            v.append("value", bytes(Variant.of(5).value()));
          }
          Group typed = v.addGroup("typed_value");
          typed.addGroup("a").append("typed_value", r);
          typed.addGroup("b").append("value", bytes(Variant.of("s" + r).value()));
        }
        w.write(row);
      }
    }
  }

  @Test
  @DisplayName("a typed value beside a value that is not an object, a field both shredded and in the value, an INT8 "
      + "typed value out of its range, a decimal of 40 digits, and values claiming 2 GiB strings or 2^31 field names: "
      + "DataFormatExceptions at the top level and nested")
  void conflictsAndHugeClaims(@TempDir Path tmp) throws IOException {
    byte[] metadata = Variant.object(Map.of("a", Variant.of(1))).metadata();
    byte[] hugeString = {(byte) (16 << 2), (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 'x'};
    byte[] hugeDictionary = {(byte) 0xC1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0, 0, 0, 0};
    byte[] objectWithA = Variant.object(Map.of("a", Variant.of(1))).value();
    int n = 0;
    for (String place : List.of("top", "list", "struct", "map", "deep")) {
      List<VariantColumnCase> cases = List.of(
          hostile(place, "primitive", "int32 typed_value", g -> g.append("metadata", bytes(metadata))
              .append("value", bytes(Variant.of(5).value())).append("typed_value", 5)),
          hostile(place, "primitive", "int32 typed_value (INTEGER(8,true))", g -> g.append("metadata", bytes(metadata))
              .append("typed_value", 1000)),
          hostile(place, "primitive", "binary typed_value (DECIMAL(38,2))", g -> g.append("metadata", bytes(metadata))
              .append("typed_value", bytes(new BigInteger("9".repeat(40)).toByteArray()))),
          hostile(place, "object", "", g -> {
            g.append("metadata", bytes(metadata)).append("value", bytes(objectWithA));
            g.addGroup("typed_value").addGroup("a").append("typed_value", 1);
            g.getGroup("typed_value", 0).addGroup("b");
          }),
          hostile(place, "object", "", g -> {
            g.append("metadata", bytes(metadata)).append("value", bytes(Variant.of(1).value()));
            g.addGroup("typed_value").addGroup("a").append("typed_value", 1);
            g.getGroup("typed_value", 0).addGroup("b");
          }),
          hostile(place, "unshredded", "", g -> g.append("metadata", bytes(metadata))
              .append("value", bytes(hugeString))),
          hostile(place, "unshredded", "", g -> g.append("metadata", bytes(hugeDictionary))
              .append("value", bytes(Variant.of(1).value()))),
          hostile(place, "unshredded", "", g -> g.append("metadata", bytes(new byte[0]))
              .append("value", bytes(Variant.of(1).value()))));
      for (VariantColumnCase c : cases) {
        Path file = tmp.resolve("hostile-" + n++ + ".parquet");
        c.write(file);
        assertThat(readColumnCase(file)).as(c.toString()).isFalse();
      }
    }
  }

  private static Binary bytes(byte[] b) {
    return Binary.fromConstantByteArray(b);
  }

  private static VariantColumnCase hostile(String place, String form, String primitive,
      Consumer<Group> fill) {
    return new VariantColumnCase(place, form, primitive, fill);
  }

  @Test
  @DisplayName("a VARIANT of 2^16 elements in a page of 30 bytes (a shredded array, a list of VARIANTs) reads; 2^30 "
      + "of them are refused before the heap runs out (HeapLimitTest)")
  void manyElementsInFewBytes(@TempDir Path tmp) throws IOException {
    Path shredded = Files.write(tmp.resolve("shredded.parquet"), HostileFiles.variantElementsFile(1 << 16, true));
    Variant array = ParquetCorpusTest.readAll(shredded).get(0).getVariant(0);
    assertThat(array.size()).isEqualTo(1 << 16);
    assertThat(array.get(12_345)).isEqualTo(Variant.ofNull());
    Path list = Files.write(tmp.resolve("list.parquet"), HostileFiles.variantElementsFile(1 << 16, false));
    assertThat(ParquetCorpusTest.readAll(list).get(0).getList(0)).hasSize(1 << 16).containsOnlyNulls();
    assertThat(ParquetCorpusTest.readColumnar(list)).isEqualTo(ParquetCorpusTest.readAll(list));
  }

  /** @return whether the case's pair decoded (false: refused with a DataFormatException) */
  static boolean runCase(long seed) {
    Random r = new Random(seed);
    byte[][] pair;
    if (r.nextInt(4) == 0) {
      Variant generated = randomVariant(r, 0);
      checkGenerated(generated);
      pair = new byte[][] {generated.metadata(), generated.value()};
    } else {
      byte[][] sample = SAMPLES.get(r.nextInt(SAMPLES.size()));
      pair = new byte[][] {sample[0].clone(), sample[1].clone()};
    }
    int mutations = 1 + r.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int which = r.nextInt(3) == 0 ? 0 : 1; // the value more often: it has more structure
      pair[which] = mutate(pair[which], r);
    }
    Variant v;
    try {
      v = Variant.from(pair[0], pair[1]);
    } catch (DataFormatException e) {
      assertThat(e.getMessage()).startsWith("malformed variant ").doesNotEndWith("null");
      return false;
    }
    exercise(v, 0);
    return true;
  }

  static byte[] mutate(byte[] b, Random r) {
    int op = r.nextInt(8);
    if (b.length == 0) {
      op = 3;
    }
    switch (op) {
      case 0 -> { // flip bits
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
          int i = r.nextInt(b.length);
          b[i] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case 1 -> { // a random byte, or an extreme one
        int[] pick = {0, 0xFF, 0x7F, 0x80, 0x01, r.nextInt(256)};
        b[r.nextInt(b.length)] = (byte) pick[r.nextInt(pick.length)];
        return b;
      }
      case 2 -> { // cut short
        return Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 3 -> { // extend
        byte[] c = Arrays.copyOf(b, b.length + 1 + r.nextInt(16));
        for (int i = b.length; i < c.length; i++) {
          c[i] = (byte) r.nextInt(256);
        }
        return c;
      }
      case 4 -> { // a huge count, size or offset: 4 bytes of 0xFF or 0x7F.. at a random place
        int at = r.nextInt(b.length);
        byte fill = r.nextBoolean() ? (byte) 0xFF : (byte) 0x7F;
        for (int i = at; i < Math.min(b.length, at + 1 + r.nextInt(4)); i++) {
          b[i] = i == at + 3 ? fill : (byte) 0xFF;
        }
        return b;
      }
      case 5 -> { // the first byte (a header) anew
        b[0] = (byte) r.nextInt(256);
        return b;
      }
      case 6 -> { // swap two bytes
        int i = r.nextInt(b.length);
        int j = r.nextInt(b.length);
        byte t = b[i];
        b[i] = b[j];
        b[j] = t;
        return b;
      }
      default -> { // a byte near the start (header, counts, ids, offsets) incremented or decremented
        int i = r.nextInt(Math.min(b.length, 12));
        b[i] += (byte) (r.nextBoolean() ? 1 : -1);
        return b;
      }
    }
  }

  /** Everything a caller does with a decoded variant works on it, and it equals its re-encodings. */
  static void exercise(Variant v, int depth) {
    assertThat(depth).isLessThanOrEqualTo(Variant.MAX_DEPTH);
    if (depth == 0) {
      String json = v.toJson();
      try {
        STRICT_JSON.readTree(json);
      } catch (IOException e) {
        throw new AssertionError("toJson gave text that is not JSON: " + json, e);
      }
      assertThat(v.toString()).isNotNull();
      Variant rebuilt = VariantSpecCasesTest.rebuild(v);
      assertThat(rebuilt).isEqualTo(v);
      assertThat(rebuilt.hashCode()).isEqualTo(v.hashCode());
      assertThat(Variant.from(v.metadata(), v.value())).isEqualTo(v);
    }
    switch (v.type()) {
      case OBJECT -> {
        List<String> names = v.fieldNames();
        for (int i = 0; i < v.size(); i++) {
          assertThat(v.get(names.get(i))).isEqualTo(v.field(i));
          exercise(v.field(i), depth + 1);
        }
      }
      case ARRAY -> {
        for (int i = 0; i < v.size(); i++) {
          exercise(v.get(i), depth + 1);
        }
      }
      default -> assertThat(VariantSpecCasesTest.rebuild(v)).isEqualTo(v); // every getter of its type
    }
  }

  /** A value our encoder made decodes equal to itself, and re-encoding it gives the same bytes (one canonical form). */
  static void checkGenerated(Variant v) {
    Variant decoded = Variant.from(v.metadata(), v.value());
    assertThat(decoded).isEqualTo(v);
    Variant again = VariantSpecCasesTest.rebuild(decoded);
    assertThat(again.metadata()).isEqualTo(v.metadata());
    assertThat(again.value()).isEqualTo(v.value());
  }

  private static final String[] NAMES = {"a", "b", "id", "Id", "é", "\uFFFD", "\uD83D\uDE00", "", "a b", "z\u0000"};

  /** A random value of every type, objects and arrays nested a few levels. */
  static Variant randomVariant(Random r, int depth) {
    int kind = r.nextInt(depth < 4 ? 21 : 19);
    return switch (kind) {
      case 0 -> Variant.ofNull();
      case 1 -> Variant.of(r.nextBoolean());
      case 2 -> Variant.of((byte) r.nextInt());
      case 3 -> Variant.of((short) r.nextInt());
      case 4 -> Variant.of(r.nextInt());
      case 5 -> Variant.of(r.nextLong());
      case 6 -> Variant.of(r.nextBoolean() ? r.nextDouble() * 1e6 : Double.longBitsToDouble(r.nextLong()));
      case 7 -> Variant.of(Float.intBitsToFloat(r.nextInt()));
      case 8 -> Variant.of(new BigDecimal(new BigInteger(1 + r.nextInt(126), r).multiply(
          BigInteger.valueOf(r.nextBoolean() ? 1 : -1)), r.nextInt(39)));
      case 9 -> Variant.of(LocalDate.ofEpochDay(r.nextInt()));
      case 10 -> Variant.of(Instant.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000) * 1000L));
      case 11 -> Variant.of(LocalDateTime.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000) * 1000, ZoneOffset.UTC));
      case 12 -> Variant.ofNanos(Instant.ofEpochSecond(0, r.nextLong()));
      case 13 -> Variant.ofNanos(LocalDateTime.ofEpochSecond(r.nextInt(Integer.MAX_VALUE) - (1 << 30),
          r.nextInt(1_000_000_000), ZoneOffset.UTC));
      case 14 -> Variant.of(LocalTime.ofNanoOfDay((long) (r.nextDouble() * 86_400_000_000L) * 1000));
      case 15 -> {
        byte[] b = new byte[r.nextInt(300)];
        r.nextBytes(b);
        yield Variant.of(b);
      }
      case 16 -> {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextBoolean() ? r.nextInt(70) : r.nextInt(400); n > 0; n--) {
          sb.append(NAMES[r.nextInt(NAMES.length)]);
        }
        yield Variant.of(sb.toString());
      }
      case 17, 18 -> Variant.of(new UUID(r.nextLong(), r.nextLong()));
      case 19 -> {
        Map<String, Variant> fields = new LinkedHashMap<>();
        for (int n = r.nextInt(depth == 0 && r.nextInt(10) == 0 ? 300 : 6); n > 0; n--) {
          fields.put(NAMES[r.nextInt(NAMES.length)] + (r.nextBoolean() ? "" : r.nextInt(400)),
              randomVariant(r, depth + 1));
        }
        yield Variant.object(fields);
      }
      default -> {
        List<Variant> elements = new ArrayList<>();
        for (int n = r.nextInt(depth == 0 && r.nextInt(10) == 0 ? 300 : 6); n > 0; n--) {
          elements.add(randomVariant(r, depth + 1));
        }
        yield Variant.array(elements);
      }
    };
  }
}
