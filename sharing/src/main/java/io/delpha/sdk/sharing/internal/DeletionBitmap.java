package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * A deletion vector's bitmap read where it lies: the portable 64-bit Roaring format (Delta's {@code
 * RoaringBitmapArray} after its magic number) walked container by container over the serialized bytes, never
 * expanded into an array of positions. Holding it costs its bytes plus a few words per container, whatever
 * cardinality it claims; reading it is a cursor ({@link #ascending}).
 *
 * <p>Checked when read, in one pass over the bytes (a run container costs its runs, not its positions): every
 * structure within the bytes, bucket and container keys strictly ascending, array values and runs strictly
 * ascending, each container's cardinality what its header says, the total what the descriptor says, and every
 * position below the file's row count when that is known. Anything else is a {@link DataFormatException}: no valid
 * writer (Delta on Spark, delta-rs, Databricks, the RoaringBitmap library) produces it.
 *
 * <p>The format (RoaringBitmap's "portable" specification, all little-endian): the number of 32-bit bitmaps (8
 * bytes); per bitmap its high 32 bits (4 bytes), then a cookie: {@code 12346} followed by the container count (4
 * bytes), or {@code 12347 | (count - 1) << 16} followed by a bit per container marking run containers; per container
 * its key and cardinality - 1 (2 + 2 bytes); the containers' offsets (4 bytes each; absent when there are run
 * containers and fewer than 4 containers), which are redundant and skipped; then the containers: a run container is
 * its run count and (start, length - 1) pairs, a container of more than 4096 values a bitmap of 8 KiB, any other a
 * sorted array of 16-bit values. Immutable; thread-safe; each {@link #ascending} cursor is its own.
 */
final class DeletionBitmap {

  private static final int SERIAL_COOKIE_NO_RUN = 12346;
  private static final int SERIAL_COOKIE = 12347;
  private static final int NO_OFFSET_THRESHOLD = 4;
  private static final int ARRAY_MAX = 4096;
  private static final byte ARRAY = 0;
  private static final byte BITMAP = 1;
  private static final byte RUN = 2;

  private final byte[] bytes;
  /** Per container: its first possible position (the bucket's high 32 bits and the container's 16-bit key). */
  private final long[] base;
  /** Per container: where its data starts in {@link #bytes}. */
  private final int[] data;
  /** Per container: its values (array), its runs (run), 1024 words (bitmap). */
  private final int[] count;
  private final byte[] kind;
  private final int containers;
  private final long cardinality;
  private final long last;

  /**
   * Reads and checks a bitmap.
   *
   * @param bytes holds the bitmap
   * @param start where it starts (after the magic number)
   * @param end where it ends
   * @param rows the data file's rows, {@code -1} if unknown: every position must be below it
   * @param file the data file, for messages
   * @throws DataFormatException if the bytes are not such a bitmap, or name a position at or beyond {@code rows}
   */
  DeletionBitmap(byte[] bytes, int start, int end, long rows, String file) {
    this.bytes = bytes;
    Reader in = new Reader(bytes, start, end, file);
    long buckets = in.int64();
    // each bucket takes at least 8 bytes, each container at least 4 + 2: claims beyond the bytes end here
    if (buckets < 0 || buckets > (end - start) / 8) {
      throw in.corrupt("it claims " + Long.toUnsignedString(buckets) + " bitmaps in " + (end - start) + " bytes");
    }
    int most = (end - start) / 6 + 1;
    long[] bases = new long[Math.min(most, 1024)];
    int[] datas = new int[bases.length];
    int[] counts = new int[bases.length];
    byte[] kinds = new byte[bases.length];
    int n = 0;
    long total = 0;
    long previous = -1;
    long high = -1;
    for (long b = 0; b < buckets; b++) {
      long h = in.int32() & 0xFFFFFFFFL;
      if (h <= high || h > Integer.MAX_VALUE) {
        throw in.corrupt(h <= high ? "its 32-bit bitmaps are not in ascending order"
            : "it names positions beyond 2^63, which no file has");
      }
      high = h;
      int cookie = in.int32();
      int size;
      boolean runs = (cookie & 0xFFFF) == SERIAL_COOKIE;
      int runFlags = -1;
      if (runs) {
        size = (cookie >>> 16) + 1;
        runFlags = in.skip((size + 7) / 8);
      } else if (cookie == SERIAL_COOKIE_NO_RUN) {
        size = in.int32();
        if (size < 0 || size > 65536) {
          throw in.corrupt("a 32-bit bitmap claims " + Integer.toUnsignedString(size) + " containers");
        }
      } else {
        throw in.corrupt("a 32-bit bitmap starts with the cookie " + cookie + ", neither 12346 nor 12347");
      }
      int header = in.skip(4 * size);
      if (!runs || size >= NO_OFFSET_THRESHOLD) {
        in.skip(4 * size);
      }
      int key = -1;
      for (int c = 0; c < size; c++) {
        int k = in.u16(header + 4 * c);
        int card = in.u16(header + 4 * c + 2) + 1;
        if (k <= key) {
          throw in.corrupt("its containers are not in ascending order");
        }
        key = k;
        if (n == bases.length) {
          int grown = Math.max(n + 1, Math.min(most, bases.length * 2));
          bases = java.util.Arrays.copyOf(bases, grown);
          datas = java.util.Arrays.copyOf(datas, grown);
          counts = java.util.Arrays.copyOf(counts, grown);
          kinds = java.util.Arrays.copyOf(kinds, grown);
        }
        long first = (h << 32) | ((long) k << 16);
        boolean run = runs && (bytes[runFlags + c / 8] & (1 << (c % 8))) != 0;
        long lastHere;
        if (run) {
          int nRuns = in.u16(in.skip(2));
          int at = in.skip(4L * nRuns);
          long sum = 0;
          int end16 = -1;
          for (int r = 0; r < nRuns; r++) {
            int s = in.u16(at + 4 * r);
            int len = in.u16(at + 4 * r + 2);
            if (s <= end16 || s + len > 0xFFFF) {
              throw in.corrupt("a run container's runs overlap, are out of order or pass its end");
            }
            end16 = s + len;
            sum += len + 1;
          }
          if (nRuns == 0 || sum != card) {
            throw in.corrupt("a run container holds " + sum + " positions and its header says " + card);
          }
          kinds[n] = RUN;
          datas[n] = at;
          counts[n] = nRuns;
          lastHere = first + end16;
        } else if (card > ARRAY_MAX) {
          int at = in.skip(8192);
          long bits = 0;
          int top = -1;
          for (int w = 0; w < 1024; w++) {
            long word = in.int64(at + 8 * w);
            bits += Long.bitCount(word);
            if (word != 0) {
              top = w * 64 + 63 - Long.numberOfLeadingZeros(word);
            }
          }
          if (bits != card) {
            throw in.corrupt("a bitmap container holds " + bits + " positions and its header says " + card);
          }
          kinds[n] = BITMAP;
          datas[n] = at;
          counts[n] = 1024;
          lastHere = first + top;
        } else {
          int at = in.skip(2L * card);
          int v = -1;
          for (int i = 0; i < card; i++) {
            int x = in.u16(at + 2 * i);
            if (x <= v) {
              throw in.corrupt("an array container's positions are not strictly ascending");
            }
            v = x;
          }
          kinds[n] = ARRAY;
          datas[n] = at;
          counts[n] = card;
          lastHere = first + v;
        }
        bases[n++] = first;
        total += card;
        previous = lastHere;
        if (rows >= 0 && lastHere >= rows) {
          throw new DataFormatException("the deletion vector of " + file + " deletes the row at position "
              + lastHere + ", and the file has " + rows + " rows");
        }
      }
    }
    // bytes after the last bitmap are left unread, as the RoaringBitmap library leaves them
    this.base = bases;
    this.data = datas;
    this.count = counts;
    this.kind = kinds;
    this.containers = n;
    this.cardinality = total;
    this.last = previous;
  }

  /** @return how many positions it holds */
  long cardinality() {
    return cardinality;
  }

  /** @return its greatest position, {@code -1} if it is empty */
  long last() {
    return last;
  }

  /**
   * @param position a row's position
   * @return whether the bitmap holds it (a binary search over the containers, then within one)
   */
  boolean contains(long position) {
    int lo = 0;
    int hi = containers - 1;
    long key = position & ~0xFFFFL;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (base[mid] < key) {
        lo = mid + 1;
      } else if (base[mid] > key) {
        hi = mid - 1;
      } else {
        return containerHolds(mid, (int) (position & 0xFFFF));
      }
    }
    return false;
  }

  private boolean containerHolds(int c, int low) {
    int at = data[c];
    switch (kind[c]) {
      case BITMAP:
        return (Reader.int64(bytes, at + 8 * (low >>> 6)) & (1L << (low & 63))) != 0;
      case RUN: {
        int lo = 0;
        int hi = count[c] - 1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          int s = Reader.u16(bytes, at + 4 * mid);
          if (low < s) {
            hi = mid - 1;
          } else if (low > s + Reader.u16(bytes, at + 4 * mid + 2)) {
            lo = mid + 1;
          } else {
            return true;
          }
        }
        return false;
      }
      default: {
        int lo = 0;
        int hi = count[c] - 1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          int v = Reader.u16(bytes, at + 2 * mid);
          if (v < low) {
            lo = mid + 1;
          } else if (v > low) {
            hi = mid - 1;
          } else {
            return true;
          }
        }
        return false;
      }
    }
  }

  /** @return a cursor over its positions in ascending order: a few words, whatever the cardinality */
  PrimitiveIterator.OfLong ascending() {
    return new PrimitiveIterator.OfLong() {
      private int c = -1;
      /** In the current container: the array index, run index or bitmap word. */
      private int i;
      /** A run's next value and its last; a bitmap word's bits not yet handed out. */
      private long next;
      private long runEnd;
      private long word;
      private boolean ready;
      private long value;

      @Override
      public boolean hasNext() {
        if (!ready) {
          ready = advance();
        }
        return ready;
      }

      @Override
      public long nextLong() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ready = false;
        return value;
      }

      private boolean advance() {
        while (true) {
          if (c >= 0 && c < containers && step()) {
            return true;
          }
          if (++c >= containers) {
            c = containers;
            return false;
          }
          i = 0;
          next = 0;
          runEnd = -1;
          word = kind[c] == BITMAP ? Reader.int64(bytes, data[c]) : 0;
        }
      }

      /** @return whether the current container had another value ({@link #value}) */
      private boolean step() {
        int at = data[c];
        switch (kind[c]) {
          case ARRAY:
            if (i < count[c]) {
              value = base[c] + Reader.u16(bytes, at + 2 * i++);
              return true;
            }
            return false;
          case RUN:
            if (next > runEnd) {
              if (i >= count[c]) {
                return false;
              }
              next = Reader.u16(bytes, at + 4 * i);
              runEnd = next + Reader.u16(bytes, at + 4 * i + 2);
              i++;
            }
            value = base[c] + next++;
            return true;
          default:
            while (word == 0) {
              if (++i >= 1024) {
                return false;
              }
              word = Reader.int64(bytes, at + 8 * i);
            }
            value = base[c] + i * 64L + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            return true;
        }
      }
    };
  }

  /** Little-endian reads within {@code [at, end)}: a read past the end is a {@link DataFormatException}. */
  private static final class Reader {
    private final byte[] b;
    private final int end;
    private final String file;
    private int at;

    Reader(byte[] b, int start, int end, String file) {
      this.b = b;
      this.at = start;
      this.end = end;
      this.file = file;
    }

    /** @return where the {@code n} bytes skipped start */
    int skip(long n) {
      if (n > end - at) {
        throw corrupt("it ends in the middle of a container (" + (end - at) + " bytes left, " + n + " needed)");
      }
      int from = at;
      at += (int) n;
      return from;
    }

    int int32() {
      int from = skip(4);
      return (b[from] & 0xFF) | (b[from + 1] & 0xFF) << 8 | (b[from + 2] & 0xFF) << 16 | (b[from + 3] & 0xFF) << 24;
    }

    long int64() {
      return int64(b, skip(8));
    }

    long int64(int from) {
      return int64(b, from);
    }

    int u16(int from) {
      return u16(b, from);
    }

    static long int64(byte[] b, int from) {
      long v = 0;
      for (int k = 7; k >= 0; k--) {
        v = (v << 8) | (b[from + k] & 0xFF);
      }
      return v;
    }

    static int u16(byte[] b, int from) {
      return (b[from] & 0xFF) | (b[from + 1] & 0xFF) << 8;
    }

    DataFormatException corrupt(String why) {
      return new DataFormatException("the deletion vector of " + file + " is not a valid bitmap: " + why);
    }
  }
}
