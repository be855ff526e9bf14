package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.internal.engines.PostgreSql;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source to ingestion zone: one object per table and run holding the row versions not extracted
 * before, chosen by a per-table watermark taken from the data, re-reading an overlap window so rows
 * committed late with an older {@code last_updated} are not missed.
 */
public final class Extractor {

  /** The one object of the ingestion zone that is overwritten: the watermarks. */
  public static final String STATE_KEY = "_state/extract-state.json";

  private static final Logger log = LoggerFactory.getLogger(Extractor.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  private static final int FETCH_SIZE = 5_000;

  private final Supplier<DataSource> source;
  private final ObjectStore ingestion;
  private final List<SourceTable> tables;
  private final Duration overlap;
  private final LakeKeys keys;
  private final LakeFiles files;
  private final ProgressListener listener;

  /**
   * @param source the totesys database, resolved when a run needs it
   * @param ingestion the ingestion zone
   * @param tables the tables to extract
   * @param overlap how far before each watermark every run re-reads
   * @param keys names the run's objects
   * @param files how the objects are written (in clear or encrypted)
   * @param listener progress
   */
  public Extractor(Supplier<DataSource> source, ObjectStore ingestion, List<SourceTable> tables, Duration overlap,
      LakeKeys keys, LakeFiles files, ProgressListener listener) {
    this.files = files;
    this.source = source;
    this.ingestion = ingestion;
    this.tables = List.copyOf(tables);
    this.overlap = overlap;
    this.keys = keys;
    this.listener = listener;
  }

  /** The watermark of one table and the versions already extracted inside the overlap window. */
  record TableState(String watermark, List<String> recent) {}

  /** The whole extract state as stored. */
  record State(Map<String, TableState> tables) {}

  /**
   * Extracts every table once.
   *
   * @param stats where counts go
   */
  public void run(RunStats stats) {
    State state = readState();
    Map<String, TableState> current = new TreeMap<>(state.tables() == null ? Map.of() : state.tables());
    Instant runTime = keys.nextRunTime();
    try (Connection c = source.get().getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      checkTables(c);
      for (SourceTable table : tables) {
        String task = "extract " + table.tableName();
        listener.onStart(task);
        TableState before = current.get(table.tableName());
        @Nullable TableState after = extractTable(c, table, before, runTime, stats);
        if (after != null) {
          current.put(table.tableName(), after);
          writeState(new State(current));
        }
        listener.onSuccess(task, stats.rowsExtracted.getOrDefault(table.tableName(), 0L) + " rows");
      }
      c.rollback();
    } catch (SQLException e) {
      throw Sql.map(e, "extracting from the totesys database");
    }
  }

  private void checkTables(Connection c) throws SQLException {
    Map<String, Set<String>> columns = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns"
        + " WHERE table_schema = 'public' AND table_name = ANY (?)")) {
      Array names = c.createArrayOf("text", tables.stream().map(SourceTable::tableName).toArray());
      ps.setArray(1, names);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        }
      }
    }
    for (SourceTable table : tables) {
      Set<String> found = columns.get(table.tableName());
      if (found == null) {
        throw new NotFoundException("the source database has no table public." + table.tableName()
            + "; is it the totesys database?");
      }
      List<String> missing = new ArrayList<>(table.schema().names());
      missing.removeAll(found);
      if (!missing.isEmpty()) {
        throw new DataFormatException("source table public." + table.tableName() + " lacks columns " + missing);
      }
    }
  }

  private @Nullable TableState extractTable(Connection c, SourceTable table, @Nullable TableState before, Instant runTime,
      RunStats stats) throws SQLException {
    RowSchema schema = table.schema();
    LocalDateTime watermark = before == null ? null : LocalDateTime.parse(before.watermark());
    Set<String> seen = before == null ? Set.of() : new HashSet<>(before.recent());
    String sql = "SELECT " + Sql.quoteAll(schema.names()) + " FROM \"public\"." + Sql.quote(table.tableName())
        + (watermark == null ? "" : " WHERE " + Sql.quote(SourceTable.LAST_UPDATED) + " >= ?")
        + " ORDER BY " + Sql.quote(SourceTable.LAST_UPDATED) + ", " + Sql.quote(table.primaryKey());
    String key = LakeKeys.key(table.tableName(), runTime);
    RowWriter writer = null;
    long count = 0;
    LocalDateTime newWatermark = watermark;
    // the versions inside the overlap window of the newest version so far; rows come in last_updated
    // order, so this holds the window, never the table
    ArrayDeque<Version> window = new ArrayDeque<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      if (watermark != null) {
        ps.setObject(1, watermark.minus(overlap));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Row row = read(rs, schema);
          LocalDateTime lastUpdated = LocalDateTime.ofInstant(row.getTimestamp(SourceTable.LAST_UPDATED), ZoneOffset.UTC);
          Version version = new Version(row.getInt(table.primaryKey()), lastUpdated);
          if (seen.contains(version.token())) {
            continue;
          }
          if (writer == null) {
            writer = ParquetRows.writer(ingestion, key, schema, files.write());
          }
          writer.write(row);
          window.addLast(version);
          count++;
          if (newWatermark == null || lastUpdated.isAfter(newWatermark)) {
            newWatermark = lastUpdated;
            LocalDateTime start = newWatermark.minus(overlap);
            while (window.peekFirst().lastUpdated().isBefore(start)) {
              window.removeFirst();
            }
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      if (writer != null) {
        writer.abort();
      }
      throw e;
    }
    if (writer == null) {
      return null;
    }
    writer.close();
    stats.objectWritten();
    RunStats.add(stats.rowsExtracted, table.tableName(), count);
    log.info("extracted {} row versions of {} into {}", count, table.tableName(), key);
    LocalDateTime newest = Objects.requireNonNull(newWatermark, "a written object has rows");
    LocalDateTime windowStart = newest.minus(overlap);
    List<String> recent = new ArrayList<>();
    for (String token : seen) {
      if (!Version.parse(token).lastUpdated().isBefore(windowStart)) {
        recent.add(token);
      }
    }
    for (Version v : window) {
      if (!v.lastUpdated().isBefore(windowStart)) {
        recent.add(v.token());
      }
    }
    recent.sort(null);
    return new TableState(newest.toString(), recent);
  }

  /** One row version: primary key and {@code last_updated}. */
  record Version(int id, LocalDateTime lastUpdated) {
    String token() {
      return id + "@" + lastUpdated;
    }

    static Version parse(String token) {
      int at = token.indexOf('@');
      return new Version(Integer.parseInt(token.substring(0, at)), LocalDateTime.parse(token.substring(at + 1)));
    }
  }

  private static Row read(ResultSet rs, RowSchema schema) throws SQLException {
    @Nullable Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      Column column = schema.column(i);
      values[i] = PostgreSql.readJdbc(rs, i + 1, column.type());
    }
    return Row.of(schema, values);
  }

  private State readState() {
    if (!ingestion.exists(STATE_KEY)) {
      return new State(Map.of());
    }
    try {
      return JSON.readValue(ingestion.getBytes(STATE_KEY), State.class);
    } catch (IOException e) {
      throw new DataFormatException("the extract state " + STATE_KEY + " in " + ingestion.describe()
          + " is not readable (" + e.getMessage() + "); restore it or remove it to extract everything again", e);
    }
  }

  private void writeState(State state) {
    try {
      ingestion.put(STATE_KEY, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DelphaException("cannot serialise the extract state", e);
    }
  }

  /**
   * @param ingestion an ingestion zone
   * @return the watermark of each extracted table
   */
  public static Map<String, LocalDateTime> watermarks(ObjectStore ingestion) {
    Map<String, LocalDateTime> result = new TreeMap<>();
    if (!ingestion.exists(STATE_KEY)) {
      return result;
    }
    try {
      State state = JSON.readValue(ingestion.getBytes(STATE_KEY), State.class);
      state.tables().forEach((t, s) -> result.put(t, LocalDateTime.parse(s.watermark())));
      return result;
    } catch (IOException e) {
      throw new DataFormatException("the extract state " + STATE_KEY + " is not readable", e);
    }
  }
}
