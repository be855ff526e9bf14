package io.delpha.sdk.cli;

import static io.delpha.sdk.cli.ParquetCliTest.delpha;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delpha parquet --keys FILE} on encrypted files: every subcommand prints what it prints of the same rows in
 * clear; the keys come from a properties or JSON file, never the command line, and no message shows one.
 */
@DisplayName("delpha parquet on encrypted files, keys from a file")
class ParquetCliEncryptedTest {

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .nullable("tags", ColumnType.list(ColumnType.INT, false))
      .build();
  static final String FOOTER = "footer-key-0123456789abcdefghijk";
  static final byte[] ID_KEY = "id-key-012345678".getBytes(StandardCharsets.US_ASCII);
  static final byte[] AAD = "table=t".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tmp;

  private void write(Path file, WriteOptions options) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, options)) {
      for (int i = 0; i < 50; i++) {
        w.write(Row.of(SCHEMA, (long) i, i % 4 == 0 ? null : "n" + i, i % 3 == 0 ? null : List.of(i, -i)));
      }
    }
  }

  @Test
  @DisplayName("cat, head, schema and stats with a properties key file print what they print of the clear file")
  void propertiesKeys() throws Exception {
    Path clear = tmp.resolve("clear.parquet");
    Path encrypted = tmp.resolve("encrypted.parquet");
    write(clear, WriteOptions.defaults());
    write(encrypted, WriteOptions.defaults().withEncryption(FileEncryption.builder()
        .footerKey(FOOTER.getBytes(StandardCharsets.US_ASCII)).columnKey("id", ID_KEY).aadPrefix(AAD)
        .storeAadPrefix(false).build()));
    Path keys = Files.writeString(tmp.resolve("keys.properties"), "# the test's keys\nfooter = text:" + FOOTER
        + "\ncolumn.id = base64:" + Base64.getEncoder().encodeToString(ID_KEY) + "\naad_prefix = hex:"
        + HexFormat.of().formatHex(AAD) + "\n");

    for (List<String> command : List.of(List.of("cat"), List.of("cat", "--format", "jsonl"), List.of("head", "-n", "3"),
        List.of("schema"))) {
      ParquetCliTest.Run plain = delpha(args(command, clear.toString()));
      ParquetCliTest.Run read = delpha(args(command, "--keys", keys.toString(), encrypted.toString()));
      assertThat(read.exitCode()).as(read.all()).isZero();
      assertThat(read.out()).as(String.join(" ", command)).isEqualTo(plain.out()).isNotEmpty();
    }
    ParquetCliTest.Run stats = delpha("parquet", "stats", "--keys", keys.toString(), encrypted.toString());
    assertThat(stats.exitCode()).as(stats.all()).isZero();
    assertThat(stats.out()).contains("rows        50").contains("id").contains("tags.list.element");

    ParquetCliTest.Run without = delpha("parquet", "cat", encrypted.toString());
    assertThat(without.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(without.err()).contains("encrypted").contains("--keys");
  }

  @Test
  @DisplayName("a JSON key file with only the footer key prints the columns on it; the column on its own key is "
      + "refused by name")
  void jsonKeysAndMissingColumnKey() throws Exception {
    Path encrypted = tmp.resolve("e.parquet");
    write(encrypted, WriteOptions.defaults().withEncryption(FileEncryption.builder()
        .footerKey(FOOTER.getBytes(StandardCharsets.US_ASCII)).columnKey("id", ID_KEY).plaintextFooter().build()));
    Path keys = Files.writeString(tmp.resolve("keys.json"), "{\"footer\": \"text:" + FOOTER + "\"}");
    ParquetCliTest.Run names = delpha("parquet", "cat", "--keys", keys.toString(), "--columns", "name",
        encrypted.toString());
    assertThat(names.exitCode()).as(names.all()).isZero();
    assertThat(names.out().lines().toList()).startsWith("name", "", "n1", "n2").hasSize(51);
    ParquetCliTest.Run ids = delpha("parquet", "cat", "--keys", keys.toString(), encrypted.toString());
    assertThat(ids.exitCode()).as(ids.all()).isEqualTo(Delpha.FAILURE);
    assertThat(ids.err()).contains("column id");
  }

  @Test
  @DisplayName("a key file that is wrong is a usage error naming the file and the entry, never a key")
  void wrongKeyFiles() throws Exception {
    Path encrypted = tmp.resolve("e.parquet");
    write(encrypted, WriteOptions.defaults().withEncryption(FileEncryption.builder()
        .footerKey(FOOTER.getBytes(StandardCharsets.US_ASCII)).build()));
    String secret = "secret-key-0123";
    for (String content : List.of("footer = " + secret + "\n", "footer = text:" + secret + "\n",
        "footer = text:" + FOOTER + "\nother = text:" + secret + "\n", "{\"footer\": \"hex:zz" + secret + "\"}")) {
      Path keys = Files.writeString(tmp.resolve("bad.keys"), content);
      ParquetCliTest.Run run = delpha("parquet", "cat", "--keys", keys.toString(), encrypted.toString());
      assertThat(run.exitCode()).as(run.all()).isEqualTo(Delpha.USAGE);
      assertThat(run.err()).contains("--keys").contains("bad.keys").doesNotContain(secret)
          .doesNotContain(FOOTER);
    }
    ParquetCliTest.Run missing = delpha("parquet", "cat", "--keys", tmp.resolve("none").toString(),
        encrypted.toString());
    assertThat(missing.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(missing.err()).contains("no file");
    Path wrong = Files.writeString(tmp.resolve("wrong.properties"), "footer = text:" + FOOTER.replace('0', '1') + "\n");
    ParquetCliTest.Run refused = delpha("parquet", "cat", "--keys", wrong.toString(), encrypted.toString());
    assertThat(refused.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(refused.err()).contains("the footer fails its authentication").doesNotContain(FOOTER);
  }

  @Test
  @DisplayName("--keys-secret reads the keys from a secret of --secrets (a secrets file here), in either format; a "
      + "secret that is not keys is a usage error naming the secret, never its value; --keys and --keys-secret "
      + "together are refused")
  void keysFromASecret() throws Exception {
    Path clear = tmp.resolve("clear.parquet");
    Path encrypted = tmp.resolve("encrypted.parquet");
    write(clear, WriteOptions.defaults());
    write(encrypted, WriteOptions.defaults().withEncryption(FileEncryption.builder()
        .footerKey(FOOTER.getBytes(StandardCharsets.US_ASCII)).columnKey("id", ID_KEY).build()));
    String json = "{\"footer\": \"text:" + FOOTER + "\", \"columns\": {\"id\": \"base64:"
        + Base64.getEncoder().encodeToString(ID_KEY) + "\"}}";
    String properties = "footer = text:" + FOOTER + "\ncolumn.id = base64:" + Base64.getEncoder().encodeToString(ID_KEY);
    com.fasterxml.jackson.databind.node.ObjectNode secrets = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode().put("lake-keys-json", json).put("lake-keys-props", properties)
        .put("not-keys", "footer = text:" + FOOTER + "\nother = x");
    Path file = Files.writeString(tmp.resolve("secrets.json"), secrets.toString());
    ParquetCliTest.Run plain = delpha("parquet", "cat", clear.toString());
    for (String name : List.of("lake-keys-json", "lake-keys-props")) {
      ParquetCliTest.Run read = delpha("parquet", "cat", "--secrets", "file:" + file, "--keys-secret", name,
          encrypted.toString());
      assertThat(read.exitCode()).as(read.all()).isZero();
      assertThat(read.out()).as(name).isEqualTo(plain.out());
    }
    ParquetCliTest.Run bad = delpha("parquet", "cat", "--secrets", "file:" + file, "--keys-secret", "not-keys",
        encrypted.toString());
    assertThat(bad.exitCode()).as(bad.all()).isEqualTo(Delpha.USAGE);
    assertThat(bad.err()).contains("--keys-secret").contains("not-keys").doesNotContain(FOOTER);
    Path keys = Files.writeString(tmp.resolve("k.properties"), properties);
    ParquetCliTest.Run both = delpha("parquet", "cat", "--keys", keys.toString(), "--secrets", "file:" + file,
        "--keys-secret", "lake-keys-json", encrypted.toString());
    assertThat(both.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(both.err()).contains("one way");
  }

  private static String[] args(List<String> command, String... rest) {
    String[] all = new String[1 + command.size() + rest.length];
    all[0] = "parquet";
    for (int i = 0; i < command.size(); i++) {
      all[1 + i] = command.get(i);
    }
    System.arraycopy(rest, 0, all, 1 + command.size(), rest.length);
    return all;
  }
}
