package io.delpha.sdk.parquet.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.encryption.EncryptedFiles.Setup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.crypto.ParquetCipher;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files parquet-java encrypts at test time (its {@code ParquetWriter} with {@code FileEncryptionProperties}): both
 * algorithms, both footer modes, uniform and per-column keys (128, 192 and 256 bits, a column in clear), an AAD prefix
 * stored and not, data pages v1 and v2; each read by us exactly as parquet-java reads it with the same keys.
 */
@DisplayName("files parquet-java encrypts read as parquet-java reads them")
class ParquetJavaEncryptedTest {

  private static final byte[] PREFIX = "table=orders/part=7".getBytes(StandardCharsets.UTF_8);

  static Stream<Setup> setups() {
    return Stream.of(
        new Setup(ParquetCipher.AES_GCM_V1, true, false, null, true, false),
        new Setup(ParquetCipher.AES_GCM_V1, true, true, null, true, false),
        new Setup(ParquetCipher.AES_GCM_V1, false, true, PREFIX, true, false),
        new Setup(ParquetCipher.AES_GCM_V1, true, true, PREFIX, false, true),
        new Setup(ParquetCipher.AES_GCM_CTR_V1, true, false, PREFIX, true, false),
        new Setup(ParquetCipher.AES_GCM_CTR_V1, true, true, null, true, true),
        new Setup(ParquetCipher.AES_GCM_CTR_V1, false, true, PREFIX, false, false),
        new Setup(ParquetCipher.AES_GCM_CTR_V1, false, false, null, true, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setups")
  @DisplayName("every row and value as parquet-java reads it; several row groups and pages, a dictionary")
  void readsAsParquetJava(Setup setup, @TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("f.parquet");
    EncryptedFiles.writeParquetJava(file, setup, 4000);
    List<List<String>> java = EncryptedFiles.parquetJava(file, setup.javaKeys());
    assertThat(java).hasSize(4000);
    try (ParquetFileReader r = ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file),
        org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration())
            .withDecryption(setup.javaKeys()).build())) {
      assertThat(r.getRowGroups()).as("several row groups").hasSizeGreaterThan(1);
    }
    EncryptedFiles.assertSameRows(EncryptedFiles.ours(file, ReadOptions.defaults().withDecryption(setup.keys())), java);
    // and column by column in batches, on several threads (readers sharing the file's decryption)
    EncryptedFiles.assertSameRows(EncryptedFiles.ours(file,
        ReadOptions.defaults().withDecryption(setup.keys()).withBatchRows(333).withThreads(3)), java);
  }
}
