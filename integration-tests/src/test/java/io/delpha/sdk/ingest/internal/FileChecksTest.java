package io.delpha.sdk.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The upload's content sniffing ({@link FileChecks#sniff}) held against files other engines wrote: every Parquet file
 * of the corpora (parquet-java's, pyarrow's, Spark's, the encrypted ones of apache/parquet-testing), Spark's Delta
 * logs and the Totesys seed as JSON, and Salesforce's Bulk results as CSV pass; content that is not what its
 * extension says is refused, saying what it is.
 */
@DisplayName("FileChecks.sniff passes what other engines write and names what is not what it says")
class FileChecksTest {

  private static final Path RESOURCES = Path.of("integration-tests/src/test/resources").toAbsolutePath();

  private static Stream<String> under(String dir, String... suffixes) {
    try (Stream<Path> s = Files.walk(RESOURCES.resolve(dir))) {
      return s.filter(Files::isRegularFile)
          .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
          .map(p -> RESOURCES.relativize(p).toString()).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<String> parquetFiles() {
    return Stream.of("parquet-corpus", "parquet-testing", "parquet-pyarrow", "parquet", "delta")
        .flatMap(d -> under(d, ".parquet", ".parquet.encrypted"));
  }

  static Stream<String> jsonFiles() {
    return Stream.concat(under("delta", ".json").filter(p -> p.contains("_delta_log")), under("totesys", ".json"));
  }

  static Stream<String> csvFiles() {
    return under("salesforce", ".csv");
  }

  private static Optional<String> sniff(String name, byte[] content) throws IOException {
    return FileChecks.sniff(name, new ByteArrayInputStream(content));
  }

  /** The sniff of a resource, read from its file as an upload is (the sniff reads its first 64 KiB). */
  private static Optional<String> sniffFile(String name, String resource) throws IOException {
    try (InputStream in = Files.newInputStream(RESOURCES.resolve(resource))) {
      return FileChecks.sniff(name, in);
    }
  }

  private static String magic(String resource) {
    try (InputStream in = Files.newInputStream(RESOURCES.resolve(resource))) {
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("the corpora are there: Parquet files with both magics, Delta logs, CSV")
  void corpora() {
    List<String> parquet = parquetFiles().toList();
    assertThat(parquet).hasSizeGreaterThan(200);
    assertThat(parquet).anyMatch(p -> p.endsWith(".parquet.encrypted"));
    assertThat(parquet.stream().filter(p -> magic(p).equals("PARE"))).hasSizeGreaterThanOrEqualTo(11); // footers encrypted
    assertThat(jsonFiles().toList()).hasSizeGreaterThan(40);
    assertThat(csvFiles().toList()).isNotEmpty();
  }

  @Test
  @DisplayName("every Parquet file of the corpora passes as .parquet (encrypted footers, PARE, included); every JSON "
      + "file (Spark's Delta logs, the Totesys seed) as .json and .jsonl; Salesforce's Bulk result pages as .csv")
  void filesOfOtherEnginesPass() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    for (String resource : parquetFiles().toList()) {
      soft.assertThat(sniffFile("upload.parquet", resource)).as(resource).isEmpty();
    }
    for (String resource : jsonFiles().toList()) {
      soft.assertThat(sniffFile("upload.json", resource)).as(resource).isEmpty();
      soft.assertThat(sniffFile("upload.jsonl", resource)).as(resource).isEmpty();
    }
    for (String resource : csvFiles().toList()) {
      soft.assertThat(sniffFile("upload.csv", resource)).as(resource).isEmpty();
    }
    soft.assertAll();
  }

  @Test
  @DisplayName("JSON and CSV with a UTF-8 byte order mark pass, as Windows tools write them")
  void byteOrderMark() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    assertThat(sniff("a.json", concat(bom, " \n{\"id\": 1}".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    assertThat(sniff("a.ndjson", concat(bom, "{\"id\": 1}\n{\"id\": 2}\n".getBytes(StandardCharsets.UTF_8))))
        .isEmpty();
    assertThat(sniff("a.csv", concat(bom, "id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_8)))).isEmpty();
  }

  @Test
  @DisplayName("content that is not what its extension says is refused, saying what it is")
  void refusals() throws IOException {
    byte[] utf16 = "\uFEFFid,name\n1,a\n".getBytes(StandardCharsets.UTF_16LE);
    assertThat(sniff("a.csv", utf16)).contains(
        "content is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8");
    assertThat(sniff("a.csv", "\uFEFFid\n".getBytes(StandardCharsets.UTF_16BE))).get().asString()
        .startsWith("content is UTF-16 text");
    assertThat(sniff("a.csv", new byte[] {'P', 'K', 3, 4, 'x'})).contains(
        "content is a ZIP archive (e.g. a spreadsheet), not text");
    assertThat(sniff("a.csv", new byte[] {'a', 0, 'b'})).contains("content is binary, not text (NUL byte found)");
    assertThat(sniff("a.txt", new byte[] {'a', (byte) 0xC3, '('})).get().asString()
        .startsWith("content is not UTF-8 text");
    assertThat(sniff("a.json", "id,name\n".getBytes(StandardCharsets.UTF_8))).contains("content is not JSON");
    for (String notParquet : List.of("PAR", "PAR2 and more", "id,name\n1,a\n", "PK\u0003\u0004")) {
      assertThat(sniff("a.parquet", notParquet.getBytes(StandardCharsets.ISO_8859_1)))
          .contains("content is not Parquet (no PAR1 or PARE magic)");
    }
  }

  @Test
  @DisplayName("a UTF-8 character cut by the 64 KiB the sniff reads is not taken for bad text")
  void characterAcrossTheSniffedBytes() throws IOException {
    byte[] text = new byte[64 * 1024 + 2];
    Arrays.fill(text, (byte) 'a');
    byte[] e = "é".getBytes(StandardCharsets.UTF_8); // two bytes: the first inside the 64 KiB, the second after
    text[64 * 1024 - 1] = e[0];
    text[64 * 1024] = e[1];
    assertThat(sniff("a.csv", text)).isEmpty();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
