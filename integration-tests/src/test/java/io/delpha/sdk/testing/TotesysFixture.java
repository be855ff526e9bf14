package io.delpha.sdk.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Loads the totesys OLTP database into a PostgreSQL database: the schema ({@code totesys/schema.sql}, a
 * pg_dump whose first two statements are skipped as the data README says), then either the 63k-row
 * snapshot ({@code totesys/snapshot/*.parquet}) or the small seed ({@code totesys/seed/*.json}), from the
 * test class path. Used by the totesys tests, the demo and the benchmark; {@link TotesysGenerator} grows the
 * snapshot by a factor.
 *
 * <pre>{@code
 * DataSource totesys = PostgresServer.shared().createDatabase("totesys");
 * TotesysFixture.loadSnapshot(totesys);
 * }</pre>
 */
public final class TotesysFixture {

  /** The business tables, parents before children (foreign keys). */
  public static final List<String> TABLES = List.of("address", "currency", "department", "design",
      "payment_type", "counterparty", "staff", "sales_order", "purchase_order", "transaction", "payment");

  private static final ObjectMapper JSON = new ObjectMapper();

  private TotesysFixture() {}

  /**
   * Creates the totesys schema and loads the snapshot.
   *
   * @param db an empty database
   * @return rows loaded, by table
   */
  public static Map<String, Long> loadSnapshot(DataSource db) {
    createSchema(db);
    Map<String, Long> counts = new java.util.LinkedHashMap<>();
    try (Connection c = db.getConnection()) {
      for (String table : TABLES) {
        try (InputStream in = resource("totesys/snapshot/" + table + ".parquet");
            RowReader reader = ParquetRows.read(in, table + ".parquet")) {
          List<String> columns = reader.schema().names();
          List<List<Object>> rows = new ArrayList<>();
          reader.forEachRemaining(r -> rows.add(values(r)));
          counts.put(table, copy(c, table, columns, rows));
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("could not load the totesys snapshot", e);
    }
    return counts;
  }

  /**
   * Creates the totesys schema and loads the small seed (every foreign key resolves).
   *
   * @param db an empty database
   * @return rows loaded, by table
   */
  public static Map<String, Long> loadSeed(DataSource db) {
    createSchema(db);
    Map<String, Long> counts = new java.util.LinkedHashMap<>();
    try (Connection c = db.getConnection()) {
      for (String table : TABLES) {
        JsonNode array;
        try (InputStream in = resource("totesys/seed/" + table + ".json")) {
          array = JSON.readTree(in);
        }
        List<String> columns = new ArrayList<>();
        array.get(0).fieldNames().forEachRemaining(columns::add);
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : array) {
          List<Object> values = new ArrayList<>();
          for (String column : columns) {
            JsonNode v = row.get(column);
            values.add(v == null || v.isNull() ? null : v.asText());
          }
          rows.add(values);
        }
        counts.put(table, copy(c, table, columns, rows));
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("could not load the totesys seed", e);
    }
    return counts;
  }

  /**
   * Executes {@code totesys/schema.sql} without its first two statements.
   *
   * @param db an empty database
   */
  public static void createSchema(DataSource db) {
    String ddl;
    try (InputStream in = resource("totesys/schema.sql")) {
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ddl = ddl.replace("DROP OWNED BY totesys_test_user;", "").replace("CREATE SCHEMA public;", "");
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute(ddl);
      // the dump empties the search path for its own session; later sessions use the default
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the totesys schema", e);
    }
  }

  /** A snapshot row's values as the text COPY takes: timestamps without zone, pandas' float ids as numbers. */
  static List<Object> values(Row r) {
    List<Object> values = new ArrayList<>();
    for (Object v : r.values()) {
      if (v instanceof Instant i) {
        values.add(LocalDateTime.ofInstant(i, ZoneOffset.UTC).toString());
      } else if (v instanceof Double d) {
        values.add(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
      } else {
        values.add(v);
      }
    }
    return values;
  }

  private static long copy(Connection c, String table, List<String> columns, List<List<Object>> rows)
      throws SQLException, IOException {
    String columnList = columns.stream().map(n -> '"' + n + '"').collect(Collectors.joining(", "));
    StringBuilder csv = new StringBuilder();
    for (List<Object> row : rows) {
      Iterator<Object> it = row.iterator();
      while (it.hasNext()) {
        Object v = it.next();
        if (v != null) {
          csv.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
        }
        if (it.hasNext()) {
          csv.append(',');
        }
      }
      csv.append('\n');
    }
    return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY public.\"" + table + "\" (" + columnList
        + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
  }

  static InputStream resource(String name) {
    InputStream in = TotesysFixture.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("test resource " + name + " is missing from the class path");
    }
    return in;
  }
}
