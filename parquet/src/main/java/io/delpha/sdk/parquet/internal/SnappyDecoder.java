package io.delpha.sdk.parquet.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Snappy's raw block format decoded in Java (the format of Parquet's SNAPPY pages; google/snappy's
 * format_description.txt): a varint of the decoded length, then literals and back-references. Faster than
 * snappy-java's native decoder on the pages Parquet writes (plain longs decode into a short literal and a short copy
 * each), because the common elements, a literal or copy of at most 16 bytes, each move as one or two 8-byte loads
 * and stores, and there is no JNI call.
 *
 * <p>Safety: every element is checked before it is applied: a copy's offset must point into what was already
 * decoded, and no element may run past the input or the declared length. Nothing is written outside {@code
 * [outFrom, outFrom + declared)} of the output (the 16-byte moves are used only while 16 bytes of room remain before
 * the declared end), and a stream that does not decode to exactly its declared length is refused. So a hostile page
 * ends in an {@link IOException}, never in bytes written past its page or left undecoded. Held against snappy-java by
 * {@code SnappyDecoderTest}.
 */
final class SnappyDecoder {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** Bytes a fast element may read from its input: a tag, up to 4 offset bytes, a 16-byte literal move. */
  private static final int FAST_INPUT = 21;
  /** Bytes a fast element writes at most. */
  private static final int FAST_OUTPUT = 16;
  /** Output bytes one call of {@link #fast} decodes, about: enough that a call costs nothing, few enough that a
   * page makes hundreds of calls. */
  private static final int CHUNK = 4096;

  private SnappyDecoder() {}

  /**
   * The decoded length a stream declares and the bytes its varint takes, as {@code length << 8 | bytes}.
   *
   * @throws IOException if the varint is truncated or longer than five bytes, or the length exceeds an array's
   */
  private static long header(byte[] in, int from, int length) throws IOException {
    int ip = from;
    int limit = from + length;
    long n = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (ip >= limit) {
        throw new IOException("SNAPPY stream ends within its length");
      }
      int b = in[ip++];
      n |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (n > Integer.MAX_VALUE) {
          break;
        }
        return n << 8 | (ip - from);
      }
    }
    throw new IOException("SNAPPY stream declares an impossible length");
  }

  /**
   * Decodes a raw Snappy stream into {@code out} from {@code outFrom}.
   *
   * @param in the stream
   * @param from its first byte
   * @param length its length
   * @param out the array to decode into; only {@code [outFrom, outFrom + expected)} is written
   * @param outFrom where the decoded bytes start
   * @param expected the decoded length the caller requires (the page header's)
   * @throws IOException if the stream declares another length, does not fit in {@code out}, or is corrupt
   */
  static void decode(byte[] in, int from, int length, byte[] out, int outFrom, int expected) throws IOException {
    long header = header(in, from, length);
    int n = (int) (header >>> 8);
    if (n != expected) {
      throw new IOException("SNAPPY stream declares " + n + " bytes, not " + expected);
    }
    if (outFrom < 0 || n > out.length - outFrom) {
      throw new IOException("SNAPPY stream of " + n + " bytes does not fit its output");
    }
    int ip = from + (int) (header & 0xff);
    int limit = from + length;
    int op = outFrom;
    int outLimit = outFrom + n;
    int fastIn = limit - FAST_INPUT;
    int fastOut = outLimit - FAST_OUTPUT;
    while (ip < limit) {
      if (ip <= fastIn && op <= fastOut) {
        long state = fast(in, ip, fastIn, out, outFrom, op, (int) Math.min(fastOut, (long) op + CHUNK), outLimit);
        int next = (int) (state >>> 32);
        if (next != ip) {
          ip = next;
          op = (int) state;
          continue;
        }
      }
      long state = element(in, ip, limit, out, outFrom, op, outLimit);
      ip = (int) (state >>> 32);
      op = (int) state;
    }
    if (op != outLimit) {
      throw corrupt("the stream decodes to " + (op - outFrom) + " of its " + n + " bytes");
    }
  }

  /**
   * Short elements while there is room for their 16-byte moves on both sides (so only offsets are checked), until
   * {@code opStop} or an element that is not short. A chunk at a time, so that the method is called often enough to
   * be compiled with its whole profile (a loop over a whole page is compiled on stack from a partial one, which the
   * next file's pages then throw away).
   *
   * @return the positions after, as {@code ip << 32 | op}; {@code ip} unchanged when the first element is not short
   */
  private static long fast(byte[] in, int ip, int fastIn, byte[] out, int outFrom, int op, int opStop, int outLimit)
      throws IOException {
    while (ip <= fastIn && op <= opStop) {
      int tag = in[ip] & 0xff;
      int kind = tag & 3;
      int len;
      int offset;
      if (kind == 1) {
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | (in[ip + 1] & 0xff);
        ip += 2;
      } else if (kind == 0) {
        len = (tag >>> 2) + 1;
        if (len > FAST_OUTPUT) {
          break;
        }
        LONG.set(out, op, (long) LONG.get(in, ip + 1));
        if (len > 8) {
          LONG.set(out, op + 8, (long) LONG.get(in, ip + 9));
        }
        ip += 1 + len;
        op += len;
        continue;
      } else if (kind == 2) {
        len = (tag >>> 2) + 1;
        offset = (in[ip + 1] & 0xff) | (in[ip + 2] & 0xff) << 8;
        ip += 3;
      } else {
        len = (tag >>> 2) + 1;
        offset = (int) INT.get(in, ip + 1);
        ip += 5;
      }
      if (len <= FAST_OUTPUT && offset >= 8 && offset <= op - outFrom) {
        int src = op - offset;
        LONG.set(out, op, (long) LONG.get(out, src));
        if (len > 8) {
          LONG.set(out, op + 8, (long) LONG.get(out, src + 8));
        }
        op += len;
      } else {
        op = copy(out, outFrom, op, outLimit, offset, len);
      }
    }
    return (long) ip << 32 | op;
  }

  /** One element of any kind, every length checked against what is left: returns {@code ip << 32 | op} after it. */
  private static long element(byte[] in, int ip, int limit, byte[] out, int outFrom, int op, int outLimit)
      throws IOException {
    int tag = in[ip++] & 0xff;
    int kind = tag & 3;
    if (kind == 0) {
      int len = (tag >>> 2) + 1;
      if (len > 60) {
        int bytes = len - 60;
        if (bytes > limit - ip) {
          throw corrupt("a literal's length is cut off");
        }
        long l = 0;
        for (int k = 0; k < bytes; k++) {
          l |= (long) (in[ip + k] & 0xff) << (8 * k);
        }
        ip += bytes;
        if (l + 1 > Integer.MAX_VALUE) {
          throw corrupt("a literal runs past the stream");
        }
        len = (int) l + 1;
      }
      if (len > limit - ip || len > outLimit - op) {
        throw corrupt("a literal runs past the stream or its declared length");
      }
      System.arraycopy(in, ip, out, op, len);
      return (long) (ip + len) << 32 | (op + len);
    }
    int len = kind == 1 ? ((tag >>> 2) & 7) + 4 : (tag >>> 2) + 1;
    int extra = kind == 1 ? 1 : kind == 2 ? 2 : 4;
    if (extra > limit - ip) {
      throw corrupt("a copy's offset is cut off");
    }
    int offset = kind == 1 ? ((tag >>> 5) << 8) | (in[ip] & 0xff)
        : kind == 2 ? (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8
        : (int) INT.get(in, ip);
    return (long) (ip + extra) << 32 | copy(out, outFrom, op, outLimit, offset, len);
  }

  /** A back-reference of any offset and length, checked: returns the output position after it. */
  private static int copy(byte[] out, int outFrom, int op, int outLimit, int offset, int len) throws IOException {
    if (offset <= 0 || offset > op - outFrom) {
      throw corrupt("a copy refers to " + (offset <= 0 ? "no byte" : "bytes before the stream's first"));
    }
    if (len > outLimit - op) {
      throw corrupt("a copy runs past the declared length");
    }
    int src = op - offset;
    if (offset >= len) {
      System.arraycopy(out, src, out, op, len);
    } else {
      // overlapping: the pattern repeats, byte by byte
      for (int k = 0; k < len; k++) {
        out[op + k] = out[src + k];
      }
    }
    return op + len;
  }

  private static IOException corrupt(String what) {
    return new IOException("SNAPPY stream is corrupt: " + what);
  }
}
