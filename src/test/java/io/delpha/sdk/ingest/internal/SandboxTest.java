package io.delpha.sdk.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.ingest.AppIsolation;
import io.delpha.sdk.ingest.AppLimits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The app sandbox's two levels, as processes")
class SandboxTest {

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  Run run(Sandbox sandbox, AppLimits limits, String script) throws Exception {
    Path runDir = Files.createTempDirectory(tmp, "run-");
    Path work = Files.createDirectories(runDir.resolve("work"));
    Process p = sandbox.start(runDir, work, List.of("sh", "-c", script), Map.of("DELPHA_PROTOCOL", "1"), limits);
    p.getOutputStream().close();
    String err;
    String out;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Sandbox.deleteTree(runDir);
    return new Run(p.exitValue(), out, err);
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
}
