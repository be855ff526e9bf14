package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.Vector;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The values of one column for the rows of a {@link ColumnBatch}, in primitive arrays: the columnar view
 * of the row model. Mutable and not thread-safe; a reader reuses its vectors from batch to batch.
 *
 * <p>How values are held is the vector's {@link Physical} representation. Consumers that want speed read
 * the backing arrays ({@link #longs()}, {@link #ints()}, {@link #doubles()}, {@link #booleans()}, {@link
 * #data()} with {@link #offsets()}) for indexes {@code 0 .. size()-1}, and {@link #isNull(int)} (or {@link
 * #nulls()}, {@code null} for a column that cannot hold nulls); everyone else calls {@link #get(int)}, which
 * returns exactly the value a {@link Row} holds.
 *
 * <table>
 *   <caption>Physical representations</caption>
 *   <tr><th>physical</th><th>arrays</th><th>column types</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@code booleans}</td><td>BOOLEAN</td></tr>
 *   <tr><td>INT32</td><td>{@code ints}</td><td>INT, DATE (epoch day), TIME ({@link #unit()} MILLIS), DECIMAL (unscaled)</td></tr>
 *   <tr><td>UINT32</td><td>{@code ints}, the bits of an unsigned 32-bit integer</td><td>LONG ({@code Integer.toUnsignedLong})</td></tr>
 *   <tr><td>INT64</td><td>{@code longs}</td><td>LONG, DECIMAL (unscaled), TIME, TIMESTAMP and LOCAL_TIMESTAMP (in {@link #unit()} since the epoch or midnight)</td></tr>
 *   <tr><td>UINT64</td><td>{@code longs}, the bits of an unsigned 64-bit integer</td><td>DECIMAL(20,0) ({@code Long.toUnsignedString})</td></tr>
 *   <tr><td>INT96</td><td>{@code ints} the Julian day, {@code longs} the nanosecond of that day (read as Spark reads them, see {@link #getTimestamp})</td><td>TIMESTAMP (Spark, Hive, Impala)</td></tr>
 *   <tr><td>DOUBLE</td><td>{@code doubles} (a FLOAT column widened exactly)</td><td>DOUBLE</td></tr>
 *   <tr><td>BINARY</td><td>{@code data} bytes {@code offsets[i] .. offsets[i+1]}</td><td>STRING (UTF-8), BYTES, DECIMAL (two's complement, big-endian)</td></tr>
 *   <tr><td>LIST, MAP</td><td>{@code offsets}: the entries of row {@code i} are {@code offsets[i] .. offsets[i+1]} of {@link #child(int)} (a map's keys are child 0, its values child 1)</td><td>LIST, MAP</td></tr>
 *   <tr><td>STRUCT</td><td>one child vector per field, of this vector's size</td><td>STRUCT</td></tr>
 * </table>
 *
 * <p>To write, {@link ColumnBatch#allocate(RowSchema)} makes vectors in the representation the writer
 * uses (INT64 MICROS for times and timestamps, INT64 unscaled for decimals up to 18 digits, BINARY above)
 * and the {@code append} methods fill them, checking that Parquet keeps each value exactly.
 *
 * <p>The library makes every vector ({@link #allocate(Column)}, {@link ColumnBatch#allocate(RowSchema)}, the
 * readers); a host reads and appends through this interface and does not implement it: {@link ColumnBatch#of}
 * takes only the library's vectors. How a vector grows, and what the readers do to it (fill its arrays directly,
 * carry a dictionary's ids, bind a dictionary's values), is the library's own.
 */
public interface ColumnVector {

  /** How a vector holds its values. */
  enum Physical { BOOLEAN, INT32, UINT32, INT64, UINT64, INT96, DOUBLE, BINARY, LIST, MAP, STRUCT }

  /**
   * An empty vector for a column, in the representation the writer uses (the table above): what
   * {@link ColumnBatch#allocate(RowSchema)} holds, for a host that builds a batch with
   * {@link ColumnBatch#of(RowSchema, List)}. It grows as values are appended.
   *
   * @param column the column whose values it will hold
   * @return an empty vector (a nested column's with its children's)
   */
  static ColumnVector allocate(Column column) {
    return Vector.allocate(column);
  }

  /**
   * A vector holding one value {@code count} times (a constant column: a partition's value in every row of a
   * batch, say). The value is checked and converted as {@link #append} does it; rows made of the vector share one
   * instance of a value that is immutable (every type but BYTES and the nested ones): {@code value} itself when it
   * is of the type {@link #get} returns, so that vectors repeating one instance share it.
   *
   * @param column the column whose values it holds
   * @param value the value, {@code null} for a column that may hold nulls
   * @param count the number of values
   * @return a vector of {@code count} values, which grows as values are appended
   * @throws InvalidInputException if the column cannot hold the value, or {@code count} is negative
   */
  static ColumnVector repeat(Column column, @Nullable Object value, int count) {
    return Vector.repeat(column, value, count);
  }

  /** @return the column whose values this vector holds */
  Column column();

  /** @return how values are held */
  Physical physical();

  /** @return for TIME, TIMESTAMP and LOCAL_TIMESTAMP on INT32/INT64, the unit of {@link #ints()}/{@link #longs()}; else {@code null} */
  @Nullable ChronoUnit unit();

  /** @return the number of values (rows, or entries for the parts of a LIST or MAP) */
  int size();

  /**
   * @param index a part of a LIST (0: elements), MAP (0: keys, 1: values) or STRUCT (a field's position)
   * @return that part's vector
   */
  ColumnVector child(int index);

  /** @return null flags ({@code true}: null) for indexes below {@link #size()}, or {@code null} if the column cannot hold nulls */
  boolean @Nullable [] nulls();

  /** @return the BOOLEAN backing array */
  boolean[] booleans();

  /** @return the INT32, UINT32 backing array, or INT96 Julian days */
  int[] ints();

  /** @return the INT64, UINT64 backing array, or INT96 nanoseconds of the day */
  long[] longs();

  /** @return the DOUBLE backing array */
  double[] doubles();

  /** @return the BINARY bytes, value {@code i} from {@code offsets()[i]} to {@code offsets()[i+1]} */
  byte[] data();

  /** @return BINARY byte offsets or LIST/MAP entry offsets, {@code size() + 1} of them */
  int[] offsets();

  /**
   * @param index a row (or entry) below {@link #size()}
   * @return whether the value there is null
   */
  boolean isNull(int index);

  /**
   * @param index an index below {@link #size()}
   * @return the value as a {@link Row} holds it (see {@link ColumnType}), or {@code null}
   * @throws DataFormatException if the stored value is outside its type's range (a corrupt file)
   */
  @Nullable Object get(int index);

  /**
   * @param index an index below {@link #size()}, not null
   * @return a BOOLEAN value
   */
  boolean getBoolean(int index);

  /**
   * @param index an index below {@link #size()}, not null
   * @return an INT32 value (INT, or DATE's epoch day)
   */
  int getInt(int index);

  /**
   * @param index an index below {@link #size()}, not null
   * @return an INT32, UINT32 (widened, never negative) or INT64 value
   */
  long getLong(int index);

  /**
   * @param index an index below {@link #size()}, not null
   * @return a DOUBLE value
   */
  double getDouble(int index);

  /**
   * @param index an index below {@link #size()}
   * @return a STRING value, decoded from UTF-8, or {@code null}
   */
  @Nullable String getString(int index);

  /**
   * @param index an index below {@link #size()}
   * @return a copy of a BINARY value, or {@code null}
   */
  byte @Nullable [] getBytes(int index);

  /**
   * @param index an index below {@link #size()}
   * @return a DECIMAL value with the column's scale, or {@code null}
   */
  @Nullable BigDecimal getDecimal(int index);

  /**
   * @param index an index below {@link #size()}
   * @return a TIME value, or {@code null}
   */
  @Nullable LocalTime getTime(int index);

  /**
   * An INT96 value is read as Spark reads it: {@code (julianDay - 2440588) * 86400000000 + nanosOfDay / 1000}
   * microseconds in 64-bit arithmetic (so the values Spark writes for instants past year 294,000, which
   * overflow, come back as Spark meant them), plus the nanoseconds below the microsecond that Hive and
   * Impala write.
   *
   * @param index an index below {@link #size()}
   * @return a TIMESTAMP value, or {@code null}
   */
  @Nullable Instant getTimestamp(int index);

  /**
   * @param index an index below {@link #size()}
   * @return a LOCAL_TIMESTAMP value, or {@code null}
   */
  @Nullable LocalDateTime getLocalTimestamp(int index);

  /** Empties this vector and its children, keeping the arrays. */
  void clear();

  /**
   * Appends a null.
   *
   * @throws InvalidInputException if the column cannot hold nulls
   */
  void appendNull();

  /**
   * @param value a BOOLEAN value
   */
  void appendBoolean(boolean value);

  /**
   * @param value an INT value, or a DATE's epoch day
   */
  void appendInt(int value);

  /**
   * @param value a LONG value, an unscaled DECIMAL (up to 18 digits), or a TIME, TIMESTAMP or
   *     LOCAL_TIMESTAMP in this vector's {@link #unit()}
   * @throws InvalidInputException if a decimal has more digits than its precision, or a time is outside a day
   */
  void appendLong(long value);

  /**
   * @param value a DOUBLE value
   */
  void appendDouble(double value);

  /**
   * @param value a STRING value, stored as UTF-8 (an unpaired surrogate becomes {@code ?}, as {@link
   *     String#getBytes} does)
   */
  void appendString(String value);

  /**
   * @param value BINARY bytes
   */
  void appendBytes(byte[] value);

  /**
   * Appends a row-model value (see {@link ColumnType}), checked and converted to this vector's
   * representation. On failure nothing is appended.
   *
   * @param value the value, or {@code null}
   * @throws InvalidInputException if the value has the wrong type, is null in a required column, or would
   *     not be kept exactly (sub-microsecond digits, too many decimal digits, another decimal scale)
   */
  void append(@Nullable Object value);
}
