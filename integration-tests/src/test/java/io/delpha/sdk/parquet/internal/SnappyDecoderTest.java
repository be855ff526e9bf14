package io.delpha.sdk.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Our Snappy decoder held against snappy-java (Google's C++ decoder, which we did not write): texts compressed by
 * snappy-java decode to themselves; streams of every element kind (literals with 0 to 4 length bytes, copies with 1, 2
 * and 4 offset bytes, overlapping copies) built at random decode as snappy-java decodes them; and mutated streams are
 * either decoded as snappy-java decodes them or refused as it refuses them, with nothing written outside the page.
 * A failing seed prints its replay command ({@code -Dsnappy.seed}, {@code -Dsnappy.cases}).
 */
@DisplayName("SnappyDecoder: decodes as snappy-java does, and refuses what it refuses, writing nothing outside the page")
class SnappyDecoderTest {

  private static final long SEED = Long.getLong("snappy.seed", 20261126L);
  private static final int CASES = Integer.getInteger("snappy.cases", 400);
  /** Bytes before and after the page in the output array: they must stay as they were. */
  private static final int GUARD = 24;
  private static final byte SENTINEL = (byte) 0xA5;

  private static String replay(long seed) {
    return "seed " + seed + " (replay: mvn test -Dtest=SnappyDecoderTest -Dsnappy.seed=" + seed + " -Dsnappy.cases=1)";
  }

  /** Texts shaped as Parquet pages and worse: plain longs, random bytes, short periods, long runs, mixtures. */
  private static byte[] text(Random random) {
    int size = switch (random.nextInt(5)) {
      case 0 -> random.nextInt(64);
      case 1 -> random.nextInt(4_096);
      case 2 -> random.nextInt(70_000);
      default -> random.nextInt(300_000);
    };
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    long v = random.nextLong();
    while (b.hasRemaining()) {
      int part = Math.min(b.remaining(), 1 + random.nextInt(5_000));
      switch (random.nextInt(5)) {
        case 0 -> { // plain longs, as a page of ids or timestamps
          for (int i = 0; i + 8 <= part; i += 8) {
            b.putLong(v += random.nextInt(3) == 0 ? random.nextInt(1_000) : 1);
          }
          while (b.position() % 8 != 0 && b.hasRemaining()) {
            b.put((byte) 0);
          }
        }
        case 1 -> { // random bytes: literals
          byte[] r = new byte[part];
          random.nextBytes(r);
          b.put(r);
        }
        case 2 -> { // a short period: overlapping copies
          byte[] period = new byte[1 + random.nextInt(9)];
          random.nextBytes(period);
          for (int i = 0; i < part; i++) {
            b.put(period[i % period.length]);
          }
        }
        case 3 -> { // one byte repeated
          byte x = (byte) random.nextInt(256);
          for (int i = 0; i < part; i++) {
            b.put(x);
          }
        }
        default -> { // a repeat of something earlier: a far copy
          int at = b.position();
          int from = at == 0 ? 0 : random.nextInt(at);
          for (int i = 0; i < part; i++) {
            b.put(at == 0 ? (byte) i : b.get(from + i % (at - from)));
          }
        }
      }
    }
    return b.array();
  }

  /** Decodes with ours into the middle of a guarded array; checks the guards; returns the page. */
  private static byte[] ours(byte[] stream, int length, int expected) throws IOException {
    byte[] out = new byte[GUARD + expected + GUARD];
    Arrays.fill(out, SENTINEL);
    try {
      SnappyDecoder.decode(stream, 0, length, out, GUARD, expected);
    } finally {
      for (int i = 0; i < GUARD; i++) {
        assertThat(out[i]).as("byte %d before the page", GUARD - i).isEqualTo(SENTINEL);
        assertThat(out[GUARD + expected + i]).as("byte %d after the page", i).isEqualTo(SENTINEL);
      }
    }
    return Arrays.copyOfRange(out, GUARD, GUARD + expected);
  }

  @Test
  @DisplayName("texts compressed by snappy-java decode to themselves")
  void compressedBySnappyJava() throws IOException {
    for (int c = 0; c < CASES; c++) {
      long seed = SEED + c;
      byte[] text = text(new Random(seed));
      byte[] stream = Snappy.compress(text);
      try {
        assertThat(ours(stream, stream.length, text.length)).as(replay(seed)).isEqualTo(text);
      } catch (IOException | RuntimeException e) {
        fail(replay(seed), e);
      }
    }
  }

  /** A valid stream of random elements of every kind, and what it decodes to, built by the rules of the format. */
  private static byte[][] randomStream(Random random) {
    ByteArrayOutputStream elements = new ByteArrayOutputStream();
    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    int count = random.nextInt(60);
    for (int e = 0; e < count; e++) {
      int produced = decoded.size();
      int kind = produced == 0 ? 0 : random.nextInt(4);
      if (kind == 0) {
        int len = switch (random.nextInt(4)) {
          case 0 -> 1 + random.nextInt(16);
          case 1 -> 1 + random.nextInt(60);
          case 2 -> 61 + random.nextInt(200);
          default -> 1 + random.nextInt(70_000);
        };
        int lengthBytes = len <= 60 && random.nextBoolean() ? 0 : len - 1 < 256 ? 1 + random.nextInt(4)
            : len - 1 < 65_536 ? 2 + random.nextInt(3) : 3 + random.nextInt(2);
        if (lengthBytes == 0) {
          elements.write((len - 1) << 2);
        } else {
          elements.write((59 + lengthBytes) << 2);
          for (int k = 0; k < lengthBytes; k++) {
            elements.write((len - 1) >>> (8 * k));
          }
        }
        byte[] literal = new byte[len];
        random.nextBytes(literal);
        elements.writeBytes(literal);
        decoded.writeBytes(literal);
        continue;
      }
      int offset;
      int len;
      if (kind == 1) {
        len = 4 + random.nextInt(8);
        offset = 1 + random.nextInt(Math.min(produced, 2_047));
        elements.write(1 | (len - 4) << 2 | (offset >>> 8) << 5);
        elements.write(offset);
      } else {
        len = 1 + random.nextInt(64);
        offset = 1 + random.nextInt(Math.min(produced, kind == 2 ? 65_535 : Integer.MAX_VALUE));
        if (random.nextInt(4) == 0) {
          offset = 1 + random.nextInt(Math.min(produced, 9)); // overlapping: a short period repeated
        }
        elements.write(kind | (len - 1) << 2);
        for (int k = 0; k < (kind == 2 ? 2 : 4); k++) {
          elements.write(offset >>> (8 * k));
        }
      }
      byte[] grown = Arrays.copyOf(decoded.toByteArray(), produced + len);
      for (int k = 0; k < len; k++) {
        grown[produced + k] = grown[produced - offset + k]; // byte by byte: an overlapping copy repeats its period
      }
      decoded.write(grown, produced, len);
    }
    byte[] body = elements.toByteArray();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    int n = decoded.size();
    do {
      int b = n & 0x7f;
      n >>>= 7;
      stream.write(n != 0 ? b | 0x80 : b);
    } while (n != 0);
    stream.writeBytes(body);
    return new byte[][] {stream.toByteArray(), decoded.toByteArray()};
  }

  @Test
  @DisplayName("streams of every element kind decode as snappy-java decodes them")
  void everyElementKind() throws IOException {
    for (int c = 0; c < CASES; c++) {
      long seed = SEED + c;
      byte[][] made = randomStream(new Random(seed));
      byte[] stream = made[0];
      byte[] expected = made[1];
      assertThat(Snappy.uncompress(stream)).as("snappy-java's decoding, " + replay(seed)).isEqualTo(expected);
      try {
        assertThat(ours(stream, stream.length, expected.length)).as(replay(seed)).isEqualTo(expected);
      } catch (IOException | RuntimeException e) {
        fail(replay(seed), e);
      }
    }
  }

  @Test
  @DisplayName("a mutated stream is decoded as snappy-java decodes it, or refused as it refuses it, never overrunning")
  void mutatedStreams() throws IOException {
    for (int c = 0; c < CASES * 5; c++) {
      long seed = SEED + c;
      Random random = new Random(seed);
      byte[] stream = random.nextBoolean() ? randomStream(random)[0] : Snappy.compress(text(random));
      byte[] bad = mutate(stream, random);
      boolean valid = Snappy.isValidCompressedBuffer(bad);
      int declared;
      try {
        declared = Snappy.uncompressedLength(bad);
      } catch (IOException e) {
        declared = -1;
      }
      if (declared < 0 || declared > 1 << 22) {
        // a length no page claims: refused before anything is decoded
        int claim = declared < 0 ? 16 : 1 << 10;
        assertThatThrownBy(() -> ours(bad, bad.length, claim)).as(replay(seed)).isInstanceOf(IOException.class);
        continue;
      }
      byte[] got;
      try {
        got = ours(bad, bad.length, declared);
      } catch (IOException e) {
        assertThat(valid).as("snappy-java accepts what we refused (%s), %s", e.getMessage(), replay(seed)).isFalse();
        continue;
      } catch (RuntimeException e) {
        fail("not an IOException: " + replay(seed), e);
        return;
      }
      assertThat(valid).as("snappy-java refuses what we decoded, " + replay(seed)).isTrue();
      assertThat(got).as(replay(seed)).isEqualTo(Snappy.uncompress(bad));
    }
  }

  private static byte[] mutate(byte[] stream, Random random) {
    byte[] bad = stream.clone();
    switch (random.nextInt(4)) {
      case 0 -> { // flip bytes
        for (int k = 0; k < 1 + random.nextInt(3) && bad.length > 0; k++) {
          bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case 1 -> bad = Arrays.copyOf(bad, random.nextInt(bad.length + 1)); // cut short
      case 2 -> { // extra bytes at the end
        bad = Arrays.copyOf(bad, bad.length + 1 + random.nextInt(8));
        for (int k = stream.length; k < bad.length; k++) {
          bad[k] = (byte) random.nextInt(256);
        }
      }
      default -> { // a byte of the body set to a copy tag with a far offset
        if (bad.length > 2) {
          int at = 1 + random.nextInt(bad.length - 1);
          bad[at] = (byte) (random.nextBoolean() ? 0xff : 0xfe);
        }
      }
    }
    return bad;
  }

  @Test
  @DisplayName("a stream declaring another length than the page's, or one that does not fit, is refused")
  void lengths() throws IOException {
    byte[] text = "a page of text, a page of text, a page of text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] stream = Snappy.compress(text);
    assertThatThrownBy(() -> ours(stream, stream.length, text.length + 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("not " + (text.length + 1));
    assertThatThrownBy(() -> SnappyDecoder.decode(stream, 0, stream.length, new byte[text.length - 1], 0, text.length))
        .isInstanceOf(IOException.class).hasMessageContaining("does not fit");
    assertThatThrownBy(() -> SnappyDecoder.decode(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 1}, 0, 6, new byte[16], 0, 0)).isInstanceOf(IOException.class).hasMessageContaining("impossible");
    assertThatThrownBy(() -> SnappyDecoder.decode(new byte[0], 0, 0, new byte[16], 0, 0))
        .isInstanceOf(IOException.class).hasMessageContaining("ends within its length");
    assertThat(ours(stream, stream.length, text.length)).isEqualTo(text);
    // a non-minimal varint (0x85 0x00 is 5) still starts the elements after its own bytes
    byte[] padded = {(byte) 0x85, 0x00, 4 << 2, 'h', 'e', 'l', 'l', 'o'};
    assertThat(ours(padded, padded.length, 5)).isEqualTo("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
