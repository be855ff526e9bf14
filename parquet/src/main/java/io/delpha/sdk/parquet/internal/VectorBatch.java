package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Vector} per column of a {@link RowSchema} and a row count: the storage of a batch, which the public
 * {@code ColumnBatch} shows and its appender fills, the readers decode into and the writer encodes. Mutable and not
 * thread-safe.
 */
public final class VectorBatch {

  private final RowSchema schema;
  private final Vector[] vectors;
  /** Each vector's appender, made when first asked for. */
  private final @Nullable VectorAppender[] appenders;
  private int rowCount;

  /**
   * @param schema the rows' schema
   * @param vectors one vector per column, in order, each holding that column; the batch keeps the array
   * @throws InvalidInputException if the count differs or a vector holds another column
   */
  public VectorBatch(RowSchema schema, Vector[] vectors) {
    this.schema = Objects.requireNonNull(schema, "schema");
    if (vectors.length != schema.size()) {
      throw new InvalidInputException(vectors.length + " vectors for " + schema.size() + " columns");
    }
    for (int i = 0; i < vectors.length; i++) {
      if (!vectors[i].column().equals(schema.column(i))) {
        throw new InvalidInputException("vector " + i + " holds " + vectors[i].column() + ", " + schema.column(i)
            + " expected");
      }
    }
    this.vectors = vectors;
    this.appenders = new VectorAppender[vectors.length];
  }

  /**
   * @param schema the rows' schema
   * @return an empty batch in the representation the writer uses ({@link #allocate(Column)})
   */
  public static VectorBatch allocate(RowSchema schema) {
    Vector[] vectors = new Vector[schema.size()];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = allocate(schema.column(i));
    }
    return new VectorBatch(schema, vectors);
  }

  /**
   * An empty vector for a column, in the representation the writer uses ({@link SchemaMapping#writtenPhysical}). It
   * grows as values are appended.
   *
   * @param column the column whose values it will hold
   * @return an empty vector (a nested column's with its children's)
   */
  public static Vector allocate(Column column) {
    ColumnType t = column.type();
    return t.kind().isNested() ? Vector.nested(column, t.children().stream().map(VectorBatch::allocate).toList())
        : Vector.leaf(column, SchemaMapping.writtenPhysical(t), SchemaMapping.writtenUnit(t));
  }

  /** @return the rows' schema */
  public RowSchema schema() {
    return schema;
  }

  /** @return the number of rows */
  public int rowCount() {
    return rowCount;
  }

  /** @return the number of columns */
  public int columns() {
    return vectors.length;
  }

  /**
   * @param index a column position
   * @return its vector
   */
  public Vector vector(int index) {
    return vectors[index];
  }

  /**
   * @param index a column position
   * @return the appender of its vector, the same one each time
   */
  public VectorAppender appender(int index) {
    VectorAppender a = appenders[index];
    if (a == null) {
      a = new VectorAppender(vectors[index]);
      appenders[index] = a;
    }
    return a;
  }

  /**
   * Sets the row count after the vectors were filled.
   *
   * @param rowCount the number of rows; every vector must hold exactly that many values
   * @throws InvalidInputException if a vector holds another number of values
   */
  public void setRowCount(int rowCount) {
    for (Vector v : vectors) {
      if (v.size() != rowCount) {
        throw new InvalidInputException("column " + v.column().name() + " holds " + v.size() + " values, not "
            + rowCount);
      }
    }
    this.rowCount = rowCount;
  }

  /**
   * Keeps the rows at {@code rows[0..count)}, in place (see {@link VectorRows#keep}).
   *
   * @param rows the positions to keep, strictly ascending, each below {@link #rowCount()}
   * @param count how many of {@code rows} to use
   * @throws IndexOutOfBoundsException if the positions are not strictly ascending or not below the row count
   */
  public void keep(int[] rows, int count) {
    VectorRows.requireKept(rows, count, rowCount); // once, before any vector moves
    for (Vector v : vectors) {
      VectorRows.keep(v, rows, count);
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
    for (Vector v : vectors) {
      v.truncate(rowCount);
    }
    this.rowCount = rowCount;
  }

  /** Empties every vector, keeping their arrays. */
  public void clear() {
    for (Vector v : vectors) {
      v.clear();
    }
    rowCount = 0;
  }

  /** @return whether every vector holds its values the way the writer writes them ({@link #allocate(Column)}) */
  public boolean writable() {
    for (Vector v : vectors) {
      if (!writable(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean writable(Vector v) {
    var t = v.column().type();
    if (v.physical() != SchemaMapping.writtenPhysical(t) || v.unit() != SchemaMapping.writtenUnit(t)) {
      return false;
    }
    for (int i = 0; i < t.children().size(); i++) {
      if (!writable(v.child(i))) {
        return false;
      }
    }
    return true;
  }
}
