package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.SchemaCatalog;
import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.ColumnKind;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.internal.cql.BoundedWriter;
import io.delpha.sdk.core.internal.cql.RowBatcher;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.RetryPolicy;
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
import java.util.HashMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file's ingestion as an {@link IngestJob}: asynchronous writes through the bounded writer (a batch that fails
 * transiently is sent again, as its {@link RetryPolicy} allows, see {@link BoundedWriter}), rows of one replica set
 * grouped into unlogged batches, rejects spooled to a local bad-records file, progress in bytes read. {@link
 * #finish()} waits for every acknowledgement and rethrows the first write failure.
 */
public final class FileRun implements IngestJob, AutoCloseable {

  /** Logged under the manager's name, as {@link StagedFileIngestor} does. */
  private static final Logger LOG = LoggerFactory.getLogger(FileRun.class);

  private final CqlExecutor cassandra;
  private final SchemaCatalog schema;
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
  private @Nullable Path badRecords;
  private final Map<String, byte[]> attachments = new java.util.LinkedHashMap<>();
  private @Nullable BufferedWriter badOut;

  /**
   * @param cassandra where rows go
   * @param schema the data dictionary the target tables are described by
   * @param store the staging store
   * @param stagedKey the file's key
   * @param customer its customer
   * @param keyspace the customer's keyspace
   * @param sizeBytes its size
   * @param maxInFlight the bound on requests in flight
   * @param maxBatchRows the most rows of one partition in one batch
   * @param progressEveryRows how often progress is reported
   * @param listener where progress goes
   * @param writeRetry how a batch that fails transiently is sent again
   */
  public FileRun(CqlExecutor cassandra, SchemaCatalog schema, ObjectStore store, String stagedKey,
      String customer, String keyspace, long sizeBytes, int maxInFlight, int maxBatchRows, long progressEveryRows,
      ProgressListener listener, RetryPolicy writeRetry) {
    this.cassandra = cassandra;
    this.schema = schema;
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
    this.out = new BoundedWriter(cassandra::executeAsync, cassandra.cluster().requestCapacity(), maxInFlight,
        writeRetry);
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
    return schema.describeTable(keyspace, table);
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

  /**
   * @return the names of the tables of the customer's keyspace, in name order
   */
  @Override
  public List<String> tables() {
    return schema.listTables(keyspace);
  }

  /**
   * Keeps a file to store beside the staged file when it is moved ({@code <file><suffix>}), e.g. an app's log.
   *
   * @param suffix appended to the file's name
   * @param content the content
   */
  @Override
  public void attach(String suffix, byte[] content) {
    attachments.put(suffix, content);
  }

  /**
   * @return the files to store beside the staged file, by suffix
   */
  public Map<String, byte[]> attachments() {
    return attachments;
  }

  /** Called by the lease keeper when another manager took the file or the lease could not be renewed. */
  public void leaseLost() {
    leaseLost = true;
    out.stopRetrying(lostLease());
  }

  /**
   * Gives up at once on the writes waiting to be sent again (and on any that fails from now on): the manager is
   * closing. A file whose writes are going through carries on.
   */
  public void stopRetrying() {
    out.stopRetrying(new ServiceUnavailableException("the ingestor was closed while writes of " + stagedKey
        + " waited to be sent again; the file stays staged"));
  }

  /**
   * Flushes pending batches, waits for every acknowledgement (a batch sent again included, until its retry policy
   * gives it up), and rethrows the first failure.
   *
   * @throws DelphaException the first write failure (a {@link ServiceUnavailableException} when a batch was given
   *     up), or a {@link ConflictException} if the lease was lost
   */
  public void finish() {
    for (Writer w : writers.values()) {
      w.flush();
    }
    if (!out.awaitAll(LONGEST_WAIT)) {
      out.abandon(new ServiceUnavailableException("writes of " + stagedKey + " still unanswered after "
          + LONGEST_WAIT.toMinutes() + " minutes"));
      awaitInFlight();
    }
    if (out.resent() > 0) {
      LOG.info("{}: {} writes sent again after transient failures", stagedKey, out.resent());
    }
    rethrow();
    report();
  }

  /**
   * Waits for the requests still in flight after the file failed, whatever happened, so none outlives the run; writes
   * waiting to be sent again are given up first, since the file is not ingested anyway.
   */
  public void awaitInFlight() {
    out.abandon(new ServiceUnavailableException("the ingestion of " + stagedKey + " ended before its writes"));
    out.awaitAll(LONGEST_WAIT);
  }

  /** The longest wait for the writes of a file at its end: longer than the default retry policy gives up after. */
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

  private ConflictException lostLease() {
    return new ConflictException("the lease on " + stagedKey + " was lost (expired or taken by another manager)");
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
  public @Nullable Path badRecords() {
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
      throw lostLease();
    }
  }

  private void report() {
    Listeners.notify(listener, l -> l.onProgress(new ProgressListener.Progress(task, bytesRead.get(), sizeBytes,
        "bytes")));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** One table's writer: the lease and progress checks around the shared {@link RowBatcher}. */
  private final class Writer implements TableWriter {
    private final RowBatcher rows;

    Writer(TableDescription table, List<String> columns) {
      List<String> quoted = new ArrayList<>();
      List<Integer> keys = new ArrayList<>();
      List<Integer> primary = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        ColumnDescription c = table.column(columns.get(i));
        quoted.add(CqlNames.quote(c.name()));
        if (c.kind() == ColumnKind.PARTITION_KEY) {
          keys.add(i);
        }
        if (c.kind() == ColumnKind.PARTITION_KEY || c.kind() == ColumnKind.CLUSTERING) {
          primary.add(i);
        }
      }
      String cql = "INSERT INTO " + CqlNames.qualified(keyspace, table.name())
          + " (" + String.join(", ", quoted) + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
      this.rows = new RowBatcher(out, cassandra.prepare(cql), keys.stream().mapToInt(Integer::intValue).toArray(),
          primary.stream().mapToInt(Integer::intValue).toArray(), cassandra.cluster().tokenMap().orElse(null),
          keyspace, maxBatchRows, true);
    }

    @Override
    public void write(long line, @Nullable Object... values) {
      if (out.failure() != null || leaseLost) {
        rethrow();
      }
      try {
        submitted(rows.add(values));
      } catch (InvalidInputException e) {
        throw new InvalidInputException("line " + line + ": " + e.getMessage(), e);
      }
    }

    /** Sends every waiting row. */
    void flush() {
      submitted(rows.flush());
    }

    private void submitted(int n) {
      long before = submitted;
      submitted += n;
      if (submitted / progressEveryRows != before / progressEveryRows) {
        report();
      }
    }
  }
}
