package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.CassandraServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JShell startup script of examples/jshell, run non-interactively in a real {@code jshell}: it loads
 * without an error and its helpers reach the harness's Cassandra through the library's API.
 */
@Tag("process")
class JShellStartupTest {

  @Test
  void startupScriptImportsTheApiAndItsHelpersWork() throws Exception {
    Path script = Path.of("examples/jshell/delpha.jsh");
    assertThat(script).exists();
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    ProcessBuilder pb = new ProcessBuilder(List.of(jshell.toString(), "--class-path",
        System.getProperty("java.class.path"), "-R-Dlogback.configurationFile=io/delpha/sdk/cli/logback-cli.xml",
        "--startup", "DEFAULT", "--startup", script.toString())).redirectErrorStream(true);
    Path log = Files.createTempFile("jshell", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(("""
          var cass = connect("%s", %d);
          System.out.println("SYSTEM_SCHEMA=" + new DictionaryManager(cass).listKeyspaces(true).contains("system_schema"));
          System.out.println("CQL=" + cass.execute("SELECT release_version FROM system.local").one().getString(0));
          cass.close();
          /exit
          """.formatted(server.host(), server.port())).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("jshell finished").isTrue();
    String out = Files.readString(log);
    assertThat(out).as(out).contains("delpha-data-sdk: API imported").contains("SYSTEM_SCHEMA=true")
        .contains("CQL=5.").doesNotContain("Error:").doesNotContain("cannot find symbol");
  }
}
