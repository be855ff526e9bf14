package io.delpha.sdk.changes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stream binds text as its own UTF-8 bytes: held against the driver's text codec, which it stands in for. */
class TableWriterTextTest {

  @Test
  @DisplayName("a string's bytes as the stream binds them equal the driver's text codec's, for seeded strings of "
      + "ASCII, Latin-1, other BMP characters and supplementary ones")
  void textBytesAsTheDriversCodec() {
    long seed = Long.getLong("changes.text.seed", 7_101L);
    SplittableRandom random = new SplittableRandom(seed);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(4);
        int cp = switch (kind) {
          case 0 -> random.nextInt(0x20, 0x7f);
          case 1 -> random.nextInt(0x80, 0x100);
          case 2 -> {
            int c = random.nextInt(0x100, 0x10000);
            yield c >= 0xd800 && c <= 0xdfff ? 0x4e2d : c; // a surrogate alone is not a character
          }
          default -> random.nextInt(0x10000, 0x110000);
        };
        b.appendCodePoint(cp);
      }
      String s = b.toString();
      assertThat(TableWriter.utf8(s))
          .as("string %d of seed %d (replay: -Dchanges.text.seed=%d)", n, seed, seed)
          .isEqualTo(TypeCodecs.TEXT.encode(s, ProtocolVersion.DEFAULT));
    }
  }
}
