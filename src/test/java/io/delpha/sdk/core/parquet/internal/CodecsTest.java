package io.delpha.sdk.core.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class CodecsTest {

  private final BytesInputDecompressor snappy = Codecs.INSTANCE.getDecompressor(CompressionCodecName.SNAPPY);

  private static byte[] page() {
    byte[] raw = new byte[64 * 1024];
    Random random = new Random(15);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i % 251 < 40 ? random.nextInt() : i % 13); // literals and back-references
    }
    return raw;
  }

  @Test
  @DisplayName("a SNAPPY page decompresses to exactly its bytes")
  void roundTrip() throws IOException {
    byte[] raw = page();
    byte[] compressed = Snappy.compress(raw);
    assertThat(snappy.decompress(BytesInput.from(compressed), raw.length).toByteArray()).isEqualTo(raw);
  }

  @Test
  @DisplayName("a SNAPPY page whose header claims another size, or that is cut short, is an IOException saying so")
  void wrongSizeOrTruncated() throws IOException {
    byte[] raw = page();
    byte[] compressed = Snappy.compress(raw);
    assertThatThrownBy(() -> snappy.decompress(BytesInput.from(compressed), raw.length - 1))
        .isInstanceOf(IOException.class).hasMessageContaining("SNAPPY page is corrupt");
    assertThatThrownBy(() -> snappy.decompress(BytesInput.from(compressed), raw.length + 1))
        .isInstanceOf(IOException.class).hasMessageContaining("SNAPPY page is corrupt");
    byte[] cut = Arrays.copyOf(compressed, compressed.length / 2);
    assertThatThrownBy(() -> snappy.decompress(BytesInput.from(cut), raw.length))
        .isInstanceOf(IOException.class).hasMessageContaining("SNAPPY page is corrupt");
  }

  @Test
  @DisplayName("bytes flipped anywhere in a SNAPPY page give an IOException or a page of its declared size, never a crash")
  void flippedBytes() throws IOException {
    byte[] raw = page();
    byte[] compressed = Snappy.compress(raw);
    int failures = 0;
    for (int at = 0; at < compressed.length; at += 37) {
      byte[] bad = compressed.clone();
      bad[at] = (byte) ~bad[at];
      try {
        assertThat(snappy.decompress(BytesInput.from(bad), raw.length).toByteArray()).hasSize(raw.length);
      } catch (IOException e) {
        assertThat(e).hasMessageContaining("SNAPPY page is corrupt");
        failures++;
      }
    }
    assertThat(failures).isPositive();
  }
}
