package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The values of a batch's rows, column by column, shared by the {@link Row}s {@link ColumnBatch#rows()} makes:
 * each row is this block and a position in it. Immutable once made (its arrays are copies, never written
 * again), so its rows are as immutable and as safe to share between threads as rows made by {@link Row#of}.
 *
 * <p>Columns whose values cannot be out of their type's range (BOOLEAN, INT, LONG and DOUBLE held as such,
 * DATE, DECIMAL held as INT32 or INT64, TIMESTAMP in INT64 microseconds) keep their primitive arrays, and a
 * row makes the boxed or {@code java.time} value when it is asked for it: a value read and dropped at once
 * never lives on the heap (the JIT can leave it out altogether), where a row holding an object per value
 * made the reader allocate, and the collector trace, about 150 bytes a row. Every other column (strings,
 * binary, nested values, and values taken from a dictionary, made once per dictionary entry) is made into
 * objects here, as before, so that a corrupt value fails when the batch is read, not when a row is used.
 */
final class RowBlock {

  /** How a column is held; {@link #OBJECT} columns hold the values a row returns. */
  private static final byte OBJECT = 0;
  private static final byte BOOLEAN = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte DOUBLE = 4;
  private static final byte DATE = 5;
  private static final byte DECIMAL_INT = 6;
  private static final byte DECIMAL_LONG = 7;
  private static final byte TIMESTAMP_MICROS = 8;

  private static final boolean[] NO_NULLS = new boolean[0];

  private final byte[] codes;
  /** Per column, its kind (what the typed getters of {@link Row} check before they read). */
  final ColumnType.Kind[] kinds;
  private final int[] scales;
  /** Per column, the null flags, {@link #NO_NULLS} for a column without nulls. */
  private final boolean[][] nulls;
  private final boolean[][] booleans;
  private final int[][] ints;
  private final long[][] longs;
  private final double[][] doubles;
  /** Per column held as objects, the values (null where the value is null). */
  private final Object[][] objects;

  /** The schema of the rows. */
  final RowSchema schema;
  /** The number of rows. */
  final int size;

  private RowBlock(RowSchema schema, int columns, int size) {
    this.schema = schema;
    this.size = size;
    codes = new byte[columns];
    kinds = new ColumnType.Kind[columns];
    scales = new int[columns];
    nulls = new boolean[columns][];
    booleans = new boolean[columns][];
    ints = new int[columns][];
    longs = new long[columns][];
    doubles = new double[columns][];
    objects = new Object[columns][];
  }

  /**
   * The first {@code n} rows of {@code vectors}, which stay valid whatever happens to the vectors afterwards.
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  static Row[] rows(RowSchema schema, ColumnVector[] vectors, int n) {
    RowBlock block = of(schema, vectors, n);
    Row[] rows = new Row[n];
    for (int i = 0; i < n; i++) {
      rows[i] = Row.inBlock(schema, block, i);
    }
    return rows;
  }

  /**
   * The values of the first {@code n} rows of {@code vectors}, which stay valid whatever happens to the vectors
   * afterwards; a row reader makes each {@link Row} of it as the row is asked for ({@link Row#inBlock}).
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  static RowBlock of(RowSchema schema, ColumnVector[] vectors, int n) {
    RowBlock block = new RowBlock(schema, vectors.length, n);
    for (int c = 0; c < vectors.length; c++) {
      block.kinds[c] = vectors[c].column().type().kind();
      block.take(c, vectors[c], n);
    }
    return block;
  }

  // an OBJECT column's array holds null where the value is null; NullAway does not follow nullable elements of
  // two-dimensional arrays, so the array is declared plain
  @SuppressWarnings("NullAway")
  private void take(int c, ColumnVector v, int n) {
    boolean[] vectorNulls = v.nulls();
    // a nullable column without a null in these rows keeps no flags: a copy would be a megabyte per million rows
    nulls[c] = vectorNulls == null || !anyNull(vectorNulls, n) ? NO_NULLS : Arrays.copyOf(vectorNulls, n);
    // a primitive representation wins over a dictionary's ids: its array is filled whatever the page's encoding
    // (dictionary pages too, see LeafReader.decode), a primitive getter then reads it without an object, and no
    // object is made for a value nobody reads (a column of unique values in dictionary pages made one per row)
    byte code = code(v);
    codes[c] = code;
    switch (code) {
      case BOOLEAN -> booleans[c] = Arrays.copyOf(v.booleans(), n);
      case INT, DATE, DECIMAL_INT -> ints[c] = Arrays.copyOf(v.ints(), n);
      case LONG, DECIMAL_LONG, TIMESTAMP_MICROS -> longs[c] = Arrays.copyOf(v.longs(), n);
      case DOUBLE -> doubles[c] = Arrays.copyOf(v.doubles(), n);
      default -> {
        Object[] values = new Object[n];
        v.copyValues(values, n);
        objects[c] = values;
      }
    }
    if (code == DECIMAL_INT || code == DECIMAL_LONG) {
      scales[c] = v.column().type().scale();
    }
  }

  private static boolean anyNull(boolean[] flags, int n) {
    for (int i = 0; i < n; i++) {
      if (flags[i]) {
        return true;
      }
    }
    return false;
  }

  private static byte code(ColumnVector v) {
    Physical physical = v.physical();
    return switch (v.column().type().kind()) {
      case BOOLEAN -> BOOLEAN;
      case INT -> INT;
      case LONG -> physical == Physical.INT64 ? LONG : OBJECT;
      case DOUBLE -> DOUBLE;
      case DATE -> DATE;
      case DECIMAL -> physical == Physical.INT64 ? DECIMAL_LONG
          : physical == Physical.INT32 ? DECIMAL_INT : OBJECT;
      case TIMESTAMP -> physical == Physical.INT64 && v.unit() == ChronoUnit.MICROS
          ? TIMESTAMP_MICROS : OBJECT;
      case STRING, BYTES, TIME, LOCAL_TIMESTAMP, VARIANT, LIST, MAP, STRUCT -> OBJECT;
    };
  }

  /** Whether the value of column {@code c} at {@code position} is null. */
  boolean isNull(int c, int position) {
    boolean[] n = nulls[c];
    return n != NO_NULLS && n[position];
  }

  /** @return whether column {@code c} is held as INT32 values of an INT column */
  boolean holdsInt(int c) {
    return codes[c] == INT;
  }

  /** @return whether column {@code c} is held as 64-bit values of a LONG column */
  boolean holdsLong(int c) {
    return codes[c] == LONG;
  }

  /** @return whether column {@code c} is a DECIMAL column held as INT64 unscaled values */
  boolean holdsDecimalLong(int c) {
    return codes[c] == DECIMAL_LONG;
  }

  /** @return whether column {@code c} is a DATE column held as INT32 days */
  boolean holdsDate(int c) {
    return codes[c] == DATE;
  }

  /** @return whether column {@code c} is a TIMESTAMP column held as INT64 microseconds */
  boolean holdsMicros(int c) {
    return codes[c] == TIMESTAMP_MICROS;
  }

  /** @return whether column {@code c} is held as doubles */
  boolean holdsDouble(int c) {
    return codes[c] == DOUBLE;
  }

  /** @return whether column {@code c} is held as booleans */
  boolean holdsBoolean(int c) {
    return codes[c] == BOOLEAN;
  }

  /** The INT value of column {@code c} at {@code position}; the column {@link #holdsInt holds ints}. */
  int intAt(int c, int position) {
    return ints[c][position];
  }

  /** The value of column {@code c} at {@code position}; the column {@link #holdsLong holds longs}. */
  long longAt(int c, int position) {
    return longs[c][position];
  }

  /** The non-null value at {@code position}; the column {@link #holdsDecimalLong holds INT64 decimals}. */
  BigDecimal decimalLongAt(int c, int position) {
    return BigDecimal.valueOf(longs[c][position], scales[c]);
  }

  /** The non-null value at {@code position}; the column {@link #holdsDate holds days}. */
  LocalDate dateAt(int c, int position) {
    return LocalDate.ofEpochDay(ints[c][position]);
  }

  /** The non-null value at {@code position}; the column {@link #holdsMicros holds microseconds}. */
  Instant microsAt(int c, int position) {
    long v = longs[c][position];
    return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
  }

  /** The value of column {@code c} at {@code position}; the column {@link #holdsDouble holds doubles}. */
  double doubleAt(int c, int position) {
    return doubles[c][position];
  }

  /** The value of column {@code c} at {@code position}; the column {@link #holdsBoolean holds booleans}. */
  boolean booleanAt(int c, int position) {
    return booleans[c][position];
  }

  /** The value of STRING column {@code c} at {@code position}, or null. */
  @Nullable String string(int c, int position) {
    return (String) objects[c][position];
  }

  /** The value of DECIMAL column {@code c} at {@code position}, or null. */
  @Nullable BigDecimal decimal(int c, int position) {
    if (isNull(c, position)) {
      return null;
    }
    return switch (codes[c]) {
      case DECIMAL_LONG -> BigDecimal.valueOf(longs[c][position], scales[c]);
      case DECIMAL_INT -> BigDecimal.valueOf(ints[c][position], scales[c]);
      default -> (BigDecimal) objects[c][position];
    };
  }

  /** The value of TIMESTAMP column {@code c} at {@code position}, or null. */
  @Nullable Instant timestamp(int c, int position) {
    if (isNull(c, position)) {
      return null;
    }
    if (codes[c] == TIMESTAMP_MICROS) {
      long v = longs[c][position];
      return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
    }
    return (Instant) objects[c][position];
  }

  /** The value of DATE column {@code c} at {@code position}, or null. */
  @Nullable LocalDate date(int c, int position) {
    if (isNull(c, position)) {
      return null;
    }
    return codes[c] == DATE ? LocalDate.ofEpochDay(ints[c][position]) : (LocalDate) objects[c][position];
  }

  /** The value of column {@code c} at {@code position}, as a {@link Row} holds it (byte arrays not copied). */
  @Nullable Object value(int c, int position) {
    if (isNull(c, position)) {
      return null;
    }
    return switch (codes[c]) {
      case BOOLEAN -> booleans[c][position];
      case INT -> ints[c][position];
      case LONG -> longs[c][position];
      case DOUBLE -> doubles[c][position];
      case DATE -> LocalDate.ofEpochDay(ints[c][position]);
      case DECIMAL_INT -> BigDecimal.valueOf(ints[c][position], scales[c]);
      case DECIMAL_LONG -> BigDecimal.valueOf(longs[c][position], scales[c]);
      case TIMESTAMP_MICROS -> {
        long v = longs[c][position];
        yield Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
      }
      default -> objects[c][position];
    };
  }
}
