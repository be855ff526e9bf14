package io.delpha.sdk.parquet;

import static io.delpha.sdk.parquet.HostileFiles.leaf;
import static io.delpha.sdk.parquet.HostileFiles.lengthPrefixed;
import static io.delpha.sdk.parquet.HostileFiles.oneColumnFile;
import static io.delpha.sdk.parquet.HostileFiles.page;
import static io.delpha.sdk.parquet.HostileFiles.rleRun;
import static io.delpha.sdk.parquet.HostileFiles.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Footers and page headers whose claims their bytes cannot hold (issue 58): each is refused with a typed {@link
 * DataFormatException} naming the claim and the bound, before anything is allocated for it. What "before" means is
 * measured: the bytes the reading thread allocated while refusing the file ({@code
 * com.sun.management.ThreadMXBean}) stay a few MiB, where honouring the claim would take GiBs. The reported files,
 * and a list of 2^30 null elements in a 30-byte page, in a JVM of 256 MiB: {@code HeapLimitTest} ({@code -Pprocess}).
 */
class ParquetClaimsTest {

  /** More than any refusal here allocates (the 4.2 MB footer of 100,000 columns, read whole), far less than a claim. */
  private static final long FEW_BYTES = 64L << 20;

  @Test
  @DisplayName("a 4.2 MB footer declaring 100,000 columns: a DataFormatException naming the count and the 10,000 "
      + "ceiling on every reading path, before the schema is built")
  void hundredThousandColumns(@TempDir Path tmp) throws IOException {
    byte[] bytes = HostileFiles.wideFile(100_000);
    assertThat(bytes.length).isBetween(4_000_000, 4_500_000);
    Path file = Files.write(tmp.resolve("wide.parquet"), bytes);
    String[] says = {"wide.parquet cannot be read: its schema has 100,000 leaf columns; this reader reads schemas of "
        + "at most 10,000 columns"};
    long allocated = allocatedBy(() -> assertRefused(() -> ParquetRows.readBatches(file).close(), says));
    assertThat(allocated).as("bytes allocated refusing it").isLessThan(FEW_BYTES);
    assertRefused(() -> ParquetRows.read(file).close(), says);
    assertRefused(() -> ParquetRows.metadata(file), says);
    assertRefused(() -> ParquetRows.read(new ByteArrayInputStream(bytes), "upload-9").close(),
        "upload-9 cannot be read: its schema has 100,000 leaf columns");
  }

  @Test
  @DisplayName("the column ceiling is exact: 10,000 columns read, 10,001 are refused")
  void columnCeiling(@TempDir Path tmp) throws IOException {
    Path within = Files.write(tmp.resolve("within.parquet"), HostileFiles.wideFile(10_000));
    try (RowReader rows = ParquetRows.read(within)) {
      assertThat(rows.schema().size()).isEqualTo(10_000);
      assertThat(rows.hasNext()).isFalse();
    }
    assertThat(ParquetRows.metadata(within).columns()).hasSize(10_000);
    Path beyond = Files.write(tmp.resolve("beyond.parquet"), HostileFiles.wideFile(10_001));
    assertRefused(() -> ParquetRows.read(beyond).close(), "its schema has 10,001 leaf columns");
  }

  @Test
  @DisplayName("a schema of more than 100,000 elements, or a row group of more column chunks than columns, is refused "
      + "on the footer's counts")
  void elementsAndChunks(@TempDir Path tmp) throws IOException {
    Path elements = Files.write(tmp.resolve("elements.parquet"), HostileFiles.manyElementsFile(5, 100_000));
    assertRefused(() -> ParquetRows.read(elements).close(), "its schema has 100,006 elements (groups and columns); "
        + "this reader reads schemas of at most 100,000 elements");
    // two columns, a row group listing four chunks: the wide file's footer with its schema cut to two columns
    Path chunks = Files.write(tmp.resolve("chunks.parquet"), rewriteFooter(HostileFiles.wideFile(4), footer -> {
      footer.setSchema(new ArrayList<>(footer.getSchema().subList(0, 3)));
      footer.getSchema().get(0).setNum_children(2);
    }));
    assertRefused(() -> ParquetRows.read(chunks).close(), "a row group lists 4 column chunks where the schema has 2 "
        + "leaf columns");
  }

  @Test
  @DisplayName("found by ParquetClaimsFuzzTest: a row group claiming 0 rows whose chunk counts 100 values was passed "
      + "over (no rows, no error); it is refused")
  void zeroRowGroup(@TempDir Path tmp) throws IOException {
    Path file = Files.write(tmp.resolve("zero.parquet"), rewriteFooter(HostileFiles.dictionaryClaimFile(4, 100),
        footer -> footer.getRow_groups().get(0).setNum_rows(0)));
    assertRefused(() -> readRows(file), "zero.parquet: corrupt or truncated Parquet data: a row group says it holds 0 "
        + "rows, but a column chunk of it counts 100 values");
    assertRefused(() -> readBatches(file), "a row group says it holds 0 rows");
  }

  @Test
  @DisplayName("found by ParquetClaimsFuzzTest: a file naming two columns alike was an InvalidInputException (the "
      + "caller's fault) without the file's name; it is a DataFormatException naming the file")
  void duplicateNames(@TempDir Path tmp) throws IOException {
    Path twice = Files.write(tmp.resolve("twice.parquet"), rewriteFooter(HostileFiles.wideFile(2), footer -> {
      footer.getSchema().get(2).setName("c0");
      footer.getRow_groups().get(0).getColumns().get(1).getMeta_data().setPath_in_schema(List.of("c0"));
    }));
    assertRefused(() -> ParquetRows.read(twice).close(), "twice.parquet: its schema cannot be read as rows: duplicate "
        + "column name: c0");
    assertRefused(() -> ParquetRows.readBatches(twice).close(), "twice.parquet");
  }

  @Test
  @DisplayName("a dictionary page claiming 2^31-1 values in 16 bytes: a DataFormatException naming the claim and the "
      + "bound, before the dictionary is allocated; 4 entries read, 5 are refused")
  void dictionaryClaim(@TempDir Path tmp) throws IOException {
    Path file = Files.write(tmp.resolve("dict.parquet"), HostileFiles.dictionaryClaimFile(Integer.MAX_VALUE, 100));
    String says = "dict.parquet: column c: corrupt or truncated Parquet data: a dictionary page claims 2147483647 "
        + "entries of INT32 in 16 bytes, which hold at most 4";
    long allocated = allocatedBy(() -> assertRefused(() -> readBatches(file), says));
    assertThat(allocated).as("bytes allocated refusing it").isLessThan(FEW_BYTES);
    assertRefused(() -> readRows(file), says);
    Path honest = Files.write(tmp.resolve("honest.parquet"), HostileFiles.dictionaryClaimFile(4, 100));
    assertThat(readRows(honest)).hasSize(100).allSatisfy(r -> assertThat(r.getInt("c")).isEqualTo(7));
    Path five = Files.write(tmp.resolve("five.parquet"), HostileFiles.dictionaryClaimFile(5, 100));
    assertRefused(() -> readRows(five), "a dictionary page claims 5 entries of INT32 in 16 bytes, which hold at most 4");
  }

  @Test
  @DisplayName("data page headers: values beyond the chunk's, PLAIN values beyond the page's bytes, v2 nulls and rows "
      + "beyond its values, a SNAPPY size beyond what SNAPPY expands to")
  void dataPageClaims(@TempDir Path tmp) throws IOException {
    // a required INT64 column of 10 rows in one PLAIN page of 80 bytes: the honest file reads
    byte[] values = new byte[80];
    for (int i = 0; i < 10; i++) {
      values[8 * i] = (byte) i;
    }
    Path honest = Files.write(tmp.resolve("honest.parquet"), required64(10, 10, v1(10, 80, 80, Encoding.PLAIN), values,
        CompressionCodec.UNCOMPRESSED));
    assertThat(readRows(honest)).extracting(r -> r.getLong("c")).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    Path moreThanChunk = Files.write(tmp.resolve("chunk.parquet"), required64(10, 10, v1(11, 80, 80, Encoding.PLAIN),
        values, CompressionCodec.UNCOMPRESSED));
    assertRefused(() -> readRows(moreThanChunk), "a data page claims 11 values where the column chunk has 10 left");

    int claim = Integer.MAX_VALUE;
    Path plain = Files.write(tmp.resolve("plain.parquet"), required64(claim, claim, v1(claim, 80, 80, Encoding.PLAIN),
        values, CompressionCodec.UNCOMPRESSED));
    long allocated = allocatedBy(() -> assertRefused(() -> readBatches(plain),
        "a data page claims 2147483647 INT64 values stored PLAIN in 80 bytes, which hold at most 10"));
    assertThat(allocated).isLessThan(FEW_BYTES);

    PageHeader v2 = new PageHeader(PageType.DATA_PAGE_V2, 80, 80);
    v2.setData_page_header_v2(new DataPageHeaderV2(10, 0, 11, Encoding.PLAIN, 0, 0));
    Path rowsBeyond = Files.write(tmp.resolve("rows.parquet"), required64(10, 10, v2, values,
        CompressionCodec.UNCOMPRESSED));
    assertRefused(() -> readRows(rowsBeyond), "a data page v2 claims 11 rows in 10 values");

    // num_nulls is a count writers make differently and nothing reads: whatever it says, the values are read
    PageHeader nullsHeader = new PageHeader(PageType.DATA_PAGE_V2, 80, 80);
    nullsHeader.setData_page_header_v2(new DataPageHeaderV2(10, 11, 10, Encoding.PLAIN, 0, 0));
    Path nulls = Files.write(tmp.resolve("nulls.parquet"), required64(10, 10, nullsHeader, values,
        CompressionCodec.UNCOMPRESSED));
    assertThat(readRows(nulls)).extracting(r -> r.getLong("c")).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    byte[] snappy = org.xerial.snappy.Snappy.compress(values);
    Path bomb = Files.write(tmp.resolve("bomb.parquet"), required64(10, 10, v1(10, 1 << 30, snappy.length,
        Encoding.PLAIN), snappy, CompressionCodec.SNAPPY));
    allocated = allocatedBy(() -> assertRefused(() -> readBatches(bomb), "SNAPPY page is corrupt: it claims "
        + "1073741824 bytes from " + snappy.length + " compressed bytes, more than SNAPPY can expand to"));
    assertThat(allocated).isLessThan(FEW_BYTES);
  }

  @Test
  @DisplayName("a page with levels: the values present are counted from its decoded definition levels, not from a v2 "
      + "header's num_nulls (Arrow's writer leaves empty and null lists out of it): a v2 page whose num_nulls says "
      + "every value is present reads, one whose levels say more values than its bytes hold is refused, v1 and v2")
  void presentFromLevels(@TempDir Path tmp) throws IOException {
    // an optional INT64 column of 10 rows: 5 nulls then 5 values, in 40 bytes of PLAIN values
    ByteArrayOutputStream defs = new ByteArrayOutputStream();
    rleRun(defs, 5, 0, 1);
    rleRun(defs, 5, 1, 1);
    byte[] levels = defs.toByteArray();
    byte[] values = new byte[40];
    for (int i = 0; i < 5; i++) {
      values[8 * i] = (byte) (i + 1);
    }
    byte[] body = concat(levels, values);
    PageHeader understated = new PageHeader(PageType.DATA_PAGE_V2, body.length, body.length);
    understated.setData_page_header_v2(new DataPageHeaderV2(10, 0, 10, Encoding.PLAIN, levels.length, 0));
    understated.getData_page_header_v2().setIs_compressed(false);
    Path arrowLike = Files.write(tmp.resolve("arrow.parquet"), optional64(understated, body));
    assertThat(readRows(arrowLike)).extracting(r -> r.get("c")).containsExactly(null, null, null, null, null,
        1L, 2L, 3L, 4L, 5L);

    // the same page with 32 bytes of values: its levels give 5 values, which 32 bytes cannot hold
    byte[] shortBody = Arrays.copyOf(body, levels.length + 32);
    PageHeader cut = new PageHeader(PageType.DATA_PAGE_V2, shortBody.length, shortBody.length);
    cut.setData_page_header_v2(new DataPageHeaderV2(10, 5, 10, Encoding.PLAIN, levels.length, 0));
    cut.getData_page_header_v2().setIs_compressed(false);
    Path v2 = Files.write(tmp.resolve("v2.parquet"), optional64(cut, shortBody));
    assertRefused(() -> readBatches(v2), "corrupt", "a data page v2's definition levels give 5 INT64 values, stored "
        + "PLAIN in 32 bytes, which hold at most 4");

    byte[] v1Body = concat(lengthPrefixed(levels), Arrays.copyOf(values, 32));
    Path v1 = Files.write(tmp.resolve("v1.parquet"), optional64(v1(10, v1Body.length, v1Body.length, Encoding.PLAIN),
        v1Body));
    assertRefused(() -> readRows(v1), "corrupt", "a data page's definition levels give 5 INT64 values, stored PLAIN "
        + "in 32 bytes, which hold at most 4");
  }

  @Test
  @DisplayName("a valid file using what this reader does not read (LZO, a column chunk in another file) is refused as "
      + "such, not as corrupt")
  void unsupportedIsNotCorrupt(@TempDir Path tmp) throws IOException {
    byte[] values = new byte[80];
    Path lzo = Files.write(tmp.resolve("lzo.parquet"), required64(10, 10, v1(10, 80, 80, Encoding.PLAIN), values,
        CompressionCodec.LZO));
    assertRefused(() -> readRows(lzo), "column c: valid Parquet that this reader does not read: compression codec LZO "
        + "is not supported");
    byte[] honest = required64(10, 10, v1(10, 80, 80, Encoding.PLAIN), values, CompressionCodec.UNCOMPRESSED);
    Path elsewhere = Files.write(tmp.resolve("elsewhere.parquet"), rewriteFooter(honest,
        m -> m.getRow_groups().get(0).getColumns().get(0).setFile_path("other.parquet")));
    assertRefused(() -> readRows(elsewhere), "valid Parquet that this reader does not read: a column chunk is stored "
        + "in another file (other.parquet)");
  }

  @Test
  @DisplayName("levels: a page claiming 2^30 values whose levels hold 10 is refused once its first window is decoded, "
      + "its levels never allocated for the claim")
  void levelsClaim(@TempDir Path tmp) throws IOException {
    int claim = 1 << 30;
    ByteArrayOutputStream defs = new ByteArrayOutputStream();
    rleRun(defs, 10, 0, 1); // 10 nulls, and nothing after
    byte[] body = lengthPrefixed(defs.toByteArray());
    Path file = Files.write(tmp.resolve("levels.parquet"), oneColumnFile(leaf("c", Type.INT64,
        FieldRepetitionType.OPTIONAL), List.of(), claim, claim, CompressionCodec.UNCOMPRESSED, false,
        page(v1(claim, body.length, body.length, Encoding.PLAIN), body)));
    long allocated = allocatedBy(() -> assertRefused(() -> readBatches(file),
        "RLE/bit-packed data ends before its values"));
    assertThat(allocated).isLessThan(FEW_BYTES);
  }

  @Test
  @DisplayName("DELTA_BINARY_PACKED claiming 2^31-1 values in a page of 10, DELTA_BYTE_ARRAY prefixes longer than the "
      + "value before, RLE booleans claiming a run of 2^31 values: refused before anything is allocated for them")
  void encodedClaims(@TempDir Path tmp) throws IOException {
    // DELTA_BINARY_PACKED: block of 128 values in 4 miniblocks, 2^31-1 values, first value 0
    ByteArrayOutputStream delta = new ByteArrayOutputStream();
    varint(delta, 128);
    varint(delta, 4);
    varint(delta, Integer.MAX_VALUE);
    varint(delta, 0);
    byte[] deltaBody = delta.toByteArray();
    Path deltaFile = Files.write(tmp.resolve("delta.parquet"), required64(10, 10,
        v1(10, deltaBody.length, deltaBody.length, Encoding.DELTA_BINARY_PACKED), deltaBody,
        CompressionCodec.UNCOMPRESSED));
    long allocated = allocatedBy(() -> assertRefused(() -> readBatches(deltaFile),
        "a DELTA_BINARY_PACKED stream claims 2147483647 values in a page of 10"));
    assertThat(allocated).isLessThan(FEW_BYTES);

    // DELTA_BYTE_ARRAY of 2 strings: prefixes (0, 2^31-1), suffix lengths (1, 1), suffixes "a", "b"
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    deltaPacked(strings, 0, Integer.MAX_VALUE);
    deltaPacked(strings, 1, 1);
    strings.writeBytes(new byte[] {'a', 'b'});
    byte[] stringsBody = strings.toByteArray();
    Path prefix = Files.write(tmp.resolve("prefix.parquet"), oneColumnFile(leaf("s", Type.BYTE_ARRAY,
        FieldRepetitionType.REQUIRED), List.of(), 2, 2, CompressionCodec.UNCOMPRESSED, false,
        page(v1(2, stringsBody.length, stringsBody.length, Encoding.DELTA_BYTE_ARRAY), stringsBody)));
    allocated = allocatedBy(() -> assertRefused(() -> readBatches(prefix),
        "a DELTA_BYTE_ARRAY value claims a prefix of 2147483647 bytes of a previous value of 1"));
    assertThat(allocated).isLessThan(FEW_BYTES);

    // RLE booleans (the v2 encoding): a bit-packed run header claiming 2^28 groups of 8, then 1 byte
    ByteArrayOutputStream runs = new ByteArrayOutputStream();
    varint(runs, (1L << 28) << 1 | 1);
    runs.write(0x55);
    byte[] booleans = lengthPrefixed(runs.toByteArray());
    PageHeader v2 = new PageHeader(PageType.DATA_PAGE_V2, booleans.length, booleans.length);
    v2.setData_page_header_v2(new DataPageHeaderV2(100, 0, 100, Encoding.RLE, 0, 0));
    v2.getData_page_header_v2().setIs_compressed(false);
    Path rle = Files.write(tmp.resolve("rle.parquet"), oneColumnFile(leaf("b", Type.BOOLEAN,
        FieldRepetitionType.REQUIRED), List.of(), 100, 100, CompressionCodec.UNCOMPRESSED, false,
        page(v2, booleans)));
    allocated = allocatedBy(() -> assertRefused(() -> readBatches(rle), "RLE/bit-packed data ends before its values"));
    assertThat(allocated).isLessThan(FEW_BYTES);
  }

  @Test
  @DisplayName("a wide file's batches hold at most 4,194,304 values: 1,500 columns of 3,000 rows read in batches of "
      + "at most 2,796 rows, every value as written")
  void wideBatches(@TempDir Path tmp) {
    RowSchema.Builder builder = RowSchema.builder();
    for (int c = 0; c < 1_500; c++) {
      builder.required("c" + c, ColumnType.LONG);
    }
    RowSchema schema = builder.build();
    Path file = tmp.resolve("wide-rows.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      Object[] values = new Object[1_500];
      for (long r = 0; r < 3_000; r++) {
        for (int c = 0; c < values.length; c++) {
          values[c] = r * 10_000 + c;
        }
        w.write(Row.of(schema, values));
      }
    }
    List<Integer> batchRows = new ArrayList<>();
    long row = 0;
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        batchRows.add(b.rowCount());
        for (int i = 0; i < b.rowCount(); i++, row++) {
          assertThat(b.column(0).longs()[i]).isEqualTo(row * 10_000);
          assertThat(b.column(1_499).longs()[i]).isEqualTo(row * 10_000 + 1_499);
        }
      }
    }
    assertThat(row).isEqualTo(3_000);
    assertThat(batchRows).hasSizeGreaterThan(1).allSatisfy(n -> assertThat(n).isBetween(1, (1 << 22) / 1_500));
    assertThat(readRows(file)).hasSize(3_000).last().satisfies(r -> assertThat(r.getLong("c777"))
        .isEqualTo(2_999L * 10_000 + 777));
  }

  // ---------------------------------------------------------------- helpers

  /** A DELTA_BINARY_PACKED stream of two values: the first in the header, the second one delta in one block. */
  private static void deltaPacked(ByteArrayOutputStream out, long first, long second) {
    varint(out, 128);
    varint(out, 4);
    varint(out, 2);
    varint(out, first << 1); // zigzag of a non-negative value
    varint(out, (second - first) << 1); // min delta: every delta of the block equals it
    out.writeBytes(new byte[] {0, 0, 0, 0}); // bit widths 0: the deltas are the min delta
  }

  private static PageHeader v1(int values, int uncompressed, int compressed, Encoding encoding) {
    PageHeader header = new PageHeader(PageType.DATA_PAGE, uncompressed, compressed);
    header.setData_page_header(new DataPageHeader(values, encoding, Encoding.RLE, Encoding.RLE));
    return header;
  }

  /** A file of one required INT64 column {@code c}: one page, {@code rows} rows and {@code values} chunk values. */
  private static byte[] required64(long rows, long values, PageHeader header, byte[] body, CompressionCodec codec) {
    return oneColumnFile(leaf("c", Type.INT64, FieldRepetitionType.REQUIRED), List.of(), rows, values, codec, false,
        page(header, body));
  }

  /** A file of one optional INT64 column {@code c}: one page of 10 rows. */
  private static byte[] optional64(PageHeader header, byte[] body) {
    return oneColumnFile(leaf("c", Type.INT64, FieldRepetitionType.OPTIONAL), List.of(), 10, 10,
        CompressionCodec.UNCOMPRESSED, false, page(header, body));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** @return the file with its footer read, changed and written again after the same pages */
  private static byte[] rewriteFooter(byte[] file, Consumer<FileMetaData> change)
      throws IOException {
    byte[] footer = footerOf(file);
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
    change.accept(metadata);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Util.writeFileMetaData(metadata, out);
    byte[] framed = HostileSchemaTest.withFooter(out.toByteArray());
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(file, 0, file.length - 8 - footer.length);
    whole.write(framed, 4, framed.length - 4);
    return whole.toByteArray();
  }

  private static byte[] footerOf(byte[] file) {
    int n = file.length;
    int length = file[n - 8] & 0xff | (file[n - 7] & 0xff) << 8 | (file[n - 6] & 0xff) << 16 | (file[n - 5] & 0xff) << 24;
    return Arrays.copyOfRange(file, n - 8 - length, n - 8);
  }

  static List<Row> readRows(Path file) {
    List<Row> rows = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file)) {
      r.forEachRemaining(rows::add);
    }
    return Collections.unmodifiableList(rows);
  }

  static long readBatches(Path file) {
    long rows = 0;
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        rows += b.rowCount();
      }
    }
    return rows;
  }

  /** The bytes this thread allocated running {@code work} (HotSpot's per-thread allocation counter). */
  static long allocatedBy(Runnable work) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    work.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  private static void assertRefused(ThrowingRead read, String... says) {
    assertThatThrownBy(read::run).isInstanceOf(DataFormatException.class)
        .satisfies(e -> {
          for (String s : says) {
            assertThat(e.getMessage()).contains(s);
          }
          assertThat(Objects.requireNonNull(e.getMessage()).length()).isLessThan(1_000);
          assertThat(e).isInstanceOf(DelphaException.class);
        });
  }

  @FunctionalInterface
  private interface ThrowingRead {
    void run() throws Exception;
  }
}
