package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.variant.ImmutableMetadata;
import org.apache.parquet.variant.VariantArrayBuilder;
import org.apache.parquet.variant.VariantBuilder;
import org.apache.parquet.variant.VariantConverters;
import org.apache.parquet.variant.VariantObjectBuilder;
import org.apache.parquet.variant.VariantValueWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by parquet-java's own VARIANT support (artifact {@code parquet-variant}, at parquet-hadoop's
 * version): values built with its {@code VariantBuilder} (its encoding: its metadata dictionary, its integer,
 * decimal and string widths, its object layout), written by its {@code VariantValueWriter} into VARIANT columns,
 * unshredded and shredded (an object shredded into typed fields of every primitive kind, a list and a nested object;
 * an array shredded to strings; a number shredded to int64), at the top level, as a LIST's elements and as a
 * STRUCT's fields. Our reader ({@link ParquetRows#read}) must give for each the variant of the bytes parquet-java
 * built ({@link Variant#from}), equal and with the same JSON; and parquet-java's own reading of the file
 * ({@code VariantConverters}) must give it too.
 *
 * <p>A quirk of parquet-java's, read as it reads it ({@link #mismatchedShreddedFieldHasTrailingBytes}): where a
 * value does not fit its typed field (an object field of another type, an array element not a string), parquet-java 1.16 to 1.18 writes
 * to {@code value} the field's bytes followed by the rest of the parent's bytes (its {@code Variant.getValueBuffer()}
 * of a field or element is a duplicate of the parent buffer, position moved, limit not), which parquet-java itself
 * reads (it decodes one value and ignores the rest), as Spark does and our reader does too. The seeded files
 * shred only what fits (each shredded field its own type, all else in the residual object, top-level values that do
 * not fit whole values); a typed BINARY field is left out too, written likewise with trailing bytes (parquet-java's
 * GH-3315, its {@code getBinary()}).
 *
 * <p>parquet-java 1.16.0's own reading ({@code VariantConverters}) fails on most of these files, its shredded objects
 * lacking a typed field's key ("Key does not exist in metadata": it appends the key before knowing the field is
 * there); where it reads a file, its values are compared too.
 *
 * <p>{@code -Dvariant.pjava.seed=N} (default 59700) and {@code -Dvariant.pjava.count=M} (default 12) choose the
 * files: file {@code i} uses seed {@code N + i}. A failure lists each failing seed with the command that replays it
 * alone.
 */
@DisplayName("VARIANT files written by parquet-java (its encoder, its shredding writer) read as it built them")
class VariantParquetJavaTest {

  static final long SEED = Long.getLong("variant.pjava.seed", 59_700L);
  static final int COUNT = Integer.getInteger("variant.pjava.count", 12);
  static final int ROWS = 120;

  /** The typed fields of the shredded object, each with the kind of value that shreds into it. */
  static final String OBJECT_FIELDS = """
      required group id { optional binary value; optional int64 typed_value; }
      required group i { optional binary value; optional int32 typed_value; }
      required group small { optional binary value; optional int32 typed_value (INTEGER(8, true)); }
      required group mid { optional binary value; optional int32 typed_value (INTEGER(16, true)); }
      required group name { optional binary value; optional binary typed_value (STRING); }
      required group score { optional binary value; optional double typed_value; }
      required group f { optional binary value; optional float typed_value; }
      required group flag { optional binary value; optional boolean typed_value; }
      required group price { optional binary value; optional int32 typed_value (DECIMAL(9, 2)); }
      required group amount { optional binary value; optional int64 typed_value (DECIMAL(18, 6)); }
      required group big { optional binary value; optional binary typed_value (DECIMAL(38, 10)); }
      required group day { optional binary value; optional int32 typed_value (DATE); }
      required group at { optional binary value; optional int64 typed_value (TIMESTAMP(MICROS, true)); }
      required group local { optional binary value; optional int64 typed_value (TIMESTAMP(MICROS, false)); }
      required group nts { optional binary value; optional int64 typed_value (TIMESTAMP(NANOS, true)); }
      required group ntz { optional binary value; optional int64 typed_value (TIMESTAMP(NANOS, false)); }
      required group clock { optional binary value; optional int64 typed_value (TIME(MICROS, false)); }
      required group raw { optional binary value; optional binary typed_value; }
      required group tags { optional binary value; optional group typed_value (LIST) { repeated group list {
        required group element { optional binary value; optional binary typed_value (STRING); } } } }
      required group inner { optional binary value; optional group typed_value {
        required group x { optional binary value; optional int64 typed_value; }
        required group y { optional binary value; optional binary typed_value (STRING); } } }
      """;

  /** The keys of {@link #OBJECT_FIELDS}, and ones it does not shred (left in the residual object). */
  static final List<String> KEYS = List.of("id", "i", "small", "mid", "name", "score", "f", "flag", "price", "amount",
      "big", "day", "at", "local", "nts", "ntz", "clock", "raw", "tags", "inner", "x", "y", "extra", "note",
      "ключ", "a b", "");

  static String shredded(String name) {
    return "optional group " + name + " (VARIANT(1)) { required binary metadata; optional binary value; "
        + "optional group typed_value { " + OBJECT_FIELDS + " } }";
  }

  static String plain(String name) {
    return "optional group " + name + " (VARIANT(1)) { required binary metadata; required binary value; }";
  }

  /**
   * {@code plain}: unshredded; {@code obj}: an object shredded; {@code arr}: an array shredded to strings;
   * {@code num}: an int64 shredded; {@code l}: a LIST of shredded objects; {@code st}: a STRUCT of an unshredded
   * and a shredded VARIANT.
   */
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message m { required int32 id; "
      + plain("plain") + " " + shredded("obj")
      + " optional group arr (VARIANT(1)) { required binary metadata; optional binary value; optional group "
      + "typed_value (LIST) { repeated group list { required group element { optional binary value; optional "
      + "binary typed_value (STRING); } } } }"
      + " optional group num (VARIANT(1)) { required binary metadata; optional binary value; optional int64 "
      + "typed_value; }"
      + " optional group l (LIST) { repeated group list { " + shredded("element") + " } }"
      + " optional group st { " + plain("u") + " " + shredded("v") + " required int32 n; }"
      + " }");

  static final List<String> TOP = List.of("plain", "obj", "arr", "num");

  /** One row as parquet-java's variants: the top-level columns (null: none), the list (null: none) and the struct. */
  record PjRow(int id, Map<String, org.apache.parquet.variant.Variant> top,
      List<org.apache.parquet.variant.Variant> list, org.apache.parquet.variant.Variant u,
      org.apache.parquet.variant.Variant v) {}

  @Test
  @DisplayName("seeded files of parquet-java's variants, unshredded and shredded, top level, in a LIST and a STRUCT: "
      + "our reader gives what parquet-java built, as parquet-java reads it back")
  void readsWhatParquetJavaWrote(@TempDir Path tmp) {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      long seed = SEED + i;
      try {
        runCase(seed, tmp.resolve("pjava-" + seed + ".parquet"));
      } catch (AssertionError | RuntimeException | IOException e) {
        failures.add("seed " + seed + ": " + e + "\n  at " + Arrays.stream(e.getStackTrace()).limit(8)
            .map(String::valueOf).collect(Collectors.joining("\n  at "))
            + "\n  replay: mvn -q test -Dtest=VariantParquetJavaTest -Dvariant.pjava.seed=" + seed
            + " -Dvariant.pjava.count=1");
      }
    }
    assertThat(failures).as("failing seeds").isEmpty();
  }

  static void runCase(long seed, Path file) throws IOException {
    Random r = new Random(seed);
    List<PjRow> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Map<String, org.apache.parquet.variant.Variant> top = new HashMap<>();
      for (String c : TOP) {
        if (r.nextInt(8) > 0) {
          top.put(c, build(b -> appendFor(c, b, r)));
        }
      }
      List<org.apache.parquet.variant.Variant> list = null;
      if (r.nextInt(6) > 0) {
        list = new ArrayList<>();
        for (int n = r.nextInt(4); n > 0; n--) {
          list.add(r.nextInt(6) == 0 ? null : build(b -> appendFor("obj", b, r)));
        }
      }
      org.apache.parquet.variant.Variant u = r.nextInt(5) == 0 ? null : build(b -> append(b, r, 0));
      org.apache.parquet.variant.Variant v = r.nextInt(5) == 0 ? null : build(b -> appendFor("obj", b, r));
      rows.add(new PjRow(i, top, list, u, v));
    }
    write(file, rows);

    List<Row> ours = ParquetCorpusTest.readAll(file);
    List<Map<String, Object>> theirs = readWithParquetJavaIfItCan(file);
    assertThat(ours).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      PjRow w = rows.get(i);
      Row o = ours.get(i);
      Map<String, Object> t = theirs == null ? null : theirs.get(i);
      assertThat(o.getInt("id")).isEqualTo(i);
      for (String c : TOP) {
        check("row " + i + " " + c, w.top().get(c), o.getVariant(c), t, c);
      }
      if (w.list() == null) {
        assertThat(o.getList("l")).as("row %d l", i).isNull();
      } else {
        List<?> ol = o.getList("l");
        @SuppressWarnings("unchecked")
        List<Variant> tl = t == null ? null : (List<Variant>) t.get("l");
        assertThat(ol).as("row %d l", i).hasSize(w.list().size());
        for (int k = 0; k < w.list().size(); k++) {
          check("row " + i + " l[" + k + "]", w.list().get(k), (Variant) ol.get(k),
              tl == null ? null : Map.of("e", tl.get(k) == null ? NONE : tl.get(k)), "e");
        }
      }
      Row st = o.getRow("st");
      assertThat(st).as("row %d st", i).isNotNull();
      assertThat(st.getInt("n")).isEqualTo(i);
      check("row " + i + " st.u", w.u(), st.getVariant("u"), t, "st.u");
      check("row " + i + " st.v", w.v(), st.getVariant("v"), t, "st.v");
    }
  }

  /** Our variant and parquet-java's reading of it are both the variant of the bytes parquet-java built. */
  static void check(String where, org.apache.parquet.variant.Variant written, Variant ours,
      Map<String, Object> theirRow, String key) {
    Object t = theirRow == null ? NONE : theirRow.get(key);
    Variant theirs = t == NONE ? null : (Variant) t;
    if (written == null) {
      assertThat(ours).as(where).isNull();
      if (theirRow != null) {
        assertThat(theirs).as(where + ", parquet-java").isNull();
      }
      return;
    }
    Variant expected = ours(written);
    assertThat(ours).as(where).isNotNull();
    assertThat(ours).as(where).isEqualTo(expected);
    assertThat(ours.toJson()).as(where + " JSON").isEqualTo(expected.toJson());
    assertThat(ours.type()).as(where + " type").isEqualTo(expected.type());
    if (theirRow != null) {
      assertThat(theirs).as(where + ", parquet-java's reading").isEqualTo(expected);
    }
  }

  static final Object NONE = new Object();

  /**
   * parquet-java's reading of the file, or {@code null} where it fails as 1.16.0 does on its own shredded objects:
   * its {@code VariantConverters} append a typed field's key to the rebuilt object before knowing whether the field
   * is there, and throw ("Key does not exist in metadata") when the value's metadata lacks that key.
   */
  static List<Map<String, Object>> readWithParquetJavaIfItCan(Path file) {
    try {
      return readWithParquetJava(file);
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).startsWith("Key does not exist in metadata")) {
        return null;
      }
      throw e;
    }
  }

  static Variant ours(org.apache.parquet.variant.Variant v) {
    return Variant.from(bytes(v.getMetadataBuffer()), bytes(v.getValueBuffer()));
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  static org.apache.parquet.variant.Variant build(Consumer<VariantBuilder> fill) {
    VariantBuilder b = new VariantBuilder();
    fill.accept(b);
    return b.build();
  }

  /** A value for a column: mostly of the shape its shredding expects, else anything. */
  static void appendFor(String column, VariantBuilder b, Random r) {
    int roll = r.nextInt(10);
    switch (column) {
      case "obj" -> {
        if (roll < 8) {
          appendObject(b, r, 0, true);
        } else {
          append(b, r, SCALARS_ONLY);
        }
      }
      case "arr" -> {
        if (roll < 7) {
          VariantArrayBuilder a = b.startArray();
          for (int n = r.nextInt(5); n > 0; n--) {
            a.appendString(r.nextInt(8) == 0 ? longString(r) : string(r));
          }
          b.endArray();
        } else {
          append(b, r, SCALARS_ONLY);
        }
      }
      case "num" -> {
        if (roll < 6) {
          b.appendLong(r.nextLong());
        } else {
          append(b, r, 0);
        }
      }
      default -> append(b, r, 0);
    }
  }

  /** An object whose keys are drawn from {@link #KEYS}; with {@code typed}, values mostly of each key's kind. */
  static void appendObject(VariantBuilder b, Random r, int depth, boolean typed) {
    Set<String> keys = new LinkedHashSet<>();
    for (int n = r.nextInt(depth == 0 ? 9 : 5); n > 0; n--) {
      keys.add(KEYS.get(r.nextInt(KEYS.size())));
    }
    VariantObjectBuilder o = b.startObject();
    if (typed) {
      keys.remove("raw"); // parquet-java's own bug GH-3315 (see the class comment)
    }
    for (String k : keys) {
      o.appendKey(k);
      if (typed) {
        appendTyped(k, o, r, depth);
      } else {
        append(o, r, depth + 1);
      }
    }
    b.endObject();
  }

  /** A value of the kind that {@link #OBJECT_FIELDS} shreds {@code key} into (any value for other keys). */
  static void appendTyped(String key, VariantBuilder b, Random r, int depth) {
    switch (key) {
      case "id", "x" -> b.appendLong(r.nextLong());
      case "i" -> b.appendInt(r.nextInt());
      case "small" -> b.appendByte((byte) r.nextInt());
      case "mid" -> b.appendShort((short) r.nextInt());
      case "name", "y" -> b.appendString(string(r));
      case "score" -> b.appendDouble(dbl(r));
      case "f" -> b.appendFloat((float) dbl(r));
      case "flag" -> b.appendBoolean(r.nextBoolean());
      case "price" -> b.appendDecimal(new BigDecimal(unscaled(r, 1 + r.nextInt(9)), 2));
      case "amount" -> b.appendDecimal(new BigDecimal(unscaled(r, 10 + r.nextInt(9)), 6));
      case "big" -> b.appendDecimal(new BigDecimal(unscaled(r, 19 + r.nextInt(20)), 10));
      case "day" -> b.appendDate(r.nextInt(2_000_000) - 1_000_000);
      case "at" -> b.appendTimestampTz(micros(r));
      case "local" -> b.appendTimestampNtz(micros(r));
      case "nts" -> b.appendTimestampNanosTz(r.nextLong());
      case "ntz" -> b.appendTimestampNanosNtz(r.nextLong());
      case "clock" -> b.appendTime((long) (r.nextDouble() * 86_400_000_000L));
      case "raw" -> b.appendBinary(ByteBuffer.wrap(binary(r)));
      case "tags" -> {
        VariantArrayBuilder a = b.startArray();
        for (int n = r.nextInt(4); n > 0; n--) {
          a.appendString(string(r));
        }
        b.endArray();
      }
      case "inner" -> {
        if (depth < 3) {
          VariantObjectBuilder o = b.startObject();
          for (String k : List.of("x", "y", "z")) {
            if (r.nextInt(4) > 0) {
              o.appendKey(k);
              appendTyped(k, o, r, depth + 1);
            }
          }
          b.endObject();
        } else {
          b.appendNull();
        }
      }
      default -> append(b, r, depth + 1); // not shredded: into the residual object, parquet-java copies it exactly
    }
  }

  static final int SCALARS_ONLY = 4;

  /** Any variant value: every primitive type parquet-java's builder has, objects and arrays below depth 4. */
  static void append(VariantBuilder b, Random r, int depth) {
    int kind = r.nextInt(depth < 4 ? 25 : 22);
    switch (kind) {
      case 0 -> b.appendNull();
      case 1 -> b.appendBoolean(r.nextBoolean());
      case 2 -> b.appendByte((byte) r.nextInt());
      case 3 -> b.appendShort((short) r.nextInt());
      case 4 -> b.appendInt(r.nextInt());
      case 5 -> b.appendLong(r.nextLong());
      case 6 -> b.appendDouble(dbl(r));
      case 7 -> b.appendFloat((float) dbl(r));
      case 8 -> b.appendDecimal(new BigDecimal(unscaled(r, 1 + r.nextInt(9)), r.nextInt(10)));
      case 9 -> b.appendDecimal(new BigDecimal(unscaled(r, 10 + r.nextInt(9)), r.nextInt(19)));
      case 10 -> b.appendDecimal(new BigDecimal(unscaled(r, 19 + r.nextInt(20)), r.nextInt(39)));
      case 11 -> b.appendString(string(r));
      case 12 -> b.appendString(longString(r));
      case 13 -> b.appendDate(r.nextInt(2_000_000) - 1_000_000);
      case 14 -> b.appendTimestampTz(micros(r));
      case 15 -> b.appendTimestampNtz(micros(r));
      case 16 -> b.appendTime((long) (r.nextDouble() * 86_400_000_000L));
      case 17 -> b.appendTimestampNanosTz(r.nextLong());
      case 18 -> b.appendTimestampNanosNtz(r.nextLong());
      case 19 -> b.appendBinary(ByteBuffer.wrap(binary(r)));
      case 20 -> b.appendUUID(new UUID(r.nextLong(), r.nextLong()));
      case 21 -> b.appendDecimal(BigDecimal.ZERO.setScale(r.nextInt(39)));
      case 22, 23 -> appendObject(b, r, depth + 1, r.nextBoolean());
      default -> {
        VariantArrayBuilder a = b.startArray();
        for (int n = r.nextInt(5); n > 0; n--) {
          append(a, r, depth + 1);
        }
        b.endArray();
      }
    }
  }

  static BigInteger unscaled(Random r, int digits) {
    StringBuilder sb = new StringBuilder(r.nextBoolean() ? "-" : "");
    sb.append(1 + r.nextInt(9));
    for (int i = 1; i < digits; i++) {
      sb.append(r.nextInt(10));
    }
    return new BigInteger(sb.toString());
  }

  static double dbl(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> Double.NaN;
      case 3 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 4 -> r.nextBoolean() ? Double.MAX_VALUE : Double.MIN_VALUE;
      case 5 -> Double.longBitsToDouble(r.nextLong());
      default -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(20) - 5);
    };
  }

  static long micros(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> 0L;
      case 1 -> -1L;
      default -> (long) ((r.nextDouble() - 0.3) * 4e17); // about years 1 to 9999
    };
  }

  static final String ALPHABET = "abcXYZ 09_-\"\\/\n\t\u0001éü€中文😀";

  static String string(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int n = r.nextInt(20); n > 0; n--) {
      sb.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
          r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
    }
    return sb.toString();
  }

  static String longString(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 64 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 400);
    while (sb.length() < n) {
      sb.append(string(r)).append("lorem ipsum ");
    }
    return sb.toString();
  }

  static byte[] binary(Random r) {
    byte[] b = new byte[r.nextInt(40)];
    r.nextBytes(b);
    return b;
  }

  // ---- writing with parquet-java: its VariantValueWriter writes each VARIANT group, shredding by the schema ----

  static void write(Path file, List<PjRow> rows) throws IOException {
    LaidOutWriter.write(file, SCHEMA, 37, rows, VariantParquetJavaTest::layOut);
  }

  private static void layOut(RecordConsumer rc, PjRow row) {
    rc.startField("id", 0);
    rc.addInteger(row.id());
    rc.endField("id", 0);
    for (String c : TOP) {
      LaidOutWriter.variant(rc, SCHEMA, c, row.top().get(c));
    }
    if (row.list() != null) {
      int l = SCHEMA.getFieldIndex("l");
      GroupType element = SCHEMA.getType("l").asGroupType().getType("list").asGroupType().getType("element")
          .asGroupType();
      rc.startField("l", l);
      rc.startGroup();
      if (!row.list().isEmpty()) {
        rc.startField("list", 0);
        for (org.apache.parquet.variant.Variant v : row.list()) {
          rc.startGroup();
          if (v != null) {
            rc.startField("element", 0);
            VariantValueWriter.write(rc, element, v);
            rc.endField("element", 0);
          }
          rc.endGroup();
        }
        rc.endField("list", 0);
      }
      rc.endGroup();
      rc.endField("l", l);
    }
    int st = SCHEMA.getFieldIndex("st");
    GroupType struct = SCHEMA.getType("st").asGroupType();
    rc.startField("st", st);
    rc.startGroup();
    LaidOutWriter.variant(rc, struct, "u", row.u());
    LaidOutWriter.variant(rc, struct, "v", row.v());
    rc.startField("n", struct.getFieldIndex("n"));
    rc.addInteger(row.id());
    rc.endField("n", struct.getFieldIndex("n"));
    rc.endGroup();
    rc.endField("st", st);
  }

  // ---- reading with parquet-java: its VariantConverters rebuild each VARIANT (unshredding) ----

  /** Each row as a map: the top-level columns, {@code l} (a list), {@code st.u} and {@code st.v}; as our variants. */
  static List<Map<String, Object>> readWithParquetJava(Path file) {
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE).build();
    List<Map<String, Object>> out = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
        RowMaterializer m = new RowMaterializer(schema);
        RecordReader<Map<String, Object>> records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, m);
        for (long i = 0; i < pages.getRowCount(); i++) {
          out.add(records.read());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static final class RowMaterializer extends RecordMaterializer<Map<String, Object>> {
    private Map<String, Object> current;
    private final GroupConverter root;

    RowMaterializer(MessageType schema) {
      Converter[] fields = new Converter[schema.getFieldCount()];
      for (int i = 0; i < fields.length; i++) {
        String name = schema.getFieldName(i);
        fields[i] = switch (name) {
          case "id" -> new IgnoredInt();
          case "l" -> new ListConverter(schema.getType(i).asGroupType(), list -> current.put("l", list));
          case "st" -> {
            GroupType st = schema.getType(i).asGroupType();
            yield new Fields(new Converter[] {
                new VariantConverter(st.getType("u").asGroupType(), v -> current.put("st.u", v)),
                new VariantConverter(st.getType("v").asGroupType(), v -> current.put("st.v", v)),
                new IgnoredInt()});
          }
          default -> new VariantConverter(schema.getType(i).asGroupType(), v -> current.put(name, v));
        };
      }
      root = new Fields(fields) {
        @Override
        public void start() {
          current = new HashMap<>();
        }
      };
    }

    @Override
    public Map<String, Object> getCurrentRecord() {
      return current;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  static final class IgnoredInt extends PrimitiveConverter {
    @Override
    public void addInt(int value) {}
  }

  static class Fields extends GroupConverter {
    private final Converter[] fields;

    Fields(Converter[] fields) {
      this.fields = fields;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }

  /** A 3-level LIST of VARIANTs; a null element stays null. */
  static final class ListConverter extends GroupConverter {
    private final Consumer<List<Variant>> sink;
    private final GroupConverter repeated;
    private List<Variant> list;
    private Variant element;

    ListConverter(GroupType listType, Consumer<List<Variant>> sink) {
      this.sink = sink;
      GroupType elementType = listType.getType(0).asGroupType().getType(0).asGroupType();
      VariantConverter elementConverter = new VariantConverter(elementType, v -> element = v);
      repeated = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return elementConverter;
        }

        @Override
        public void start() {
          element = null;
        }

        @Override
        public void end() {
          list.add(element);
        }
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      list = new ArrayList<>();
    }

    @Override
    public void end() {
      sink.accept(list);
    }
  }

  /** parquet-java's variant converter around one VARIANT group, as its own Avro binding uses it. */
  static final class VariantConverter extends GroupConverter
      implements VariantConverters.ParentConverter<VariantBuilder> {
    private final Consumer<Variant> sink;
    private final GroupConverter wrapped;
    private VariantBuilder builder;
    private ImmutableMetadata metadata;

    VariantConverter(GroupType variantType, Consumer<Variant> sink) {
      this.sink = sink;
      this.wrapped = VariantConverters.newVariantConverter(variantType, this::setMetadata, this);
    }

    private void setMetadata(ByteBuffer buffer) {
      metadata = new ImmutableMetadata(buffer);
      builder = new VariantBuilder(metadata);
    }

    @Override
    public void build(Consumer<VariantBuilder> consumer) {
      consumer.accept(builder);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return wrapped.getConverter(fieldIndex);
    }

    @Override
    public void start() {
      builder = null;
      metadata = null;
      wrapped.start();
    }

    @Override
    public void end() {
      wrapped.end();
      builder.appendNullIfEmpty();
      sink.accept(Variant.from(bytes(metadata.getEncodedBuffer()), bytes(builder.encodedValue())));
    }
  }

  @Test
  @DisplayName("known disagreement: a field not of its typed type, parquet-java writes with its parent's trailing "
      + "bytes; parquet-java reads it back, our reader refuses it")
  void mismatchedShreddedFieldHasTrailingBytes(@TempDir Path tmp) throws IOException {
    org.apache.parquet.variant.Variant v = build(b -> {
      VariantObjectBuilder o = b.startObject();
      o.appendKey("id");
      o.appendString("not a long");
      o.appendKey("name");
      o.appendString("fits");
      b.endObject();
    });
    Path file = tmp.resolve("mismatch.parquet");
    write(file, List.of(new PjRow(0, Map.of("obj", v), null, null, null)));
    org.apache.parquet.variant.Variant field = v.getFieldByKey("id");
    assertThat(field.getValueBuffer().remaining()).as("parquet-java's field buffer: value and trailing bytes")
        .isGreaterThan(1 + "not a long".length());
    // read as parquet-java and Spark read it: the one value, the bytes after it left
    List<Row> rows = ParquetCorpusTest.readAll(file);
    assertThat(rows).hasSize(1);
    Variant obj = rows.get(0).getVariant("obj");
    assertThat(obj.toJson()).isEqualTo("{\"id\":\"not a long\",\"name\":\"fits\"}");
    assertThat(obj).isEqualTo(Variant.from(bytes(v.getMetadataBuffer()), bytes(v.getValueBuffer())));
  }

  @Test
  @DisplayName("an unshredded value parquet-java wrote reads back as its very bytes")
  void unshreddedBytesAsWritten(@TempDir Path tmp) throws IOException {
    Random r = new Random(SEED);
    List<PjRow> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(new PjRow(i, Map.of("plain", build(b -> append(b, r, 0))), null, null, null));
    }
    Path file = tmp.resolve("plain.parquet");
    write(file, rows);
    List<Row> ours = ParquetCorpusTest.readAll(file);
    for (int i = 0; i < rows.size(); i++) {
      org.apache.parquet.variant.Variant w = rows.get(i).top().get("plain");
      Variant o = ours.get(i).getVariant("plain");
      assertThat(o.metadata()).as("row %d metadata", i).isEqualTo(bytes(w.getMetadataBuffer()));
      assertThat(o.value()).as("row %d value", i).isEqualTo(bytes(w.getValueBuffer()));
    }
  }
}
