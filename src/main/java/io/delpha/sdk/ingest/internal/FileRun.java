package io.delpha.sdk.ingest.internal;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.ColumnKind;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.cassandra.internal.BoundedWriter;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.IngestJob;
import io.delpha.sdk.ingest.TableWriter;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file's ingestion as an {@link IngestJob}: asynchronous writes bounded by a semaphore, rows of
 * one partition grouped into unlogged batches, rejects spooled to a local bad-records file, progress in
 * bytes read. {@link #finish()} waits for every acknowledgement and rethrows the first write failure.
 */
public final class FileRun implements IngestJob, AutoCloseable {

  private final CqlExecutor cassandra;
  private final ObjectStore store;
  private final String stagedKey;
  private final String customer;
  private final String keyspace;
  private final String fileName;
  private final long sizeBytes;
  private final int maxInFlight;
  private final int maxBatchRows;
  private final long progressEveryRows;
  private final ProgressListener listener;
  private final String task;
  private final BoundedWriter out;
  private final AtomicLong bytesRead = new AtomicLong();
  private final Map<String, Writer> writers = new HashMap<>();
  private volatile boolean leaseLost;
  private long rejected;
  private long submitted;
  private Path badRecords;
  private BufferedWriter badOut;

  /**
   * @param cassandra where rows go
   * @param store the staging store
   * @param stagedKey the file's key
   * @param customer its customer
   * @param keyspace the customer's keyspace
   * @param sizeBytes its size
   * @param maxInFlight the bound on requests in flight
   * @param maxBatchRows the most rows of one partition in one batch
   * @param progressEveryRows how often progress is reported
   * @param listener where progress goes
   */
  public FileRun(CqlExecutor cassandra, ObjectStore store, String stagedKey,
      String customer, String keyspace, long sizeBytes, int maxInFlight, int maxBatchRows, long progressEveryRows,
      ProgressListener listener) {
    this.cassandra = cassandra;
    this.store = store;
    this.stagedKey = stagedKey;
    this.customer = customer;
    this.keyspace = keyspace;
    this.fileName = stagedKey.substring(stagedKey.lastIndexOf('/') + 1);
    this.sizeBytes = sizeBytes;
    this.maxInFlight = maxInFlight;
    this.maxBatchRows = maxBatchRows;
    this.progressEveryRows = progressEveryRows;
    this.listener = listener;
    this.task = "ingest " + customer + "/" + fileName;
    this.out = new BoundedWriter(cassandra, maxInFlight);
  }

  @Override
  public String customer() {
    return customer;
  }

  @Override
  public String keyspace() {
    return keyspace;
  }

  @Override
  public String fileName() {
    return fileName;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public InputStream open() {
    return new FilterInputStream(store.get(stagedKey)) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  @Override
  public TableDescription describe(String table) {
    return new DictionaryManager(cassandra).describeTable(keyspace, table);
  }

  @Override
  public TableWriter writer(String table, List<String> columns) {
    String key = table + columns;
    return writers.computeIfAbsent(key, k -> new Writer(describe(table), columns));
  }

  @Override
  public void reject(long line, String reason, String original) {
    try {
      if (badOut == null) {
        badRecords = Files.createTempFile("delpha-bad-records-", ".csv");
        badOut = Files.newBufferedWriter(badRecords, StandardCharsets.UTF_8);
        badOut.write("line,reason,original\r\n");
      }
      badOut.write(line + "," + quote(reason) + "," + quote(original) + "\r\n");
      rejected++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bad-records file of " + stagedKey, e);
    }
  }

  /** Called by the lease keeper when another manager took the file or the lease could not be renewed. */
  public void leaseLost() {
    leaseLost = true;
  }

  /**
   * Flushes pending batches, waits for every acknowledgement, and rethrows the first failure.
   *
   * @throws DelphaException the first write failure, or a {@link ConflictException} if the lease was lost
   */
  public void finish() {
    for (Writer w : writers.values()) {
      w.flush();
    }
    awaitInFlight();
    rethrow();
    report();
  }

  /** Waits for the requests still in flight, whatever happened, so none outlives the run. */
  public void awaitInFlight() {
    out.awaitAll(Duration.ofMinutes(5));
  }

  /**
   * @return the rows acknowledged so far
   */
  public long rowsIngested() {
    return out.acknowledged();
  }

  /**
   * @return the rows rejected so far
   */
  public long rowsRejected() {
    return rejected;
  }

  /**
   * Closes the bad-records spool.
   *
   * @return the spooled bad records, or {@code null} if there were none
   */
  public Path badRecords() {
    closeSpool();
    return badRecords;
  }

  @Override
  public void close() {
    closeSpool();
    if (badRecords != null) {
      try {
        Files.deleteIfExists(badRecords);
      } catch (IOException ignored) {
        // a temporary file; the OS cleans its temp folder
      }
    }
  }

  private void closeSpool() {
    if (badOut != null) {
      try {
        badOut.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the bad-records file of " + stagedKey, e);
      }
      badOut = null;
    }
  }

  private void rethrow() {
    Throwable t = out.failure();
    if (t instanceof DelphaException d) {
      throw d;
    }
    if (t != null) {
      throw new ServiceUnavailableException("writing " + stagedKey + " failed: " + t, t);
    }
    if (leaseLost) {
      throw new ConflictException("the lease on " + stagedKey + " was lost (expired or taken by another manager)");
    }
  }

  private void report() {
    Listeners.notify(listener, l -> l.onProgress(new ProgressListener.Progress(task, bytesRead.get(), sizeBytes,
        "bytes")));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** One table's writer. */
  private final class Writer implements TableWriter {
    private final PreparedStatement insert;
    private final int[] keyIndexes;
    private final TypeCodec<Object>[] codecs;
    private final CodecRegistry registry;
    private final ProtocolVersion protocol;
    private final ColumnDefinitions variables;
    private final List<BoundStatement> group = new ArrayList<>();
    private Object[] groupKey;

    @SuppressWarnings("unchecked")
    Writer(TableDescription table, List<String> columns) {
      List<String> quoted = new ArrayList<>();
      List<Integer> keys = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        ColumnDescription c = table.column(columns.get(i));
        quoted.add(com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(c.name()).asCql(true));
        if (c.kind() == ColumnKind.PARTITION_KEY) {
          keys.add(i);
        }
      }
      String cql = "INSERT INTO " + com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(keyspace).asCql(true)
          + "." + com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(table.name()).asCql(true)
          + " (" + String.join(", ", quoted) + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
      this.insert = cassandra.prepare(cql);
      this.keyIndexes = keys.stream().mapToInt(Integer::intValue).toArray();
      this.codecs = new TypeCodec[columns.size()];
      var probe = insert.bind();
      this.registry = probe.codecRegistry();
      this.protocol = probe.protocolVersion();
      this.variables = insert.getVariableDefinitions();
    }

    @Override
    public void write(long line, Object... values) {
      if (out.failure() != null || leaseLost) {
        rethrow();
      }
      if (values.length != codecs.length) {
        throw new InvalidInputException("line " + line + ": " + values.length + " values for " + codecs.length + " columns");
      }
      BoundStatementBuilder b = insert.boundStatementBuilder().setIdempotence(true);
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        if (v != null) {
          TypeCodec<Object> codec = codecs[i];
          if (codec == null || !codec.accepts(v)) {
            codec = registry.codecFor(variables.get(i).getType(), v);
            codecs[i] = codec;
          }
          b = b.setBytesUnsafe(i, codec.encode(v, protocol));
        }
      }
      BoundStatement statement = b.build();
      Object[] key = new Object[keyIndexes.length];
      for (int k = 0; k < keyIndexes.length; k++) {
        key[k] = values[keyIndexes[k]];
      }
      if (!group.isEmpty() && (group.size() >= maxBatchRows || !Arrays.equals(key, groupKey))) {
        flush();
      }
      if (group.isEmpty()) {
        groupKey = key;
      }
      group.add(statement);
    }

    void flush() {
      if (group.isEmpty()) {
        return;
      }
      int rows = group.size();
      Statement<?> statement = rows == 1 ? group.get(0)
          : BatchStatement.newInstance(BatchType.UNLOGGED, new ArrayList<>(group)).setIdempotent(true);
      group.clear();
      out.submit(statement, rows);
      long before = submitted;
      submitted += rows;
      if (submitted / progressEveryRows != before / progressEveryRows) {
        report();
      }
    }
  }
}
