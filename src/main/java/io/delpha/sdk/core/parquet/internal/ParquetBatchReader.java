package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.core.parquet.ColumnBatch;
import io.delpha.sdk.core.parquet.ColumnBatchReader;
import io.delpha.sdk.core.parquet.ColumnVector;
import io.delpha.sdk.core.parquet.ReadOptions;
import io.delpha.sdk.core.parquet.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.SeekableInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Parquet {@link InputFile} as {@link ColumnBatch}es: parquet-hadoop's file reader fetches a row
 * group's column chunks (only the columns asked for) and decompresses pages; {@link LeafReader}s decode
 * them into reused vectors. Columns inside lists, maps and structs are rebuilt from their repetition and
 * definition levels (see {@link ParquetField}). Any decoding failure becomes a {@link DataFormatException}
 * naming the source.
 */
public final class ParquetBatchReader implements ColumnBatchReader {

  /**
   * The largest buffer a row group's column chunks are read into (parquet-hadoop's default is 8 MiB): below half
   * of G1's smallest region, so that reading a file allocates no humongous objects, each of which can start a
   * concurrent GC cycle.
   */
  private static final int MAX_READ_BUFFER_BYTES = 256 * 1024;

  /**
   * parquet-hadoop's read options, the same for every file: built once per JVM (a configuration, a builder and
   * their defaults per file cost more than a small file's decoding). Nothing changes them after this.
   */
  private static final ParquetReadOptions PARQUET_OPTIONS = ParquetReadOptions.builder(new PlainParquetConfiguration())
      .withCodecFactory(Codecs.INSTANCE)
      .withMaxAllocationInBytes(MAX_READ_BUFFER_BYTES)
      .build();

  private final String source;
  private final ParquetFileReader reader;
  private final RowSchema schema;
  private final Runnable onClose;
  private final int batchRows;
  private final List<ParquetField> fields;
  private final ColumnVector[] vectors;
  private final LeafReader[][] leaves;
  private final NestedAssembly[][] assemblies;
  private final ColumnBatch batch;
  /** The leaf columns read: the chunks {@link ParquetFileReader#readNextRowGroup()} fetches. */
  private final Set<ColumnPath> readPaths = new HashSet<>();
  private long rowsLeftInGroup;
  /** Rows per batch in the current row group: fewer than asked where values are huge (see {@link #rowsPerBatch}). */
  private int groupBatchRows;
  private int rowGroupIndex;
  private boolean closed;

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @param onClose run once when the reader closes (e.g. deleting a spooled copy)
   * @throws DataFormatException if the input is not a readable Parquet file, or a column has no row-model
   *     type and was not skipped
   */
  public ParquetBatchReader(String source, InputFile file, ReadOptions options, Runnable onClose) {
    this(source, file, options, onClose, false);
  }

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @param onClose run once when the reader closes
   * @param rowView whether the batches are read only through {@link ColumnBatch#row} and {@link
   *     io.delpha.sdk.core.parquet.ColumnVector#get} (strings of dictionary pages then stay in the dictionary,
   *     made once per entry; the vectors' {@code data()} does not hold them)
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  ParquetBatchReader(String source, InputFile file, ReadOptions options, Runnable onClose, boolean rowView) {
    this.source = source;
    this.onClose = onClose;
    this.batchRows = options.batchRows();
    try {
      ParquetReadOptions parquetOptions = PARQUET_OPTIONS;
      SeekableInputStream in = file.newStream();
      try {
        this.reader = new ParquetFileReader(file, ParquetFooter.read(file, in, parquetOptions), parquetOptions, in);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    } catch (ParquetFooter.EncryptedFileException e) {
      onClose.run();
      throw new DataFormatException(source + " cannot be read: " + describe(e), e);
    } catch (IOException | RuntimeException e) {
      onClose.run();
      throw new DataFormatException(source + " is not a readable Parquet file (corrupt or truncated footer): "
          + describe(e), e);
    }
    try {
      SchemaMapping.Mapping mapping = SchemaMapping.fromParquet(reader.getFooter().getFileMetaData().getSchema(), source,
          options);
      if (mapping.projected()) {
        reader.setRequestedSchema(mapping.requested());
      }
      this.schema = mapping.schema();
      this.fields = mapping.fields();
      this.vectors = new ColumnVector[fields.size()];
      this.leaves = new LeafReader[fields.size()][];
      this.assemblies = new NestedAssembly[fields.size()][];
      for (int i = 0; i < vectors.length; i++) {
        ParquetField field = fields.get(i);
        vectors[i] = field.newVector();
        List<ParquetField> leafFields = new ArrayList<>();
        field.collectLeaves(leafFields);
        leafFields.forEach(leaf -> readPaths.add(ColumnPath.get(leaf.descriptor.getPath())));
        // only a top-level flat column is read by LeafReader.readFlat, the one path that may leave values in the
        // dictionary: a leaf under a STRUCT never repeats either, but is filled value by value by NestedAssembly
        boolean flat = field.isFlat();
        leaves[i] = leafFields.stream().map(f -> new LeafReader(f, flat, rowView)).toArray(LeafReader[]::new);
        assemblies[i] = new NestedAssembly[leaves[i].length];
        if (!field.isFlat()) {
          for (int k = 0; k < leaves[i].length; k++) {
            assemblies[i][k] = new NestedAssembly(field, vectors[i], leaves[i][k]);
          }
        }
      }
      this.batch = ColumnBatch.of(schema, List.of(vectors));
    } catch (RuntimeException e) {
      closeQuietly();
      throw e instanceof DelphaException d ? d
          : new DataFormatException(source + ": unreadable Parquet schema: " + describe(e), e);
    }
  }

  /** What one column of a batch may hold, uncompressed, on average: a Java array holds at most 2 GiB. */
  static final long BATCH_BYTES = 256L << 20;

  /**
   * The rows per batch for a row group: as asked, unless a column chunk's uncompressed bytes per row would
   * make a batch of that many rows hold more than {@link #BATCH_BYTES} in one column (values of hundreds of
   * MiB each, as in a column chunk over 2 GiB): then fewer, down to one row per batch.
   */
  static int rowsPerBatch(BlockMetaData group, int asked) {
    long rows = group.getRowCount();
    if (rows <= 0) {
      return asked;
    }
    long widest = 0;
    for (ColumnChunkMetaData column : group.getColumns()) {
      widest = Math.max(widest, column.getTotalUncompressedSize());
    }
    long perRow = (widest + rows - 1) / rows;
    return perRow == 0 ? asked : (int) Math.max(1, Math.min(asked, BATCH_BYTES / perRow));
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public ColumnBatch next() {
    return readInto(batch) ? batch : null;
  }

  /** @return the rows of every row group of the file */
  long totalRows() {
    long rows = 0;
    for (BlockMetaData group : reader.getRowGroups()) {
      rows += group.getRowCount();
    }
    return rows;
  }

  /** @return whether every column is flat, so that {@link #readInto} takes any batch of {@link #newBatch()} */
  boolean allFlat() {
    for (ParquetField field : fields) {
      if (!field.isFlat()) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return a batch of new vectors for {@link #readInto}, for a reader that decodes the next batch while the
   *     previous one is still being read (flat schemas only: see {@link #allFlat()})
   */
  ColumnBatch newBatch() {
    if (!allFlat()) {
      throw new IllegalStateException("nested columns are read into this reader's own vectors only");
    }
    List<ColumnVector> fresh = new ArrayList<>();
    for (ParquetField field : fields) {
      fresh.add(field.newVector());
    }
    return ColumnBatch.of(schema, fresh);
  }

  /**
   * Decodes the next batch into {@code target}: this reader's own batch, or (flat schemas) one of {@link
   * #newBatch()}.
   *
   * @param target where the rows go
   * @return {@code false} at the end (or once closed)
   */
  boolean readInto(ColumnBatch target) {
    if (closed) {
      return false;
    }
    String column = null;
    String topLevel = null;
    try {
      while (rowsLeftInGroup == 0) {
        if (rowGroupIndex < reader.getRowGroups().size()) {
          requireRoomForChunks(reader.getRowGroups().get(rowGroupIndex));
        }
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
          return false;
        }
        rowsLeftInGroup = pages.getRowCount();
        groupBatchRows = rowsPerBatch(reader.getRowGroups().get(rowGroupIndex++), batchRows);
        for (int c = 0; c < leaves.length; c++) {
          topLevel = fields.get(c).column.name();
          for (LeafReader leaf : leaves[c]) {
            column = String.join(".", leaf.field.descriptor.getPath());
            leaf.startRowGroup(pages);
          }
        }
        column = null;
        topLevel = null;
      }
      int n = (int) Math.min(groupBatchRows, rowsLeftInGroup);
      for (int c = 0; c < vectors.length; c++) {
        ParquetField field = fields.get(c);
        column = field.column.name();
        topLevel = column;
        if (field.isFlat()) {
          leaves[c][0].readFlat(target.column(c), n);
        } else {
          vectors[c].clear();
          for (NestedAssembly assembly : assemblies[c]) {
            assembly.read(n);
          }
          NestedAssembly.closeOffsets(vectors[c]);
          if (vectors[c].size() != n) {
            throw new ParquetDecodingException("it has " + vectors[c].size() + " rows where " + n + " were expected");
          }
        }
      }
      rowsLeftInGroup -= n;
      if (rowsLeftInGroup == 0) {
        for (int c = 0; c < vectors.length; c++) {
          column = fields.get(c).column.name();
          topLevel = column;
          for (LeafReader leaf : leaves[c]) {
            leaf.finishRowGroup();
          }
        }
      }
      target.setRowCount(n);
      return true;
    } catch (InsufficientMemoryException e) {
      throw outOfHeap(e, column, topLevel);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DelphaException d) {
        throw d;
      }
      throw new DataFormatException(source + (column == null ? "" : ": column " + column)
          + ": corrupt or truncated Parquet data: " + describe(e), e);
    }
  }

  /**
   * Checks, before a row group is read, that the heap can hold the compressed bytes of its column chunks that are
   * read (parquet-hadoop reads them all at once; an UNCOMPRESSED chunk is its pages).
   */
  private void requireRoomForChunks(BlockMetaData group) {
    long bytes = 0;
    ColumnChunkMetaData largest = null;
    for (ColumnChunkMetaData chunk : group.getColumns()) {
      if (readPaths.contains(chunk.getPath())) {
        bytes += chunk.getTotalSize();
        largest = largest == null || chunk.getTotalSize() > largest.getTotalSize() ? chunk : largest;
      }
    }
    if (bytes >= HeapBudget.CHECKED_BYTES) {
      try {
        HeapBudget.require(bytes, "reading the column chunks of row group " + rowGroupIndex);
      } catch (InsufficientMemoryException e) {
        throw outOfHeap(e, largest.getPath().toDotString(), largest.getPath().toArray()[0]);
      }
    }
  }

  /**
   * @param e a refusal of {@link HeapBudget}
   * @param column the column being read, if known
   * @param topLevel its top-level column, if known
   * @return the refusal naming the source, the column and the read option that leaves the column out
   */
  InsufficientMemoryException outOfHeap(InsufficientMemoryException e, @Nullable String column,
      @Nullable String topLevel) {
    if (e.getMessage().startsWith(source + ": ")) {
      return e;
    }
    String skip = topLevel == null ? "ReadOptions.skipping(...)" : "ReadOptions.skipping(\"" + topLevel + "\")";
    return new InsufficientMemoryException(source + (column == null ? "" : ": column " + column) + ": "
        + e.getMessage() + ", or leave the column out (" + skip + ")", e.neededBytes(), e.availableBytes(), e);
  }

  /**
   * @param e a failure
   * @return its message, or the first message among its causes, or what its type says: never null or empty
   */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t == e ? t.getMessage() : e.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    if (e instanceof java.io.EOFException) {
      return "the data ends early (EOFException)";
    }
    return e.getClass().getName() + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // nothing was written; a failed close of a read-only file loses nothing
    } finally {
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "ColumnBatchReader[" + source + "]";
  }
}
