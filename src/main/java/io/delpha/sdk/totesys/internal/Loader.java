package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.parquet.ParquetRows;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.core.storage.ObjectStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processed zone to warehouse, in one transaction per run: dimensions upserted, then facts inserted
 * once per version; the keys of the objects loaded are recorded in the same transaction, so a failed
 * load leaves the warehouse as it was and the next one loads the same objects again.
 */
public final class Loader {

  /** The warehouse table that records which processed objects are loaded. */
  public static final String LOADED_TABLE = "totesys_loaded_object";

  private static final Logger log = LoggerFactory.getLogger(Loader.class);
  private static final int BATCH = 1_000;

  private final Supplier<DataSource> warehouse;
  private final ObjectStore processed;
  private final ProgressListener listener;

  /**
   * @param warehouse the warehouse database, resolved when a run needs it
   * @param processed the processed zone, read
   * @param listener progress
   */
  public Loader(Supplier<DataSource> warehouse, ObjectStore processed, ProgressListener listener) {
    this.warehouse = warehouse;
    this.processed = processed;
    this.listener = listener;
  }

  /**
   * Creates the warehouse tables if they are missing.
   */
  public void createTables() {
    try (Connection c = warehouse.get().getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (WarehouseTable t : WarehouseTable.values()) {
        s.execute(t.createTable());
      }
      s.execute("CREATE TABLE IF NOT EXISTS " + Sql.quote(LOADED_TABLE) + " (" + Sql.quote("object_key")
          + " TEXT PRIMARY KEY, " + Sql.quote("loaded_at") + " TIMESTAMPTZ NOT NULL DEFAULT now())");
      c.commit();
    } catch (SQLException e) {
      throw Sql.map(e, "creating the warehouse tables");
    }
  }

  /**
   * Loads every processed object not loaded yet.
   *
   * @param stats where counts go
   */
  public void run(RunStats stats) {
    createTables();
    try (Connection c = warehouse.get().getConnection()) {
      c.setAutoCommit(false);
      try {
        Set<String> loaded = loadedKeys(c);
        int objects = 0;
        for (WarehouseTable table : WarehouseTable.values()) {
          List<String> pending;
          try (var keys = processed.list(table.tableName() + "/")) {
            pending = keys.filter(k -> k.endsWith(".parquet") && !loaded.contains(k))
                .sorted((a, b) -> LakeKeys.timePart(table.tableName(), a)
                    .compareTo(LakeKeys.timePart(table.tableName(), b)))
                .toList();
          }
          if (pending.isEmpty()) {
            continue;
          }
          String task = "load " + table.tableName();
          listener.onStart(task);
          long changed = 0;
          for (String key : pending) {
            changed += loadObject(c, table, key);
            objects++;
          }
          RunStats.add(stats.rowsLoaded, table.tableName(), changed);
          listener.onSuccess(task, changed + " rows inserted or changed");
        }
        c.commit();
        if (objects > 0) {
          log.info("loaded {} processed objects into the warehouse", objects);
        }
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw Sql.map(e, "loading the warehouse");
    }
  }

  private long loadObject(Connection c, WarehouseTable table, String key) throws SQLException {
    RowSchema schema = table.schema();
    long changed = 0;
    try (PreparedStatement ps = c.prepareStatement(table.loadStatement());
        RowReader reader = ParquetRows.read(processed, key, schema)) {
      int pending = 0;
      while (reader.hasNext()) {
        Row row = reader.next();
        for (int i = 0; i < schema.size(); i++) {
          bind(ps, i + 1, row.get(i), schema.column(i).type().kind());
        }
        ps.addBatch();
        if (++pending == BATCH) {
          changed += sum(ps.executeBatch());
          pending = 0;
        }
      }
      if (pending > 0) {
        changed += sum(ps.executeBatch());
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.quote(LOADED_TABLE) + " ("
        + Sql.quote("object_key") + ") VALUES (?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, key);
      ps.executeUpdate();
    }
    return changed;
  }

  private static void bind(PreparedStatement ps, int index, Object value,
      io.delpha.sdk.core.parquet.ColumnType.Kind kind) throws SQLException {
    if (value != null) {
      ps.setObject(index, value);
      return;
    }
    ps.setNull(index, switch (kind) {
      case INT -> Types.INTEGER;
      case BOOLEAN -> Types.BOOLEAN;
      case DECIMAL -> Types.NUMERIC;
      case DATE -> Types.DATE;
      case TIME -> Types.TIME;
      default -> Types.VARCHAR;
    });
  }

  private static long sum(int[] counts) {
    long total = 0;
    for (int n : counts) {
      total += Math.max(n, 0);
    }
    return total;
  }

  private static Set<String> loadedKeys(Connection c) throws SQLException {
    Set<String> keys = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + Sql.quote("object_key") + " FROM " + Sql.quote(LOADED_TABLE))) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    return keys;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback after a failed load also failed: {}", e.getMessage());
    }
  }
}
