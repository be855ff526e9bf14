package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.storage.ObjectStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processed zone to warehouse, in one transaction per run: dimensions upserted, then facts inserted
 * once per version; the keys of the objects loaded are recorded in the same transaction, so a failed
 * load leaves the warehouse as it was and the next one loads the same objects again.
 *
 * <p>Each table's pending objects (oldest first) are streamed with one binary {@code COPY ... FROM STDIN}
 * into a temporary staging table ({@code ON COMMIT DROP}, so it vanishes with the transaction however it
 * ends), each row numbered in that order; one set-based statement per table then applies the rows as a
 * row-by-row load in that order would ({@link WarehouseTable#upsertFromStaging(boolean)}). Memory stays
 * flat: rows go from the Parquet reader to the server in 64 KiB chunks.
 *
 * <p>The warehouse connections must be PostgreSQL JDBC (pgjdbc) connections, or wrappers that {@link
 * Connection#unwrap unwrap} to {@link PGConnection}, as connection pools do.
 */
public final class Loader {

  /** The warehouse table that records which processed objects are loaded. */
  public static final String LOADED_TABLE = "totesys_loaded_object";

  private static final Logger log = LoggerFactory.getLogger(Loader.class);
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  private static final String INSUFFICIENT_PRIVILEGE = "42501";
  /**
   * The most rows a fact table may hold, per row to insert, for its foreign keys to be dropped and added again
   * around the insert rather than checked row by row: adding them again checks every row of the table, at a
   * small fraction of a per-row check's cost per row.
   */
  static final long REVALIDATE_RATIO = 16;
  /** Triggers of a table other than the checks of its own foreign keys, plus its rules. */
  private static final String OTHER_TRIGGERS_AND_RULES = "SELECT (SELECT count(*) FROM pg_trigger t"
      + " WHERE t.tgrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.oid = t.tgconstraint"
      + " AND k.contype = 'f' AND k.conrelid = t.tgrelid)) + (SELECT count(*) FROM pg_rewrite r"
      + " WHERE r.ev_class = ?::regclass)";
  /** A table's foreign keys: column, referenced table and column (of the first pair), column count. */
  private static final String FOREIGN_KEYS = "SELECT a.attname, r.relname, ra.attname, cardinality(k.conkey)"
      + " FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
      + " JOIN pg_class r ON r.oid = k.confrelid"
      + " JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]"
      + " WHERE k.conrelid = ?::regclass AND k.contype = 'f'";

  private final Supplier<DataSource> warehouse;
  private final ObjectStore processed;
  private final LakeFiles files;
  private final ProgressListener listener;

  /**
   * @param warehouse the warehouse database, resolved when a run needs it
   * @param processed the processed zone, read
   * @param files how the objects are read (in clear or encrypted)
   * @param listener progress
   */
  public Loader(Supplier<DataSource> warehouse, ObjectStore processed, LakeFiles files, ProgressListener listener) {
    this.files = files;
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
   * Loads every processed object not loaded yet. The count of a table is the rows inserted or changed
   * (an identical dimension row, or a fact version the warehouse holds, counts nothing).
   *
   * @param stats where counts go
   * @throws io.delpha.sdk.core.DelphaException mapped from the JDBC failure (e.g. {@link
   *     io.delpha.sdk.core.ServiceUnavailableException} for a connection lost mid-load); the warehouse is
   *     then as it was before the call
   * @throws InvalidInputException if the warehouse connections are not PostgreSQL JDBC connections
   */
  public void run(RunStats stats) {
    createTables();
    try (Connection c = warehouse.get().getConnection()) {
      c.setAutoCommit(false);
      try {
        CopyManager copy = copyApi(c);
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
          long changed = loadTable(c, copy, table, pending);
          recordLoaded(c, pending);
          objects += pending.size();
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

  private static CopyManager copyApi(Connection c) throws SQLException {
    if (!c.isWrapperFor(PGConnection.class)) {
      throw new InvalidInputException("the warehouse data source gives " + c.getClass().getName()
          + " connections; the load needs PostgreSQL JDBC (pgjdbc) connections, or a pool that unwraps to them,"
          + " for COPY");
    }
    return c.unwrap(PGConnection.class).getCopyAPI();
  }

  /** Stages the table's pending objects, then applies them; returns the rows inserted or changed. */
  private long loadTable(Connection c, CopyManager copy, WarehouseTable table, List<String> pending)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(table.createStagingTable());
    }
    long staged = stage(copy, table, pending);
    log.debug("staged {} rows of {} from {} objects", staged, table.tableName(), pending.size());
    if (table.isFact()) {
      return insertFacts(c, table, staged);
    }
    int rounds;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(table.stagedVersionsPerKey())) {
      rs.next();
      rounds = rs.getInt(1);
    }
    long changed = 0;
    try (PreparedStatement ps = c.prepareStatement(table.upsertFromStaging(rounds > 1))) {
      for (int round = 1; round <= rounds; round++) {
        if (rounds > 1) {
          ps.setInt(1, round);
        }
        changed += ps.executeUpdate();
      }
    }
    return changed;
  }

  /**
   * Inserts a fact's staged rows. PostgreSQL checks a foreign key with one query per inserted row and key
   * (nine per {@code fact_sales_order} row), which costs ten times the insert itself. Two ways around it keep
   * the same guarantee, tried in this order:
   *
   * <ol>
   *   <li>Where the session may set {@code session_replication_role} (a superuser, or a role granted {@code SET
   *       ON PARAMETER session_replication_role}, PostgreSQL 15+) and the table's only triggers are the checks
   *       of exactly the foreign keys {@link WarehouseTable} declares, with no rule: the per-row checks are
   *       switched off for this one statement (transaction-local, its previous value restored right after)
   *       and the same check is made set-based on the new rows: the dimension rows they reference are locked
   *       {@code FOR KEY SHARE}, as the per-row check locks them, then a key no dimension row holds fails the
   *       load with SQLSTATE 23503, as the per-row check would.
   *   <li>Where the role owns the table and the rows to insert are many against the rows it holds (at most
   *       {@value #REVALIDATE_RATIO} times as many there): the table's foreign keys are dropped for the insert
   *       and added again after it, in the same transaction, so no other session ever sees the table without
   *       them. Adding a foreign key checks every row of the table with one set-based query per key, under a
   *       lock that keeps the dimensions' rows from changing meanwhile (so readers of the fact table wait for
   *       the load's commit); a key no dimension row holds fails the load with SQLSTATE 23503. A trigger of the
   *       host's own still fires for every row.
   * </ol>
   *
   * Otherwise (another role's table, or a few rows into a large table) PostgreSQL checks row by row.
   */
  private static long insertFacts(Connection c, WarehouseTable table, long staged) throws SQLException {
    String previousRole = onlyDeclaredForeignKeyTriggers(c, table) ? switchToReplicaRole(c) : null;
    if (previousRole == null) {
      List<String> readd = fewRowsHeld(c, table, staged * REVALIDATE_RATIO) ? dropForeignKeys(c, table) : null;
      long inserted;
      try (PreparedStatement ps = c.prepareStatement(table.upsertFromStaging(false))) {
        inserted = ps.executeUpdate();
      }
      if (readd != null && !readd.isEmpty()) {
        try (Statement s = c.createStatement()) {
          s.execute("ALTER TABLE " + table.tableName() + " " + String.join(", ", readd));
        }
      }
      return inserted;
    }
    long inserted;
    try (Statement s = c.createStatement()) {
      s.execute(table.createInsertedReferencesTable());
    }
    try (PreparedStatement ps = c.prepareStatement(table.insertFactsKeepingReferences())) {
      inserted = ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('session_replication_role', ?, true)")) {
      ps.setString(1, previousRole);
      ps.executeQuery().close();
    }
    try (Statement s = c.createStatement()) {
      s.executeQuery(table.lockReferencedRows()).close();
      try (ResultSet rs = s.executeQuery(table.missingReferences())) {
        rs.next();
        int i = 1;
        for (Map.Entry<WarehouseTable, List<String>> dim : table.referencedDimensions().entrySet()) {
          long missing = rs.getLong(i++);
          if (missing > 0) {
            throw new SQLException("insert on table \"" + table.tableName() + "\" violates its foreign keys " + dim.getValue()
                + " referencing \"" + dim.getKey().tableName() + "\": " + missing + " referenced key(s) not present",
                FOREIGN_KEY_VIOLATION);
          }
        }
      }
    }
    return inserted;
  }

  /** Whether {@code table} holds at most {@code limit} rows, counted no further than that. */
  private static boolean fewRowsHeld(Connection c, WarehouseTable table, long limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM (SELECT 1 FROM " + table.tableName() + " LIMIT ?) AS held")) {
      ps.setLong(1, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) <= limit;
      }
    }
  }

  /**
   * Drops the table's foreign keys, if this role may (it owns the table).
   *
   * @return the {@code ADD CONSTRAINT} clauses that put them back as they were; {@code null} if the role may
   *     not drop them (nothing changed)
   */
  private static @Nullable List<String> dropForeignKeys(Connection c, WarehouseTable table) throws SQLException {
    List<String> drop = new ArrayList<>();
    List<String> add = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        + " WHERE conrelid = ?::regclass AND contype = 'f' ORDER BY conname")) {
      ps.setString(1, table.tableName());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = "\"" + rs.getString(1).replace("\"", "\"\"") + "\"";
          drop.add("DROP CONSTRAINT " + name);
          add.add("ADD CONSTRAINT " + name + " " + rs.getString(2));
        }
      }
    }
    if (drop.isEmpty()) {
      return add;
    }
    if (!permitted(c, "ALTER TABLE " + table.tableName() + " " + String.join(", ", drop))) {
      log.debug("the warehouse role does not own {}: its foreign keys checked row by row", table.tableName());
      return null;
    }
    return add;
  }

  /**
   * Whether the fact table's triggers are only the checks of its declared foreign keys (each single
   * column, to the dimension's key) and it has no rule.
   */
  private static boolean onlyDeclaredForeignKeyTriggers(Connection c, WarehouseTable table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(OTHER_TRIGGERS_AND_RULES)) {
      ps.setString(1, table.tableName());
      ps.setString(2, table.tableName());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return false;
        }
      }
    }
    Set<String> declared = new HashSet<>();
    table.foreignKeys().forEach((column, dim) -> declared.add(column + ">" + dim.tableName() + "." + dim.key().get(0)));
    Set<String> found = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(FOREIGN_KEYS)) {
      ps.setString(1, table.tableName());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(4) != 1) {
            return false;
          }
          found.add(rs.getString(1) + ">" + rs.getString(2) + "." + rs.getString(3));
        }
      }
    }
    return found.equals(declared);
  }

  /**
   * Sets {@code session_replication_role = replica} for the transaction, if this session may.
   *
   * @return the setting before, to restore; {@code null} if the role may not set it (nothing changed)
   */
  private static @Nullable String switchToReplicaRole(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      String previous;
      try (ResultSet rs = s.executeQuery("SELECT current_setting('session_replication_role')")) {
        rs.next();
        previous = rs.getString(1);
      }
      if (!permitted(c, "SET LOCAL session_replication_role = replica")) {
        log.debug("the warehouse role may not set session_replication_role: foreign keys checked row by row");
        return null;
      }
      return previous;
    }
  }

  /**
   * Runs {@code sql} under a savepoint.
   *
   * @return {@code false}, with nothing changed, if the role may not (SQLSTATE 42501)
   */
  private static boolean permitted(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SAVEPOINT totesys_permitted");
      try {
        s.execute(sql);
        s.execute("RELEASE SAVEPOINT totesys_permitted");
        return true;
      } catch (SQLException e) {
        if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
          throw e;
        }
        s.execute("ROLLBACK TO SAVEPOINT totesys_permitted");
        s.execute("RELEASE SAVEPOINT totesys_permitted");
        return false;
      }
    }
  }

  /** Streams every row of the objects, in order, into the staging table with one binary COPY. */
  private long stage(CopyManager copy, WarehouseTable table, List<String> objects) throws SQLException {
    RowSchema schema = table.schema();
    int fields = schema.size() + 1;
    BinaryCopyWriter writer = new BinaryCopyWriter(copy.copyIn(table.copyIntoStaging()));
    try {
      long ordinal = 0;
      for (String key : objects) {
        try (RowReader reader = ParquetRows.read(processed, key, schema, files.read())) {
          while (reader.hasNext()) {
            Row row = reader.next();
            writer.startRow(fields);
            writer.writeLong(++ordinal);
            for (int i = 0; i < schema.size(); i++) {
              writer.write(row.get(i), schema.column(i).type());
            }
          }
        }
      }
      return writer.finish();
    } catch (SQLException | RuntimeException e) {
      writer.cancel(e);
      throw e;
    }
  }

  private static void recordLoaded(Connection c, List<String> keys) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.quote(LOADED_TABLE) + " ("
        + Sql.quote("object_key") + ") SELECT unnest(?::text[]) ON CONFLICT DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("text", keys.toArray()));
      ps.executeUpdate();
    }
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
