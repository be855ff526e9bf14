package io.delpha.sdk.ingest.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
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
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.ColumnKind;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.internal.cql.BoundedWriter;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.nio.ByteBuffer;
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

  /** Logged under the manager's name, as {@link FileIngest} does. */
  private static final Logger LOG = LoggerFactory.getLogger(FileRun.class);

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
  private @Nullable Path badRecords;
  private final Map<String, byte[]> attachments = new java.util.LinkedHashMap<>();
  private @Nullable BufferedWriter badOut;

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
   * @param writeRetry how a batch that fails transiently is sent again
   */
  public FileRun(CqlExecutor cassandra, ObjectStore store, String stagedKey,
      String customer, String keyspace, long sizeBytes, int maxInFlight, int maxBatchRows, long progressEveryRows,
      ProgressListener listener, RetryPolicy writeRetry) {
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

  /**
   * @return the names of the tables of the customer's keyspace, in name order
   */
  @Override
  public List<String> tables() {
    return new DictionaryManager(cassandra).listTables(keyspace);
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

  /** One table's writer. */
  private final class Writer implements TableWriter {
    private final PreparedStatement insert;
    private final int[] keyIndexes;
    private final TypeCodec<Object>[] codecs;
    private final CodecRegistry registry;
    private final ProtocolVersion protocol;
    private final ColumnDefinitions variables;
    private final int[] primaryKeyIndexes;
    private final @Nullable TokenMap tokens;
    private final CqlIdentifier keyspaceId;
    /** Rows waiting to be sent, by the set of replicas that own their partitions. */
    private final Map<Set<Node>, Group> groups = new HashMap<>();

    @SuppressWarnings("unchecked")
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
      this.insert = cassandra.prepare(cql);
      this.keyIndexes = keys.stream().mapToInt(Integer::intValue).toArray();
      this.primaryKeyIndexes = primary.stream().mapToInt(Integer::intValue).toArray();
      this.keyspaceId = CqlIdentifier.fromInternal(keyspace);
      this.tokens = tokenMap(cassandra);
      this.codecs = new TypeCodec[columns.size()];
      var probe = insert.bind();
      this.registry = probe.codecRegistry();
      this.protocol = probe.protocolVersion();
      this.variables = insert.getVariableDefinitions();
    }

    @Override
    public void write(long line, @Nullable Object... values) {
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
      Set<Node> replicas = ANY_REPLICA;
      if (tokens != null) {
        ByteBuffer routing = statement.getRoutingKey();
        if (routing != null) {
          replicas = tokens.getReplicas(keyspaceId, routing);
        }
      }
      Group group = groups.computeIfAbsent(replicas, r -> new Group());
      @Nullable Object[] key = new Object[keyIndexes.length];
      for (int k = 0; k < keyIndexes.length; k++) {
        key[k] = values[keyIndexes[k]];
      }
      List<Object> primaryKey = new ArrayList<>(primaryKeyIndexes.length);
      for (int index : primaryKeyIndexes) {
        primaryKey.add(values[index]);
      }
      int bytes = 0;
      for (int i = 0; i < values.length; i++) {
        ByteBuffer v = statement.getBytesUnsafe(i);
        bytes += v == null ? 0 : v.remaining();
      }
      if (!group.accepts(key, primaryKey, bytes, maxBatchRows, tokens == null ? 1 : MAX_BATCH_PARTITIONS)) {
        flush(group);
      }
      group.add(statement, key, primaryKey, bytes);
    }

    /** Sends every waiting row. */
    void flush() {
      for (Group g : groups.values()) {
        flush(g);
      }
    }

    private void flush(Group g) {
      if (g.rows.isEmpty()) {
        return;
      }
      int rows = g.rows.size();
      Statement<?> statement = rows == 1 ? g.rows.get(0)
          : BatchStatement.newInstance(BatchType.UNLOGGED, new ArrayList<>(g.rows)).setIdempotent(true);
      g.clear();
      out.submit(statement, rows);
      long before = submitted;
      submitted += rows;
      if (submitted / progressEveryRows != before / progressEveryRows) {
        report();
      }
    }
  }

  /** The group of every row when the owners are unknown (no token map): its batches hold one partition each. */
  private static final Set<Node> ANY_REPLICA = Set.of();

  /**
   * Most partitions in one unlogged batch: Cassandra warns about (and logs) unlogged batches covering more
   * ({@code unlogged_batch_across_partitions_warn_threshold}, 10 by default).
   */
  static final int MAX_BATCH_PARTITIONS = 10;

  /**
   * Most bytes of values in one batch: below Cassandra's {@code batch_size_warn_threshold} (5 KiB by default), so a
   * batch neither warns nor comes near the 50 KiB at which the node refuses it; a larger row goes alone.
   */
  static final int MAX_BATCH_BYTES = 2 * 1024;

  /**
   * @return the ring, or null when the executor does not expose it: then a batch holds rows of one partition only
   *     (consecutive in the file), since the rows' owners are unknown
   */
  private static @Nullable TokenMap tokenMap(CqlExecutor cassandra) {
    return cassandra.cluster().tokenMap().orElse(null);
  }

  /**
   * Rows of one replica set waiting to go as one unlogged batch: such a batch is applied by its coordinator, which
   * owns every row in it, as one request instead of one per row. A batch never holds two rows with the same primary
   * key (they would carry the same write timestamp, and the later line of the file must win), nor more than
   * {@link #MAX_BATCH_PARTITIONS} partitions, {@link #MAX_BATCH_BYTES} bytes or the configured rows.
   */
  private static final class Group {
    final List<BoundStatement> rows = new ArrayList<>();
    final Set<List<Object>> primaryKeys = new HashSet<>();
    final Set<List<Object>> partitions = new HashSet<>();
    int bytes;

    boolean accepts(@Nullable Object[] partition, List<Object> primaryKey, int rowBytes, int maxRows, int maxPartitions) {
      if (rows.isEmpty()) {
        return true;
      }
      return rows.size() < maxRows && bytes + rowBytes <= MAX_BATCH_BYTES && !primaryKeys.contains(primaryKey)
          && (partitions.size() < maxPartitions || partitions.contains(Arrays.asList(partition)));
    }

    void add(BoundStatement statement, @Nullable Object[] partition, List<Object> primaryKey, int rowBytes) {
      rows.add(statement);
      primaryKeys.add(primaryKey);
      partitions.add(Arrays.asList(partition));
      bytes += rowBytes;
    }

    void clear() {
      rows.clear();
      primaryKeys.clear();
      partitions.clear();
      bytes = 0;
    }
  }
}
