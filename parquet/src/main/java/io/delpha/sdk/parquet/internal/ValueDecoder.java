package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Physical;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the values of one data page in bulk into the arrays of a {@link Vector}. Three kinds: {@link
 * Plain} and {@link Dictionary} decode straight from the page's bytes (the encodings every writer uses by
 * default), {@link Fallback} delegates the rarer encodings (DELTA_*, BYTE_STREAM_SPLIT, RLE booleans) to
 * parquet-column's readers one value at a time. Each method decodes {@code n} present values into slots
 * {@code at .. at+n-1}; nulls are the caller's business.
 */
abstract class ValueDecoder {



  abstract void ints(int[] out, int at, int n);

  abstract void longs(long[] out, int at, int n);

  abstract void doubles(double[] out, int at, int n);

  abstract void booleans(boolean[] out, int at, int n);

  /** INT96: nanoseconds of the day into {@code nanos}, Julian day into {@code days}. */
  abstract void int96(long[] nanos, int[] days, int at, int n);

  /** Appends the bytes of {@code n} values after {@code v.offsets()[at]}, setting offsets up to {@code at + n}. */
  abstract void binaries(Vector v, int at, int n);

  /**
   * @param bits an IEEE 754 half-precision value (Parquet's FLOAT16, little-endian in its two bytes)
   * @return the same number as a double (exact: every half is a double)
   */
  static double halfToDouble(int bits) {
    int exponent = bits >>> 10 & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0x1f) {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exponent == 0) {
      magnitude = mantissa * 0x1p-24;
    } else {
      magnitude = Math.scalb((double) (1024 + mantissa), exponent - 25);
    }
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
  }

  /**
   * @param bytes the bytes a batch's values of one column need
   * @param n the values being decoded
   * @return {@code bytes}, if one Java array holds them
   * @throws ParquetDecodingException if not: the batch must hold fewer rows
   */
  static int batchBytes(long bytes, int n) {
    if (bytes > LittleEndian.MAX_ARRAY_BYTES) {
      throw new ParquetDecodingException("the values of one batch exceed the 2 GiB a Java array holds (" + bytes
          + " bytes with the last " + n + " values); read it with fewer rows per batch (ReadOptions.withBatchRows)");
    }
    return (int) bytes;
  }

  static ParquetDecodingException truncated(String what) {
    return new ParquetDecodingException("page data ends inside " + what);
  }

  /** PLAIN: fixed-width little-endian values, length-prefixed or fixed-length byte arrays, packed booleans. */
  static final class Plain extends ValueDecoder {
    private final PrimitiveTypeName type;
    private final int fixedLength;
    private byte[] b;
    private int pos;
    private int end;
    private int bit;

    // b is set by init(), which the reader calls for every page before decoding it
    @SuppressWarnings("NullAway.Init")
    Plain(PrimitiveTypeName type, int fixedLength) {
      this.type = type;
      this.fixedLength = fixedLength;
    }

    void init(byte[] bytes, int from, int to) {
      this.b = bytes;
      this.pos = from;
      this.end = to;
      this.bit = 0;
    }

    /** @return the bytes left to decode: an upper bound on the bytes of the values left */
    int remaining() {
      return end - pos;
    }

    private int take(int bytes, String what) {
      int p = pos;
      if (bytes < 0 || bytes > end - p) {
        throw truncated(what);
      }
      pos = p + bytes;
      return p;
    }

    @Override
    void ints(int[] out, int at, int n) {
      int p = take(4 * n, "INT32 values");
      ByteBuffer.wrap(b, p, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out, at, n);
    }

    @Override
    void longs(long[] out, int at, int n) {
      int p = take(8 * n, "INT64 values");
      ByteBuffer.wrap(b, p, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out, at, n);
    }

    @Override
    void doubles(double[] out, int at, int n) {
      byte[] in = b;
      if (type == PrimitiveTypeName.FLOAT) {
        int p = take(4 * n, "FLOAT values");
        for (int i = 0; i < n; i++) {
          out[at + i] = (float) LittleEndian.FLOAT.get(in, p + 4 * i);
        }
      } else if (type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
        int p = take(2 * n, "FLOAT16 values");
        for (int i = 0; i < n; i++) {
          out[at + i] = halfToDouble(in[p + 2 * i] & 0xff | (in[p + 2 * i + 1] & 0xff) << 8);
        }
      } else {
        int p = take(8 * n, "DOUBLE values");
        for (int i = 0; i < n; i++) {
          out[at + i] = (double) LittleEndian.DOUBLE.get(in, p + 8 * i);
        }
      }
    }

    @Override
    void booleans(boolean[] out, int at, int n) {
      long lastBit = (long) bit + n;
      if ((lastBit + 7) / 8 > end - pos) {
        throw truncated("BOOLEAN values");
      }
      byte[] in = b;
      int base = pos;
      int k = bit;
      int i = 0;
      for (; i < n && (k & 7) != 0; i++, k++) {
        out[at + i] = (in[base + (k >>> 3)] >> (k & 7) & 1) != 0;
      }
      for (; n - i >= 8; i += 8, k += 8) {
        int v = in[base + (k >>> 3)];
        int o = at + i;
        out[o] = (v & 1) != 0;
        out[o + 1] = (v & 2) != 0;
        out[o + 2] = (v & 4) != 0;
        out[o + 3] = (v & 8) != 0;
        out[o + 4] = (v & 16) != 0;
        out[o + 5] = (v & 32) != 0;
        out[o + 6] = (v & 64) != 0;
        out[o + 7] = (v & 128) != 0;
      }
      for (; i < n; i++, k++) {
        out[at + i] = (in[base + (k >>> 3)] >> (k & 7) & 1) != 0;
      }
      bit = k;
    }

    @Override
    void int96(long[] nanos, int[] days, int at, int n) {
      int p = take(12 * n, "INT96 values");
      byte[] in = b;
      for (int i = 0; i < n; i++) {
        nanos[at + i] = (long) LittleEndian.LONG.get(in, p + 12 * i);
        days[at + i] = (int) LittleEndian.INT.get(in, p + 12 * i + 8);
      }
    }

    @Override
    void binaries(Vector v, int at, int n) {
      int[] offsets = v.offsets();
      int out = offsets[at];
      if (fixedLength > 0) {
        int p = take(fixedLength * n, "FIXED_LEN_BYTE_ARRAY values");
        v.ensureDataCapacity(out + fixedLength * n);
        System.arraycopy(b, p, v.data(), out, fixedLength * n);
        for (int i = 1; i <= n; i++) {
          offsets[at + i] = out + fixedLength * i;
        }
        return;
      }
      byte[] in = b;
      for (int i = 0; i < n; i++) {
        int length = (int) LittleEndian.INT.get(in, take(4, "a BYTE_ARRAY length"));
        int p = take(length, "a BYTE_ARRAY value");
        byte[] data = v.data();
        if (out + (long) length > data.length) {
          v.ensureDataCapacity(batchBytes(out + (long) length, n));
          data = v.data();
        }
        System.arraycopy(in, p, data, out, length);
        out += length;
        offsets[at + i + 1] = out;
      }
    }
  }

  /** PLAIN_DICTIONARY / RLE_DICTIONARY: bit-packed ids into a dictionary decoded once per column chunk. */
  // the dictionary arrays of the column's physical type are set by load(), which the reader calls for every
  // dictionary page before any id is decoded against it
  @SuppressWarnings("NullAway.Init")
  static final class Dictionary extends ValueDecoder {
    /** Values up to this many bytes are copied in two 8-byte moves. */
    private static final int SHORT_COPY = 16;
    /** Room a batch of dictionary strings may take beyond its bytes, rather than counting them first. */
    private static final long ROOM_WITHOUT_COUNTING = 1L << 20;
    /** The most ids a page makes room for ahead ({@link #init}): a batch of more grows the array as it reads. */
    private static final int MAX_SCRATCH = 1 << 16;

    private final HybridDecoder ids = new HybridDecoder();
    private int[] scratch = new int[1024];
    private int size;
    private int[] dictInts;
    private long[] dictLongs;
    private double[] dictDoubles;
    private Vector dictBinary;
    /** The length of the longest value of {@link #dictBinary}. */
    private int dictLongest;

    /**
     * Decodes a dictionary page's PLAIN values.
     *
     * @param plain a decoder positioned on the page
     * @param count the dictionary's size
     * @param physical how the column's values are held
     * @param binaryHolder an empty vector to hold BINARY dictionaries
     */
    void load(Plain plain, int count, Physical physical, @Nullable Vector binaryHolder) {
      size = count;
      switch (physical) {
        case INT32, UINT32 -> {
          dictInts = new int[count];
          plain.ints(dictInts, 0, count);
        }
        case INT64, UINT64 -> {
          dictLongs = new long[count];
          plain.longs(dictLongs, 0, count);
        }
        case INT96 -> {
          dictLongs = new long[count];
          dictInts = new int[count];
          plain.int96(dictLongs, dictInts, 0, count);
        }
        case DOUBLE -> {
          dictDoubles = new double[count];
          plain.doubles(dictDoubles, 0, count);
        }
        case BINARY -> {
          Vector holder = Objects.requireNonNull(binaryHolder, "a BINARY column has a dictionary holder");
          holder.clear();
          holder.ensureCapacity(count);
          // room for every value plus slack after the last (binaries() copies short values 16 bytes at a time),
          // made once: the values take at most the page's bytes
          holder.ensureDataCapacity(batchBytes((long) plain.remaining() + SHORT_COPY, count));
          plain.binaries(holder, 0, count);
          holder.setSize(count);
          dictBinary = holder;
          int[] offsets = holder.offsets();
          int longest = 0;
          for (int i = 0; i < count; i++) {
            longest = Math.max(longest, offsets[i + 1] - offsets[i]);
          }
          dictLongest = longest;
        }
        default -> throw new ParquetDecodingException(physical + " values cannot be dictionary-encoded");
      }
    }

    /**
     * Starts on a page of ids.
     *
     * @param values the page's values: the ids read from it are made room for here, once per page, so that the
     *     per-batch {@link #ids} never grows its array where the JIT compiled it as never growing (a new file's
     *     first batch would otherwise deoptimise it: issue 49)
     */
    void init(byte[] bytes, int from, int to, int values) {
      if (from >= to) {
        throw truncated("dictionary ids");
      }
      ids.init(bytes, from + 1, to, bytes[from] & 0xff);
      // bounded: a page's header may claim any count (a hostile file), and a batch reads at most its rows of it
      int room = Math.min(values, MAX_SCRATCH);
      if (scratch.length < room) {
        scratch = new int[room];
      }
    }

    /** @return the values of the current chunk's dictionary */
    int size() {
      return size;
    }

    /** Copies the ids of the last values decoded. */
    void copyIds(int[] out, int at, int n) {
      System.arraycopy(scratch, 0, out, at, n);
    }

    private int[] ids(int n) {
      if (scratch.length < n) {
        scratch = new int[Math.max(n, scratch.length * 2)];
      }
      ids.read(scratch, 0, n);
      int[] s = scratch;
      // one branch-free pass (the sign bit is set for an id below 0 or at or above the size), then the culprit
      int outside = 0;
      int last = size - 1;
      for (int i = 0; i < n; i++) {
        outside |= s[i] | (last - s[i]);
      }
      if (outside < 0) {
        for (int i = 0; i < n; i++) {
          if (s[i] < 0 || s[i] >= size) {
            throw new ParquetDecodingException("dictionary id " + s[i] + " outside a dictionary of " + size);
          }
        }
      }
      return s;
    }

    @Override
    void ints(int[] out, int at, int n) {
      int[] s = ids(n);
      int[] d = dictInts;
      for (int i = 0; i < n; i++) {
        out[at + i] = d[s[i]];
      }
    }

    @Override
    void longs(long[] out, int at, int n) {
      int[] s = ids(n);
      long[] d = dictLongs;
      for (int i = 0; i < n; i++) {
        out[at + i] = d[s[i]];
      }
    }

    @Override
    void doubles(double[] out, int at, int n) {
      int[] s = ids(n);
      double[] d = dictDoubles;
      for (int i = 0; i < n; i++) {
        out[at + i] = d[s[i]];
      }
    }

    @Override
    void booleans(boolean[] out, int at, int n) {
      throw new ParquetDecodingException("BOOLEAN values cannot be dictionary-encoded");
    }

    @Override
    void int96(long[] nanos, int[] days, int at, int n) {
      int[] s = ids(n);
      for (int i = 0; i < n; i++) {
        nanos[at + i] = dictLongs[s[i]];
        days[at + i] = dictInts[s[i]];
      }
    }

    /**
     * Reads {@code n} ids (kept for {@link #copyIds}) and gives their slots no bytes: for vectors bound to
     * the dictionary ({@link Vector#bindDictionary}).
     */
    void idsOnly(int[] offsets, int at, int n) {
      ids(n);
      Arrays.fill(offsets, at + 1, at + n + 1, offsets[at]);
    }

    @Override
    void binaries(Vector v, int at, int n) {
      int[] s = ids(n);
      byte[] dictData = dictBinary.data();
      int[] dictOffsets = dictBinary.offsets();
      int[] offsets = v.offsets();
      int start = offsets[at];
      // room for all n values first, so the copy loop checks no capacity: n of the longest when that is little
      // (most dictionaries: no pass over the ids), else the bytes of these n values counted
      long end = start + (long) n * dictLongest;
      if ((long) n * dictLongest > ROOM_WITHOUT_COUNTING) {
        end = start;
        for (int i = 0; i < n; i++) {
          end += dictOffsets[s[i] + 1] - dictOffsets[s[i]];
        }
      }
      v.ensureDataCapacity(batchBytes(end + SHORT_COPY, n));
      byte[] data = v.data();
      int out = start;
      for (int i = 0; i < n; i++) {
        int from = dictOffsets[s[i]];
        int length = dictOffsets[s[i] + 1] - from;
        if (length <= SHORT_COPY) {
          // short strings, the common case of dictionary pages: two 8-byte moves (the bytes past the value
          // land in the slack both arrays keep, and the next value overwrites them) cost a third of a call
          // to arraycopy
          LittleEndian.LONG.set(data, out, (long) LittleEndian.LONG.get(dictData, from));
          LittleEndian.LONG.set(data, out + 8, (long) LittleEndian.LONG.get(dictData, from + 8));
        } else {
          System.arraycopy(dictData, from, data, out, length);
        }
        out += length;
        offsets[at + i + 1] = out;
      }
    }
  }

  /**
   * RLE booleans (data pages v2): a 4-byte length, then RLE / bit-packed runs of bit width 1, decoded by {@link
   * HybridDecoder} in the batch's slices (parquet-column's reader allocates a bit-packed run's claimed length before
   * reading it).
   */
  static final class RleBooleans extends ValueDecoder {
    private final HybridDecoder runs = new HybridDecoder();
    private int[] scratch = new int[0];

    void init(byte[] bytes, int from, int to) {
      if (to - from < 4) {
        throw truncated("RLE booleans");
      }
      int length = (int) LittleEndian.INT.get(bytes, from);
      if (length < 0 || length > to - from - 4) {
        throw truncated("RLE booleans");
      }
      runs.init(bytes, from + 4, from + 4 + length, 1);
    }

    @Override
    void booleans(boolean[] out, int at, int n) {
      if (scratch.length < n) {
        scratch = new int[n]; // n is a batch's or a level window's values at most
      }
      runs.read(scratch, 0, n);
      for (int i = 0; i < n; i++) {
        out[at + i] = scratch[i] != 0;
      }
    }

    private static ParquetDecodingException notBoolean(String what) {
      return new ParquetDecodingException(what + " values cannot be RLE-encoded");
    }

    @Override
    void ints(int[] out, int at, int n) {
      throw notBoolean("INT32");
    }

    @Override
    void longs(long[] out, int at, int n) {
      throw notBoolean("INT64");
    }

    @Override
    void doubles(double[] out, int at, int n) {
      throw notBoolean("DOUBLE");
    }

    @Override
    void int96(long[] nanos, int[] days, int at, int n) {
      throw notBoolean("INT96");
    }

    @Override
    void binaries(Vector v, int at, int n) {
      throw notBoolean("BYTE_ARRAY");
    }
  }

  /** Any other encoding, through parquet-column's {@link ValuesReader}, one value at a time. */
  static final class Fallback extends ValueDecoder {
    private final ColumnDescriptor descriptor;
    private ValuesReader reader;

    // reader is set by init(), which the reader calls for every page before decoding it
    @SuppressWarnings("NullAway.Init")
    Fallback(ColumnDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    void init(Encoding encoding, byte[] bytes, int from, int to, int valueCount) {
      try {
        reader = encoding.getValuesReader(descriptor, ValuesType.VALUES);
      } catch (UnsupportedOperationException e) {
        throw new UnsupportedParquetException("a page of " + descriptor + " uses the encoding " + encoding
            + ", which this reader does not decode");
      }
      try {
        reader.initFromPage(valueCount, ByteBufferInputStream.wrap(ByteBuffer.wrap(bytes, from, to - from).slice()));
      } catch (IOException e) {
        throw new ParquetDecodingException("cannot read " + encoding + " page of " + descriptor, e);
      }
    }

    @Override
    void ints(int[] out, int at, int n) {
      for (int i = 0; i < n; i++) {
        out[at + i] = reader.readInteger();
      }
    }

    @Override
    void longs(long[] out, int at, int n) {
      for (int i = 0; i < n; i++) {
        out[at + i] = reader.readLong();
      }
    }

    @Override
    void doubles(double[] out, int at, int n) {
      PrimitiveTypeName type = descriptor.getPrimitiveType().getPrimitiveTypeName();
      for (int i = 0; i < n; i++) {
        if (type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
          byte[] half = reader.readBytes().getBytes();
          if (half.length != 2) {
            throw new ParquetDecodingException("FLOAT16 value of " + half.length + " bytes");
          }
          out[at + i] = halfToDouble(half[0] & 0xff | (half[1] & 0xff) << 8);
        } else {
          out[at + i] = type == PrimitiveTypeName.FLOAT ? reader.readFloat() : reader.readDouble();
        }
      }
    }

    @Override
    void booleans(boolean[] out, int at, int n) {
      for (int i = 0; i < n; i++) {
        out[at + i] = reader.readBoolean();
      }
    }

    @Override
    void int96(long[] nanos, int[] days, int at, int n) {
      for (int i = 0; i < n; i++) {
        byte[] twelve = reader.readBytes().getBytes();
        if (twelve.length != 12) {
          throw new ParquetDecodingException("INT96 value of " + twelve.length + " bytes");
        }
        nanos[at + i] = (long) LittleEndian.LONG.get(twelve, 0);
        days[at + i] = (int) LittleEndian.INT.get(twelve, 8);
      }
    }

    @Override
    void binaries(Vector v, int at, int n) {
      int[] offsets = v.offsets();
      int out = offsets[at];
      for (int i = 0; i < n; i++) {
        Binary value = reader.readBytes();
        int length = value.length();
        v.ensureDataCapacity(out + length);
        ByteBuffer bb = value.toByteBuffer();
        bb.get(v.data(), out, length);
        out += length;
        offsets[at + i + 1] = out;
      }
    }
  }
}
