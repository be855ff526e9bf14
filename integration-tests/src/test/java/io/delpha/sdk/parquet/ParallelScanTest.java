package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.ServerSupport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A read of many files, or of one file's row groups, on several threads ({@link ReadOptions#withThreads}): per row
 * group the very batches a one-thread read gives, in order, every row once; a file of another schema or a corrupt row
 * group ends the read with a typed error, its workers ended and its files closed; so does a close in the middle.
 */
@DisplayName("ParquetRows.readBatches of many files and row groups, on several threads")
@Isolated("counts the JVM's Parquet scan threads and this process's open files")
class ParallelScanTest {

  private static final RowSchema SCHEMA = FileRowReaderTest.SCHEMA;
  /** The ids of file {@code k} start at {@code k * FILE_IDS}. */
  private static final long FILE_IDS = 1_000_000L;
  private static final int MAX_FAILURES = 5;

  @TempDir Path tmp;

  // ---------------------------------------------------------------- the seeded differential

  @Test
  @DisplayName("seeded random files (random schemas, nested ones included, codecs, row groups of 64 to 128 KiB) read "
      + "on 2, 3 and 4 threads: per row group the very batches of the one-thread read, in order, every row once "
      + "(default: 10 cases)")
  void sameBatchesAsOneThread() throws Exception {
    long base = Long.getLong("scan.seed", 62_000L);
    int cases = Integer.getInteger("scan.cases", 10);
    List<String> failures = new ArrayList<>();
    int files = 0;
    int groups = 0;
    for (int i = 0; i < cases && failures.size() < MAX_FAILURES; i++) {
      long seed = base + i;
      Path dir = Files.createDirectories(tmp.resolve("seed-" + seed));
      try {
        int[] layout = scanCase(seed, dir);
        files += layout[0];
        groups += layout[1];
      } catch (AssertionError | Exception e) {
        failures.add("seed " + seed + ": " + String.valueOf(e.getMessage()).lines().limit(8)
            .reduce((a, b) -> a + "\n    " + b).orElse("") + "\n  replay: mvn -o -q test -Dtest='"
            + ParallelScanTest.class.getSimpleName() + "#sameBatchesAsOneThread' -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dscan.seed=" + seed + " -Dscan.cases=1");
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of the cases read differently on several threads:\n" + String.join("\n", failures));
    }
    if (cases >= 8) {
      assertThat(groups).as("row groups of the %d files (the cases must give the workers several each)", files)
          .isGreaterThanOrEqualTo(3 * files);
    }
  }

  /** One batch as read: each row's {@code seq} and its values as JSON. */
  private record ReadBatch(List<Long> seqs, List<String> rows) {}

  /**
   * Writes 1 to 3 files of the seed's random schema (a {@code seq} column first: file * 1,000,000 + row), then reads
   * them on one thread and on 2, 3 and 4, and compares.
   *
   * @return the number of files and of their row groups
   */
  private int[] scanCase(long seed, Path dir) throws Exception {
    // the case's own seed drawn from ours: Case's random streams of consecutive seeds are one stream, shifted by a draw
    SplittableRandom random = new SplittableRandom(seed);
    ParquetDifferentialTest.Case c = ParquetDifferentialTest.Case.of(random.nextLong());
    // half the cases keep only the case's flat columns: the workers then decode into two batches each, else one
    boolean flatOnly = random.nextBoolean();
    List<Integer> kept = new ArrayList<>();
    List<Column> columns = new ArrayList<>(List.of(Column.required("seq", ColumnType.LONG)));
    for (int i = 0; i < c.schema.size(); i++) {
      if (!flatOnly || !nestedOrVariant(c.schema.column(i).type())) {
        kept.add(i);
        columns.add(c.schema.column(i));
      }
    }
    RowSchema schema = new RowSchema(columns);
    long rowGroupBytes = random.nextLong(64 * 1024, 96 * 1024);
    WriteOptions write = WriteOptions.defaults().withRowGroupBytes(rowGroupBytes)
        .withCompression(Compression.values()[random.nextInt(Compression.values().length)]);
    // rows enough for about three row groups a file, from the bytes a row takes in a first file of 1,000
    Path probe = dir.resolve("probe.parquet");
    writeRows(probe, schema, write, c, kept, 1, 1_000, new HashMap<>());
    long probeBytes = ParquetRows.metadata(probe).rowGroups().stream()
        .mapToLong(ParquetMetadata.RowGroup::uncompressedBytes).sum();
    long rowsPerFile = Math.max(1_000, Math.min(25_000, 3 * rowGroupBytes * 1_000 / Math.max(1, probeBytes)));
    Files.delete(probe);
    int fileCount = 1 + random.nextInt(3);
    List<Path> files = new ArrayList<>();
    Map<Long, String> written = new HashMap<>();
    List<long[]> groupStarts = new ArrayList<>();
    int groups = 0;
    for (int f = 0; f < fileCount; f++) {
      Path file = dir.resolve("part-" + f + ".parquet");
      writeRows(file, schema, write, c, kept, f, (int) (rowsPerFile * random.nextDouble(0.6, 1.4)), written);
      files.add(file);
      List<ParquetMetadata.RowGroup> layout = ParquetRows.metadata(file).rowGroups();
      long[] starts = new long[layout.size()];
      long start = 0;
      for (int g = 0; g < starts.length; g++) {
        starts[g] = start;
        start += layout.get(g).rowCount();
      }
      groupStarts.add(starts);
      groups += starts.length;
    }
    ReadOptions options = ReadOptions.defaults().withBatchRows(random.nextInt(50, 2000));
    String what = fileCount + " files of " + groups + " row groups (" + write + "), batches of " + options.batchRows()
        + " rows, " + schema;

    List<ReadBatch> one = readAll(files, options);
    List<Long> inOrder = one.stream().flatMap(b -> b.seqs().stream()).toList();
    assertThat(inOrder).as("one thread: every row, files in order, each in file order; %s", what)
        .containsExactlyElementsOf(written.keySet().stream().sorted().toList());
    for (ReadBatch b : one) {
      for (int i = 0; i < b.seqs().size(); i++) {
        assertThat(b.rows().get(i)).as("row %d, one thread; %s", b.seqs().get(i), what)
            .isEqualTo(written.get(b.seqs().get(i)));
      }
    }
    Map<Long, List<ReadBatch>> expected = byRowGroup(one, groupStarts, what);
    for (int threads = 2; threads <= 4; threads++) {
      List<ReadBatch> parallel = readAll(files, options.withThreads(threads));
      assertThat(byRowGroup(parallel, groupStarts, what)).as("%d threads: per row group, the one-thread batches in "
          + "order; %s", threads, what).isEqualTo(expected);
      assertThat(parallel).as("%d threads: as many batches; %s", threads, what).hasSameSizeAs(one);
      assertThat(scanTasks()).as("scan workers after the read").isZero();
      List<ReadBatch> consumed = consumeAll(files, options.withThreads(threads));
      assertThat(byRowGroup(consumed, groupStarts, what)).as("%d threads, a consumer each: per row group, the "
          + "one-thread batches in order; %s", threads, what).isEqualTo(expected);
      assertThat(consumed).as("%d threads, a consumer each: as many batches; %s", threads, what).hasSameSizeAs(one);
      assertThat(scanTasks()).as("scan workers after the consumers' scan").isZero();
    }
    assertThat(consumeAll(files, options)).as("one thread, one consumer: the one-thread read's batches; %s", what)
        .isEqualTo(one);
    return new int[] {fileCount, groups};
  }

  /**
   * Writes {@code rows} more rows of the case, projected on {@code kept} behind a {@code seq} column ({@code file *
   * 1,000,000 +} the row's place in the file), each row's JSON into {@code written} by its {@code seq}.
   */
  private static void writeRows(Path file, RowSchema schema, WriteOptions options, ParquetDifferentialTest.Case c,
      List<Integer> kept, int fileIndex, int rows, Map<Long, String> written) {
    try (RowWriter w = ParquetRows.writer(file, schema, options)) {
      for (int row = 0; row < rows; ) {
        for (Row r : c.moreRows(Math.min(500, rows - row))) {
          long seq = fileIndex * FILE_IDS + row++;
          List<Object> values = new ArrayList<>();
          values.add(seq);
          kept.forEach(i -> values.add(r.get(i)));
          Row withSeq = Row.of(schema, values);
          w.write(withSeq);
          written.put(seq, ParquetCorpusTest.json(withSeq).toString());
        }
      }
    }
  }

  private static boolean nestedOrVariant(ColumnType type) {
    return switch (type.kind()) {
      case LIST, MAP, STRUCT, VARIANT -> true;
      default -> false;
    };
  }

  /**
   * @return the batches per row group (file * 1,000,000 + group), each row group's in the order read
   * @throws AssertionError if a batch holds rows of two row groups
   */
  private static Map<Long, List<ReadBatch>> byRowGroup(List<ReadBatch> batches, List<long[]> groupStarts,
      String what) {
    Map<Long, List<ReadBatch>> out = new LinkedHashMap<>();
    for (ReadBatch b : batches) {
      Set<Long> groups = new java.util.HashSet<>();
      for (long seq : b.seqs()) {
        long[] starts = groupStarts.get((int) (seq / FILE_IDS));
        int g = Arrays.binarySearch(starts, seq % FILE_IDS);
        groups.add(seq / FILE_IDS * FILE_IDS + (g >= 0 ? g : -g - 2));
      }
      assertThat(groups).as("the row groups of one batch; %s", what).hasSize(1);
      out.computeIfAbsent(groups.iterator().next(), k -> new ArrayList<>()).add(b);
    }
    return out;
  }

  private static List<ReadBatch> readAll(List<Path> files, ReadOptions options) {
    List<ReadBatch> out = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(files, options)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        out.add(readBatch(b));
      }
    }
    return out;
  }

  /** The batches of {@link ParquetRows#scanBatches}, each consumer's in the order it was given them, one after the other. */
  private static List<ReadBatch> consumeAll(List<Path> files, ReadOptions options) {
    Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<List<ReadBatch>> perThread = ParquetRows.scanBatches(files, options, () -> {
      assertThat(threads.add(Thread.currentThread())).as("one consumer per thread").isTrue();
      Thread mine = Thread.currentThread();
      return new BatchList(mine);
    }).stream().map(c -> c.batches).toList();
    assertThat(perThread).as("consumers made").hasSizeBetween(1, options.threads());
    return perThread.stream().flatMap(List::stream).toList();
  }

  /** A consumer keeping what it is given, checking it is called on its own thread only. */
  private static final class BatchList implements java.util.function.Consumer<ColumnBatch> {
    final List<ReadBatch> batches = new ArrayList<>();
    private final Thread owner;

    BatchList(Thread owner) {
      this.owner = owner;
    }

    @Override
    public void accept(ColumnBatch b) {
      assertThat(Thread.currentThread()).as("the consumer's own thread").isSameAs(owner);
      batches.add(readBatch(b));
    }
  }

  private static ReadBatch readBatch(ColumnBatch b) {
    List<Long> seqs = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    long[] seq = b.column("seq").longs();
    for (Row row : rowsOf(b)) {
      seqs.add(seq[seqs.size()]);
      rows.add(ParquetCorpusTest.json(row).toString());
    }
    return new ReadBatch(seqs, rows);
  }

  // ---------------------------------------------------------------- order, entry points, options

  @Test
  @DisplayName("on one thread, many files read as the one-file reader reads each: the same batches, file after file")
  void oneThreadIsTheOneFileOrder() {
    Path a = write("a.parquet", 0, 9_000);
    Path b = write("b.parquet", FILE_IDS, 7_000);
    ReadOptions options = ReadOptions.defaults().withBatchRows(1_000);
    List<List<Row>> expected = new ArrayList<>();
    for (Path file : List.of(a, b)) {
      try (ColumnBatchReader r = ParquetRows.readBatches(file, options)) {
        for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
          expected.add(rowsOf(batch));
        }
      }
    }
    List<List<Row>> read = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(List.of(a, b), options)) {
      assertThat(r.schema()).isEqualTo(SCHEMA);
      for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
        read.add(rowsOf(batch));
      }
      assertThat(r.next()).isNull();
    }
    assertThat(read).containsExactlyElementsOf(expected);
    assertThat(read.stream().flatMap(List::stream).map(row -> row.getLong("id")).toList())
        .containsExactlyElementsOf(LongStream.concat(LongStream.range(0, 9_000),
            LongStream.range(FILE_IDS, FILE_IDS + 7_000)).boxed().toList());
  }

  @Test
  @DisplayName("one file's row groups on three threads, by path, by a named path, from an ObjectStore and from memory: "
      + "every row once, each row group's in order")
  void oneFileOnThreeThreads() throws IOException {
    Path file = write("one.parquet", 0, 30_000);
    assertThat(ParquetRows.metadata(file).rowGroups()).hasSizeGreaterThan(3);
    ReadOptions options = ReadOptions.defaults().withBatchRows(500).withThreads(3);
    byte[] bytes = Files.readAllBytes(file);
    List<ColumnBatchReader> readers = List.of(ParquetRows.readBatches(file, options),
        ParquetRows.readBatches(file, "the file", options),
        ParquetRows.readBatches(LocalObjectStore.at(tmp), "one.parquet", options),
        ParquetRows.readBatches(bytes, bytes.length, "the bytes", options));
    for (ColumnBatchReader r : readers) {
      try (r) {
        assertThat(r.toString()).contains("3 threads");
        List<List<Row>> batches = new ArrayList<>();
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          batches.add(rowsOf(b));
        }
        assertRowGroupsInOrder(file, 0, batches);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(30_000);
      }
    }
    assertThat(scanTasks()).isZero();
  }

  @Test
  @DisplayName("ReadOptions.threads: 1 by default and from every constructor, 1 to 256, kept by every other setting")
  void threadsOption() {
    assertThat(ReadOptions.defaults().threads()).isEqualTo(1);
    assertThat(new ReadOptions(Set.of(), false, 10).threads()).isEqualTo(1);
    assertThat(new ReadOptions(Set.of(), false, 10, Set.of("v")).threads()).isEqualTo(1);
    ReadOptions four = ReadOptions.defaults().withThreads(4);
    assertThat(four.threads()).isEqualTo(4);
    assertThat(four.skipping("a").withBatchRows(7).readingAsVariant("v").skippingUnsupported())
        .isEqualTo(new ReadOptions(Set.of("a"), true, 7, Set.of("v"), 4));
    assertThat(four).isNotEqualTo(ReadOptions.defaults());
    assertThat(ReadOptions.defaults().withThreads(ReadOptions.MAX_THREADS).threads()).isEqualTo(256);
    assertThatThrownBy(() -> ReadOptions.defaults().withThreads(0)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("threads must be 1 to 256, was 0");
    assertThatThrownBy(() -> ReadOptions.defaults().withThreads(257)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("no files: a schema of no columns and no batch, on one thread or several")
  void noFiles() {
    for (int threads : new int[] {1, 3}) {
      try (ColumnBatchReader r = ParquetRows.readBatches(List.of(), ReadOptions.defaults().withThreads(threads))) {
        assertThat(r.schema().columns()).isEmpty();
        assertThat(r.next()).isNull();
        assertThat(r.next()).isNull();
      }
    }
    assertThat(scanTasks()).isZero();
  }

  @Test
  @DisplayName("files of no row groups hold no rows: alone, or between files of rows, on one thread or several")
  void filesOfNoRowGroups() {
    Path empty = write("empty.parquet", 0, 0);
    Path rows = write("rows.parquet", FILE_IDS, 12_000);
    Path last = write("empty-too.parquet", 0, 0);
    assertThat(ParquetRows.metadata(empty).rowGroups()).isEmpty();
    for (int threads : new int[] {1, 2}) {
      ReadOptions options = ReadOptions.defaults().withBatchRows(1_000).withThreads(threads);
      try (ColumnBatchReader r = ParquetRows.readBatches(empty, options)) {
        assertThat(r.schema()).isEqualTo(SCHEMA);
        assertThat(r.next()).isNull();
      }
      List<Row> read = new ArrayList<>();
      try (ColumnBatchReader r = ParquetRows.readBatches(List.of(empty, rows, last), options)) {
        assertThat(r.schema()).isEqualTo(SCHEMA);
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          read.addAll(rowsOf(b));
        }
      }
      assertThat(read).as("%d threads", threads).hasSize(12_000);
      assertThat(read.stream().map(row -> row.getLong("id")).sorted().toList())
          .containsExactlyElementsOf(LongStream.range(FILE_IDS, FILE_IDS + 12_000).boxed().toList());
      read.forEach(row -> assertThat(row).isEqualTo(FileRowReaderTest.row(row.getLong("id"))));
    }
    assertThat(scanTasks()).isZero();
  }

  @Test
  @DisplayName("each worker holds at most twice the batches it hands over at once (4 of narrow batches, 1 of wide ones "
      + "or of nested columns), the caller's counted: a slow caller never has more waiting")
  void memoryBound() {
    Path a = write("a.parquet", 0, 20_000);
    Path b = write("b.parquet", FILE_IDS, 20_000);
    // 500 rows of 4 columns: 2,000 values a batch, 4 batches a hand-over, 8 per worker; 40,000 rows: 1 and 2
    for (int[] batchRowsAndGroup : new int[][] {{500, 4}, {40_000, 1}}) {
      int most = 3 * 2 * batchRowsAndGroup[1];
      try (ParallelScan r = (ParallelScan) ParquetRows.readBatches(List.of(a, b),
          ReadOptions.defaults().withBatchRows(batchRowsAndGroup[0]).withThreads(3))) {
        assertThat(r.group()).isEqualTo(batchRowsAndGroup[1]);
        ColumnBatch first = r.next();
        List<Row> rows = new ArrayList<>(rowsOf(first));
        ServerSupport.await(most + " batches held", Duration.ofSeconds(30), () -> r.mostHeld() >= most);
        for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
          rows.addAll(rowsOf(batch));
        }
        assertThat(rows).hasSize(40_000).allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
        assertThat(r.mostHeld()).isEqualTo(most);
      }
    }
    RowSchema nested = RowSchema.builder().required("id", ColumnType.LONG)
        .nullable("tags", ColumnType.list(ColumnType.STRING, true)).build();
    Path file = tmp.resolve("nested.parquet");
    try (RowWriter w = ParquetRows.writer(file, nested, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      for (long i = 0; i < 30_000; i++) {
        w.write(Row.of(nested, i, List.of("tag-" + i % 7, "x" + i)));
      }
    }
    assertThat(ParquetRows.metadata(file).rowGroups()).hasSizeGreaterThan(2);
    try (ParallelScan r = (ParallelScan) ParquetRows.readBatches(List.of(file),
        ReadOptions.defaults().withBatchRows(500).withThreads(2))) {
      assertThat(r.group()).isEqualTo(1);
      List<Long> ids = new ArrayList<>();
      for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
        if (ids.isEmpty()) {
          ServerSupport.await("two batches held", Duration.ofSeconds(30), () -> r.mostHeld() >= 2);
        }
        for (int i = 0; i < batch.rowCount(); i++) {
          long id = batch.column("id").longs()[i];
          ids.add(id);
          assertThat(batch.column("tags").get(i)).isEqualTo(List.of("tag-" + id % 7, "x" + id));
        }
      }
      assertThat(ids).hasSize(30_000).doesNotHaveDuplicates();
      assertThat(r.mostHeld()).isEqualTo(2);
    }
  }

  // ---------------------------------------------------------------- failures and close

  @Test
  @DisplayName("a file of another schema ends the read with DataFormatException naming it, before any of its rows: "
      + "after the files before it on one thread, with some of theirs on two; nothing of the files after it")
  void schemaMismatch() {
    Path a = write("a.parquet", 0, 10_000);
    RowSchema other = RowSchema.builder().required("id", ColumnType.LONG).nullable("name", ColumnType.STRING).build();
    Path b = tmp.resolve("b.parquet");
    try (RowWriter w = ParquetRows.writer(b, other, WriteOptions.defaults())) {
      w.write(Row.of(other, FILE_IDS, "other"));
    }
    Path c = write("c.parquet", 2 * FILE_IDS, 10_000);
    for (int threads : new int[] {1, 2}) {
      List<Row> read = new ArrayList<>();
      ColumnBatchReader r = ParquetRows.readBatches(List.of(a, b, c),
          ReadOptions.defaults().withBatchRows(1_000).withThreads(threads));
      assertThat(failureAfter(r, read)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining(b + " does not have the schema of " + a)
          .hasMessageContaining("it has 2 columns, 4 expected");
      assertThat(r.next()).isNull();
      r.close();
      assertThat(read).allMatch(row -> row.getLong("id") < FILE_IDS, "rows of the first file only")
          .allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
      if (threads == 1) {
        assertThat(read).hasSize(10_000);
      }
      assertThat(scanTasks()).isZero();
      assertThat(openDescriptors(List.of(a, b, c))).isZero();
    }
    RowSchema required = RowSchema.builder().required("id", ColumnType.LONG).required("name", ColumnType.STRING)
        .required("amount", ColumnType.decimal(20, 2)).required("day", ColumnType.DATE).build();
    Path d = tmp.resolve("d.parquet");
    try (RowWriter w = ParquetRows.writer(d, required, WriteOptions.defaults())) {
      w.write(Row.of(required, 1L, "n", java.math.BigDecimal.ONE.setScale(2), java.time.LocalDate.EPOCH));
    }
    try (ColumnBatchReader r = ParquetRows.readBatches(List.of(a, d), ReadOptions.defaults())) {
      List<Row> read = new ArrayList<>();
      assertThat(failureAfter(r, read)).isInstanceOf(DataFormatException.class).hasMessageContaining(d.toString())
          .hasMessageContaining("column name is required where the first file's may hold nulls");
      assertThat(read).as("the first file's rows, then the error").hasSize(10_000)
          .allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
    }
  }

  @Test
  @DisplayName("a corrupt row group of the second file, met by a worker: DataFormatException naming the file, the rows "
      + "before it right, then no more; every worker ended, every file closed")
  void corruptRowGroup() throws IOException {
    Path a = write("a.parquet", 0, 20_000);
    Path b = write("b.parquet", FILE_IDS, 20_000);
    Path c = write("c.parquet", 2 * FILE_IDS, 20_000);
    List<ParquetMetadata.RowGroup> groups = ParquetRows.metadata(b).rowGroups();
    assertThat(groups).hasSizeGreaterThan(3);
    // the second row group's first page header, right after the first row group's chunks (our writer writes them in
    // turn after the magic bytes)
    corruptSecondRowGroup(b, groups);
    List<Row> alone = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(b, ReadOptions.defaults())) {
      assertThat(failureAfter(r, alone)).isInstanceOf(DataFormatException.class).hasMessageContaining(b.toString());
    }
    assertThat(alone).as("one thread: the first row group").hasSize((int) groups.get(0).rowCount());

    for (int threads : new int[] {2, 3}) {
      List<Row> read = new ArrayList<>();
      ColumnBatchReader r = ParquetRows.readBatches(List.of(a, b, c),
          ReadOptions.defaults().withBatchRows(700).withThreads(threads));
      assertThat(failureAfter(r, read)).isInstanceOf(DataFormatException.class).hasMessageContaining(b.toString())
          .hasMessageContaining("corrupt or truncated Parquet data");
      assertThat(scanTasks()).as("scan workers once the error is thrown").isZero();
      assertThat(openDescriptors(List.of(a, b, c))).as("files open once the error is thrown").isZero();
      assertThat(r.next()).isNull();
      r.close();
      assertThat(read).as("%d threads: rows before the error", threads).hasSizeLessThan(60_000)
          .allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))))
          .noneMatch(row -> row.getLong("id") >= FILE_IDS + groups.get(0).rowCount()
              && row.getLong("id") < FILE_IDS + groups.get(0).rowCount() + groups.get(1).rowCount());
      assertThat(read.stream().map(row -> row.getLong("id")).distinct().count()).isEqualTo(read.size());
    }
  }

  @Test
  @DisplayName("close in the middle of a read on three threads: the workers (running or waiting) end, every file is "
      + "closed, no more batches; the batches read were right")
  void closeMidScan() {
    List<Path> files = List.of(write("a.parquet", 0, 20_000), write("b.parquet", FILE_IDS, 20_000),
        write("c.parquet", 2 * FILE_IDS, 20_000));
    ColumnBatchReader r = ParquetRows.readBatches(files, ReadOptions.defaults().withBatchRows(500).withThreads(3));
    List<Row> read = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      read.addAll(rowsOf(r.next()));
    }
    ServerSupport.await("three workers", Duration.ofSeconds(30), () -> scanTasks() == 3);
    assertThat(openDescriptors(files)).as("files open while the workers read").isPositive();
    r.close();
    assertThat(scanTasks()).as("scan workers after close").isZero();
    assertThat(openDescriptors(files)).as("files open after close").isZero();
    assertThat(r.next()).isNull();
    r.close();
    assertThat(read).hasSize(2_500).allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
  }

  @Test
  @DisplayName("a caller interrupted while it waits: ServiceUnavailableException, its interrupt status kept, the read "
      + "closed and its workers ended")
  void interruptedCaller() {
    List<Path> files = List.of(write("a.parquet", 0, 20_000), write("b.parquet", FILE_IDS, 20_000));
    ColumnBatchReader r = ParquetRows.readBatches(files, ReadOptions.defaults().withBatchRows(500).withThreads(2));
    List<Row> first = rowsOf(r.next());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(r::next).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("interrupted while reading 2 files (the first " + files.get(0) + ")");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(scanTasks()).isZero();
    assertThat(openDescriptors(files)).isZero();
    assertThat(r.next()).isNull();
    assertThat(first).hasSize(500).allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
  }

  @Test
  @DisplayName("scanBatches: a consumer's own exception ends the scan and is thrown unchanged, after every thread "
      + "stopped and every file closed; the rows given before it were right")
  void consumerFailure() {
    List<Path> files = List.of(write("a.parquet", 0, 20_000), write("b.parquet", FILE_IDS, 20_000),
        write("c.parquet", 2 * FILE_IDS, 20_000));
    IllegalStateException own = new IllegalStateException("the host's own failure");
    java.util.concurrent.atomic.AtomicInteger given = new java.util.concurrent.atomic.AtomicInteger();
    List<Row> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> ParquetRows.scanBatches(files, ReadOptions.defaults().withBatchRows(500).withThreads(3),
        () -> batch -> {
          if (given.incrementAndGet() == 7) {
            throw own;
          }
          seen.addAll(rowsOf(batch));
        })).isSameAs(own);
    assertThat(scanTasks()).as("scan workers after the failure").isZero();
    assertThat(openDescriptors(files)).as("files open after the failure").isZero();
    assertThat(seen).hasSizeLessThan(60_000).allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))));
    assertThat(seen.stream().map(row -> row.getLong("id")).distinct().count()).isEqualTo(seen.size());
  }

  @Test
  @DisplayName("scanBatches: a corrupt row group is a DataFormatException naming its file; an interrupted caller a "
      + "ServiceUnavailableException, its interrupt status kept; no files, no consumers")
  void consumerScanFailures() throws IOException {
    Path a = write("a.parquet", 0, 20_000);
    Path b = write("b.parquet", FILE_IDS, 20_000);
    List<ParquetMetadata.RowGroup> groups = ParquetRows.metadata(b).rowGroups();
    corruptSecondRowGroup(b, groups);
    for (int threads : new int[] {1, 2, 3}) {
      List<Row> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      assertThatThrownBy(() -> ParquetRows.scanBatches(List.of(a, b), ReadOptions.defaults().withThreads(threads),
          () -> batch -> seen.addAll(rowsOf(batch)))).isInstanceOf(DataFormatException.class)
          .hasMessageContaining(b.toString());
      assertThat(scanTasks()).isZero();
      assertThat(openDescriptors(List.of(a, b))).isZero();
      assertThat(seen).as("%d threads: rows before the error", threads)
          .allMatch(row -> row.equals(FileRowReaderTest.row(row.getLong("id"))))
          .noneMatch(row -> row.getLong("id") >= FILE_IDS + groups.get(0).rowCount()
              && row.getLong("id") < FILE_IDS + groups.get(0).rowCount() + groups.get(1).rowCount());
    }

    Path c = write("c.parquet", 2 * FILE_IDS, 20_000);
    Thread caller = Thread.currentThread();
    java.util.concurrent.CountDownLatch callerInterrupted = new java.util.concurrent.CountDownLatch(1);
    try {
      assertThatThrownBy(() -> ParquetRows.scanBatches(List.of(a, c), ReadOptions.defaults().withThreads(2),
          () -> batch -> {
            if (Thread.currentThread() == caller) {
              caller.interrupt();
              callerInterrupted.countDown();
              return;
            }
            // the worker holds its first row group until the caller has had one, however the two were scheduled
            try {
              callerInterrupted.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          })).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(scanTasks()).isZero();
    assertThat(openDescriptors(List.of(a, c))).isZero();
    assertThat(ParquetRows.scanBatches(List.of(), ReadOptions.defaults().withThreads(2), () -> batch -> { }))
        .isEmpty();
  }

  @Test
  @DisplayName("scanBatches: a caller interrupted once its share is done, while it waits for a worker's, stops the "
      + "scan: ServiceUnavailableException, its interrupt status kept, the worker stopped after its batch at hand")
  void consumerScanInterruptedWhileWaiting() {
    List<Path> files = List.of(write("a.parquet", 0, 20_000), write("b.parquet", FILE_IDS, 20_000));
    long groups = files.stream().mapToLong(f -> ParquetRows.metadata(f).rowGroups().size()).sum();
    assertThat(groups).as("row groups: one for the worker, the others for the caller").isGreaterThan(2);
    Thread caller = Thread.currentThread();
    java.util.concurrent.CountDownLatch workerStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean callerInConsumer = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger callerBatches = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger workerBatches = new java.util.concurrent.atomic.AtomicInteger();
    try {
      assertThatThrownBy(() -> ParquetRows.scanBatches(files, ReadOptions.defaults().withBatchRows(100).withThreads(2),
          () -> batch -> {
            if (Thread.currentThread() == caller) {
              // the caller's first batch waits for the worker to hold a row group, then its share goes fast
              callerInConsumer.set(true);
              try {
                if (callerBatches.incrementAndGet() == 1 && !workerStarted.await(30, TimeUnit.SECONDS)) {
                  throw new AssertionError("the worker never started");
                }
              } catch (InterruptedException e) {
                throw new AssertionError("interrupted in its own consumer", e);
              } finally {
                callerInConsumer.set(false);
              }
              return;
            }
            // at its first batch the worker waits until the caller, its share done, waits for this one, interrupts
            // it, and waits until the caller has taken the interrupt (its status cleared) and waits again
            if (workerBatches.incrementAndGet() == 1) {
              workerStarted.countDown();
              ServerSupport.await("the caller waiting for the worker's share", Duration.ofSeconds(30),
                  () -> !callerInConsumer.get() && caller.getState() == Thread.State.WAITING);
              caller.interrupt();
              ServerSupport.await("the caller taking the interrupt", Duration.ofSeconds(30),
                  () -> !caller.isInterrupted() && caller.getState() == Thread.State.WAITING);
            }
          })).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt status").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(scanTasks()).isZero();
    assertThat(openDescriptors(files)).isZero();
    assertThat(callerBatches.get()).as("the caller's share").isGreaterThan(50);
    assertThat(workerBatches.get()).as("the worker's batches: it stopped after the one at hand, not at its row "
        + "group's end (thousands of rows in batches of 100)").isLessThan(3);
  }

  // ---------------------------------------------------------------- helpers

  /** Overwrites the second row group's first page header (right after the first row group's chunks) with junk. */
  private static void corruptSecondRowGroup(Path file, List<ParquetMetadata.RowGroup> groups) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(4 + groups.get(0).compressedBytes());
      byte[] junk = new byte[64];
      Arrays.fill(junk, (byte) 0x7f);
      raf.write(junk);
    }
  }

  /** Writes rows {@code from} .. {@code from + rows - 1} of {@link FileRowReaderTest#row} in row groups of 64 KiB. */
  private Path write(String name, long from, int rows) {
    Path file = tmp.resolve(name);
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      for (long i = from; i < from + rows; i++) {
        w.write(FileRowReaderTest.row(i));
      }
    }
    return file;
  }

  /**
   * Reads every batch's rows into {@code read} until the read fails.
   *
   * @return the failure (the test fails if the read ends without one)
   */
  private static Throwable failureAfter(ColumnBatchReader r, List<Row> read) {
    Throwable failure = catchThrowable(() -> {
      for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
        read.addAll(rowsOf(batch));
      }
    });
    assertThat(failure).as("the read's failure").isNotNull();
    return failure;
  }

  /** A batch's rows, each made from the vectors' values one by one. */
  private static List<Row> rowsOf(ColumnBatch b) {
    List<Row> rows = new ArrayList<>(b.rowCount());
    for (int i = 0; i < b.rowCount(); i++) {
      Object[] values = new Object[b.schema().size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = b.column(c).get(i);
      }
      rows.add(Row.of(b.schema(), values));
    }
    return rows;
  }

  /**
   * Checks batches of one file of {@link #write} read on several threads: every row once, right, and each row group's
   * rows in file order (a batch within one row group).
   */
  private static void assertRowGroupsInOrder(Path file, long from, List<List<Row>> batches) {
    List<ParquetMetadata.RowGroup> groups = ParquetRows.metadata(file).rowGroups();
    long[] starts = new long[groups.size()];
    for (int g = 1; g < starts.length; g++) {
      starts[g] = starts[g - 1] + groups.get(g - 1).rowCount();
    }
    Map<Integer, List<Long>> perGroup = new HashMap<>();
    for (List<Row> batch : batches) {
      int group = -1;
      for (Row row : batch) {
        assertThat(row).isEqualTo(FileRowReaderTest.row(row.getLong("id")));
        int g = Arrays.binarySearch(starts, row.getLong("id") - from);
        g = g >= 0 ? g : -g - 2;
        assertThat(group).as("a batch's row group").isIn(-1, g);
        group = g;
        perGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(row.getLong("id"));
      }
    }
    assertThat(perGroup.keySet()).hasSize(groups.size());
    perGroup.forEach((g, ids) -> assertThat(ids).as("row group %d", g).containsExactlyElementsOf(
        LongStream.range(from + starts[g], from + starts[g] + groups.get(g).rowCount()).boxed().toList()));
  }

  /** Threads running or parked inside a parallel read's work (a worker's task, in the scan pool). */
  private static long scanTasks() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("delpha-parquet-"))
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(ParallelScan.class.getName())))
        .count();
  }

  /** This process's open descriptors of the files ({@code /proc/self/fd}; the test is skipped elsewhere). */
  private static long openDescriptors(Collection<Path> files) {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "no /proc/self/fd to count open files by");
    Set<Path> wanted = new java.util.HashSet<>();
    files.forEach(f -> wanted.add(f.toAbsolutePath().normalize()));
    try (Stream<Path> list = Files.list(fds)) {
      return list.filter(fd -> {
        try {
          return wanted.contains(Files.readSymbolicLink(fd));
        } catch (IOException | RuntimeException e) {
          return false; // the listing's own descriptor, closed by now
        }
      }).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
