package io.delpha.sdk.ingest;

import io.delpha.sdk.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one run of a customer's program app; an app that passes one is killed (its whole process tree)
 * and its file ends in {@code failed/} with the reason and the tail of its standard error.
 *
 * @param wallClock how long one run may take
 * @param maxOutputBytes bytes the app may write to standard output (and the largest file it may write)
 * @param maxRows rows (and bad records) it may report
 * @param maxLineBytes the longest line of output
 * @param memoryBytes memory it may allocate ({@code RLIMIT_DATA}: heap and private mappings)
 * @param maxProcesses processes and threads it may run at once ({@code RLIMIT_NPROC}; with {@link
 *     AppIsolation#LIMITS_ONLY} not enforced)
 * @param stderrBytes how much of its standard error is kept per file (the end of it)
 */
public record AppLimits(Duration wallClock, long maxOutputBytes, long maxRows, int maxLineBytes, long memoryBytes,
    int maxProcesses, int stderrBytes) {

  /** Checks that every bound is positive. */
  public AppLimits {
    Objects.requireNonNull(wallClock, "wallClock");
    if (wallClock.isNegative() || wallClock.isZero() || maxOutputBytes < 1 || maxRows < 1 || maxLineBytes < 64
        || memoryBytes < (16 << 20) || maxProcesses < 1 || stderrBytes < 256) {
      throw new InvalidInputException("app limits must be positive (line >= 64 bytes, memory >= 16 MiB, stderr >= "
          + "256 bytes): " + this);
    }
  }

  /**
   * @return 10 minutes, 512 MiB of output, 10 million rows, 1 MiB lines, 1 GiB of memory, 128 processes and
   *     threads, 64 KiB of standard error kept
   */
  public static AppLimits defaults() {
    return new AppLimits(Duration.ofMinutes(10), 512L << 20, 10_000_000, 1 << 20, 1L << 30, 128, 64 << 10);
  }

  /**
   * @param d the wall-clock limit
   * @return a copy with it
   */
  public AppLimits withWallClock(Duration d) {
    return new AppLimits(d, maxOutputBytes, maxRows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes);
  }

  /**
   * @param bytes the output limit
   * @param rows the rows limit
   * @return a copy with them
   */
  public AppLimits withOutput(long bytes, long rows) {
    return new AppLimits(wallClock, bytes, rows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes);
  }

  /**
   * @param bytes the memory limit
   * @param processes the processes limit
   * @return a copy with them
   */
  public AppLimits withMemoryAndProcesses(long bytes, int processes) {
    return new AppLimits(wallClock, maxOutputBytes, maxRows, maxLineBytes, bytes, processes, stderrBytes);
  }
}
