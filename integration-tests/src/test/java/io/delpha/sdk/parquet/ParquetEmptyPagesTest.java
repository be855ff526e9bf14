package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data pages holding 0 values, which pyarrow writes in LIST and MAP columns when pages are tiny (600 rows of a
 * nullable {@code list<int8>}, {@code data_page_size=64, write_batch_size=1}): pyarrow is not installed on this
 * build's machines, so the page sequence is built here with parquet-mr's low-level page writer
 * ({@link ColumnChunkPageWriteStore}): levels and values encoded by hand, 0-value pages at the start of a chunk,
 * between rows and at its end, as a writer gives them (empty level runs and values; a page of no bytes
 * at all is refused by DuckDB and left out), data pages v1 and v2, dictionary and PLAIN values. Every view is checked against the generated values
 * and against DuckDB's reading of the same file.
 */
class ParquetEmptyPagesTest {

  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message m {"
      + " optional group l (LIST) { repeated group list { optional int32 element (INTEGER(8,true)); } }"
      + " optional int32 k; }");
  private static final int ROWS = 600;
  private static final int ROW_GROUPS = 2;

  /** One (repetition, definition) level pair and, at the maximum definition level, its value. */
  private record Level(int rep, int def, int value) {}

  static Stream<Arguments> forms() {
    List<Arguments> out = new ArrayList<>();
    for (boolean v2 : new boolean[] {false, true}) {
      for (boolean dictionary : new boolean[] {false, true}) {
        out.add(Arguments.of(v2, dictionary));
      }
    }
    return out.stream();
  }

  /** Row {@code i}'s list: null, empty, or 1 to 4 int8 elements some of which are null. */
  static List<Integer> list(int i) {
    if (i % 7 == 0) {
      return null;
    }
    List<Integer> l = new ArrayList<>();
    for (int j = 0; j < (i % 7 == 1 ? 0 : i % 4 + 1); j++) {
      l.add((i + j) % 5 == 0 ? null : (byte) (i * (j + 1) - 60) % 13 * 9);
    }
    return l;
  }

  static Integer key(int i) {
    return i % 6 == 0 ? null : i % 9 - 4;
  }

  @ParameterizedTest(name = "v2={0} dictionary={1}")
  @MethodSource("forms")
  @DisplayName("pages of 0 values in a list column and a flat one are passed over; every row reads as written")
  void emptyPages(boolean v2, boolean dictionary, @TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("empty-pages.parquet");
    write(file, v2, dictionary);
    assertThat(emptyPageCount(file)).as("0-value pages in the file").isGreaterThan(40);
    for (List<Row> read : ParquetNestedDictionaryTest.everyView(file)) {
      assertThat(read).hasSize(ROWS);
      for (int i = 0; i < ROWS; i++) {
        assertThat(read.get(i).get("l")).as("row %d", i).isEqualTo(list(i));
        assertThat(read.get(i).get("k")).as("row %d", i).isEqualTo(key(i));
      }
    }
    ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(file));
  }

  private static void write(Path file, boolean v2, boolean dictionary) throws IOException {
    ParquetFileWriter writer = new ParquetFileWriter(new LocalOutputFile(file), SCHEMA, ParquetFileWriter.Mode.CREATE,
        1 << 20, 0);
    writer.start();
    int perGroup = ROWS / ROW_GROUPS;
    for (int g = 0; g < ROW_GROUPS; g++) {
      ColumnChunkPageWriteStore store = new ColumnChunkPageWriteStore(
          Codecs.INSTANCE.getCompressor(CompressionCodecName.SNAPPY), SCHEMA, new HeapByteBufferAllocator(), 64, true);
      List<List<Level>> lists = new ArrayList<>();
      List<List<Level>> keys = new ArrayList<>();
      for (int i = g * perGroup; i < (g + 1) * perGroup; i++) {
        lists.add(listLevels(list(i)));
        Integer k = key(i);
        keys.add(List.of(k == null ? new Level(0, 0, 0) : new Level(0, 1, k)));
      }
      ColumnDescriptor l = SCHEMA.getColumnDescription(new String[] {"l", "list", "element"});
      ColumnDescriptor k = SCHEMA.getColumnDescription(new String[] {"k"});
      writeChunk(store.getPageWriter(l), l, lists, v2, dictionary);
      writeChunk(store.getPageWriter(k), k, keys, v2, dictionary);
      writer.startBlock(perGroup);
      store.flushToFileWriter(writer);
      writer.endBlock();
      store.close();
    }
    writer.end(Map.of());
  }

  private static List<Level> listLevels(List<Integer> list) {
    if (list == null) {
      return List.of(new Level(0, 0, 0));
    }
    if (list.isEmpty()) {
      return List.of(new Level(0, 1, 0));
    }
    List<Level> out = new ArrayList<>();
    for (int j = 0; j < list.size(); j++) {
      Integer e = list.get(j);
      out.add(e == null ? new Level(j == 0 ? 0 : 1, 2, 0) : new Level(j == 0 ? 0 : 1, 3, e));
    }
    return out;
  }

  /** Pages of 1 to 3 rows, a 0-value page first, last and before every third page. */
  private static void writeChunk(PageWriter pages, ColumnDescriptor column, List<List<Level>> rows, boolean v2,
      boolean dictionary) throws IOException {
    int[] dictionaryValues = {};
    if (dictionary) {
      dictionaryValues = rows.stream().flatMap(List::stream).filter(x -> x.def() == column.getMaxDefinitionLevel())
          .mapToInt(Level::value).distinct().sorted().toArray();
      BytesInput plain = BytesInput.concat(Arrays.stream(dictionaryValues).mapToObj(BytesInput::fromInt).toList());
      pages.writeDictionaryPage(new DictionaryPage(plain, dictionaryValues.length, Encoding.PLAIN));
    }
    writeEmptyPage(pages, column, v2, dictionary);
    int row = 0;
    int page = 0;
    while (row < rows.size()) {
      int n = Math.min(1 + page % 3, rows.size() - row);
      List<Level> levels = rows.subList(row, row + n).stream().flatMap(List::stream).toList();
      writePage(pages, column, levels, n, v2, dictionary ? dictionaryValues : null);
      row += n;
      if (++page % 3 == 0) {
        writeEmptyPage(pages, column, v2, dictionary);
      }
    }
    writeEmptyPage(pages, column, v2, dictionary);
  }

  private static void writePage(PageWriter pages, ColumnDescriptor column, List<Level> levels, int rows, boolean v2,
      int[] dictionary) throws IOException {
    int maxDef = column.getMaxDefinitionLevel();
    Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
    RunLengthBitPackingHybridEncoder ids = dictionary == null ? null : encoder(bitWidth(dictionary.length - 1));
    List<BytesInput> plain = new ArrayList<>();
    int nulls = 0;
    for (Level x : levels) {
      if (x.def() == maxDef) {
        ((org.apache.parquet.column.statistics.IntStatistics) stats).updateStats(x.value());
        if (ids != null) {
          ids.writeInt(Arrays.binarySearch(dictionary, x.value()));
        } else {
          plain.add(BytesInput.fromInt(x.value()));
        }
      } else {
        nulls++;
        stats.incrementNumNulls();
      }
    }
    BytesInput values = ids != null
        ? BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth(dictionary.length - 1)}), ids.toBytes())
        : BytesInput.concat(plain);
    Encoding valueEncoding = ids != null ? (v2 ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY) : Encoding.PLAIN;
    BytesInput reps = column.getMaxRepetitionLevel() == 0 ? BytesInput.empty()
        : levels(levels.stream().mapToInt(Level::rep).toArray(), column.getMaxRepetitionLevel());
    BytesInput defs = levels(levels.stream().mapToInt(Level::def).toArray(), maxDef);
    if (v2) {
      pages.writePageV2(rows, nulls, levels.size(), reps, defs, valueEncoding, values, stats);
    } else {
      BytesInput body = BytesInput.concat(column.getMaxRepetitionLevel() == 0 ? BytesInput.empty() : prefixed(reps),
          prefixed(defs), values);
      pages.writePage(body, levels.size(), rows, stats, Encoding.RLE, Encoding.RLE, valueEncoding);
    }
  }

  /**
   * A page of 0 values: empty level runs (v1: each a 4-byte length of 0) and no values (a dictionary page's ids: only
   * their bit width). A v1 page of no bytes at all is not made: DuckDB refuses it ("Out of buffer").
   */
  private static void writeEmptyPage(PageWriter pages, ColumnDescriptor column, boolean v2, boolean dictionary)
      throws IOException {
    Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
    Encoding valueEncoding = dictionary ? (v2 ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY) : Encoding.PLAIN;
    BytesInput values = dictionary ? BytesInput.from(new byte[] {1}) : BytesInput.empty();
    if (v2) {
      pages.writePageV2(0, 0, 0, BytesInput.empty(), BytesInput.empty(), valueEncoding, values, stats);
    } else {
      BytesInput noLevels = BytesInput.fromInt(0);
      BytesInput body = BytesInput.concat(column.getMaxRepetitionLevel() == 0 ? BytesInput.empty() : noLevels,
          noLevels, values);
      pages.writePage(body, 0, 0, stats, Encoding.RLE, Encoding.RLE, valueEncoding);
    }
  }

  private static BytesInput levels(int[] levels, int max) throws IOException {
    RunLengthBitPackingHybridEncoder e = encoder(bitWidth(max));
    for (int x : levels) {
      e.writeInt(x);
    }
    return BytesInput.copy(e.toBytes());
  }

  private static BytesInput prefixed(BytesInput runs) throws IOException {
    return BytesInput.concat(BytesInput.fromInt((int) runs.size()), runs);
  }

  private static RunLengthBitPackingHybridEncoder encoder(int bitWidth) {
    return new RunLengthBitPackingHybridEncoder(bitWidth, 64, 1 << 16, new HeapByteBufferAllocator());
  }

  private static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(max, 0));
  }

  /** The data pages of 0 values in the file, counted by parquet-mr's own reader. */
  private static int emptyPageCount(Path file) throws IOException {
    int empty = 0;
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE).build();
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), options)) {
      for (PageReadStore group = r.readNextRowGroup(); group != null; group = r.readNextRowGroup()) {
        for (ColumnDescriptor c : SCHEMA.getColumns()) {
          PageReader pages = group.getPageReader(c);
          for (DataPage p = pages.readPage(); p != null; p = pages.readPage()) {
            empty += p.getValueCount() == 0 ? 1 : 0;
          }
        }
      }
    }
    return empty;
  }
}
