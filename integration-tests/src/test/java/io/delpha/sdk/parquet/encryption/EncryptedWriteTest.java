package io.delpha.sdk.parquet.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Compression;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.crypto.keytools.KeyToolkit;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files our writer encrypts ({@link WriteOptions#withEncryption}), read back by parquet-java's {@code
 * ParquetFileReader} with its {@code FileDecryptionProperties} (the oracle) and by our reader, each value equal to the
 * rows written: both algorithms, both footer modes, uniform and per-column keys (a column left in clear, a nested one
 * on its own key), an AAD prefix stored, not stored or none, through the row writer and the columnar batch writer;
 * the envelope's key material read by parquet-java's reader, unwrapped as its key tools unwrap it (see {@link
 * ParquetJavaKeyMaterial}) through a KMS of its own interface. Our writer writes data pages v1 only, so there is no v2 case to write.
 */
@DisplayName("Encrypted writes: read back by parquet-java and by our reader")
class EncryptedWriteTest {

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .required("amount", ColumnType.DOUBLE)
      .nullable("tags", ColumnType.list(ColumnType.INT, false))
      .build();
  static final int ROWS = 6_000;
  static final byte[] FOOTER_KEY = EncryptedFiles.WRITE_FOOTER_KEY;
  static final byte[] ID_KEY = EncryptedFiles.ID_KEY;
  static final byte[] AMOUNT_KEY = EncryptedFiles.AMOUNT_KEY;
  static final byte[] TAGS_KEY = EncryptedFiles.bytes("tags-key-0123456789abcdef0123456");
  static final byte[] AAD = EncryptedFiles.bytes("table=t/part=7");

  @TempDir Path tmp;

  enum Keys { UNIFORM, PER_COLUMN }

  enum AadMode { NONE, STORED, NOT_STORED }

  record Case(FileEncryption.Algorithm algorithm, boolean encryptedFooter, Keys keys, AadMode aad, boolean columnar) {
    @Override
    public String toString() {
      return algorithm + (encryptedFooter ? ", encrypted footer" : ", plaintext footer") + ", " + keys + ", aad "
          + aad + (columnar ? ", columnar writer" : ", row writer");
    }

    FileEncryption encryption() {
      FileEncryption.Builder b = FileEncryption.builder().algorithm(algorithm).footerKey(FOOTER_KEY);
      if (!encryptedFooter) {
        b.plaintextFooter();
      }
      if (keys == Keys.PER_COLUMN) {
        b.columnKey("id", ID_KEY).columnKey("amount", AMOUNT_KEY).columnKey("tags.list.element", TAGS_KEY);
      }
      if (aad != AadMode.NONE) {
        b.aadPrefix(AAD).storeAadPrefix(aad == AadMode.STORED);
      }
      return b.build();
    }

    FileDecryption ourKeys() {
      FileDecryption.Builder b = FileDecryption.builder().footerKey(FOOTER_KEY).columnKey("id", ID_KEY)
          .columnKey("amount", AMOUNT_KEY).columnKey("tags.list.element", TAGS_KEY);
      if (aad == AadMode.NOT_STORED) {
        b.aadPrefix(AAD);
      }
      return b.build();
    }

    FileDecryptionProperties javaKeys() {
      return EncryptedFiles.javaKeys(FOOTER_KEY, keys == Keys.PER_COLUMN ? Map.of("id", ID_KEY, "amount", AMOUNT_KEY,
          "tags.list.element", TAGS_KEY) : Map.of(), aad == AadMode.NOT_STORED ? AAD : null);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (FileEncryption.Algorithm algorithm : FileEncryption.Algorithm.values()) {
      for (boolean encryptedFooter : new boolean[] {true, false}) {
        for (Keys keys : Keys.values()) {
          for (AadMode aad : AadMode.values()) {
            for (boolean columnar : new boolean[] {false, true}) {
              all.add(Arguments.of(new Case(algorithm, encryptedFooter, keys, aad, columnar)));
            }
          }
        }
      }
    }
    return all.stream();
  }

  static Row row(int i) {
    return Row.of(SCHEMA, (long) i, i % 13 == 0 ? null : "customer-name-" + i % 7, i * 0.5,
        i % 5 == 0 ? null : i % 7 == 0 ? List.of() : List.of(i, -i));
  }

  static List<List<String>> expected() {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Row r = row(i);
      List<String> values = new ArrayList<>();
      for (int c = 0; c < SCHEMA.size(); c++) {
        values.add(EncryptedFiles.canon(r.get(c)));
      }
      rows.add(values);
    }
    return rows;
  }

  static void write(Path file, WriteOptions options, boolean columnar) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, options)) {
      if (columnar) {
        ColumnBatch.Appender batch = ColumnBatch.appender(SCHEMA);
        for (int i = 0; i < ROWS; i++) {
          batch.appendRow(row(i));
          if (batch.batch().rowCount() == 2_500) {
            w.write(batch.batch());
            batch.clear();
          }
        }
        w.write(batch.batch());
      } else {
        for (int i = 0; i < ROWS; i++) {
          w.write(row(i));
        }
      }
    }
  }

  static WriteOptions options(FileEncryption encryption) {
    return new WriteOptions(Compression.UNCOMPRESSED, 64 * 1024, encryption);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("each combination reads back equal, value for value, by parquet-java and by our reader")
  void readBack(Case c) throws IOException {
    Path file = tmp.resolve("t.parquet");
    write(file, options(c.encryption()), c.columnar());
    List<List<String>> expected = expected();

    EncryptedFiles.assertSameRows(EncryptedFiles.parquetJava(file, c.javaKeys()), expected);
    EncryptedFiles.assertSameRows(EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(c.ourKeys())),
        expected);

    byte[] bytes = Files.readAllBytes(file);
    String head = new String(bytes, 0, 4, StandardCharsets.US_ASCII);
    String tail = new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII);
    assertThat(head + tail).as("magic").isEqualTo(c.encryptedFooter() ? "PAREPARE" : "PAR1PAR1");
    // written in clear in no module an encrypted column has: the name dictionary's strings appear only if name is in
    // clear
    assertThat(contains(bytes, "customer-name-6".getBytes(StandardCharsets.US_ASCII))).as("name's values visible")
        .isEqualTo(c.keys() == Keys.PER_COLUMN);

    ParquetReadOptions javaOptions = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withDecryption(c.javaKeys()).build();
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), javaOptions)) {
      List<BlockMetaData> blocks = r.getFooter().getBlocks();
      assertThat(blocks).as("row groups, each with its ordinal in its modules' AADs").hasSizeGreaterThan(1);
      for (int g = 0; g < blocks.size(); g++) {
        assertThat(blocks.get(g).getOrdinal()).isEqualTo(g);
        for (ColumnChunkMetaData chunk : blocks.get(g).getColumns()) {
          // parquet-java marks the chunks of columns with keys of their own (those on the footer key are covered by
          // the check of name's values above)
          boolean own = c.keys() == Keys.PER_COLUMN && !chunk.getPath().toDotString().equals("name");
          assertThat(chunk.isEncrypted()).as(chunk.getPath().toDotString() + " encrypted").isEqualTo(own);
        }
      }
    }
  }

  @Test
  @DisplayName("a wrong key on our own file is a DataFormatException naming the module; a wrong AAD prefix too")
  void wrongKeys() {
    Path footer = tmp.resolve("footer.parquet");
    write(footer, options(FileEncryption.builder().footerKey(FOOTER_KEY).columnKey("id", ID_KEY).build()), false);
    byte[] wrong = FOOTER_KEY.clone();
    wrong[0] ^= 1;
    assertThatThrownBy(() -> EncryptedFiles.ours(footer, ReadOptions.defaults()
        .withDecryption(FileDecryption.builder().footerKey(wrong).columnKey("id", ID_KEY).build())))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("the footer fails its authentication");
    byte[] wrongId = ID_KEY.clone();
    wrongId[3] ^= 1;
    assertThatThrownBy(() -> EncryptedFiles.ours(footer, ReadOptions.defaults()
        .withDecryption(FileDecryption.builder().footerKey(FOOTER_KEY).columnKey("id", wrongId).build())))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("of column id in row group 0")
        .hasMessageContaining("fails its authentication");

    Path signed = tmp.resolve("signed.parquet");
    write(signed, options(FileEncryption.builder().footerKey(FOOTER_KEY).plaintextFooter().aadPrefix(AAD)
        .storeAadPrefix(false).build()), true);
    assertThatThrownBy(() -> EncryptedFiles.ours(signed, ReadOptions.defaults()
        .withDecryption(FileDecryption.builder().footerKey(wrong).aadPrefix(AAD).build())))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("signature does not match");
    assertThatThrownBy(() -> EncryptedFiles.ours(signed, ReadOptions.defaults()
        .withDecryption(FileDecryption.builder().footerKey(FOOTER_KEY).aadPrefix(EncryptedFiles.bytes("other"))
            .build())))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("signature does not match");
  }

  @Test
  @DisplayName("settings are checked: a key for a column the schema lacks, keys of a wrong size, explicit keys with a "
      + "KMS; no key in toString")
  void refusals() {
    FileEncryption unknown = FileEncryption.builder().footerKey(FOOTER_KEY).columnKey("nope", ID_KEY).build();
    Path file = tmp.resolve("x.parquet");
    assertThatThrownBy(() -> write(file, options(unknown), false)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("column nope").hasMessageContaining("[id, name, amount, tags.list.element]");
    assertThat(file).doesNotExist();
    assertThat(tmp.toFile().list()).isEmpty();
    assertThatThrownBy(() -> FileEncryption.builder().footerKey(new byte[15]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("15 bytes");
    assertThatThrownBy(() -> FileEncryption.builder().build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FileEncryption.builder().footerKey(FOOTER_KEY).kms(new EncryptedCorpusTest.LocalKms(
        Map.of())).footerMasterKey("k").build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FileEncryption.builder().footerKey(FOOTER_KEY).storeAadPrefix(false).build())
        .isInstanceOf(InvalidInputException.class);
    FileEncryption e = FileEncryption.builder().footerKey(FOOTER_KEY).columnKey("id", ID_KEY).aadPrefix(AAD).build();
    String text = e.toString() + WriteOptions.defaults().withEncryption(e);
    assertThat(text).contains("id").doesNotContain(new String(FOOTER_KEY, StandardCharsets.US_ASCII))
        .doesNotContain(new String(ID_KEY, StandardCharsets.US_ASCII));
    assertThat(e).isEqualTo(e.toBuilder().build()).hasSameHashCodeAs(e.toBuilder().build());
  }

  /** The master keys of the envelope tests, shared with parquet-java's KMS class (which it instantiates itself). */
  static final Map<String, byte[]> MASTER_KEYS = Map.of(
      "footer-mk", EncryptedFiles.bytes("footer-master-key-0123456789abcd"),
      "pii-mk", EncryptedFiles.bytes("pii-master-key-0"),
      "tags-mk", EncryptedFiles.bytes("tags-master-key-0123456."));

  @ParameterizedTest(name = "double wrapping {0}, plaintext footer {1}")
  @MethodSource("envelopeCases")
  @DisplayName("the envelope: key material in the footer, read by parquet-java (its reader, its KMS interface, its "
      + "local unwrapping) and by our reader with the same KMS")
  void envelope(boolean doubleWrapping, boolean plaintextFooter) throws IOException {
    EncryptedCorpusTest.LocalKms kms = new EncryptedCorpusTest.LocalKms(MASTER_KEYS);
    FileEncryption.Builder b = FileEncryption.builder().kms(kms).footerMasterKey("footer-mk")
        .columnMasterKey("id", "pii-mk").columnMasterKey("amount", "pii-mk").columnMasterKey("tags.list.element",
            "tags-mk").doubleWrapping(doubleWrapping).dataKeyBits(doubleWrapping ? 128 : 256);
    if (plaintextFooter) {
      b.plaintextFooter();
    }
    Path file = tmp.resolve("envelope.parquet");
    write(file, options(b.build()), true);
    List<List<String>> expected = expected();

    EncryptedFiles.assertSameRows(EncryptedFiles.ours(file, ReadOptions.defaults()
        .withDecryption(FileDecryption.builder().kms(kms).build())), expected);

    FileDecryptionProperties javaKeys = FileDecryptionProperties.builder()
        .withKeyRetriever(new ParquetJavaKeyMaterial()).build();
    EncryptedFiles.assertSameRows(EncryptedFiles.parquetJava(file, javaKeys), expected);

    // the key material: PKMT1, stored in the file (the footer key's in the clear crypto metadata or plaintext footer;
    // the columns' in the footer, visible when it is plaintext), naming the master keys
    String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(raw).contains("\"keyMaterialType\":\"PKMT1\"").contains("\"internalStorage\":true")
        .contains("\"masterKeyID\":\"footer-mk\"").contains("\"doubleWrapping\":" + doubleWrapping);
    assertThat(raw.contains("\"masterKeyID\":\"pii-mk\"")).as("column key material visible")
        .isEqualTo(plaintextFooter);
  }

  static Stream<Arguments> envelopeCases() {
    return Stream.of(Arguments.of(true, false), Arguments.of(false, true));
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Unwraps our key material as parquet-java's key tools do: parsed by parquet-java's own {@code KeyMetadata.parse}
   * (strict: its booleans must be JSON booleans, its other fields strings), the key-encryption key unwrapped by the KMS,
   * the data key decrypted by parquet-java's {@code KeyToolkit.decryptKeyLocally}. This is {@code FileKeyUnwrapper}'s
   * work; that class itself needs Hadoop's {@code Configuration}, which cannot initialise on the test class path
   * (hadoop-common comes without its dependencies: commons-collections4 is missing), so the package-private parser is
   * reached by reflection.
   */
  static final class ParquetJavaKeyMaterial implements org.apache.parquet.crypto.DecryptionKeyRetriever {
    private final ParquetJavaKms kms = new ParquetJavaKms();

    @Override
    public byte[] getKey(byte[] keyMetadata) {
      try {
        Class<?> metadataClass = Class.forName("org.apache.parquet.crypto.keytools.KeyMetadata");
        Method parse = metadataClass.getDeclaredMethod("parse", byte[].class);
        parse.setAccessible(true);
        Object metadata = parse.invoke(null, (Object) keyMetadata);
        assertThat((Boolean) call(metadata, "keyMaterialStoredInternally")).isTrue();
        Object material = call(metadata, "getKeyMaterial");
        if ((Boolean) call(material, "isFooterKey")) {
          assertThat((String) call(material, "getKmsInstanceID")).isEqualTo("DEFAULT");
        }
        String master = (String) call(material, "getMasterKeyID");
        String wrappedDek = (String) call(material, "getWrappedDEK");
        if (!(Boolean) call(material, "isDoubleWrapped")) {
          return kms.unwrapKey(wrappedDek, master);
        }
        byte[] kek = kms.unwrapKey((String) call(material, "getWrappedKEK"), master);
        return KeyToolkit.decryptKeyLocally(wrappedDek, kek,
            java.util.Base64.getDecoder().decode((String) call(material, "getKekID")));
      } catch (InvocationTargetException e) {
        throw new IllegalStateException("parquet-java cannot parse our key material", e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
      Method m = target.getClass().getDeclaredMethod(method);
      m.setAccessible(true);
      return m.invoke(target);
    }
  }

  /**
   * parquet-java's KMS interface over the same master keys and wrapping as the host's {@link
   * EncryptedCorpusTest.LocalKms}: what parquet-java's key tools instantiate by class name to unwrap our key material.
   */
  public static final class ParquetJavaKms implements org.apache.parquet.crypto.keytools.KmsClient {
    private final EncryptedCorpusTest.LocalKms kms = new EncryptedCorpusTest.LocalKms(MASTER_KEYS);

    @Override
    public void initialize(org.apache.hadoop.conf.Configuration configuration, String kmsInstanceId,
        String kmsInstanceUrl, String accessToken) {
      // nothing to connect to
    }

    @Override
    public String wrapKey(byte[] key, String masterKeyId) {
      return kms.wrapKey(key, masterKeyId);
    }

    @Override
    public byte[] unwrapKey(String wrappedKey, String masterKeyId) {
      return kms.unwrapKey(wrappedKey, masterKeyId);
    }
  }
}
