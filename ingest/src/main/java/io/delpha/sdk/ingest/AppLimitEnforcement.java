package io.delpha.sdk.ingest;

import org.jspecify.annotations.Nullable;

/**
 * How the {@link AppLimits} of each run of a customer's program app are enforced on this machine (docs/ingest-apps.md, "Sandbox"), as {@link
 * BatchIngestor#appLimitEnforcement()} reports it.
 *
 * @param memory how {@link AppLimits#memoryBytes()} is enforced
 * @param processes how {@link AppLimits#maxProcesses()} is enforced; null: not enforced (only the wall clock ends a
 *     fork bomb)
 * @param cpu how {@link AppLimits#cpus()} is enforced; null: not enforced (an app may use every core until its wall
 *     clock)
 */
public record AppLimitEnforcement(Mechanism memory, @Nullable Mechanism processes, @Nullable Mechanism cpu) {

  /** A mechanism that enforces a limit. */
  public enum Mechanism {
    /**
     * A cgroup v2 group per run ({@code memory.max} with no swap, {@code pids.max}, {@code cpu.max}): what the run's
     * processes use together, counted alone, and a run's JVM sizes its heap from it.
     */
    CGROUP_V2,
    /**
     * A cgroup v1 group per run ({@code memory.limit_in_bytes} and {@code memory.memsw.limit_in_bytes}, {@code
     * pids.max}, {@code cpu.cfs_quota_us}): as {@link #CGROUP_V2}.
     */
    CGROUP_V1,
    /**
     * A per-process resource limit set with {@code prlimit}/{@code ulimit}: memory as the address space ({@code
     * RLIMIT_AS}, every mapping and reservation counts, so a JVM or V8 app must state small reservations), processes
     * as {@code RLIMIT_NPROC} (counted per user id across the machine, shared by every run of every customer).
     */
    RLIMIT
  }

  /**
   * @return the same enforcement in the form {@link BatchIngestor#appBounds()} returns
   */
  @SuppressWarnings("deprecation")
  AppBounds asBounds() {
    return new AppBounds(AppBounds.Bound.valueOf(memory.name()),
        processes == null ? null : AppBounds.Bound.valueOf(processes.name()),
        cpu == null ? null : AppBounds.Bound.valueOf(cpu.name()));
  }
}
