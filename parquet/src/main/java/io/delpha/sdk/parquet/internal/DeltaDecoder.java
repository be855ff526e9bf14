package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * The DELTA encodings, decoded as a stream: DELTA_BINARY_PACKED (INT32, INT64), DELTA_LENGTH_BYTE_ARRAY (BYTE_ARRAY)
 * and DELTA_BYTE_ARRAY (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY). parquet-column's readers of them trust the counts in the
 * page's own bytes: DELTA_BINARY_PACKED's header claims a value count and a block shape, and its reader allocates a
 * {@code long} per claimed value (and an {@code int} per claimed miniblock) before reading one; DELTA_BYTE_ARRAY's
 * reader allocates each value's claimed prefix length before checking it against the previous value. This decoder
 * holds eight values of a block at a time, whatever the header claims, and checks every claim against the bytes and
 * the page before using it:
 * <ul>
 *   <li>a header's block shape as the format defines it (a block a multiple of 128 values, miniblocks dividing it
 *       into multiples of 8, as parquet-column accepts), its value count no more than the page's values;</li>
 *   <li>a block's miniblock bit widths present in the bytes (one byte each), each at most 64, and a miniblock's bits
 *       present before they are unpacked;</li>
 *   <li>a byte array's length within the bytes left, a prefix no longer than the previous value.</li>
 * </ul>
 * Values are what parquet-column's readers give for a well-formed page (including the sections' positions: the
 * byte arrays of DELTA_LENGTH_BYTE_ARRAY start where parquet-column's lengths reader stops, after the last
 * miniblock a value needs). Not thread-safe.
 */
final class DeltaDecoder extends ValueDecoder {

  /** What a page holds. */
  enum Kind { PACKED, LENGTH_BYTES, PREFIX_BYTES }

  private final Packed numbers = new Packed();
  private final Packed prefixes = new Packed();
  private final Packed lengths = new Packed();
  private Kind kind = Kind.PACKED;
  // DELTA_LENGTH_BYTE_ARRAY's (and DELTA_BYTE_ARRAY's suffixes') bytes
  @SuppressWarnings("NullAway.Init") // set by init(), which the reader calls for every page before decoding it
  private byte[] bytes;
  private int dataPos;
  private int dataEnd;
  // the value nextValue() made: bytes [valueFrom, valueFrom + valueLength) of valueArray
  private byte[] valueArray = new byte[0];
  private int valueFrom;
  private int valueLength;
  // DELTA_BYTE_ARRAY: the previous value, whose prefix the next one shares
  private byte[] previous = new byte[16];
  private int previousLength;

  /**
   * Starts on a page's values.
   *
   * @param kind its encoding
   * @param bytes the page's bytes
   * @param from where the values start
   * @param to where they end
   * @param values the page's value count (levels, nulls included): no stream may claim more
   * @throws ParquetDecodingException if a stream's header is malformed or claims more values than the page has
   */
  void init(Kind kind, byte[] bytes, int from, int to, int values) {
    this.kind = kind;
    this.bytes = bytes;
    switch (kind) {
      case PACKED -> numbers.init(bytes, from, to, values);
      case LENGTH_BYTES -> {
        lengths.init(bytes, from, to, values);
        dataPos = Packed.end(bytes, from, to);
        dataEnd = to;
      }
      case PREFIX_BYTES -> {
        prefixes.init(bytes, from, to, values);
        int suffixes = Packed.end(bytes, from, to);
        lengths.init(bytes, suffixes, to, values);
        dataPos = Packed.end(bytes, suffixes, to);
        dataEnd = to;
        previousLength = 0;
      }
    }
  }

  private void requireKind(Kind expected, String what) {
    if (kind != expected) {
      throw new ParquetDecodingException(what + " values cannot be read from a " + name(kind) + " page");
    }
  }

  private static String name(Kind kind) {
    return switch (kind) {
      case PACKED -> "DELTA_BINARY_PACKED";
      case LENGTH_BYTES -> "DELTA_LENGTH_BYTE_ARRAY";
      case PREFIX_BYTES -> "DELTA_BYTE_ARRAY";
    };
  }

  @Override
  void ints(int[] out, int at, int n) {
    requireKind(Kind.PACKED, "INT32");
    for (int i = 0; i < n; i++) {
      out[at + i] = (int) numbers.next();
    }
  }

  @Override
  void longs(long[] out, int at, int n) {
    requireKind(Kind.PACKED, "INT64");
    for (int i = 0; i < n; i++) {
      out[at + i] = numbers.next();
    }
  }

  /** FLOAT16 (a FIXED_LEN_BYTE_ARRAY of 2) stored as byte arrays. */
  @Override
  void doubles(double[] out, int at, int n) {
    if (kind == Kind.PACKED) {
      throw new ParquetDecodingException("DOUBLE values cannot be read from a DELTA_BINARY_PACKED page");
    }
    for (int i = 0; i < n; i++) {
      nextValue();
      if (valueLength != 2) {
        throw new ParquetDecodingException("FLOAT16 value of " + valueLength + " bytes");
      }
      out[at + i] = halfToDouble(valueArray[valueFrom] & 0xff | (valueArray[valueFrom + 1] & 0xff) << 8);
    }
  }

  @Override
  void booleans(boolean[] out, int at, int n) {
    throw new ParquetDecodingException("BOOLEAN values cannot be read from a " + name(kind) + " page");
  }

  @Override
  void int96(long[] nanos, int[] days, int at, int n) {
    throw new ParquetDecodingException("INT96 values cannot be read from a " + name(kind) + " page");
  }

  @Override
  void binaries(Vector v, int at, int n) {
    if (kind == Kind.PACKED) {
      throw new ParquetDecodingException("BYTE_ARRAY values cannot be read from a DELTA_BINARY_PACKED page");
    }
    int[] offsets = v.offsets();
    int out = offsets[at];
    for (int i = 0; i < n; i++) {
      nextValue();
      byte[] data = v.data();
      if (out + (long) valueLength > data.length) {
        v.ensureDataCapacity(batchBytes(out + (long) valueLength, n));
        data = v.data();
      }
      System.arraycopy(valueArray, valueFrom, data, out, valueLength);
      out += valueLength;
      offsets[at + i + 1] = out;
    }
  }

  /** Decodes the next byte array into {@link #valueArray}, {@link #valueFrom}, {@link #valueLength}. */
  private void nextValue() {
    int length = (int) lengths.next(); // as parquet-column reads a length: the low 32 bits
    if (length < 0 || length > dataEnd - dataPos) {
      throw new ParquetDecodingException("a " + name(kind) + " value of " + length + " bytes where "
          + (dataEnd - dataPos) + " are left");
    }
    int from = dataPos;
    dataPos += length;
    if (kind == Kind.LENGTH_BYTES) {
      valueArray = bytes;
      valueFrom = from;
      valueLength = length;
      return;
    }
    int prefix = (int) prefixes.next();
    if (prefix < 0 || prefix > previousLength) {
      throw new ParquetDecodingException("a DELTA_BYTE_ARRAY value claims a prefix of " + prefix
          + " bytes of a previous value of " + previousLength);
    }
    long total = (long) prefix + length;
    if (total > LittleEndian.MAX_ARRAY_BYTES) {
      throw new ParquetDecodingException("a DELTA_BYTE_ARRAY value of " + total + " bytes, more than an array holds");
    }
    if (total > previous.length) {
      // the prefix repeats bytes already held: a value grows by its suffix's bytes, which the page holds
      previous = Arrays.copyOf(previous, (int) HeapBudget.grow(total,
          Math.min(LittleEndian.MAX_ARRAY_BYTES, Math.max(total, 2L * previous.length)), "a DELTA_BYTE_ARRAY value"));
    }
    System.arraycopy(bytes, from, previous, prefix, length);
    previousLength = (int) total;
    valueArray = previous;
    valueFrom = 0;
    valueLength = previousLength;
  }

  /**
   * One DELTA_BINARY_PACKED stream, read a value at a time: {@code <block size> <miniblocks> <value count> <first
   * value>}, then blocks of {@code <min delta> <a bit width per miniblock> <miniblocks>}, each miniblock's deltas
   * bit-packed eight at a time, least significant bit first.
   */
  static final class Packed {
    private final long[] group = new long[8];
    @SuppressWarnings("NullAway.Init") // set by init()
    private byte[] b;
    private int pos;
    private int end;
    private int miniblocks;
    private long miniblockValues;
    private long left;
    private boolean first;
    private long last;
    private long minDelta;
    private int[] widths = new int[0];
    private int miniblock;
    private long miniblockLeft;
    private int groupPos;

    /**
     * @param atMost the most values the stream may hold: the page's value count
     * @throws ParquetDecodingException if the header is malformed or claims more than {@code atMost} values
     */
    void init(byte[] bytes, int from, int to, int atMost) {
      b = bytes;
      pos = from;
      end = to;
      Header h = header();
      if (h.values > atMost) {
        throw new ParquetDecodingException("a DELTA_BINARY_PACKED stream claims " + h.values + " values in a page of "
            + atMost);
      }
      miniblocks = h.miniblocks;
      miniblockValues = h.miniblockValues;
      left = h.values;
      first = true;
      last = h.first;
      miniblock = miniblocks - 1;
      miniblockLeft = 0;
      groupPos = 8;
    }

    /** @throws ParquetDecodingException if the stream holds no more values, or its bytes end before the next */
    long next() {
      if (left <= 0) {
        throw new ParquetDecodingException("a DELTA_BINARY_PACKED stream ends before the page's values");
      }
      left--;
      if (first) {
        first = false;
        return last;
      }
      if (groupPos == 8) {
        if (miniblockLeft == 0) {
          if (++miniblock >= miniblocks) {
            blockHeader();
          }
          miniblockLeft = miniblockValues;
        }
        int width = widths[miniblock];
        if (width > end - pos) {
          throw truncated("DELTA_BINARY_PACKED values");
        }
        unpack8(b, pos, width, group);
        pos += width;
        miniblockLeft -= 8;
        groupPos = 0;
      }
      last += minDelta + group[groupPos++];
      return last;
    }

    private void blockHeader() {
      minDelta = zigzag(varint(b, this));
      if (miniblocks > end - pos) {
        throw truncated("a DELTA_BINARY_PACKED block's bit widths");
      }
      if (widths.length < miniblocks) {
        widths = new int[miniblocks]; // at most the bytes left: one per miniblock
      }
      for (int i = 0; i < miniblocks; i++) {
        widths[i] = b[pos++] & 0xff;
        if (widths[i] > 64) {
          throw new ParquetDecodingException("a DELTA_BINARY_PACKED miniblock of bit width " + widths[i]);
        }
      }
      miniblock = 0;
    }

    private record Header(long values, int miniblocks, long miniblockValues, long first) {}

    private Header header() {
      long blockValues = varint(b, this);
      long miniblockCount = varint(b, this);
      long values = varint(b, this);
      long firstValue = zigzag(varint(b, this));
      if (blockValues <= 0 || blockValues % 128 != 0 || miniblockCount <= 0 || blockValues % miniblockCount != 0
          || blockValues / miniblockCount % 8 != 0 || miniblockCount > Integer.MAX_VALUE || values < 0) {
        throw new ParquetDecodingException("a DELTA_BINARY_PACKED header of blocks of " + blockValues + " values in "
            + miniblockCount + " miniblocks (a multiple of 128 values in miniblocks of a multiple of 8) and " + values
            + " values");
      }
      return new Header(values, (int) miniblockCount, blockValues / miniblockCount, firstValue);
    }

    /**
     * @return where the stream starting at {@code from} ends, as parquet-column's reader consumes it: after the
     *     header and, block by block, the miniblocks its values need (whole)
     * @throws ParquetDecodingException if the bytes end first
     */
    static int end(byte[] bytes, int from, int to) {
      Packed walk = new Packed();
      walk.b = bytes;
      walk.pos = from;
      walk.end = to;
      Header h = walk.header();
      long buffered = 1; // the first value, in the header (parquet-column counts it even in a stream of none)
      while (buffered < h.values) {
        varint(bytes, walk);
        if (h.miniblocks > walk.end - walk.pos) {
          throw truncated("a DELTA_BINARY_PACKED block's bit widths");
        }
        int widthsAt = walk.pos;
        walk.pos += h.miniblocks;
        for (int i = 0; i < h.miniblocks && buffered < h.values; i++) {
          int width = bytes[widthsAt + i] & 0xff;
          if (width > 64) {
            throw new ParquetDecodingException("a DELTA_BINARY_PACKED miniblock of bit width " + width);
          }
          long groups = h.miniblockValues / 8;
          if (width > 0 && groups > (walk.end - walk.pos) / width) {
            throw truncated("DELTA_BINARY_PACKED values");
          }
          walk.pos += (int) (groups * width);
          buffered = h.miniblockValues >= h.values - buffered ? h.values : buffered + h.miniblockValues;
        }
      }
      return walk.pos;
    }

    /** Unpacks 8 values of {@code width} bits (0 to 64) from the {@code width} bytes at {@code from}. */
    private static void unpack8(byte[] in, int from, int width, long[] out) {
      if (width == 0) {
        Arrays.fill(out, 0);
        return;
      }
      for (int i = 0; i < 8; i++) {
        long value = 0;
        int bit = i * width;
        int got = 0;
        while (got < width) {
          int shift = bit & 7;
          int take = Math.min(8 - shift, width - got);
          long bits = (in[from + (bit >>> 3)] & 0xff) >>> shift & (1 << take) - 1;
          value |= bits << got;
          got += take;
          bit += take;
        }
        out[i] = value;
      }
    }

    /** An unsigned LEB128 varint of at most 10 bytes, at {@code stream.pos}. */
    private static long varint(byte[] in, Packed stream) {
      long value = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (stream.pos >= stream.end) {
          throw truncated("a DELTA_BINARY_PACKED varint");
        }
        int v = in[stream.pos++] & 0xff;
        value |= (long) (v & 0x7f) << shift;
        if ((v & 0x80) == 0) {
          return value;
        }
      }
      throw new ParquetDecodingException("a DELTA_BINARY_PACKED varint longer than 10 bytes");
    }

    private static long zigzag(long v) {
      return v >>> 1 ^ -(v & 1);
    }
  }
}
