package io.delpha.sdk.parquet.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.encryption.EncryptedFiles.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.crypto.ParquetCipher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of encrypted files: files parquet-java encrypts with AES_GCM_V1 on the footer key (every column
 * encrypted, an encrypted footer and a signed plaintext one) get one to three bytes flipped anywhere (module lengths,
 * nonces, ciphertexts, tags, the footer, the page indexes); each read must give the rows parquet-java reads from the
 * unchanged file, or a {@link DataFormatException}: never other rows, another exception or an {@code Error}.
 * (AES_GCM_CTR_V1 pages are not authenticated, by design of the format: a changed byte there may read as other values,
 * so CTR files are not fuzzed here.)
 *
 * <p>{@code -Dfuzz.seed=N} is the first seed, {@code -Dfuzz.count=M} the cases (200 by default, about a second). A
 * failing seed prints the command that replays it.
 */
@DisplayName("seeded: encrypted files with changed bytes read the same rows or are refused, typed")
class EncryptionFuzzTest {

  private static final List<Setup> SETUPS = List.of(
      new Setup(ParquetCipher.AES_GCM_V1, true, false, null, true, false),
      new Setup(ParquetCipher.AES_GCM_V1, false, false, "fuzz".getBytes(), true, false));
  private static final List<byte[]> FILES = new ArrayList<>();
  private static List<List<String>> rows;

  @BeforeAll
  static void write(@TempDir Path tmp) throws Exception {
    for (int i = 0; i < SETUPS.size(); i++) {
      Path f = tmp.resolve("f" + i + ".parquet");
      EncryptedFiles.writeParquetJava(f, SETUPS.get(i), 600);
      List<List<String>> read = EncryptedFiles.parquetJava(f, SETUPS.get(i).javaKeys());
      assertThat(rows == null || read.equals(rows)).isTrue();
      rows = read;
      FILES.add(Files.readAllBytes(f));
      // the unchanged file reads as parquet-java reads it: the fuzzer's oracle is sound
      EncryptedFiles.assertSameRows(EncryptedFiles.ours(f, ReadOptions.defaults().withDecryption(SETUPS.get(i).keys())),
          rows);
    }
  }

  @Test
  @DisplayName("flipped bytes anywhere: the same rows or a DataFormatException")
  void flippedBytes(@TempDir Path tmp) throws Exception {
    long first = Long.getLong("fuzz.seed", 20261127L);
    int count = Integer.getInteger("fuzz.count", 200);
    List<String> failures = new ArrayList<>();
    int[] outcomes = new int[2]; // same rows, refused
    for (long seed = first; seed < first + count && failures.size() < 10; seed++) {
      Random random = new Random(seed);
      int which = random.nextInt(FILES.size());
      byte[] bytes = FILES.get(which).clone();
      StringBuilder done = new StringBuilder();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        int at = random.nextInt(bytes.length);
        int bit = 1 << random.nextInt(8);
        bytes[at] ^= (byte) bit;
        done.append(" byte ").append(at).append(" ^").append(bit);
      }
      Path file = Files.write(tmp.resolve("m" + seed + ".parquet"), bytes);
      try {
        List<List<String>> read = EncryptedFiles.ours(file,
            ReadOptions.defaults().withDecryption(SETUPS.get(which).keys()));
        if (read.equals(rows)) {
          outcomes[0]++;
        } else {
          failures.add("seed " + seed + " (" + SETUPS.get(which) + ";" + done + "): other rows were read");
        }
      } catch (DataFormatException e) {
        outcomes[1]++;
      } catch (RuntimeException | Error e) {
        failures.add("seed " + seed + " (" + SETUPS.get(which) + ";" + done + "): " + e);
      } finally {
        Files.deleteIfExists(file);
      }
      if (failures.size() > 0 && failures.get(failures.size() - 1).startsWith("seed " + seed + " ")) {
        failures.set(failures.size() - 1, failures.get(failures.size() - 1)
            + "\n  replay: mvn -q test -Dtest=EncryptionFuzzTest -Dfuzz.seed=" + seed + " -Dfuzz.count=1");
      }
    }
    assertThat(failures).as("failing seeds").isEmpty();
    assertThat(outcomes[0] + outcomes[1]).isEqualTo(count);
    if (count >= 100) {
      assertThat(outcomes[1]).as("cases refused").isPositive();
    }
  }
}
