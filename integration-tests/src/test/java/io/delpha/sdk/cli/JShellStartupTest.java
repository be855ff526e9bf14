package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JShell startup script of examples/jshell, run non-interactively in a real {@code jshell}: it loads
 * without an error, its helpers reach the harness's Cassandra through the library's API, and the session that
 * docs/jshell.md records is what JShell prints, line for line.
 */
@Tag("process")
class JShellStartupTest {

  private static final Path SCRIPT = Path.of("examples/jshell/delpha.jsh");
  private static final Path DOC = Path.of("docs/jshell.md");
  /** The session as this run printed it, in the doc's form: copy it into the doc when the output changes. */
  private static final Path TRANSCRIPT = Path.of("target/jshell-transcript.txt");
  private static final String PROMPT = "jshell> ";

  @Test
  void startupScriptImportsTheApiAndItsHelpersWork() throws Exception {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    String out = jshell(List.of(), """
        var cass = connect("%s", %d);
        System.out.println("SYSTEM_SCHEMA=" + new DictionaryManager(cass).listKeyspaces(true).contains("system_schema"));
        System.out.println("CQL=" + cass.execute("SELECT release_version FROM system.local").one().getString(0));
        cass.close();
        /exit
        """.formatted(server.host(), server.port()));
    assertThat(out).as(out).contains("delpha-data-sdk: API imported").contains("SYSTEM_SCHEMA=true")
        .contains("CQL=5.").doesNotContain("Error:").doesNotContain("cannot find symbol");
  }

  /**
   * Types the lines of docs/jshell.md's session into a real {@code jshell} and compares what it printed with the
   * doc, so the doc can neither omit a line nor invent one. Only what differs from run to run is normalised: versions
   * (the JDK's, Cassandra's), key ids and creation times, ports. {@code cassandra()} connects to this run's node
   * rather than starting a second one in JShell's VM (the only difference from {@code jshell.sh}), after the keyspaces
   * the session creates are dropped, so the node looks like the new one {@code cassandra()} starts.
   */
  @Test
  @DisplayName("docs/jshell.md's session is what JShell prints")
  void docsSessionIsWhatJShellPrints() throws Exception {
    String recorded = session(Files.readString(DOC));
    List<String> inputs = recorded.lines().filter(l -> l.startsWith(PROMPT)).map(l -> l.substring(PROMPT.length()))
        .toList();
    assertThat(inputs).as("the doc's session").isNotEmpty().last().isEqualTo("/exit");

    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build()) {
      cass.execute("DROP KEYSPACE IF EXISTS demo");
      cass.execute("DROP KEYSPACE IF EXISTS delpha_security");
    }
    Path toThisRunsNode = Files.createTempFile("jshell-node", ".jsh");
    Files.writeString(toThisRunsNode, "CassandraManager cassandra() { return connect(\"%s\", %d); }\n"
        .formatted(server.host(), server.port()));
    Files.deleteIfExists(Path.of("target/people.parquet"));

    String out = jshell(List.of("--startup", toThisRunsNode.toString()), String.join("\n", inputs) + "\n");
    String printed = transcript(out, inputs);
    Files.writeString(TRANSCRIPT, printed);
    assertThat(normalised(printed)).as("what JShell printed (in %s) against docs/jshell.md", TRANSCRIPT)
        .isEqualTo(normalised(recorded));
  }

  /** The fenced block under the doc's "## A session", with its final line break. */
  private static String session(String doc) {
    Matcher m = Pattern.compile("## A session\\n.*?```\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("docs/jshell.md has a session block").isTrue();
    return m.group(1);
  }

  /**
   * What JShell printed, with each input after its prompt as a terminal shows it. Piped input is not echoed:
   * JShell prints a prompt, then the snippet's output, or a bare line break where there is none.
   */
  private static String transcript(String out, List<String> inputs) {
    String[] parts = out.replace(" \b", "").split(Pattern.quote(PROMPT), -1);
    assertThat(parts).as(out).hasSize(inputs.size() + 1);
    StringBuilder t = new StringBuilder(parts[0]);
    for (int i = 0; i < inputs.size(); i++) {
      String printed = parts[i + 1];
      t.append(PROMPT).append(inputs.get(i)).append('\n').append(printed.startsWith("\n") ? printed.substring(1)
          : printed);
    }
    return t.toString();
  }

  private static String normalised(String transcript) {
    return transcript
        .replaceAll("(?<![\\d.])\\d+\\.\\d+\\.\\d+(?![\\d.])", "<version>")
        .replaceAll("\\b(id|keyId)=[0-9a-f]{20}\\b", "$1=<key id>")
        .replaceAll("createdAt=[0-9T:.Z-]+", "createdAt=<time>")
        .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>");
  }

  /** Runs jshell with the startup script and the given lines on its standard input; returns what it printed. */
  private static String jshell(List<String> options, String input) throws Exception {
    assertThat(SCRIPT).exists();
    Path prefs = Path.of("target/jshell-prefs");
    Files.createDirectories(prefs.resolve(".java/.userPrefs"));  // else the JDK says it created them, once a machine
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(),
        "--class-path", java.util.stream.Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(e -> Files.exists(Path.of(e))).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)),
        "-J-Djava.util.prefs.userRoot=" + prefs.toAbsolutePath(),
        "-R-Dlogback.configurationFile=io/delpha/sdk/cli/logback-cli.xml",
        "--startup", "DEFAULT", "--startup", SCRIPT.toString()));
    command.addAll(options);
    Path log = Files.createTempFile("jshell", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("jshell finished").isTrue();
    return Files.readString(log);
  }
}
