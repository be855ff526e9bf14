package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.LeafValues;
import io.delpha.sdk.parquet.internal.Vector;
import io.delpha.sdk.parquet.internal.VectorAppender;
import io.delpha.sdk.parquet.internal.VectorBatch;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The values of one column for the rows of a {@link ColumnBatch}, in primitive arrays: the columnar view
 * of the row model, read-only (a {@link ColumnAppender} fills a vector). Not thread-safe; a reader reuses its vectors
 * from batch to batch.
 *
 * <p>How values are held is the vector's {@link io.delpha.sdk.parquet.Physical} representation. Consumers that want speed read
 * the backing arrays ({@link #longs()}, {@link #ints()}, {@link #doubles()}, {@link #booleans()}, {@link
 * #data()} with {@link #offsets()}) for indexes {@code 0 .. size()-1}, and {@link #isNull(int)} (or {@link
 * #nulls()}, {@code null} for a column that cannot hold nulls); everyone else calls {@link #get(int)}, which
 * returns exactly the value a {@link Row} holds, or one of the few typed getters.
 *
 * <table>
 *   <caption>Physical representations</caption>
 *   <tr><th>physical</th><th>arrays</th><th>column types</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@code booleans}</td><td>BOOLEAN</td></tr>
 *   <tr><td>INT32</td><td>{@code ints}</td><td>INT, DATE (epoch day), TIME ({@link #unit()} MILLIS), DECIMAL (unscaled)</td></tr>
 *   <tr><td>UINT32</td><td>{@code ints}, the bits of an unsigned 32-bit integer</td><td>LONG ({@code Integer.toUnsignedLong})</td></tr>
 *   <tr><td>INT64</td><td>{@code longs}</td><td>LONG, DECIMAL (unscaled), TIME, TIMESTAMP and LOCAL_TIMESTAMP (in {@link #unit()} since the epoch or midnight)</td></tr>
 *   <tr><td>UINT64</td><td>{@code longs}, the bits of an unsigned 64-bit integer</td><td>DECIMAL(20,0) ({@code Long.toUnsignedString})</td></tr>
 *   <tr><td>INT96</td><td>{@code ints} the Julian day, {@code longs} the nanosecond of that day (read as Spark reads them, as Spark reads them: {@code (julianDay - 2440588) * 86400000000 + nanosOfDay / 1000}
 * microseconds in wrapping 64-bit arithmetic, plus the nanoseconds below the microsecond that Hive and Impala write)</td><td>TIMESTAMP (Spark, Hive, Impala)</td></tr>
 *   <tr><td>DOUBLE</td><td>{@code doubles} (a FLOAT column widened exactly)</td><td>DOUBLE</td></tr>
 *   <tr><td>BINARY</td><td>{@code data} bytes {@code offsets[i] .. offsets[i+1]}</td><td>STRING (UTF-8), BYTES, DECIMAL (two's complement, big-endian), VARIANT (its metadata followed by its value, split by the metadata's own length: VariantEncoding.md)</td></tr>
 *   <tr><td>LIST, MAP</td><td>{@code offsets}: the entries of row {@code i} are {@code offsets[i] .. offsets[i+1]} of {@link #child(int)} (a map's keys are child 0, its values child 1)</td><td>LIST, MAP</td></tr>
 *   <tr><td>STRUCT</td><td>one child vector per field, of this vector's size</td><td>STRUCT</td></tr>
 * </table>
 *
 * <p>To write, {@link ColumnBatch#appender(RowSchema)} (or {@link ColumnAppender#allocate(Column)} for one column)
 * makes vectors in the representation the writer uses (INT64 MICROS for times and timestamps, INT64 unscaled for
 * decimals up to 18 digits, BINARY above), and its {@code append} methods fill them, checking that Parquet keeps each
 * value exactly.
 *
 * <p>The library makes every vector (the readers, the appenders, {@link #repeat}); how a vector grows, and what the
 * readers do to it (fill its arrays directly, carry a dictionary's ids, bind a dictionary's values), is the
 * library's own.
 */
public final class ColumnVector {

  /** The arrays. */
  private final Vector vector;
  /** A leaf's values as a row holds them, {@code null} for LIST, MAP and STRUCT (made of the children's). */
  private final @Nullable LeafValues values;
  private final ColumnVector[] children;
  private final ColumnType.Kind kind;
  /** A STRUCT's fields as the schema of the rows it makes, else {@code null}. */
  private final @Nullable RowSchema structSchema;

  /** The view of a vector (and of its children). */
  ColumnVector(Vector vector) {
    this.vector = vector;
    this.kind = vector.column().type().kind();
    this.values = kind.isNested() ? null : new LeafValues(vector);
    int parts = vector.column().type().children().size();
    this.children = new ColumnVector[parts];
    for (int i = 0; i < parts; i++) {
      children[i] = new ColumnVector(vector.child(i));
    }
    this.structSchema = kind == ColumnType.Kind.STRUCT ? vector.column().type().fields() : null;
  }

  /**
   * A vector holding one value {@code count} times (a constant column: a partition's value in every row of a
   * batch, say). The value is checked and converted as {@link ColumnAppender#append} does it; rows made of the vector
   * share one instance of a value that is immutable (every type but BYTES and the nested ones): {@code value} itself
   * when it is of the type {@link #get} returns, so that vectors repeating one instance share it.
   *
   * @param column the column whose values it holds
   * @param value the value, {@code null} for a column that may hold nulls
   * @param count the number of values
   * @return a vector of {@code count} values
   * @throws InvalidInputException if the column cannot hold the value, or {@code count} is negative
   */
  public static ColumnVector repeat(Column column, @Nullable Object value, int count) {
    if (count < 0) {
      throw new InvalidInputException("a vector of " + count + " values");
    }
    Vector v = VectorBatch.allocate(column);
    v.ensureCapacity(count);
    VectorAppender appender = new VectorAppender(v);
    if (count > 0) {
      ColumnAppender.append(appender, value); // checked against the column once, then copied
      if (!v.repeatLast(count - 1)) {
        for (int i = 1; i < count; i++) {
          ColumnAppender.append(appender, value);
        }
      }
    }
    ColumnVector view = new ColumnVector(v);
    LeafValues leaf = view.values;
    if (leaf != null) {
      leaf.shareRepeated(value);
    }
    return view;
  }

  /** @return the vector this view shows */
  Vector vector() {
    return vector;
  }

  /** @return the column whose values this vector holds */
  public Column column() {
    return vector.column();
  }

  /** @return how values are held */
  public io.delpha.sdk.parquet.Physical physical() {
    return vector.physical();
  }

  /** @return for TIME, TIMESTAMP and LOCAL_TIMESTAMP on INT32/INT64, the unit of {@link #ints()}/{@link #longs()}; else {@code null} */
  public @Nullable ChronoUnit unit() {
    return vector.unit();
  }

  /** @return the number of values (rows, or entries for the parts of a LIST or MAP) */
  public int size() {
    return vector.size();
  }

  /**
   * @param index a part of a LIST (0: elements), MAP (0: keys, 1: values) or STRUCT (a field's position)
   * @return that part's vector
   */
  public ColumnVector child(int index) {
    return children[index];
  }

  /** @return null flags ({@code true}: null) for indexes below {@link #size()}, or {@code null} if the column cannot hold nulls */
  public boolean @Nullable [] nulls() {
    return vector.nulls();
  }

  /**
   * @param index a row (or entry) below {@link #size()}
   * @return whether the value there is null
   */
  public boolean isNull(int index) {
    return vector.isNull(index);
  }

  /** @return the BOOLEAN backing array */
  public boolean[] booleans() {
    return vector.booleans();
  }

  /** @return the INT32, UINT32 backing array, or INT96 Julian days */
  public int[] ints() {
    return vector.ints();
  }

  /** @return the INT64, UINT64 backing array, or INT96 nanoseconds of the day */
  public long[] longs() {
    return vector.longs();
  }

  /** @return the DOUBLE backing array */
  public double[] doubles() {
    return vector.doubles();
  }

  /** @return the BINARY bytes, value {@code i} from {@code offsets()[i]} to {@code offsets()[i+1]} */
  public byte[] data() {
    return vector.data();
  }

  /** @return BINARY byte offsets or LIST/MAP entry offsets, {@code size() + 1} of them */
  public int[] offsets() {
    return vector.offsets();
  }

  /**
   * @param index an index below {@link #size()}
   * @return the value as a {@link Row} holds it (see {@link ColumnType}), or {@code null}: a {@code List}, {@code
   *     Map} or {@code Row} of a nested column made of its children's values
   * @throws DataFormatException if the stored value is outside its type's range (a corrupt file)
   */
  public @Nullable Object get(int index) {
    LeafValues leaf = values;
    if (leaf != null) {
      return leaf.get(index);
    }
    if (vector.isNull(index)) {
      return null;
    }
    int[] offsets = vector.offsets();
    return switch (kind) {
      case LIST -> {
        ColumnVector elements = children[0];
        int from = offsets[index];
        int to = offsets[index + 1];
        List<@Nullable Object> list = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          list.add(elements.get(i));
        }
        yield Collections.unmodifiableList(list);
      }
      case MAP -> {
        Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>();
        for (int i = offsets[index]; i < offsets[index + 1]; i++) {
          map.put(children[0].get(i), children[1].get(i));
        }
        yield Collections.unmodifiableMap(map);
      }
      default -> {
        @Nullable Object[] values = new Object[children.length];
        for (int i = 0; i < values.length; i++) {
          values[i] = children[i].get(index);
        }
        yield Row.trusted(java.util.Objects.requireNonNull(structSchema, "a STRUCT view has its fields"), values);
      }
    };
  }

  /**
   * The values at {@code [from, to)}, as {@link #get} makes them, into {@code out[0 .. to - from)}: one pass, in
   * which a value repeated through a dictionary is made once per entry (the rows of a batch, {@link RowBlock}).
   */
  void copyValues(@Nullable Object[] out, int from, int to) {
    LeafValues leaf = values;
    if (leaf != null) {
      leaf.copyValues(out, from, to);
    } else {
      for (int i = from; i < to; i++) {
        out[i - from] = get(i);
      }
    }
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return an INT32, UINT32 (widened, never negative) or INT64 value
   */
  public long getLong(int index) {
    return vector.getLong(index);
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return a DOUBLE value
   */
  public double getDouble(int index) {
    return vector.getDouble(index);
  }

  /**
   * @param index an index below {@link #size()}
   * @return a STRING value, decoded from UTF-8, or {@code null}
   */
  public @Nullable String getString(int index) {
    return leaf().codec().getString(index);
  }

  /**
   * @param index an index below {@link #size()}
   * @return a DECIMAL value with the column's scale, or {@code null}
   */
  public @Nullable BigDecimal getDecimal(int index) {
    return leaf().codec().getDecimal(index);
  }

  private LeafValues leaf() {
    LeafValues leaf = values;
    if (leaf == null) {
      throw new IllegalStateException(vector.column() + " is nested: its values are its children's");
    }
    return leaf;
  }

  /**
   * The name {@link io.delpha.sdk.parquet.Physical} had when it was nested here, kept so that host code naming it
   * still compiles: {@code ColumnVector.Physical.INT64} is {@code Physical.INT64}; {@code ColumnVector.Physical p =
   * vector.physical()} compiles (every {@code Physical} is one), and so do {@code p == ColumnVector.Physical.INT64},
   * {@code p.name()}, {@code p.ordinal()}, {@code ColumnVector.Physical.values()} and {@code valueOf(String)}.
   *
   * <p>The limit: an enum cannot be extended, so this is an interface the enum implements, not the enum. A {@code
   * switch} needs a value of the enum: {@code switch (vector.physical())} compiles with its unqualified {@code case
   * INT64:} labels, a {@code switch} over a variable declared {@code ColumnVector.Physical} does not (declare it
   * {@code Physical}); nor does {@code EnumSet<ColumnVector.Physical>} or {@code EnumMap} keyed by it.
   *
   * @deprecated use the top-level {@link io.delpha.sdk.parquet.Physical}, the same constants
   */
  @Deprecated(since = "0.1.0")
  public sealed interface Physical permits io.delpha.sdk.parquet.Physical {
    /** {@link io.delpha.sdk.parquet.Physical#BOOLEAN} */
    io.delpha.sdk.parquet.Physical BOOLEAN = io.delpha.sdk.parquet.Physical.BOOLEAN;
    /** {@link io.delpha.sdk.parquet.Physical#INT32} */
    io.delpha.sdk.parquet.Physical INT32 = io.delpha.sdk.parquet.Physical.INT32;
    /** {@link io.delpha.sdk.parquet.Physical#UINT32} */
    io.delpha.sdk.parquet.Physical UINT32 = io.delpha.sdk.parquet.Physical.UINT32;
    /** {@link io.delpha.sdk.parquet.Physical#INT64} */
    io.delpha.sdk.parquet.Physical INT64 = io.delpha.sdk.parquet.Physical.INT64;
    /** {@link io.delpha.sdk.parquet.Physical#UINT64} */
    io.delpha.sdk.parquet.Physical UINT64 = io.delpha.sdk.parquet.Physical.UINT64;
    /** {@link io.delpha.sdk.parquet.Physical#INT96} */
    io.delpha.sdk.parquet.Physical INT96 = io.delpha.sdk.parquet.Physical.INT96;
    /** {@link io.delpha.sdk.parquet.Physical#DOUBLE} */
    io.delpha.sdk.parquet.Physical DOUBLE = io.delpha.sdk.parquet.Physical.DOUBLE;
    /** {@link io.delpha.sdk.parquet.Physical#BINARY} */
    io.delpha.sdk.parquet.Physical BINARY = io.delpha.sdk.parquet.Physical.BINARY;
    /** {@link io.delpha.sdk.parquet.Physical#LIST} */
    io.delpha.sdk.parquet.Physical LIST = io.delpha.sdk.parquet.Physical.LIST;
    /** {@link io.delpha.sdk.parquet.Physical#MAP} */
    io.delpha.sdk.parquet.Physical MAP = io.delpha.sdk.parquet.Physical.MAP;
    /** {@link io.delpha.sdk.parquet.Physical#STRUCT} */
    io.delpha.sdk.parquet.Physical STRUCT = io.delpha.sdk.parquet.Physical.STRUCT;

    /** @return the constant's name, as {@link Enum#name()} */
    String name();

    /** @return the constant's position, as {@link Enum#ordinal()} */
    int ordinal();

    /** @return {@link io.delpha.sdk.parquet.Physical#values()} */
    static io.delpha.sdk.parquet.Physical[] values() {
      return io.delpha.sdk.parquet.Physical.values();
    }

    /**
     * @param name a constant's name
     * @return {@link io.delpha.sdk.parquet.Physical#valueOf(String)}
     */
    static io.delpha.sdk.parquet.Physical valueOf(String name) {
      return io.delpha.sdk.parquet.Physical.valueOf(name);
    }
  }

  @Override
  public String toString() {
    return "ColumnVector[" + vector.column() + ", " + vector.physical() + (vector.unit() == null ? "" : " "
        + vector.unit()) + ", " + vector.size() + " values]";
  }
}
