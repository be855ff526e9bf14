package io.delpha.sdk.parquet.encryption;

import static io.delpha.sdk.parquet.encryption.EncryptedFiles.AAD_PREFIX;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.COLUMN_KEYS_256;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.DOUBLE_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.FLOAT_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.FOOTER_KEY;
import static io.delpha.sdk.parquet.encryption.EncryptedFiles.FOOTER_KEY_256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.KmsClient;
import io.delpha.sdk.parquet.ReadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 13 encrypted files of apache/parquet-testing (copied in {@code parquet-corpus/data}), read with the keys its
 * data/README.md gives, value for value as parquet-java's own reader reads them with the same keys; refused, typed,
 * without keys.
 */
@DisplayName("parquet-testing's encrypted files read with their keys as parquet-java reads them")
class EncryptedCorpusTest {

  private static final Path DATA = Path.of("integration-tests/src/test/resources/parquet-corpus/data").toAbsolutePath();

  static Stream<String> files() throws Exception {
    try (Stream<Path> s = Files.walk(DATA)) {
      return s.filter(p -> p.toString().endsWith(".parquet.encrypted")).map(p -> DATA.relativize(p).toString())
          .sorted().toList().stream();
    }
  }

  private static boolean aes256(String name) {
    return name.startsWith("aes256");
  }

  private static boolean withAad(String name) {
    return name.contains("_aad");
  }

  private static Map<String, byte[]> columnKeys(String name) {
    return aes256(name) ? COLUMN_KEYS_256 : Map.of("double_field", DOUBLE_KEY, "float_field", FLOAT_KEY);
  }

  private static FileDecryption explicit(String name) {
    FileDecryption.Builder b = FileDecryption.builder().footerKey(aes256(name) ? FOOTER_KEY_256 : FOOTER_KEY);
    columnKeys(name).forEach(b::columnKey);
    if (withAad(name)) {
      b.aadPrefix(AAD_PREFIX);
    }
    return b.build();
  }

  @Test
  @DisplayName("the corpus holds the 13 encrypted files and the key material file of the external one")
  void corpus() throws Exception {
    assertThat(files().toList()).hasSize(13);
    assertThat(DATA.resolve("_KEY_MATERIAL_FOR_external_key_material_java.parquet.encrypted.json")).exists();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  @DisplayName("each file reads with explicit keys exactly as parquet-java reads it with them")
  void explicitKeys(String name) throws Exception {
    if (name.startsWith("external")) {
      return; // its keys are wrapped by a KMS: kmsEnvelope reads it
    }
    Path file = DATA.resolve(name);
    List<List<String>> ours = EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(explicit(name)));
    List<List<String>> java = EncryptedFiles.parquetJava(file, EncryptedFiles.javaKeys(
        aes256(name) ? FOOTER_KEY_256 : FOOTER_KEY, columnKeys(name), withAad(name) ? AAD_PREFIX : null));
    EncryptedFiles.assertSameRows(ours, java);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  @DisplayName("without keys each file is refused as encrypted, naming it")
  void refusedWithoutKeys(String name) {
    assertThatThrownBy(() -> EncryptedFiles.ours(DATA.resolve(name), ReadOptions.defaults()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(Path.of(name).getFileName().toString())
        .hasMessageContaining("encrypted (Parquet modular encryption");
  }

  @Test
  @DisplayName("a key retriever given each key's key_metadata (the README's key ids kf, kc1, kc2) reads as explicit keys")
  void keyRetriever() throws Exception {
    Map<String, byte[]> byId = Map.of("kf", FOOTER_KEY, "kc1", DOUBLE_KEY, "kc2", FLOAT_KEY);
    Path file = DATA.resolve("encrypt_columns_and_footer.parquet.encrypted");
    FileDecryption retrieved = FileDecryption.builder()
        .keyRetriever(metadata -> byId.get(new String(metadata, StandardCharsets.UTF_8))).build();
    assertThat(EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(retrieved)))
        .isEqualTo(EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(explicit(file.toString()))));
  }

  @Test
  @DisplayName("external key material (_KEY_MATERIAL_FOR_...json beside the file), double wrapped by parquet-java's "
      + "InMemoryKMS, unwraps with the host's KMS and reads the rows the explicit-key files hold")
  void kmsEnvelope(@TempDir Path tmp) throws Exception {
    Path file = DATA.resolve("external_key_material_java.parquet.encrypted");
    FileDecryption kms = FileDecryption.builder().kms(new LocalKms(Map.of("kf", FOOTER_KEY, "kc1", DOUBLE_KEY,
        "kc2", FLOAT_KEY))).build();
    List<List<String>> rows = EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(kms));
    // every module authenticates under the unwrapped keys (a wrong key cannot), and the rows are parquet-java's
    // test pattern of 100 rows: i, then the letter i mod 10 followed by i
    List<List<String>> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add(List.of(Integer.toString(i), (char) ('a' + i % 10) + Integer.toString(i)));
    }
    EncryptedFiles.assertSameRows(rows, expected);
    assertThat(kms.kms()).isInstanceOf(LocalKms.class);
    assertThat(((LocalKms) kms.kms()).unwraps).as("each key-encryption key unwrapped once").containsOnlyKeys("kf",
        "kc1", "kc2").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));

    // read elsewhere (a copy without its key material beside it): told where to give it, then read with it
    Path copy = Files.copy(file, tmp.resolve("copy.parquet"));
    assertThatThrownBy(() -> EncryptedFiles.ours(copy, ReadOptions.defaults().withDecryption(kms)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("copy.parquet")
        .hasMessageContaining("_KEY_MATERIAL_FOR_copy.parquet.json");
    FileDecryption given = kms.toBuilder()
        .keyMaterialFile(DATA.resolve("_KEY_MATERIAL_FOR_external_key_material_java.parquet.encrypted.json")).build();
    assertThat(EncryptedFiles.ours(copy, ReadOptions.defaults().withDecryption(given))).isEqualTo(rows);
  }

  /**
   * A KMS of master keys held in memory that wraps as parquet-java's InMemoryKMS does: AES-GCM (nonce, ciphertext,
   * tag, base64) with the master key's id as AAD. The host's side of the seam, written here.
   */
  static final class LocalKms implements KmsClient {
    private final Map<String, byte[]> masterKeys;
    final Map<String, Integer> unwraps = new HashMap<>();

    LocalKms(Map<String, byte[]> masterKeys) {
      this.masterKeys = masterKeys;
    }

    @Override
    public String wrapKey(byte[] key, String masterKeyId) {
      try {
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKeys.get(masterKeyId), "AES"),
            new GCMParameterSpec(128, nonce));
        c.updateAAD(masterKeyId.getBytes(StandardCharsets.UTF_8));
        byte[] ct = c.doFinal(key);
        byte[] out = new byte[12 + ct.length];
        System.arraycopy(nonce, 0, out, 0, 12);
        System.arraycopy(ct, 0, out, 12, ct.length);
        return Base64.getEncoder().encodeToString(out);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] unwrapKey(String wrappedKey, String masterKeyId) {
      unwraps.merge(masterKeyId, 1, Integer::sum);
      try {
        byte[] in = Base64.getDecoder().decode(wrappedKey);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(masterKeys.get(masterKeyId), "AES"),
            new GCMParameterSpec(128, in, 0, 12));
        c.updateAAD(masterKeyId.getBytes(StandardCharsets.UTF_8));
        return c.doFinal(in, 12, in.length - 12);
      } catch (java.security.GeneralSecurityException e) {
        throw new io.delpha.sdk.core.AccessDeniedException("the KMS cannot unwrap with master key " + masterKeyId);
      }
    }
  }
}
