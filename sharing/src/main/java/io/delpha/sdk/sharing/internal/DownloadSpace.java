package io.delpha.sdk.sharing.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Where one read's data files go: arrays that the workers decode from, each reused from file to file instead of
 * allocated per file, and, for a file larger than {@link #maxFileBytes()}, a spool file on disk. It keeps as many
 * arrays for reuse as the read holds files at once ({@link ParallelBatchReader#filesHeld}). Belongs to one read and
 * is dropped with it.
 * Thread-safe.
 */
public final class DownloadSpace {

  /**
   * Files up to this size are decoded from memory: a read of four connections, holding at most eight files, then
   * stays within 256 MiB of arrays.
   */
  public static final int DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

  private final int maxFileBytes;
  private final int maxKept;
  private final @Nullable Path spoolDirectory;
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private int allocations;

  /**
   * @param maxFileBytes the largest file held in memory
   * @param maxKept how many arrays to keep for reuse (the most files the read holds at once)
   * @param spoolDirectory where larger files are spooled; {@code null} for the system's temporary folder
   */
  public DownloadSpace(int maxFileBytes, int maxKept, @Nullable Path spoolDirectory) {
    this.maxFileBytes = maxFileBytes;
    this.maxKept = maxKept;
    this.spoolDirectory = spoolDirectory;
  }

  /** @return a new, empty spool file, deleted by whoever asked for it */
  Path newSpoolFile() throws IOException {
    return spoolDirectory == null ? Files.createTempFile("delpha-sharing-", ".parquet")
        : Files.createTempFile(spoolDirectory, "delpha-sharing-", ".parquet");
  }

  /** @return the folder spool files are made in (the system's temporary folder unless one was given) */
  Path spoolFolder() {
    return spoolDirectory != null ? spoolDirectory : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** @return the largest file held in memory; larger ones are spooled to disk */
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

  /**
   * @param buffer an array from {@link #take}, no longer used by its taker
   * @throws IllegalStateException if it was given back already and not taken since (two files would then be
   *     downloaded into one array)
   */
  synchronized void give(byte[] buffer) {
    for (byte[] kept : free) {
      if (kept == buffer) {
        throw new IllegalStateException("an array of a read's download space was given back twice");
      }
    }
    if (free.size() < maxKept) {
      free.push(buffer);
    }
  }

  /** @return how many arrays were allocated so far (for tests of reuse) */
  synchronized int allocations() {
    return allocations;
  }
}
