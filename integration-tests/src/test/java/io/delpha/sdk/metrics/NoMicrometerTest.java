package io.delpha.sdk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.CassandraServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is an optional dependency: a host without it loads and runs every instrumented component. Proven in a
 * child JVM whose class path is this one minus every Micrometer jar.
 */
@Tag("process")
@DisplayName("The library without Micrometer on the class path")
class NoMicrometerTest {

  @TempDir Path tmp;

  @Test
  @DisplayName("ingestion, the upload endpoint and key checks run; Metrics.micrometer says what is missing")
  void runsWithoutMicrometer() throws Exception {
    List<String> full = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    List<String> without = full.stream()
        .filter(e -> !e.contains(File.separator + "io" + File.separator + "micrometer" + File.separator))
        .filter(e -> !e.contains("java-driver-metrics-micrometer")).toList();
    assertThat(full.size() - without.size()).as("Micrometer jars removed").isGreaterThanOrEqualTo(4);

    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", String.join(File.pathSeparator, without), NoMicrometerMain.class.getName(), server.host(),
        String.valueOf(server.port()), server.localDatacenter(), tmp.toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    List<String> lines = output.lines().filter(l -> !l.isBlank() && Character.isUpperCase(l.charAt(0))
        && !l.contains(" INFO ") && !l.contains(" WARN ")).toList();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(lines).as(output).contains("NO MICROMETER", "UPLOADED 1", "INGESTED 3 REJECTED 1",
        "AUTHENTICATED nomicro-org", "DENIED", "DONE");
    assertThat(lines).as(output).contains("METRICS Metrics[none] enabled=false");
    assertThat(output).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
  }
}
