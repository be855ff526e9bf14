package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files whose footer is hostile to a recursive reader: a schema nesting thousands of groups (a 59 KB footer
 * nesting 5,000 overflowed the stack of every path that reads a schema), and footers whose Thrift encoding nests
 * structs without end or claims lists of billions of elements. Each is a {@link DataFormatException} naming the file
 * (and the limit), on every path (rows, batches, a store, a stream); a schema within the limit still reads.
 */
public class HostileSchemaTest {

  /** The documented limit: {@code ParquetFooter.MAX_SCHEMA_DEPTH}. */
  public static final int LIMIT = 500;

  /**
   * A file of no rows whose schema nests {@code depth} levels: {@code depth - 1} optional groups, one INT32 leaf at
   * the bottom. The footer is written with parquet-format's own Thrift classes, as parquet-mr writes it.
   *
   * @param depth the levels (1 is a flat file of one column)
   * @return the file's bytes
   */
  public static byte[] deepSchemaFile(int depth) {
    List<SchemaElement> elements = new ArrayList<>();
    SchemaElement root = new SchemaElement("schema");
    root.setNum_children(1);
    elements.add(root);
    for (int i = 1; i < depth; i++) {
      SchemaElement group = new SchemaElement("g" + i);
      group.setRepetition_type(FieldRepetitionType.OPTIONAL);
      group.setNum_children(1);
      elements.add(group);
    }
    SchemaElement leaf = new SchemaElement("v");
    leaf.setType(Type.INT32);
    leaf.setRepetition_type(FieldRepetitionType.OPTIONAL);
    elements.add(leaf);
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    try {
      Util.writeFileMetaData(new FileMetaData(1, elements, 0, new ArrayList<>()), footer);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return withFooter(footer.toByteArray());
  }

  /** A Parquet file of these footer bytes: magic, footer, its length, magic. */
  static byte[] withFooter(byte[] footer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] magic = "PAR1".getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(magic);
    out.writeBytes(footer);
    int n = footer.length;
    out.writeBytes(new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
    out.writeBytes(magic);
    return out.toByteArray();
  }

  /** A schema of one column nesting {@code depth} levels: structs of one field down to a LONG. */
  static RowSchema nestedSchema(int depth) {
    ColumnType type = ColumnType.LONG;
    for (int level = depth; level > 1; level--) {
      type = ColumnType.struct(RowSchema.builder().nullable("f" + level, type).build());
    }
    return RowSchema.builder().nullable("c", type).build();
  }

  /** A value of {@link #nestedSchema}: null at a random level (or none), else the leaf {@code leaf}. */
  static Object nestedValue(RowSchema schema, int depth, SplittableRandom random, long leaf) {
    List<ColumnType> types = new ArrayList<>(); // types.get(i): the type at level i + 1
    for (ColumnType t = schema.column(0).type(); ; t = t.children().get(0).type()) {
      types.add(t);
      if (t.kind() != ColumnType.Kind.STRUCT) {
        break;
      }
    }
    int nullAt = random.nextInt(4) == 0 ? 1 + random.nextInt(depth) : depth + 1;
    Object value = nullAt == depth ? null : leaf;
    for (int level = depth - 1; level >= 1; level--) {
      value = level >= nullAt ? null : Row.of(types.get(level - 1).fields(), value);
    }
    return value;
  }

  @Test
  @DisplayName("a schema nesting 5,000 groups (a 59 KB footer) is a DataFormatException naming the file and the "
      + "limit on every reading path, never a StackOverflowError")
  void fiveThousandLevels(@TempDir Path tmp) throws IOException {
    byte[] bytes = deepSchemaFile(5_000);
    assertThat(bytes.length).isBetween(50_000, 70_000);
    Path file = Files.write(tmp.resolve("deep.parquet"), bytes);
    assertRefused(() -> ParquetRows.read(file), "deep.parquet");
    assertRefused(() -> ParquetRows.readBatches(file), "deep.parquet");
    assertRefused(() -> ParquetRows.read(file, ReadOptions.defaults().skippingUnsupported()), "deep.parquet");
    try (LocalObjectStore store = LocalObjectStore.at(tmp)) {
      assertRefused(() -> ParquetRows.read(store, "deep.parquet"), "deep.parquet");
      assertRefused(() -> ParquetRows.readBatches(store, "deep.parquet", ReadOptions.defaults()), "deep.parquet");
    }
    assertRefused(() -> ParquetRows.read(new ByteArrayInputStream(bytes), "upload-7"), "upload-7");
  }

  @Test
  @DisplayName("the limit is exact: 500 levels read (rows and batches), 501 are refused")
  void theBoundary(@TempDir Path tmp) throws IOException {
    Path within = Files.write(tmp.resolve("within.parquet"), deepSchemaFile(LIMIT));
    try (RowReader rows = ParquetRows.read(within)) {
      assertThat(rows.hasNext()).isFalse();
      assertThat(rows.schema().size()).isEqualTo(1);
    }
    try (ColumnBatchReader batches = ParquetRows.readBatches(within)) {
      assertThat(batches.next()).isNull();
    }
    Path beyond = Files.write(tmp.resolve("beyond.parquet"), deepSchemaFile(LIMIT + 1));
    assertRefused(() -> ParquetRows.read(beyond), "beyond.parquet");
  }

  @Test
  @DisplayName("rows nesting 500 levels, nulls at random levels, are written and read back equal (rows and batches)")
  void dataAtTheLimit(@TempDir Path tmp) {
    roundTrip(tmp.resolve("limit.parquet"), LIMIT, new SplittableRandom(500));
  }

  /**
   * The deep-schema case of the seeded tests: random depths on both sides of the limit (and far beyond), rows with
   * nulls at random levels; within the limit the file reads back equal to the rows written (they are the oracle),
   * beyond it the footer (parquet-format's own Thrift, as parquet-mr writes it) is refused with a DataFormatException.
   * A failing seed prints its replay command.
   */
  @Test
  @DisplayName("seeded: random depths read back equal within the limit and are refused beyond it")
  void seededDepths(@TempDir Path tmp) throws IOException {
    long first = Long.getLong("schema.depth.seed", 20261125L);
    int cases = Integer.getInteger("schema.depth.cases", 12);
    for (long seed = first; seed < first + cases; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int depth = switch (random.nextInt(4)) {
        case 0 -> 1 + random.nextInt(40);
        case 1 -> LIMIT - 20 + random.nextInt(20);
        case 2 -> LIMIT + 1 + random.nextInt(200);
        default -> LIMIT + 1 + random.nextInt(20_000);
      };
      try {
        if (depth <= LIMIT) {
          roundTrip(tmp.resolve("s" + seed + ".parquet"), depth, random);
        } else {
          Path file = Files.write(tmp.resolve("s" + seed + ".parquet"), deepSchemaFile(depth));
          assertRefused(() -> ParquetRows.read(file), file.getFileName().toString());
          assertRefused(() -> ParquetRows.readBatches(file), file.getFileName().toString());
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " (depth " + depth + ") failed: " + e + "\n  replay: mvn -B -ntp -q "
            + "test -Dtest='HostileSchemaTest#seededDepths' -Dschema.depth.seed=" + seed + " -Dschema.depth.cases=1", e);
      }
    }
  }

  private static void roundTrip(Path file, int depth, SplittableRandom random) {
    RowSchema schema = nestedSchema(depth);
    List<Row> written = new ArrayList<>();
    int n = 1 + random.nextInt(20);
    for (int i = 0; i < n; i++) {
      written.add(Row.of(schema, nestedValue(schema, depth, random, random.nextLong())));
    }
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      written.forEach(w::write);
    }
    List<Row> read = new ArrayList<>();
    try (RowReader rows = ParquetRows.read(file)) {
      assertThat(rows.schema()).isEqualTo(schema);
      rows.forEachRemaining(read::add);
    }
    assertThat(read).isEqualTo(written);
    List<Row> batched = new ArrayList<>();
    try (ColumnBatchReader batches = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = batches.next(); b != null; b = batches.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          batched.add(b.row(i));
        }
      }
    }
    assertThat(batched).isEqualTo(written);
  }

  @Test
  @DisplayName("a footer whose Thrift claims a list of two billion schema elements, or nests 200,000 structs, or ends "
      + "inside a struct, is a DataFormatException before anything is allocated")
  void hostileThrift(@TempDir Path tmp) throws IOException {
    // FileMetaData: field 1 (i32 version = 1), field 2 (schema: a list of structs claiming 2^31 - 1 elements)
    byte[] hugeList = {0x15, 0x02, 0x19, (byte) 0xfc, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    Path list = Files.write(tmp.resolve("list.parquet"), withFooter(hugeList));
    for (ThrowingOpen open : List.<ThrowingOpen>of(() -> ParquetRows.read(list), () -> ParquetRows.readBatches(list))) {
      assertThatThrownBy(() -> open.open().close()).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("list.parquet").hasMessageContaining("claiming 2147483647 elements");
    }
    ByteArrayOutputStream nested = new ByteArrayOutputStream();
    for (int i = 0; i < 200_000; i++) {
      nested.write(0x1c); // field id + 1, a struct: an unknown field, which Thrift skips recursively
    }
    nested.writeBytes(new byte[200_001]);
    Path structs = Files.write(tmp.resolve("structs.parquet"), withFooter(nested.toByteArray()));
    assertThatThrownBy(() -> ParquetRows.read(structs).close()).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("structs.parquet").hasMessageContaining("more than 64 deep");
    // field 1 a binary whose length varint reads past 2^63 (negative): walked backwards forever before, found by
    // ParquetCorpusTest's damaged DuckDB files
    byte[] negative = {0x18, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01, 0x00};
    Path back = Files.write(tmp.resolve("back.parquet"), withFooter(negative));
    assertThatThrownBy(() -> ParquetRows.read(back).close()).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("back.parquet");
    Path cut = Files.write(tmp.resolve("cut.parquet"), withFooter(new byte[] {0x15, 0x02, 0x19, 0x2c}));
    assertThatThrownBy(() -> ParquetRows.read(cut).close()).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("cut.parquet");
  }

  /**
   * Seeded mutations of a real footer (a file of nested columns written by us, and the deep-schema footer): each
   * mutated file reads to its end or is refused with a DelphaException, never another exception or an Error.
   */
  @Test
  @DisplayName("seeded: mutated footers read or are refused with a DelphaException, never an Error")
  void seededFooterMutations(@TempDir Path tmp) throws IOException {
    Path written = tmp.resolve("nested.parquet");
    roundTrip(written, 6, new SplittableRandom(6));
    byte[][] originals = {Files.readAllBytes(written), deepSchemaFile(LIMIT)};
    long first = Long.getLong("footer.mutation.seed", 20261126L);
    int cases = Integer.getInteger("footer.mutation.cases", 300);
    for (long seed = first; seed < first + cases; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      byte[] bytes = originals[random.nextInt(originals.length)].clone();
      int footerLength = bytes[bytes.length - 8] & 0xff | (bytes[bytes.length - 7] & 0xff) << 8
          | (bytes[bytes.length - 6] & 0xff) << 16 | (bytes[bytes.length - 5] & 0xff) << 24;
      int footerStart = bytes.length - 8 - footerLength;
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        bytes[footerStart + random.nextInt(footerLength)] = (byte) random.nextInt(256);
      }
      Path file = Files.write(tmp.resolve("m" + seed + ".parquet"), bytes);
      try (RowReader rows = ParquetRows.read(file)) {
        while (rows.hasNext()) {
          rows.next();
        }
      } catch (DelphaException e) {
        assertThat(e.getMessage()).contains(file.getFileName().toString());
      } catch (RuntimeException | Error e) {
        throw new AssertionError("seed " + seed + ": " + e + "\n  replay: mvn -B -ntp -q test "
            + "-Dtest='HostileSchemaTest#seededFooterMutations' -Dfooter.mutation.seed=" + seed
            + " -Dfooter.mutation.cases=1", e);
      }
      Files.delete(file);
    }
  }

  private static void assertRefused(ThrowingOpen open, String name) {
    assertThatThrownBy(() -> {
      try (AutoCloseable reader = open.open()) {
        fail("read " + reader);
      }
    }).isInstanceOf(DataFormatException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("at most " + LIMIT + " levels");
  }

  @FunctionalInterface
  private interface ThrowingOpen {
    AutoCloseable open() throws Exception;
  }
}
