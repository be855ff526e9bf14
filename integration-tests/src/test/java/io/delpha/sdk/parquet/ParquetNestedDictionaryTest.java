package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.internal.Codecs;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 34's regression: dictionary-encoded STRING and binary-held DECIMAL fields of a STRUCT (at any depth, not
 * inside a list or map) read as {@code ""} and {@code 0} by the row view, because the leaf under the struct was taken
 * for a top-level flat column and its values were left in the dictionary by a path that never recorded their ids.
 * Each file is read by every view (rows, columns, rows through an {@code ObjectStore}) and checked against the values
 * it was generated from and against DuckDB's reading.
 */
class ParquetNestedDictionaryTest {

  static Stream<String> duckDbCodecs() {
    return ParquetCorpusTest.duckDbCodecs();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("duckDbCodecs")
  @DisplayName("DuckDB's STRUCT(a BIGINT, b VARCHAR) of dictionary strings reads as written, every view, v1 and v2")
  void duckDbStructOfDictionaryStrings(String codec, @TempDir Path tmp) throws Exception {
    int rows = 3000;
    for (String version : List.of("V1", "V2")) {
      Path file = tmp.resolve("st-" + codec + "-" + version + ".parquet");
      try (Connection c = ParquetFidelityTest.duckdb(); Statement s = c.createStatement()) {
        s.execute("COPY (SELECT {'a': i % 4, 'b': 'v' || (i % 3)}::STRUCT(a BIGINT, b VARCHAR) AS st,"
            + " {'x': {'y': {'z': 'deep' || (i % 5), 'w': (i % 7)::DECIMAL(30,2)}}} AS deep,"
            + " CASE WHEN i % 9 = 0 THEN NULL ELSE {'n': CASE WHEN i % 4 = 0 THEN NULL ELSE 'n' || (i % 2) END} END AS opt"
            + " FROM range(" + rows + ") t(i)) TO '" + file + "' (FORMAT parquet, COMPRESSION " + codec
            + ", PARQUET_VERSION " + version + ", ROW_GROUP_SIZE 1024)");
        try (ResultSet rs = s.executeQuery("SELECT count(*), count(dictionary_page_offset),"
            + " count(DISTINCT row_group_id) FROM parquet_metadata('" + file + "') WHERE path_in_schema LIKE 'st%b'")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(3)).as("row groups").isGreaterThan(1);
          assertThat(rs.getLong(2)).as("st.b is dictionary-encoded in every row group").isEqualTo(rs.getLong(1));
        }
      }
      for (List<Row> read : everyView(file)) {
        assertThat(read).hasSize(rows);
        for (int i = 0; i < rows; i++) {
          Row st = (Row) read.get(i).get("st");
          assertThat(st.get("a")).as("row %d", i).isEqualTo((long) (i % 4));
          assertThat(st.get("b")).as("row %d", i).isEqualTo("v" + i % 3);
          Row y = (Row) ((Row) ((Row) read.get(i).get("deep")).get("x")).get("y");
          assertThat(y.get("z")).as("row %d", i).isEqualTo("deep" + i % 5);
          assertThat(y.get("w")).as("row %d", i).isEqualTo(BigDecimal.valueOf(i % 7).setScale(2));
          Row opt = (Row) read.get(i).get("opt");
          if (i % 9 == 0) {
            assertThat(opt).isNull();
          } else {
            assertThat(opt.get("n")).as("row %d", i).isEqualTo(i % 4 == 0 ? null : "n" + i % 2);
          }
        }
      }
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(file));
    }
  }

  @Test
  @DisplayName("parquet-mr's struct<s: string, d: decimal(7,0) on binary and fixed bytes>, dictionary on: every value, every view")
  void parquetMrStructOfDictionaryStringAndBinaryDecimal(@TempDir Path tmp) throws Exception {
    MessageType schema = MessageTypeParser.parseMessageType("message m { required int32 id;"
        + " optional group st { optional binary s (STRING); optional binary d (DECIMAL(7,0));"
        + " optional fixed_len_byte_array(4) f (DECIMAL(7,0));"
        + " optional group inner { required binary t (STRING); } } }");
    int rows = 2000;
    for (ParquetProperties.WriterVersion version : ParquetProperties.WriterVersion.values()) {
      Path file = tmp.resolve("mr-" + version + ".parquet");
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withConf(new PlainParquetConfiguration())
          .withCodecFactory(Codecs.INSTANCE)
          .withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withDictionaryEncoding(true)
          .withWriterVersion(version)
          .withRowGroupSize(64 * 1024L)
          .withPageSize(1024)
          .build()) {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        for (int i = 0; i < rows; i++) {
          Group g = groups.newGroup().append("id", i);
          if (i % 11 != 0) {
            Group st = g.addGroup("st");
            if (i % 5 != 0) {
              st.append("s", "ab" + i % 4);
            }
            st.append("d", Binary.fromConstantByteArray(BigInteger.valueOf(12 + i % 3 - 100).toByteArray()));
            byte[] fixed = new byte[4];
            byte[] minimal = BigInteger.valueOf(9_999_999 - i % 6).toByteArray();
            System.arraycopy(minimal, 0, fixed, 4 - minimal.length, minimal.length);
            st.append("f", Binary.fromConstantByteArray(fixed));
            st.addGroup("inner").append("t", "t" + i % 2);
          }
          w.write(g);
        }
      }
      try (Connection c = ParquetFidelityTest.duckdb(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM parquet_metadata('" + file + "')"
               + " WHERE path_in_schema LIKE 'st%' AND dictionary_page_offset IS NOT NULL")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("the struct's fields are dictionary-encoded").isPositive();
      }
      for (List<Row> read : everyView(file)) {
        assertThat(read).hasSize(rows);
        for (int i = 0; i < rows; i++) {
          Row st = (Row) read.get(i).get("st");
          if (i % 11 == 0) {
            assertThat(st).isNull();
            continue;
          }
          assertThat(st.get("s")).as("row %d", i).isEqualTo(i % 5 == 0 ? null : "ab" + i % 4);
          assertThat(st.get("d")).as("row %d", i).isEqualTo(BigDecimal.valueOf(12 + i % 3 - 100));
          assertThat(st.get("f")).as("row %d", i).isEqualTo(BigDecimal.valueOf(9_999_999 - i % 6));
          assertThat(((Row) st.get("inner")).get("t")).as("row %d", i).isEqualTo("t" + i % 2);
        }
      }
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(file));
    }
  }

  /** The file's rows as the row view, the columnar view and the row view over a local ObjectStore read them. */
  static List<List<Row>> everyView(Path file) {
    List<List<Row>> views = new ArrayList<>();
    views.add(ParquetCorpusTest.readAll(file));
    views.add(ParquetCorpusTest.readColumnar(file));
    views.add(ParquetRows.readAll(LocalObjectStore.at(file.getParent()), file.getFileName().toString()));
    return views;
  }
}
