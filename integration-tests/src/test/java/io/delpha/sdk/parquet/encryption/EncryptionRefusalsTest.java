package io.delpha.sdk.parquet.encryption;

import static io.delpha.sdk.parquet.encryption.EncryptedFiles.AMOUNT_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.ID_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.WRITE_FOOTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.encryption.EncryptedFiles.Setup;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.ParquetCipher;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must never read as rows: a wrong key, a changed byte in each kind of module, pages swapped within a chunk and
 * between row groups, an AAD prefix not the file's, a key not given. Each ends in a {@link DataFormatException} naming
 * the file and the module, and never holding a key. The files are parquet-java's, AES_GCM_V1, per-column keys.
 */
@DisplayName("encrypted files changed or read with wrong keys are refused, naming the module")
class EncryptionRefusalsTest {

  @TempDir
  static Path tmp;
  /** Encrypted footer, per-column keys (id, amount), tags on the footer key, name in clear, no AAD prefix. */
  static Path file;
  /** The same with a signed plaintext footer and an AAD prefix stored. */
  static Path plainFooter;
  static List<List<String>> rows;

  private static final Setup FILE = new Setup(ParquetCipher.AES_GCM_V1, true, true, null, true, false);
  private static final Setup PLAIN_FOOTER = new Setup(ParquetCipher.AES_GCM_V1, false, true,
      "orders/7".getBytes(StandardCharsets.UTF_8), true, false);

  @BeforeAll
  static void write() throws Exception {
    file = tmp.resolve("enc.parquet");
    EncryptedFiles.writeParquetJava(file, FILE, 4000);
    plainFooter = tmp.resolve("plain-footer.parquet");
    EncryptedFiles.writeParquetJava(plainFooter, PLAIN_FOOTER, 4000);
    rows = EncryptedFiles.parquetJava(file, FILE.javaKeys());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Path f, FileDecryption keys, String... says) {
    AbstractThrowableAssert<?, ? extends Throwable> a = assertThatThrownBy(
        () -> EncryptedFiles.ours(f, ReadOptions.defaults().withDecryption(keys)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining(f.getFileName().toString())
        .hasNoSuppressedExceptions();
    for (String s : says) {
      a.hasMessageContaining(s);
    }
    for (byte[] key : List.of(WRITE_FOOTER_KEY, ID_KEY, AMOUNT_KEY)) {
      a.hasMessageNotContaining(new String(key, StandardCharsets.US_ASCII));
    }
    a.satisfies(e -> assertThat(e).hasMessageNotContaining("AEADBadTag").hasMessageNotContaining("Tag mismatch"));
    return a;
  }

  private static FileDecryption keys() {
    return FILE.keys();
  }

  @Test
  @DisplayName("a wrong footer key: the footer fails its authentication")
  void wrongFooterKey() {
    refused(file, keys().toBuilder().footerKey("abcdefghijklmnopqrstuvwxyz012346".getBytes()).build(),
        "the footer fails its authentication");
  }

  @Test
  @DisplayName("a wrong column key: the first module of that column read fails, named")
  void wrongColumnKey() {
    refused(file, keys().toBuilder().columnKey("amount", "amountkey-0123456789abce".getBytes()).build(),
        "of column amount in row group 0 fails its authentication");
  }

  @Test
  @DisplayName("a wrong footer key on a plaintext footer: its signature does not match")
  void wrongSigningKey() {
    refused(plainFooter, PLAIN_FOOTER.keys().toBuilder().footerKey("abcdefghijklmnopqrstuvwxyz012346".getBytes())
        .build(), "the plaintext footer's signature does not match");
  }

  @Test
  @DisplayName("a key not given: the column is named and can be left out; no footer key at all: said so")
  void missingKeys() {
    FileDecryption noAmount = FileDecryption.builder().footerKey(WRITE_FOOTER_KEY).columnKey("id", ID_KEY).build();
    refused(file, noAmount, "column amount is encrypted with a key of its own, which the read was not given");
    List<List<String>> without = EncryptedFiles.ours(file,
        ReadOptions.defaults().withDecryption(noAmount).skipping("amount"));
    List<List<String>> expected = rows.stream().map(r -> List.of(r.get(0), r.get(1), r.get(3))).toList();
    EncryptedFiles.assertSameRows(without, expected);
    refused(file, FileDecryption.builder().columnKey("id", ID_KEY).build(), "no footer key was given");
  }

  @Test
  @DisplayName("an AAD prefix that is not the file's, and one missing where the file does not store it")
  void aadPrefix() throws Exception {
    refused(plainFooter, PLAIN_FOOTER.keys().toBuilder().aadPrefix("orders/8".getBytes()).build(),
        "the AAD prefix supplied is not the one the file was written with");
    refused(file, keys().toBuilder().aadPrefix("orders/8".getBytes()).build(),
        "an AAD prefix was supplied, but the file was written without one");
    Setup hidden = new Setup(ParquetCipher.AES_GCM_V1, true, true, "orders/9".getBytes(), false, false);
    Path f = tmp.resolve("hidden-aad.parquet");
    EncryptedFiles.writeParquetJava(f, hidden, 100);
    refused(f, keys(), "disable_aad_storage", "aadPrefix");
    refused(f, keys().toBuilder().aadPrefix("orders/8".getBytes()).build(), "the footer fails its authentication");
  }

  /** A page's two modules in the file: its header's and its body's (offset of the 4-byte length, and bytes in all). */
  record Unit(long header, int headerBytes, long body, int bodyBytes) {
    int bytes() {
      return headerBytes + bodyBytes;
    }
  }

  /** @return the pages of a column chunk, walked by the modules' own lengths (no decryption) */
  static List<Unit> units(Path f, Setup setup, int rowGroup, String column) throws Exception {
    ColumnChunkMetaData chunk;
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).withDecryption(setup.javaKeys()).build())) {
      BlockMetaData block = r.getRowGroups().get(rowGroup);
      chunk = block.getColumns().stream().filter(c -> c.getPath().toDotString().equals(column)).findFirst()
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(f);
    List<Unit> units = new ArrayList<>();
    long pos = chunk.getStartingPos();
    long end = pos + chunk.getTotalSize();
    while (pos < end) {
      int h = 4 + length(bytes, pos);
      int b = 4 + length(bytes, pos + h);
      units.add(new Unit(pos, h, pos + h, b));
      pos += h + b;
    }
    return units;
  }

  private static int length(byte[] bytes, long at) {
    return ByteBuffer.wrap(bytes, (int) at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** @return a copy of the file with one byte of a module's ciphertext flipped */
  static Path flip(Path f, long moduleStart, String name) throws Exception {
    byte[] bytes = Files.readAllBytes(f);
    bytes[(int) moduleStart + 4 + 12 + 1] ^= 0x40;
    return Files.write(tmp.resolve(name), bytes);
  }

  @Test
  @DisplayName("a changed byte in each kind of page module: dictionary page header and page, data page header and page")
  void tamperedPages() throws Exception {
    Setup uniform = new Setup(ParquetCipher.AES_GCM_V1, true, false, null, true, false);
    Path f = tmp.resolve("uniform.parquet");
    EncryptedFiles.writeParquetJava(f, uniform, 4000);
    List<Unit> name = units(f, uniform, 1, "name"); // dictionary-encoded: 7 names
    assertThat(name).as("a dictionary page and data pages").hasSizeGreaterThan(2);
    FileDecryption keys = uniform.keys();
    refused(flip(f, name.get(0).header(), "t1.parquet"), keys,
        "the header of the dictionary page of column name in row group 1 fails its authentication");
    refused(flip(f, name.get(0).body(), "t2.parquet"), keys,
        "the dictionary page of column name in row group 1 fails its authentication");
    refused(flip(f, name.get(2).header(), "t3.parquet"), keys,
        "the header of the data page 1 of column name in row group 1 fails its authentication");
    refused(flip(f, name.get(2).body(), "t4.parquet"), keys,
        "the data page 1 of column name in row group 1 fails its authentication");
  }

  @Test
  @DisplayName("a changed byte in the encrypted footer, in a column's encrypted metadata, in a signed plaintext footer")
  void tamperedMetadata() throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 8 - 20] ^= 1; // inside the encrypted footer's ciphertext or tag
    refused(Files.write(tmp.resolve("footer.parquet"), bytes), keys(), "the footer fails its authentication");

    byte[] plain = Files.readAllBytes(plainFooter);
    int footerLength = ByteBuffer.wrap(plain, plain.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = plain.length - 8 - footerLength;
    FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(plain, footerStart, footerLength));
    ColumnChunk amount = meta.getRow_groups().get(0).getColumns().get(2);
    byte[] encrypted = amount.getEncrypted_column_metadata();
    int at = indexOf(plain, encrypted, footerStart);
    byte[] changed = plain.clone();
    changed[at + 4 + 12 + 2] ^= 1;
    Path f = Files.write(tmp.resolve("column-meta.parquet"), changed);
    // without the footer key the signature cannot be checked: the column's own metadata module catches it
    FileDecryption columnsOnly = FileDecryption.builder().columnKey("id", ID_KEY).columnKey("amount", AMOUNT_KEY)
        .build();
    refused(f, columnsOnly.toBuilder().build(), "column metadata of column amount in row group 0 fails its "
        + "authentication");
    refused(f, PLAIN_FOOTER.keys(), "the plaintext footer's signature does not match");
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int i = from; i <= haystack.length - needle.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  @Test
  @DisplayName("data pages swapped within a chunk, and between row groups, fail their authentication")
  void swappedPages() throws Exception {
    List<Unit> g0 = units(file, FILE, 0, "id");
    List<Unit> g1 = units(file, FILE, 1, "id");
    // two data pages of one size (full pages of a fixed-width column; id has no dictionary: all its values differ)
    int a = -1;
    int b = -1;
    for (int i = 0; i < g0.size() && a < 0; i++) {
      for (int k = i + 1; k < g0.size(); k++) {
        if (g0.get(i).bytes() == g0.get(k).bytes()) {
          a = i;
          b = k;
          break;
        }
      }
    }
    assertThat(a).as("two data pages of one size").isNotNegative();
    refused(swap(file, g0.get(a), g0.get(b), "swap-in-chunk.parquet"), keys(),
        "the header of the data page " + a + " of column id in row group 0 fails its authentication");
    // the pages' bodies alone swapped (their headers in place): the data page module fails on its own AAD
    assertThat(g0.get(a).bodyBytes()).isEqualTo(g0.get(b).bodyBytes());
    byte[] bytes = Files.readAllBytes(file);
    byte[] copy = bytes.clone();
    Unit x = g0.get(a);
    Unit y = g0.get(b);
    System.arraycopy(bytes, (int) x.body(), copy, (int) y.body(), x.bodyBytes());
    System.arraycopy(bytes, (int) y.body(), copy, (int) x.body(), y.bodyBytes());
    refused(Files.write(tmp.resolve("swap-bodies.parquet"), copy), keys(),
        "the data page " + a + " of column id in row group 0 fails its authentication");
    int size = g0.get(a).bytes();
    Unit other = g1.stream().filter(u -> u.bytes() == size).findFirst().orElseThrow();
    refused(swap(file, g0.get(a), other, "swap-row-groups.parquet"), keys(),
        "the header of the data page " + a + " of column id in row group 0 fails its authentication");
  }

  private static Path swap(Path f, Unit x, Unit y, String name) throws Exception {
    byte[] bytes = Files.readAllBytes(f);
    byte[] copy = bytes.clone();
    System.arraycopy(bytes, (int) x.header(), copy, (int) y.header(), x.bytes());
    System.arraycopy(bytes, (int) y.header(), copy, (int) x.header(), y.bytes());
    return Files.write(tmp.resolve(name), copy);
  }

  @Test
  @DisplayName("changed bytes in the page indexes (not read by this reader) leave the rows as they are")
  void indexesNotRead() throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    long lastChunkEnd = 0;
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).withDecryption(FILE.javaKeys()).build())) {
      for (BlockMetaData block : r.getRowGroups()) {
        for (ColumnChunkMetaData c : block.getColumns()) {
          lastChunkEnd = Math.max(lastChunkEnd, c.getStartingPos() + c.getTotalSize());
          assertThat(c.getColumnIndexReference()).as("parquet-java wrote a column index").isNotNull();
        }
      }
    }
    int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = bytes.length - 8 - footerLength;
    assertThat(footerStart).as("indexes between the last chunk and the footer").isGreaterThan((int) lastChunkEnd);
    for (long i = lastChunkEnd + 20; i < footerStart; i += 37) {
      bytes[(int) i] ^= 0x10;
    }
    Path f = Files.write(tmp.resolve("indexes.parquet"), bytes);
    EncryptedFiles.assertSameRows(EncryptedFiles.ours(f, ReadOptions.defaults().withDecryption(keys())), rows);
  }
}
