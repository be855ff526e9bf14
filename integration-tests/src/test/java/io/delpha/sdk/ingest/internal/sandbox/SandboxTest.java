package io.delpha.sdk.ingest.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.ingest.AppIsolation;
import io.delpha.sdk.ingest.AppLimits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.delpha.sdk.ingest.AppLimitEnforcement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The app sandbox's two levels, as processes")
class SandboxTest {

  @TempDir Path tmp;

  record Run(int exit, String out, String err, boolean memoryLimitReached, long peakMemory) {}

  Run run(Sandbox sandbox, AppLimits limits, String script) throws Exception {
    return run(sandbox, limits, List.of("sh", "-c", script), List.of());
  }

  /** Runs a command with the named test apps in its folder; the JVM log routing of ProgramApp for java. */
  Run run(Sandbox sandbox, AppLimits limits, List<String> command, List<String> apps) throws Exception {
    Path runDir = Files.createTempDirectory(tmp, "run-");
    Path work = Files.createDirectories(runDir.resolve("work"));
    for (String a : apps) {
      Files.copy(Path.of("integration-tests/src/test/resources/ingest-apps", a), work.resolve(a));
      work.resolve(a).toFile().setReadable(true, false);
    }
    Map<String, String> env = ProgramApp.isJava(command)
        ? Map.of("DELPHA_PROTOCOL", "1", "JAVA_TOOL_OPTIONS", ProgramApp.JVM_LOG_TO_STDERR)
        : Map.of("DELPHA_PROTOCOL", "1");
    try (Sandbox.Run run = sandbox.start(runDir, work, command, env, limits)) {
      Process p = run.process();
      p.getOutputStream().close();
      String err;
      String out;
      try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
        out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
        err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      Sandbox.deleteTree(runDir);
      AppCgroups.Group g = run.group();
      Run result = new Run(p.exitValue(), out, err, run.memoryLimitReached(),
          g == null ? -1 : g.peakMemoryBytes().orElse(-1));
      run.close();
      if (g != null) {
        assertThat(g.dirs().values()).as("the run's group removed").noneMatch(Files::exists);
      }
      return result;
    }
  }

  @Test
  @DisplayName("limits only (any POSIX system): an empty environment, its own folder, memory and file-size limits")
  void limitsOnly() throws Exception {
    Sandbox s = Sandbox.limitsOnly();
    assertThat(s.isolation()).isEqualTo(AppIsolation.LIMITS_ONLY);
    AppLimits limits = AppLimits.defaults().withOutput(1 << 20, 1000).withMemoryAndProcesses(64L << 20, 128);

    Run env = run(s, limits, "env | cut -d= -f1 | sort | tr '\\n' ' '; echo; pwd");
    assertThat(env.exit()).isZero();
    assertThat(env.out().lines().findFirst().orElseThrow().strip().split(" +")).isSubsetOf("DELPHA_PROTOCOL", "PATH",
        "HOME", "TMPDIR", "LANG", "PWD", "OLDPWD", "SHLVL", "_");
    assertThat(env.out()).contains("/work");

    Run memory = run(s, limits, "awk 'BEGIN { s = \"x\"; while (1) s = s s }'");
    assertThat(memory.exit()).as("an allocation past 64 MiB fails").isNotZero();

    Run big = run(s, limits, "head -c 4000000 /dev/zero > big.bin; echo status $?; wc -c < big.bin");
    assertThat(Long.parseLong(big.out().lines().reduce((a, b) -> b).orElseThrow().strip()))
        .as("a file is cut at the output limit").isLessThanOrEqualTo(1 << 20);
  }

  @Test
  @DisplayName("the level this machine gives runs the same programs; with namespaces, as nobody, without network")
  void detected() throws Exception {
    Sandbox s = Sandbox.detect();
    Run r = run(s, AppLimits.defaults(), "echo hello; id -u; cat /proc/net/dev | grep -c ':'");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("hello");
    if (s.isolation() == AppIsolation.NAMESPACES) {
      List<String> lines = r.out().lines().toList();
      assertThat(lines.get(1)).as("uid").isIn("65534", "0");
      assertThat(Integer.parseInt(lines.get(2).strip())).as("network interfaces: loopback only").isEqualTo(1);
    }
  }

  /** The tests below are about a cgroup per run: where none can be had, the documented fallback is checked instead. */
  static boolean cgroupsOrFallback(Sandbox s) {
    if (s.cgroups() != null) {
      assertThat(s.enforcement().memory()).isIn(AppLimitEnforcement.Mechanism.CGROUP_V1, AppLimitEnforcement.Mechanism.CGROUP_V2);
      return true;
    }
    assertThat(s.enforcement().memory()).isEqualTo(AppLimitEnforcement.Mechanism.RLIMIT);
    assertThat(s.enforcement().cpu()).isNull();
    return false;
  }

  @Test
  @DisplayName("a cgroup per run: `java Threads.java` with no flags starts 40 threads, its heap sized within the run's "
      + "memory, nothing but its own line on stdout; the group's peak within the limit; no group left")
  void jvmAppStartsWithItsDefaults() throws Exception {
    Sandbox s = Sandbox.detect();
    if (!cgroupsOrFallback(s)) {
      return;
    }
    AppLimits limits = AppLimits.defaults().withMemoryAndProcesses(512L << 20, 128);
    Run r = run(s, limits, List.of("java", "Threads.java", "40"), List.of("Threads.java"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).as("stdout holds the app's line only").singleElement().satisfies(l -> {
      assertThat(l).startsWith("maxMemory ").contains(" threads 40 ");
      long max = Long.parseLong(l.split(" ")[1]);
      assertThat(max).as("the JVM's heap limit, from the group's memory limit").isPositive()
          .isLessThanOrEqualTo(limits.memoryBytes());
      assertThat(l).as("one core of CPU: the JVM sees one processor").endsWith(" cpus 1");
    });
    assertThat(r.err()).as("JAVA_TOOL_OPTIONS announces itself on stderr").contains("Picked up JAVA_TOOL_OPTIONS");
    assertThat(r.peakMemory()).as("the group's peak memory").isPositive().isLessThanOrEqualTo(limits.memoryBytes());
    assertThat(r.memoryLimitReached()).isFalse();
  }

  @Test
  @DisplayName("a JVM taking native memory is killed by the kernel at the group's limit: typed as such, peak within it")
  void jvmHogIsKilledAtTheLimit() throws Exception {
    Sandbox s = Sandbox.detect();
    if (!cgroupsOrFallback(s)) {
      return;
    }
    AppLimits limits = AppLimits.defaults().withMemoryAndProcesses(192L << 20, 128);
    Run r = run(s, limits, List.of("java", "Hog.java"), List.of("Hog.java"));

    assertThat(r.exit()).as(r.err()).isNotZero();
    assertThat(r.memoryLimitReached()).as("the group's OOM counter").isTrue();
    assertThat(r.err()).contains("hog holds 32 MiB").doesNotContain("hog holds 192 MiB");
    assertThat(r.peakMemory()).isPositive().isLessThanOrEqualTo(limits.memoryBytes());
  }

  @Test
  @DisplayName("a thread bomb holding all of its 64 processes and threads while another run's JVM starts 60 threads")
  void threadBombSpendsOnlyItsOwnProcesses() throws Exception {
    Sandbox s = Sandbox.detect();
    if (!cgroupsOrFallback(s)) {
      return;
    }
    Path runDir = Files.createTempDirectory(tmp, "bomb-");
    Path work = Files.createDirectories(runDir.resolve("work"));
    Files.copy(Path.of("integration-tests/src/test/resources/ingest-apps/ThreadBomb.java"), work.resolve("ThreadBomb.java"));
    work.resolve("ThreadBomb.java").toFile().setReadable(true, false);
    AppLimits bombLimits = AppLimits.defaults().withMemoryAndProcesses(512L << 20, 64);
    Sandbox.Run bombRun;
    try (Sandbox.Run bomb = s.start(runDir, work, List.of("java", "ThreadBomb.java"),
        Map.of("JAVA_TOOL_OPTIONS", ProgramApp.JVM_LOG_TO_STDERR), bombLimits)) {
      bombRun = bomb;
      bomb.process().getOutputStream().close();
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
          bomb.process().getInputStream(), StandardCharsets.UTF_8));
      String held = out.readLine();
      assertThat(held).as("the bomb reports once it cannot start another thread").startsWith("held ");
      assertThat(Integer.parseInt(held.substring(5))).as("its threads, within its own 64").isBetween(1, 64);
      assertThat(bomb.process().isAlive()).as("it holds them").isTrue();

      Run jvm = run(s, AppLimits.defaults(), List.of("java", "Threads.java", "60"), List.of("Threads.java"));

      assertThat(jvm.exit()).as(jvm.err()).isZero();
      assertThat(jvm.out()).contains(" threads 60 ");
      assertThat(bomb.process().isAlive()).as("the bomb still held its threads meanwhile").isTrue();
    }
    assertThat(java.util.Objects.requireNonNull(bombRun.group()).dirs().values()).as("the bomb's group removed")
        .noneMatch(Files::exists);
    assertThat(bombRun.process().isAlive()).isFalse();
    Sandbox.deleteTree(runDir);
  }
}
