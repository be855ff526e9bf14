package io.delpha.sdk.testing;

import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.RowReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Grows the totesys snapshot by a factor, keeping the seed schema and its referential rules: the
 * schema comes from {@code totesys/schema.sql} as {@link TotesysFixture} creates it, then every
 * business table gets {@code factor} copies of its snapshot rows, copy {@code k} with each primary key
 * shifted by {@code k} times the table's largest snapshot key and each foreign key shifted the same way
 * as the table it references, so every copy is a whole, self-consistent company (unique keys such as
 * {@code payment.transaction_id} stay unique). {@code currency} and {@code payment_type} are fixed
 * vocabularies (ISO codes, an enum) and stay as they are; every copy references them. Timestamps are
 * kept, so the date range (and {@code dim_date}) does not grow.
 *
 * <p>The primary and foreign keys are read from the database's catalog after the schema is created, not
 * listed here. Rows stream to the server with {@code COPY ... FROM STDIN (FORMAT csv)} in 1 MiB
 * chunks; only the 1x snapshot is held in memory, whatever the factor.
 *
 * <pre>{@code
 * DataSource totesys = PostgresServer.shared().createDatabase("totesys");
 * Map<String, Long> rows = TotesysGenerator.loadScaledSnapshot(totesys, 10);   // 480,660 rows
 * }</pre>
 */
public final class TotesysGenerator {

  /** Tables whose rows are a fixed vocabulary rather than business volume. */
  public static final Set<String> FIXED_TABLES = Set.of("currency", "payment_type");

  private static final int CHUNK = 1 << 20;

  private TotesysGenerator() {}

  /**
   * Creates the totesys schema and loads {@code factor} copies of the snapshot.
   *
   * @param db an empty database
   * @param factor how many copies, at least 1 (1 loads the snapshot as {@link TotesysFixture#loadSnapshot} does)
   * @return rows loaded, by table, parents first
   */
  public static Map<String, Long> loadScaledSnapshot(DataSource db, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be at least 1, was " + factor);
    }
    TotesysFixture.createSchema(db);
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = db.getConnection()) {
      Map<String, String> primaryKeys = primaryKeys(c);
      Map<String, Map<String, String>> foreignKeys = foreignKeys(c);
      Map<String, Long> offsets = new HashMap<>();
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (String table : TotesysFixture.TABLES) {
        List<String> columns;
        List<List<Object>> rows = new ArrayList<>();
        try (InputStream in = TotesysFixture.resource("totesys/snapshot/" + table + ".parquet");
            RowReader reader = ParquetRows.read(in, table + ".parquet")) {
          columns = reader.schema().names();
          reader.forEachRemaining(r -> rows.add(TotesysFixture.values(r)));
        }
        int pk = columns.indexOf(primaryKeys.get(table));
        offsets.put(table, FIXED_TABLES.contains(table) ? 0L
            : rows.stream().mapToLong(r -> id(r.get(pk))).max().orElse(0));
        Map<Integer, Long> shifts = new HashMap<>();
        shifts.put(pk, offsets.get(table));
        foreignKeys.getOrDefault(table, Map.of()).forEach((column, parent) ->
            shifts.put(columns.indexOf(column), offsets.get(parent)));
        int copies = FIXED_TABLES.contains(table) ? 1 : factor;
        counts.put(table, copy(copy, table, columns, rows, copies, shifts));
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("could not load the totesys snapshot x" + factor, e);
    }
    return counts;
  }

  private static long copy(CopyManager copy, String table, List<String> columns, List<List<Object>> rows, int copies,
      Map<Integer, Long> shifts) throws SQLException {
    String columnList = columns.stream().map(n -> '"' + n + '"').collect(Collectors.joining(", "));
    CopyIn in = copy.copyIn("COPY public.\"" + table + "\" (" + columnList + ") FROM STDIN WITH (FORMAT csv)");
    try {
      StringBuilder csv = new StringBuilder();
      for (int k = 0; k < copies; k++) {
        for (List<Object> row : rows) {
          for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            if (i > 0) {
              csv.append(',');
            }
            Long shift = shifts.get(i);
            if (v == null) {
              continue;
            }
            if (shift != null) {
              csv.append(id(v) + k * shift);
            } else {
              csv.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
            }
          }
          csv.append('\n');
          if (csv.length() >= CHUNK) {
            send(in, csv);
          }
        }
      }
      send(in, csv);
      return in.endCopy();
    } catch (SQLException | RuntimeException e) {
      try {
        if (in.isActive()) {
          in.cancelCopy();
        }
      } catch (SQLException cancel) {
        e.addSuppressed(cancel);
      }
      throw e;
    }
  }

  private static void send(CopyIn in, StringBuilder csv) throws SQLException {
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    in.writeToCopy(bytes, 0, bytes.length);
    csv.setLength(0);
  }

  private static long id(Object value) {
    return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
  }

  private static Map<String, String> primaryKeys(Connection c) throws SQLException {
    Map<String, String> result = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.relname, a.attname"
        + " FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
        + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
        + " WHERE k.contype = 'p' AND n.nspname = 'public' AND cardinality(k.conkey) = 1")) {
      while (rs.next()) {
        result.put(rs.getString(1), rs.getString(2));
      }
    }
    return result;
  }

  /** Table -> its foreign-key column -> the table it references. */
  private static Map<String, Map<String, String>> foreignKeys(Connection c) throws SQLException {
    Map<String, Map<String, String>> result = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.relname, a.attname, p.relname"
        + " FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
        + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
        + " JOIN pg_class p ON p.oid = k.confrelid"
        + " WHERE k.contype = 'f' AND n.nspname = 'public' AND cardinality(k.conkey) = 1")) {
      while (rs.next()) {
        result.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
      }
    }
    return result;
  }
}
