package io.delpha.sdk.parquet.internal;

/**
 * Keeps some rows of a vector, in place: the rows chosen move to the front in whatever representation they were
 * decoded (null flags, dictionary ids, a nested vector's children and their elements included). No value is decoded or
 * copied out; the arrays are not shrunk.
 */
public final class VectorRows {

  private VectorRows() {
  }

  /**
   * Keeps only some of a vector's values: the values at {@code rows[0..count)} move to indexes {@code 0..count)} and
   * the size becomes {@code count}.
   *
   * @param vector the vector
   * @param rows the indexes to keep, strictly ascending, each below the vector's size
   * @param count how many of {@code rows} to use
   * @throws IndexOutOfBoundsException if the indexes are not strictly ascending or not below the size
   */
  public static void keep(Vector vector, int[] rows, int count) {
    requireKept(rows, count, vector.size());
    move(vector, rows, count);
  }

  /**
   * The check of {@link #keep} (and of {@code ColumnBatch.keep}, before it moves any vector's values).
   *
   * @param rows the indexes to keep
   * @param count how many of {@code rows} to use
   * @param size the number of values or rows they index
   * @throws IndexOutOfBoundsException if the indexes are not strictly ascending or not below {@code size}
   */
  static void requireKept(int[] rows, int count, int size) {
    if (count < 0 || count > size || count > rows.length) {
      throw new IndexOutOfBoundsException("keeping " + count + " of " + size + " values");
    }
    int previous = -1;
    for (int j = 0; j < count; j++) {
      int r = rows[j];
      if (r <= previous || r >= size) {
        throw new IndexOutOfBoundsException("row " + r + " after " + previous + " of " + size);
      }
      previous = r;
    }
  }

  /**
   * Moves the values at {@code rows[0..count)} (ascending, checked) to indexes {@code 0..count)}: every row's place
   * in every array the vector fills, whichever representation it was decoded in. A row only ever moves down, so
   * each array is rewritten in place from its front.
   */
  private static void move(Vector v, int[] rows, int count) {
    boolean[] nulls = v.nulls();
    if (nulls != null) {
      for (int j = 0; j < count; j++) {
        nulls[j] = nulls[rows[j]];
      }
    }
    int[] ids = v.dictionaryIds();
    if (ids != null) {
      for (int j = 0; j < count; j++) {
        ids[j] = ids[rows[j]];
      }
    }
    switch (v.physical()) {
      case BOOLEAN -> {
        boolean[] a = v.booleans();
        for (int j = 0; j < count; j++) {
          a[j] = a[rows[j]];
        }
      }
      case INT32, UINT32 -> {
        int[] a = v.ints();
        for (int j = 0; j < count; j++) {
          a[j] = a[rows[j]];
        }
      }
      case INT64, UINT64 -> {
        long[] a = v.longs();
        for (int j = 0; j < count; j++) {
          a[j] = a[rows[j]];
        }
      }
      case INT96 -> {
        int[] days = v.ints();
        long[] nanos = v.longs();
        for (int j = 0; j < count; j++) {
          days[j] = days[rows[j]];
          nanos[j] = nanos[rows[j]];
        }
      }
      case DOUBLE -> {
        double[] a = v.doubles();
        for (int j = 0; j < count; j++) {
          a[j] = a[rows[j]];
        }
      }
      case BINARY -> {
        // offsets[r] and offsets[r + 1] are read before offsets[j + 1] is written; j + 1 <= r + 1 and a later row
        // reads offsets[r'] with r' > r, which is only overwritten when no row before it was dropped (same value)
        int[] offsets = v.offsets();
        byte[] data = v.data();
        int end = offsets[0];
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          int from = offsets[r];
          int length = offsets[r + 1] - from;
          if (from != end) {
            System.arraycopy(data, from, data, end, length);
          }
          end += length;
          offsets[j + 1] = end;
        }
      }
      case LIST, MAP -> {
        // the kept rows' elements, in order, are the children's rows to keep
        int[] offsets = v.offsets();
        int elements = 0;
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          elements += offsets[r + 1] - offsets[r];
        }
        int[] childRows = new int[elements];
        int e = 0;
        int start = offsets[0];
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          int from = offsets[r];
          int to = offsets[r + 1];
          for (int i = from; i < to; i++) {
            childRows[e++] = i;
          }
          offsets[j + 1] = start + e;
        }
        for (int k = 0; k < v.column().type().children().size(); k++) {
          move(v.child(k), childRows, elements);
        }
      }
      case STRUCT -> {
        for (int k = 0; k < v.column().type().children().size(); k++) {
          move(v.child(k), rows, count);
        }
      }
    }
    v.setSize(count);
  }
}
