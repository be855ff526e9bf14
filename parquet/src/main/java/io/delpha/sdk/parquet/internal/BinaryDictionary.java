package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/**
 * The writer's dictionary of a BINARY column: byte strings kept end to end in one array, in an open-addressing table
 * whose slots hold each entry's hash and id together (one load tells a slot's hash and id, before any of the entry's
 * bytes is read), and which page last met each entry (a value met before on a page cannot move its bounds). One per
 * column encoder, cleared per column chunk.
 */
final class BinaryDictionary {
  private final int fixedLength;
  private byte[] data = new byte[16 * 1024];
  private int[] offsets = new int[1025];
  /** Per slot: 0 if empty, else the entry's hash in the high 32 bits and its id + 1 in the low. */
  private long[] table = new long[2048];
  private int[] lastPage = new int[1024];
  int size;

  BinaryDictionary(int fixedLength) {
    this.fixedLength = fixedLength;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(table, 0);
      Arrays.fill(lastPage, 0);
    }
    size = 0;
  }

  /** @return the PLAIN size of the dictionary page */
  int bytes() {
    return offsets[size] + (fixedLength > 0 ? 0 : 4 * size);
  }

  /** @return whether entry {@code id} is met for the first time on page {@code page} (and marks it met) */
  boolean firstOnPage(int id, int page) {
    if (id >= lastPage.length) {
      lastPage = Arrays.copyOf(lastPage, Math.max(id + 1, lastPage.length * 2));
    }
    if (lastPage[id] == page) {
      return false;
    }
    lastPage[id] = page;
    return true;
  }

  /** Eight bytes at a time, then the tail; mixed so that the low bits spread. */
  private static int hash(byte[] b, int from, int to) {
    long h = 0x9E3779B97F4A7C15L ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LittleEndian.LONG.get(b, i)) * 0xbf58476d1ce4e5b9L;
      h ^= h >>> 31;
    }
    long tail = 0;
    int rest = to - i;
    if (rest > 0 && to - from >= 8) {
      // the last eight bytes as one little-endian long, shifted so that only the rest's remain: the same value
      // as the loop below makes
      tail = (long) LittleEndian.LONG.get(b, to - 8) >>> (8 * (8 - rest));
    } else {
      for (int shift = 0; i < to; i++, shift += 8) {
        tail |= (b[i] & 0xffL) << shift;
      }
    }
    h = (h ^ tail) * 0x94d049bb133111ebL;
    h ^= h >>> 29;
    return (int) h ^ (int) (h >>> 32);
  }

  int idOf(byte[] src, int from, int to) {
    int h = hash(src, from, to);
    long[] t = table;
    int mask = t.length - 1;
    int slot = h & mask;
    int length = to - from;
    while (true) {
      long e = t[slot];
      if (e == 0) {
        return insert(src, from, length, h, slot);
      }
      if ((int) (e >>> 32) == h) {
        int id = (int) e - 1;
        int at = offsets[id];
        if (offsets[id + 1] - at == length && sameBytes(data, at, src, from, length)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private int insert(byte[] src, int from, int length, int h, int slot) {
    if (size + 1 == offsets.length) {
      offsets = Arrays.copyOf(offsets, size * 2 + 1);
    }
    int at = offsets[size];
    if (at + length > data.length) {
      data = Arrays.copyOf(data, Math.max(at + length, data.length * 2));
    }
    System.arraycopy(src, from, data, at, length);
    offsets[size + 1] = at + length;
    table[slot] = (long) h << 32 | (size + 1L);
    size++;
    if (size * 2 > table.length) {
      rehash();
    }
    return size - 1;
  }

  private void rehash() {
    long[] old = table;
    table = new long[old.length * 2];
    int mask = table.length - 1;
    for (long e : old) {
      if (e != 0) {
        int slot = (int) (e >>> 32) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = e;
      }
    }
  }

  void appendPlain(int id, GrowableBytes out) {
    int s = offsets[id];
    int length = offsets[id + 1] - s;
    out.ensure(length + 4);
    if (fixedLength == 0) {
      LittleEndian.INT.set(out.bytes, out.length, length);
      out.length += 4;
    }
    System.arraycopy(data, s, out.bytes, out.length, length);
    out.length += length;
  }

  BytesInput page() {
    GrowableBytes out = new GrowableBytes();
    for (int id = 0; id < size; id++) {
      appendPlain(id, out);
    }
    return BytesInput.from(out.bytes, 0, out.length);
  }

  /** Whether {@code n} bytes at {@code a[aFrom]} and {@code b[bFrom]} are the same, eight at a time. */
  static boolean sameBytes(byte[] a, int aFrom, byte[] b, int bFrom, int n) {
    if (n < 8) {
      for (int k = 0; k < n; k++) {
        if (a[aFrom + k] != b[bFrom + k]) {
          return false;
        }
      }
      return true;
    }
    int k = 0;
    for (; k + 8 <= n; k += 8) {
      if ((long) LittleEndian.LONG.get(a, aFrom + k) != (long) LittleEndian.LONG.get(b, bFrom + k)) {
        return false;
      }
    }
    // the last eight bytes, overlapping those compared (n >= 8)
    return k == n || (long) LittleEndian.LONG.get(a, aFrom + n - 8) == (long) LittleEndian.LONG.get(b, bFrom + n - 8);
  }
}
