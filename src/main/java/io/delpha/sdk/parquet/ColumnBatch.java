package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.TextTable;
import io.delpha.sdk.parquet.internal.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A batch of rows held column by column: one {@link ColumnVector} per column of a {@link RowSchema}. What
 * a {@link ColumnBatchReader} returns and what a {@link RowWriter} writes fastest. Mutable and not
 * thread-safe.
 *
 * <pre>{@code
 * ColumnBatch batch = ColumnBatch.allocate(schema);          // id long, name string
 * for (...) {
 *   batch.column(0).appendLong(id);
 *   batch.column(1).appendString(name);
 *   batch.endRow();
 * }
 * writer.write(batch);
 * batch.clear();
 * }</pre>
 */
public final class ColumnBatch {

  private final RowSchema schema;
  private final Vector[] columns;
  private int rowCount;

  private ColumnBatch(RowSchema schema, Vector[] columns) {
    this.schema = schema;
    this.columns = columns;
  }

  /**
   * An empty batch in the representation the writer uses (see {@link ColumnVector}).
   *
   * @param schema the rows' schema
   * @return an empty batch; vectors grow as values are appended
   */
  public static ColumnBatch allocate(RowSchema schema) {
    Vector[] columns = new Vector[schema.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = Vector.allocate(schema.column(i));
    }
    return new ColumnBatch(schema, columns);
  }

  /**
   * A batch over existing vectors (readers make their batches this way).
   *
   * @param schema the rows' schema
   * @param columns one vector per column, in order, each holding that column, each made by the library ({@link
   *     ColumnVector#allocate}, another batch, a reader)
   * @return a batch of 0 rows; see {@link #setRowCount(int)}
   * @throws InvalidInputException if a vector holds another column, or is not one the library made
   */
  public static ColumnBatch of(RowSchema schema, List<? extends ColumnVector> columns) {
    Objects.requireNonNull(schema, "schema");
    if (columns.size() != schema.size()) {
      throw new InvalidInputException(columns.size() + " vectors for " + schema.size() + " columns");
    }
    Vector[] vectors = new Vector[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      ColumnVector v = columns.get(i);
      if (!v.column().equals(schema.column(i))) {
        throw new InvalidInputException("vector " + i + " holds " + v.column() + ", " + schema.column(i) + " expected");
      }
      if (!(v instanceof Vector own)) {
        throw new InvalidInputException("vector " + i + " is a " + v.getClass().getName() + "; a batch holds the "
            + "library's vectors only (ColumnVector.allocate makes one)");
      }
      vectors[i] = own;
    }
    return new ColumnBatch(schema, vectors);
  }

  /** @return the rows' schema */
  public RowSchema schema() {
    return schema;
  }

  /** @return the number of rows */
  public int rowCount() {
    return rowCount;
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
    return columns[schema.requireIndex(name)];
  }

  /**
   * Sets the row count after the vectors were filled directly.
   *
   * @param rowCount the number of rows; every vector must hold exactly that many values
   * @throws InvalidInputException if a vector holds another number of values
   */
  public void setRowCount(int rowCount) {
    for (Vector v : columns) {
      if (v.size() != rowCount) {
        throw new InvalidInputException("column " + v.column().name() + " holds " + v.size() + " values, not "
            + rowCount);
      }
    }
    this.rowCount = rowCount;
  }

  /**
   * Ends a row whose values were appended to every vector: {@code setRowCount(rowCount() + 1)}.
   *
   * @throws InvalidInputException if a vector does not hold exactly one more value
   */
  public void endRow() {
    setRowCount(rowCount + 1);
  }

  /**
   * Appends a row's values, checked and converted; on failure nothing is appended.
   *
   * @param row a row of this batch's schema
   * @throws InvalidInputException if the row's schema differs or a value would not be kept exactly
   */
  public void appendRow(Row row) {
    if (!schema.equals(row.schema())) {
      throw new InvalidInputException("a row of schema " + row.schema() + " does not fit a batch of schema " + schema);
    }
    int i = 0;
    try {
      for (; i < columns.length; i++) {
        columns[i].append(row.value(i));
      }
    } catch (RuntimeException e) {
      for (int k = 0; k < i; k++) {
        columns[k].truncate(rowCount);
      }
      throw e;
    }
    rowCount++;
  }

  /**
   * @param index a row below {@link #rowCount()}
   * @return that row, with the values {@link ColumnVector#get(int)} returns
   */
  public Row row(int index) {
    if (index < 0 || index >= rowCount) {
      throw new IndexOutOfBoundsException("row " + index + " of " + rowCount);
    }
    @Nullable Object[] values = new Object[columns.length];
    for (int c = 0; c < values.length; c++) {
      values[c] = columns[c].get(index);
    }
    return Row.trusted(schema, values);
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
    return RowBlock.rows(schema, columns, rowCount);
  }

  /** The values of this batch's rows as {@link #rows()}'s rows share them, for a reader making its rows one by one. */
  RowBlock block() {
    return RowBlock.of(schema, columns, rowCount);
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
    Vector.requireKept(rows, count, rowCount); // once, before any vector moves
    for (Vector v : columns) {
      v.keep(rows, count);
    }
    rowCount = count;
  }

  /**
   * Drops the rows from {@code rowCount} on.
   *
   * @param rowCount a row count not above {@link #rowCount()}
   * @throws IndexOutOfBoundsException if it is negative or above the row count
   */
  public void truncate(int rowCount) {
    if (rowCount < 0 || rowCount > this.rowCount) {
      throw new IndexOutOfBoundsException("cannot truncate " + this.rowCount + " rows to " + rowCount);
    }
    for (Vector v : columns) {
      v.truncate(rowCount);
    }
    this.rowCount = rowCount;
  }

  /** Empties every vector, keeping their arrays for the next rows. */
  public void clear() {
    for (Vector v : columns) {
      v.clear();
    }
    rowCount = 0;
  }

  /**
   * The batch's size and schema (its number of columns when it has more than a dozen), then its first rows as a table ({@code core}'s one table rendering: at most 10
   * rows, a dozen columns and 40 characters a value), then how many rows are not shown. Reads the values as {@link
   * ColumnVector#get(int)} does, without changing the batch; a value it cannot read prints {@code ?}.
   */
  @Override
  public String toString() {
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
}
