package io.delpha.sdk.parquet.internal.variant;

import static io.delpha.sdk.parquet.internal.variant.VariantFormat.readSigned;
import static io.delpha.sdk.parquet.internal.variant.VariantFormat.readUnsigned;

import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Validation of an encoded value, VariantEncoding.md's "Value encoding", and the reads of a validated one. Every read
 * takes the value array and the index of a value's first byte; only {@link #validate} checks anything, so read only
 * what it accepted.
 */
public final class VariantValues {

  private static final long MAX_DECIMAL4 = 999_999_999L;
  private static final long MAX_DECIMAL8 = 999_999_999_999_999_999L;
  private static final BigInteger MAX_DECIMAL16 = BigInteger.TEN.pow(VariantFormat.MAX_DECIMAL_PRECISION);
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private VariantValues() {}

  /**
   * Checks the value starting at {@code pos} and every value nested in it: its header; a primitive's type (0 to 20)
   * and its bytes (a decimal's scale of at most 38 and digits within its width's precision, a string's UTF-8, a
   * time within the day); an object's or array's element count, field ids, offsets and values within the bytes
   * before anything is allocated; field ids within the dictionary; field names in strictly increasing unsigned byte
   * order (sorted, no duplicates, whatever the dictionary's order); values that do not overlap; nesting no deeper
   * than {@link VariantFormat#MAX_DEPTH}. The work is linear in the bytes: values cannot overlap, so none is
   * checked twice. The recursion is as deep as the nesting, at most {@code MAX_DEPTH} frames.
   *
   * @param m the metadata, validated
   * @param v the value bytes
   * @param pos where the value starts
   * @param limit the index the value may not reach or pass
   * @param depth the nesting depth of this value (0 for the top)
   * @return the index just after the value
   * @throws DataFormatException naming the first thing wrong
   */
  public static int validate(VariantMetadata m, byte[] v, int pos, int limit, int depth) {
    if (pos >= limit) {
      throw malformed(pos, "a value ends before its header byte");
    }
    int header = v[pos] & 0xFF;
    int basic = header & 0x03;
    int h = header >>> 2;
    switch (basic) {
      case VariantFormat.PRIMITIVE:
        return validatePrimitive(v, pos, limit, h);
      case VariantFormat.SHORT_STRING: {
        long end = pos + 1L + h;
        if (end > limit) {
          throw malformed(pos, "a short string of " + h + " bytes runs past the end of its value (" + (limit - pos - 1)
              + " bytes remain)");
        }
        if (!Utf8.isValid(v, pos + 1, (int) end)) {
          throw malformed(pos, "a short string is not valid UTF-8");
        }
        return (int) end;
      }
      case VariantFormat.OBJECT:
      default:
        if (depth >= VariantFormat.MAX_DEPTH) {
          throw malformed(pos, "objects and arrays nest more than " + VariantFormat.MAX_DEPTH
              + " levels deep (the most this reader reads)");
        }
        return basic == VariantFormat.OBJECT ? validateObject(m, v, pos, limit, depth, h)
            : validateArray(m, v, pos, limit, depth, h);
    }
  }

  private static int validatePrimitive(byte[] v, int pos, int limit, int id) {
    long size;
    switch (id) {
      case VariantFormat.NULL, VariantFormat.TRUE, VariantFormat.FALSE -> size = 0;
      case VariantFormat.INT8 -> size = 1;
      case VariantFormat.INT16 -> size = 2;
      case VariantFormat.INT32, VariantFormat.DATE, VariantFormat.FLOAT -> size = 4;
      case VariantFormat.INT64, VariantFormat.DOUBLE, VariantFormat.TIMESTAMP_TZ, VariantFormat.TIMESTAMP_NTZ,
          VariantFormat.TIME_NTZ, VariantFormat.TIMESTAMP_NANOS_TZ, VariantFormat.TIMESTAMP_NANOS_NTZ -> size = 8;
      case VariantFormat.DECIMAL4 -> size = 5;
      case VariantFormat.DECIMAL8 -> size = 9;
      case VariantFormat.DECIMAL16 -> size = 17;
      case VariantFormat.UUID -> size = 16;
      case VariantFormat.BINARY, VariantFormat.STRING -> {
        if (pos + 5L > limit) {
          throw malformed(pos, "a " + primitiveName(id) + " ends before its 4-byte length");
        }
        size = 4 + readUnsigned(v, pos + 1, 4);
      }
      default -> throw malformed(pos, "primitive type " + id + " is not one VariantEncoding.md defines (0 to "
          + VariantFormat.MAX_PRIMITIVE + ")");
    }
    long end = pos + 1L + size;
    if (end > limit) {
      throw malformed(pos, "a " + primitiveName(id) + " needs " + size + " bytes after its header, "
          + (limit - pos - 1) + " remain");
    }
    switch (id) {
      case VariantFormat.DECIMAL4, VariantFormat.DECIMAL8, VariantFormat.DECIMAL16 -> checkDecimal(v, pos, id);
      case VariantFormat.STRING -> {
        if (!Utf8.isValid(v, pos + 5, (int) end)) {
          throw malformed(pos, "a string is not valid UTF-8");
        }
      }
      case VariantFormat.TIME_NTZ -> {
        long micros = readSigned(v, pos + 1, 8);
        if (micros < 0 || micros >= MICROS_PER_DAY) {
          throw malformed(pos, "a time of " + micros + " microseconds since midnight is outside the day");
        }
      }
      default -> { }
    }
    return (int) end;
  }

  private static void checkDecimal(byte[] v, int pos, int id) {
    int scale = v[pos + 1] & 0xFF;
    if (scale > VariantFormat.MAX_DECIMAL_PRECISION) {
      throw malformed(pos, "a " + primitiveName(id) + " has scale " + scale + ", above the format's 38");
    }
    boolean fits = switch (id) {
      case VariantFormat.DECIMAL4 -> Math.abs(readSigned(v, pos + 2, 4)) <= MAX_DECIMAL4;
      case VariantFormat.DECIMAL8 -> {
        long u = readSigned(v, pos + 2, 8);
        yield u >= -MAX_DECIMAL8 && u <= MAX_DECIMAL8;
      }
      default -> unscaled16(v, pos).abs().compareTo(MAX_DECIMAL16) < 0;
    };
    if (!fits) {
      throw malformed(pos, "a " + primitiveName(id) + "'s unscaled value has more digits than its precision ("
          + (id == VariantFormat.DECIMAL4 ? 9 : id == VariantFormat.DECIMAL8 ? 18 : 38) + ")");
    }
  }

  private static int validateObject(VariantMetadata m, byte[] v, int pos, int limit, int depth, int h) {
    int countSize = (h & 0x10) != 0 ? 4 : 1;
    int idSize = ((h >>> 2) & 0x03) + 1;
    int offsetSize = (h & 0x03) + 1;
    if (pos + 1L + countSize > limit) {
      throw malformed(pos, "an object ends before its " + countSize + "-byte field count");
    }
    long n = readUnsigned(v, pos + 1, countSize);
    long idStart = pos + 1L + countSize;
    long offsetStart = idStart + n * idSize;
    long dataStart = offsetStart + (n + 1) * offsetSize;
    if (dataStart > limit) {
      throw malformed(pos, "an object of " + n + " fields needs " + (dataStart - pos) + " bytes of field ids and "
          + "offsets, " + (limit - pos) + " remain");
    }
    int count = (int) n;
    int ids = (int) idStart;
    int dictionary = m.size();
    for (int i = 0; i < count; i++) {
      long id = readUnsigned(v, ids + i * idSize, idSize);
      if (id >= dictionary) {
        throw malformed(pos, "field " + i + " of an object has id " + id + ", beyond the metadata's dictionary of "
            + dictionary + " strings");
      }
      if (i > 0) {
        int previous = (int) readUnsigned(v, ids + (i - 1) * idSize, idSize);
        if (!m.inOrder(previous, (int) id)) {
          throw malformed(pos, "an object's field names are not in strictly increasing order: field " + i + " "
              + Utf8.excerpt(m.key((int) id)) + " after " + Utf8.excerpt(m.key(previous))
              + " (names must be sorted and unique)");
        }
      }
    }
    return validateChildren(m, v, pos, limit, depth, count, (int) offsetStart, offsetSize, (int) dataStart,
        "an object");
  }

  private static int validateArray(VariantMetadata m, byte[] v, int pos, int limit, int depth, int h) {
    int countSize = (h & 0x04) != 0 ? 4 : 1;
    int offsetSize = (h & 0x03) + 1;
    if (pos + 1L + countSize > limit) {
      throw malformed(pos, "an array ends before its " + countSize + "-byte element count");
    }
    long n = readUnsigned(v, pos + 1, countSize);
    long offsetStart = pos + 1L + countSize;
    long dataStart = offsetStart + (n + 1) * offsetSize;
    if (dataStart > limit) {
      throw malformed(pos, "an array of " + n + " elements needs " + (dataStart - pos) + " bytes of offsets, "
          + (limit - pos) + " remain");
    }
    return validateChildren(m, v, pos, limit, depth, (int) n, (int) offsetStart, offsetSize, (int) dataStart,
        "an array");
  }

  /** Checks the values of an object or array: offsets within the data, values within them, none overlapping. */
  private static int validateChildren(VariantMetadata m, byte[] v, int pos, int limit, int depth, int n,
      int offsetStart, int offsetSize, int dataStart, String what) {
    long last = readUnsigned(v, offsetStart + n * offsetSize, offsetSize);
    if (dataStart + last > limit) {
      throw malformed(pos, what + "'s values end " + last + " bytes after its offsets, past the end of its value ("
          + (limit - dataStart) + " bytes remain)");
    }
    if (n == 0) {
      return (int) (dataStart + last);
    }
    // values in the order of their offsets (what every writer writes): checked without an array
    boolean inOrder = true;
    long before = -1;
    for (int i = 0; i < n && inOrder; i++) {
      long start = readUnsigned(v, offsetStart + i * offsetSize, offsetSize);
      inOrder = start > before && start < last;
      before = start;
    }
    if (inOrder) {
      for (int i = 0; i < n; i++) {
        long start = readUnsigned(v, offsetStart + i * offsetSize, offsetSize);
        long end = i + 1 < n ? readUnsigned(v, offsetStart + (i + 1) * offsetSize, offsetSize) : last;
        validate(m, v, dataStart + (int) start, dataStart + (int) end, depth + 1);
      }
      return (int) (dataStart + last);
    }
    // n fits the bytes already checked, so this array is no larger than the value itself
    int[] starts = new int[n];
    boolean ascending = true;
    for (int i = 0; i < n; i++) {
      long start = readUnsigned(v, offsetStart + i * offsetSize, offsetSize);
      if (start >= last) {
        throw malformed(pos, what + "'s value " + i + " starts at offset " + start + ", not before the end of its "
            + "values (" + last + ")");
      }
      starts[i] = (int) start;
      ascending &= i == 0 || starts[i] > starts[i - 1];
    }
    if (!ascending) {
      Arrays.sort(starts);
    }
    for (int k = 0; k < n; k++) {
      if (k + 1 < n && starts[k + 1] == starts[k]) {
        throw malformed(pos, what + " has two values at offset " + starts[k] + " (values must not overlap)");
      }
      int end = k + 1 < n ? starts[k + 1] : (int) last;
      validate(m, v, dataStart + starts[k], dataStart + end, depth + 1);
    }
    return (int) (dataStart + last);
  }

  private static DataFormatException malformed(int pos, String what) {
    return new DataFormatException("malformed variant value at byte " + pos + ": " + what);
  }

  /**
   * @param id a primitive type id
   * @return its name in VariantEncoding.md
   */
  public static String primitiveName(int id) {
    return switch (id) {
      case VariantFormat.NULL -> "null";
      case VariantFormat.TRUE, VariantFormat.FALSE -> "boolean";
      case VariantFormat.INT8 -> "int8";
      case VariantFormat.INT16 -> "int16";
      case VariantFormat.INT32 -> "int32";
      case VariantFormat.INT64 -> "int64";
      case VariantFormat.DOUBLE -> "double";
      case VariantFormat.DECIMAL4 -> "decimal4";
      case VariantFormat.DECIMAL8 -> "decimal8";
      case VariantFormat.DECIMAL16 -> "decimal16";
      case VariantFormat.DATE -> "date";
      case VariantFormat.TIMESTAMP_TZ -> "timestamp";
      case VariantFormat.TIMESTAMP_NTZ -> "timestamp without time zone";
      case VariantFormat.FLOAT -> "float";
      case VariantFormat.BINARY -> "binary";
      case VariantFormat.STRING -> "string";
      case VariantFormat.TIME_NTZ -> "time without time zone";
      case VariantFormat.TIMESTAMP_NANOS_TZ -> "timestamp with time zone (nanoseconds)";
      case VariantFormat.TIMESTAMP_NANOS_NTZ -> "timestamp without time zone (nanoseconds)";
      case VariantFormat.UUID -> "uuid";
      default -> "primitive type " + id;
    };
  }

  // ---- reads of a validated value ----

  /**
   * @param v value bytes
   * @param pos a value's first byte
   * @return its basic type, {@link VariantFormat#PRIMITIVE} to {@link VariantFormat#ARRAY}
   */
  public static int basicType(byte[] v, int pos) {
    return v[pos] & 0x03;
  }

  /**
   * @param v value bytes
   * @param pos a value's first byte
   * @return its primitive type id, folding a short string into {@link VariantFormat#STRING}; -1 for an object or an
   *     array
   */
  public static int primitiveType(byte[] v, int pos) {
    int basic = basicType(v, pos);
    if (basic == VariantFormat.PRIMITIVE) {
      return (v[pos] & 0xFF) >>> 2;
    }
    return basic == VariantFormat.SHORT_STRING ? VariantFormat.STRING : -1;
  }

  /**
   * @param v value bytes
   * @param pos a value's first byte
   * @return the number of bytes the value takes
   */
  public static int size(byte[] v, int pos) {
    int header = v[pos] & 0xFF;
    int h = header >>> 2;
    switch (header & 0x03) {
      case VariantFormat.SHORT_STRING:
        return 1 + h;
      case VariantFormat.OBJECT:
      case VariantFormat.ARRAY: {
        int offsetSize = offsetSize(v, pos);
        return dataStart(v, pos) + (int) readUnsigned(v, offsetStart(v, pos) + count(v, pos) * offsetSize,
            offsetSize) - pos;
      }
      default:
        return switch (h) {
          case VariantFormat.NULL, VariantFormat.TRUE, VariantFormat.FALSE -> 1;
          case VariantFormat.INT8 -> 2;
          case VariantFormat.INT16 -> 3;
          case VariantFormat.INT32, VariantFormat.DATE, VariantFormat.FLOAT -> 5;
          case VariantFormat.DECIMAL4 -> 6;
          case VariantFormat.DECIMAL8 -> 10;
          case VariantFormat.DECIMAL16 -> 18;
          case VariantFormat.UUID -> 17;
          case VariantFormat.BINARY, VariantFormat.STRING -> 5 + (int) readUnsigned(v, pos + 1, 4);
          default -> 9;
        };
    }
  }

  /**
   * @param v value bytes
   * @param pos an object's or array's first byte
   * @return its number of fields or elements
   */
  public static int count(byte[] v, int pos) {
    return (int) readUnsigned(v, pos + 1, countSize(v, pos));
  }

  private static int countSize(byte[] v, int pos) {
    int h = (v[pos] & 0xFF) >>> 2;
    boolean large = basicType(v, pos) == VariantFormat.OBJECT ? (h & 0x10) != 0 : (h & 0x04) != 0;
    return large ? 4 : 1;
  }

  private static int offsetSize(byte[] v, int pos) {
    return ((v[pos] >>> 2) & 0x03) + 1;
  }

  private static int idSize(byte[] v, int pos) {
    return ((v[pos] >>> 4) & 0x03) + 1;
  }

  private static int offsetStart(byte[] v, int pos) {
    int start = pos + 1 + countSize(v, pos);
    return basicType(v, pos) == VariantFormat.OBJECT ? start + count(v, pos) * idSize(v, pos) : start;
  }

  private static int dataStart(byte[] v, int pos) {
    return offsetStart(v, pos) + (count(v, pos) + 1) * offsetSize(v, pos);
  }

  /**
   * @param v value bytes
   * @param pos an object's first byte
   * @param i a field index, below {@link #count}
   * @return the dictionary id of field {@code i}
   */
  public static int fieldId(byte[] v, int pos, int i) {
    int idSize = idSize(v, pos);
    return (int) readUnsigned(v, pos + 1 + countSize(v, pos) + i * idSize, idSize);
  }

  /**
   * @param v value bytes
   * @param pos an object's or array's first byte
   * @param i a field or element index, below {@link #count}
   * @return the index of the first byte of its value
   */
  public static int childPos(byte[] v, int pos, int i) {
    int offsetSize = offsetSize(v, pos);
    return dataStart(v, pos) + (int) readUnsigned(v, offsetStart(v, pos) + i * offsetSize, offsetSize);
  }

  /**
   * Finds a field by name: a binary search over the field ids, which validation found in strictly increasing order
   * of their names (VariantEncoding.md allows readers to rely on it).
   *
   * @param m the metadata
   * @param v value bytes
   * @param pos an object's first byte
   * @param name the name's UTF-8 bytes
   * @return the field's index, or -1
   */
  public static int findField(VariantMetadata m, byte[] v, int pos, byte[] name) {
    int low = 0;
    int high = count(v, pos) - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = m.compareKey(fieldId(v, pos, mid), name);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * @param v value bytes
   * @param pos the first byte of an integer, date, timestamp or time
   * @return its value, sign-extended
   */
  public static long longValue(byte[] v, int pos) {
    return switch ((v[pos] & 0xFF) >>> 2) {
      case VariantFormat.INT8 -> readSigned(v, pos + 1, 1);
      case VariantFormat.INT16 -> readSigned(v, pos + 1, 2);
      case VariantFormat.INT32, VariantFormat.DATE -> readSigned(v, pos + 1, 4);
      default -> readSigned(v, pos + 1, 8);
    };
  }

  /**
   * @param v value bytes
   * @param pos a double's first byte
   * @return the double
   */
  public static double doubleValue(byte[] v, int pos) {
    return Double.longBitsToDouble(readSigned(v, pos + 1, 8));
  }

  /**
   * @param v value bytes
   * @param pos a float's first byte
   * @return the float
   */
  public static float floatValue(byte[] v, int pos) {
    return Float.intBitsToFloat((int) readSigned(v, pos + 1, 4));
  }

  /**
   * @param v value bytes
   * @param pos a decimal's first byte (any width)
   * @return its exact value, scale kept
   */
  public static BigDecimal decimalValue(byte[] v, int pos) {
    int scale = v[pos + 1] & 0xFF;
    return switch ((v[pos] & 0xFF) >>> 2) {
      case VariantFormat.DECIMAL4 -> BigDecimal.valueOf(readSigned(v, pos + 2, 4), scale);
      case VariantFormat.DECIMAL8 -> BigDecimal.valueOf(readSigned(v, pos + 2, 8), scale);
      default -> new BigDecimal(unscaled16(v, pos), scale);
    };
  }

  private static BigInteger unscaled16(byte[] v, int pos) {
    byte[] bigEndian = new byte[16];
    for (int i = 0; i < 16; i++) {
      bigEndian[i] = v[pos + 2 + 15 - i];
    }
    return new BigInteger(bigEndian);
  }

  /**
   * @param v value bytes
   * @param pos a string's first byte (short or long)
   * @return the index of its first UTF-8 byte
   */
  public static int bytesStart(byte[] v, int pos) {
    return basicType(v, pos) == VariantFormat.SHORT_STRING ? pos + 1 : pos + 5;
  }

  /**
   * @param v value bytes
   * @param pos a string's or binary's first byte
   * @return the number of its bytes
   */
  public static int bytesLength(byte[] v, int pos) {
    return basicType(v, pos) == VariantFormat.SHORT_STRING ? (v[pos] & 0xFF) >>> 2
        : (int) readUnsigned(v, pos + 1, 4);
  }

  /**
   * @param v value bytes
   * @param pos a string's first byte
   * @return the string
   */
  public static String stringValue(byte[] v, int pos) {
    return new String(v, bytesStart(v, pos), bytesLength(v, pos), StandardCharsets.UTF_8);
  }

  /**
   * @param v value bytes
   * @param pos a uuid's first byte
   * @return the uuid's most significant half (big-endian)
   */
  public static long uuidHigh(byte[] v, int pos) {
    return bigEndianLong(v, pos + 1);
  }

  /**
   * @param v value bytes
   * @param pos a uuid's first byte
   * @return the uuid's least significant half
   */
  public static long uuidLow(byte[] v, int pos) {
    return bigEndianLong(v, pos + 9);
  }

  private static long bigEndianLong(byte[] v, int from) {
    long x = 0;
    for (int i = 0; i < 8; i++) {
      x = (x << 8) | (v[from + i] & 0xFF);
    }
    return x;
  }
}
