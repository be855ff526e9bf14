package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.variant.CheckedVariants;
import io.delpha.sdk.parquet.internal.variant.JsonToVariant;
import io.delpha.sdk.parquet.internal.variant.Utf8;
import io.delpha.sdk.parquet.internal.variant.VariantEncoder;
import io.delpha.sdk.parquet.internal.variant.VariantEquality;
import io.delpha.sdk.parquet.internal.variant.VariantFormat;
import io.delpha.sdk.parquet.internal.variant.VariantJson;
import io.delpha.sdk.parquet.internal.variant.VariantMetadata;
import io.delpha.sdk.parquet.internal.variant.VariantValues;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A value of Parquet's VARIANT logical type: semi-structured data (what JSON holds, plus dates, timestamps, times,
 * decimals, binary and UUIDs) as Spark 4, Delta 4, Iceberg v3, DuckDB and parquet-java write it. A variant is two
 * byte strings, laid out by the Parquet format's VariantEncoding.md: the {@link #metadata()} (a dictionary of the
 * object field names) and the {@link #value()}.
 *
 * <pre>{@code
 * Variant v = Variant.from(metadataBytes, valueBytes);      // checked here: DataFormatException if malformed
 * if (v.type() == Variant.Type.OBJECT) {
 *   Variant id = v.get("id");                               // null when the object has no such field
 *   long n = id == null ? 0 : id.getLong();
 * }
 * String json = v.toJson();                                 // {"id":1,"tags":["a","b"]}
 * Variant w = Variant.object(Map.of("id", Variant.of(1L),
 *     "at", Variant.of(Instant.now().truncatedTo(ChronoUnit.MICROS))));
 * }</pre>
 *
 * <p><b>Checked once, at construction.</b> {@link #from} checks every byte of both strings before it returns: the
 * metadata's version (1), dictionary size and offsets, its strings' UTF-8 and, when its header says so, their order;
 * every value's header and type (the 21 primitive types of the format; a type id the format does not define is
 * refused), every length, count, id and offset against the bytes that carry it before anything is allocated, field
 * ids within the dictionary, each object's field names in strictly increasing unsigned byte order (sorted and unique,
 * as the format requires), values that do not overlap, decimals within their precision and scale 38, times within
 * the day, and nesting of objects and arrays no deeper than {@link #MAX_DEPTH} levels. Anything wrong is a
 * {@link DataFormatException} naming it, never another exception. The check is linear in the bytes and its recursion
 * as deep as the nesting. After it, nothing this class does with the bytes can fail.
 *
 * <p><b>Immutable and thread-safe.</b> The bytes are copied in and never handed out: {@link #metadata()} and
 * {@link #value()} return copies. A field or element ({@link #get(String)}, {@link #field(int)}, {@link #get(int)})
 * is a {@code Variant} sharing its parent's bytes: reaching into a value copies nothing.
 *
 * <p><b>Types and getters.</b> {@link #type()} says which getter reads the value; a getter called on another type
 * throws {@link InvalidInputException} naming both ({@code getLong()} of a STRING). Integers keep their width
 * (INT8 to INT64), which the writer chose; a short string and a long string are both {@link Type#STRING}, and the
 * format's three decimal widths are one {@link Type#DECIMAL}, since the width follows from the digits.
 *
 * <p><b>Equality</b> is by type and value, never by layout: two variants are equal when they have the same
 * {@link #type()} and the same value of it. Objects are equal with the same names and equal values (the order and
 * content of the dictionaries, the widths of ids, offsets and counts, and the order of the value bytes do not
 * matter); arrays with equal elements in order; strings and binaries by their bytes; decimals as
 * {@link BigDecimal#equals} (value and scale: 1.0 is not 1.00); doubles and floats bit for bit (NaN equals the same
 * NaN, 0.0 is not -0.0). So an INT8 1 is not an INT64 1, nor a DECIMAL 1 (the type is part of the value, as the
 * encoded value is what Spark compares); compare {@link #getDecimal()}s for the format's numeric equivalence.
 *
 * <p><b>Encoding.</b> {@link #of(long)} and its overloads, {@link #object(Map)}, {@link #array(List)} and
 * {@link #fromJson(String)} make variants in one canonical form: the dictionary holds exactly the names used, sorted
 * and unique; every count, id and offset in the fewest bytes; an object's values in the order of its names; strings
 * under 64 bytes as short strings; decimals in the narrowest width. {@link #object(Map)} and {@link #array(List)}
 * re-encode the variants they are given (their types and values kept), so
 * {@code Variant.from(v.metadata(), v.value())} and such a copy of {@code v} both equal {@code v}.
 */
public final class Variant {

  /** The deepest nesting of objects and arrays read or made: a primitive is at depth 0, {@code [[1]]} at 2. */
  public static final int MAX_DEPTH = VariantFormat.MAX_DEPTH;

  private static final int TO_STRING_CHARS = 200;

  /**
   * The type of a value: one per primitive type of VariantEncoding.md ("Variant primitive types"), a short string
   * being a {@link #STRING}, {@code true} and {@code false} one {@link #BOOLEAN} and the decimal widths one
   * {@link #DECIMAL}; and {@link #OBJECT} and {@link #ARRAY}.
   */
  public enum Type {
    /** The variant null (a value, not a missing field). */
    NULL,
    /** {@link Variant#getBoolean()}. */
    BOOLEAN,
    /** A signed 8-bit integer: {@link Variant#getLong()}. */
    INT8,
    /** A signed 16-bit integer: {@link Variant#getLong()}. */
    INT16,
    /** A signed 32-bit integer: {@link Variant#getLong()}. */
    INT32,
    /** A signed 64-bit integer: {@link Variant#getLong()}. */
    INT64,
    /** An IEEE 754 double: {@link Variant#getDouble()}. */
    DOUBLE,
    /** A decimal of at most 38 digits and scale 0 to 38 (decimal4, decimal8 or decimal16): {@link Variant#getDecimal()}. */
    DECIMAL,
    /** A date: {@link Variant#getDate()}. */
    DATE,
    /** An instant, in microseconds since the epoch (timestamp, UTC-adjusted): {@link Variant#getTimestamp()}. */
    TIMESTAMP_TZ,
    /** A wall-clock date and time, in microseconds (timestamp without time zone): {@link Variant#getLocalTimestamp()}. */
    TIMESTAMP_NTZ,
    /** An IEEE 754 float: {@link Variant#getFloat()} (or {@link Variant#getDouble()}, widened exactly). */
    FLOAT,
    /** Bytes: {@link Variant#getBinary()}. */
    BINARY,
    /** UTF-8 text: {@link Variant#getString()}. */
    STRING,
    /** A time of day in microseconds, no zone: {@link Variant#getTime()}. */
    TIME_NTZ,
    /** An instant in nanoseconds since the epoch (1677 to 2262): {@link Variant#getTimestamp()}. */
    TIMESTAMP_NANOS_TZ,
    /** A wall-clock date and time in nanoseconds (1677 to 2262): {@link Variant#getLocalTimestamp()}. */
    TIMESTAMP_NANOS_NTZ,
    /** A UUID: {@link Variant#getUuid()}. */
    UUID,
    /** Named fields, sorted by name: {@link Variant#size()}, {@link Variant#get(String)}, {@link Variant#fieldName(int)}, {@link Variant#field}. */
    OBJECT,
    /** Elements in order: {@link Variant#size()}, {@link Variant#get(int)}. */
    ARRAY
  }

  static {
    // the shredded reader's values, valid by construction: see CheckedVariants
    CheckedVariants.register((metadata, value) -> new Variant(metadata, value, 0));
  }

  private final VariantMetadata meta;
  private final byte[] value;
  private final int pos;
  private int hash;

  private Variant(VariantMetadata meta, byte[] value, int pos) {
    this.meta = meta;
    this.value = value;
    this.pos = pos;
  }

  // ---- decoding ----

  /**
   * Checks and wraps a variant's two binaries, as a Parquet VARIANT column holds them (the bytes are copied).
   *
   * @param metadata the {@code metadata} binary
   * @param value the {@code value} binary: exactly one value, no byte after it
   * @return the variant
   * @throws DataFormatException naming what is malformed (see the class comment for every check)
   */
  public static Variant from(byte[] metadata, byte[] value) {
    return checked(metadata.clone(), value.clone());
  }

  /** Wraps arrays no one else holds, after checking them. */
  private static Variant checked(byte[] metadata, byte[] value) {
    VariantMetadata m = VariantMetadata.parse(metadata);
    int end = VariantValues.validate(m, value, 0, value.length, 0);
    if (end != value.length) {
      throw new DataFormatException("malformed variant value: its value ends at byte " + end + " but the binary has "
          + value.length + " bytes");
    }
    return new Variant(m, value, 0);
  }

  // ---- encoding ----

  private static Variant encode(VariantEncoder.Node node) {
    byte[][] encoded = VariantEncoder.encode(node);
    return checked(encoded[0], encoded[1]);
  }

  /** @return the variant null */
  public static Variant ofNull() {
    return encode(VariantEncoder.nullValue());
  }

  /**
   * @param b a boolean
   * @return a {@link Type#BOOLEAN} variant
   */
  public static Variant of(boolean b) {
    return encode(VariantEncoder.bool(b));
  }

  /**
   * @param b a byte
   * @return an {@link Type#INT8} variant
   */
  public static Variant of(byte b) {
    return encode(VariantEncoder.integral(VariantFormat.INT8, b));
  }

  /**
   * @param s a short
   * @return an {@link Type#INT16} variant
   */
  public static Variant of(short s) {
    return encode(VariantEncoder.integral(VariantFormat.INT16, s));
  }

  /**
   * @param i an int
   * @return an {@link Type#INT32} variant
   */
  public static Variant of(int i) {
    return encode(VariantEncoder.integral(VariantFormat.INT32, i));
  }

  /**
   * @param l a long
   * @return an {@link Type#INT64} variant
   */
  public static Variant of(long l) {
    return encode(VariantEncoder.integral(VariantFormat.INT64, l));
  }

  /**
   * @param d a double (NaN and the infinities included)
   * @return a {@link Type#DOUBLE} variant, bit for bit
   */
  public static Variant of(double d) {
    return encode(VariantEncoder.float64(d));
  }

  /**
   * @param f a float
   * @return a {@link Type#FLOAT} variant, bit for bit
   */
  public static Variant of(float f) {
    return encode(VariantEncoder.float32(f));
  }

  /**
   * @param d a decimal: at most 38 digits, scale at most 38 (a negative scale is written as scale 0, the same
   *     number: {@code 1E+3} is {@code 1000})
   * @return a {@link Type#DECIMAL} variant of that value and scale
   * @throws InvalidInputException when the decimal has more than 38 digits or a scale above 38
   */
  public static Variant of(BigDecimal d) {
    BigDecimal x = d.scale() < 0 ? d.setScale(0) : d;
    if (x.scale() > VariantFormat.MAX_DECIMAL_PRECISION || x.precision() > VariantFormat.MAX_DECIMAL_PRECISION) {
      throw new InvalidInputException("a variant decimal holds at most 38 digits and scale 38; " + d + " has "
          + x.precision() + " digits, scale " + x.scale());
    }
    return encode(VariantEncoder.decimal(x));
  }

  /**
   * @param s a string
   * @return a {@link Type#STRING} variant
   * @throws InvalidInputException when the string holds an unpaired surrogate (it is not Unicode text)
   */
  public static Variant of(String s) {
    byte[] b = utf8(s, "string");
    return encode(VariantEncoder.string(b, 0, b.length));
  }

  /**
   * @param bytes bytes (copied)
   * @return a {@link Type#BINARY} variant
   */
  public static Variant of(byte[] bytes) {
    return encode(VariantEncoder.binary(bytes, 0, bytes.length));
  }

  /**
   * @param date a date whose epoch day fits 32 bits (years about -5,877,000 to 5,881,000)
   * @return a {@link Type#DATE} variant
   * @throws InvalidInputException when it does not fit
   */
  public static Variant of(LocalDate date) {
    long day = date.toEpochDay();
    if (day != (int) day) {
      throw new InvalidInputException("a variant date holds 32-bit epoch days; " + date + " is beyond them");
    }
    return encode(VariantEncoder.integral(VariantFormat.DATE, day));
  }

  /**
   * @param instant an instant with no digit below the microsecond
   * @return a {@link Type#TIMESTAMP_TZ} variant (microseconds)
   * @throws InvalidInputException when it has nanosecond digits (use {@link #ofNanos(Instant)}) or is beyond
   *     64-bit microseconds
   */
  public static Variant of(Instant instant) {
    return encode(VariantEncoder.integral(VariantFormat.TIMESTAMP_TZ,
        micros(instant.getEpochSecond(), instant.getNano(), instant)));
  }

  /**
   * @param instant an instant between 1677-09-21T00:12:43.145224192Z and 2262-04-11T23:47:16.854775807Z
   * @return a {@link Type#TIMESTAMP_NANOS_TZ} variant
   * @throws InvalidInputException when it is beyond 64-bit nanoseconds
   */
  public static Variant ofNanos(Instant instant) {
    return encode(VariantEncoder.integral(VariantFormat.TIMESTAMP_NANOS_TZ,
        nanos(instant.getEpochSecond(), instant.getNano(), instant)));
  }

  /**
   * @param dateTime a wall-clock date and time with no digit below the microsecond
   * @return a {@link Type#TIMESTAMP_NTZ} variant (microseconds)
   * @throws InvalidInputException when it has nanosecond digits (use {@link #ofNanos(LocalDateTime)}) or is beyond
   *     64-bit microseconds
   */
  public static Variant of(LocalDateTime dateTime) {
    return encode(VariantEncoder.integral(VariantFormat.TIMESTAMP_NTZ,
        micros(dateTime.toEpochSecond(ZoneOffset.UTC), dateTime.getNano(), dateTime)));
  }

  /**
   * @param dateTime a wall-clock date and time between 1677-09-21T00:12:43.145224192 and 2262-04-11T23:47:16.854775807
   * @return a {@link Type#TIMESTAMP_NANOS_NTZ} variant
   * @throws InvalidInputException when it is beyond 64-bit nanoseconds
   */
  public static Variant ofNanos(LocalDateTime dateTime) {
    return encode(VariantEncoder.integral(VariantFormat.TIMESTAMP_NANOS_NTZ,
        nanos(dateTime.toEpochSecond(ZoneOffset.UTC), dateTime.getNano(), dateTime)));
  }

  /**
   * @param time a time of day with no digit below the microsecond
   * @return a {@link Type#TIME_NTZ} variant
   * @throws InvalidInputException when it has nanosecond digits
   */
  public static Variant of(LocalTime time) {
    if (time.getNano() % 1000 != 0) {
      throw new InvalidInputException("a variant time holds microseconds; " + time + " has nanosecond digits");
    }
    return encode(VariantEncoder.integral(VariantFormat.TIME_NTZ, time.toNanoOfDay() / 1000));
  }

  /**
   * @param uuid a UUID
   * @return a {@link Type#UUID} variant
   */
  public static Variant of(UUID uuid) {
    return encode(VariantEncoder.uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()));
  }

  /**
   * An object of the given fields, each value re-encoded (its type and value kept) with one dictionary.
   *
   * @param fields names and values (any order; the object keeps its fields sorted by name)
   * @return an {@link Type#OBJECT} variant
   * @throws InvalidInputException when a name holds an unpaired surrogate, or the object would nest more than
   *     {@link #MAX_DEPTH} levels or take more than 2 GiB
   */
  public static Variant object(Map<String, Variant> fields) {
    List<byte[]> names = new ArrayList<>(fields.size());
    List<VariantEncoder.Node> values = new ArrayList<>(fields.size());
    for (Map.Entry<String, Variant> e : fields.entrySet()) {
      names.add(utf8(Objects.requireNonNull(e.getKey(), "field name"), "field name"));
      Variant v = Objects.requireNonNull(e.getValue(), "field value");
      values.add(VariantEncoder.of(v.meta, v.value, v.pos));
    }
    return encode(VariantEncoder.object(names, values));
  }

  /**
   * An array of the given elements, each re-encoded (its type and value kept) with one dictionary.
   *
   * @param elements the elements, in order
   * @return an {@link Type#ARRAY} variant
   * @throws InvalidInputException when the array would nest more than {@link #MAX_DEPTH} levels or take more than
   *     2 GiB
   */
  public static Variant array(List<Variant> elements) {
    List<VariantEncoder.Node> values = new ArrayList<>(elements.size());
    for (Variant v : elements) {
      values.add(VariantEncoder.of(Objects.requireNonNull(v, "element").meta, v.value, v.pos));
    }
    return encode(VariantEncoder.array(values));
  }

  /**
   * Parses JSON (RFC 8259) as Spark's {@code parse_json} does: an integer becomes the narrowest of
   * {@link Type#INT8} to {@link Type#INT64} that holds it (a larger one a {@link Type#DECIMAL} of up to 38 digits,
   * else a {@link Type#DOUBLE}); a number with a fraction and no exponent a {@link Type#DECIMAL} when its digits
   * and scale fit 38, else a {@link Type#DOUBLE}, as is every number with an exponent; strings, booleans, null,
   * objects and arrays themselves.
   *
   * @param json one JSON value
   * @return the variant
   * @throws DataFormatException when the text is not one JSON value, an object repeats a name, a string holds an
   *     unpaired surrogate escape, a number is beyond a double's range, or it nests more than {@link #MAX_DEPTH}
   *     levels
   */
  public static Variant fromJson(String json) {
    return encode(JsonToVariant.parse(json));
  }

  // ---- reading ----

  /** @return the type of this value */
  public Type type() {
    return switch (VariantValues.basicType(value, pos)) {
      case VariantFormat.OBJECT -> Type.OBJECT;
      case VariantFormat.ARRAY -> Type.ARRAY;
      default -> switch (VariantValues.primitiveType(value, pos)) {
        case VariantFormat.NULL -> Type.NULL;
        case VariantFormat.TRUE, VariantFormat.FALSE -> Type.BOOLEAN;
        case VariantFormat.INT8 -> Type.INT8;
        case VariantFormat.INT16 -> Type.INT16;
        case VariantFormat.INT32 -> Type.INT32;
        case VariantFormat.INT64 -> Type.INT64;
        case VariantFormat.DOUBLE -> Type.DOUBLE;
        case VariantFormat.DECIMAL4, VariantFormat.DECIMAL8, VariantFormat.DECIMAL16 -> Type.DECIMAL;
        case VariantFormat.DATE -> Type.DATE;
        case VariantFormat.TIMESTAMP_TZ -> Type.TIMESTAMP_TZ;
        case VariantFormat.TIMESTAMP_NTZ -> Type.TIMESTAMP_NTZ;
        case VariantFormat.FLOAT -> Type.FLOAT;
        case VariantFormat.BINARY -> Type.BINARY;
        case VariantFormat.STRING -> Type.STRING;
        case VariantFormat.TIME_NTZ -> Type.TIME_NTZ;
        case VariantFormat.TIMESTAMP_NANOS_TZ -> Type.TIMESTAMP_NANOS_TZ;
        case VariantFormat.TIMESTAMP_NANOS_NTZ -> Type.TIMESTAMP_NANOS_NTZ;
        default -> Type.UUID;
      };
    };
  }

  /** @return whether this is the variant null ({@link Type#NULL}) */
  public boolean isNull() {
    return type() == Type.NULL;
  }

  private InvalidInputException wrongType(String getter, String expected) {
    return new InvalidInputException(getter + " reads " + expected + ", but this variant is " + type());
  }

  /**
   * @return the boolean
   * @throws InvalidInputException unless the type is {@link Type#BOOLEAN}
   */
  public boolean getBoolean() {
    int id = VariantValues.primitiveType(value, pos);
    if (id != VariantFormat.TRUE && id != VariantFormat.FALSE) {
      throw wrongType("getBoolean()", "a BOOLEAN");
    }
    return id == VariantFormat.TRUE;
  }

  private boolean isIntegral() {
    int id = VariantValues.primitiveType(value, pos);
    return id >= VariantFormat.INT8 && id <= VariantFormat.INT64;
  }

  /**
   * @return the integer, whatever its width
   * @throws InvalidInputException unless the type is {@link Type#INT8}, {@link Type#INT16}, {@link Type#INT32} or
   *     {@link Type#INT64}
   */
  public long getLong() {
    if (!isIntegral()) {
      throw wrongType("getLong()", "an INT8, INT16, INT32 or INT64");
    }
    return VariantValues.longValue(value, pos);
  }

  /**
   * @return the double, or the float widened exactly
   * @throws InvalidInputException unless the type is {@link Type#DOUBLE} or {@link Type#FLOAT}
   */
  public double getDouble() {
    int id = VariantValues.primitiveType(value, pos);
    if (id == VariantFormat.DOUBLE) {
      return VariantValues.doubleValue(value, pos);
    }
    if (id == VariantFormat.FLOAT) {
      return VariantValues.floatValue(value, pos);
    }
    throw wrongType("getDouble()", "a DOUBLE or FLOAT");
  }

  /**
   * @return the float
   * @throws InvalidInputException unless the type is {@link Type#FLOAT}
   */
  public float getFloat() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.FLOAT) {
      throw wrongType("getFloat()", "a FLOAT");
    }
    return VariantValues.floatValue(value, pos);
  }

  /**
   * @return the exact decimal, its scale kept; an integer as a decimal of scale 0
   * @throws InvalidInputException unless the type is {@link Type#DECIMAL} or an integer type
   */
  public BigDecimal getDecimal() {
    if (type() == Type.DECIMAL) {
      return VariantValues.decimalValue(value, pos);
    }
    if (isIntegral()) {
      return BigDecimal.valueOf(VariantValues.longValue(value, pos));
    }
    throw wrongType("getDecimal()", "a DECIMAL or an integer");
  }

  /**
   * @return the string
   * @throws InvalidInputException unless the type is {@link Type#STRING}
   */
  public String getString() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.STRING) {
      throw wrongType("getString()", "a STRING");
    }
    return VariantValues.stringValue(value, pos);
  }

  /**
   * @return a copy of the bytes
   * @throws InvalidInputException unless the type is {@link Type#BINARY}
   */
  public byte[] getBinary() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.BINARY) {
      throw wrongType("getBinary()", "a BINARY");
    }
    int from = VariantValues.bytesStart(value, pos);
    return Arrays.copyOfRange(value, from, from + VariantValues.bytesLength(value, pos));
  }

  /**
   * @return the date
   * @throws InvalidInputException unless the type is {@link Type#DATE}
   */
  public LocalDate getDate() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.DATE) {
      throw wrongType("getDate()", "a DATE");
    }
    return LocalDate.ofEpochDay(VariantValues.longValue(value, pos));
  }

  /**
   * @return the instant, exact to the microsecond or nanosecond stored
   * @throws InvalidInputException unless the type is {@link Type#TIMESTAMP_TZ} or {@link Type#TIMESTAMP_NANOS_TZ}
   *     (a timestamp without time zone is a {@link #getLocalTimestamp()}: no zone is made up for it)
   */
  public Instant getTimestamp() {
    int id = VariantValues.primitiveType(value, pos);
    if (id == VariantFormat.TIMESTAMP_TZ) {
      return VariantJson.micros(VariantValues.longValue(value, pos));
    }
    if (id == VariantFormat.TIMESTAMP_NANOS_TZ) {
      return VariantJson.nanos(VariantValues.longValue(value, pos));
    }
    throw wrongType("getTimestamp()", "a TIMESTAMP_TZ or TIMESTAMP_NANOS_TZ");
  }

  /**
   * @return the wall-clock date and time, exact to the microsecond or nanosecond stored
   * @throws InvalidInputException unless the type is {@link Type#TIMESTAMP_NTZ} or {@link Type#TIMESTAMP_NANOS_NTZ}
   */
  public LocalDateTime getLocalTimestamp() {
    int id = VariantValues.primitiveType(value, pos);
    if (id == VariantFormat.TIMESTAMP_NTZ) {
      return LocalDateTime.ofInstant(VariantJson.micros(VariantValues.longValue(value, pos)), ZoneOffset.UTC);
    }
    if (id == VariantFormat.TIMESTAMP_NANOS_NTZ) {
      return LocalDateTime.ofInstant(VariantJson.nanos(VariantValues.longValue(value, pos)), ZoneOffset.UTC);
    }
    throw wrongType("getLocalTimestamp()", "a TIMESTAMP_NTZ or TIMESTAMP_NANOS_NTZ");
  }

  /**
   * @return the time of day
   * @throws InvalidInputException unless the type is {@link Type#TIME_NTZ}
   */
  public LocalTime getTime() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.TIME_NTZ) {
      throw wrongType("getTime()", "a TIME_NTZ");
    }
    return LocalTime.ofNanoOfDay(VariantValues.longValue(value, pos) * 1000);
  }

  /**
   * @return the UUID
   * @throws InvalidInputException unless the type is {@link Type#UUID}
   */
  public UUID getUuid() {
    if (VariantValues.primitiveType(value, pos) != VariantFormat.UUID) {
      throw wrongType("getUuid()", "a UUID");
    }
    return new UUID(VariantValues.uuidHigh(value, pos), VariantValues.uuidLow(value, pos));
  }

  // ---- objects and arrays ----

  private boolean is(int basic) {
    return VariantValues.basicType(value, pos) == basic;
  }

  /**
   * @return the number of fields of an object or elements of an array
   * @throws InvalidInputException unless the type is {@link Type#OBJECT} or {@link Type#ARRAY}
   */
  public int size() {
    if (!is(VariantFormat.OBJECT) && !is(VariantFormat.ARRAY)) {
      throw wrongType("size()", "an OBJECT or ARRAY");
    }
    return VariantValues.count(value, pos);
  }

  private void checkObject(String getter) {
    if (!is(VariantFormat.OBJECT)) {
      throw wrongType(getter, "an OBJECT");
    }
  }

  /**
   * @param name a field name (case-sensitive)
   * @return the field's value, or {@code null} when the object has no field of that name (a field holding the
   *     variant null is a {@link Type#NULL} variant, not {@code null})
   * @throws InvalidInputException unless the type is {@link Type#OBJECT}
   */
  public @Nullable Variant get(String name) {
    checkObject("get(String)");
    byte[] key = Utf8.encode(name);
    if (key == null) {
      return null; // an unpaired surrogate: no field name (valid UTF-8) is it
    }
    int i = VariantValues.findField(meta, value, pos, key);
    return i < 0 ? null : new Variant(meta, value, VariantValues.childPos(value, pos, i));
  }

  /**
   * @param i a field index, 0 to {@link #size()} - 1, in the order of the field names (unsigned UTF-8 byte order)
   * @return the field's name
   * @throws InvalidInputException unless the type is {@link Type#OBJECT}
   * @throws IndexOutOfBoundsException when {@code i} is outside the fields
   */
  public String fieldName(int i) {
    checkObject("fieldName(int)");
    Objects.checkIndex(i, VariantValues.count(value, pos));
    return meta.key(VariantValues.fieldId(value, pos, i));
  }

  /**
   * @param i a field index, 0 to {@link #size()} - 1, in the order of {@link #fieldName(int)}
   * @return the field's value
   * @throws InvalidInputException unless the type is {@link Type#OBJECT}
   * @throws IndexOutOfBoundsException when {@code i} is outside the fields
   */
  public Variant field(int i) {
    checkObject("field(int)");
    Objects.checkIndex(i, VariantValues.count(value, pos));
    return new Variant(meta, value, VariantValues.childPos(value, pos, i));
  }

  /**
   * @return the field names, sorted (unsigned UTF-8 byte order), unmodifiable
   * @throws InvalidInputException unless the type is {@link Type#OBJECT}
   */
  public List<String> fieldNames() {
    checkObject("fieldNames()");
    int n = VariantValues.count(value, pos);
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = meta.key(VariantValues.fieldId(value, pos, i));
    }
    return List.of(names);
  }

  /**
   * @param index an element index, 0 to {@link #size()} - 1
   * @return the element
   * @throws InvalidInputException unless the type is {@link Type#ARRAY}
   * @throws IndexOutOfBoundsException when {@code index} is outside the elements
   */
  public Variant get(int index) {
    if (!is(VariantFormat.ARRAY)) {
      throw wrongType("get(int)", "an ARRAY");
    }
    Objects.checkIndex(index, VariantValues.count(value, pos));
    return new Variant(meta, value, VariantValues.childPos(value, pos, index));
  }

  // ---- bytes, JSON, equality ----

  /**
   * @return a copy of the metadata binary (for a field or element, its whole variant's metadata, which the format
   *     pairs with every value nested in it)
   */
  public byte[] metadata() {
    return meta.bytes().clone();
  }

  /** @return a copy of this value's binary (for a field or element, only its own bytes) */
  public byte[] value() {
    return Arrays.copyOfRange(value, pos, pos + VariantValues.size(value, pos));
  }

  /**
   * The value as RFC 8259 JSON, in the forms of Spark's {@code to_json} of a variant with its session time zone UTC:
   * no white space; object fields in the order of their names; integers and decimals as JSON numbers (decimals
   * exact without trailing zeros, {@code stripTrailingZeros().toPlainString()}: {@code 12.30} is {@code 12.3},
   * {@code 1.00} is {@code 1}; {@link #getDecimal()} keeps the scale); doubles and floats as Java prints them
   * ({@code 1.5}, {@code 1.0E10}), NaN and the infinities as the strings {@code "NaN"}, {@code "Infinity"},
   * {@code "-Infinity"} (as Spark 4.2 prints them); strings escaped (quote, backslash, control
   * characters); dates {@code "2025-04-16"}; timestamps {@code "2025-04-16 12:34:56.78+00:00"} (UTC) and without
   * time zone {@code "2025-04-16 12:34:56.78"} (the fraction's trailing zeros dropped, nanoseconds kept); times
   * {@code "12:33:54.123456"}; binary as standard base64 with padding; UUIDs as {@code "f24f9b64-81fa-..."}.
   *
   * @return the JSON text
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    VariantJson.append(meta, value, pos, sb, Integer.MAX_VALUE);
    return sb.toString();
  }

  /**
   * @param o another object
   * @return whether it is a variant of the same type and value (see the class comment)
   */
  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Variant other && VariantEquality.equal(meta, value, pos, other.meta, other.value, other.pos);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = VariantEquality.hash(meta, value, pos);
      hash = h; // racy but benign, as String's: every thread computes the same value
    }
    return h;
  }

  /** @return the JSON of {@link #toJson()}, cut after about 200 characters ({@code ...} then) */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    boolean whole = VariantJson.append(meta, value, pos, sb, TO_STRING_CHARS);
    if (!whole || sb.length() > TO_STRING_CHARS) {
      sb.setLength(Math.min(sb.length(), TO_STRING_CHARS));
      sb.append("...");
    }
    return sb.toString();
  }

  // ---- helpers ----

  private static byte[] utf8(String s, String what) {
    byte[] b = Utf8.encode(s);
    if (b == null) {
      throw new InvalidInputException("a variant " + what + " must be Unicode text; this one holds an unpaired "
          + "surrogate");
    }
    return b;
  }

  private static long micros(long seconds, int nano, Object what) {
    if (nano % 1000 != 0) {
      throw new InvalidInputException("a variant timestamp holds microseconds; " + what + " has nanosecond digits "
          + "(ofNanos keeps them)");
    }
    try {
      return seconds < 0 && nano > 0 // (seconds + 1) first: the last microseconds before 64 bits' end still fit
          ? Math.addExact(Math.multiplyExact(seconds + 1, 1_000_000L), nano / 1000 - 1_000_000L)
          : Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nano / 1000);
    } catch (ArithmeticException e) {
      throw new InvalidInputException(what + " is beyond a variant timestamp's 64-bit microseconds", e);
    }
  }

  private static long nanos(long seconds, int nano, Object what) {
    try {
      return seconds < 0 && nano > 0
          ? Math.addExact(Math.multiplyExact(seconds + 1, 1_000_000_000L), nano - 1_000_000_000L)
          : Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nano);
    } catch (ArithmeticException e) {
      throw new InvalidInputException(what + " is beyond a variant timestamp's 64-bit nanoseconds (1677 to 2262)", e);
    }
  }
}
