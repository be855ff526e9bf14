package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The values of a batch's rows, column by column, shared by the {@code Row}s {@code ColumnBatch.rows()} makes:
 * each row is this block and a position in it. Immutable once made (its arrays are copies, never written
 * again), so its rows are as immutable and as safe to share between threads as rows made by {@code Row.of}.
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
  /** Per column, its kind (what the typed getters check before they read). */
  private final ColumnType.Kind[] kinds;
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
   * The values of the first {@code n} rows of {@code vectors}, which stay valid whatever happens to the vectors
   * afterwards; a row reader makes each {@code Row} of it as the row is asked for ({@code Row.inBlock}).
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  static RowBlock of(RowSchema schema, ColumnVector[] vectors, int n) {
    return of(schema, vectors, 0, n);
  }

  /**
   * The values of rows {@code [from, to)} of {@code vectors}, as rows {@code 0 .. to - from)} of the block; see
   * {@link #of(RowSchema, ColumnVector[], int)}.
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  static RowBlock of(RowSchema schema, ColumnVector[] vectors, int from, int to) {
    RowBlock block = new RowBlock(schema, vectors.length, to - from);
    for (int c = 0; c < vectors.length; c++) {
      block.kinds[c] = vectors[c].column().type().kind();
      block.take(c, vectors[c], from, to);
    }
    return block;
  }

  // an OBJECT column's array holds null where the value is null; NullAway does not follow nullable elements of
  // two-dimensional arrays, so the array is declared plain
  @SuppressWarnings("NullAway")
  private void take(int c, ColumnVector v, int from, int to) {
    int n = to - from;
    boolean[] vectorNulls = v.nulls();
    // a nullable column without a null in these rows keeps no flags: a copy would be a megabyte per million rows
    nulls[c] = vectorNulls == null || !anyNull(vectorNulls, from, to) ? NO_NULLS
        : Arrays.copyOfRange(vectorNulls, from, to);
    // a primitive representation wins over a dictionary's ids: its array is filled whatever the page's encoding
    // (dictionary pages too, see LeafReader.decode), a primitive getter then reads it without an object, and no
    // object is made for a value nobody reads (a column of unique values in dictionary pages made one per row)
    byte code = code(v);
    codes[c] = code;
    switch (code) {
      case BOOLEAN -> booleans[c] = Arrays.copyOfRange(v.booleans(), from, to);
      case INT, DATE, DECIMAL_INT -> ints[c] = Arrays.copyOfRange(v.ints(), from, to);
      case LONG, DECIMAL_LONG, TIMESTAMP_MICROS -> longs[c] = Arrays.copyOfRange(v.longs(), from, to);
      case DOUBLE -> doubles[c] = Arrays.copyOfRange(v.doubles(), from, to);
      default -> {
        Object[] values = new Object[n];
        v.copyValues(values, from, to);
        objects[c] = values;
      }
    }
    if (code == DECIMAL_INT || code == DECIMAL_LONG) {
      scales[c] = v.column().type().scale();
    }
  }

  private static boolean anyNull(boolean[] flags, int from, int to) {
    for (int i = from; i < to; i++) {
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

  // The typed getters of a row of this block: Row's getter calls one of them, which reads the value where it is held
  // (a load, a compare or two and the value) and leaves everything else (null values, other kinds, INT read as long,
  // the typed errors) to a method of its own, which the JIT compiles apart when it runs at all: the loops that read
  // rows by name compile while the first files are read (docs/parquet.md, "Measured"), and the fewer bytes they
  // inline, the sooner that compiled code runs. An index outside the schema is an ArrayIndexOutOfBoundsException: the
  // arrays have one slot per column.

  /** {@code Row.getInt} of the row at {@code position}. */
  int getInt(int c, int position) {
    if (codes[c] == INT && !isNull(c, position)) {
      return ints[c][position];
    }
    return otherInt(c, position);
  }

  private int otherInt(int c, int position) {
    return (Integer) primitive(c, position, "getInt", ColumnType.Kind.INT);
  }

  /** {@code Row.getLong} of the row at {@code position}. */
  long getLong(int c, int position) {
    if (codes[c] == LONG && !isNull(c, position)) {
      return longs[c][position];
    }
    return otherLong(c, position);
  }

  private long otherLong(int c, int position) {
    if (codes[c] == INT && !isNull(c, position)) {
      return ints[c][position];
    }
    return ((Number) primitive(c, position, "getLong", ColumnType.Kind.LONG, ColumnType.Kind.INT)).longValue();
  }

  /** {@code Row.getDouble} of the row at {@code position}. */
  double getDouble(int c, int position) {
    if (codes[c] == DOUBLE && !isNull(c, position)) {
      return doubles[c][position];
    }
    return otherDouble(c, position);
  }

  private double otherDouble(int c, int position) {
    return (Double) primitive(c, position, "getDouble", ColumnType.Kind.DOUBLE);
  }

  /** {@code Row.getBoolean} of the row at {@code position}. */
  boolean getBoolean(int c, int position) {
    if (codes[c] == BOOLEAN && !isNull(c, position)) {
      return booleans[c][position];
    }
    return otherBoolean(c, position);
  }

  private boolean otherBoolean(int c, int position) {
    return (Boolean) primitive(c, position, "getBoolean", ColumnType.Kind.BOOLEAN);
  }

  /** {@code Row.getDecimal} of the row at {@code position}. */
  @Nullable BigDecimal getDecimal(int c, int position) {
    if (codes[c] == DECIMAL_LONG && !isNull(c, position)) {
      return BigDecimal.valueOf(longs[c][position], scales[c]);
    }
    return otherDecimal(c, position);
  }

  private @Nullable BigDecimal otherDecimal(int c, int position) {
    if (kinds[c] != ColumnType.Kind.DECIMAL) {
      return (BigDecimal) typed(c, position, ColumnType.Kind.DECIMAL);
    }
    if (isNull(c, position)) {
      return null;
    }
    return switch (codes[c]) {
      case DECIMAL_LONG -> BigDecimal.valueOf(longs[c][position], scales[c]);
      case DECIMAL_INT -> BigDecimal.valueOf(ints[c][position], scales[c]);
      default -> (BigDecimal) objects[c][position];
    };
  }

  /** {@code Row.getDate} of the row at {@code position}. */
  @Nullable LocalDate getDate(int c, int position) {
    if (codes[c] == DATE && !isNull(c, position)) {
      return LocalDate.ofEpochDay(ints[c][position]);
    }
    return otherDate(c, position);
  }

  private @Nullable LocalDate otherDate(int c, int position) {
    if (kinds[c] != ColumnType.Kind.DATE) {
      return (LocalDate) typed(c, position, ColumnType.Kind.DATE);
    }
    if (isNull(c, position)) {
      return null;
    }
    return codes[c] == DATE ? LocalDate.ofEpochDay(ints[c][position]) : (LocalDate) objects[c][position];
  }

  /** {@code Row.getTimestamp} of the row at {@code position}. */
  @Nullable Instant getTimestamp(int c, int position) {
    if (codes[c] == TIMESTAMP_MICROS && !isNull(c, position)) {
      return micros(longs[c][position]);
    }
    return otherTimestamp(c, position);
  }

  private @Nullable Instant otherTimestamp(int c, int position) {
    if (kinds[c] != ColumnType.Kind.TIMESTAMP) {
      return (Instant) typed(c, position, ColumnType.Kind.TIMESTAMP);
    }
    if (isNull(c, position)) {
      return null;
    }
    return codes[c] == TIMESTAMP_MICROS ? micros(longs[c][position]) : (Instant) objects[c][position];
  }

  /** {@code Row.getString} of the row at {@code position}. */
  @Nullable String getString(int c, int position) {
    if (kinds[c] == ColumnType.Kind.STRING) {
      return (String) objects[c][position];
    }
    return (String) typed(c, position, ColumnType.Kind.STRING);
  }

  private static Instant micros(long v) {
    return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
  }

  /** The value at {@code c} (as held) of a column of kind {@code kind}, else a typed error. */
  private @Nullable Object typed(int c, int position, ColumnType.Kind kind) {
    return TypedGetters.typed(schema, c, kind, value(c, position));
  }

  /** The non-null value at {@code c} of a column of one of {@code kinds}, else a typed error. */
  private Object primitive(int c, int position, String getter, ColumnType.Kind... kinds) {
    TypedGetters.requireKind(schema, c, getter, kinds);
    return TypedGetters.present(schema, c, getter, value(c, position));
  }

  /** The value of column {@code c} at {@code position}, as a {@code Row} holds it (byte arrays not copied). */
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
      case TIMESTAMP_MICROS -> micros(longs[c][position]);
      default -> objects[c][position];
    };
  }
}
