package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.parquet.internal.crypto.FileEncryptor;
import io.delpha.sdk.parquet.internal.variant.VariantMetadata;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.crypto.InternalFileEncryptor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Writes a Parquet {@link OutputFile} column by column: rows are buffered into a {@link VectorBatch} of
 * primitive arrays (the public {@code RowWriter} appends each row to {@link #buffer()}), and each full batch (or a caller's batch) is encoded one column at a time, with no
 * per-row record assembly. Top-level primitive columns go through {@link FlatColumnEncoder} (tight loops
 * over {@code long[]}, {@code int[]}, ... into pages); LIST, MAP and STRUCT columns through parquet-column's
 * {@link ColumnWriter}s, fed (value, repetition, definition) triples by {@link LeafShredder}. Pages go to
 * parquet-hadoop's page store and file writer. A row group is flushed whenever the buffered pages reach the
 * configured size, so memory stays bounded whatever the row count. What happens to the output on {@link
 * #close()} and {@link #abort()} is the {@link Publisher}'s business.
 *
 * <p>Format v1 data pages and the encodings of parquet-column's default v1 writer (PLAIN, PLAIN_DICTIONARY
 * with fallback to PLAIN, RLE levels; see {@link FlatColumnEncoder}): what every reader (Spark, Hive,
 * Athena, DuckDB, pyarrow) reads, and fast to decode. Min/max statistics and the column and offset indexes
 * are kept for readers that skip row groups and pages; size statistics (a newer, rarely read addition that
 * costs work per value) are off.
 *
 * <p>Encrypted files ({@link WriteOptions#encryption()}): the keys are made into an encryptor by {@link
 * FileEncryptor}, and the page store and file writer encrypt each module with it, the page store told each row
 * group's ordinal (its pages' AADs).
 */
public final class ParquetRowWriter implements AutoCloseable {

  /** Publishes or discards the written file. */
  public interface Publisher {
    /** The file is complete: make it visible at its destination. */
    void publish();

    /** Writing failed or was aborted: remove every trace. */
    void discard();
  }

  /** Rows buffered before they are written column by column. */
  public static final int BATCH_ROWS = 4096;
  /**
   * Full buffers that may wait for, or be in, encoding at once: enough that a pause on either thread (a
   * collection, a row group flushed) does not stall the other.
   */
  static final int BUFFERS_IN_FLIGHT = 3;
  private static final int PAGE_SIZE = 1024 * 1024;

  private final String destination;
  private final RowSchema schema;
  private final MessageType parquetSchema;
  private final ParquetProperties properties;
  private final BytesInputCompressor compressor;
  private final long rowGroupBytes;
  private final ParquetFileWriter fileWriter;
  private final Publisher publisher;
  private final @Nullable InternalFileEncryptor encryptor;
  /** Row groups written (the next one's ordinal, in its modules' AADs when encrypted). */
  private int rowGroups;
  private VectorBatch buffer;
  /** Full buffers handed off and not yet encoded, oldest first (guarded by {@link #handOffs}). */
  private final ArrayDeque<VectorBatch> toEncode = new ArrayDeque<>();
  /** Buffers encoded and cleared, to fill again (guarded by {@link #handOffs}). */
  private final ArrayDeque<VectorBatch> spares = new ArrayDeque<>();
  /** Guards the hand-off state; the caller waits on it for a buffer, the encoding thread notifies it per buffer. */
  private final Object handOffs = new Object();
  /** Buffers handed off whose encoding has not ended (guarded by {@link #handOffs}). */
  private int inFlight;
  /** Whether an encoding task is submitted or running (guarded by {@link #handOffs}): at most one per writer. */
  private boolean encoding;
  /** Set by abort: the encoding task stops after the buffer it is on (guarded by {@link #handOffs}). */
  private boolean stopEncoding;
  /** What failed in the encoding task, if anything (guarded by {@link #handOffs}). */
  private @Nullable Throwable encodingFailure;
  private final FlatColumnEncoder[] flat;
  private final List<List<LeafShredder>> nested = new ArrayList<>();
  private final @Nullable MessageType nestedSchema;

  private @Nullable ColumnChunkPageWriteStore pageStore;
  private @Nullable ColumnWriteStore nestedStore;
  private long rowsInGroup;
  /** Rows encoded (touched only by whichever thread encodes, one at a time). */
  private long rowsWritten;
  /** Rows taken before the current buffer (the caller's count). */
  private long rowsHandedOff;
  private boolean finished;

  /**
   * @param destination the file or object being written, for messages
   * @param out the Parquet output
   * @param schema the rows' schema
   * @param options codec and row-group size
   * @param publisher what to do with the output once complete or failed
   */
  public ParquetRowWriter(String destination, OutputFile out, RowSchema schema, WriteOptions options, Publisher publisher) {
    this.destination = destination;
    this.schema = schema;
    this.publisher = publisher;
    this.parquetSchema = SchemaMapping.toParquet(schema);
    this.rowGroupBytes = options.rowGroupBytes();
    this.properties = ParquetProperties.builder()
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .withPageSize(PAGE_SIZE)
        .withDictionaryPageSize(PAGE_SIZE)
        .withDictionaryEncoding(true)
        .withSizeStatisticsEnabled(false)
        .withAllocator(new HeapByteBufferAllocator())
        .withValuesWriterFactory(new PrivateValuesWriters()) // not parquet-mr's one static factory: see there
        .build();
    this.compressor = Codecs.INSTANCE.getCompressor(Codecs.codecName(options.compression()));
    this.buffer = VectorBatch.allocate(schema);
    this.flat = new FlatColumnEncoder[schema.size()];
    List<Type> nestedFields = new ArrayList<>();
    for (int c = 0; c < schema.size(); c++) {
      Column column = schema.column(c);
      if (column.type().kind().isNested() || column.type().kind() == ColumnType.Kind.VARIANT) {
        nestedFields.add(parquetSchema.getType(c));
      } else {
        ColumnDescriptor descriptor = parquetSchema.getColumnDescription(new String[] {column.name()});
        flat[c] = new FlatColumnEncoder(descriptor, SchemaMapping.writtenPhysical(column.type()));
      }
    }
    this.nestedSchema = nestedFields.isEmpty() ? null : new MessageType(parquetSchema.getName(), nestedFields);
    int next = 0;
    for (Column c : schema.columns()) {
      List<LeafShredder> leaves = new ArrayList<>();
      if (c.type().kind().isNested() || c.type().kind() == ColumnType.Kind.VARIANT) {
        next = LeafShredder.build(c,
            Objects.requireNonNull(nestedSchema, "a nested column is in the nested schema").getColumns(), next, leaves);
      }
      nested.add(leaves);
    }
    FileEncryption encryption = options.encryption();
    try {
      this.encryptor = encryption == null ? null : FileEncryptor.of(encryption, parquetSchema, destination);
    } catch (RuntimeException e) {
      publisher.discard();
      throw e;
    }
    try {
      this.fileWriter = new ParquetFileWriter(out, parquetSchema, ParquetFileWriter.Mode.CREATE,
          rowGroupBytes, 0, properties.getColumnIndexTruncateLength(), properties.getStatisticsTruncateLength(),
          properties.getPageWriteChecksumEnabled(), encryptor);
      fileWriter.start();
    } catch (IOException | RuntimeException e) {
      publisher.discard();
      throw new DelphaException("cannot start Parquet file " + destination + ": " + e.getMessage(), e);
    }
  }

  /**
   * The batch a row is appended to, for the public {@code RowWriter}: it appends the row's values to every vector,
   * raises the row count, then calls {@link #rowAppended()}.
   *
   * @return the buffer being filled
   * @throws IllegalStateException if the writer is closed
   */
  public VectorBatch buffer() {
    requireOpen();
    return buffer;
  }

  /** After a row was appended to {@link #buffer()}: hands a full buffer to the encoding thread. */
  public void rowAppended() {
    if (buffer.rowCount() == BATCH_ROWS) {
      handOff();
    }
  }

  /** @return the schema of the rows written */
  public RowSchema schema() {
    return schema;
  }

  /** @return the file or object written, for messages */
  public String destination() {
    return destination;
  }

  /**
   * Hands the full buffer to the encoding thread and goes on filling another: converting rows and encoding
   * pages overlap. One task per writer encodes the handed-off buffers one after the other, in hand-off order, so
   * pages stay in order; it takes the next buffer as soon as it ends one, on the same thread, and ends when none is
   * waiting (the next hand-off submits another). So a busy machine costs a thread's wake-up per run of buffers, not
   * per buffer (a task per buffer, each chained to the previous, woke another pool thread for every buffer: on two
   * cores shared with other work, the caller then waited for each). At most {@link #BUFFERS_IN_FLIGHT} buffers are
   * handed off at once. A failure of the encoding surfaces at a later hand-off, columnar write or {@code close()},
   * which abort the file.
   */
  private void handOff() {
    VectorBatch full = buffer;
    rowsHandedOff += full.rowCount();
    VectorBatch next = null;
    Throwable failure;
    synchronized (handOffs) {
      toEncode.addLast(full);
      inFlight++;
      if (!encoding) {
        encoding = true;
        submitEncoding();
      }
      while (true) {
        failure = encodingFailure;
        if (failure != null) {
          break;
        }
        if (!spares.isEmpty()) {
          next = spares.pop();
          break;
        }
        if (inFlight < BUFFERS_IN_FLIGHT) {
          break;
        }
        failure = waitForHandOffs();
        if (failure != null) {
          break;
        }
      }
    }
    if (failure != null) {
      throw encodingFailed(failure);
    }
    buffer = next != null ? next : VectorBatch.allocate(schema);
  }

  /** Submits the task that encodes the handed-off buffers (called holding {@link #handOffs}, with encoding set). */
  private void submitEncoding() {
    try {
      BackgroundWork.ENCODER.execute(this::encodeHandedOff);
    } catch (RuntimeException | Error e) { // a pool that refuses work: the caller encodes
      encoding = false;
      encodingFailure = e;
    }
  }

  /** The encoding task: encodes the handed-off buffers in order until none is waiting, a failure, or an abort. */
  private void encodeHandedOff() {
    while (true) {
      VectorBatch next;
      synchronized (handOffs) {
        next = stopEncoding || encodingFailure != null ? null : toEncode.peekFirst();
        if (next == null) {
          encoding = false;
          handOffs.notifyAll();
          return;
        }
      }
      try {
        writeBatch(next);
        next.clear();
      } catch (Throwable e) { // an Error too: it reaches the caller, and the writer is aborted
        synchronized (handOffs) {
          encodingFailure = e;
          encoding = false;
          handOffs.notifyAll();
        }
        return;
      }
      synchronized (handOffs) {
        toEncode.removeFirst();
        spares.push(next);
        inFlight--;
        handOffs.notifyAll();
      }
    }
  }

  /** Waits for every handed-off buffer's encoding; if it failed, aborts (nothing is published) and rethrows its error. */
  private void awaitPending() {
    Throwable failure = null;
    synchronized (handOffs) {
      while (failure == null && encoding && encodingFailure == null) {
        failure = waitForHandOffs();
      }
      if (failure == null) {
        failure = encodingFailure;
      }
    }
    if (failure != null) {
      throw encodingFailed(failure);
    }
  }

  /**
   * Waits on the hand-offs' lock, which the caller holds.
   *
   * @return {@code null} when woken; the failure to throw when interrupted (the thread's interrupt flag kept)
   */
  private @Nullable DelphaException waitForHandOffs() {
    try {
      handOffs.wait();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DelphaException("interrupted while writing Parquet " + destination + "; nothing was published", e);
    }
  }

  /** Aborts the file after the encoding failed; returns the exception to throw. */
  private RuntimeException encodingFailed(Throwable failure) {
    abort();
    if (failure instanceof RuntimeException r) {
      return r;
    }
    return Workers.failure(failure, "writing Parquet " + destination);
  }

  /**
   * Writes a caller's batch as it is, after the rows buffered before it, if its vectors hold their values as this
   * writer writes them ({@link VectorBatch#writable()}).
   *
   * @param batch a batch of this writer's schema
   * @return {@code false} if the batch is not writable as it is (nothing was written: the caller writes its rows)
   * @throws InvalidInputException if the schema differs or a vector holds another number of values than the rows
   */
  public boolean write(VectorBatch batch) {
    requireOpen();
    if (!schema.equals(batch.schema())) {
      throw new InvalidInputException("a batch of schema " + batch.schema() + " cannot be written to " + destination
          + ", whose schema is " + schema);
    }
    for (int c = 0; c < schema.size(); c++) {
      if (batch.vector(c).size() != batch.rowCount()) {
        throw new InvalidInputException("column " + schema.column(c).name() + " of the batch holds "
            + batch.vector(c).size() + " values for " + batch.rowCount() + " rows");
      }
    }
    if (!batch.writable()) {
      return false;
    }
    awaitPending();
    flushBuffer();
    rowsHandedOff += batch.rowCount();
    writeOrAbort(batch);
    return true;
  }

  private void requireOpen() {
    if (finished) {
      throw new IllegalStateException("writer for " + destination + " is closed");
    }
  }

  private void flushBuffer() {
    if (buffer.rowCount() > 0) {
      rowsHandedOff += buffer.rowCount();
      writeOrAbort(buffer);
      buffer.clear();
    }
  }

  private void writeOrAbort(VectorBatch batch) {
    try {
      writeBatch(batch);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  /**
   * Encodes a batch into the row group's pages, flushing the row group when it is full. Runs on the caller's
   * thread or the encoding thread, never on both at once. On failure the caller aborts.
   */
  private void writeBatch(VectorBatch batch) {
    int n = batch.rowCount();
    try {
      if (pageStore == null) {
        pageStore = new ColumnChunkPageWriteStore(compressor, parquetSchema, properties.getAllocator(),
            properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled(), encryptor, rowGroups);
        for (FlatColumnEncoder encoder : flat) {
          if (encoder != null) {
            encoder.startChunk(pageStore.getPageWriter(encoder.descriptor()));
          }
        }
        if (nestedSchema != null) {
          nestedStore = properties.newColumnWriteStore(nestedSchema, pageStore, pageStore);
          for (List<LeafShredder> column : nested) {
            for (LeafShredder leaf : column) {
              leaf.open(nestedStore);
            }
          }
        }
      }
      long buffered = 0;
      for (int c = 0; c < flat.length; c++) {
        Vector v = batch.vector(c);
        if (flat[c] != null) {
          flat[c].write(v, n);
          buffered += flat[c].bufferedSize();
        } else {
          for (LeafShredder leaf : nested.get(c)) {
            leaf.write(v, n);
          }
        }
      }
      if (nestedStore != null) {
        for (int i = 0; i < n; i++) {
          nestedStore.endRecord();
        }
        buffered += nestedStore.getBufferedSize();
      }
      rowsInGroup += n;
      rowsWritten += n;
      if (buffered >= rowGroupBytes) {
        flushRowGroup();
      }
    } catch (IOException | RuntimeException e) {
      throw new DelphaException("writing Parquet " + destination + " failed; nothing was published: " + e.getMessage(), e);
    }
  }

  private void flushRowGroup() throws IOException {
    if (pageStore == null) {
      return;
    }
    if (rowsInGroup > 0) {
      for (FlatColumnEncoder encoder : flat) {
        if (encoder != null) {
          encoder.finishChunk();
        }
      }
      fileWriter.startBlock(rowsInGroup);
      if (nestedStore != null) {
        nestedStore.flush();
      }
      pageStore.flushToFileWriter(fileWriter);
      fileWriter.endBlock();
      rowGroups++;
    }
    releaseRowGroup();
  }

  private void releaseRowGroup() {
    if (nestedStore != null) {
      nestedStore.close();
    }
    if (pageStore != null) {
      pageStore.close();
    }
    nestedStore = null;
    pageStore = null;
    rowsInGroup = 0;
  }

  /** @return rows taken so far (handed off, and in the buffer) */
  public long rowCount() {
    return rowsHandedOff + buffer.rowCount();
  }

  /** Discards everything written: nothing is published. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    // the encoding thread touches the row group until it ends: stop it after the buffer it is on and wait for that,
    // whatever its outcome, through interrupts (the interrupt status is kept)
    boolean interrupted = false;
    synchronized (handOffs) {
      stopEncoding = true;
      while (encoding) {
        try {
          handOffs.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      toEncode.clear();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      releaseRowGroup();
    } catch (RuntimeException ignored) {
      // the output is discarded anyway
    }
    try {
      fileWriter.close();
    } catch (IOException | RuntimeException ignored) {
      // the output is discarded anyway
    }
    publisher.discard();
  }

  /** Finishes the file and publishes it (see {@link Publisher}). */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    awaitPending();
    flushBuffer();
    try {
      flushRowGroup();
      fileWriter.end(Map.of("delpha.rows", Long.toString(rowsWritten)));
    } catch (IOException | RuntimeException e) {
      abort();
      throw new DelphaException("finishing Parquet " + destination + " failed; nothing was published: " + e.getMessage(), e);
    }
    finished = true;
    try {
      publisher.publish();
    } catch (RuntimeException e) {
      publisher.discard();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "ParquetRowWriter[" + destination + ", " + rowCount() + " rows]";
  }

  /**
   * Turns the vectors of a LIST, MAP or STRUCT column into the (value, repetition, definition) triples of
   * one of its leaf columns, walking down lists, maps and structs row by row.
   */
  static final class LeafShredder {
    private final ColumnDescriptor descriptor;
    private final Column[] path;
    private final int[] childIndex;
    private final int[] repLevel;
    /** For a VARIANT's leaves: 0 its metadata, 1 its value (split from the vector's one BINARY); else -1. */
    private final int variantPart;
    private ColumnWriter writer;

    // writer is set by open(), which the row writer calls for every row group before shredding into it
    @SuppressWarnings("NullAway.Init")
    private LeafShredder(ColumnDescriptor descriptor, List<Column> path, List<Integer> childIndex, List<Integer> repLevel,
        int variantPart) {
      this.variantPart = variantPart;
      this.descriptor = descriptor;
      this.path = path.toArray(new Column[0]);
      this.childIndex = childIndex.stream().mapToInt(Integer::intValue).toArray();
      this.repLevel = repLevel.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds the shredders of {@code column}'s leaves, whose descriptors start at {@code next}; returns the next index. */
    static int build(Column column, List<ColumnDescriptor> descriptors, int next, List<LeafShredder> out) {
      return build(column, descriptors, next, out, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), -1, 0);
    }

    /**
     * @param index the column's position among its parent's parts
     * @param rep the number of lists and maps above the column: the repetition level of its entries
     */
    private static int build(Column column, List<ColumnDescriptor> descriptors, int next, List<LeafShredder> out,
        List<Column> path, List<Integer> childIndex, List<Integer> repLevel, int index, int rep) {
      path.add(column);
      childIndex.add(index);
      repLevel.add(rep);
      ColumnType t = column.type();
      int n = next;
      if (t.kind() == ColumnType.Kind.VARIANT) {
        out.add(new LeafShredder(descriptors.get(n), path, childIndex, repLevel, 0));
        out.add(new LeafShredder(descriptors.get(n + 1), path, childIndex, repLevel, 1));
        n += 2;
      } else if (!t.kind().isNested()) {
        out.add(new LeafShredder(descriptors.get(n), path, childIndex, repLevel, -1));
        n++;
      } else {
        int childRep = t.kind() == ColumnType.Kind.STRUCT ? rep : rep + 1;
        for (int i = 0; i < t.children().size(); i++) {
          n = build(t.children().get(i), descriptors, n, out, path, childIndex, repLevel, i, childRep);
        }
      }
      path.remove(path.size() - 1);
      childIndex.remove(childIndex.size() - 1);
      repLevel.remove(repLevel.size() - 1);
      return n;
    }

    void open(ColumnWriteStore store) {
      writer = store.getColumnWriter(descriptor);
    }

    void write(Vector v, int rows) {
      for (int i = 0; i < rows; i++) {
        shred(0, v, i, 0, 0);
      }
    }

    private void shred(int k, Vector v, int index, int r, int d) {
      if (v.isNull(index)) {
        writer.writeNull(r, d);
        return;
      }
      int dd = d + (path[k].nullable() ? 1 : 0);
      switch (v.physical()) {
        case STRUCT -> shred(k + 1, v.child(childIndex[k + 1]), index, r, dd);
        case LIST, MAP -> {
          int[] offsets = v.offsets();
          int from = offsets[index];
          int to = offsets[index + 1];
          if (from == to) {
            writer.writeNull(r, dd);
          }
          Vector part = v.child(childIndex[k + 1]);
          for (int j = from; j < to; j++) {
            shred(k + 1, part, j, j == from ? r : repLevel[k + 1], dd + 1);
          }
        }
        case INT64 -> writer.write(v.longs()[index], r, dd);
        case INT32 -> writer.write(v.ints()[index], r, dd);
        case DOUBLE -> writer.write(v.doubles()[index], r, dd);
        case BOOLEAN -> writer.write(v.booleans()[index], r, dd);
        case BINARY -> {
          int[] offsets = v.offsets();
          int from = offsets[index];
          int length = offsets[index + 1] - from;
          if (variantPart >= 0) { // the metadata followed by the value: each to its leaf
            int metadata = VariantMetadata.length(v.data(), from, from + length);
            writer.write(variantPart == 0 ? Binary.fromReusedByteArray(v.data(), from, metadata)
                : Binary.fromReusedByteArray(v.data(), from + metadata, length - metadata), r, dd);
          } else {
            writer.write(Binary.fromReusedByteArray(v.data(), from, length), r, dd);
          }
        }
        default -> throw new IllegalStateException("cannot write " + v);
      }
    }
  }
}
