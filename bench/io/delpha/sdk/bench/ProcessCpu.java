package io.delpha.sdk.bench;

/** The benchmarks' reading of their own JVM's CPU time. */
public final class ProcessCpu {

  private ProcessCpu() {}

  /** @return the CPU time of this whole process so far (every thread: the work, the JIT, the collector), in ns */
  public static long nanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
