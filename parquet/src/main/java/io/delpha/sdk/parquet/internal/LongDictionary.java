package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/**
 * The writer's dictionary of a column of 4- or 8-byte values (INT32, INT64, DOUBLE bits): an open-addressing table over
 * primitive arrays, the values in the order of their ids. One per column encoder, cleared per column chunk.
 */
final class LongDictionary {
  private final int width;
  private long[] values = new long[1024];
  private int[] table = new int[2048];
  int size;

  LongDictionary(int width) {
    this.width = width;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(table, 0);
    }
    size = 0;
  }

  int bytes() {
    return size * width;
  }

  int idOf(long v) {
    int mask = table.length - 1;
    int slot = (int) ((v * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    while (true) {
      int e = table[slot];
      if (e == 0) {
        return insert(v, slot);
      }
      if (values[e - 1] == v) {
        return e - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private int insert(long v, int slot) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size] = v;
    table[slot] = ++size;
    if (size * 2 > table.length) {
      rehash();
    }
    return size - 1;
  }

  private void rehash() {
    table = new int[table.length * 2];
    int mask = table.length - 1;
    for (int id = 0; id < size; id++) {
      int slot = (int) ((values[id] * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = id + 1;
    }
  }

  void appendPlain(int id, GrowableBytes out) {
    out.ensure(width);
    if (width == 4) {
      LittleEndian.INT.set(out.bytes, out.length, (int) values[id]);
    } else {
      LittleEndian.LONG.set(out.bytes, out.length, values[id]);
    }
    out.length += width;
  }

  BytesInput page() {
    GrowableBytes out = new GrowableBytes();
    for (int id = 0; id < size; id++) {
      appendPlain(id, out);
    }
    return BytesInput.from(out.bytes, 0, out.length);
  }
}
