package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file handed to its reader while it downloads ({@link FileDownloader#open(FileAction, UrlRefresher, String,
 * DownloadSpace, ReadOptions, Runnable, java.util.function.Consumer)}), against storage that answers ranged requests
 * as S3 documents them (206, {@code Content-Range: bytes first-last/size}) and storage that does not: the rows are
 * the file's (read whole from disk, the oracle), handed out before the body's last byte where the footer came ahead;
 * a range ignored or answered wrong leaves a plain download; a footer that is not the body's end, a body that breaks
 * for good, each end typed at the reader; a body that breaks once is taken up where it broke; the array goes back.
 */
@DisplayName("A share's file read while it downloads: the same rows, earlier, or a plain download; failures typed")
class ArrivingDownloadTest {

  private static final RowSchema WIDE = FileDownloaderTest.WIDE;

  @TempDir
  static Path dir;
  private static byte[] file;
  private static List<Row> rows;

  private HttpServer server;
  /** How storage answers, per request: see {@link #answer}. */
  private volatile String mode = "ranges";
  /** In mode {@code otherFooter}, which byte of the footer's answer, from its end, is changed. */
  private volatile int flipped;
  private final List<String> ranges = new CopyOnWriteArrayList<>();
  private final AtomicLong bodyEnded = new AtomicLong();
  /** Requests with a Range header, answered as such or not. */
  private final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, Integer> cuts = new ConcurrentHashMap<>();
  private final FileDownloader downloader = FileDownloaderTest.downloader();

  @BeforeAll
  static void write() throws IOException {
    Path p = dir.resolve("wide.parquet");
    try (RowWriter w = ParquetRows.writer(p, WIDE, WriteOptions.defaults())) {
      for (int i = 0; i < 60_000; i++) {
        long id = 7_000_000L + i * 7919L % 1_000_003L;
        w.write(Row.of(WIDE, id, "org-" + (i % 41), i % 7 == 0 ? null : BigDecimal.valueOf(id % 99_999, 2),
            Instant.ofEpochSecond(1_700_000_000L + id)));
      }
    }
    file = Files.readAllBytes(p);
    rows = new ArrayList<>();
    try (RowReader reader = ParquetRows.read(p)) {
      reader.forEachRemaining(rows::add);
    }
    assertThat(file.length).as("large enough to be read as it arrives").isGreaterThan(4 * FileDownloader.TAIL_BYTES);
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.createContext("/files/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /**
   * Modes: {@code ranges} answers a range with 206; {@code ignore} answers every request whole (200); {@code
   * wrongRange} answers a range with 206 and another range's Content-Range; {@code otherFooter} answers the footer's
   * range with bytes that are not the file's; {@code cutOnce} cuts the first whole body after 60% of it; {@code
   * cutAlways} cuts every body but the footer's after 60% of what it was asked for. Bodies go in 16 KiB steps, 1 ms apart.
   */
  private void answer(HttpExchange ex) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null) {
      asked.incrementAndGet();
    }
    int from = 0;
    int to = file.length;
    boolean ranged = range != null && !mode.equals("ignore");
    if (ranged) {
      ranges.add(range);
      String[] ends = range.substring("bytes=".length()).split("-");
      from = Integer.parseInt(ends[0]);
      to = Integer.parseInt(ends[1]) + 1;
      String said = mode.equals("wrongRange") ? "bytes " + (from - 1) + "-" + (to - 2) + "/" + file.length
          : "bytes " + from + "-" + (to - 1) + "/" + file.length;
      ex.getResponseHeaders().set("Content-Range", said);
    }
    byte[] body = java.util.Arrays.copyOfRange(file, from, to);
    if (ranged && mode.equals("otherFooter") && to == file.length && from > 0) {
      body[body.length - 1 - flipped] ^= 0x55; // inside the footer: the same length, another content
    }
    ex.sendResponseHeaders(ranged ? 206 : 200, body.length);
    boolean footer = ranged && to == file.length && from == file.length - FileDownloader.TAIL_BYTES;
    boolean cut = mode.equals("cutAlways") && !footer
        || mode.equals("cutOnce") && !ranged && cuts.merge("whole", 1, Integer::sum) == 1;
    int send = cut && body.length > 1024 ? body.length * 6 / 10 : body.length;
    OutputStream out = ex.getResponseBody();
    for (int off = 0; off < send; off += 16 * 1024) {
      out.write(body, off, Math.min(16 * 1024, send - off));
      out.flush();
      if (!ranged || body.length > FileDownloader.TAIL_BYTES) {
        LockSupport.parkNanos(1_000_000);
      }
    }
    if (send < body.length) {
      ex.close(); // fewer bytes than declared: the connection drops
      return;
    }
    out.close();
    if (!ranged && from == 0) {
      bodyEnded.set(System.nanoTime());
    }
  }

  private FileAction action() {
    return new FileAction("file", "http://127.0.0.1:" + server.getAddress().getPort() + "/files/wide", "wide",
        Map.of(), file.length, null, null, null);
  }

  /** The file's rows, read through whichever reader the download gives; {@code early} set when handed early. */
  private List<Row> read(DownloadSpace space, AtomicLong early) {
    return read(space, early, new FootersAhead());
  }

  private List<Row> read(DownloadSpace space, AtomicLong early, FootersAhead ahead) {
    FileAction action = action();
    UrlRefresher refresher = new UrlRefresher(() -> List.of(action), "t");
    AtomicReference<ColumnBatchReader> handed = new AtomicReference<>();
    ColumnBatchReader whole = downloader.open(action, refresher, "t", space, ReadOptions.defaults(), () -> { },
        r -> {
          early.set(System.nanoTime());
          handed.set(r);
        }, ahead);
    ColumnBatchReader reader = whole != null ? whole : handed.get();
    assertThat(reader).isNotNull();
    assertThat(whole == null).as("a reader either handed early or returned, never both").isEqualTo(handed.get() != null);
    List<Row> read = new ArrayList<>();
    try (ColumnBatchReader r = reader) {
      for (ColumnBatch batch = r.next(); batch != null; batch = r.next()) {
        read.addAll(List.of(batch.rows()));
      }
    }
    return read;
  }

  @Test
  @DisplayName("storage that answers ranges: the reader is handed out before the body's last byte, the rows exact")
  void handedBeforeTheBodyEnds() {
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);
    for (int round = 0; round < 3; round++) {
      AtomicLong early = new AtomicLong();
      assertThat(read(space, early)).isEqualTo(rows);
      assertThat(early.get()).as("handed out").isNotZero();
      assertThat(early.get()).as("before the body's last byte").isLessThan(bodyEnded.get());
    }
    assertThat(ranges).as("one footer asked for ahead, per file").hasSize(3)
        .allMatch(r -> r.equals("bytes=" + (file.length - FileDownloader.TAIL_BYTES) + "-" + (file.length - 1)));
    assertThat(space.allocations()).as("the array went back after each file, reader closed and body done").isEqualTo(1);
  }

  @Test
  @DisplayName("the row view: its last round of files read as they arrive, the others whole, every row exact")
  void rowViewReadsItsLastRoundAsItArrives() {
    int count = 6;
    int parallelism = 2;
    List<FileAction> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(new FileAction("file" + i, "http://127.0.0.1:" + server.getAddress().getPort() + "/files/wide" + i,
          "wide" + i, Map.of(), file.length, null, null, null));
    }
    UrlRefresher refresher = new UrlRefresher(() -> files, "t");
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES,
        ParallelBatchReader.filesHeld(parallelism), null);
    FootersAhead ahead = new FootersAhead();
    java.util.concurrent.atomic.AtomicInteger early = new java.util.concurrent.atomic.AtomicInteger();
    FileOpener opener = new FileOpener() {
      @Override
      public ColumnBatchReader open(FileAction f, Runnable answered) {
        return downloader.open(f, refresher, "t", space, ReadOptions.defaults(), answered);
      }

      @Override
      public ColumnBatchReader open(FileAction f, Runnable answered,
          java.util.function.Consumer<ColumnBatchReader> handed) {
        return downloader.open(f, refresher, "t", space, ReadOptions.defaults(), answered, r -> {
          early.incrementAndGet();
          handed.accept(r);
        }, ahead);
      }
    };
    Map<Row, Integer> read = new java.util.HashMap<>();
    long count0;
    try (ParallelRowReader reader = new ParallelRowReader(WIDE, files, Map.of(), opener, parallelism, null, null,
        "t")) {
      count0 = 0;
      while (reader.hasNext()) {
        read.merge(reader.next(), 1, Integer::sum);
        count0++;
      }
    }
    Map<Row, Integer> expected = new java.util.HashMap<>();
    for (Row r : rows) {
      expected.merge(r, count, Integer::sum);
    }
    assertThat(count0).isEqualTo((long) count * rows.size());
    assertThat(read).as("every file's every row, once").isEqualTo(expected);
    assertThat(ranges).as("a footer asked for ahead for each file of the last round (fewer files left than connections)")
        .hasSize(parallelism);
    assertThat(early.get()).as("those files handed out while they arrived").isEqualTo(parallelism);
    assertThat(space.allocations()).as("no more arrays than the files held at once")
        .isLessThanOrEqualTo(ParallelBatchReader.filesHeld(parallelism));
  }

  @Test
  @DisplayName("storage that ignores the range, or answers another: a plain download, the rows exact")
  void rangeIgnoredOrWrong() {
    for (String m : List.of("ignore", "wrongRange")) {
      mode = m;
      DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);
      AtomicLong early = new AtomicLong();
      assertThat(read(space, early)).as(m).isEqualTo(rows);
      assertThat(early.get()).as(m + ": nothing handed early").isZero();
      assertThat(space.allocations()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a read whose footers go unused (storage ignores ranges) stops asking for them after 4 in a row")
  void unusedFootersNoLongerAsked() {
    mode = "ignore";
    FootersAhead ahead = new FootersAhead();
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);
    for (int file = 0; file < FootersAhead.MISSES + 3; file++) {
      assertThat(read(space, new AtomicLong(), ahead)).isEqualTo(rows);
    }
    assertThat(asked.get()).as("footers asked for").isEqualTo(FootersAhead.MISSES);
    mode = "ranges";
    FootersAhead fresh = new FootersAhead();
    AtomicLong early = new AtomicLong();
    assertThat(read(space, early, fresh)).isEqualTo(rows);
    assertThat(early.get()).as("another read asks again").isNotZero();
  }

  @Test
  @DisplayName("a footer that is not the body's end, whichever of its bytes differs: a DataFormatException (at the "
      + "open, the decode or the file's end), never rows")
  void footerNotTheBodysEnd() {
    int footer = 8 + java.nio.ByteBuffer.wrap(file, file.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);
    mode = "otherFooter";
    int atTheEnd = 0;
    for (int at = 8; at < footer; at += Math.max(1, footer / 12)) {
      flipped = at; // the magic and the length apart: those make the range not taken ahead at all
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> read(space, new AtomicLong()));
      assertThat(thrown).as("footer byte " + at + " from the end").isInstanceOf(DataFormatException.class)
          .hasMessageContaining("wide");
      atTheEnd += thrown.getMessage().contains("differs from the footer") ? 1 : 0;
    }
    assertThat(atTheEnd).as("a footer that still reads, its rows decoded, is caught at the file's end").isPositive();
    mode = "ranges";
    assertThat(read(space, new AtomicLong())).isEqualTo(rows);
    assertThat(space.allocations()).as("the failed file gave its array back").isEqualTo(1);
  }

  @Test
  @DisplayName("a body that breaks once after the reader was handed out is taken up where it broke: rows exact")
  void brokenBodyResumed() {
    mode = "cutOnce";
    AtomicLong early = new AtomicLong();
    assertThat(read(new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null), early)).isEqualTo(rows);
    assertThat(early.get()).isNotZero();
    assertThat(ranges).as("the footer, then the rest from where the body broke").hasSize(2);
    assertThat(ranges.get(1)).startsWith("bytes=").endsWith("-" + (file.length - 1)).isNotEqualTo(ranges.get(0));
  }

  @Test
  @DisplayName("a body that keeps breaking: ServiceUnavailableException at the reader after the resumes, array back")
  void brokenForGood() {
    mode = "cutAlways";
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);
    AtomicLong early = new AtomicLong();
    assertThatThrownBy(() -> read(space, early)).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("wide").hasMessageContaining("after " + (FileDownloader.MAX_RESUMES + 1) + " attempts");
    assertThat(early.get()).as("handed out before the body broke").isNotZero();
    assertThat(ranges).as("the footer, then the rest, " + FileDownloader.MAX_RESUMES + " times")
        .hasSize(1 + FileDownloader.MAX_RESUMES);
    mode = "ranges";
    assertThat(read(space, new AtomicLong())).isEqualTo(rows);
    assertThat(space.allocations()).as("the failed download gave its array back").isEqualTo(1);
  }
}
