package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Decodes Parquet's RLE / bit-packing hybrid encoding (repetition and definition levels, dictionary ids)
 * in bulk into an {@code int[]}, over a byte array without copying. parquet-column's own decoder returns
 * one value per call and allocates a buffer per bit-packed run; this one reuses its buffers. Not
 * thread-safe; one per column.
 */
final class HybridDecoder {

  private static final int MAX_PACKED_BYTES = 32;

  // set by init(), which every user calls before decoding
  @SuppressWarnings("NullAway.Init")
  private byte[] bytes;
  private int pos;
  private int end;
  private int bitWidth;
  private int byteWidth;
  private long mask;

  private boolean rle;
  private int runLeft;
  private int rleValue;
  private final int[] group = new int[8];
  private int groupPos = 8;
  /** How many values of {@link #group} the data held (8 but for a last group cut short). */
  private int groupEnd = 8;
  private final byte[] padded = new byte[MAX_PACKED_BYTES];

  /**
   * @param bytes the encoded data
   * @param from where the runs start
   * @param to where they end
   * @param bitWidth bits per value, 0 to 32
   */
  void init(byte[] bytes, int from, int to, int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new ParquetDecodingException("invalid bit width " + bitWidth);
    }
    this.bytes = bytes;
    this.pos = from;
    this.end = to;
    this.bitWidth = bitWidth;
    this.mask = (1L << bitWidth) - 1;
    this.byteWidth = (bitWidth + 7) / 8;
    this.runLeft = 0;
    this.groupPos = 8;
    this.groupEnd = 8;
  }

  /**
   * Consumes the next {@code count} values without decoding them when they are all {@code value} within one RLE run
   * (a column's definition levels when no value is null): the caller then knows them without an array.
   *
   * @return whether they were; if not, nothing was consumed (a run may have been started, as {@link #read} would)
   */
  boolean skipRun(int value, int count) {
    if (runLeft == 0) {
      nextRun();
    }
    if (rle && rleValue == value && runLeft >= count) {
      runLeft -= count;
      return true;
    }
    return false;
  }

  /**
   * Counts how many of the first {@code count} values equal {@code value}, then starts over as if just initialised:
   * a page's values present, from its definition levels, before any is decoded. An RLE run is counted whole, a
   * bit-packed run of width 1 a byte at a time, others a group of 8 at a time; no array of the values is made.
   *
   * @return how many of them equal {@code value}
   * @throws ParquetDecodingException if the data ends before {@code count} values
   */
  long countFromStart(int value, int count) {
    int start = pos;
    long equal = 0;
    int left = count;
    while (left > 0) {
      if (runLeft == 0) {
        nextRun();
      }
      int n = Math.min(left, runLeft);
      if (rle) {
        equal += rleValue == value ? n : 0;
      } else {
        int k = 0;
        while (bitWidth == 1 && groupPos == 8 && n - k >= 8 && pos < end) {
          int ones = Integer.bitCount(bytes[pos++] & 0xff);
          equal += value == 1 ? ones : value == 0 ? 8 - ones : 0;
          k += 8;
        }
        while (k < n) {
          if (groupPos == 8) {
            groupEnd = unpack(group, 0);
            groupPos = 0;
          }
          if (groupPos >= groupEnd) {
            throw cutShort();
          }
          equal += group[groupPos++] == value ? 1 : 0;
          k++;
        }
      }
      runLeft -= n;
      left -= n;
    }
    pos = start;
    runLeft = 0;
    groupPos = 8;
    groupEnd = 8;
    return equal;
  }

  /**
   * @param out receives the values
   * @param offset where the first goes
   * @param count how many to decode
   */
  void read(int[] out, int offset, int count) {
    int o = offset;
    int left = count;
    while (left > 0) {
      if (runLeft == 0) {
        nextRun();
      }
      int n = Math.min(left, runLeft);
      if (rle) {
        Arrays.fill(out, o, o + n, rleValue);
      } else {
        int k = 0;
        while (k < n && groupPos < 8) {
          if (groupPos >= groupEnd) {
            throw cutShort();
          }
          out[o + k++] = group[groupPos++];
        }
        // whole groups straight from the page's array: 32 values at a time while the data lasts, then 8
        int fast32 = 4 * bitWidth;
        while (n - k >= 32 && bitWidth > 0 && pos + fast32 <= end) {
          if (pos + fast32 + Long.BYTES <= bytes.length) {
            unpack32(bytes, pos, out, o + k);
          } else {
            unpackValues(bytes, pos, out, o + k, 32);
          }
          pos += fast32;
          k += 32;
        }
        while (n - k >= 8) {
          if (unpack(out, o + k) < 8) {
            throw cutShort();
          }
          k += 8;
        }
        if (k < n) {
          groupEnd = unpack(group, 0);
          groupPos = 0;
          while (k < n) {
            if (groupPos >= groupEnd) {
              throw cutShort();
            }
            out[o + k++] = group[groupPos++];
          }
        }
      }
      runLeft -= n;
      o += n;
      left -= n;
    }
  }

  /**
   * Unpacks the next group of 8 values.
   *
   * @return how many of them the data holds: 8, or fewer for a last group cut short (writers may leave out the
   *     bytes of the padding values after a page's last value, never those of a value)
   */
  private int unpack(int[] out, int at) {
    if (bitWidth == 0) {
      Arrays.fill(out, at, at + 8, 0);
      return 8;
    }
    if (pos >= end) {
      throw cutShort();
    }
    int held = 8;
    if (pos + bitWidth <= end) {
      unpackValues(bytes, pos, out, at, 8);
    } else {
      Arrays.fill(padded, 0, bitWidth, (byte) 0);
      System.arraycopy(bytes, pos, padded, 0, end - pos);
      unpackValues(padded, 0, out, at, 8);
      held = (end - pos) * 8 / bitWidth;
    }
    pos += bitWidth;
    return held;
  }

  /**
   * Unpacks {@code count} values of {@link #bitWidth} bits (1 to 32), least significant bit first, from {@code
   * count * bitWidth / 8} bytes at {@code from}. One loop for every width, where parquet-column generates a
   * packer class per width: a call site that sees 10 widths is recompiled by the JIT each time a new one
   * arrives, in the first files a JVM reads (issue 34).
   */
  private void unpackValues(byte[] in, int from, int[] out, int at, int count) {
    final int w = bitWidth;
    final long m = mask;
    long buf = 0;
    int bits = 0;
    int p = from;
    for (int i = 0; i < count; i++) {
      while (bits < w) {
        buf |= (long) (in[p++] & 0xff) << bits;
        bits += 8;
      }
      out[at + i] = (int) (buf & m);
      buf >>>= w;
      bits -= w;
    }
  }

  /**
   * Unpacks 32 values of {@link #bitWidth} bits (1 to 32) from the {@code 4 * bitWidth} bytes at {@code from}, each
   * from one little-endian 8-byte load at its first byte (a value's bits start at most 7 bits into it and span at
   * most 32, so they are all in it): no inner loop and no branch per value, a loop the JIT compiles small and early.
   * The loads read up to 8 bytes past the values (never past {@code in}, the caller checks); those bits are masked
   * off.
   */
  private void unpack32(byte[] in, int from, int[] out, int at) {
    final int w = bitWidth;
    final long m = mask;
    int bit = 0;
    for (int i = 0; i < 32; i++) {
      long word = (long) LittleEndian.LONG.get(in, from + (bit >>> 3));
      out[at + i] = (int) ((word >>> (bit & 7)) & m);
      bit += w;
    }
  }

  private static ParquetDecodingException cutShort() {
    return new ParquetDecodingException("RLE/bit-packed data ends before its values (fewer levels or ids than "
        + "the page header says)");
  }

  private void nextRun() {
    if (pos >= end) {
      throw cutShort();
    }
    int header = readVarInt();
    if ((header & 1) == 0) {
      rle = true;
      runLeft = header >>> 1;
      int v = 0;
      for (int i = 0; i < byteWidth; i++) {
        if (pos >= end) {
          throw new ParquetDecodingException("RLE run value cut short");
        }
        v |= (bytes[pos++] & 0xff) << (8 * i);
      }
      rleValue = v;
    } else {
      rle = false;
      long values = (long) (header >>> 1) * 8;
      runLeft = (int) Math.min(values, Integer.MAX_VALUE);
      groupPos = 8;
      groupEnd = 8;
    }
    if (runLeft <= 0) {
      throw new ParquetDecodingException("empty or oversized RLE/bit-packed run");
    }
  }

  private int readVarInt() {
    int value = 0;
    int shift = 0;
    while (true) {
      if (pos >= end || shift > 28) {
        throw new ParquetDecodingException("malformed RLE/bit-packed run header");
      }
      int b = bytes[pos++] & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
    }
  }
}
