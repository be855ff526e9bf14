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
 * <p>How memory, processes and CPU are enforced depends on the machine ({@link BatchIngestor#appLimitEnforcement()}): with a
 * cgroup per run (Linux, as root or with a delegated hierarchy) each is what the run's processes use together, alone;
 * elsewhere, per-process {@code ulimit}s that a JVM or V8 app must be configured for (docs/ingest-apps.md, "Sandbox").
 *
 * @param wallClock how long one run may take
 * @param maxOutputBytes bytes the app may write to standard output (and the largest file it may write; in {@link
 *     AppIsolation#NAMESPACES}, also what its {@code /work} and {@code /tmp} may hold together)
 * @param maxRows rows (and bad records) it may report
 * @param maxLineBytes the longest line of output
 * @param memoryBytes memory: with a cgroup, the memory the run's processes hold together (resident memory, page
 *     cache, their tmpfs files; no swap), past which the kernel kills one of them and the file fails with "memory
 *     limit of N MiB reached"; a JVM inside sizes its heap from it by itself. Without one, each process's address
 *     space ({@code RLIMIT_AS}, else {@code RLIMIT_DATA}): every reservation counts, so a JVM must be started with
 *     small reservations
 * @param maxProcesses processes and threads the run may have at once: with a cgroup, the run's own ({@code
 *     pids.max}); without one, in {@link AppIsolation#NAMESPACES}, {@code RLIMIT_NPROC}, which Linux counts per user
 *     id across the machine (every run's processes as {@code nobody} together); in {@link AppIsolation#LIMITS_ONLY}
 *     not enforced
 * @param stderrBytes how much of its standard error is kept per file (the end of it)
 * @param cpus the CPU time the run may use per second of wall clock, in cores (0.5: half a core), with a cgroup
 *     ({@code cpu.max} or {@code cpu.cfs_quota_us}); a run past it is slowed, not killed. Without a cgroup not
 *     enforced (only the wall clock bounds a busy loop)
 */
public record AppLimits(Duration wallClock, long maxOutputBytes, long maxRows, int maxLineBytes, long memoryBytes,
    int maxProcesses, int stderrBytes, double cpus) {

  /** Checks that every bound is positive. */
  public AppLimits {
    Objects.requireNonNull(wallClock, "wallClock");
    if (wallClock.isNegative() || wallClock.isZero() || maxOutputBytes < 1 || maxRows < 1 || maxLineBytes < 64
        || memoryBytes < (16 << 20) || maxProcesses < 1 || stderrBytes < 256 || !(cpus >= 0.01 && cpus <= 1024)) {
      throw new InvalidInputException("app limits must be positive (line >= 64 bytes, memory >= 16 MiB, stderr >= "
          + "256 bytes, cpus 0.01 to 1024): " + this);
    }
  }

  /**
   * The limits with one core of CPU.
   *
   * @param wallClock how long one run may take
   * @param maxOutputBytes bytes of standard output
   * @param maxRows rows and bad records
   * @param maxLineBytes the longest line of output
   * @param memoryBytes memory
   * @param maxProcesses processes and threads
   * @param stderrBytes standard error kept
   */
  public AppLimits(Duration wallClock, long maxOutputBytes, long maxRows, int maxLineBytes, long memoryBytes,
      int maxProcesses, int stderrBytes) {
    this(wallClock, maxOutputBytes, maxRows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes, 1.0);
  }

  /**
   * @return 10 minutes, 512 MiB of output, 10 million rows, 1 MiB lines, 1 GiB of memory, 128 processes and
   *     threads, 64 KiB of standard error kept, one core
   */
  public static AppLimits defaults() {
    return new AppLimits(Duration.ofMinutes(10), 512L << 20, 10_000_000, 1 << 20, 1L << 30, 128, 64 << 10, 1.0);
  }

  /**
   * @param cores the CPU limit, in cores (0.01 to 1024)
   * @return a copy with it
   */
  public AppLimits withCpus(double cores) {
    return new AppLimits(wallClock, maxOutputBytes, maxRows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes,
        cores);
  }

  /**
   * @param d the wall-clock limit
   * @return a copy with it
   */
  public AppLimits withWallClock(Duration d) {
    return new AppLimits(d, maxOutputBytes, maxRows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes, cpus);
  }

  /**
   * @param bytes the output limit
   * @param rows the rows limit
   * @return a copy with them
   */
  public AppLimits withOutput(long bytes, long rows) {
    return new AppLimits(wallClock, bytes, rows, maxLineBytes, memoryBytes, maxProcesses, stderrBytes, cpus);
  }

  /**
   * @param bytes the memory limit
   * @param processes the processes limit
   * @return a copy with them
   */
  public AppLimits withMemoryAndProcesses(long bytes, int processes) {
    return new AppLimits(wallClock, maxOutputBytes, maxRows, maxLineBytes, bytes, processes, stderrBytes, cpus);
  }
}
