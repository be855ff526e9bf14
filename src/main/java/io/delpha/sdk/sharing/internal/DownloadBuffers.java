package io.delpha.sdk.sharing.internal;

import java.util.ArrayDeque;

/**
 * The arrays one read downloads its data files into, so that the workers decode from memory and each worker
 * reuses an array from file to file instead of allocating one per file. A file larger than {@link
 * #maxFileBytes()} is spooled to disk instead, so the read holds at most {@code parallelism} such arrays.
 * Belongs to one read and is dropped with it. Thread-safe.
 */
public final class DownloadBuffers {

  /** Files up to this size are decoded from memory: the arrays of four workers then stay within 128 MiB. */
  public static final int DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

  private final int maxFileBytes;
  private final int maxKept;
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private int allocations;

  /**
   * @param maxFileBytes the largest file held in memory
   * @param maxKept how many arrays to keep for reuse (the read's parallelism)
   */
  public DownloadBuffers(int maxFileBytes, int maxKept) {
    this.maxFileBytes = maxFileBytes;
    this.maxKept = maxKept;
  }

  /** @return the largest file held in memory; larger ones, and files of unknown size, are spooled to disk */
  public int maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * @param size bytes needed, at most {@link #maxFileBytes()}
   * @return an array of at least {@code size} bytes, the caller's until it gives it back
   */
  synchronized byte[] take(int size) {
    byte[] b = free.poll();
    if (b == null || b.length < size) {
      allocations++;
      // some headroom, so that a read of files of similar sizes settles on one array per worker
      b = new byte[(int) Math.min(maxFileBytes, size + (size >> 3))];
    }
    return b;
  }

  /** @param buffer an array from {@link #take}, no longer used by its taker */
  synchronized void give(byte[] buffer) {
    if (free.size() < maxKept) {
      free.push(buffer);
    }
  }

  /** @return how many arrays were allocated so far (for tests of reuse) */
  synchronized int allocations() {
    return allocations;
  }
}
