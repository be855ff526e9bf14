package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV parser against an RFC 4180 reader we did not write: DuckDB's {@code read_csv}, strict, every column text.
 * Seeded texts of valid records (plain, quoted with delimiters, doubled quotes and line breaks, empty and quoted-empty
 * fields, non-ASCII text; LF or CRLF line ends, the same inside quotes) must give DuckDB's records, field for field. A failing seed prints its replay
 * command.
 */
@DisplayName("CsvParser reads what DuckDB's read_csv reads, on seeded valid CSV texts")
class CsvDuckDbDifferentialTest {

  private static final long SEED = Long.getLong("csv.seed", 20261126L);
  private static final int TEXTS = Integer.getInteger("csv.texts", 150);

  @TempDir
  Path dir;

  @Test
  @DisplayName("150 seeded texts: the same records, fields and order as DuckDB's")
  void sameRecordsAsDuckDb() throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
      s.execute("SET threads = 1");
      for (int t = 0; t < TEXTS; t++) {
        long seed = SEED + t;
        Random random = new Random(seed);
        int columns = 1 + random.nextInt(5);
        String newline = random.nextBoolean() ? "\n" : "\r\n";
        String csv = text(random, columns, newline);
        Path file = dir.resolve("t" + t + ".csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        assertThat(ours(csv)).as("seed %d (replay: mvn test -Dtest=CsvDuckDbDifferentialTest -Dcsv.seed=%d "
            + "-Dcsv.texts=1), csv %s", seed, seed, csv.replace("\r", "\\r").replace("\n", "\\n"))
            .isEqualTo(duckDb(s, file, columns));
      }
    }
  }

  private static String text(Random random, int columns, String newline) {
    StringBuilder out = new StringBuilder();
    int records = 1 + random.nextInt(12);
    for (int r = 0; r < records; r++) {
      for (int c = 0; c < columns; c++) {
        if (c > 0) {
          out.append(',');
        }
        out.append(field(random, columns, newline));
      }
      out.append(newline);
    }
    return out.toString();
  }

  /** A valid field: plain, quoted (with delimiters, doubled quotes, line breaks), empty or quoted-empty. */
  private static String field(Random random, int columns, String newline) {
    String plain = "abcxyz019 _-.;:éλ漢";
    String quoted = plain + ",,\"\n\r";
    int kind = random.nextInt(6);
    if (kind == 0 && columns > 1) {
      return "";
    }
    if (kind == 1) {
      return "\"\"";
    }
    boolean quote = kind >= 4;
    StringBuilder f = new StringBuilder(quote ? "\"" : "");
    int n = 1 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      String from = quote ? quoted : plain;
      char ch = from.charAt(random.nextInt(from.length()));
      if (ch == '\r' || ch == '\n') {
        // a line break in a quoted field as the file writes its line ends: DuckDB's strict mode refuses mixed ones
        f.append(newline);
      } else if (ch == '"') {
        f.append("\"\"");
      } else {
        f.append(ch);
      }
    }
    if (!quote && (f.charAt(0) == ' ' || f.charAt(f.length() - 1) == ' ')) {
      // a plain field's edge spaces are not what this test is about: the readers trim differently
      return "a" + f.toString().trim() + "z";
    }
    return f.append(quote ? "\"" : "").toString();
  }

  private static List<List<String>> ours(String csv) throws IOException {
    List<List<String>> records = new ArrayList<>();
    CsvParser p = new CsvParser(new StringReader(csv), ',');
    for (List<String> r = p.next(); r != null; r = p.next()) {
      assertThat(p.error()).as("a valid text has no error").isNull();
      records.add(List.copyOf(r));
    }
    return records;
  }

  private static List<List<String>> duckDb(Statement s, Path file, int columns) throws SQLException {
    StringJoiner types = new StringJoiner(", ", "{", "}");
    for (int c = 0; c < columns; c++) {
      types.add("'c" + c + "': 'VARCHAR'");
    }
    List<List<String>> records = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT * FROM read_csv('" + file + "', header = false, auto_detect = false,"
        + " delim = ',', quote = '\"', escape = '\"', strict_mode = true, allow_quoted_nulls = false, columns = "
        + types + ")")) {
      while (rs.next()) {
        List<String> r = new ArrayList<>();
        for (int c = 1; c <= columns; c++) {
          @Nullable String v = rs.getString(c);
          r.add(v == null ? "" : v);
        }
        records.add(r);
      }
    }
    return records;
  }
}
