package io.delpha.sdk.bench;

import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.totesys.internal.WarehouseTable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The totesys load's anchor: every processed object's rows, read from Parquet as the load reads them, sent
 * with a plain CSV {@code COPY ... FROM STDIN} into tables of the warehouse's columns with no index, key or
 * constraint (schema {@code anchor} of the warehouse database), in one transaction. Then each anchor table
 * is checked against its warehouse table: same row count and same checksum of every row, or the benchmark
 * fails.
 */
final class RawCopyAnchor {

  private static final int CHUNK = 64 * 1024;

  private RawCopyAnchor() {}

  /**
   * @param processed the processed zone the load read
   * @param warehouse the warehouse the load wrote
   * @return milliseconds the COPY took (table creation excluded)
   * @throws IllegalStateException if an anchor table differs from its warehouse table
   */
  static long copyAndCheck(ObjectStore processed, DataSource warehouse) throws SQLException {
    try (Connection c = warehouse.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS anchor CASCADE");
      s.execute("CREATE SCHEMA anchor");
      for (WarehouseTable t : WarehouseTable.values()) {
        s.execute("CREATE TABLE anchor." + t.tableName() + " AS SELECT " + columns(t) + " FROM public." + t.tableName()
            + " WITH NO DATA");
      }
      c.setAutoCommit(false);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long start = System.nanoTime();
      for (WarehouseTable t : WarehouseTable.values()) {
        List<String> keys;
        try (var listing = processed.list(t.tableName() + "/")) {
          keys = listing.filter(k -> k.endsWith(".parquet")).sorted().toList();
        }
        CopyIn in = copy.copyIn("COPY anchor." + t.tableName() + " (" + columns(t) + ") FROM STDIN (FORMAT csv)");
        StringBuilder csv = new StringBuilder();
        for (String key : keys) {
          try (RowReader reader = ParquetRows.read(processed, key)) {
            while (reader.hasNext()) {
              appendCsv(csv, reader.next());
              if (csv.length() >= CHUNK) {
                send(in, csv);
              }
            }
          }
        }
        send(in, csv);
        in.endCopy();
      }
      c.commit();
      long millis = (System.nanoTime() - start) / 1_000_000;
      for (WarehouseTable t : WarehouseTable.values()) {
        String ours = checksum(s, "public." + t.tableName(), t);
        String anchor = checksum(s, "anchor." + t.tableName(), t);
        if (!ours.equals(anchor)) {
          throw new IllegalStateException(t.tableName() + ": the warehouse holds " + ours + ", the raw COPY " + anchor);
        }
      }
      s.execute("DROP SCHEMA anchor CASCADE");
      c.commit();
      return millis;
    }
  }

  private static String columns(WarehouseTable t) {
    return String.join(", ", t.schema().names());
  }

  private static String checksum(Statement s, String table, WarehouseTable t) throws SQLException {
    String row = "row(" + columns(t) + ")::text";
    try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(" + row + ", '|' ORDER BY "
        + row + ")), '') FROM " + table)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void appendCsv(StringBuilder csv, Row row) {
    List<Object> values = row.values();
    csv.append(values.stream().map(v -> v == null ? "" : '"' + v.toString().replace("\"", "\"\"") + '"')
        .collect(Collectors.joining(",")));
    csv.append('\n');
  }

  private static void send(CopyIn in, StringBuilder csv) throws SQLException {
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    in.writeToCopy(bytes, 0, bytes.length);
    csv.setLength(0);
  }
}
