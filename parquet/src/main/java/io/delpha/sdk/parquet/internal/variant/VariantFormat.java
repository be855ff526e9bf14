package io.delpha.sdk.parquet.internal.variant;

/**
 * The constants of VariantEncoding.md and the little-endian reads every other class of the codec shares. Reads do
 * not check bounds: callers read only what {@code VariantValues.validate} has checked.
 */
public final class VariantFormat {

  /** Basic type (the low two bits of a value's first byte): a primitive, its type in the upper six bits. */
  public static final int PRIMITIVE = 0;
  /** Basic type: a string of fewer than 64 bytes, its length in the upper six bits. */
  public static final int SHORT_STRING = 1;
  /** Basic type: an object. */
  public static final int OBJECT = 2;
  /** Basic type: an array. */
  public static final int ARRAY = 3;

  /** Primitive type ids, VariantEncoding.md's "Variant primitive types" table. */
  public static final int NULL = 0;
  /** {@code true}. */
  public static final int TRUE = 1;
  /** {@code false}. */
  public static final int FALSE = 2;
  /** int8, 1 byte. */
  public static final int INT8 = 3;
  /** int16, 2 bytes little-endian. */
  public static final int INT16 = 4;
  /** int32, 4 bytes little-endian. */
  public static final int INT32 = 5;
  /** int64, 8 bytes little-endian. */
  public static final int INT64 = 6;
  /** IEEE double, 8 bytes little-endian. */
  public static final int DOUBLE = 7;
  /** A scale byte and a 4-byte little-endian unscaled value (precision 1 to 9). */
  public static final int DECIMAL4 = 8;
  /** A scale byte and an 8-byte unscaled value (precision up to 18). */
  public static final int DECIMAL8 = 9;
  /** A scale byte and a 16-byte unscaled value (precision up to 38). */
  public static final int DECIMAL16 = 10;
  /** Days since 1970-01-01, 4 bytes. */
  public static final int DATE = 11;
  /** Microseconds since the epoch, UTC-adjusted, 8 bytes. */
  public static final int TIMESTAMP_TZ = 12;
  /** Microseconds since the epoch, not UTC-adjusted (a wall-clock time), 8 bytes. */
  public static final int TIMESTAMP_NTZ = 13;
  /** IEEE float, 4 bytes. */
  public static final int FLOAT = 14;
  /** A 4-byte length and the bytes. */
  public static final int BINARY = 15;
  /** A 4-byte length and UTF-8 bytes. */
  public static final int STRING = 16;
  /** Microseconds since midnight, 8 bytes. */
  public static final int TIME_NTZ = 17;
  /** Nanoseconds since the epoch, UTC-adjusted, 8 bytes. */
  public static final int TIMESTAMP_NANOS_TZ = 18;
  /** Nanoseconds since the epoch, not UTC-adjusted, 8 bytes. */
  public static final int TIMESTAMP_NANOS_NTZ = 19;
  /** 16 bytes, big-endian. */
  public static final int UUID = 20;
  /** The highest primitive type id VariantEncoding.md defines. */
  public static final int MAX_PRIMITIVE = 20;

  /** The only metadata version there is. */
  public static final int VERSION = 1;
  /** The longest string held as a short string. */
  public static final int MAX_SHORT_STRING = 63;
  /** The most digits a variant decimal holds. */
  public static final int MAX_DECIMAL_PRECISION = 38;
  /** The deepest nesting of objects and arrays read or written: a primitive is at depth 0. */
  public static final int MAX_DEPTH = 256;

  private VariantFormat() {}

  /**
   * @param b the bytes
   * @param pos where the value starts
   * @param size 1 to 4
   * @return the unsigned little-endian value of {@code size} bytes
   */
  public static long readUnsigned(byte[] b, int pos, int size) {
    // one case per width, no loop: every count, id and offset of a value is read through here
    return switch (size) {
      case 1 -> b[pos] & 0xFF;
      case 2 -> (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
      case 3 -> (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16;
      default -> (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16
          | (long) (b[pos + 3] & 0xFF) << 24;
    };
  }

  /**
   * @param b the bytes
   * @param pos where the value starts
   * @param size 1 to 8
   * @return the signed little-endian value of {@code size} bytes, sign-extended
   */
  public static long readSigned(byte[] b, int pos, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v |= (long) (b[pos + i] & 0xFF) << (8 * i);
    }
    int shift = 64 - 8 * size;
    return v << shift >> shift;
  }

  /**
   * @param value a non-negative value
   * @return the fewest bytes (1 to 4) that hold it unsigned
   */
  public static int widthOf(long value) {
    if (value < 0x100) {
      return 1;
    }
    if (value < 0x10000) {
      return 2;
    }
    return value < 0x1000000 ? 3 : 4;
  }
}
