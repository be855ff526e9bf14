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
 * held against code no one here wrote. Every version of the tables of {@link DeltaFormatTest} and {@link
 * DeltaFeaturesTest}. Runs in {@code mvn -Pdelta-oracle test} (CI; needs Maven on the PATH and Maven Central for
 * Spark, about 5 minutes).
 */
@Tag("delta-oracle")
class DeltaOracleTest {

  /** One query answer, as the client asks (the reader features delta-sharing-spark 4.4 names). */
  private static String query(HttpClient http, String uri, String body, String t) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri + "/query"))
        .header("Authorization", "Bearer " + DeltaLogServer.TOKEN)
        .header("delta-sharing-capabilities", "responseformat=delta;readerfeatures=deletionvectors,"
            + "columnmapping,timestampntz,typewidening-preview,typewidening,varianttype-preview,"
            + "varianttype,variantshredding-preview,variantshredding")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", t, body, r.body()).isEqualTo(200);
    return r.body();
  }

  /** A version's answer read a file a page ({@code maxFiles} 1, {@code pageToken}), joined into one answer. */
  private static String pagedAnswer(HttpClient http, String uri, long v, String t) throws Exception {
    StringBuilder joined = new StringBuilder();
    String token = null;
    int pages = 0;
    do {
      String body = "{\"version\":" + v + ",\"maxFiles\":1" + (token == null ? "" : ",\"pageToken\":\"" + token + "\"")
          + "}";
      token = null;
      for (String line : query(http, uri, body, t).split("\n")) {
        com.fasterxml.jackson.databind.JsonNode n = DeltaFormatTest.JSON.readTree(line);
        if (n.has("endStreamAction")) {
          token = n.get("endStreamAction").path("nextPageToken").asText(null);
        } else if (n.has("file") || pages == 0) {
          joined.append(line).append('\n');
        }
      }
      assertThat(++pages).as("%s version %d pages", t, v).isLessThan(100);
    } while (token != null);
    return joined.toString();
  }

  @Test
  void sparkWithDeltaLakeReadsTheServersAnswersAsSparkReadsTheTables(@TempDir Path dir) throws Exception {
    Path tables = Path.of(DeltaOracleTest.class.getResource("/delta/tables").toURI());
    Path answers = Files.createDirectories(dir.resolve("answers"));
    List<String[]> expected = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    try (DeltaLogServer pathUrls = new DeltaLogServer(tables, DeltaLogServer.DvStyle.PATH_URL);
        DeltaLogServer inline = new DeltaLogServer(tables, DeltaLogServer.DvStyle.INLINE)) {
      List<String> names = new ArrayList<>(DeltaFormatTest.TABLES);
      names.addAll(DeltaFeaturesTest.TABLES);
      for (DeltaLogServer server : List.of(pathUrls, inline)) {
        String style = server == inline ? "i" : "p";
        for (String t : names) {
          String uri = server.endpoint() + "/shares/" + DeltaLogServer.SHARE + "/schemas/" + DeltaLogServer.SCHEMA
              + "/tables/" + t;
          long latest = Long.parseLong(http.send(HttpRequest.newBuilder(URI.create(uri + "/version"))
              .header("Authorization", "Bearer " + DeltaLogServer.TOKEN).build(),
              HttpResponse.BodyHandlers.discarding()).headers().firstValue("Delta-Table-Version").orElseThrow());
          // every version of the base tables; the feature tables' latest version, which holds every kind of file
          // they have (unshredded, shredded, narrow and widened, with deletion vectors): DeltaFeaturesTest reads
          // every version against Spark's own read, and each answer costs the oracle seconds
          long first = DeltaFeaturesTest.TABLES.contains(t) ? latest : 0;
          for (long v = first; v <= latest; v++) {
            // the reader features delta-sharing-spark 4.4 names (DeltaSharingUtils.SUPPORTED_READER_FEATURES)
            // the path-URL server's answers are read paged, a file a page, and joined into one answer (the first
            // page's protocol and metaData, every page's files): Spark's read of it holds the server's paging too
            String body = server == pathUrls ? pagedAnswer(http, uri, v, t) : query(http, uri, "{\"version\":" + v + "}", t);
            String name = t + "-v" + v + "-" + style;
            Files.writeString(answers.resolve(name + ".ndjson"), body);
            expected.add(new String[] {name, t, "v" + v});
          }
        }
      }
      // every version of the base tables (6 + 7 + 7) and the latest of each feature table, twice
      assertThat(expected).hasSize(2 * (6 + 7 + 7 + DeltaFeaturesTest.TABLES.size()));
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
