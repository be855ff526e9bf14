package io.delpha.sdk.changes.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import io.delpha.sdk.core.internal.cql.RowBatcher;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes into an object's table of the organisation's keyspace: one row per record, keyed by {@code id}
 * (text), a column per flat field (its name in lower case). A table that does not exist is created from the event's
 * schema; a field the table lacks is added as a column. Every write carries its own timestamp ({@code USING
 * TIMESTAMP}), so a change applied twice, or after a later one, leaves the row as the latest change made it, in a
 * batch or not. Writes are grouped into unlogged batches of at most {@link #MAX_BATCH} writes and {@link
 * #MAX_BATCH_BYTES} as Cassandra measures them (a larger write goes alone) whose partitions share their replicas (by
 * the driver's token map; without one, by partition), as dsbulk's {@code REPLICA_SET} batch mode does: about a tenth of
 * the requests, each to a coordinator that is a replica of every write in it. A group is sent when full, or at {@link
 * #push()} (the stream's thread pushes when it has no answer waiting, so a batch carries on over an answer's end
 * instead of ending each answer with a short one); a group of one is sent as the single write. Requests go through
 * {@link QuorumExecutor} ({@code
 * LOCAL_QUORUM}, idempotent, sent again on a timed-out attempt, a batch as a single write is), at most {@link
 * #MAX_IN_FLIGHT} unacknowledged at a time (a send waits for a slot, at most the writer's wait, then fails {@code
 * ServiceUnavailable}); {@link #mark()} groups the writes since the last mark (an answer's) into a future done when
 * every request holding them is sent and acknowledged, failed when one fails (a batch may hold writes of two marks:
 * its answer counts for both); {@link #flush()} sends and waits for every write. An upsert
 * is one statement prepared per table over all its columns (prepared again when a column is added), the columns a
 * write does not set left unset (not written; native protocol v4 and later), bound by index with the codecs of their
 * types (text as its UTF-8 bytes, {@link #utf8}). Not thread-safe: one stream's thread uses it (the
 * futures complete on the driver's threads).
 */
public final class TableWriter {

  private static final Logger log = LoggerFactory.getLogger(TableWriter.class);
  /** Prepared statements kept, by their text (an INSERT per table and column list, a DELETE per table), at most. */
  private static final int MAX_PREPARED = 512;
  /** Requests (a batch or a single write) sent and not yet acknowledged, at most, over every answer in flight. */
  public static final int MAX_IN_FLIGHT = 512;
  /** Writes in a batch, at most: {@link RowBatcher#MAX_BATCH_PARTITIONS} (Cassandra warns above), the anchor's 10. */
  static final int MAX_BATCH = RowBatcher.MAX_BATCH_PARTITIONS;
  /**
   * A batch's size as Cassandra measures it, at most: its values, {@link #CELL_BYTES} more each, under the node's
   * {@code batch_size_warn_threshold} (5 KiB by default), above which the node and the driver log a warning per batch.
   */
  static final int MAX_BATCH_BYTES = 4 * 1024;
  /** A cell's bytes beyond its value in a batch's size (its timestamp and flags; about 17 in the benchmark's). */
  private static final int CELL_BYTES = 20;

  private final CqlExecutor cql;
  private final String keyspace;
  private final Map<String, Map<String, DataType>> tables = new ConcurrentHashMap<>();
  /** By table, the last schema whose columns its columns were found to hold. */
  private final Map<String, EventSchema> ensured = new ConcurrentHashMap<>();
  private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      return size() > MAX_PREPARED;
    }
  };
  /** The prepared INSERT of each table, of every column it had when prepared (re-prepared once it has more). */
  private final Map<String, Insert> inserts = new ConcurrentHashMap<>();
  private final Map<String, PreparedStatement> deletes = new ConcurrentHashMap<>();
  /** The group of the writes sent since the last {@link #mark()}. */
  private Marked open = new Marked();
  /** The groups marked and not yet seen done by {@link #flush()}. */
  private final List<CompletableFuture<Void>> groups = new ArrayList<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  /** Writes not sent yet, by their replicas (or, without a token map, their partition), in the order they came. */
  private final Map<Object, Group> unsent = new LinkedHashMap<>();
  private final CqlIdentifier keyspaceId;
  /** The most {@link #flush()} waits. */
  private final Duration wait;

  /**
   * A table's prepared INSERT of all its columns: a write binds the columns it sets and leaves the others unset (not
   * written, as if not named), so one statement serves every column set an update carries.
   *
   * @param columns the table's columns it was prepared from
   * @param statement the statement: {@code id}, every other column, the timestamp
   * @param index by column name (not {@code id}), its bind index
   * @param types by bind index, the column's type
   * @param codecs by bind index, the codec of the type's Java class
   * @param byClass by bind index, whether the codec is looked up by the value's class instead (a type without one)
   * @param text by bind index, whether the column is text (a string bound as its UTF-8 bytes)
   * @param conversions by bind index, how a value is made the type's ({@link #convert})
   * @param classes by bind index, the Java class a value must be of once converted ({@code Object} for any)
   */
  private record Insert(Map<String, DataType> columns, PreparedStatement statement, Map<String, Integer> index,
      DataType[] types, TypeCodec<?>[] codecs, boolean[] byClass, boolean[] text, Conversion[] conversions,
      Class<?>[] classes) {}

  /** How a value is made a column type's, by the type (the table may predate the stream). */
  private enum Conversion {
    /** Text: any value as its {@code toString()}. */
    TEXT,
    /** Decimal: a number by its decimal text. */
    DECIMAL,
    /** Double: a number's double value. */
    DOUBLE,
    /** Bigint: an int widened. */
    BIGINT,
    /** Any other type: the value as it is. */
    NONE
  }

  /** The insert and schema whose slots {@link #binds} are of, and by slot, the bind index (-1 for none). */
  private @Nullable Insert bindsInsert;
  private @Nullable EventSchema bindsSchema;
  private int[] binds = new int[0];

  /**
   * @param cql the host's executor
   * @param keyspace the organisation's keyspace (a plain identifier, checked by the builder)
   */
  public TableWriter(CqlExecutor cql, String keyspace) {
    this(cql, keyspace, Duration.ofSeconds(60));
  }

  /**
   * @param cql the host's executor
   * @param keyspace the organisation's keyspace (a plain identifier, checked by the builder)
   * @param wait the most {@link #flush()} waits for the writes in flight (an executor that never answers does not
   *     hold the stream)
   */
  public TableWriter(CqlExecutor cql, String keyspace, Duration wait) {
    this.cql = new QuorumExecutor(cql);
    this.keyspace = keyspace;
    this.keyspaceId = CqlIdentifier.fromInternal(keyspace);
    this.wait = wait;
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
    if (known != null && ensured.get(table) == schema) {
      return known; // the schema's columns were found in these (a stream's events repeat their schema)
    }
    if (known != null && known.keySet().containsAll(schema.columns().keySet())) {
      ensured.put(table, schema);
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
    ensured.put(table, schema);
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
    upsert(table, id, values, timestamp, false);
  }

  /**
   * Sends an upsert of one record's columns at a timestamp; {@link #flush()} waits for it.
   *
   * @param table the table ({@link #ensure}d)
   * @param id the record id
   * @param values the columns to set, by CQL name
   * @param timestamp the write's timestamp, microseconds
   * @param newRecord whether the record is new (a {@code CREATE}): a null value is then not written (a column of a
   *     row that had no cell is null without a tombstone); otherwise it sets the column to null
   */
  public void upsert(String table, String id, Map<String, @Nullable Object> values, long timestamp,
      boolean newRecord) {
    Map<String, DataType> columns = columns(table);
    Insert insert = inserts.get(table);
    if (insert == null || insert.columns != columns) {
      insert = insert(table, columns);
      inserts.put(table, insert);
    }
    BoundStatementBuilder b = insert.statement.boundStatementBuilder();
    b.setBytesUnsafe(0, utf8(id));
    if (values instanceof EventValues event) {
      int[] slots = binds(insert, event.schema());
      for (int slot = 0; slot < slots.length; slot++) {
        int i = slots[slot];
        if (i < 0 || !event.isSet(slot)) {
          continue;
        }
        Object v = event.value(slot);
        if (newRecord && v == null) {
          continue; // left unset: no tombstone for a field a new record does not have
        }
        bind(b, insert, i, v, table, event.schema().slotName(slot));
      }
    } else {
      for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
        Integer i = insert.index.get(e.getKey());
        if (i == null) {
          continue; // a re-read's field the table was not given (the event schema did not name it)
        }
        if (newRecord && e.getValue() == null) {
          continue; // left unset: no tombstone for a field a new record does not have
        }
        bind(b, insert, i, e.getValue(), table, e.getKey());
      }
    }
    b.set(insert.types.length - 1, timestamp, TypeCodecs.BIGINT);
    add(b.setIdempotence(true).build());
  }

  /** Binds a value, converted to the column's type, at its index. */
  private void bind(BoundStatementBuilder b, Insert insert, int i, @Nullable Object value, String table,
      String column) {
    Object v = convert(value, insert, i, table, column);
    if (v instanceof String text && insert.text[i]) {
      b.setBytesUnsafe(i, utf8(text));
    } else {
      setValue(b, i, v, insert.byClass[i] ? null : insert.codecs[i]);
    }
  }

  /** By slot of the schema, the insert's bind index of the column (-1 for a column it lacks): kept for the last pair. */
  private int[] binds(Insert insert, EventSchema schema) {
    if (insert != bindsInsert || schema != bindsSchema) {
      int[] slots = new int[schema.columns().size()];
      for (int slot = 0; slot < slots.length; slot++) {
        Integer i = insert.index.get(schema.slotName(slot));
        slots[slot] = i == null ? -1 : i;
      }
      binds = slots;
      bindsInsert = insert;
      bindsSchema = schema;
    }
    return binds;
  }

  /** The prepared INSERT of every column of a table, with each value's type and codec. */
  private Insert insert(String table, Map<String, DataType> columns) {
    StringBuilder cols = new StringBuilder();
    List<String> names = new ArrayList<>(columns.size());
    for (String name : columns.keySet()) {
      if (!name.equals("id")) {
        cols.append(", ").append(CqlNames.quote(name));
        names.add(name);
      }
    }
    String text = "INSERT INTO " + CqlNames.qualified(keyspace, table) + " (id" + cols + ") VALUES (?"
        + ", ?".repeat(names.size()) + ") USING TIMESTAMP ?";
    PreparedStatement p = prepared(text);
    ColumnDefinitions vars = p.getVariableDefinitions();
    CodecRegistry registry = p.boundStatementBuilder().codecRegistry();
    DataType[] types = new DataType[vars.size()];
    TypeCodec<?>[] codecs = new TypeCodec<?>[vars.size()];
    boolean[] byClass = new boolean[vars.size()];
    boolean[] isText = new boolean[vars.size()];
    Conversion[] conversions = new Conversion[vars.size()];
    Class<?>[] classes = new Class<?>[vars.size()];
    for (int i = 0; i < vars.size(); i++) {
      DataType t = vars.get(i).getType();
      types[i] = t;
      isText[i] = t.equals(DataTypes.TEXT);
      conversions[i] = t.equals(DataTypes.TEXT) ? Conversion.TEXT : t.equals(DataTypes.DECIMAL) ? Conversion.DECIMAL
          : t.equals(DataTypes.DOUBLE) ? Conversion.DOUBLE : t.equals(DataTypes.BIGINT) ? Conversion.BIGINT
          : Conversion.NONE;
      Class<?> want = javaClass(t);
      classes[i] = want == null ? Object.class : want;
      byClass[i] = javaClass(t) == null && !t.equals(DataTypes.DECIMAL);
      codecs[i] = byClass[i] ? TypeCodecs.TEXT : registry.codecFor(t);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i + 1);
    }
    return new Insert(columns, p, Map.copyOf(index), types, codecs, byClass, isText, conversions, classes);
  }

  /**
   * A text value's UTF-8 bytes, as the driver's text codec makes them, by {@code String.getBytes} (the codec's {@code
   * CharsetEncoder} took a tenth of the stream's thread). One difference: an unpaired surrogate, which only a REST
   * answer's JSON escape of a lone surrogate can make (Avro's strings are decoded from UTF-8), is written as {@code ?}
   * where the codec would refuse the write, and with it every later answer of the stream.
   */
  static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  private static void setValue(BoundStatementBuilder b, int i, @Nullable Object v, @Nullable TypeCodec<?> codec) {
    if (v == null) {
      b.setToNull(i);
    } else if (codec != null) {
      b.set(i, v, (TypeCodec<Object>) codec);
    } else {
      b.set(i, v, (Class<Object>) v.getClass());
    }
  }

  /**
   * Sends a delete of one record at a timestamp; {@link #flush()} waits for it.
   *
   * @param table the table
   * @param id the record id
   * @param timestamp the write's timestamp, microseconds
   */
  public void delete(String table, String id, long timestamp) {
    PreparedStatement p = deletes.computeIfAbsent(table, t -> prepared("DELETE FROM "
        + CqlNames.qualified(keyspace, t) + " USING TIMESTAMP ? WHERE id = ?"));
    add(p.boundStatementBuilder().set(0, timestamp, TypeCodecs.BIGINT).setBytesUnsafe(1, utf8(id))
        .setIdempotence(true).build());
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

  private PreparedStatement prepared(String text) {
    try {
      synchronized (prepared) {
        PreparedStatement p = prepared.get(text);
        if (p == null) {
          p = cql.prepare(text);
          prepared.put(text, p);
        }
        return p;
      }
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }

  /**
   * Adds a write to the group of its replicas (without a token map, of its partition; without a routing key, a group
   * of its own), sending the group once it holds {@link #MAX_BATCH}.
   */
  private void add(BoundStatement b) {
    Object key = group(b);
    int bytes = 0;
    for (int i = 0; i < b.size(); i++) {
      if (b.isSet(i)) { // an unset column is not written
        ByteBuffer v = b.getBytesUnsafe(i);
        bytes += CELL_BYTES + (v == null ? 0 : v.remaining());
      }
    }
    Group g = unsent.get(key);
    if (g != null && g.bytes + bytes > MAX_BATCH_BYTES) {
      unsent.remove(key);
      send(g);
      g = null;
    }
    if (g == null) {
      g = new Group();
      unsent.put(key, g);
    }
    g.writes.add(b);
    g.bytes += bytes;
    if (g.marks.isEmpty() || g.marks.get(g.marks.size() - 1) != open) {
      open.remaining.incrementAndGet(); // the open mark waits for this group's request
      g.marks.add(open);
    }
    if (g.writes.size() >= MAX_BATCH) {
      unsent.remove(key);
      send(g);
    }
  }

  /** Writes waiting for their batch. */
  private static final class Group {
    final List<BoundStatement> writes = new ArrayList<>(MAX_BATCH);
    /** Bytes of the writes' values. */
    int bytes;
    /** The marks (answers) whose writes it holds, in order; each counts this group's request once. */
    final List<Marked> marks = new ArrayList<>(2);
  }

  /** The key of a write's group: the set of its replicas, else its routing key, else a key of its own. */
  private Object group(BoundStatement b) {
    ByteBuffer routingKey = b.getRoutingKey();
    if (routingKey == null) {
      return new Object();
    }
    Optional<TokenMap> ring = cql.cluster().tokenMap();
    if (ring.isPresent()) {
      Set<Node> replicas = ring.get().getReplicas(keyspaceId, routingKey);
      if (!replicas.isEmpty()) {
        return replicas;
      }
    }
    return routingKey;
  }

  /**
   * Sends the writes of every group not yet full: the stream's thread calls it when no answer is waiting, before it
   * waits for one or for an answer's writes, so no write waits for a batch to fill.
   */
  public void push() {
    if (unsent.isEmpty()) {
      return;
    }
    List<Group> groups = new ArrayList<>(unsent.values());
    unsent.clear();
    for (Group g : groups) {
      send(g);
    }
  }

  /** Sends a group: one write alone, more as an unlogged, idempotent batch at {@code LOCAL_QUORUM}. */
  private void send(Group g) {
    List<BoundStatement> writes = g.writes;
    if (writes.size() == 1) {
      send(writes.get(0), g.marks);
    } else {
      send(BatchStatement.newInstance(BatchType.UNLOGGED, writes.toArray(BoundStatement[]::new))
          .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true), g.marks);
    }
  }

  /**
   * Sends a request once fewer than {@link #MAX_IN_FLIGHT} are unacknowledged (waiting at most the writer's wait); its
   * answer counts for each mark whose writes it holds. A request that cannot be sent fails those marks.
   *
   * @throws ServiceUnavailableException if no request is acknowledged within the wait
   */
  private void send(com.datastax.oss.driver.api.core.cql.Statement<?> b, List<Marked> marks) {
    try {
      if (!inFlight.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw failed(marks, new ServiceUnavailableException(MAX_IN_FLIGHT + " writes to " + keyspace + " were not "
            + "acknowledged within " + wait.toMillis() + " ms"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(marks, new ServiceUnavailableException("interrupted while sending a write to Cassandra"));
    }
    CompletionStage<?> f;
    try {
      f = cql.executeAsync(b);
    } catch (RuntimeException e) {
      inFlight.release();
      throw failed(marks, e instanceof DelphaException d ? d : DriverErrors.onRequest(e));
    }
    f.whenComplete((r, x) -> {
      inFlight.release();
      RuntimeException failure = x == null ? null : mapped(x);
      for (int i = 0; i < marks.size(); i++) {
        if (failure != null) {
          marks.get(i).done.completeExceptionally(failure);
        } else {
          marks.get(i).acknowledged();
        }
      }
    });
  }

  private static RuntimeException failed(List<Marked> marks, RuntimeException e) {
    for (Marked m : marks) {
      m.done.completeExceptionally(e);
    }
    return e;
  }

  /**
   * The requests of one group (an answer's): done when every one is acknowledged and the group is closed, failed
   * (mapped) as soon as one fails.
   */
  private static final class Marked {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Requests unacknowledged, plus one while the group is open. */
    final AtomicInteger remaining = new AtomicInteger(1);

    void acknowledged() {
      if (remaining.decrementAndGet() == 0) {
        done.complete(null);
      }
    }
  }

  /**
   * Closes the writes given since the last mark into one group (an answer's). Those not yet sent go with the next
   * writes' batch, or at {@link #push()}.
   *
   * @return done when every write of the group is sent and acknowledged; failed (mapped) as soon as one of them fails
   */
  public CompletableFuture<Void> mark() {
    Marked group = open;
    open = new Marked();
    group.acknowledged(); // closed: done once its requests are
    groups.removeIf(CompletableFuture::isDone);
    groups.add(group.done);
    return group.done;
  }

  /**
   * Waits until every write sent is acknowledged (the groups marked before too), at most the writer's wait; the first
   * failure is thrown.
   *
   * @throws ServiceUnavailableException if they are not all acknowledged within the wait
   */
  public void flush() {
    List<CompletableFuture<Void>> waiting = takeGroups();
    RuntimeException first = null;
    long deadline = System.nanoTime() + wait.toNanos();
    for (CompletableFuture<Void> s : waiting) {
      try {
        s.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        if (first == null) {
          first = mapped(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
      } catch (TimeoutException e) {
        throw new ServiceUnavailableException("writes to " + keyspace + " were not acknowledged within "
            + wait.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while waiting for writes to " + keyspace);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Every write sent so far as one future, which {@link #flush()} no longer waits for: for a caller that waits for them
   * with a bound of its own (a stream that stops).
   *
   * @return done when every write is acknowledged; failed (once all are done) if one failed
   */
  public CompletableFuture<Void> sent() {
    return CompletableFuture.allOf(takeGroups().toArray(CompletableFuture<?>[]::new));
  }

  /** Sends every write, marks those not yet in a group, takes every group marked (flush no longer waits for them). */
  private List<CompletableFuture<Void>> takeGroups() {
    push();
    mark();
    List<CompletableFuture<Void>> taken = new ArrayList<>(groups);
    groups.clear();
    return taken;
  }

  /** A write's failure as the library's exception. */
  static RuntimeException mapped(Throwable x) {
    Throwable cause = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
    return cause instanceof DelphaException d ? d : DriverErrors.onRequest(cause);
  }

  /**
   * A column's value as the driver binds it to the table's type (the table may predate the stream): text from any
   * value, a decimal or double from any number, a bigint from an int; any other value must be of the type's class.
   */
  private @Nullable Object convert(@Nullable Object v, Insert insert, int i, String table, String column) {
    if (v == null) {
      return null;
    }
    switch (insert.conversions[i]) {
      case TEXT -> {
        if (!(v instanceof String)) {
          return v.toString();
        }
      }
      case DECIMAL -> {
        if (v instanceof Number n) {
          return new BigDecimal(n.toString());
        }
      }
      case DOUBLE -> {
        if (v instanceof Number n) {
          return n.doubleValue();
        }
      }
      case BIGINT -> {
        if (v instanceof Integer n) {
          return n.longValue();
        }
      }
      case NONE -> { }
    }
    if (!insert.classes[i].isInstance(v)) {
      DataType type = insert.types[i];
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
