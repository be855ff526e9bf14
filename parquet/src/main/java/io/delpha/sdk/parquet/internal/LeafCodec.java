package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leaf vector's values as the row model holds them, both ways: what a kind's value is in the vector's
 * representation (a {@code BigDecimal} from unscaled longs or two's complement bytes, an {@code Instant} from a unit or
 * INT96, ...) and what a value of the kind becomes there, checked so that Parquet keeps it exactly. The {@link Vector}
 * it serves keeps the arrays and knows no kind; {@code LeafValues} reads and {@code VectorAppender} appends through
 * this. A new kind is a case of the switches here (the compiler names them, they have no {@code default}) and its
 * class in {@code kinds}, plus, if it needs one, a representation in the vector.
 *
 * <p>One per reader or appender of a leaf vector; the switches stay inline here (not a call to the kind's class per value) so
 * the read and write paths stay monomorphic for the JIT (issue 49).
 */
public final class LeafCodec {

  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  private final Vector vector;
  private final Column column;
  private final ColumnType.Kind kind;
  private final Physical physical;
  private final @Nullable ChronoUnit unit;
  private final int scale;
  /** For a DECIMAL in INT32 or INT64: 10^precision (at most Long.MAX_VALUE), the bound of an unscaled value. */
  private final long decimalBound;
  /** For a TIME in INT64: the units of a day, the bound of a time of day. */
  private final long timeBound;

  /** @param vector a leaf vector, whose representation can hold its column's type */
  LeafCodec(Vector vector) {
    this.vector = vector;
    this.column = vector.column();
    this.physical = vector.physical();
    this.unit = vector.unit();
    ColumnType type = column.type();
    this.kind = type.kind();
    this.scale = kind == ColumnType.Kind.DECIMAL ? type.scale() : 0;
    this.decimalBound = kind == ColumnType.Kind.DECIMAL && physical != Physical.BINARY && physical != Physical.UINT64
        ? BigInteger.TEN.pow(type.precision()).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact() : 0;
    this.timeBound = kind == ColumnType.Kind.TIME && physical == Physical.INT64 ? 86_400L * unitsPerSecond(unit) : 0;
  }

  /** @return whether a value of the kind is immutable, so that one made per dictionary entry can be shared */
  boolean immutableValues() {
    return kind != ColumnType.Kind.BYTES;
  }

  /** @return whether the kind's values can be left in a BINARY dictionary and made from its bytes ({@link #fromBytes}) */
  boolean madeFromBytes() {
    return physical == Physical.BINARY && (kind == ColumnType.Kind.STRING || kind == ColumnType.Kind.DECIMAL);
  }

  /** @return whether the kind's values are strings (made once per dictionary entry ahead of the batches) */
  boolean strings() {
    return kind == ColumnType.Kind.STRING;
  }

  // ---------------------------------------------------------------- reading

  /**
   * @param index a non-null index below the vector's size
   * @return the value there as a row holds it
   * @throws DataFormatException if the stored value is outside its type's range (a corrupt file)
   */
  Object decodeChecked(int index) {
    try {
      return decode(index);
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw invalidValue(e);
    }
  }

  /**
   * A STRING or BINARY-held DECIMAL value from its bytes (a dictionary's entry).
   *
   * @throws DataFormatException if the bytes are not a value of the type
   */
  Object fromBytes(byte[] bytes, int from, int length) {
    try {
      return decodeBinary(bytes, from, length);
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalidValue(e);
    }
  }

  private DataFormatException invalidValue(RuntimeException e) {
    return new DataFormatException("column " + column.name() + " holds a value that is not a valid " + column.type()
        + ": " + e.getMessage(), e);
  }

  private Object decode(int index) {
    Vector v = vector;
    return switch (kind) {
      case BOOLEAN -> v.booleans()[index];
      case INT -> v.ints()[index];
      case LONG -> physical == Physical.INT64 ? v.longs()[index] : v.getLong(index);
      case DOUBLE -> v.doubles()[index];
      case DECIMAL -> decimal(index);
      case STRING -> string(index);
      case BYTES -> bytes(index);
      case VARIANT -> variant(index);
      case DATE -> LocalDate.ofEpochDay(v.ints()[index]);
      case TIME -> time(index);
      case TIMESTAMP -> timestamp(index);
      case LOCAL_TIMESTAMP -> localTimestamp(index);
      case LIST, MAP, STRUCT -> throw new IllegalStateException(column + " is nested: its view makes its values");
    };
  }

  /** A STRING or BINARY-held DECIMAL value from its bytes. */
  private Object decodeBinary(byte[] bytes, int from, int length) {
    if (length >= HeapBudget.CHECKED_BYTES && kind == ColumnType.Kind.STRING) {
      HeapBudget.require(stringBytes(bytes, from, length), "a STRING value of column " + column.name());
    }
    return kind == ColumnType.Kind.STRING ? new String(bytes, from, length, StandardCharsets.UTF_8)
        : new BigDecimal(new BigInteger(bytes, from, length), scale);
  }

  /**
   * What making a String of UTF-8 bytes allocates: a copy of ASCII bytes, else up to three times as many (the
   * JDK tries a Latin-1 array, then makes a UTF-16 one). Scanning is for values of megabytes only.
   */
  private static long stringBytes(byte[] bytes, int from, int length) {
    for (int i = from, end = from + length; i < end; i++) {
      if (bytes[i] < 0) {
        return 3L * length;
      }
    }
    return length;
  }

  /**
   * @param index an index below the vector's size
   * @return a STRING value, decoded from UTF-8, or {@code null}
   */
  public @Nullable String getString(int index) {
    return vector.isNull(index) ? null : string(index);
  }

  private String string(int index) {
    int[] offsets = vector.offsets();
    return (String) decodeBinary(vector.data(), offsets[index], offsets[index + 1] - offsets[index]);
  }

  /** A VARIANT held as its metadata followed by its value. */
  private Object variant(int index) {
    int[] offsets = vector.offsets();
    int length = offsets[index + 1] - offsets[index];
    if (length >= HeapBudget.CHECKED_BYTES) {
      HeapBudget.require(2L * length, "a VARIANT value of column " + column.name());
    }
    try {
      return ScalarKind.variantFromBytes(vector.data(), offsets[index], length);
    } catch (DataFormatException e) {
      throw new DataFormatException("column " + column.name() + " holds a VARIANT that is not valid: " + e.getMessage(),
          e);
    }
  }

  private byte[] bytes(int index) {
    int[] offsets = vector.offsets();
    int length = offsets[index + 1] - offsets[index];
    if (length >= HeapBudget.CHECKED_BYTES) {
      HeapBudget.require(length, "a BYTES value of column " + column.name());
    }
    return Arrays.copyOfRange(vector.data(), offsets[index], offsets[index + 1]);
  }

  /**
   * @param index an index below the vector's size
   * @return a DECIMAL value with the column's scale, or {@code null}
   */
  public @Nullable BigDecimal getDecimal(int index) {
    return vector.isNull(index) ? null : decimal(index);
  }

  private BigDecimal decimal(int index) {
    return decimal(vector, index, scale);
  }

  /**
   * A DECIMAL value of a vector that holds one, for a reader with no codec of the vector (a shredded VARIANT's typed
   * decimal).
   *
   * @param v a DECIMAL vector
   * @param index a non-null index below its size
   * @return the value, with the column's scale
   * @throws DataFormatException if the stored bytes are not a number
   */
  static BigDecimal decimalChecked(Vector v, int index) {
    try {
      return decimal(v, index, v.column().type().scale());
    } catch (NumberFormatException e) {
      throw new DataFormatException("column " + v.column().name() + " holds a value that is not a valid "
          + v.column().type() + ": " + e.getMessage(), e);
    }
  }

  private static BigDecimal decimal(Vector v, int index, int scale) {
    return switch (v.physical()) {
      case INT32 -> BigDecimal.valueOf(v.ints()[index], scale);
      case INT64 -> BigDecimal.valueOf(v.longs()[index], scale);
      case UINT64 -> {
        long bits = v.longs()[index];
        yield bits >= 0 ? BigDecimal.valueOf(bits) : new BigDecimal(new BigInteger(Long.toUnsignedString(bits)));
      }
      default -> {
        int[] offsets = v.offsets();
        yield new BigDecimal(new BigInteger(v.data(), offsets[index], offsets[index + 1] - offsets[index]), scale);
      }
    };
  }

  private LocalTime time(int index) {
    long raw = physical == Physical.INT32 ? vector.ints()[index] : vector.longs()[index];
    return LocalTime.ofNanoOfDay(raw * nanosPerUnit(unit));
  }

  /**
   * An INT96 value is read as Spark reads it: {@code (julianDay - 2440588) * 86400000000 + nanosOfDay / 1000}
   * microseconds in 64-bit arithmetic (so the values Spark writes for instants past year 294,000, which
   * overflow, come back as Spark meant them), plus the nanoseconds below the microsecond that Hive and
   * Impala write.
   */
  private Instant timestamp(int index) {
    if (physical == Physical.INT96) {
      // as Spark decodes it, in wrapping 64-bit arithmetic: Spark's encoder overflows the same way for
      // instants beyond year 294,000 or so, and this gives its values back; then the nanoseconds below a
      // microsecond that Hive and Impala keep
      long nanosOfDay = vector.longs()[index];
      long micros = (vector.ints()[index] - JULIAN_EPOCH_DAY) * 86_400_000_000L + nanosOfDay / 1000;
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000
          + nanosOfDay % 1000);
    }
    long v = vector.longs()[index];
    if (unit == ChronoUnit.MICROS) {
      // the unit every writer of this library uses: constant divisors, which the compiler turns into multiplications
      return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
    }
    long perSecond = unitsPerSecond(unit);
    return Instant.ofEpochSecond(Math.floorDiv(v, perSecond), Math.floorMod(v, perSecond) * nanosPerUnit(unit));
  }

  private LocalDateTime localTimestamp(int index) {
    long perSecond = unitsPerSecond(unit);
    long v = vector.longs()[index];
    return LocalDateTime.ofEpochSecond(Math.floorDiv(v, perSecond), (int) (Math.floorMod(v, perSecond) * nanosPerUnit(unit)),
        ZoneOffset.UTC);
  }

  // TIME, TIMESTAMP and LOCAL_TIMESTAMP vectors always have a unit (the kinds' heldAs)
  private static long unitsPerSecond(@Nullable ChronoUnit unit) {
    return switch (Objects.requireNonNull(unit, "unit")) {
      case MILLIS -> 1_000L;
      case MICROS -> 1_000_000L;
      default -> 1_000_000_000L;
    };
  }

  // TIME, TIMESTAMP and LOCAL_TIMESTAMP vectors always have a unit (the kinds' heldAs)
  private static long nanosPerUnit(@Nullable ChronoUnit unit) {
    return switch (Objects.requireNonNull(unit, "unit")) {
      case MILLIS -> 1_000_000L;
      case MICROS -> 1_000L;
      default -> 1L;
    };
  }

  // ---------------------------------------------------------------- writing

  /**
   * Appends an INT64 value checked against the kind: an unscaled DECIMAL within its precision, a TIME within a day.
   *
   * @param value a LONG, an unscaled DECIMAL, or a TIME, TIMESTAMP or LOCAL_TIMESTAMP in the vector's unit
   * @throws InvalidInputException if the vector is not INT64, a decimal has more digits than its precision, or a time
   *     is outside a day
   */
  public void appendLong(long value) {
    if (decimalBound != 0 && (value >= decimalBound || value <= -decimalBound)) {
      throw new InvalidInputException("column " + column.name() + ": unscaled value " + value + " has more digits than "
          + column.type() + " allows");
    }
    if (timeBound != 0 && (value < 0 || value >= timeBound)) {
      throw new InvalidInputException("column " + column.name() + ": " + value + " " + unit + " is not a time of day");
    }
    vector.appendLong(value);
  }

  /**
   * Appends a value of the kind (see {@link ColumnType}), checked and converted to the vector's representation. On
   * failure the vector may hold part of it: the caller truncates.
   *
   * @param value the value, not null
   * @throws InvalidInputException if the value has the wrong type, or would not be kept exactly (sub-microsecond
   *     digits, too many decimal digits, another decimal scale)
   */
  public void append(Object value) {
    // one switch on the kind, each case checking the value's class against a constant (no Class.isInstance); an
    // expression, so the compiler names this switch when a kind is added
    boolean appended = switch (kind) {
      case BOOLEAN -> {
        vector.appendBoolean(value instanceof Boolean b ? b : wrongType(value));
        yield true;
      }
      case INT -> {
        vector.appendInt(value instanceof Integer i ? i : wrongType(value));
        yield true;
      }
      case LONG -> {
        long v = value instanceof Long l ? l : wrongType(value);
        if (physical == Physical.UINT32) {
          if (v < 0 || v > 0xffff_ffffL) {
            throw new InvalidInputException("column " + column.name() + ": " + v + " is not an unsigned 32-bit integer");
          }
          vector.appendInt((int) v);
        } else {
          appendLong(v);
        }
        yield true;
      }
      case DOUBLE -> {
        vector.appendDouble(value instanceof Double d ? d : wrongType(value));
        yield true;
      }
      case DECIMAL -> {
        appendDecimal(value instanceof BigDecimal d ? d : wrongType(value));
        yield true;
      }
      case STRING -> {
        vector.appendString(value instanceof String str ? str : wrongType(value));
        yield true;
      }
      case BYTES -> {
        byte[] b = value instanceof byte[] x ? x : wrongType(value);
        vector.appendBytes(b, 0, b.length);
        yield true;
      }
      case VARIANT -> {
        byte[] b = ScalarKind.variantBytes(value);
        vector.appendBytes(b == null ? wrongType(value) : b, 0, b == null ? 0 : b.length);
        yield true;
      }
      case DATE -> {
        vector.appendInt(Math.toIntExact((value instanceof LocalDate d ? d
            : this.<LocalDate>wrongType(value)).toEpochDay()));
        yield true;
      }
      case TIME -> {
        long nanos = (value instanceof LocalTime t ? t : this.<LocalTime>wrongType(value)).toNanoOfDay();
        appendLong(toUnit(nanos / 1_000_000_000L, (int) (nanos % 1_000_000_000L), value));
        yield true;
      }
      case TIMESTAMP -> {
        Instant i = value instanceof Instant x ? x : wrongType(value);
        appendLong(toUnit(i.getEpochSecond(), i.getNano(), value));
        yield true;
      }
      case LOCAL_TIMESTAMP -> {
        LocalDateTime l = value instanceof LocalDateTime x ? x : wrongType(value);
        appendLong(toUnit(l.toEpochSecond(ZoneOffset.UTC), l.getNano(), value));
        yield true;
      }
      case LIST, MAP, STRUCT -> throw new IllegalStateException(column + " is nested: its appender takes its values apart");
    };
    assert appended;
  }

  private <T> T wrongType(Object value) {
    throw new InvalidInputException("column " + column.name() + " (" + column.type() + ") expects "
        + ScalarKind.of(kind).javaType().getSimpleName() + ", got " + value.getClass().getSimpleName());
  }

  private long toUnit(long seconds, int nanos, Object value) {
    ChronoUnit unit = Objects.requireNonNull(this.unit, "unit"); // TIME and TIMESTAMP vectors have one
    long per = nanosPerUnit(unit);
    if (nanos % per != 0) {
      throw new InvalidInputException("column " + column.name() + ": " + value + " has digits below the "
          + unit.toString().toLowerCase() + ", which Parquet " + column.type() + "(" + unit + ") would lose; truncate it");
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, unitsPerSecond(unit)), nanos / per);
    } catch (ArithmeticException e) {
      throw new InvalidInputException("column " + column.name() + ": " + value + " is outside the range of "
          + column.type() + "(" + unit + ")");
    }
  }

  private InvalidInputException tooManyDigits(BigDecimal d, ColumnType t) {
    return new InvalidInputException("column " + column.name() + ": " + d.toPlainString()
        + " has more integer digits than " + t + " allows");
  }

  /**
   * A DECIMAL value's unscaled long, for a vector holding it in INT64, checked as {@link #append} checks it.
   *
   * @param d a value of the column's scale
   * @return its unscaled value
   * @throws InvalidInputException if its scale is not the column's, or it has more integer digits than the column's
   *     precision allows
   */
  long unscaledLong(BigDecimal d) {
    ColumnType t = column.type();
    if (d.scale() != t.scale()) {
      throw new InvalidInputException("column " + column.name() + " (" + t + ") expects scale " + t.scale()
          + ", got " + d.toPlainString());
    }
    // the scale is the column's, so too many integer digits is an unscaled value at or over 10^precision (the
    // bound appendLong checks); scaleByPowerOfTen keeps a small value's unscaled long (unscaledValue() makes a
    // BigInteger)
    long unscaled;
    try {
      unscaled = d.scaleByPowerOfTen(d.scale()).longValueExact();
    } catch (ArithmeticException e) {
      throw tooManyDigits(d, t);
    }
    if (unscaled >= decimalBound || unscaled <= -decimalBound) {
      throw tooManyDigits(d, t);
    }
    return unscaled;
  }

  /** {@code VectorAppender.append}'s paths: how a value of the kind goes straight into the vector's array. */
  static final int ROW_GENERIC = 0;
  static final int ROW_BOOLEAN = 1;
  static final int ROW_INT = 2;
  static final int ROW_LONG = 3;
  static final int ROW_DOUBLE = 4;
  static final int ROW_STRING = 5;
  static final int ROW_DATE = 6;
  static final int ROW_TIMESTAMP_MICROS = 7;
  static final int ROW_DECIMAL_LONG = 8;

  /**
   * @return the path of {@code VectorAppender.append} for this vector: one of the {@code ROW_} constants, {@link
   *     #ROW_GENERIC} for every kind and representation that goes through {@link #append}
   */
  int rowPath() {
    return switch (kind) {
      case BOOLEAN -> physical == Physical.BOOLEAN ? ROW_BOOLEAN : ROW_GENERIC;
      case INT -> physical == Physical.INT32 ? ROW_INT : ROW_GENERIC;
      case LONG -> physical == Physical.INT64 && decimalBound == 0 && timeBound == 0 ? ROW_LONG : ROW_GENERIC;
      case DOUBLE -> physical == Physical.DOUBLE ? ROW_DOUBLE : ROW_GENERIC;
      case STRING -> physical == Physical.BINARY ? ROW_STRING : ROW_GENERIC;
      case DATE -> physical == Physical.INT32 ? ROW_DATE : ROW_GENERIC;
      case TIMESTAMP -> physical == Physical.INT64 && unit == ChronoUnit.MICROS ? ROW_TIMESTAMP_MICROS : ROW_GENERIC;
      case DECIMAL -> physical == Physical.INT64 ? ROW_DECIMAL_LONG : ROW_GENERIC;
      default -> ROW_GENERIC;
    };
  }

  private void appendDecimal(BigDecimal d) {
    ColumnType t = column.type();
    if (d.scale() != t.scale()) {
      throw new InvalidInputException("column " + column.name() + " (" + t + ") expects scale " + t.scale()
          + ", got " + d.toPlainString());
    }
    if (physical == Physical.INT64) {
      vector.appendLong(unscaledLong(d));
      return;
    }
    if (d.precision() - d.scale() > t.precision() - t.scale()) {
      throw tooManyDigits(d, t);
    }
    switch (physical) {
      case INT32 -> vector.appendInt(d.unscaledValue().intValueExact());
      case BINARY -> vector.appendSignExtended(d.unscaledValue().toByteArray());
      default -> throw new InvalidInputException("column " + column.name() + " is read-only (" + physical + ")");
    }
  }
}
