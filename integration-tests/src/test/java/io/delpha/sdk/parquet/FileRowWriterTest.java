package io.delpha.sdk.parquet;

import io.delpha.sdk.parquet.internal.ParquetRowWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DelphaException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row writer encodes full row buffers on a background thread while the caller fills the next one: the
 * order of rows, the row count, and what a failure of the background write leaves behind.
 */
@DisplayName("ParquetRowWriter: rows converted and pages encoded on two threads")
class FileRowWriterTest {

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .nullable("amount", ColumnType.decimal(12, 2))
      .nullable("at", ColumnType.TIMESTAMP)
      .build();

  @TempDir Path tmp;

  static Row row(long i) {
    return Row.of(SCHEMA, i, i % 5 == 0 ? null : "name-" + i % 300, BigDecimal.valueOf(i * 7, 2),
        i % 11 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + i, i % 1000 * 1000));
  }

  @Test
  @DisplayName("rows, columnar batches and rows again, across many hand-offs and small row groups, read back in "
      + "order with every value; rowCount counts every row accepted")
  void orderAndCount() throws Exception {
    Path file = tmp.resolve("mixed.parquet");
    List<Row> expected = new ArrayList<>();
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withRowGroupBytes(256 * 1024))) {
      long i = 0;
      for (; i < 30_001; i++) {
        w.write(row(i));
        expected.add(row(i));
        assertThat(w.rowCount()).isEqualTo(i + 1);
      }
      ColumnBatch.Appender batch = ColumnBatch.appender(SCHEMA);
      for (; i < 40_000; i++) {
        batch.appendRow(row(i));
        expected.add(row(i));
      }
      w.write(batch.batch());
      assertThat(w.rowCount()).isEqualTo(40_000);
      for (; i < 52_345; i++) {
        w.write(row(i));
        expected.add(row(i));
      }
      assertThat(w.rowCount()).isEqualTo(52_345);
    }
    List<Row> read = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file)) {
      r.forEachRemaining(read::add);
    }
    assertThat(read).hasSize(52_345).containsExactlyElementsOf(expected);

    // an independent reader: DuckDB finds every row at its position, with the same values
    long names = 0;
    long nameChars = 0;
    long cents = 0;
    long instants = 0;
    long micros = 0;
    for (Row r : expected) {
      String name = (String) r.get("name");
      names += name == null ? 0 : 1;
      nameChars += name == null ? 0 : name.length();
      cents += ((BigDecimal) r.get("amount")).unscaledValue().longValueExact();
      Instant at = (Instant) r.get("at");
      instants += at == null ? 0 : 1;
      micros += at == null ? 0 : (at.getEpochSecond() - 1_700_000_000L) * 1_000_000L + at.getNano() / 1000;
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count_if(id = file_row_number), count(name), "
            + "sum(length(name)), CAST(sum(amount) * 100 AS BIGINT), count(\"at\"), "
            + "CAST(sum(epoch_us(\"at\") - 1700000000000000) AS BIGINT) FROM read_parquet('" + file
            + "', file_row_number = true)")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(52_345);
      assertThat(rs.getLong(2)).as("rows at their written position").isEqualTo(52_345);
      assertThat(rs.getLong(3)).isEqualTo(names);
      assertThat(rs.getLong(4)).isEqualTo(nameChars);
      assertThat(rs.getLong(5)).isEqualTo(cents);
      assertThat(rs.getLong(6)).isEqualTo(instants);
      assertThat(rs.getLong(7)).isEqualTo(micros);
    }
  }

  @Test
  @DisplayName("a disk that fills up while the background thread writes a row group: the caller gets the error at "
      + "its next hand-off or close, nothing is published, the writer refuses further rows")
  void backgroundFailure() throws Exception {
    AtomicInteger published = new AtomicInteger();
    AtomicInteger discarded = new AtomicInteger();
    ParquetRowWriter.Publisher publisher = new ParquetRowWriter.Publisher() {
      @Override
      public void publish() {
        published.incrementAndGet();
      }

      @Override
      public void discard() {
        discarded.incrementAndGet();
      }
    };
    Path file = tmp.resolve("full.parquet");
    RowWriter w = new FileRowWriter(new ParquetRowWriter(file.toString(), new FillingDisk(file, 300_000), SCHEMA,
        WriteOptions.defaults().withRowGroupBytes(64 * 1024), publisher));
    assertThatThrownBy(() -> {
      for (long i = 0; i < 1_000_000; i++) {
        w.write(row(i));
      }
      w.close();
    }).isInstanceOf(DelphaException.class).hasMessageContaining(file.toString())
        .hasMessageContaining("nothing was published").hasStackTraceContaining("No space left on device");
    assertThat(published).hasValue(0);
    assertThat(discarded).hasValue(1);
    assertThatThrownBy(() -> w.write(row(0))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    w.close();
    w.abort();
    assertThat(discarded).hasValue(1);
    assertThat(published).hasValue(0);
  }

  @Test
  @DisplayName("abort while a batch is being encoded in the background waits for it and publishes nothing")
  void abortDuringBackgroundWrite() {
    Path file = tmp.resolve("out/aborted.parquet");
    RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults());
    for (long i = 0; i < 20_000; i++) {
      w.write(row(i));
    }
    w.abort();
    assertThat(file).doesNotExist();
    assertThat(file.getParent().toFile().list()).isEmpty();
    w.close();
    assertThat(file).doesNotExist();
  }

  /** A local file on a disk with {@code capacity} bytes free: writes past it fail as the OS says so. */
  private static final class FillingDisk implements OutputFile {
    private final Path file;
    private final long capacity;

    FillingDisk(Path file, long capacity) {
      this.file = file;
      this.capacity = capacity;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      java.io.OutputStream out = Files.newOutputStream(file);
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (position + len > capacity) {
            throw new IOException("No space left on device");
          }
          out.write(b, off, len);
          position += len;
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return file.toString();
    }
  }
}
