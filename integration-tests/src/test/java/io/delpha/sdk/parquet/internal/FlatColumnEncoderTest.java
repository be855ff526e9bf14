package io.delpha.sdk.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FlatColumnEncoder: its dictionary lookups, comparisons and id runs agree with the plain ways and parquet-column")
class FlatColumnEncoderTest {

  /** Byte strings of 0 to 40 bytes, many sharing prefixes and lengths, some with high bytes (unsigned order). */
  private static byte[] value(Random random) {
    byte[] b = new byte[random.nextInt(41)];
    int alphabet = random.nextBoolean() ? 3 : 256; // few letters: many equal prefixes, near-misses and repeats
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (alphabet == 3 ? 0x7e + random.nextInt(3) : random.nextInt(256));
    }
    return b;
  }

  @Test
  @DisplayName("compareUnsigned orders as Arrays.compareUnsigned, sameBytes is Arrays.equals, at every offset")
  void comparisons() {
    Random random = new Random(62);
    for (int round = 0; round < 20_000; round++) {
      byte[] a = value(random);
      byte[] b = random.nextInt(4) == 0 ? a.clone() : value(random);
      int pad = random.nextInt(9);
      byte[] data = new byte[pad + a.length + b.length + random.nextInt(9)];
      random.nextBytes(data);
      System.arraycopy(a, 0, data, pad, a.length);
      System.arraycopy(b, 0, data, pad + a.length, b.length);
      int aTo = pad + a.length;
      int bTo = aTo + b.length;
      assertThat(Integer.signum(PageStatistics.compareUnsigned(data, pad, aTo, aTo, bTo)))
          .as("%s vs %s", Arrays.toString(a), Arrays.toString(b))
          .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
      if (a.length == b.length) {
        assertThat(BinaryDictionary.sameBytes(data, pad, data, aTo, a.length)).isEqualTo(Arrays.equals(a, b));
      }
    }
  }

  @Test
  @DisplayName("the dictionary gives each distinct byte string one id, in order of first sight, across rehashes")
  void dictionaryIds() {
    Random random = new Random(2);
    BinaryDictionary dictionary = new BinaryDictionary(0);
    Map<ByteBuffer, Integer> expected = new HashMap<>();
    byte[][] seen = new byte[0][];
    for (int i = 0; i < 50_000; i++) {
      byte[] v = seen.length > 0 && random.nextInt(3) > 0 ? seen[random.nextInt(seen.length)] : value(random);
      int pad = random.nextInt(9);
      byte[] src = new byte[pad + v.length + random.nextInt(9)];
      random.nextBytes(src);
      System.arraycopy(v, 0, src, pad, v.length);
      Integer want = expected.get(ByteBuffer.wrap(v));
      if (want == null) {
        want = expected.size();
        expected.put(ByteBuffer.wrap(v.clone()), want);
        seen = Arrays.copyOf(seen, seen.length + 1);
        seen[seen.length - 1] = v.clone();
      }
      assertThat(dictionary.idOf(src, pad, pad + v.length)).isEqualTo(want);
    }
    assertThat(dictionary.size).isEqualTo(expected.size());
  }

  @Test
  @DisplayName("dictionary ids are encoded into the very bytes parquet-column's RLE / bit-packing encoder makes")
  void idRunsAreParquetColumns() throws Exception {
    Random random = new Random(8);
    GrowableBytes out = new GrowableBytes();
    for (int round = 0; round < 3_000; round++) {
      int bitWidth = random.nextInt(33);
      int count = random.nextInt(round < 100 ? 20 : 3_000);
      int[] ids = new int[count + random.nextInt(4)];
      long bound = 1L << bitWidth;
      int style = random.nextInt(4); // runs long and short, few values, or any value of the width
      for (int i = 0; i < count; i++) {
        int v = (int) (random.nextLong() & (bound - 1));
        ids[i] = style == 0 && i > 0 && random.nextInt(10) > 0 ? ids[i - 1]
            : style == 1 ? (int) Math.min(bound - 1, random.nextInt(3))
            : style == 2 && i > 0 && random.nextInt(3) == 0 ? ids[i - 1] : v;
      }
      RunLengthBitPackingHybridEncoder parquet = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, 1 << 20,
          new HeapByteBufferAllocator());
      for (int i = 0; i < count; i++) {
        parquet.writeInt(ids[i]);
      }
      byte[] expected = parquet.toBytes().toByteArray();
      out.length = 0;
      FlatColumnEncoder.IdRuns.encode(ids, count, bitWidth, out);
      assertThat(Arrays.copyOf(out.bytes, out.length)).as("width %d, %d ids, style %d", bitWidth, count, style)
          .isEqualTo(expected);
    }
  }
}
