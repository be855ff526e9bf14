package io.delpha.sdk.parquet.encryption;

import static io.delpha.sdk.parquet.encryption.EncryptedFiles.AMOUNT_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.ID_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.WRITE_FOOTER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.encryption.EncryptedCorpusTest.LocalKms;
import io.delpha.sdk.parquet.encryption.EncryptedFiles.Setup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.crypto.ParquetCipher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys' public face: never shown, checked when given; the envelope's single wrapping and key material. */
@DisplayName("FileDecryption: keys never shown, checked when given; envelope key material read in any field order")
class FileDecryptionTest {

  @Test
  @DisplayName("toString and ReadOptions.toString show which keys are given, never a key or the AAD prefix")
  void redacted() {
    FileDecryption keys = FileDecryption.builder().footerKey(WRITE_FOOTER_KEY).columnKey("id", ID_KEY)
        .aadPrefix("secret-table".getBytes(StandardCharsets.UTF_8)).build();
    String shown = keys + " " + ReadOptions.defaults().withDecryption(keys);
    assertThat(shown).contains("id").contains("redacted")
        .doesNotContain(new String(WRITE_FOOTER_KEY, StandardCharsets.US_ASCII))
        .doesNotContain(new String(ID_KEY, StandardCharsets.US_ASCII)).doesNotContain("secret-table");
    byte[] given = keys.footerKey();
    given[0] ^= 1;
    assertThat(keys.footerKey()).as("a copy").isEqualTo(WRITE_FOOTER_KEY);
  }

  @Test
  @DisplayName("a key of another length than 128, 192 or 256 bits, and a retriever with a KMS, are refused")
  void checked() {
    assertThatThrownBy(() -> FileDecryption.builder().footerKey(new byte[15])).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("15 bytes");
    assertThatThrownBy(() -> FileDecryption.builder().columnKey("a", new byte[33]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("column a");
    assertThatThrownBy(() -> FileDecryption.builder().keyRetriever(m -> null)
        .kms(new LocalKms(Map.of())).build()).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("single wrapping, key material in the footer (internalStorage), fields in another order and booleans "
      + "as JSON booleans (pyarrow's way) read as parquet-java reads the file with the keys")
  void singleWrappingInternalMaterial(@TempDir Path tmp) throws Exception {
    LocalKms kms = new LocalKms(Map.of("master-footer", "master-footer-key-012345".getBytes(StandardCharsets.US_ASCII),
        "master-columns", "master-columns-key-01234".getBytes(StandardCharsets.US_ASCII)));
    Setup setup = new Setup(ParquetCipher.AES_GCM_CTR_V1, false, true, null, true, false);
    Path file = tmp.resolve("envelope.parquet");
    EncryptedFiles.writeParquetJava(file, setup, 1000, material(kms, WRITE_FOOTER_KEY, "master-footer", true),
        material(kms, ID_KEY, "master-columns", false), material(kms, AMOUNT_KEY, "master-columns", false));
    EncryptedFiles.assertSameRows(
        EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(FileDecryption.builder().kms(kms).build())),
        EncryptedFiles.parquetJava(file, setup.javaKeys()));

    // a KMS that refuses: its own typed exception, the read's failure
    LocalKms other = new LocalKms(Map.of("master-footer", "another-master-key-01234".getBytes(StandardCharsets.US_ASCII),
        "master-columns", "another-master-key-01234".getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> EncryptedFiles.ours(file,
        ReadOptions.defaults().withDecryption(FileDecryption.builder().kms(other).build())))
        .isInstanceOf(AccessDeniedException.class);
  }

  private static byte[] material(LocalKms kms, byte[] key, String master, boolean footer) {
    String json = "{\"wrappedDEK\":\"" + kms.wrapKey(key, master) + "\",\"masterKeyID\":\"" + master
        + "\",\"doubleWrapping\":false,\"internalStorage\":true,\"isFooterKey\":" + footer
        + ",\"keyMaterialType\":\"PKMT1\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
