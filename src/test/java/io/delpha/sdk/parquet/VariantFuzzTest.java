package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link Variant#from}: valid pairs (every parquet-testing case, and variants our encoder makes
 * from random values) with bits flipped, bytes set, cut short, extended, counts and offsets made huge. Each mutated
 * pair either decodes, and then everything a caller can do with it works (JSON that a strict parser reads, every
 * getter of its type, every field and element, equality with its re-encoding), or is refused with a
 * {@link DataFormatException}; never another exception, never a {@code StackOverflowError} or
 * {@code OutOfMemoryError}. Random valid values also check the encoder: decoded equal, re-encoded to the same bytes.
 *
 * <p>{@code -Dvariant.seed=N} (default 59000) and {@code -Dvariant.count=M} (default 4000) choose the cases: case
 * {@code i} uses seed {@code N + i}. A failure lists each failing seed with the command that replays it alone.
 */
@DisplayName("Variant: mutated bytes decode or are a DataFormatException, never anything else")
class VariantFuzzTest {

  static final long SEED = Long.getLong("variant.seed", 59_000L);
  static final int COUNT = Integer.getInteger("variant.count", 4000);
  static final ObjectMapper STRICT_JSON = new ObjectMapper();

  /** Valid metadata and value pairs to mutate. */
  static final List<byte[][]> SAMPLES = new ArrayList<>();

  @BeforeAll
  static void samples() throws IOException {
    for (String name : VariantSpecCasesTest.cases()) {
      SAMPLES.add(new byte[][] {Files.readAllBytes(VariantSpecCasesTest.DIR.resolve(name + ".metadata")),
          Files.readAllBytes(VariantSpecCasesTest.DIR.resolve(name + ".value"))});
    }
    try (Stream<Path> s = Files.list(VariantShreddedCasesTest.DIR)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".variant.bin")).sorted().toList()) {
        Variant v = VariantShreddedCasesTest.read(p.getFileName().toString());
        SAMPLES.add(new byte[][] {v.metadata(), v.value()});
      }
    }
    assertThat(SAMPLES).hasSize(29 + 137);
  }

  @Test
  @DisplayName("each seeded case: a mutated pair decodes and works, or is a DataFormatException")
  void mutatedPairs() {
    List<String> failures = new ArrayList<>();
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < COUNT; i++) {
      long seed = SEED + i;
      try {
        if (runCase(seed)) {
          decoded++;
        } else {
          refused++;
        }
      } catch (Throwable t) { // any other exception, an assertion, a StackOverflowError: the case failed
        if (failures.size() < 10) {
          failures.add("seed " + seed + ": " + t + "\n  replay: mvn -q test -Dtest=VariantFuzzTest -Dvariant.seed="
              + seed + " -Dvariant.count=1");
        }
      }
    }
    assertThat(failures).as("failing seeds").isEmpty();
    if (COUNT >= 1000) { // both outcomes are exercised, not only one
      assertThat(decoded).as("cases that decoded").isGreaterThan(COUNT / 20);
      assertThat(refused).as("cases refused").isGreaterThan(COUNT / 5);
    }
  }

  /** @return whether the case's pair decoded (false: refused with a DataFormatException) */
  static boolean runCase(long seed) {
    Random r = new Random(seed);
    byte[][] pair;
    if (r.nextInt(4) == 0) {
      Variant generated = randomVariant(r, 0);
      checkGenerated(generated);
      pair = new byte[][] {generated.metadata(), generated.value()};
    } else {
      byte[][] sample = SAMPLES.get(r.nextInt(SAMPLES.size()));
      pair = new byte[][] {sample[0].clone(), sample[1].clone()};
    }
    int mutations = 1 + r.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int which = r.nextInt(3) == 0 ? 0 : 1; // the value more often: it has more structure
      pair[which] = mutate(pair[which], r);
    }
    Variant v;
    try {
      v = Variant.from(pair[0], pair[1]);
    } catch (DataFormatException e) {
      assertThat(e.getMessage()).startsWith("malformed variant ").doesNotEndWith("null");
      return false;
    }
    exercise(v, 0);
    return true;
  }

  static byte[] mutate(byte[] b, Random r) {
    int op = r.nextInt(8);
    if (b.length == 0) {
      op = 3;
    }
    switch (op) {
      case 0 -> { // flip bits
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
          int i = r.nextInt(b.length);
          b[i] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case 1 -> { // a random byte, or an extreme one
        int[] pick = {0, 0xFF, 0x7F, 0x80, 0x01, r.nextInt(256)};
        b[r.nextInt(b.length)] = (byte) pick[r.nextInt(pick.length)];
        return b;
      }
      case 2 -> { // cut short
        return Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 3 -> { // extend
        byte[] c = Arrays.copyOf(b, b.length + 1 + r.nextInt(16));
        for (int i = b.length; i < c.length; i++) {
          c[i] = (byte) r.nextInt(256);
        }
        return c;
      }
      case 4 -> { // a huge count, size or offset: 4 bytes of 0xFF or 0x7F.. at a random place
        int at = r.nextInt(b.length);
        byte fill = r.nextBoolean() ? (byte) 0xFF : (byte) 0x7F;
        for (int i = at; i < Math.min(b.length, at + 1 + r.nextInt(4)); i++) {
          b[i] = i == at + 3 ? fill : (byte) 0xFF;
        }
        return b;
      }
      case 5 -> { // the first byte (a header) anew
        b[0] = (byte) r.nextInt(256);
        return b;
      }
      case 6 -> { // swap two bytes
        int i = r.nextInt(b.length);
        int j = r.nextInt(b.length);
        byte t = b[i];
        b[i] = b[j];
        b[j] = t;
        return b;
      }
      default -> { // a byte near the start (header, counts, ids, offsets) incremented or decremented
        int i = r.nextInt(Math.min(b.length, 12));
        b[i] += (byte) (r.nextBoolean() ? 1 : -1);
        return b;
      }
    }
  }

  /** Everything a caller does with a decoded variant works on it, and it equals its re-encodings. */
  static void exercise(Variant v, int depth) {
    assertThat(depth).isLessThanOrEqualTo(Variant.MAX_DEPTH);
    if (depth == 0) {
      String json = v.toJson();
      try {
        STRICT_JSON.readTree(json);
      } catch (IOException e) {
        throw new AssertionError("toJson gave text that is not JSON: " + json, e);
      }
      assertThat(v.toString()).isNotNull();
      Variant rebuilt = VariantSpecCasesTest.rebuild(v);
      assertThat(rebuilt).isEqualTo(v);
      assertThat(rebuilt.hashCode()).isEqualTo(v.hashCode());
      assertThat(Variant.from(v.metadata(), v.value())).isEqualTo(v);
    }
    switch (v.type()) {
      case OBJECT -> {
        List<String> names = v.fieldNames();
        for (int i = 0; i < v.size(); i++) {
          assertThat(v.get(names.get(i))).isEqualTo(v.field(i));
          exercise(v.field(i), depth + 1);
        }
      }
      case ARRAY -> {
        for (int i = 0; i < v.size(); i++) {
          exercise(v.get(i), depth + 1);
        }
      }
      default -> assertThat(VariantSpecCasesTest.rebuild(v)).isEqualTo(v); // every getter of its type
    }
  }

  /** A value our encoder made decodes equal to itself, and re-encoding it gives the same bytes (one canonical form). */
  static void checkGenerated(Variant v) {
    Variant decoded = Variant.from(v.metadata(), v.value());
    assertThat(decoded).isEqualTo(v);
    Variant again = VariantSpecCasesTest.rebuild(decoded);
    assertThat(again.metadata()).isEqualTo(v.metadata());
    assertThat(again.value()).isEqualTo(v.value());
  }

  private static final String[] NAMES = {"a", "b", "id", "Id", "é", "\uFFFD", "\uD83D\uDE00", "", "a b", "z\u0000"};

  /** A random value of every type, objects and arrays nested a few levels. */
  static Variant randomVariant(Random r, int depth) {
    int kind = r.nextInt(depth < 4 ? 21 : 19);
    return switch (kind) {
      case 0 -> Variant.ofNull();
      case 1 -> Variant.of(r.nextBoolean());
      case 2 -> Variant.of((byte) r.nextInt());
      case 3 -> Variant.of((short) r.nextInt());
      case 4 -> Variant.of(r.nextInt());
      case 5 -> Variant.of(r.nextLong());
      case 6 -> Variant.of(r.nextBoolean() ? r.nextDouble() * 1e6 : Double.longBitsToDouble(r.nextLong()));
      case 7 -> Variant.of(Float.intBitsToFloat(r.nextInt()));
      case 8 -> Variant.of(new BigDecimal(new BigInteger(1 + r.nextInt(126), r).multiply(
          BigInteger.valueOf(r.nextBoolean() ? 1 : -1)), r.nextInt(39)));
      case 9 -> Variant.of(LocalDate.ofEpochDay(r.nextInt()));
      case 10 -> Variant.of(Instant.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000) * 1000L));
      case 11 -> Variant.of(LocalDateTime.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000) * 1000, ZoneOffset.UTC));
      case 12 -> Variant.ofNanos(Instant.ofEpochSecond(0, r.nextLong()));
      case 13 -> Variant.ofNanos(LocalDateTime.ofEpochSecond(r.nextInt(Integer.MAX_VALUE) - (1 << 30),
          r.nextInt(1_000_000_000), ZoneOffset.UTC));
      case 14 -> Variant.of(LocalTime.ofNanoOfDay((long) (r.nextDouble() * 86_400_000_000L) * 1000));
      case 15 -> {
        byte[] b = new byte[r.nextInt(300)];
        r.nextBytes(b);
        yield Variant.of(b);
      }
      case 16 -> {
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextBoolean() ? r.nextInt(70) : r.nextInt(400); n > 0; n--) {
          sb.append(NAMES[r.nextInt(NAMES.length)]);
        }
        yield Variant.of(sb.toString());
      }
      case 17, 18 -> Variant.of(new UUID(r.nextLong(), r.nextLong()));
      case 19 -> {
        Map<String, Variant> fields = new LinkedHashMap<>();
        for (int n = r.nextInt(depth == 0 && r.nextInt(10) == 0 ? 300 : 6); n > 0; n--) {
          fields.put(NAMES[r.nextInt(NAMES.length)] + (r.nextBoolean() ? "" : r.nextInt(400)),
              randomVariant(r, depth + 1));
        }
        yield Variant.object(fields);
      }
      default -> {
        List<Variant> elements = new ArrayList<>();
        for (int n = r.nextInt(depth == 0 && r.nextInt(10) == 0 ? 300 : 6); n > 0; n--) {
          elements.add(randomVariant(r, depth + 1));
        }
        yield Variant.array(elements);
      }
    };
  }
}
