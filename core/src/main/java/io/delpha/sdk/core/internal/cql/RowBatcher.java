package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import io.delpha.sdk.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The library's one writer of rows into a Cassandra table: rows bound to one prepared {@code INSERT}, grouped by the
 * set of replicas that own their partitions, and sent as unlogged batches through a {@link BoundedWriter} (which
 * bounds what is in flight and sends a failed idempotent write again). Such a batch is applied by a coordinator that
 * owns every row in it, as one request instead of one per row. A batch never holds two rows with the same primary key
 * (they would carry one write timestamp, and the later row must win), nor more than {@link #MAX_BATCH_PARTITIONS}
 * partitions, {@link #MAX_BATCH_BYTES} bytes of values or the caller's rows. Without a token map (an executor that
 * does not expose the ring) a batch holds rows of one partition only. The ingest's files and the AppFlow loads write
 * through it. Not thread-safe: one per table and writer thread.
 */
public final class RowBatcher {

  /**
   * Most partitions in one unlogged batch: Cassandra warns about (and logs) unlogged batches covering more
   * ({@code unlogged_batch_across_partitions_warn_threshold}, 10 by default).
   */
  public static final int MAX_BATCH_PARTITIONS = 10;

  /**
   * Most bytes of values in one batch: below Cassandra's {@code batch_size_warn_threshold} (5 KiB by default), so a
   * batch neither warns nor comes near the 50 KiB at which the node refuses it; a larger row goes alone.
   */
  public static final int MAX_BATCH_BYTES = 2 * 1024;

  /** Rows in one batch unless the caller says otherwise: the ingest's default, and the AppFlow loads'. */
  public static final int DEFAULT_BATCH_ROWS = 32;

  /** The group of every row when the owners are unknown (no token map): its batches hold one partition each. */
  private static final Set<Node> ANY_REPLICA = Set.of();

  private final BoundedWriter out;
  private final PreparedStatement insert;
  private final int[] partitionKey;
  private final int[] primaryKey;
  private final @Nullable TokenMap tokens;
  private final CqlIdentifier keyspace;
  private final int maxBatchRows;
  private final boolean idempotent;
  private final TypeCodec<Object>[] codecs;
  private final CodecRegistry registry;
  private final ProtocolVersion protocol;
  private final ColumnDefinitions variables;
  /** Rows waiting to be sent, by the set of replicas that own their partitions. */
  private final Map<Set<Node>, Group> groups = new HashMap<>();

  /**
   * @param out where batches go
   * @param insert the prepared {@code INSERT} (its bind markers in the order of the values given to {@link #add})
   * @param partitionKey the indexes, among the values, of the partition key's columns
   * @param primaryKey the indexes of the primary key's columns (partition key and clustering columns)
   * @param tokens the ring, {@code null} when unknown
   * @param keyspace the table's keyspace, as stored
   * @param maxBatchRows the most rows in one batch (1: every row alone)
   * @param idempotent whether a write may be sent again (not if it appends to a list)
   */
  @SuppressWarnings("unchecked")
  public RowBatcher(BoundedWriter out, PreparedStatement insert, int[] partitionKey, int[] primaryKey,
      @Nullable TokenMap tokens, String keyspace, int maxBatchRows, boolean idempotent) {
    this.out = out;
    this.insert = insert;
    this.partitionKey = partitionKey.clone();
    this.primaryKey = primaryKey.clone();
    this.tokens = tokens;
    this.keyspace = CqlIdentifier.fromInternal(keyspace);
    this.maxBatchRows = Math.max(1, maxBatchRows);
    this.idempotent = idempotent;
    this.variables = insert.getVariableDefinitions();
    this.codecs = new TypeCodec[variables.size()];
    BoundStatement probe = insert.bind();
    this.registry = probe.codecRegistry();
    this.protocol = probe.protocolVersion();
  }

  /**
   * Adds a row; a {@code null} value leaves its column unset. The row's group is sent first when the row does not
   * fit in it.
   *
   * @param values the values in the order of the insert's bind markers, as the driver's codecs take them
   * @return the rows sent by this call (0 when the row waits in its group)
   * @throws InvalidInputException if there are not as many values as markers
   */
  public int add(@Nullable Object... values) {
    if (values.length != codecs.length) {
      throw new InvalidInputException(values.length + " values for " + codecs.length + " columns");
    }
    BoundStatementBuilder b = insert.boundStatementBuilder().setIdempotence(idempotent);
    int bytes = 0;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v != null) {
        TypeCodec<Object> codec = codecs[i];
        if (codec == null || !codec.accepts(v)) {
          codec = registry.codecFor(variables.get(i).getType(), v);
          codecs[i] = codec;
        }
        ByteBuffer encoded = codec.encode(v, protocol);
        bytes += encoded == null ? 0 : encoded.remaining();
        b = b.setBytesUnsafe(i, encoded);
      }
    }
    BoundStatement statement = b.build();
    Set<Node> replicas = ANY_REPLICA;
    if (tokens != null) {
      ByteBuffer routing = statement.getRoutingKey();
      if (routing != null) {
        replicas = tokens.getReplicas(keyspace, routing);
      }
    }
    Group group = groups.computeIfAbsent(replicas, r -> new Group());
    @Nullable Object[] partition = new Object[partitionKey.length];
    for (int k = 0; k < partitionKey.length; k++) {
      partition[k] = values[partitionKey[k]];
    }
    List<@Nullable Object> key = new ArrayList<>(primaryKey.length);
    for (int index : primaryKey) {
      key.add(values[index]);
    }
    int sent = 0;
    if (!group.accepts(partition, key, bytes, maxBatchRows, tokens == null ? 1 : MAX_BATCH_PARTITIONS)) {
      sent = send(group);
    }
    group.add(statement, partition, key, bytes);
    return sent;
  }

  /**
   * Sends every waiting row.
   *
   * @return the rows sent
   */
  public int flush() {
    int sent = 0;
    for (Group g : groups.values()) {
      sent += send(g);
    }
    return sent;
  }

  private int send(Group g) {
    int rows = g.rows.size();
    if (rows == 0) {
      return 0;
    }
    Statement<?> statement = rows == 1 ? g.rows.get(0)
        : BatchStatement.newInstance(BatchType.UNLOGGED, new ArrayList<>(g.rows)).setIdempotent(idempotent);
    g.clear();
    out.submit(statement, rows);
    return rows;
  }

  /** Rows of one replica set waiting to go as one unlogged batch. */
  private static final class Group {
    final List<BoundStatement> rows = new ArrayList<>();
    final Set<List<@Nullable Object>> primaryKeys = new HashSet<>();
    final Set<List<@Nullable Object>> partitions = new HashSet<>();
    int bytes;

    boolean accepts(@Nullable Object[] partition, List<@Nullable Object> primaryKey, int rowBytes, int maxRows,
        int maxPartitions) {
      if (rows.isEmpty()) {
        return true;
      }
      return rows.size() < maxRows && bytes + rowBytes <= MAX_BATCH_BYTES && !primaryKeys.contains(primaryKey)
          && (partitions.size() < maxPartitions || partitions.contains(Arrays.asList(partition)));
    }

    void add(BoundStatement statement, @Nullable Object[] partition, List<@Nullable Object> primaryKey,
        int rowBytes) {
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
