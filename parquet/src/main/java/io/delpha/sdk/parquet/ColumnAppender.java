package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.Vector;
import io.delpha.sdk.parquet.internal.VectorAppender;
import io.delpha.sdk.parquet.internal.VectorBatch;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fills one column's vector, for a writer: the write side of a {@link ColumnVector}. Values go into the
 * representation the writer uses (the table of {@link ColumnVector}: INT64 MICROS for times and timestamps, INT64
 * unscaled for decimals up to 18 digits, BINARY above), each checked so that Parquet keeps it exactly. The typed
 * appends take a representation's value as it is; {@link #append(Object)} takes any row-model value. Not
 * thread-safe.
 *
 * <p>A batch's appenders are {@link ColumnBatch.Appender#column(int)}'s; {@link #allocate(Column)} makes one for a
 * vector of its own, which {@link #vector()} shows (for {@link ColumnBatch#of}).
 */
public final class ColumnAppender {

  /** The checked appends. */
  private final VectorAppender appender;
  /** The arrays, for the appends of a representation's value as it is. */
  private final Vector vector;
  private final ColumnVector view;

  ColumnAppender(ColumnVector view, VectorAppender appender) {
    this.view = view;
    this.appender = appender;
    this.vector = appender.vector();
  }

  /**
   * An appender of an empty vector for a column, in the representation the writer uses. It grows as values are
   * appended.
   *
   * @param column the column whose values it will hold
   * @return an appender of an empty vector (a nested column's with its children's)
   */
  public static ColumnAppender allocate(Column column) {
    Vector vector = VectorBatch.allocate(column);
    return new ColumnAppender(new ColumnVector(vector), new VectorAppender(vector));
  }

  /** @return the vector this appender fills, as read: the values appended so far */
  public ColumnVector vector() {
    return view;
  }

  /** Empties the vector (and its children), keeping its arrays. */
  public void clear() {
    vector.clear();
  }

  /**
   * Appends a null.
   *
   * @throws InvalidInputException if the column cannot hold nulls
   */
  public void appendNull() {
    vector.appendNull();
  }

  /**
   * @param value a BOOLEAN value
   * @throws InvalidInputException if the vector does not hold BOOLEAN values
   */
  public void appendBoolean(boolean value) {
    vector.appendBoolean(value);
  }

  /**
   * @param value an INT value, or a DATE's epoch day
   * @throws InvalidInputException if the vector does not hold INT32 values
   */
  public void appendInt(int value) {
    vector.appendInt(value);
  }

  /**
   * @param value a LONG value, an unscaled DECIMAL (up to 18 digits), or a TIME, TIMESTAMP or
   *     LOCAL_TIMESTAMP in the vector's {@link ColumnVector#unit()}
   * @throws InvalidInputException if the vector does not hold INT64 values, a decimal has more digits than its
   *     precision, or a time is outside a day
   */
  public void appendLong(long value) {
    appender.appendLong(value);
  }

  /**
   * @param value a DOUBLE value
   * @throws InvalidInputException if the vector does not hold DOUBLE values
   */
  public void appendDouble(double value) {
    vector.appendDouble(value);
  }

  /**
   * @param value a STRING value, stored as UTF-8 (an unpaired surrogate becomes {@code ?}, as {@link
   *     String#getBytes} does)
   * @throws InvalidInputException if the vector does not hold BINARY values
   */
  public void appendString(String value) {
    vector.appendString(value);
  }

  /**
   * @param value BINARY bytes (copied)
   * @throws InvalidInputException if the vector does not hold BINARY values, or the column's values have another
   *     fixed length
   */
  public void appendBytes(byte[] value) {
    vector.appendBytes(value, 0, value.length);
  }

  /**
   * Appends a row-model value (see {@link ColumnType}), checked and converted to the vector's representation. On
   * failure nothing is appended.
   *
   * @param value the value, or {@code null}
   * @throws InvalidInputException if the value has the wrong type, is null in a required column, or would
   *     not be kept exactly (sub-microsecond digits, too many decimal digits, another decimal scale)
   */
  public void append(@Nullable Object value) {
    append(appender, value);
  }

  /** {@link #append(Object)} through a vector's appender: on failure nothing is appended. */
  static void append(VectorAppender appender, @Nullable Object value) {
    Vector vector = appender.vector();
    int before = vector.size();
    try {
      appendValue(appender, value);
    } catch (RuntimeException e) {
      vector.truncate(before);
      throw e;
    }
  }

  /**
   * A value into a vector: a leaf's by the vector, a LIST's, MAP's or STRUCT's taken apart here (a STRUCT's value is a
   * {@link Row}, which only this package reads).
   */
  private static void appendValue(VectorAppender appender, @Nullable Object value) {
    if (appender.isLeaf()) {
      appender.append(value); // null included
      return;
    }
    Vector vector = appender.vector();
    if (value == null) {
      vector.appendNull();
      return;
    }
    switch (vector.physical()) {
      case LIST -> {
        List<?> list = value instanceof List<?> l ? l : wrongType(vector.column(), value);
        int slot = vector.openNested();
        for (Object e : list) {
          appendValue(appender.child(0), e);
        }
        vector.closeNested(slot);
      }
      case MAP -> {
        Map<?, ?> map = value instanceof Map<?, ?> m ? m : wrongType(vector.column(), value);
        int slot = vector.openNested();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          appendValue(appender.child(0), e.getKey());
          appendValue(appender.child(1), e.getValue());
        }
        vector.closeNested(slot);
      }
      case STRUCT -> {
        Column column = vector.column();
        ColumnType type = column.type();
        Row row = value instanceof Row r ? r : wrongType(column, value);
        if (!row.schema().columns().equals(type.children())) {
          throw new InvalidInputException("column " + column.name() + " (" + type + ") expects a row of "
              + type.fields() + ", got a row of " + row.schema());
        }
        int slot = vector.openNested();
        for (int k = 0; k < type.children().size(); k++) {
          appendValue(appender.child(k), row.get(k));
        }
        vector.closeNested(slot);
      }
      default -> throw new IllegalStateException(vector + " is neither a leaf nor LIST, MAP or STRUCT");
    }
  }

  private static <T> T wrongType(Column column, Object value) {
    throw new InvalidInputException("column " + column.name() + " (" + column.type() + ") expects "
        + Row.javaType(column.type()).getSimpleName() + ", got " + value.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return "ColumnAppender[" + vector.column() + ", " + vector.size() + " values]";
  }
}
