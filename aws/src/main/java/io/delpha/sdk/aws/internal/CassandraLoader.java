package io.delpha.sdk.aws.internal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.SchemaCatalog;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.internal.cql.BoundedWriter;
import io.delpha.sdk.core.internal.cql.RowBatcher;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.engines.Cql;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts the rows of a {@link FlowData} into a Cassandra table through a {@link CqlExecutor}: one
 * prepared {@code INSERT} (an upsert in Cassandra, so a re-run writes the same cells again and never
 * duplicates a row), through the library's one table writer ({@link RowBatcher}: rows grouped by the replicas
 * that own them into unlogged batches, at most {@code maxInFlight} requests outstanding).
 *
 * <p>Parquet column names map to lower-case CQL names ({@code FirstName} becomes {@code firstname}),
 * as unquoted CQL would fold them. The table's columns are checked against the Parquet schema before
 * the first write, so a mismatch writes nothing.
 */
public final class CassandraLoader {

  private static final Logger log = LoggerFactory.getLogger(CassandraLoader.class);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private final CqlExecutor cql;
  private final SchemaCatalog schema;
  private final String keyspace;
  private final String table;
  private final LoadOptions options;

  /**
   * @param cql where to write
   * @param schema the data dictionary of {@code cql}'s cluster, which the table is checked against
   * @param keyspace the keyspace, a plain CQL identifier
   * @param table the table, a plain CQL identifier
   * @param options the load options
   */
  public CassandraLoader(CqlExecutor cql, SchemaCatalog schema, String keyspace, String table, LoadOptions options) {
    this.cql = Objects.requireNonNull(cql, "cql");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.keyspace = identifier(keyspace, "keyspace");
    this.table = identifier(table, "table");
    this.options = Objects.requireNonNull(options, "options");
  }

  private static String identifier(String name, String what) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new InvalidInputException(what + " name '" + name + "' must be a letter followed by up to 47 "
          + "letters, digits or underscores");
    }
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Loads every remaining row of {@code data}.
   *
   * @param data the run's rows; read to the end, not closed
   * @return counts
   */
  public LoadReport load(FlowData data) {
    long start = System.nanoTime();
    String task = "load flow " + data.flowName() + " run " + data.execution().executionId() + " into "
        + keyspace + "." + table;
    ProgressListener listener = options.listener();
    notify(() -> listener.onStart(task));
    try {
      Map<String, String> cqlNames = cqlNames(data.schema());
      Target target = prepareTable(data.schema(), cqlNames);
      long written = write(data, cqlNames, target.table(), task);
      LoadReport report = new LoadReport(data.flowName(), data.execution().executionId(), keyspace, table,
          data.files().size(), written, target.created(), Duration.ofNanos(System.nanoTime() - start));
      log.info("{}: {} rows from {} files in {} ms", task, written, report.files(), report.elapsed().toMillis());
      notify(() -> listener.onSuccess(task, written + " rows from " + report.files() + " files"));
      return report;
    } catch (DelphaException e) {
      notify(() -> listener.onFailure(task, e));
      throw e;
    }
  }

  private static void notify(Runnable callback) {
    Listeners.notify(callback, Runnable::run);
  }

  /** Parquet column name to CQL column name. */
  private static Map<String, String> cqlNames(RowSchema schema) {
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, String> seen = new HashMap<>();
    for (Column c : schema.columns()) {
      String lower = c.name().toLowerCase(Locale.ROOT);
      String other = seen.put(lower, c.name());
      if (other != null) {
        throw new DataFormatException("Parquet columns '" + other + "' and '" + c.name()
            + "' differ only by case and would be the same Cassandra column '" + lower + "'");
      }
      names.put(c.name(), lower);
    }
    return names;
  }

  /** The table rows go to, and whether this load created it. */
  private record Target(TableDescription table, boolean created) {}

  /** The table as the data dictionary sees it after this call: checked against the data, or created. */
  private Target prepareTable(RowSchema schema, Map<String, String> cqlNames) {
    Optional<TableDescription> existing = existingTable();
    if (existing.isPresent()) {
      checkCompatible(schema, cqlNames, existing.get());
      return new Target(existing.get(), false);
    }
    if (!options.createTable()) {
      throw new NotFoundException("table " + keyspace + "." + table + " does not exist; create it or pass "
          + "LoadOptions.builder().createTable(true) to create it from the Parquet schema");
    }
    createTable(schema, cqlNames);
    return new Target(existingTable().orElseThrow(() -> new ServiceUnavailableException("table " + keyspace + "."
        + table + " was created but the cluster's schema does not show it yet; run the load again")), true);
  }

  /** The target table, read through the one data dictionary ({@link SchemaCatalog}) of the executor. */
  private Optional<TableDescription> existingTable() {
    return schema.describeKeyspace(keyspace).tables().stream().filter(t -> t.name().equals(table)).findFirst();
  }

  private void createTable(RowSchema schema, Map<String, String> cqlNames) {
    List<String> key = new ArrayList<>();
    for (String k : options.primaryKey()) {
      Column c = schema.indexOf(k).isPresent() ? schema.column(k) : null;
      if (c == null) {
        throw new InvalidInputException("primary key column '" + k + "' is not in the flow's Parquet schema "
            + schema.names());
      }
      key.add(CqlNames.quote(Objects.requireNonNull(cqlNames.get(k), "every schema column has a CQL name")));
    }
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualifiedTable()).append(" (");
    for (Column c : schema.columns()) {
      ddl.append(CqlNames.quote(Objects.requireNonNull(cqlNames.get(c.name()), "every schema column has a CQL name")))
          .append(' ').append(cqlType(c)).append(", ");
    }
    ddl.append("PRIMARY KEY ((").append(String.join(", ", key)).append(")))");
    log.info("creating table {}.{} from the flow's Parquet schema", keyspace, table);
    cql.execute(ddl.toString());
  }

  private void checkCompatible(RowSchema schema, Map<String, String> cqlNames, TableDescription existing) {
    Map<String, ColumnDescription> columns = new HashMap<>();
    existing.columns().forEach(c -> columns.put(c.name(), c));
    List<String> problems = new ArrayList<>();
    for (Column c : schema.columns()) {
      String name = cqlNames.get(c.name());
      ColumnDescription tc = columns.get(name);
      if (tc == null) {
        problems.add("column '" + c.name() + "' (" + name + ") is not in the table");
      } else if (!Cql.accepts(tc.type(), c.type(), cqlType(c))) {
        problems.add("column " + name + " is " + tc.type() + " in the table but " + c.type() + " in Parquet ("
            + cqlType(c) + " expected)");
      }
    }
    Set<String> parquetNames = Set.copyOf(cqlNames.values());
    for (ColumnDescription key : keyColumns(existing)) {
      if (!parquetNames.contains(key.name())) {
        problems.add("key column " + key.name() + " of the table is not in the Parquet schema");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("table " + keyspace + "." + table + " does not fit the flow's data: "
          + String.join("; ", problems));
    }
  }

  private static List<ColumnDescription> keyColumns(TableDescription t) {
    List<ColumnDescription> keys = new ArrayList<>(t.partitionKey());
    keys.addAll(t.clusteringColumns());
    return keys;
  }

  /**
   * The Cassandra type a Parquet column is created as and checked against. A timestamp without UTC
   * adjustment ({@code LOCAL_TIMESTAMP}, as some engines write wall-clock times) is stored as a
   * {@code timestamp} read as UTC; lists and maps of scalar values become CQL collections. Nested
   * collections and structs have no column type here: the load is refused naming the column.
   */
  private static String cqlType(Column column) {
    try {
      return cqlType(column.type());
    } catch (InvalidInputException e) {
      throw new InvalidInputException("column '" + column.name() + "' is a Parquet " + column.type()
          + ", which has no Cassandra column type in this loader (nested rows and nested collections are not "
          + "loaded; map the field to scalar fields in the flow)");
    }
  }

  /**
   * @param type a row-model type
   * @return the CQL type a column of it is created as (see {@link #cqlType(Column)})
   * @throws InvalidInputException for a struct, or a list or map of lists, maps or structs
   */
  public static String cqlType(ColumnType type) {
    return Cql.type(type);
  }

  /**
   * A row model value as the driver binds it to a column of {@link #cqlType(ColumnType)} ({@link Cql#value}).
   *
   * @param v a value of {@code type}
   * @param type its type, one {@link #cqlType(ColumnType)} accepts
   * @param column the column, for messages
   * @return the value to bind
   * @throws DataFormatException if a list or map holds a null
   */
  public static Object driverValue(Object v, ColumnType type, String column) {
    return Cql.value(v, type, column);
  }

  /** @return the positions in {@code columns} of {@code keys}' columns, in the keys' order */
  private static int[] indexes(List<String> columns, List<ColumnDescription> keys) {
    return keys.stream().mapToInt(k -> columns.indexOf(k.name())).toArray();
  }

  /** The target table as CQL, rendered by the driver like every other identifier here. */
  private String qualifiedTable() {
    return CqlNames.qualified(keyspace, table);
  }

  private long write(FlowData data, Map<String, String> cqlNames, TableDescription target, String task) {
    List<String> parquetColumns = new ArrayList<>(cqlNames.keySet());
    List<String> quoted = parquetColumns.stream().map(
        n -> CqlNames.quote(Objects.requireNonNull(cqlNames.get(n), "every column has a CQL name")))
        .toList();
    String insert = "INSERT INTO " + qualifiedTable() + " (" + String.join(", ", quoted) + ") VALUES ("
        + String.join(", ", java.util.Collections.nCopies(quoted.size(), "?")) + ")";
    PreparedStatement prepared = cql.prepare(insert);
    List<ColumnType> types = parquetColumns.stream().map(n -> data.schema().column(n).type()).toList();
    Set<String> keyColumns = keyColumns(target).stream().map(ColumnDescription::name).collect(Collectors.toSet());
    // an upsert of whole values may be sent again to another coordinator when one dies mid-request; a list
    // column may not (each execution appends its elements under fresh server-side keys)
    boolean idempotent = data.schema().columns().stream().allMatch(c -> Cql.idempotentUpsert(c.type()));
    BoundedWriter out = new BoundedWriter(cql::executeAsync, cql.cluster().requestCapacity(), options.maxInFlight());
    List<String> cqlColumns = parquetColumns.stream().map(cqlNames::get).toList();
    RowBatcher rows = new RowBatcher(out, prepared, indexes(cqlColumns, target.partitionKey()),
        indexes(cqlColumns, keyColumns(target)), cql.cluster().tokenMap().orElse(null), keyspace,
        RowBatcher.DEFAULT_BATCH_ROWS, idempotent);
    long submitted = 0;
    String lastFile = null;
    long total = data.execution().recordsProcessed() > 0 ? data.execution().recordsProcessed() : -1;
    try {
      while (out.failure() == null && data.hasNext()) {
        if (!Objects.equals(lastFile, data.currentFile())) {
          rows.flush(); // a file's rows are all sent before the next file is read: a load cut short keeps them
          lastFile = data.currentFile();
          long done = submitted;
          notify(() -> options.listener().onProgress(new ProgressListener.Progress(task, done, total, "rows")));
        }
        Row row = data.next();
        @Nullable Object[] values = new Object[parquetColumns.size()];
        for (int i = 0; i < values.length; i++) {
          Object v = row.get(parquetColumns.get(i));
          if (v == null && keyColumns.contains(cqlNames.get(parquetColumns.get(i)))) {
            throw new DataFormatException("row " + data.rowsRead() + " of flow '" + data.flowName() + "' run "
                + data.execution().executionId() + " (file " + lastFile + ") has no value in key column "
                + parquetColumns.get(i));
          }
          values[i] = v == null ? null : driverValue(v, types.get(i), parquetColumns.get(i));
        }
        submitted++;
        rows.add(values);
      }
      rows.flush();
    } catch (RuntimeException e) {
      // a row the data could not give (a missing key, an unreadable file): the rows before it are sent, as they
      // would have been one by one, then writes waiting to be sent again are moot
      try {
        rows.flush();
      } catch (RuntimeException flushFailed) {
        e.addSuppressed(flushFailed);
      }
      out.abandon(new ServiceUnavailableException("the load into " + keyspace + "." + table + " ended early"));
      throw e;
    } finally {
      if (!out.awaitAll(Duration.ofMinutes(5))) {
        out.abandon(new ServiceUnavailableException("inserts into " + keyspace + "." + table
            + " still unanswered after 5 minutes"));
        out.awaitAll(Duration.ofMinutes(5));
      }
    }
    long written = out.acknowledged();
    Throwable error = out.failure();
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      log.warn("upserting into {}.{} failed after {} rows; re-running the load is safe (upserts are idempotent)",
          keyspace, table, written);
      if (cause instanceof DelphaException d) {
        throw d;
      }
      throw new DelphaException("upserting into " + keyspace + "." + table + " failed after " + written
          + " rows: " + cause.getMessage(), cause);
    }
    return written;
  }

}
