package io.delpha.sdk.parquet.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.jspecify.annotations.Nullable;

/**
 * The statistics of the page a column encoder is writing: min, max and null count in the order of the column's type,
 * found in a tight loop per batch of values (a NaN counts, as the largest double, as in parquet-column) and handed to
 * parquet-column's {@link Statistics} twice per batch, not once per value. STRING and BYTES bounds are in unsigned byte
 * order ({@link #less}), which the encoder finds over a page's first sight of each dictionary entry; a decimal's
 * fixed-length bytes go to the type's comparator. One per column encoder, {@link #reset} per page.
 */
final class PageStatistics {

  private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final PrimitiveType type;
  private Statistics<?> stats;

  PageStatistics(PrimitiveType type) {
    this.type = type;
    this.stats = Statistics.createStats(type);
  }

  /** Starts a page. */
  void reset() {
    stats = Statistics.createStats(type);
  }

  /**
   * @param nulls the page's nulls
   * @return the page's statistics, the nulls counted
   */
  Statistics<?> finish(int nulls) {
    stats.incrementNumNulls(nulls);
    return stats;
  }

  /** The bounds of {@code a[from .. from+m)} but where {@code skip} is set. */
  void longs(long[] a, int from, int m, boolean @Nullable [] skip) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean any = false;
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        long x = a[i];
        min = Math.min(min, x);
        max = Math.max(max, x);
        any = true;
      }
    }
    if (any) {
      stats.updateStats(min);
      stats.updateStats(max);
    }
  }

  /** The bounds of {@code a[from .. from+m)} but where {@code skip} is set. */
  void ints(int[] a, int from, int m, boolean @Nullable [] skip) {
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    boolean any = false;
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        int x = a[i];
        min = Math.min(min, x);
        max = Math.max(max, x);
        any = true;
      }
    }
    if (any) {
      stats.updateStats(min);
      stats.updateStats(max);
    }
  }

  /** The bounds of {@code a[from .. from+m)} but where {@code skip} is set, in {@code Double.compare}'s order. */
  void doubles(double[] a, int from, int m, boolean @Nullable [] skip) {
    double min = 0;
    double max = 0;
    boolean any = false;
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        double x = a[i];
        if (!any) {
          min = x;
          max = x;
          any = true;
        } else {
          // the total order parquet-column's DOUBLE comparator uses (Double.compare)
          min = Double.compare(x, min) < 0 ? x : min;
          max = Double.compare(x, max) > 0 ? x : max;
        }
      }
    }
    if (any) {
      stats.updateStats(min);
      stats.updateStats(max);
    }
  }

  /** Booleans seen: {@code false} and {@code true} are the bounds when seen. */
  void booleans(boolean sawFalse, boolean sawTrue) {
    if (sawFalse) {
      stats.updateStats(false);
    }
    if (sawTrue) {
      stats.updateStats(true);
    }
  }

  /** Fixed-length values (a decimal's two's complement, signed big-endian), through the type's comparator. */
  void fixedBinaries(byte[] data, int[] offsets, int from, int m, boolean @Nullable [] skip) {
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        stats.updateStats(Binary.fromReusedByteArray(data, offsets[i], offsets[i + 1] - offsets[i]));
      }
    }
  }

  /** The least and greatest values of a batch in unsigned byte order, found by the caller ({@link #less}). */
  void binaryBounds(byte[] data, int[] offsets, int minAt, int maxAt) {
    stats.updateStats(Binary.fromReusedByteArray(data, offsets[minAt], offsets[minAt + 1] - offsets[minAt]));
    stats.updateStats(Binary.fromReusedByteArray(data, offsets[maxAt], offsets[maxAt + 1] - offsets[maxAt]));
  }

  /** Unsigned byte order, the order of STRING and BYTES statistics: whether value {@code a} is below value {@code b}. */
  static boolean less(byte[] data, int[] offsets, int a, int b) {
    return compareUnsigned(data, offsets[a], offsets[a + 1], offsets[b], offsets[b + 1]) < 0;
  }

  /**
   * {@code Arrays.compareUnsigned} of two ranges of one array, eight bytes at a time as big-endian longs (what
   * unsigned byte order is), then byte by byte: short values (names, codes) cost a few loads, not the set-up of a
   * vectorised mismatch.
   */
  static int compareUnsigned(byte[] data, int aFrom, int aTo, int bFrom, int bTo) {
    int aLength = aTo - aFrom;
    int bLength = bTo - bFrom;
    int n = Math.min(aLength, bLength);
    int k = 0;
    for (; k + 8 <= n; k += 8) {
      long x = (long) BIG_ENDIAN_LONG.get(data, aFrom + k);
      long y = (long) BIG_ENDIAN_LONG.get(data, bFrom + k);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; k < n; k++) {
      int c = (data[aFrom + k] & 0xff) - (data[bFrom + k] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(aLength, bLength);
  }
}
