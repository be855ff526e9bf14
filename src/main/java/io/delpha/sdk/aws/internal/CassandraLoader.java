package io.delpha.sdk.aws.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.parquet.Column;
import io.delpha.sdk.core.parquet.ColumnType;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowSchema;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts the rows of a {@link FlowData} into a Cassandra table through a {@link CqlExecutor}: one
 * prepared {@code INSERT} (an upsert in Cassandra, so a re-run writes the same cells again and never
 * duplicates a row), executed asynchronously with at most {@code maxInFlight} requests outstanding.
 *
 * <p>Parquet column names map to lower-case CQL names ({@code FirstName} becomes {@code firstname}),
 * as unquoted CQL would fold them. The table's columns are checked against the Parquet schema before
 * the first write, so a mismatch writes nothing.
 */
public final class CassandraLoader {

  private static final Logger log = LoggerFactory.getLogger(CassandraLoader.class);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private final CqlExecutor cql;
  private final String keyspace;
  private final String table;
  private final LoadOptions options;

  /**
   * @param cql where to write
   * @param keyspace the keyspace, a plain CQL identifier
   * @param table the table, a plain CQL identifier
   * @param options the load options
   */
  public CassandraLoader(CqlExecutor cql, String keyspace, String table, LoadOptions options) {
    this.cql = Objects.requireNonNull(cql, "cql");
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
      boolean created = prepareTable(data.schema(), cqlNames);
      long written = write(data, cqlNames, task);
      LoadReport report = new LoadReport(data.flowName(), data.execution().executionId(), keyspace, table,
          data.files().size(), written, created, Duration.ofNanos(System.nanoTime() - start));
      log.info("{}: {} rows from {} files in {} ms", task, written, report.files(), report.elapsed().toMillis());
      notify(() -> listener.onSuccess(task, written + " rows from " + report.files() + " files"));
      return report;
    } catch (DelphaException e) {
      notify(() -> listener.onFailure(task, e));
      throw e;
    }
  }

  private static void notify(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("a progress listener failed; the load goes on", e);
    }
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

  /** @return whether the table was created */
  private boolean prepareTable(RowSchema schema, Map<String, String> cqlNames) {
    Map<String, TableColumn> existing = tableColumns();
    if (existing.isEmpty()) {
      if (!options.createTable()) {
        throw new NotFoundException("table " + keyspace + "." + table + " does not exist; create it or pass "
            + "LoadOptions.builder().createTable(true) to create it from the Parquet schema");
      }
      createTable(schema, cqlNames);
      return true;
    }
    checkCompatible(schema, cqlNames, existing);
    return false;
  }

  private record TableColumn(String type, String kind) {}

  private Map<String, TableColumn> tableColumns() {
    Map<String, TableColumn> columns = new HashMap<>();
    for (var r : cql.execute("SELECT column_name, type, kind FROM system_schema.columns "
        + "WHERE keyspace_name = ? AND table_name = ?", keyspace, table)) {
      columns.put(r.getString("column_name"), new TableColumn(r.getString("type"), r.getString("kind")));
    }
    return columns;
  }

  private void createTable(RowSchema schema, Map<String, String> cqlNames) {
    List<String> key = new ArrayList<>();
    for (String k : options.primaryKey()) {
      Column c = schema.indexOf(k).isPresent() ? schema.column(k) : null;
      if (c == null) {
        throw new InvalidInputException("primary key column '" + k + "' is not in the flow's Parquet schema "
            + schema.names());
      }
      key.add(quote(cqlNames.get(k)));
    }
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualifiedTable()).append(" (");
    for (Column c : schema.columns()) {
      ddl.append(quote(cqlNames.get(c.name()))).append(' ').append(cqlType(c.type())).append(", ");
    }
    ddl.append("PRIMARY KEY ((").append(String.join(", ", key)).append(")))");
    log.info("creating table {}.{} from the flow's Parquet schema", keyspace, table);
    cql.execute(ddl.toString());
  }

  private void checkCompatible(RowSchema schema, Map<String, String> cqlNames, Map<String, TableColumn> existing) {
    List<String> problems = new ArrayList<>();
    for (Column c : schema.columns()) {
      String name = cqlNames.get(c.name());
      TableColumn tc = existing.get(name);
      if (tc == null) {
        problems.add("column '" + c.name() + "' (" + name + ") is not in the table");
      } else if (!accepts(tc.type(), c.type())) {
        problems.add("column " + name + " is " + tc.type() + " in the table but " + c.type() + " in Parquet ("
            + cqlType(c.type()) + " expected)");
      }
    }
    Set<String> parquetNames = Set.copyOf(cqlNames.values());
    existing.forEach((name, tc) -> {
      if (("partition_key".equals(tc.kind()) || "clustering".equals(tc.kind())) && !parquetNames.contains(name)) {
        problems.add("key column " + name + " of the table is not in the Parquet schema");
      }
    });
    if (!problems.isEmpty()) {
      throw new InvalidInputException("table " + keyspace + "." + table + " does not fit the flow's data: "
          + String.join("; ", problems));
    }
  }

  private static boolean accepts(String cqlType, ColumnType type) {
    if (type.kind() == ColumnType.Kind.STRING) {
      return Set.of("text", "varchar", "ascii").contains(cqlType);
    }
    return cqlType.equals(cqlType(type));
  }

  private static String cqlType(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> "boolean";
      case INT -> "int";
      case LONG -> "bigint";
      case DOUBLE -> "double";
      case DECIMAL -> "decimal";
      case STRING -> "text";
      case DATE -> "date";
      case TIME -> "time";
      case TIMESTAMP -> "timestamp";
      case BYTES -> "blob";
      case LOCAL_TIMESTAMP, LIST, MAP, STRUCT -> throw new InvalidInputException(
          "a Parquet " + type + " column has no Cassandra type in this loader");
    };
  }

  private static String quote(String name) {
    return CqlIdentifier.fromInternal(name).asCql(true);
  }

  /** The target table as CQL, rendered by the driver like every other identifier here. */
  private String qualifiedTable() {
    return quote(keyspace) + "." + quote(table);
  }

  private long write(FlowData data, Map<String, String> cqlNames, String task) {
    List<String> parquetColumns = new ArrayList<>(cqlNames.keySet());
    List<String> quoted = parquetColumns.stream().map(n -> quote(cqlNames.get(n))).toList();
    String insert = "INSERT INTO " + qualifiedTable() + " (" + String.join(", ", quoted) + ") VALUES ("
        + String.join(", ", java.util.Collections.nCopies(quoted.size(), "?")) + ")";
    PreparedStatement prepared = cql.prepare(insert);
    Set<String> keyColumns = keyColumns(cqlNames);
    Semaphore permits = new Semaphore(options.maxInFlight());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong written = new AtomicLong();
    long submitted = 0;
    String lastFile = null;
    long total = data.execution().recordsProcessed() > 0 ? data.execution().recordsProcessed() : -1;
    try {
      while (failure.get() == null && data.hasNext()) {
        if (!Objects.equals(lastFile, data.currentFile())) {
          lastFile = data.currentFile();
          long done = submitted;
          notify(() -> options.listener().onProgress(new ProgressListener.Progress(task, done, total, "rows")));
        }
        Row row = data.next();
        Object[] values = new Object[parquetColumns.size()];
        for (int i = 0; i < values.length; i++) {
          Object v = row.get(parquetColumns.get(i));
          if (v == null && keyColumns.contains(parquetColumns.get(i))) {
            throw new DataFormatException("row " + data.rowsRead() + " of flow '" + data.flowName() + "' run "
                + data.execution().executionId() + " (file " + lastFile + ") has no value in key column "
                + parquetColumns.get(i));
          }
          values[i] = v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
        }
        BoundStatement bound = prepared.bind(values);
        acquire(permits);
        submitted++;
        cql.executeAsync(bound).whenComplete((rs, error) -> {
          if (error == null) {
            written.incrementAndGet();
          } else {
            failure.compareAndSet(null, error);
          }
          permits.release();
        });
      }
    } finally {
      acquire(permits, options.maxInFlight());
    }
    Throwable error = failure.get();
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      log.warn("upserting into {}.{} failed after {} rows; re-running the load is safe (upserts are idempotent)",
          keyspace, table, written.get());
      if (cause instanceof DelphaException d) {
        throw d;
      }
      throw new DelphaException("upserting into " + keyspace + "." + table + " failed after " + written.get()
          + " rows: " + cause.getMessage(), cause);
    }
    return written.get();
  }

  /** The Parquet columns that are key columns of the table. */
  private Set<String> keyColumns(Map<String, String> cqlNames) {
    Map<String, TableColumn> columns = tableColumns();
    Set<String> keys = new java.util.HashSet<>();
    cqlNames.forEach((parquet, name) -> {
      TableColumn tc = columns.get(name);
      if (tc != null && ("partition_key".equals(tc.kind()) || "clustering".equals(tc.kind()))) {
        keys.add(parquet);
      }
    });
    return keys;
  }

  private static void acquire(Semaphore permits) {
    acquire(permits, 1);
  }

  private static void acquire(Semaphore permits, int count) {
    try {
      permits.acquire(count);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while upserting rows", e);
    }
  }
}
