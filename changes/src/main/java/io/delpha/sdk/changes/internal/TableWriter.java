package io.delpha.sdk.changes.internal;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes into an object's table of the organisation's keyspace: one row per record, keyed by {@code id}
 * (text), a column per flat field (its name in lower case). A table that does not exist is created from the event's
 * schema; a field the table lacks is added as a column. Every write carries its own timestamp ({@code USING
 * TIMESTAMP}), so a change applied twice, or after a later one, leaves the row as the latest change made it. Writes go
 * through {@link QuorumExecutor} ({@code LOCAL_QUORUM}, idempotent, sent again on a timed-out attempt) and a batch of
 * them returns when every one is acknowledged. Not thread-safe: one stream's thread uses it.
 */
public final class TableWriter {

  private static final Logger log = LoggerFactory.getLogger(TableWriter.class);
  /** Prepared statements kept, by their text: an update's column sets vary, so the cache is bounded. */
  private static final int MAX_PREPARED = 512;

  private final CqlExecutor cql;
  private final String keyspace;
  private final Map<String, Map<String, DataType>> tables = new ConcurrentHashMap<>();
  private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      return size() > MAX_PREPARED;
    }
  };
  private final List<CompletionStage<?>> pending = new ArrayList<>();

  /**
   * @param cql the host's executor
   * @param keyspace the organisation's keyspace (a plain identifier, checked by the builder)
   */
  public TableWriter(CqlExecutor cql, String keyspace) {
    this.cql = new QuorumExecutor(cql);
    this.keyspace = keyspace;
  }

  /**
   * Makes sure the table exists with a column for each of the schema's flat fields.
   *
   * @param table the table
   * @param schema the event schema whose fields it must hold
   * @return the table's columns and their types
   */
  public Map<String, DataType> ensure(String table, EventSchema schema) {
    Map<String, DataType> known = tables.get(table);
    if (known != null && known.keySet().containsAll(schema.columns().keySet())) {
      return known;
    }
    Map<String, DataType> columns = describe(table).orElse(null);
    try {
      if (columns == null) {
        String ddl = "CREATE TABLE IF NOT EXISTS " + CqlNames.qualified(keyspace, table) + " (id text PRIMARY KEY"
            + schema.columns().values().stream().map(c -> ", " + CqlNames.quote(c.cql()) + " " + c.kind().cql())
                .collect(Collectors.joining()) + ")";
        log.info("creating table {}.{} from change event schema {}", keyspace, table, schema.id());
        cql.execute(ddl);
      } else {
        for (EventSchema.Column c : schema.columns().values()) {
          if (!columns.containsKey(c.cql())) {
            log.info("adding column {} ({}) to {}.{} for field {}", c.cql(), c.kind().cql(), keyspace, table,
                c.field());
            cql.execute("ALTER TABLE " + CqlNames.qualified(keyspace, table) + " ADD " + CqlNames.quote(c.cql()) + " "
                + c.kind().cql());
          }
        }
      }
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
    columns = describe(table).orElseThrow(() -> new NotFoundException("table " + keyspace + "." + table
        + " was created but the cluster's schema does not show it yet; the stream will try again"));
    DataType key = columns.get("id");
    if (key == null || !key.equals(DataTypes.TEXT)) {
      throw new InvalidInputException("table " + keyspace + "." + table + " cannot take Salesforce changes: its key "
          + "must be the column id of type text");
    }
    tables.put(table, columns);
    return columns;
  }

  private Optional<Map<String, DataType>> describe(String table) {
    Optional<KeyspaceMetadata> ks = cql.schema().getKeyspace(CqlNames.quote(keyspace));
    if (ks.isEmpty()) {
      ks = cql.schema().getKeyspace(keyspace);
    }
    if (ks.isEmpty()) {
      throw new NotFoundException("keyspace " + keyspace + " does not exist; create the organisation's keyspace "
          + "first");
    }
    Optional<TableMetadata> t = ks.get().getTable(table);
    return t.map(m -> {
      Map<String, DataType> out = new LinkedHashMap<>();
      for (ColumnMetadata c : m.getColumns().values()) {
        out.put(c.getName().asInternal(), c.getType());
      }
      return out;
    });
  }

  /**
   * Sends an upsert of one record's columns at a timestamp; {@link #flush()} waits for it.
   *
   * @param table the table ({@link #ensure}d)
   * @param id the record id
   * @param values the columns to set, by CQL name; a null value sets the column to null
   * @param timestamp the write's timestamp, microseconds
   */
  public void upsert(String table, String id, Map<String, @Nullable Object> values, long timestamp) {
    Map<String, DataType> columns = columns(table);
    List<String> names = new ArrayList<>();
    List<@Nullable Object> bound = new ArrayList<>();
    bound.add(id);
    for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
      DataType type = columns.get(e.getKey());
      if (type == null) {
        continue; // a re-read's field the table was not given (the event schema did not name it)
      }
      names.add(e.getKey());
      bound.add(convert(e.getValue(), type, table, e.getKey()));
    }
    bound.add(timestamp);
    String text = "INSERT INTO " + CqlNames.qualified(keyspace, table) + " (id"
        + names.stream().map(n -> ", " + CqlNames.quote(n)).collect(Collectors.joining()) + ") VALUES (?"
        + ", ?".repeat(names.size()) + ") USING TIMESTAMP ?";
    send(text, bound);
  }

  /**
   * Sends a delete of one record at a timestamp; {@link #flush()} waits for it.
   *
   * @param table the table
   * @param id the record id
   * @param timestamp the write's timestamp, microseconds
   */
  public void delete(String table, String id, long timestamp) {
    send("DELETE FROM " + CqlNames.qualified(keyspace, table) + " USING TIMESTAMP ? WHERE id = ?",
        List.of(timestamp, id));
  }

  /**
   * @param table a table ({@link #ensure}d)
   * @return every record id the table holds
   */
  public Set<String> ids(String table) {
    flush();
    Set<String> ids = new HashSet<>();
    try {
      for (Row r : cql.execute("SELECT id FROM " + CqlNames.qualified(keyspace, table))) {
        ids.add(r.getString(0));
      }
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
    return ids;
  }

  /**
   * @param table a table
   * @return its columns, once {@link #ensure}d
   */
  public Map<String, DataType> columns(String table) {
    Map<String, DataType> columns = tables.get(table);
    if (columns == null) {
      throw new IllegalStateException("table " + table + " was not ensured");
    }
    return columns;
  }

  private void send(String text, List<@Nullable Object> values) {
    try {
      PreparedStatement p;
      synchronized (prepared) {
        p = prepared.get(text);
        if (p == null) {
          p = cql.prepare(text);
          prepared.put(text, p);
        }
      }
      BoundStatement b = p.bind(values.toArray()).setIdempotent(true);
      pending.add(cql.executeAsync(b));
      if (pending.size() >= 256) {
        flush();
      }
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }

  /** Waits until every write sent is acknowledged; the first failure is thrown (mapped). */
  public void flush() {
    List<CompletionStage<?>> waiting = new ArrayList<>(pending);
    pending.clear();
    RuntimeException first = null;
    for (CompletionStage<?> s : waiting) {
      try {
        s.toCompletableFuture().join();
      } catch (CompletionException e) {
        if (first == null) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          first = cause instanceof DelphaException d ? d : DriverErrors.onRequest(cause);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** A column's value as the driver binds it to the table's type (the table may predate the stream). */
  private @Nullable Object convert(@Nullable Object v, DataType type, String table, String column) {
    if (v == null) {
      return null;
    }
    if (type.equals(DataTypes.TEXT) && !(v instanceof String)) {
      return v.toString();
    }
    if (type.equals(DataTypes.DECIMAL) && v instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (type.equals(DataTypes.DOUBLE) && v instanceof Number n) {
      return n.doubleValue();
    }
    if (type.equals(DataTypes.BIGINT) && v instanceof Integer i) {
      return i.longValue();
    }
    Class<?> want = javaClass(type);
    if (want != null && !want.isInstance(v)) {
      throw new InvalidInputException("column " + column + " of " + keyspace + "." + table + " is "
          + type.asCql(false, true).toLowerCase(Locale.ROOT) + ", which cannot hold the field's "
          + v.getClass().getSimpleName() + " values; drop the column or give the stream another table");
    }
    return v;
  }

  private static @Nullable Class<?> javaClass(DataType type) {
    if (type.equals(DataTypes.TEXT)) {
      return String.class;
    }
    if (type.equals(DataTypes.BOOLEAN)) {
      return Boolean.class;
    }
    if (type.equals(DataTypes.INT)) {
      return Integer.class;
    }
    if (type.equals(DataTypes.BIGINT)) {
      return Long.class;
    }
    if (type.equals(DataTypes.DOUBLE)) {
      return Double.class;
    }
    if (type.equals(DataTypes.TIMESTAMP)) {
      return java.time.Instant.class;
    }
    if (type.equals(DataTypes.DATE)) {
      return java.time.LocalDate.class;
    }
    if (type.equals(DataTypes.TIME)) {
      return java.time.LocalTime.class;
    }
    if (type.equals(DataTypes.BLOB)) {
      return java.nio.ByteBuffer.class;
    }
    return null;
  }
}
