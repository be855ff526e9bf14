package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.TextTable;
import io.delpha.sdk.parquet.internal.Vector;
import io.delpha.sdk.parquet.internal.VectorBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A batch of rows held column by column: one {@link ColumnVector} per column of a {@link RowSchema}. What
 * a {@link ColumnBatchReader} returns and what a {@link RowWriter} writes fastest. Its vectors are read-only; an
 * {@link Appender} fills a batch. Not thread-safe.
 *
 * <pre>{@code
 * ColumnBatch.Appender batch = ColumnBatch.appender(schema);   // id long, name string
 * for (...) {
 *   batch.column(0).appendLong(id);
 *   batch.column(1).appendString(name);
 *   batch.endRow();
 * }
 * writer.write(batch.batch());
 * batch.clear();
 * }</pre>
 */
public final class ColumnBatch {

  private final VectorBatch storage;
  private final ColumnVector[] columns;

  /** The view of a batch's vectors. */
  ColumnBatch(VectorBatch storage) {
    this.storage = storage;
    this.columns = new ColumnVector[storage.columns()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = new ColumnVector(storage.vector(i));
    }
  }

  /**
   * An empty batch to fill, in the representation the writer uses (see {@link ColumnVector}).
   *
   * @param schema the rows' schema
   * @return an appender of an empty batch; vectors grow as values are appended
   */
  public static Appender appender(RowSchema schema) {
    return new Appender(new ColumnBatch(VectorBatch.allocate(schema)));
  }

  /**
   * A batch over existing vectors (a constant column of {@link ColumnVector#repeat} beside a read batch's, say),
   * each holding as many values as the batch has rows.
   *
   * @param schema the rows' schema
   * @param columns one vector per column, in order, each holding that column; the batch shares them
   * @return a batch of as many rows as the vectors hold values
   * @throws InvalidInputException if a vector holds another column, or the vectors hold different numbers of values
   */
  public static ColumnBatch of(RowSchema schema, List<ColumnVector> columns) {
    Objects.requireNonNull(schema, "schema");
    if (columns.size() != schema.size()) {
      throw new InvalidInputException(columns.size() + " vectors for " + schema.size() + " columns");
    }
    Vector[] vectors = new Vector[columns.size()];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = columns.get(i).vector();
    }
    VectorBatch storage = new VectorBatch(schema, vectors);
    storage.setRowCount(vectors.length == 0 ? 0 : vectors[0].size());
    return new ColumnBatch(storage);
  }

  /** @return the vectors this batch shows, for the library's readers and writer */
  VectorBatch storage() {
    return storage;
  }

  /** @return the rows' schema */
  public RowSchema schema() {
    return storage.schema();
  }

  /** @return the number of rows */
  public int rowCount() {
    return storage.rowCount();
  }

  /**
   * @param index a column position
   * @return its vector
   */
  public ColumnVector column(int index) {
    return columns[index];
  }

  /**
   * @param name a column name
   * @return its vector
   * @throws InvalidInputException if there is no such column
   */
  public ColumnVector column(String name) {
    return columns[storage.schema().requireIndex(name)];
  }

  /**
   * @param index a row below {@link #rowCount()}
   * @return that row, with the values {@link ColumnVector#get(int)} returns
   */
  public Row row(int index) {
    int rowCount = storage.rowCount();
    if (index < 0 || index >= rowCount) {
      throw new IndexOutOfBoundsException("row " + index + " of " + rowCount);
    }
    @Nullable Object[] values = new Object[columns.length];
    for (int c = 0; c < values.length; c++) {
      values[c] = columns[c].get(index);
    }
    return Row.trusted(storage.schema(), values);
  }

  /**
   * Every row of this batch, as {@link #row(int)} makes them, made column by column (faster than {@code
   * row(i)} for each {@code i} when all rows are wanted: one pass over each vector). The rows share one copy
   * of the batch's values, and make a value of a column held in primitives when it is asked for (see {@link
   * Row}).
   *
   * @return the rows, in order; a new array, whose rows stay valid after the batch changes
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  public Row[] rows() {
    return rows(0, storage.rowCount());
  }

  /**
   * The rows {@code [from, to)} of this batch, made as {@link #rows()} makes them: so that a large batch's rows can
   * be made and handed out a slice at a time, each slice sharing its own copy of its values only.
   *
   * @param from the first row
   * @param to the row after the last, not below {@code from}, not above {@link #rowCount()}
   * @return the rows, in order; a new array, whose rows stay valid after the batch changes
   * @throws IndexOutOfBoundsException if the range is not within the batch
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  public Row[] rows(int from, int to) {
    Objects.checkFromToIndex(from, to, storage.rowCount());
    RowSchema schema = storage.schema();
    RowBlock block = RowBlock.of(schema, columns, from, to);
    int n = to - from;
    Row[] rows = new Row[n];
    for (int i = 0; i < n; i++) {
      rows[i] = Row.inBlock(schema, block, i);
    }
    return rows;
  }

  /** The values of this batch's rows as {@link #rows()}'s rows share them, for a reader making its rows one by one. */
  RowBlock block() {
    return RowBlock.of(storage.schema(), columns, storage.rowCount());
  }

  /**
   * Keeps some rows, in place: the rows at {@code rows[0..count)} become rows {@code 0..count)}, in that order, and
   * the others are dropped (a filter's compaction). Nothing is decoded or copied out: every vector moves its values
   * within its own arrays, in whatever representation a reader filled them.
   *
   * @param rows the positions to keep, strictly ascending, each below {@link #rowCount()}
   * @param count how many of {@code rows} to use
   * @throws IndexOutOfBoundsException if the positions are not strictly ascending or not below the row count
   */
  public void keep(int[] rows, int count) {
    storage.keep(rows, count);
  }

  /**
   * Drops the rows from {@code rowCount} on.
   *
   * @param rowCount a row count not above {@link #rowCount()}
   * @throws IndexOutOfBoundsException if it is negative or above the row count
   */
  public void truncate(int rowCount) {
    storage.truncate(rowCount);
  }

  /**
   * The batch's size and schema (its number of columns when it has more than a dozen), then its first rows as a table ({@code core}'s one table rendering: at most 10
   * rows, a dozen columns and 40 characters a value), then how many rows are not shown. Reads the values as {@link
   * ColumnVector#get(int)} does, without changing the batch; a value it cannot read prints {@code ?}.
   */
  @Override
  public String toString() {
    RowSchema schema = storage.schema();
    int rowCount = storage.rowCount();
    StringBuilder out = new StringBuilder("ColumnBatch[").append(TextTable.count(rowCount, "row")).append(" of ")
        .append(schema.size() <= TextTable.MAX_COLUMNS ? schema : TextTable.count(schema.size(), "column")).append(']');
    if (rowCount == 0 || columns.length == 0) {
      return out.toString();
    }
    int shown = Math.min(rowCount, TextTable.MAX_ROWS);
    List<List<@Nullable Object>> rows = new ArrayList<>(shown);
    for (int r = 0; r < shown; r++) {
      List<@Nullable Object> values = new ArrayList<>(Math.min(columns.length, TextTable.MAX_COLUMNS));
      for (int c = 0; c < Math.min(columns.length, TextTable.MAX_COLUMNS); c++) {
        values.add(value(columns[c], r));
      }
      rows.add(values);
    }
    out.append('\n').append(TextTable.render(schema.names(), rows));
    if (rowCount > shown) {
      out.append("\n... ").append(TextTable.count(rowCount - shown, "more row"));
    }
    return out.toString();
  }

  private static @Nullable Object value(ColumnVector vector, int row) {
    try {
      return vector.get(row);
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /**
   * Fills a batch row by row, for a writer: one {@link ColumnAppender} per column, then {@link #endRow()}; or {@link
   * #appendRow(Row)}. {@link #batch()} is the batch filled (the same batch throughout: it holds the rows ended so far),
   * which {@link RowWriter#write(ColumnBatch)} writes as it is; {@link #clear()} empties it for the next rows. Not
   * thread-safe.
   */
  public static final class Appender {

    private final ColumnBatch batch;
    private final ColumnAppender[] columns;

    private Appender(ColumnBatch batch) {
      this.batch = batch;
      this.columns = new ColumnAppender[batch.columns.length];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = new ColumnAppender(batch.columns[i], batch.storage.appender(i));
      }
    }

    /** @return the batch filled: the rows ended so far */
    public ColumnBatch batch() {
      return batch;
    }

    /** @return the rows' schema */
    public RowSchema schema() {
      return batch.schema();
    }

    /** @return the number of rows ended */
    public int rowCount() {
      return batch.rowCount();
    }

    /**
     * @param index a column position
     * @return its appender
     */
    public ColumnAppender column(int index) {
      return columns[index];
    }

    /**
     * @param name a column name
     * @return its appender
     * @throws InvalidInputException if there is no such column
     */
    public ColumnAppender column(String name) {
      return columns[batch.schema().requireIndex(name)];
    }

    /**
     * Ends a row whose values were appended to every column.
     *
     * @throws InvalidInputException if a column does not hold exactly one more value
     */
    public void endRow() {
      batch.storage.setRowCount(batch.storage.rowCount() + 1);
    }

    /**
     * Appends a row's values, checked and converted, and ends the row; on failure nothing is appended.
     *
     * @param row a row of this batch's schema
     * @throws InvalidInputException if the row's schema differs or a value would not be kept exactly
     */
    public void appendRow(Row row) {
      appendRow(batch.storage, row);
    }

    /** {@link #appendRow(Row)} into a batch's vectors (the row writer's buffer). */
    static void appendRow(VectorBatch storage, Row row) {
      RowSchema schema = storage.schema();
      if (!schema.equals(row.schema())) {
        throw new InvalidInputException("a row of schema " + row.schema() + " does not fit a batch of schema " + schema);
      }
      int rowCount = storage.rowCount();
      int columns = storage.columns();
      int i = 0;
      try {
        for (; i < columns; i++) {
          ColumnAppender.append(storage.appender(i), row.value(i));
        }
      } catch (RuntimeException e) {
        for (int k = 0; k < i; k++) {
          storage.vector(k).truncate(rowCount);
        }
        throw e;
      }
      storage.setRowCount(rowCount + 1);
    }

    /** Empties the batch, keeping its arrays for the next rows. */
    public void clear() {
      batch.storage.clear();
    }

    @Override
    public String toString() {
      return "ColumnBatch.Appender[" + batch + "]";
    }
  }
}
