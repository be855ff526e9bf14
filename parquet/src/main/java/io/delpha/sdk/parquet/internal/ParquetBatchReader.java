package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.internal.crypto.DecryptionFailure;
import io.delpha.sdk.parquet.internal.crypto.FileDecryptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Parquet {@link InputFile} as {@link VectorBatch}es (what the public {@code ColumnBatchReader} and {@code
 * RowReader} show): {@link ParquetFooter} reads the footer, {@link
 * RowGroupPages} a row group's pages (only the columns asked for, page by page, decompressed); {@link LeafReader}s decode
 * them into reused vectors. Columns inside lists, maps and structs are rebuilt from their repetition and
 * definition levels (see {@link ParquetField}). Any decoding failure becomes a {@link DataFormatException}
 * naming the source.
 *
 * <p>A reader reads every row group of its file in turn, or those it is given ({@link #ParquetBatchReader(Footer,
 * int, int)}, {@link #restrictTo}): readers of one file's row groups on several threads share its {@link Footer},
 * read once, and each reads through a stream of its own.
 */
public final class ParquetBatchReader implements AutoCloseable {

  /** What Thrift appends to "Required field ... was not found": its scheme object, by identity. */
  private static final java.util.regex.Pattern THRIFT_STRUCT =
      java.util.regex.Pattern.compile(" ?Struct: [\\w.$]+@[0-9a-f]+");

  private final Footer footer;
  private final String source;
  private final SeekableInputStream in;
  private final long fileLength;
  private final List<RowGroup> rowGroups;
  private final @Nullable FileDecryptor decryptor;
  private final RowSchema schema;
  private final Runnable onClose;
  private final int batchRows;
  private final List<ParquetField> fields;
  private final Vector[] vectors;
  private final LeafReader[][] leaves;
  /** Per top-level column, whether its leaves started the current row group. */
  private final boolean[] started;
  /** The current row group's pages, once one is open. */
  private @Nullable PageReadStore groupPages;
  private final NestedAssembly[][] assemblies;
  /** Per column, its VARIANT groups (the column itself, or inside it), each with the parts its leaves fill. */
  private final VariantAssembly.Parts[][] variants;
  /** The leaf columns read. */
  private final int leafCount;
  private final VectorBatch batch;
  private long rowsLeftInGroup;
  /** Rows per batch in the current row group: fewer than asked where values are huge (see {@link #rowsPerBatch}). */
  private int groupBatchRows;
  private int rowGroupIndex;
  /** The row group after the last this reader reads. */
  private int rowGroupEnd;
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
   * @param rowView whether the batches are read only through their values as rows hold them, never their arrays
   *     (the row reader: strings of dictionary pages then stay in the dictionary,
   *     made once per entry; the vectors' {@code data()} does not hold them)
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  public ParquetBatchReader(String source, InputFile file, ReadOptions options, Runnable onClose, boolean rowView) {
    this(Opening.of(source, file, options, onClose), onClose, rowView);
  }

  private ParquetBatchReader(Opening opening, Runnable onClose, boolean rowView) {
    this(opening.footer(), opening.stream(), onClose, rowView, 0, opening.footer().rowGroups.size());
  }

  /**
   * A reader of some of a file's row groups, over a footer read once ({@link #footer}) and shared by the readers of
   * its other row groups, each on its own thread with its own stream of the file.
   *
   * @param footer the file's footer, read with the options this reader reads with
   * @param first the first row group to read (an index in the file's row groups)
   * @param end the row group after the last to read
   * @throws DelphaException if the file cannot be opened again
   * @throws IndexOutOfBoundsException if the row groups are not the file's
   */
  public ParquetBatchReader(Footer footer, int first, int end) {
    this(footer, first, end, false);
  }

  /**
   * A reader of some of a file's row groups, as {@link #ParquetBatchReader(Footer, int, int)}, for a row view or
   * not.
   *
   * @param footer the file's footer, read with the options this reader reads with
   * @param first the first row group to read (an index in the file's row groups)
   * @param end the row group after the last to read
   * @param rowView whether a row reader reads its batches ({@link #ParquetBatchReader(String, InputFile,
   *     ReadOptions, Runnable, boolean)})
   * @throws DelphaException if the file cannot be opened again
   * @throws IndexOutOfBoundsException if the row groups are not the file's
   */
  public ParquetBatchReader(Footer footer, int first, int end, boolean rowView) {
    this(footer, footer.newStream(), () -> { }, rowView, checkRange(footer, first, end), end);
  }

  private static int checkRange(Footer footer, int first, int end) {
    return Objects.checkFromToIndex(first, end, footer.rowGroups.size());
  }

  private ParquetBatchReader(Footer footer, SeekableInputStream in, Runnable onClose, boolean rowView, int first,
      int end) {
    this.footer = footer;
    this.source = footer.source;
    this.in = in;
    this.onClose = onClose;
    this.fileLength = footer.fileLength;
    this.rowGroups = footer.rowGroups;
    this.decryptor = footer.decryptor;
    this.batchRows = footer.options.batchRows();
    this.schema = footer.mapping.schema();
    this.fields = footer.mapping.fields();
    this.rowGroupIndex = first;
    this.rowGroupEnd = end;
    try {
      this.vectors = new Vector[fields.size()];
      this.leaves = new LeafReader[fields.size()][];
      this.started = new boolean[fields.size()];
      this.assemblies = new NestedAssembly[fields.size()][];
      this.variants = new VariantAssembly.Parts[fields.size()][];
      for (int i = 0; i < vectors.length; i++) {
        ParquetField field = fields.get(i);
        vectors[i] = field.newVector();
        List<ParquetField> leafFields = new ArrayList<>();
        field.collectLeaves(leafFields);
        // only a top-level flat column is read by LeafReader.readFlat, the one path that may leave values in the
        // dictionary: a leaf under a STRUCT never repeats either, but is filled value by value by NestedAssembly
        boolean flat = field.isFlat();
        leaves[i] = leafFields.stream().map(f -> new LeafReader(f, flat, rowView)).toArray(LeafReader[]::new);
        assemblies[i] = new NestedAssembly[leaves[i].length];
        List<VariantAssembly.Parts> parts = VariantAssembly.under(field, vectors[i]);
        variants[i] = parts.toArray(new VariantAssembly.Parts[0]);
        if (!field.isFlat()) {
          for (int k = 0; k < leaves[i].length; k++) {
            assemblies[i][k] = new NestedAssembly(field, vectors[i], leaves[i][k], parts);
          }
        }
      }
      this.leafCount = Arrays.stream(leaves).mapToInt(l -> l.length).sum();
      this.batch = new VectorBatch(schema, vectors);
    } catch (StackOverflowError | RuntimeException e) {
      closeQuietly();
      throw schemaFailure(source, e);
    }
  }

  /**
   * Reads a file's footer and maps its columns, once, for readers of its row groups on several threads ({@link
   * #ParquetBatchReader(Footer, int, int)}); the file is not held open.
   *
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @return the footer
   * @throws DataFormatException if the input is not a readable Parquet file, or a column has no row-model type and
   *     was not skipped
   */
  public static Footer footer(String source, InputFile file, ReadOptions options) {
    Opening opening = Opening.of(source, file, options, () -> { });
    try {
      opening.stream().close();
    } catch (IOException ignored) {
      // a read-only stream whose close fails loses nothing
    }
    return opening.footer();
  }

  /**
   * A file's footer as the readers read it: its row groups and its columns mapped to the row model under the read's
   * options. Immutable, so shared by readers on several threads.
   */
  public static final class Footer {
    private final String source;
    private final InputFile file;
    private final long fileLength;
    private final List<RowGroup> rowGroups;
    private final SchemaMapping.Mapping mapping;
    private final ReadOptions options;
    private final @Nullable FileDecryptor decryptor;

    private Footer(String source, InputFile file, long fileLength, List<RowGroup> rowGroups,
        SchemaMapping.Mapping mapping, ReadOptions options, @Nullable FileDecryptor decryptor) {
      this.decryptor = decryptor;
      this.source = source;
      this.file = file;
      this.fileLength = fileLength;
      this.rowGroups = List.copyOf(rowGroups);
      this.mapping = mapping;
      this.options = options;
    }

    /** @return the file or object, for messages */
    public String source() {
      return source;
    }

    /** @return the rows' schema */
    public RowSchema schema() {
      return mapping.schema();
    }

    /** @return the file's row groups */
    public int rowGroupCount() {
      return rowGroups.size();
    }

    /** @return whether every column read is flat (see {@link ParquetBatchReader#allFlat()}) */
    public boolean allFlat() {
      return ParquetBatchReader.allFlat(mapping.fields());
    }

    private SeekableInputStream newStream() {
      try {
        return file.newStream();
      } catch (IOException e) {
        throw new DelphaException("cannot read " + source + ": " + describe(e), e);
      }
    }
  }

  /** A footer read, and the stream it was read through (left open for the first reader). */
  private record Opening(Footer footer, SeekableInputStream stream) {

    static Opening of(String source, InputFile file, ReadOptions options, Runnable onClose) {
      Codecs.warmUp();
      SeekableInputStream stream;
      long fileLength;
      List<RowGroup> groups;
      MessageType fileSchema;
      FileDecryptor decryptor;
      try {
        stream = file.newStream();
        try {
          fileLength = file.getLength();
          ParquetFooter.Read read = ParquetFooter.read(file, stream, options.decryption());
          FileMetaData footer = read.metadata();
          decryptor = read.decryptor();
          fileSchema = ParquetFooter.schema(footer);
          groups = Objects.requireNonNull(footer.getRow_groups(), "ParquetFooter.read() checked the row groups");
        } catch (IOException | RuntimeException | StackOverflowError e) {
          stream.close();
          throw e;
        }
      } catch (StackOverflowError e) {
        onClose.run();
        throw tooDeepForStack(source, e);
      } catch (InsufficientMemoryException e) {
        onClose.run();
        throw new InsufficientMemoryException(source + ": " + e.getMessage(), e.neededBytes(), e.availableBytes(), e);
      } catch (ParquetFooter.EncryptedFileException | ParquetFooter.SchemaLimitException e) {
        onClose.run();
        throw new DataFormatException(source + " cannot be read: " + describe(e), e);
      } catch (DecryptionFailure e) {
        onClose.run();
        throw new DataFormatException(source + " cannot be read: " + e.getMessage());
      } catch (DelphaException e) {
        onClose.run();
        throw e; // the host's key retriever or KMS refused: its own typed exception
      } catch (IOException | RuntimeException e) {
        onClose.run();
        throw new DataFormatException(source + " is not a readable Parquet file (corrupt or truncated footer): "
            + describe(e), e);
      }
      try {
        // a column left out is never read: its chunks are not asked for (RowGroupPages reads what is asked)
        SchemaMapping.Mapping mapping = SchemaMapping.fromParquet(fileSchema, source, options);
        return new Opening(new Footer(source, file, fileLength, groups, mapping, options, decryptor), stream);
      } catch (StackOverflowError | RuntimeException e) {
        try {
          stream.close();
        } catch (IOException ignored) {
          // nothing was written; a failed close of a read-only file loses nothing
        } finally {
          onClose.run();
        }
        throw schemaFailure(source, e);
      }
    }
  }

  /** A failure to map or lay out the file's columns, as the reader throws it. */
  private static DelphaException schemaFailure(String source, Throwable e) {
    if (e instanceof StackOverflowError overflow) {
      return tooDeepForStack(source, overflow);
    }
    return e instanceof DelphaException d ? d
        : new DataFormatException(source + ": unreadable Parquet schema: " + describe(e), e);
  }

  /**
   * The net under {@link ParquetFooter#MAX_SCHEMA_DEPTH}: a schema within it that still overflows the stack of
   * the reading thread (a thread made with a small stack) is refused as too deep for that thread, never let
   * through as an {@code Error}. Reading the footer is work on this reader's own objects only, so nothing is left
   * half-done by the unwound frames.
   */
  private static DataFormatException tooDeepForStack(String source, StackOverflowError e) {
    return new DataFormatException(source + " cannot be read on this thread: its footer or schema nests too deep "
        + "for the thread's stack (schemas of up to " + ParquetFooter.MAX_SCHEMA_DEPTH + " levels read on a thread "
        + "with the JVM's default stack)", e);
  }

  /** What one column of a batch may hold, uncompressed, on average: a Java array holds at most 2 GiB. */
  static final long BATCH_BYTES = 256L << 20;

  /**
   * The most values (rows times leaf columns read) of one batch: 4,096 rows of 1,024 columns. A wider file's batches
   * hold fewer rows, so that its vectors (up to 9 bytes a value before any string) stay within about 36 MiB a batch
   * however many columns it has: 419 rows a batch at 10,000 columns.
   */
  static final int BATCH_VALUES = 1 << 22;

  /**
   * The rows per batch for a row group: as asked, unless a column chunk's uncompressed bytes per row would
   * make a batch of that many rows hold more than {@link #BATCH_BYTES} in one column (values of hundreds of
   * MiB each, as in a column chunk over 2 GiB): then fewer, down to one row per batch; and no more than {@link
   * #BATCH_VALUES} over the leaf columns read.
   *
   * @param group the row group
   * @param asked the rows per batch asked for
   * @param leaves the leaf columns read
   */
  static int rowsPerBatch(RowGroup group, int asked, int leaves) {
    return Math.min(rowsPerBatch(group, asked), Math.max(1, BATCH_VALUES / Math.max(1, leaves)));
  }

  private static int rowsPerBatch(RowGroup group, int asked) {
    long rows = group.getNum_rows();
    if (rows <= 0) {
      return asked;
    }
    long widest = 0;
    for (ColumnChunk column : Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks")) {
      if (column.getMeta_data() != null) {
        widest = Math.max(widest, column.getMeta_data().getTotal_uncompressed_size());
      }
    }
    long perRow = (widest + rows - 1) / rows;
    return perRow == 0 ? asked : (int) Math.max(1, Math.min(asked, BATCH_BYTES / perRow));
  }

  /** @return the rows' schema */
  public RowSchema schema() {
    return schema;
  }

  /**
   * @return this reader's own batch, which {@link #next()} refills
   */
  public VectorBatch batch() {
    return batch;
  }

  /**
   * Decodes the next rows into {@link #batch()}.
   *
   * @return that batch, or {@code null} at the end (or once closed)
   * @throws DataFormatException if the data is corrupt
   */
  public @Nullable VectorBatch next() {
    return readInto(batch) ? batch : null;
  }

  /** @return the file's footer, for readers of its other row groups on other threads */
  public Footer footer() {
    return footer;
  }

  /** @return the rows of every row group of the file */
  public long totalRows() {
    long rows = 0;
    for (RowGroup group : rowGroups) {
      rows += group.getNum_rows();
    }
    return rows;
  }

  /** @return whether every column is flat, so that {@link #readInto} takes any batch of {@link #newBatch()} */
  public boolean allFlat() {
    return allFlat(fields);
  }

  /**
   * @return whether every column is flat or a VARIANT (one BINARY value a row, rebuilt from its group's leaves in this
   *     reader's own vectors): a row reader may then decode ahead on a second thread, into {@link #batch()} when a
   *     column is a VARIANT (see {@link #newBatch()})
   */
  public boolean flatRows() {
    return fields.stream().allMatch(f -> f.isFlat() || f.shape == ParquetField.Shape.VARIANT);
  }

  private static boolean allFlat(List<ParquetField> fields) {
    return fields.stream().allMatch(ParquetField::isFlat);
  }

  /**
   * Points this reader at other row groups of its file: it reads them next, from their start. For a reader that
   * reads the row groups it is given one after the other (a parallel scan's worker), between two of them.
   *
   * @param first the first row group to read
   * @param end the row group after the last to read
   * @throws IllegalStateException if a row group is still being read
   * @throws IndexOutOfBoundsException if the row groups are not the file's
   */
  public void restrictTo(int first, int end) {
    if (rowsLeftInGroup != 0) {
      throw new IllegalStateException("row group " + (rowGroupIndex - 1) + " of " + source + " is still being read");
    }
    Objects.checkFromToIndex(first, end, rowGroups.size());
    rowGroupIndex = first;
    rowGroupEnd = end;
  }

  /**
   * @return a batch of new vectors for {@link #readInto}, for a reader that decodes the next batch while the
   *     previous one is still being read (flat schemas only: see {@link #allFlat()})
   */
  public VectorBatch newBatch() {
    if (!allFlat()) {
      throw new IllegalStateException("nested columns are read into this reader's own vectors only");
    }
    Vector[] fresh = new Vector[fields.size()];
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = fields.get(i).newVector();
    }
    return new VectorBatch(schema, fresh);
  }

  /**
   * Decodes the next batch into {@code target}: this reader's own batch, or (flat schemas) one of {@link
   * #newBatch()}.
   *
   * @param target where the rows go
   * @return {@code false} at the end (or once closed)
   */
  public boolean readInto(VectorBatch target) {
    if (closed) {
      return false;
    }
    String column = null;
    String topLevel = null;
    try {
      while (rowsLeftInGroup == 0) {
        if (rowGroupIndex == rowGroupEnd) {
          return false;
        }
        RowGroup group = rowGroups.get(rowGroupIndex++);
        if (group.getNum_rows() == 0) {
          requireNoValues(group);
          continue;
        }
        if (group.getNum_rows() < 0) {
          throw new ParquetDecodingException("a row group says it holds " + group.getNum_rows() + " rows");
        }
        int ordinal = group.isSetOrdinal() ? group.getOrdinal() : rowGroupIndex - 1;
        PageReadStore pages = new RowGroupPages(in, fileLength, group, decryptor, ordinal);
        rowsLeftInGroup = pages.getRowCount();
        groupBatchRows = rowsPerBatch(group, batchRows, leafCount);
        groupPages = pages;
        Arrays.fill(started, false);
      }
      int n = (int) Math.min(groupBatchRows, rowsLeftInGroup);
      for (int c = 0; c < vectors.length; c++) {
        if (!started[c]) {
          // each column's chunk is started (its dictionary read) as the batch reaches it, in the file's order:
          // a file still arriving gives its columns one after another
          topLevel = fields.get(c).column.name();
          for (LeafReader leaf : leaves[c]) {
            column = String.join(".",
                Objects.requireNonNull(leaf.field.descriptor, "a leaf has a descriptor").getPath());
            leaf.startRowGroup(Objects.requireNonNull(groupPages, "a row group is open"));
          }
          started[c] = true;
        }
        ParquetField field = fields.get(c);
        column = field.column.name();
        topLevel = column;
        if (field.isFlat()) {
          leaves[c][0].readFlat(target.vector(c), n);
        } else {
          vectors[c].clear();
          for (VariantAssembly.Parts parts : variants[c]) {
            parts.clear();
          }
          for (NestedAssembly assembly : assemblies[c]) {
            assembly.read(n);
          }
          for (VariantAssembly.Parts parts : variants[c]) {
            fill(parts);
          }
          vectors[c].closeOffsets();
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
      DecryptionFailure failure = DecryptionFailure.in(e);
      if (failure != null) {
        // the message names the module and its column; the cipher's own exception is left out
        throw new DataFormatException(source + ": " + failure.getMessage());
      }
      throw new DataFormatException(source + (column == null ? "" : ": column " + column)
          + (UnsupportedParquetException.isUnsupported(e) ? ": valid Parquet that this reader does not read: "
              : ": corrupt or truncated Parquet data: ") + describe(e), e);
    }
  }

  /** Makes a VARIANT's values from its parts, a refusal naming the source and the VARIANT's Parquet path. */
  private void fill(VariantAssembly.Parts parts) {
    try {
      parts.fill();
    } catch (DataFormatException e) {
      throw new DataFormatException(source + ": VARIANT " + parts.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a row group of no rows: its column chunks must count no values either (every row takes at least one value
   * of each column), else its rows would be passed over unread.
   *
   * @throws ParquetDecodingException if a chunk counts values
   */
  private static void requireNoValues(RowGroup group) {
    for (ColumnChunk chunk : Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks")) {
      if (chunk.getMeta_data() != null && chunk.getMeta_data().getNum_values() != 0) {
        throw new ParquetDecodingException("a row group says it holds 0 rows, but a column chunk of it counts "
            + chunk.getMeta_data().getNum_values() + " values");
      }
    }
  }

  /**
   * @param e a refusal of {@link HeapBudget}
   * @param column the column being read, if known
   * @param topLevel its top-level column, if known
   * @return the refusal naming the source, the column and the read option that leaves the column out
   */
  public InsufficientMemoryException outOfHeap(InsufficientMemoryException e, @Nullable String column,
      @Nullable String topLevel) {
    if (Objects.requireNonNull(e.getMessage(), "a library exception has a message").startsWith(source + ": ")) {
      return e;
    }
    String skip = topLevel == null ? "ReadOptions.skipping(...)" : "ReadOptions.skipping(\"" + topLevel + "\")";
    return new InsufficientMemoryException(source + (column == null ? "" : ": column " + column) + ": "
        + e.getMessage() + ", or leave the column out (" + skip + ")", e.neededBytes(), e.availableBytes(), e);
  }

  /**
   * @param e a failure
   * @return its message, or the first message among its causes, or what its type says: never null or empty; without
   *     the identity of the Thrift scheme that failed ({@code " Struct: ...Scheme@1021f6c9"}), which differs from run
   *     to run and says nothing of the file
   */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        String message = THRIFT_STRUCT.matcher(t.getMessage()).replaceAll("");
        return t == e ? message : e.getClass().getSimpleName() + ": " + message;
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
      in.close();
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
