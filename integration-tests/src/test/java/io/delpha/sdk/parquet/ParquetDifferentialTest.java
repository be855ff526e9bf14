package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.delpha.sdk.parquet.internal.Codecs;
import io.delpha.sdk.parquet.internal.SchemaMapping;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard of the Parquet codec: random schemas (flat and nested to depth 4: structs, lists, maps; every type of the
 * row model, VARIANT too, at the top and inside nested types; required and optional) filled with random data (nulls at
 * every level, empty and long strings, values repeated so that dictionaries form, extreme numbers, random variants of
 * every variant type, nested), written by three writers, each file read by our row view,
 * our columnar view and our row view over an {@code ObjectStore}, and compared value for value with DuckDB's reading
 * of the same file (DuckDB is the oracle: we did not write it).
 *
 * <p>The writers, one per file in turn: ours ({@link ParquetRows#writer}, every codec, row groups from 64 KiB, the smallest it takes); DuckDB
 * ({@code COPY (SELECT * FROM our file) TO ...}, every codec it writes, {@code PARQUET_VERSION} V1/V2, row groups of
 * 1 to 5,000 rows; its VARIANT columns shredded, as DuckDB writes them; it writes no VARIANT inside a nested type nor a
 * TIMESTAMP_NANOS_TZ variant, so its files have neither: {@link DuckDbVariants}); parquet-mr
 * ({@link ExampleParquetWriter}: every codec, data pages v1/v2, dictionary on/off, pages
 * of 64 bytes to 64 KiB and 1 to 1,000 rows, row groups from 1 KiB). Our own files are also read back equal to the
 * rows written.
 *
 * <p>Each file has its own seed ({@code parquet.diff.seed} + its number); a failure names the seed and the command
 * that replays that one file. The default suite reads {@code parquet.diff.files} files (300); {@link #manyFiles}, in the
 * {@code process} profile CI runs ({@code mvn -Pprocess test}), reads {@code parquet.diff.long.files} (3,000) from
 * another seed.
 */
class ParquetDifferentialTest {

  private static final String[] DUCKDB_CODECS = {"uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4_raw"};
  private static final CompressionCodecName[] MR_CODECS = {CompressionCodecName.UNCOMPRESSED,
      CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW};
  private static final int MAX_FAILURES = 10;

  @Test
  @DisplayName("random files of three writers read by every view as DuckDB reads them (default: 300 files)")
  void randomFiles(@TempDir Path tmp) throws Exception {
    run(Long.getLong("parquet.diff.seed", 34_000L), Integer.getInteger("parquet.diff.files", 300), tmp, "randomFiles",
        "parquet.diff.seed", "parquet.diff.files");
  }

  @Test
  @Tag("process")
  @DisplayName("thousands of random files of three writers read by every view as DuckDB reads them (-Pprocess)")
  void manyFiles(@TempDir Path tmp) throws Exception {
    run(Long.getLong("parquet.diff.long.seed", 1_000_000L), Integer.getInteger("parquet.diff.long.files", 3000), tmp,
        "manyFiles", "parquet.diff.long.seed", "parquet.diff.long.files");
  }

  @Test
  @DisplayName("the generator makes what the guard needs: every type, nesting to depth 3+, nulls, dictionaries, three writers")
  void generatorCoversTheRowModel() {
    java.util.Set<ColumnType.Kind> kinds = java.util.EnumSet.noneOf(ColumnType.Kind.class);
    int deepest = 0;
    int nulls = 0;
    int repeatedStrings = 0;
    int nestedVariants = 0;
    int duckDbVariants = 0;
    for (long seed = 0; seed < 300; seed++) {
      Case c = Case.of(seed);
      for (Column column : c.schema.columns()) {
        deepest = Math.max(deepest, collect(column.type(), kinds));
        java.util.Set<ColumnType.Kind> inside = java.util.EnumSet.noneOf(ColumnType.Kind.class);
        column.type().children().forEach(part -> collect(part.type(), inside));
        nestedVariants += inside.contains(ColumnType.Kind.VARIANT) ? 1 : 0;
        duckDbVariants += c.writer == 1 && column.type().kind() == ColumnType.Kind.VARIANT ? 1 : 0;
      }
      java.util.Set<Object> seen = new java.util.HashSet<>();
      for (Row row : c.rows) {
        for (Object v : row.values()) {
          nulls += v == null ? 1 : 0;
          repeatedStrings += v instanceof String s && !seen.add(s) ? 1 : 0;
        }
      }
    }
    assertThat(kinds).isEqualTo(java.util.EnumSet.allOf(ColumnType.Kind.class));
    assertThat(nestedVariants).as("VARIANTs inside a LIST, MAP or STRUCT").isGreaterThan(10);
    assertThat(duckDbVariants).as("VARIANT columns DuckDB writes (shredded)").isGreaterThan(10);
    assertThat(deepest).isGreaterThanOrEqualTo(4);
    assertThat(nulls).isPositive();
    assertThat(repeatedStrings).isGreaterThan(1000);
  }

  private static int collect(ColumnType t, java.util.Set<ColumnType.Kind> kinds) {
    kinds.add(t.kind());
    int depth = 0;
    for (Column c : t.children()) {
      depth = Math.max(depth, collect(c.type(), kinds));
    }
    return depth + 1;
  }

  private static void run(long base, int files, Path tmp, String method, String seedProperty, String filesProperty)
      throws Exception {
    List<String> failures = new ArrayList<>();
    try (Connection duck = ParquetFidelityTest.duckdb()) {
      for (int i = 0; i < files && failures.size() < MAX_FAILURES; i++) {
        long seed = base + i;
        Path dir = Files.createDirectories(tmp.resolve("f" + seed));
        Case c = Case.of(seed);
        try {
          Path file = c.write(dir, duck);
          ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(duck, file));
        } catch (AssertionError | Exception e) {
          failures.add("seed " + seed + " (" + c.describe() + "): " + String.valueOf(e.getMessage()).lines().limit(8)
              .reduce((a, b) -> a + "\n    " + b).orElse("") + "\n  replay: mvn -B -ntp -q test -Dtest='"
              + ParquetDifferentialTest.class.getSimpleName() + "#" + method
              + "' -Dsurefire.failIfNoSpecifiedTests=false -D" + seedProperty + "=" + seed + " -D" + filesProperty + "=1"
              + (method.equals("manyFiles") ? " -Pprocess" : ""));
        }
        deleteTree(dir);
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of the files differ from DuckDB's reading:\n" + String.join("\n", failures));
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---------------------------------------------------------------- one file: schema, rows, writer and its options

  /** Values of a leaf column that later values repeat (so dictionaries form): at most {@code limit}. */
  private record Pool(int limit, List<Object> values) {}

  /** One random file's schema, rows and writer, from its seed ({@link ParallelScanTest} draws its files from it too). */
  static final class Case {
    final long seed;
    final SplittableRandom random;
    final RowSchema schema;
    final List<Row> rows;
    final int writer;
    String options = "";

    private Case(long seed) {
      this.seed = seed;
      // the seed mixed first: SplittableRandom(s) and SplittableRandom(s + 1) walk one stream a draw apart
      this.random = new SplittableRandom(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 34).nextLong());
      this.writer = (int) Math.floorMod(seed, 3L);
      RowSchema.Builder b = RowSchema.builder();
      int columns = 1 + random.nextInt(6);
      for (int i = 0; i < columns; i++) {
        ColumnType t = type(random.nextInt(3) == 0 ? 1 : 3, true);
        if (random.nextBoolean()) {
          b.nullable("c" + i, t);
        } else {
          b.required("c" + i, t);
        }
      }
      this.schema = b.build();
      int n = switch (random.nextInt(4)) {
        case 0 -> random.nextInt(3);
        case 1 -> random.nextInt(50);
        default -> random.nextInt(250);
      };
      this.rows = moreRows(n);
    }

    static Case of(long seed) {
      return new Case(seed);
    }

    /**
     * @param n how many
     * @return that many more rows of this case's schema, drawn from its random as its own rows are (for readers that
     *     need more rows than a case has, over many row groups)
     */
    List<Row> moreRows(int n) {
      Map<Column, Pool> pools = new java.util.HashMap<>();
      List<Row> made = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        Object[] values = new Object[schema.size()];
        for (int c = 0; c < values.length; c++) {
          values[c] = value(schema.column(c), pools, 0);
        }
        made.add(Row.of(schema, values));
      }
      return made;
    }

    String describe() {
      return new String[] {"ours", "DuckDB", "parquet-mr"}[writer] + " " + options + ", " + rows.size() + " rows of "
          + schema;
    }

    /** The kinds a type is drawn from: the leaves first (strings twice as often), then the nested (structs twice). */
    private static final ColumnType.Kind[] DRAWN = {ColumnType.Kind.BOOLEAN, ColumnType.Kind.INT, ColumnType.Kind.LONG,
        ColumnType.Kind.DOUBLE, ColumnType.Kind.DECIMAL, ColumnType.Kind.STRING, ColumnType.Kind.STRING,
        ColumnType.Kind.BYTES, ColumnType.Kind.DATE, ColumnType.Kind.TIME, ColumnType.Kind.TIMESTAMP,
        ColumnType.Kind.LOCAL_TIMESTAMP, ColumnType.Kind.VARIANT, ColumnType.Kind.LIST, ColumnType.Kind.MAP,
        ColumnType.Kind.STRUCT, ColumnType.Kind.STRUCT};
    private static final int DRAWN_LEAVES = 13;

    /**
     * A random type; nested types while {@code depth} lasts (a depth of 4 is 4 levels of nesting). A VARIANT inside a
     * nested type is drawn for the writers that write one (not DuckDB: a STRING instead).
     */
    private ColumnType type(int depth, boolean top) {
      ColumnType.Kind drawn = DRAWN[random.nextInt(depth > 0 ? DRAWN.length : DRAWN_LEAVES)];
      ColumnType.Kind kind = drawn == ColumnType.Kind.VARIANT && !top && writer == 1 ? ColumnType.Kind.STRING : drawn;
      return switch (kind) {
        case DECIMAL -> {
          int p = 1 + random.nextInt(38);
          yield ColumnType.decimal(p, random.nextInt(p + 1));
        }
        case BOOLEAN, INT, LONG, DOUBLE, STRING, BYTES, DATE, TIME, TIMESTAMP, LOCAL_TIMESTAMP, VARIANT ->
            new ColumnType(kind, 0, 0);
        case LIST -> ColumnType.list(type(depth - 1, false), random.nextBoolean());
        case MAP -> ColumnType.map(random.nextBoolean() ? ColumnType.STRING : random.nextBoolean() ? ColumnType.INT
            : ColumnType.LONG, type(depth - 1, false), random.nextBoolean());
        case STRUCT -> {
          RowSchema.Builder fields = RowSchema.builder();
          int n = 1 + random.nextInt(4);
          for (int i = 0; i < n; i++) {
            ColumnType t = type(depth - 1, false);
            if (random.nextBoolean()) {
              fields.nullable("f" + i, t);
            } else {
              fields.required("f" + i, t);
            }
          }
          yield ColumnType.struct(fields.build());
        }
      };
    }

    /** A value for a column: null sometimes where allowed; leaves drawn from a small pool half the time. */
    private Object value(Column column, Map<Column, Pool> pools, int depth) {
      if (column.nullable() && random.nextInt(6) == 0) {
        return null;
      }
      ColumnType t = column.type();
      return switch (t.kind()) {
        case LIST -> {
          int n = random.nextInt(8) == 0 ? 0 : random.nextInt(depth > 1 ? 3 : 6);
          List<Object> l = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            l.add(value(t.element(), pools, depth + 1));
          }
          yield Collections.unmodifiableList(l);
        }
        case MAP -> {
          int n = random.nextInt(8) == 0 ? 0 : random.nextInt(depth > 1 ? 3 : 5);
          Map<Object, Object> m = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            Object k = value(t.key(), pools, depth + 1);
            if (!m.containsKey(k)) {
              m.put(k, value(t.value(), pools, depth + 1));
            }
          }
          yield Collections.unmodifiableMap(m);
        }
        case STRUCT -> {
          RowSchema fields = t.fields();
          Object[] values = new Object[fields.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = value(fields.column(i), pools, depth + 1);
          }
          yield Row.of(fields, values);
        }
        case BOOLEAN, INT, LONG, DOUBLE, DECIMAL, STRING, BYTES, DATE, TIME, TIMESTAMP, LOCAL_TIMESTAMP, VARIANT -> {
          Pool pool = pools.get(column);
          if (pool == null) {
            pool = new Pool(1 + random.nextInt(8), new ArrayList<>());
            pools.put(column, pool);
          }
          if (pool.values.size() >= pool.limit || !pool.values.isEmpty() && random.nextBoolean()) {
            yield pool.values.get(random.nextInt(pool.values.size()));
          }
          Object v = leaf(t);
          pool.values.add(v);
          yield v;
        }
      };
    }

    private Object leaf(ColumnType t) {
      SplittableRandom r = random;
      return switch (t.kind()) {
        case BOOLEAN -> r.nextBoolean();
        case INT -> switch (r.nextInt(6)) {
          case 0 -> Integer.MIN_VALUE;
          case 1 -> Integer.MAX_VALUE;
          case 2 -> r.nextInt(-3, 4);
          default -> r.nextInt();
        };
        case LONG -> switch (r.nextInt(6)) {
          case 0 -> Long.MIN_VALUE;
          case 1 -> Long.MAX_VALUE;
          case 2 -> r.nextLong(-3, 4);
          default -> r.nextLong();
        };
        case DOUBLE -> switch (r.nextInt(10)) {
          case 0 -> Double.MAX_VALUE;
          case 1 -> -Double.MIN_VALUE;
          case 2 -> Double.POSITIVE_INFINITY;
          case 3 -> Double.NEGATIVE_INFINITY;
          case 4 -> 0.0;
          default -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-20, 21));
        };
        case DECIMAL -> {
          BigInteger bound = BigInteger.TEN.pow(t.precision());
          BigInteger unscaled = switch (r.nextInt(5)) {
            case 0 -> bound.subtract(BigInteger.ONE);
            case 1 -> BigInteger.ZERO;
            default -> new BigInteger(t.precision() * 4, new java.util.Random(r.nextLong())).mod(bound);
          };
          yield new BigDecimal(r.nextBoolean() ? unscaled : unscaled.negate(), t.scale());
        }
        case STRING -> string(r);
        case VARIANT -> {
          // every variant type, objects and arrays up to three deep; only values DuckDB writes where it writes the file
          java.util.Random variants = new java.util.Random(r.nextLong());
          Variant v;
          do {
            v = r.nextInt(10) == 0 ? Variant.ofNull() : VariantFuzzTest.randomVariant(variants, 1 + r.nextInt(3));
          } while (writer == 1 && !DuckDbVariants.duckDbWrites(v));
          yield v;
        }
        case BYTES -> {
          byte[] b = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(1, 40)];
          for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
          }
          yield b;
        }
        case DATE -> LocalDate.ofEpochDay(r.nextInt(3) == 0 ? r.nextLong(-719_162, 2_932_897) : r.nextLong(-30_000, 30_000));
        case TIME -> LocalTime.ofNanoOfDay(r.nextLong(86_400_000_000L) * 1000);
        case TIMESTAMP -> {
          long micros = micros(r);
          yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        }
        case LOCAL_TIMESTAMP -> {
          long micros = micros(r);
          yield LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
              (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        }
        case LIST, MAP, STRUCT -> throw new IllegalArgumentException(t.toString());
      };
    }

    /** Microseconds since the epoch, within years 1 to 9999. */
    private static long micros(SplittableRandom r) {
      return r.nextInt(3) == 0 ? r.nextLong(-62_135_596_800_000_000L, 253_402_300_799_999_999L)
          : r.nextLong(-2_000_000_000_000_000L, 4_000_000_000_000_000L);
    }

    private static String string(SplittableRandom r) {
      return switch (r.nextInt(8)) {
        case 0 -> "";
        case 1 -> "v" + r.nextInt(3);
        case 2 -> "é漢😀 ünïcode " + r.nextInt(5);
        case 3 -> "long-" + "x".repeat(r.nextInt(100, 1500));
        default -> {
          StringBuilder b = new StringBuilder();
          for (int i = r.nextInt(1, 20); i > 0; i--) {
            b.append((char) r.nextInt('a', 'z' + 1));
          }
          yield b.toString();
        }
      };
    }

    // ---------------------------------------------------------------- writers

    Path write(Path dir, Connection duck) throws Exception {
      Path ours = dir.resolve("ours.parquet");
      Compression compression = Compression.values()[random.nextInt(Compression.values().length)];
      long rowGroupBytes = random.nextBoolean() ? random.nextLong(64 * 1024, 256 * 1024) : 64L << 20;
      try (RowWriter w = ParquetRows.writer(ours, schema, WriteOptions.defaults().withCompression(compression)
          .withRowGroupBytes(rowGroupBytes))) {
        for (Row row : rows) {
          w.write(row);
        }
      }
      switch (writer) {
        case 0 -> {
          options = compression + ", row groups of " + rowGroupBytes + " bytes";
          // compared as JSON: a byte[] inside a list is equal by content only there
          assertThat(ParquetCorpusTest.readAll(ours).stream().map(ParquetCorpusTest::json).toList())
              .as("our file read back").isEqualTo(rows.stream().map(ParquetCorpusTest::json).toList());
          return ours;
        }
        case 1 -> {
          Path file = dir.resolve("duckdb.parquet");
          String codec = DUCKDB_CODECS[random.nextInt(DUCKDB_CODECS.length)];
          String version = random.nextBoolean() ? "V1" : "V2";
          int rowGroupRows = random.nextBoolean() ? random.nextInt(1, 100) : random.nextInt(100, 5000);
          options = codec + ", " + version + ", row groups of " + rowGroupRows + " rows";
          try (Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT * FROM read_parquet('" + ours + "')) TO '" + file + "' (FORMAT parquet, COMPRESSION "
                + codec + ", PARQUET_VERSION " + version + ", ROW_GROUP_SIZE " + rowGroupRows + ")");
          }
          return file;
        }
        default -> {
          Path file = dir.resolve("parquet-mr.parquet");
          CompressionCodecName codec = MR_CODECS[random.nextInt(MR_CODECS.length)];
          ParquetProperties.WriterVersion version = random.nextBoolean() ? ParquetProperties.WriterVersion.PARQUET_1_0
              : ParquetProperties.WriterVersion.PARQUET_2_0;
          boolean dictionary = random.nextInt(3) > 0;
          int pageSize = random.nextBoolean() ? random.nextInt(64, 1024) : random.nextInt(1024, 64 * 1024);
          int pageRows = random.nextBoolean() ? random.nextInt(1, 50) : 20_000;
          long groupBytes = random.nextBoolean() ? random.nextLong(1024, 32 * 1024) : 128L << 20;
          options = codec + ", " + version + ", dictionary " + dictionary + ", pages of " + pageSize + " bytes and "
              + pageRows + " rows, row groups of " + groupBytes + " bytes";
          MessageType message = SchemaMapping.toParquet(schema);
          try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
              .withConf(new PlainParquetConfiguration())
              .withCodecFactory(Codecs.INSTANCE)
              .withType(message)
              .withCompressionCodec(codec)
              .withWriterVersion(version)
              .withDictionaryEncoding(dictionary)
              .withPageSize(pageSize)
              .withPageRowCountLimit(pageRows)
              .withMinRowCountForPageSizeCheck(1)
              .withRowGroupSize(groupBytes)
              .build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(message);
            for (Row row : rows) {
              Group g = groups.newGroup();
              for (int c = 0; c < schema.size(); c++) {
                put(g, message.getType(c), schema.column(c).type(), row.get(c));
              }
              w.write(g);
            }
          }
          return file;
        }
      }
    }

    /** Adds a row-model value to a parquet-mr example {@link Group}, under the field {@code t}. */
    private static void put(Group parent, Type t, ColumnType type, Object v) {
      if (v == null) {
        return;
      }
      String name = t.getName();
      switch (type.kind()) {
        case LIST -> {
          Group list = parent.addGroup(name);
          GroupType repeated = t.asGroupType().getType(0).asGroupType();
          for (Object e : (List<?>) v) {
            put(list.addGroup(repeated.getName()), repeated.getType(0), type.element().type(), e);
          }
        }
        case MAP -> {
          Group map = parent.addGroup(name);
          GroupType entry = t.asGroupType().getType(0).asGroupType();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            Group g = map.addGroup(entry.getName());
            put(g, entry.getType(0), type.key().type(), e.getKey());
            put(g, entry.getType(1), type.value().type(), e.getValue());
          }
        }
        case STRUCT -> {
          Group struct = parent.addGroup(name);
          GroupType g = t.asGroupType();
          Row row = (Row) v;
          for (int i = 0; i < g.getFieldCount(); i++) {
            put(struct, g.getType(i), type.children().get(i).type(), row.get(i));
          }
        }
        case VARIANT -> {
          Group variant = parent.addGroup(name);
          variant.append("metadata", Binary.fromConstantByteArray(((Variant) v).metadata()));
          variant.append("value", Binary.fromConstantByteArray(((Variant) v).value()));
        }
        case BOOLEAN -> parent.append(name, (Boolean) v);
        case INT -> parent.append(name, (Integer) v);
        case LONG -> parent.append(name, (Long) v);
        case DOUBLE -> parent.append(name, (Double) v);
        case STRING -> parent.append(name, Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8)));
        case BYTES -> parent.append(name, Binary.fromConstantByteArray((byte[]) v));
        case DATE -> parent.append(name, (int) ((LocalDate) v).toEpochDay());
        case TIME -> parent.append(name, ((LocalTime) v).toNanoOfDay() / 1000);
        case TIMESTAMP -> {
          Instant i = (Instant) v;
          parent.append(name, Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
        }
        case LOCAL_TIMESTAMP -> {
          LocalDateTime l = (LocalDateTime) v;
          parent.append(name, Math.addExact(Math.multiplyExact(l.toEpochSecond(ZoneOffset.UTC), 1_000_000L),
              l.getNano() / 1000));
        }
        case DECIMAL -> {
          BigInteger unscaled = ((BigDecimal) v).unscaledValue();
          if (type.precision() <= 18) {
            parent.append(name, unscaled.longValueExact());
          } else {
            byte[] minimal = unscaled.toByteArray();
            byte[] fixed = new byte[t.asPrimitiveType().getTypeLength()];
            Arrays.fill(fixed, 0, fixed.length - minimal.length, (byte) (unscaled.signum() < 0 ? 0xff : 0));
            System.arraycopy(minimal, 0, fixed, fixed.length - minimal.length, minimal.length);
            parent.append(name, Binary.fromConstantByteArray(fixed));
          }
        }
      }
    }
  }
}
