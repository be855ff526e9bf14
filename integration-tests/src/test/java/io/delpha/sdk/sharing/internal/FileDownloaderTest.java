package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
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
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDownloaderTest {

  static final RowSchema WIDE = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .required("org", ColumnType.STRING)
      .nullable("cost", ColumnType.decimal(12, 2))
      .nullable("seen_at", ColumnType.TIMESTAMP)
      .build();
  private static final RowSchema NARROW = RowSchema.builder()
      .nullable("day", ColumnType.DATE)
      .required("note", ColumnType.STRING)
      .build();

  @TempDir
  Path dir;

  private HttpServer server;
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, Integer> hits = new ConcurrentHashMap<>();
  private final FileDownloader downloader = downloader();

  /** @return a downloader of storage on loopback: 2 attempts, 5-10 ms apart, the default limits */
  static FileDownloader downloader() {
    return new FileDownloader(new HttpCaller(HttpClient.newHttpClient(), "storage",
        Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(10)).build())),
        Duration.ofSeconds(1), Clock.systemUTC(), io.delpha.sdk.core.ResponseLimits.defaults());
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/files/", ex -> {
      String name = ex.getRequestURI().getPath().substring("/files/".length());
      hits.merge(name, 1, Integer::sum);
      byte[] body = bodies.get(name);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    // declares the whole file, sends half of it, and drops the connection
    server.createContext("/cut/", ex -> {
      String name = ex.getRequestURI().getPath().substring("/cut/".length());
      hits.merge(name, 1, Integer::sum);
      byte[] body = bodies.get(name);
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      out.write(body, 0, body.length / 2);
      out.flush();
      ex.close(); // fewer bytes than declared: the server drops the connection
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Path write(String name, RowSchema schema, List<Row> rows) {
    Path file = dir.resolve("source").resolve(name);
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      rows.forEach(w::write);
    }
    return file;
  }

  private static List<Row> wideRows(int n, int seed) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = (long) seed * 1_000_000 + i;
      rows.add(Row.of(WIDE, id, "org-" + (i % 41), i % 7 == 0 ? null : BigDecimal.valueOf(id % 99_999, 2),
          Instant.ofEpochSecond(1_700_000_000L + id)));
    }
    return rows;
  }

  private static List<Row> narrowRows(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Row.of(NARROW, i % 5 == 0 ? null : LocalDate.of(2024, 1, 1).plusDays(i), "note " + i));
    }
    return rows;
  }

  /** Serves {@code body} as file {@code name}, declared with {@code declaredSize} bytes in the query's answer. */
  private FileAction serve(String name, byte[] body, long declaredSize) {
    bodies.put(name, body);
    return new FileAction("file", "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name, name,
        Map.of(), declaredSize, null, null, null);
  }

  private FileAction serve(String name, Path file) throws IOException {
    byte[] body = Files.readAllBytes(file);
    return serve(name, body, body.length);
  }

  private List<Row> read(FileAction file, DownloadSpace space) {
    UrlRefresher refresher = new UrlRefresher(() -> List.of(file), "t");
    List<Row> rows = new ArrayList<>();
    try (ColumnBatchReader reader = downloader.open(file, refresher, "t", space)) {
      for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
        for (int i = 0; i < batch.rowCount(); i++) {
          rows.add(batch.row(i));
        }
      }
    }
    return rows;
  }

  private static List<Row> rowsOf(Path file) {
    List<Row> rows = new ArrayList<>();
    try (RowReader reader = ParquetRows.read(file)) {
      reader.forEachRemaining(rows::add);
    }
    return rows;
  }

  private long spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
      return files.count();
    }
  }

  @Test
  @DisplayName("one array reused for files of other schemas and sizes gives each file's exact values")
  void arrayReusedAcrossFiles() throws IOException {
    Path big = write("big.parquet", WIDE, wideRows(30_000, 1));
    Path small = write("small.parquet", NARROW, narrowRows(700));
    Path other = write("other.parquet", WIDE, wideRows(12_000, 2));
    DownloadSpace space = new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, null);

    for (int round = 0; round < 2; round++) {
      assertThat(read(serve("big", big), space)).isEqualTo(rowsOf(big));
      assertThat(read(serve("small", small), space)).isEqualTo(rowsOf(small));
      assertThat(read(serve("other", other), space)).isEqualTo(rowsOf(other));
    }
    assertThat(space.allocations()).as("the first file's array served every later, smaller one").isEqualTo(1);
  }

  @Test
  @DisplayName("an array given back twice is refused: two downloads would otherwise fill one array")
  void arrayGivenBackTwiceRefused() {
    DownloadSpace space = new DownloadSpace(1024, 2, null);
    byte[] a = space.take(100);
    space.give(a);
    assertThatThrownBy(() -> space.give(a)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("given back twice");
    assertThat(space.take(100)).as("kept once, taken once").isSameAs(a);
    assertThat(space.take(100)).isNotSameAs(a);
    space.give(a); // taken again since: welcome back
    assertThat(space.allocations()).isEqualTo(2);
  }

  @Test
  @DisplayName("a file larger than the in-memory limit is spooled to disk, read the same, and its spool file deleted")
  void largeFileSpooled() throws IOException {
    Path big = write("big.parquet", WIDE, wideRows(5_000, 3));
    Files.createDirectories(dir.resolve("spool"));
    DownloadSpace space = new DownloadSpace(1024, 1, dir.resolve("spool"));
    FileAction file = serve("big", big);
    UrlRefresher refresher = new UrlRefresher(() -> List.of(file), "t");
    try (ColumnBatchReader reader = downloader.open(file, refresher, "t", space)) {
      assertThat(spoolFiles()).isEqualTo(1);
      assertThat(reader.next()).isNotNull();
    }
    assertThat(spoolFiles()).isZero();
    assertThat(read(file, space)).isEqualTo(rowsOf(big));
    assertThat(spoolFiles()).isZero();
    assertThat(space.allocations()).isZero();
  }

  @Test
  @DisplayName("a corrupt file fails mid-stream as DataFormatException naming it; its array or spool file is given back")
  void corruptFileMidStream() throws IOException {
    Path good = write("good.parquet", WIDE, wideRows(20_000, 4));
    byte[] bytes = Files.readAllBytes(good);
    byte[] corrupt = bytes.clone();
    for (int i = 4; i < 64; i++) {
      corrupt[i] = (byte) 0xEE; // the first page, after the leading magic: the footer still reads
    }
    Files.createDirectories(dir.resolve("spool"));
    for (DownloadSpace space : List.of(new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, dir.resolve("spool")),
        new DownloadSpace(1024, 1, dir.resolve("spool")))) {
      FileAction file = serve("bad", corrupt, corrupt.length);
      assertThatThrownBy(() -> read(file, space)).isInstanceOf(DataFormatException.class).hasMessageContaining("bad");
      FileAction notParquet = serve("zeros", new byte[bytes.length], bytes.length);
      assertThatThrownBy(() -> read(notParquet, space)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("zeros").hasMessageContaining("not a Parquet file");
      assertThat(spoolFiles()).isZero();
      assertThat(read(serve("good", good), space)).isEqualTo(rowsOf(good));
      assertThat(space.allocations()).as("the failed files gave their array back").isLessThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName("a connection dropped mid-body is retried, then ServiceUnavailableException; a body that ends whole "
      + "but shorter than the declared size is a DataFormatException and a longer one a ResponseLimitException, "
      + "neither retried; nothing kept")
  void truncatedBody() throws IOException {
    byte[] bytes = Files.readAllBytes(write("good.parquet", WIDE, wideRows(2_000, 5)));
    Files.createDirectories(dir.resolve("spool"));
    int round = 0;
    for (DownloadSpace space : List.of(new DownloadSpace(DownloadSpace.DEFAULT_MAX_FILE_BYTES, 1, dir.resolve("spool")),
        new DownloadSpace(1024, 1, dir.resolve("spool")))) {
      round++;
      String dropped = "dropped" + round;
      bodies.put(dropped, bytes);
      FileAction cut = new FileAction("file", "http://127.0.0.1:" + server.getAddress().getPort() + "/cut/" + dropped,
          dropped, Map.of(), bytes.length, null, null, null);
      assertThatThrownBy(() -> read(cut, space)).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("after 2 attempts");
      assertThat(hits.get(dropped)).as("a dropped connection is retried").isEqualTo(2);

      String shortName = "short" + round;
      FileAction shorter = serve(shortName, Arrays.copyOf(bytes, bytes.length / 2), bytes.length);
      assertThatThrownBy(() -> read(shorter, space)).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining(bytes.length / 2 + " bytes long (Content-Length)")
          .hasMessageContaining("declared " + bytes.length);
      assertThat(hits.get(shortName)).as("a whole but shorter answer is not retried").isEqualTo(1);

      String longName = "longer" + round;
      FileAction longer = serve(longName, Arrays.copyOf(bytes, bytes.length + 10), bytes.length);
      assertThatThrownBy(() -> read(longer, space)).isInstanceOfSatisfying(ResponseLimitException.class, e -> {
        assertThat(e.limit()).isEqualTo("declared size");
        assertThat(e).hasMessageContaining((bytes.length + 10) + " bytes long (Content-Length)");
      });
      assertThat(hits.get(longName)).isEqualTo(1);
      assertThat(spoolFiles()).isZero();
      assertThat(space.allocations()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName("downloadTo keeps a Parquet file whole and refuses, leaving nothing, a body without PAR1 at both ends")
  void downloadToChecksBothEnds() throws IOException {
    Path source = write("whole.parquet", NARROW, narrowRows(100));
    byte[] parquet = Files.readAllBytes(source);
    Path target = dir.resolve("cache").resolve("whole.parquet");
    Files.createDirectories(target.getParent());
    FileAction whole = serve("whole", source);
    assertThat(downloader.downloadTo(whole, new UrlRefresher(() -> List.of(whole), "t"), "t", target))
        .isEqualTo(parquet.length);
    assertThat(Files.readAllBytes(target)).isEqualTo(parquet);
    byte[] cutTail = Arrays.copyOf(parquet, parquet.length);
    cutTail[cutTail.length - 1] = 'X'; // PAR1 at the start, PARX at the end
    byte[] text = "not a parquet file, only text".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (byte[] body : List.of(cutTail, text)) {
      FileAction bad = serve("bad" + body.length, body, body.length);
      Path badTarget = dir.resolve("cache").resolve("bad" + body.length + ".parquet");
      assertThatThrownBy(() -> downloader.downloadTo(bad, new UrlRefresher(() -> List.of(bad), "t"), "t", badTarget))
          .isInstanceOf(DataFormatException.class).hasMessageContaining("is not a Parquet file")
          .hasMessageContaining(body.length + " bytes without the PAR1 magic at both ends");
      assertThat(badTarget).doesNotExist();
      try (Stream<Path> left = Files.list(dir.resolve("cache"))) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("whole.parquet");
      }
    }
    // an encrypted footer's file (PARE at both ends) is named as such: a share serves no keys to read it with
    byte[] encrypted = Arrays.copyOf(parquet, parquet.length);
    encrypted[3] = 'E';
    encrypted[encrypted.length - 1] = 'E';
    FileAction sealed = serve("sealed", encrypted, encrypted.length);
    Path sealedTarget = dir.resolve("cache").resolve("sealed.parquet");
    assertThatThrownBy(() -> downloader.downloadTo(sealed, new UrlRefresher(() -> List.of(sealed), "t"), "t",
        sealedTarget)).isInstanceOf(DataFormatException.class).hasMessageContaining("encrypted footer (PARE magic)")
        .hasMessageContaining("serves no keys");
    assertThat(sealedTarget).doesNotExist();
  }
}
