package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second reader: a separate Spark JVM with Delta Lake ({@code oracles/delta-spark}, its own Maven project)
 * turns {@link DeltaLogServer}'s delta-format answers into a local Delta log, reads the data files and deletion
 * vectors from the answers' URLs with Delta's own reader (as delta-sharing-spark does), and must get Spark's rows
 * of the table version: so the loopback server that {@link DeltaFormatTest} holds the client against is itself
 * held against code no one here wrote. Runs in {@code mvn -Pdelta-oracle test} (CI; needs Maven on the PATH and
 * Maven Central for Spark, about 5 minutes).
 */
@Tag("delta-oracle")
class DeltaOracleTest {

  @Test
  void sparkWithDeltaLakeReadsTheServersAnswersAsSparkReadsTheTables(@TempDir Path dir) throws Exception {
    Path tables = Path.of(DeltaOracleTest.class.getResource("/delta/tables").toURI());
    Path answers = Files.createDirectories(dir.resolve("answers"));
    List<String[]> expected = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    try (DeltaLogServer pathUrls = new DeltaLogServer(tables, DeltaLogServer.DvStyle.PATH_URL);
        DeltaLogServer inline = new DeltaLogServer(tables, DeltaLogServer.DvStyle.INLINE)) {
      for (DeltaLogServer server : List.of(pathUrls, inline)) {
        String style = server == inline ? "i" : "p";
        for (String t : DeltaFormatTest.TABLES) {
          for (long v = 0; v <= 6; v++) {
            String uri = server.endpoint() + "/shares/" + DeltaLogServer.SHARE + "/schemas/" + DeltaLogServer.SCHEMA
                + "/tables/" + t + "/query";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer " + DeltaLogServer.TOKEN)
                .header("delta-sharing-capabilities", "responseformat=delta;readerfeatures=deletionvectors,"
                    + "columnmapping,timestampntz")
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\":" + v + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              continue; // a version the table does not have (events ends at 5)
            }
            String name = t + "-v" + v + "-" + style;
            Files.writeString(answers.resolve(name + ".ndjson"), r.body());
            expected.add(new String[] {name, t, "v" + v});
          }
        }
      }
      assertThat(expected).hasSize(2 * (6 + 7 + 7));
      Path project = Path.of("").toAbsolutePath();
      Path log = dir.resolve("oracle.log");
      Process oracle = new ProcessBuilder("mvn", "-B", "-q", "-ntp", "-f",
          project.resolve("oracles/delta-spark/pom.xml").toString(), "compile", "exec:exec",
          "-Doracle.command=read-answers", "-Doracle.dir=" + dir)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = oracle.waitFor(30, TimeUnit.MINUTES);
      if (!ended) {
        oracle.destroyForcibly();
      }
      assertThat(ended && oracle.exitValue() == 0)
          .as("the Spark oracle ended well; its log:%n%s", Files.readString(log)).isTrue();
    }
    for (String[] e : expected) {
      Path rows = answers.resolve(e[0] + ".rows.jsonl");
      List<String> got = Files.readAllLines(rows);
      assertThat(got).as("Delta Lake's read of the server's answer %s", e[0])
          .isEqualTo(DeltaFormatTest.expected(e[1], e[2]));
    }
  }
}
