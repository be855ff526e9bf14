package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("ParquetRows")
class ParquetRowsTest {

  static final RowSchema ALL_TYPES = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("flag", ColumnType.BOOLEAN)
      .nullable("n", ColumnType.INT)
      .nullable("x", ColumnType.DOUBLE)
      .nullable("amount", ColumnType.decimal(10, 2))
      .nullable("big", ColumnType.decimal(38, 10))
      .nullable("name", ColumnType.STRING)
      .nullable("day", ColumnType.DATE)
      .nullable("clock", ColumnType.TIME)
      .nullable("ts", ColumnType.TIMESTAMP)
      .nullable("raw", ColumnType.BYTES)
      .build();

  @TempDir Path tmp;

  static List<Row> sampleRows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of(ALL_TYPES, 1L, true, 42, 3.25, new BigDecimal("12.50"),
        new BigDecimal("-1234567890123456789012345678.0123456789"), "Zoë ✓ 日本",
        LocalDate.of(2024, 11, 15), LocalTime.of(10, 15, 0, 123_456_000),
        Instant.parse("2024-11-15T10:15:00.123456Z"), new byte[] {0, 1, (byte) 0xff}));
    rows.add(Row.of(ALL_TYPES, 2L, null, null, null, null, null, null, null, null, null, null));
    rows.add(Row.of(ALL_TYPES, 3L, false, -7, -0.5, new BigDecimal("-0.01"), new BigDecimal("0E-10"), "",
        LocalDate.of(1969, 12, 31), LocalTime.MIDNIGHT, Instant.parse("1969-12-31T23:59:59.999999Z"), new byte[0]));
    return rows;
  }

  static List<Row> read(Path file) {
    try (RowReader r = ParquetRows.read(file)) {
      List<Row> rows = new ArrayList<>();
      r.forEachRemaining(rows::add);
      return rows;
    }
  }

  static Connection duckdb() throws Exception {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return DriverManager.getConnection("jdbc:duckdb:", p);
  }

  @Test
  @DisplayName("every type round-trips exactly: decimal scale, timestamp micros, date, time, bytes, nulls")
  void roundTripAllTypes() {
    Path file = tmp.resolve("all.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
      assertThat(w.rowCount()).isEqualTo(3);
    }
    try (RowReader r = ParquetRows.read(file)) {
      assertThat(r.schema()).isEqualTo(ALL_TYPES);
    }
    List<Row> back = read(file);
    assertThat(back).containsExactlyElementsOf(sampleRows());
    assertThat(back.get(0).getDecimal("amount").scale()).isEqualTo(2);
    assertThat(back.get(0).getTimestamp("ts").getNano()).isEqualTo(123_456_000);
  }

  @Test
  @DisplayName("DuckDB reads our file with the same values and logical types")
  void duckDbReadsOurFiles() throws Exception {
    Path file = tmp.resolve("duck.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
    }
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, flag, n, x, CAST(amount AS VARCHAR), CAST(big AS VARCHAR), name, "
             + "CAST(day AS VARCHAR), CAST(clock AS VARCHAR), epoch_us(ts), hex(raw), typeof(amount), typeof(day), "
             + "typeof(clock), typeof(ts) FROM read_parquet('" + file + "') ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(1L);
      assertThat(rs.getBoolean(2)).isTrue();
      assertThat(rs.getInt(3)).isEqualTo(42);
      assertThat(rs.getDouble(4)).isEqualTo(3.25);
      assertThat(rs.getString(5)).isEqualTo("12.50");
      assertThat(rs.getString(6)).isEqualTo("-1234567890123456789012345678.0123456789");
      assertThat(rs.getString(7)).isEqualTo("Zoë ✓ 日本");
      assertThat(rs.getString(8)).isEqualTo("2024-11-15");
      assertThat(rs.getString(9)).isEqualTo("10:15:00.123456");
      assertThat(rs.getLong(10)).isEqualTo(1731665700123456L);
      assertThat(rs.getString(11)).isEqualTo("0001FF");
      assertThat(rs.getString(12)).isEqualTo("DECIMAL(10,2)");
      assertThat(rs.getString(13)).isEqualTo("DATE");
      assertThat(rs.getString(14)).isEqualTo("TIME");
      assertThat(rs.getString(15)).isEqualTo("TIMESTAMP WITH TIME ZONE");

      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(2L);
      for (int col = 2; col <= 11; col++) {
        assertThat(rs.getObject(col)).as("column %d of the all-null row", col).isNull();
      }
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(5)).isEqualTo("-0.01");
      assertThat(rs.getString(8)).isEqualTo("1969-12-31");
      assertThat(rs.getLong(10)).isEqualTo(-1L);
      assertThat(rs.next()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  @DisplayName("each codec writes files that we and DuckDB read back, labelled with that codec")
  void codecs(Compression compression) throws Exception {
    Path file = tmp.resolve(compression + ".parquet");
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).required("s", ColumnType.STRING).build();
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withCompression(compression))) {
      for (long i = 0; i < 5000; i++) {
        w.write(Row.of(schema, i, "value-" + (i % 97)));
      }
    }
    assertThat(read(file)).hasSize(5000).element(4999).isEqualTo(Row.of(schema, 4999L, "value-" + (4999 % 97)));
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase(compression.name());
    }
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM read_parquet('" + file + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(5000);
      assertThat(rs.getLong(2)).isEqualTo(4999L * 5000 / 2);
    }
  }

  @Test
  @DisplayName("a small row-group size splits many rows into several row groups that read back in order")
  void boundedRowGroups() throws Exception {
    Path file = tmp.resolve("many.parquet");
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).required("s", ColumnType.STRING)
        .required("x", ColumnType.DOUBLE).build();
    int rows = 200_000;
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withRowGroupBytes(256 * 1024))) {
      for (long i = 0; i < rows; i++) {
        w.write(Row.of(schema, i, "row number " + i, i * 0.5));
      }
    }
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + file + "')")) {
      rs.next();
      assertThat(rs.getInt(1)).isGreaterThan(3);
    }
    long[] expected = {0};
    try (RowReader r = ParquetRows.read(file)) {
      r.forEachRemaining(row -> assertThat(row.getLong("id")).isEqualTo(expected[0]++));
    }
    assertThat(expected[0]).isEqualTo(rows);
  }

  @Test
  @DisplayName("a file that is not Parquet is DataFormatException naming it")
  void notParquet() throws Exception {
    Path csv = Files.writeString(tmp.resolve("orders.csv"), "id,name\n1,Alice\n2,Bob\n");
    assertThatThrownBy(() -> ParquetRows.read(csv))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("orders.csv").hasMessageContaining("not a Parquet");
    Path empty = Files.write(tmp.resolve("empty.parquet"), new byte[0]);
    assertThatThrownBy(() -> ParquetRows.read(empty)).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> ParquetRows.read(tmp.resolve("missing.parquet"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("a truncated file is DataFormatException naming it")
  void truncated() throws Exception {
    Path file = tmp.resolve("whole.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
    }
    byte[] bytes = Files.readAllBytes(file);
    Path cut = Files.write(tmp.resolve("cut.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> read(cut)).isInstanceOf(DataFormatException.class).hasMessageContaining("cut.parquet");
  }

  @Test
  @DisplayName("a file held in memory reads in place as its file does, naming what it is in errors: too short, not "
      + "Parquet, encrypted, a cut footer, a length outside the array")
  void inMemory() throws Exception {
    Path file = tmp.resolve("mem.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
    }
    byte[] bytes = Files.readAllBytes(file);
    // a download buffer: the file, then bytes of an earlier, longer file that the reader must not look at
    byte[] held = java.util.Arrays.copyOf(bytes, bytes.length + 100);
    java.util.Arrays.fill(held, bytes.length, held.length, (byte) 'P');
    byte[] before = held.clone();
    List<Row> rows = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(held, bytes.length, "share/f1", ReadOptions.defaults())) {
      assertThat(r.schema()).isEqualTo(ALL_TYPES);
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        rows.addAll(List.of(b.rows()));
      }
    }
    assertThat(rows).containsExactlyElementsOf(read(file));
    // and as DuckDB reads the file: ids, strings and decimals in file order
    List<String> duck = new ArrayList<>();
    try (Connection c = duckdb(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name, amount FROM read_parquet('" + file + "')")) {
      while (rs.next()) {
        duck.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3));
      }
    }
    assertThat(rows).extracting(r -> r.getLong("id") + "|" + r.getString("name") + "|" + r.getDecimal("amount"))
        .containsExactlyElementsOf(duck);
    assertThat(held).as("read in place, never written").isEqualTo(before);
    List<Row> named = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file, "share/f1", ReadOptions.defaults())) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        named.addAll(List.of(b.rows()));
      }
    }
    assertThat(named).isEqualTo(rows);

    assertThatThrownBy(() -> ParquetRows.readBatches(held, 8, "share/f1", ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("share/f1").hasMessageContaining("not a Parquet");
    byte[] csv = "id,name\n1,Alice\n2,Bob\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ParquetRows.readBatches(csv, csv.length, "share/f2", ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("share/f2").hasMessageContaining("not a Parquet");
    byte[] encrypted = bytes.clone();
    encrypted[3] = 'E';
    assertThatThrownBy(() -> ParquetRows.readBatches(encrypted, encrypted.length, "share/f3", ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("share/f3").hasMessageContaining("encrypted");
    assertThatThrownBy(() -> ParquetRows.readBatches(held, bytes.length - 9, "share/f4", ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("share/f4")
        .hasMessageNotContaining(tmp.toString());
    assertThatThrownBy(() -> ParquetRows.readBatches(held, held.length + 1, "share/f5", ReadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
    Path spool = Files.write(tmp.resolve("delpha-sharing-123.parquet"), java.util.Arrays.copyOf(bytes, 20));
    assertThatThrownBy(() -> ParquetRows.readBatches(spool, "share/f6", ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("share/f6")
        .hasMessageNotContaining("delpha-sharing-123");
  }

  @Test
  @DisplayName("corrupt page data is DataFormatException naming the file, not garbage rows")
  void corruptPages() throws Exception {
    Path file = tmp.resolve("page.parquet");
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).build();
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      IntStream.range(0, 1000).forEach(i -> w.write(Row.of(schema, (long) i)));
    }
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 4; i < 40; i++) {
      bytes[i] = (byte) 0xEE; // the first page header, right after the leading magic
    }
    Path corrupt = Files.write(tmp.resolve("corrupt.parquet"), bytes);
    assertThatThrownBy(() -> read(corrupt)).isInstanceOf(DataFormatException.class).hasMessageContaining("corrupt.parquet");
  }

  @Test
  @DisplayName("bytes flipped anywhere in the pages of a SNAPPY file fail as DataFormatException naming it, never otherwise")
  void corruptSnappyPages() throws Exception {
    Path file = tmp.resolve("snappy.parquet");
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).required("name", ColumnType.STRING).build();
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      IntStream.range(0, 5000).forEach(i -> w.write(Row.of(schema, i * 1_000_003L, "name-" + (i % 37))));
    }
    byte[] whole = Files.readAllBytes(file);
    int dataEnd = whole.length - 8 - ByteBuffer.wrap(whole, whole.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int failures = 0;
    for (int at = 4; at < dataEnd; at += 97) {
      byte[] bytes = whole.clone();
      for (int i = at; i < Math.min(at + 8, dataEnd); i++) {
        bytes[i] = (byte) ~bytes[i];
      }
      Path corrupt = Files.write(tmp.resolve("corrupt-" + at + ".parquet"), bytes);
      try (RowReader r = ParquetRows.read(corrupt)) {
        r.forEachRemaining(row -> { });
      } catch (DataFormatException e) {
        assertThat(e).hasMessageContaining("corrupt-" + at + ".parquet");
        failures++;
      }
    }
    assertThat(failures).isPositive();
  }

  @Test
  @DisplayName("reading with an expected schema that differs is DataFormatException naming the column")
  void schemaMismatch() {
    Path file = tmp.resolve("typed.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
    }
    RowSchema wrongType = RowSchema.builder().required("id", ColumnType.STRING).build();
    assertThatThrownBy(() -> ParquetRows.read(file, wrongType))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("typed.parquet").hasMessageContaining("11 columns");
    List<Column> cols = new ArrayList<>(ALL_TYPES.columns());
    cols.set(4, Column.nullable("amount", ColumnType.decimal(10, 3)));
    assertThatThrownBy(() -> ParquetRows.read(file, new RowSchema(cols)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("amount");
    cols.set(4, Column.nullable("amount", ColumnType.decimal(10, 2)));
    cols.set(1, Column.required("flag", ColumnType.BOOLEAN));
    assertThatThrownBy(() -> ParquetRows.read(file, new RowSchema(cols)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("flag");
    try (RowReader r = ParquetRows.read(file, ALL_TYPES)) {
      assertThat(r.stream().count()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("values the file would change are refused: sub-microsecond instants, too many decimal digits, another schema")
  void lossyValuesRefused() {
    Path file = tmp.resolve("lossy.parquet");
    RowSchema schema = RowSchema.builder().nullable("ts", ColumnType.TIMESTAMP).nullable("d", ColumnType.decimal(4, 2)).build();
    RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults());
    assertThatThrownBy(() -> w.write(Row.of(schema, Instant.parse("2024-01-01T00:00:00.123456789Z"), null)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ts");
    assertThatThrownBy(() -> w.write(Row.of(schema, null, new BigDecimal("123.45"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("decimal(4,2)");
    assertThatThrownBy(() -> w.write(Row.of(RowSchema.of(Column.required("id", ColumnType.LONG)), 1L)))
        .isInstanceOf(InvalidInputException.class);
    w.write(Row.of(schema, Instant.parse("2024-01-01T00:00:00.123456Z"), new BigDecimal("99.99")));
    w.close();
    assertThat(read(file)).hasSize(1);
  }

  @Test
  @DisplayName("an aborted or failed writer leaves no file at the final name")
  void abortLeavesNothing() throws Exception {
    Path file = tmp.resolve("out/aborted.parquet");
    RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults());
    sampleRows().forEach(w::write);
    w.abort();
    assertThat(file).doesNotExist();
    try (var files = Files.list(file.getParent())) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  @DisplayName("writing to a store publishes once: an existing key is ConflictException and stays intact")
  void storeWriteOnce() {
    ObjectStore store = LocalObjectStore.at(tmp.resolve("lake"));
    assertThat(ParquetRows.write(store, "t/part-0.parquet", ALL_TYPES, sampleRows())).isEqualTo(3);
    assertThatThrownBy(() -> ParquetRows.write(store, "t/part-0.parquet", ALL_TYPES, sampleRows().subList(0, 1)))
        .isInstanceOf(ConflictException.class);
    assertThat(ParquetRows.readAll(store, "t/part-0.parquet")).containsExactlyElementsOf(sampleRows());
    assertThatThrownBy(() -> ParquetRows.readAll(store, "t/missing.parquet")).isInstanceOf(NotFoundException.class);
    store.put("t/readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ParquetRows.readAll(store, "t/readme.txt"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("t/readme.txt");
  }

  @Test
  @DisplayName("on S3: rows round-trip through the store; a server that goes away leaves nothing and a re-run succeeds")
  void s3RoundTripAndOutage() {
    S3Server server = S3Server.startNew();
    String bucket = server.createBucket("parquet");
    try (ObjectStore store = S3ObjectStore.builder().bucket(bucket).credentials(server.accessKey(), server.secretKey())
        .endpointOverride(server.endpoint()).build()) {
      ParquetRows.write(store, "a/rows.parquet", ALL_TYPES, sampleRows());
      assertThat(ParquetRows.readAll(store, "a/rows.parquet")).containsExactlyElementsOf(sampleRows());
      try (RowReader r = ParquetRows.read(store, "a/rows.parquet", ALL_TYPES)) {
        assertThat(r.next().getString("name")).isEqualTo("Zoë ✓ 日本");
      }

      RowWriter w = ParquetRows.writer(store, "b/rows.parquet", ALL_TYPES, WriteOptions.defaults());
      sampleRows().forEach(w::write);
      server.stop();
      assertThatThrownBy(w::close).isInstanceOf(ServiceUnavailableException.class);
      server.start();
      assertThat(store.exists("b/rows.parquet")).isFalse();
      ParquetRows.write(store, "b/rows.parquet", ALL_TYPES, sampleRows());
      assertThat(ParquetRows.readAll(store, "b/rows.parquet")).hasSize(3);
    } finally {
      server.stop();
    }
  }

  @Test
  @DisplayName("startsWithMagic recognises the PAR1 header, startsWithEncryptedMagic PARE; Parquet read from a stream works")
  void magicAndStreams() throws Exception {
    Path file = tmp.resolve("m.parquet");
    try (RowWriter w = ParquetRows.writer(file, ALL_TYPES, WriteOptions.defaults())) {
      sampleRows().forEach(w::write);
    }
    byte[] bytes = Files.readAllBytes(file);
    assertThat(ParquetRows.startsWithMagic(new ByteArrayInputStream(bytes))).isTrue();
    assertThat(ParquetRows.startsWithMagic(new ByteArrayInputStream("PAR".getBytes(StandardCharsets.US_ASCII)))).isFalse();
    assertThat(ParquetRows.startsWithMagic(new ByteArrayInputStream(HexFormat.of().parseHex("504b0304")))).isFalse();
    assertThat(ParquetRows.startsWithEncryptedMagic(new ByteArrayInputStream("PARE".getBytes(StandardCharsets.US_ASCII))))
        .isTrue();
    assertThat(ParquetRows.startsWithEncryptedMagic(new ByteArrayInputStream(bytes))).isFalse();
    try (RowReader r = ParquetRows.read(new ByteArrayInputStream(bytes), "upload.parquet")) {
      assertThat(r.stream().toList()).containsExactlyElementsOf(sampleRows());
    }
  }
}
