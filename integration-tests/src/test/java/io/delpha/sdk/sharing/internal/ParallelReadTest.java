package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read pipeline of a shared table ({@link ParallelBatchReader}, {@link ParallelRowReader}): downloaders fetching
 * files ahead from a loopback storage server while decoders decode others, several files at once. Every row of every
 * file arrives exactly once and each file's rows in file order, through batches and rows alike, from memory and from
 * spool files; a file whose download is held does not hold up the others; a file that fails in the middle of its
 * decode ends the read with a typed exception and leaves no worker thread and no spool file behind.
 */
class ParallelReadTest {

  private static final RowSchema FILE = RowSchema.builder()
      .required("seq", ColumnType.LONG)
      .required("org", ColumnType.STRING)
      .nullable("cost", ColumnType.decimal(12, 2))
      .build();
  /** The table: the file's columns and the partition column {@code part}, a constant per file. */
  private static final RowSchema TABLE = RowSchema.builder()
      .required("seq", ColumnType.LONG)
      .required("org", ColumnType.STRING)
      .nullable("cost", ColumnType.decimal(12, 2))
      .nullable("part", ColumnType.STRING)
      .build();

  @TempDir
  Path dir;

  private HttpServer server;
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  /** A file's response waits on its latch (a minute at most, a safety net) before it is sent. */
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  /** The files whose response was sent, once their latch (if any) let them go. */
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final FileDownloader downloader = new FileDownloader(new HttpCaller(HttpClient.newHttpClient(), "storage",
      Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5))
          .maxDelay(Duration.ofMillis(10)).build())),
      Duration.ofSeconds(1), Clock.systemUTC(), ResponseLimits.defaults());

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/files/", ex -> {
      String name = ex.getRequestURI().getPath().substring("/files/".length());
      CountDownLatch hold = holds.get(name);
      if (hold != null) {
        try {
          hold.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = bodies.get(name);
      answered.add(name);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    Files.createDirectories(dir.resolve("spool"));
  }

  @AfterEach
  void stop() {
    holds.values().forEach(CountDownLatch::countDown);
    server.stop(0);
  }

  /** Writes a file of {@code rows} rows (seq 0 up), row groups of 64 KiB (several per file), and serves it. */
  private FileAction serve(String name, int rows) {
    Path file = dir.resolve(name + ".parquet");
    try (RowWriter w = ParquetRows.writer(file, FILE, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      for (int i = 0; i < rows; i++) {
        w.write(Row.of(FILE, (long) i, "org-" + (i % 37), i % 11 == 0 ? null : BigDecimal.valueOf(i, 2)));
      }
    }
    try {
      return serve(name, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private FileAction serve(String name, byte[] body) {
    bodies.put(name, body);
    return new FileAction("file", "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name, name,
        Map.of("part", name), body.length, null, null, null);
  }

  /** The read's opener, in a space that holds files up to {@code maxFileBytes} in memory and spools larger ones. */
  private FileOpener opener(List<FileAction> files, int maxFileBytes) {
    UrlRefresher refresher = new UrlRefresher(() -> files, "t");
    DownloadSpace space = new DownloadSpace(maxFileBytes, 4, dir.resolve("spool"));
    return (f, answered) -> downloader.open(f, refresher, "t", space, ReadOptions.defaults(), answered);
  }

  private static Map<FileAction, Map<String, Object>> partitions(List<FileAction> files) {
    Map<FileAction, Map<String, Object>> constants = new HashMap<>();
    files.forEach(f -> constants.put(f, Map.of("part", f.id())));
    return constants;
  }

  /** Per file (by its partition value), the seq values of its rows in the order they arrived. */
  private static void collect(Map<String, List<Long>> seen, Row row) {
    seen.computeIfAbsent(row.getString("part"), k -> new ArrayList<>()).add(row.getLong("seq"));
    long seq = row.getLong("seq");
    assertThat(row.getString("org")).isEqualTo("org-" + (seq % 37));
    assertThat(row.getDecimal("cost")).isEqualTo(seq % 11 == 0 ? null : BigDecimal.valueOf(seq, 2));
  }

  private static List<Long> upTo(int n) {
    List<Long> seqs = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      seqs.add(i);
    }
    return seqs;
  }

  private Map<String, Integer> tenFiles(List<FileAction> files) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (int f = 0; f < 10; f++) {
      int rows = 3_000 + f * 1_700; // one to five batches of 4,096
      sizes.put("f" + f, rows);
      files.add(serve("f" + f, rows));
    }
    return sizes;
  }

  private long spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
      return files.count();
    }
  }

  /** Waits (safety net: a minute) until no worker of a read is alive and no spool file is left; says whether so. */
  private boolean nothingLeft() throws Exception {
    for (int i = 0; i < 600; i++) {
      boolean threads = Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.isAlive() && t.getName().startsWith("delta-sharing-download-"));
      if (!threads && spoolFiles() == 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  @DisplayName("ten files through four slots and several decoders: every row exactly once, each file's rows in file "
      + "order, through rows and batches, from memory and from spool files")
  void everyRowOnceInFileOrder() throws Exception {
    List<FileAction> files = new ArrayList<>();
    Map<String, Integer> sizes = tenFiles(files);
    for (int maxFileBytes : new int[] {DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1024}) { // in memory, then spooled
      Map<String, List<Long>> rows = new HashMap<>();
      try (ParallelRowReader reader = new ParallelRowReader(TABLE, files, partitions(files),
          opener(files, maxFileBytes), 4, null, null, "t")) {
        reader.forEachRemaining(r -> collect(rows, r));
      }
      Map<String, List<Long>> batches = new HashMap<>();
      try (ParallelBatchReader reader = new ParallelBatchReader(TABLE, files, partitions(files),
          opener(files, maxFileBytes), 4, null, null, false, "t")) {
        for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
          long[] seq = b.column("seq").longs();
          for (int i = 0; i < b.rowCount(); i++) {
            assertThat(b.row(i).getLong("seq")).isEqualTo(seq[i]);
            collect(batches, b.row(i));
          }
        }
      }
      for (Map<String, List<Long>> seen : List.of(rows, batches)) {
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(sizes.keySet());
        sizes.forEach((file, n) -> assertThat(seen.get(file)).as(file).isEqualTo(upTo(n)));
      }
      assertThat(nothingLeft()).isTrue();
    }
  }

  @Test
  @DisplayName("under a filter, the decoders keep exactly the matching rows of every file, in file order")
  void filteredInTheDecoders() throws Exception {
    List<FileAction> files = new ArrayList<>();
    Map<String, Integer> sizes = tenFiles(files);
    Filter odd = Filter.or(Filter.lt("seq", 100L), Filter.ge("seq", 4_000L));
    Map<String, List<Long>> rows = new HashMap<>();
    try (ParallelRowReader reader = new ParallelRowReader(TABLE, files, partitions(files),
        opener(files, DownloadSpace.DEFAULT_MAX_FILE_BYTES), 4, odd, null, "t")) {
      reader.forEachRemaining(r -> collect(rows, r));
    }
    Map<String, List<Long>> batches = new HashMap<>();
    try (ParallelBatchReader reader = new ParallelBatchReader(TABLE, files, partitions(files),
        opener(files, DownloadSpace.DEFAULT_MAX_FILE_BYTES), 4, odd, null, false, "t")) {
      for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
        for (Row r : b.rows()) {
          collect(batches, r);
        }
      }
    }
    for (Map<String, List<Long>> seen : List.of(rows, batches)) {
      sizes.forEach((file, n) -> assertThat(seen.get(file)).as(file)
          .isEqualTo(upTo(n).stream().filter(s -> s < 100 || s >= 4_000).toList()));
    }
  }

  @ParameterizedTest(name = "{0} held")
  @ValueSource(strings = {"f0", "f6"})
  @DisplayName("while one file's download is held, the other files are downloaded, decoded and read to the last row, "
      + "the held connection's previous file too (f6: its downloader's last file is parked until f6 is answered, or "
      + "for at most PARK_MILLIS)")
  void heldDownloadHoldsNoOtherFile(String heldFile) throws Exception {
    List<FileAction> files = new ArrayList<>();
    Map<String, Integer> sizes = tenFiles(files);
    CountDownLatch held = new CountDownLatch(1);
    holds.put(heldFile, held);
    Map<String, List<Long>> rows = new HashMap<>();
    long othersRows = sizes.values().stream().mapToLong(Integer::longValue).sum() - sizes.get(heldFile);
    try (ParallelRowReader reader = new ParallelRowReader(TABLE, files, partitions(files),
        opener(files, DownloadSpace.DEFAULT_MAX_FILE_BYTES), 4, null, null, "t")) {
      long read = 0;
      while (read < othersRows) {
        collect(rows, reader.next());
        read++;
      }
      assertThat(rows).doesNotContainKey(heldFile);
      assertThat(answered).as("the held file was not answered before every other row was read")
          .doesNotContain(heldFile);
      held.countDown();
      reader.forEachRemaining(r -> collect(rows, r));
    }
    sizes.forEach((file, n) -> assertThat(rows.get(file)).as(file).isEqualTo(upTo(n)));
  }

  /** The file with its last row group's first column chunk's first page header overwritten. */
  private static byte[] corruptLastRowGroup(byte[] file) throws IOException {
    int footerLength = ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - footerLength,
        footerLength));
    List<RowGroup> groups = footer.getRow_groups();
    assertThat(groups).as("a file of several row groups").hasSizeGreaterThan(2);
    ColumnMetaData chunk = groups.get(groups.size() - 1).getColumns().get(0).getMeta_data();
    long page = chunk.isSetDictionary_page_offset()
        ? Math.min(chunk.getDictionary_page_offset(), chunk.getData_page_offset()) : chunk.getData_page_offset();
    byte[] corrupt = file.clone();
    Arrays.fill(corrupt, (int) page, (int) page + 24, (byte) 0xEE);
    return corrupt;
  }

  @Test
  @DisplayName("a file failing in the middle of its decode, among files decoded at once, ends the read with a "
      + "DataFormatException naming it, after only whole, ordered prefixes; no worker thread and no spool file is "
      + "left")
  void failureMidDecodeIsTypedAndLeavesNothing() throws Exception {
    List<FileAction> files = new ArrayList<>();
    for (int f = 0; f < 8; f++) {
      files.add(serve("f" + f, 20_000));
    }
    byte[] good = bodies.get("f5");
    files.set(5, serve("f5", corruptLastRowGroup(good)));
    for (boolean asRows : new boolean[] {true, false}) {
      Map<String, List<Long>> seen = new HashMap<>();
      assertThatThrownBy(() -> {
        if (asRows) {
          try (ParallelRowReader reader = new ParallelRowReader(TABLE, files, partitions(files), opener(files, 1024),
              4, null, null, "t")) {
            reader.forEachRemaining(r -> collect(seen, r));
          }
        } else {
          try (ParallelBatchReader reader = new ParallelBatchReader(TABLE, files, partitions(files),
              opener(files, 1024), 4, null, null, false, "t")) {
            for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
              for (Row r : b.rows()) {
                collect(seen, r);
              }
            }
          }
        }
      }).isInstanceOf(DataFormatException.class).hasMessageContaining("t file f5");
      // the failing file's row groups before the corrupt one arrived (handed over before its failure), and whatever
      // arrived is each file's first rows, in order, with nothing lost between them
      assertThat(seen.get("f5")).as("f5 failed mid-way").isNotEmpty().hasSizeLessThan(20_000);
      seen.forEach((file, seqs) -> assertThat(seqs).as(file).isEqualTo(upTo(seqs.size())));
      assertThat(nothingLeft()).as("no worker thread, no spool file").isTrue();
    }
  }

  @Test
  @DisplayName("a downloaded file whose footer is not Parquet fails the read, typed and naming it, from memory and "
      + "spooled; what arrived of the others is whole prefixes; its array or spool file and every worker are gone")
  void brokenFooterFailsTheRead() throws Exception {
    for (int inMemory : new int[] {1 << 20, 1024}) {
      List<FileAction> files = new ArrayList<>();
      for (int f = 0; f < 6; f++) {
        files.add(serve("f" + f, 5_000));
      }
      byte[] broken = bodies.get("f3").clone();
      broken[broken.length - 5] = (byte) 0x7F; // the footer's length: more than the file holds
      files.set(3, serve("f3", broken));
      Map<String, List<Long>> seen = new HashMap<>();
      assertThatThrownBy(() -> {
        try (ParallelBatchReader reader = new ParallelBatchReader(TABLE, files, partitions(files),
            opener(files, inMemory), 4, null, null, false, "t")) {
          for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
            for (Row r : b.rows()) {
              collect(seen, r);
            }
          }
        }
      }).isInstanceOf(DataFormatException.class).hasMessageContaining("t file f3 is not a readable Parquet file");
      assertThat(seen).doesNotContainKey("f3");
      seen.forEach((file, seqs) -> assertThat(seqs).as(file).isEqualTo(upTo(seqs.size())));
      assertThat(nothingLeft()).as("no worker thread, no spool file").isTrue();
    }
  }

  @Test
  @DisplayName("closing a read mid-way, with files downloaded and waiting, stops every worker and deletes every "
      + "spool file")
  void closeMidWayLeavesNothing() throws Exception {
    List<FileAction> files = new ArrayList<>();
    tenFiles(files);
    Map<String, List<Long>> seen = new HashMap<>();
    try (ParallelRowReader reader = new ParallelRowReader(TABLE, files, partitions(files), opener(files, 1024), 4,
        null, null, "t")) {
      for (int i = 0; i < 5_000; i++) {
        collect(seen, reader.next());
      }
    }
    seen.forEach((file, seqs) -> assertThat(seqs).as(file).isEqualTo(upTo(seqs.size())));
    assertThat(nothingLeft()).as("no worker thread, no spool file").isTrue();
  }
}
