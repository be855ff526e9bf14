package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delpha parquet} as an operator runs it, a process of its own: the four subcommands print what they print in
 * {@link ParquetCliTest} (which compares them with DuckDB), refusals exit 1 with one line on standard error, and
 * {@code s3://} objects of the harness's real S3 server read as the local files do, the temporary copy deleted.
 */
@Tag("process")
class ParquetCliProcessTest {

  static S3Server s3;
  static String bucket;

  @BeforeAll
  static void objects() throws Exception {
    s3 = S3Server.shared();
    bucket = s3.createBucket("parquet-cli");
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      store.put("lake/duckdb_types.parquet", ParquetCliTest.DUCKDB_FILE);
      store.put("lake/notes.parquet", "id,name\n1,a\n".getBytes());
    }
  }

  @Test
  @DisplayName("schema, head, cat and stats of DuckDB's and pyarrow's files print as in this JVM")
  void localFiles() {
    for (Path file : List.of(ParquetCliTest.DUCKDB_FILE, ParquetCliTest.PYARROW_FILE)) {
      for (List<String> args : List.of(List.of("schema"), List.of("head"), List.of("cat", "--format", "jsonl"),
          List.of("cat", "--limit", "100", "--columns", "id"), List.of("stats"))) {
        String[] command = command(args, file.toString());
        CliProcess.Result process = CliProcess.run(Map.of(), command);
        ParquetCliTest.Run inJvm = ParquetCliTest.delpha(command);
        assertThat(process.exitCode()).as(process.all()).isZero();
        assertThat(process.out()).as(String.join(" ", command)).isEqualTo(inJvm.out().replace("\r\n", "\n"));
        // not empty: snappy-java prints its own stack trace when another JVM's start-up deletes the native library it
        // is extracting to the temporary folder (its clean-up of other JVMs' copies races with the extraction)
        assertThat(process.err()).doesNotContain("error:");
      }
    }
  }

  @Test
  @DisplayName("a file that is not Parquet, or cut short, exits 1 with the typed error on one line, no stack trace")
  void refusals(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.parquet");
    Files.writeString(text, "id,name\n1,a\n");
    Path truncated = dir.resolve("truncated.parquet");
    byte[] whole = Files.readAllBytes(ParquetCliTest.DUCKDB_FILE);
    Files.write(truncated, Arrays.copyOf(whole, whole.length - 1000));
    for (String command : List.of("schema", "head", "cat", "stats")) {
      CliProcess.Result notParquet = CliProcess.run(Map.of(), "parquet", command, text.toString());
      assertThat(notParquet.exitCode()).as(notParquet.all()).isEqualTo(Delpha.FAILURE);
      assertThat(notParquet.err()).isEqualTo("error: " + text + " is not a Parquet file (12 bytes, no PAR1 magic at "
          + "the start)\n");
      CliProcess.Result cut = CliProcess.run(Map.of(), "parquet", command, truncated.toString());
      assertThat(cut.exitCode()).as(cut.all()).isEqualTo(Delpha.FAILURE);
      assertThat(cut.err()).startsWith("error: " + truncated + " is not a readable Parquet file (corrupt or truncated "
          + "footer)").doesNotContain("\tat ");
      assertThat(cut.err().lines()).hasSize(1);
    }
    CliProcess.Result unknown = CliProcess.run(Map.of(), "parquet", "head", "--columns", "nope",
        ParquetCliTest.DUCKDB_FILE.toString());
    assertThat(unknown.exitCode()).isEqualTo(Delpha.USAGE);
  }

  @Test
  @DisplayName("s3:// objects: read from a temporary copy that is deleted, errors naming the object")
  void s3Objects(@TempDir Path tmp) {
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey(),
        "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
    String uri = "s3://" + bucket + "/lake/duckdb_types.parquet";
    for (List<String> args : List.of(List.of("head", "-n", "5"), List.of("schema"), List.of("stats"))) {
      CliProcess.Result remote = CliProcess.run(env, s3(args, uri));
      assertThat(remote.exitCode()).as(remote.all()).isZero();
      String local = ParquetCliTest.delpha(command(args, ParquetCliTest.DUCKDB_FILE.toString())).out()
          .replace("\r\n", "\n");
      assertThat(remote.out()).isEqualTo(args.get(0).equals("stats")
          ? local.replace("file        " + ParquetCliTest.DUCKDB_FILE, "file        " + uri) : local);
      assertThat(remote.err()).contains("download: done, 106.9 KiB from " + uri);
    }
    CliProcess.Result text = CliProcess.run(env, s3(List.of("cat"), "s3://" + bucket + "/lake/notes.parquet"));
    assertThat(text.exitCode()).as(text.all()).isEqualTo(Delpha.FAILURE);
    assertThat(text.err().lines().filter(l -> l.startsWith("error: ")).toList()).containsExactly("error: s3://" + bucket
        + "/lake/notes.parquet is not a Parquet file (12 bytes, no PAR1 magic at the start)");
    CliProcess.Result missing = CliProcess.run(env, s3(List.of("stats"), "s3://" + bucket + "/lake/missing.parquet"));
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(Delpha.FAILURE);
    assertThat(missing.err()).contains("error: no object s3://" + bucket + "/lake/missing.parquet");
    assertThat(tmp).isEmptyDirectory();
  }

  private static String[] command(List<String> args, String file) {
    List<String> all = new java.util.ArrayList<>(List.of("parquet"));
    all.addAll(args);
    all.add(file);
    return all.toArray(String[]::new);
  }

  private static String[] s3(List<String> args, String uri) {
    List<String> all = new java.util.ArrayList<>(Arrays.asList(command(args, uri)));
    all.addAll(List.of("--region", S3Server.REGION, "--s3-endpoint", s3.endpoint().toString()));
    return all.toArray(String[]::new);
  }
}
