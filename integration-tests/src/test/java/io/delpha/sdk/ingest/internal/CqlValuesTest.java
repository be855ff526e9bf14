package io.delpha.sdk.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CSV timestamp reader's fast path against the general ISO-8601 formatter it stands in for. */
class CqlValuesTest {

  @Test
  @DisplayName("the fast timestamp path gives exactly the general formatter's instant, or defers to it, on 200,000 generated and mutated texts")
  void fastPathAgreesWithFormatter() {
    Random random = new Random(20261122);
    int fast = 0;
    int agreedErrors = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = mutate(random, generate(random));
      if (text.strip().matches("-?[0-9]*")) {
        continue; // epoch milliseconds, not ISO-8601
      }
      Instant quick = CqlValues.isoFast(text.trim());
      Instant general;
      try {
        general = CqlValues.isoGeneral(text.trim()); // timestamp() trims, as a CSV field may be padded
      } catch (RuntimeException e) {
        assertThat(quick).as("fast path accepted '%s', which the formatter refuses", text).isNull();
        assertThatThrownBy(() -> CqlValues.timestamp(text)).isInstanceOf(RuntimeException.class);
        agreedErrors++;
        continue;
      }
      if (quick != null) {
        assertThat(quick).as(text).isEqualTo(general);
        fast++;
      }
      assertThat(CqlValues.timestamp(text)).as(text).isEqualTo(general);
    }
    assertThat(fast).as("texts taken by the fast path").isGreaterThan(50_000);
    assertThat(agreedErrors).as("malformed texts refused by both").isGreaterThan(10_000);
  }

  @Test
  @DisplayName("typical CSV timestamps: offsets, fractions, space separator, no offset means UTC, epoch milliseconds")
  void typicalTexts() {
    assertThat(CqlValues.timestamp("2024-05-01T10:15:30Z")).isEqualTo(Instant.parse("2024-05-01T10:15:30Z"));
    assertThat(CqlValues.timestamp("2024-05-01 10:15:30.123")).isEqualTo(Instant.parse("2024-05-01T10:15:30.123Z"));
    assertThat(CqlValues.timestamp("2024-05-01T10:15:30.123456789+02:00"))
        .isEqualTo(Instant.parse("2024-05-01T08:15:30.123456789Z"));
    assertThat(CqlValues.timestamp("2024-05-01T10:15-0130")).isEqualTo(Instant.parse("2024-05-01T11:45:00Z"));
    assertThat(CqlValues.timestamp(" 1700000000000 ")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(CqlValues.timestamp("-5")).isEqualTo(Instant.ofEpochMilli(-5));
    assertThatThrownBy(() -> CqlValues.timestamp("2024-02-30T00:00:00Z")).as("no such day, not moved to the 29th")
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> CqlValues.timestamp("2023-02-29 00:00")).isInstanceOf(RuntimeException.class);
    assertThat(CqlValues.timestamp("2024-02-29 00:00")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    assertThatThrownBy(() -> CqlValues.timestamp("2024-05-01T24:00:00Z")).isInstanceOf(RuntimeException.class);
  }

  private static String generate(Random r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%04d-%02d-%02d", r.nextInt(10_000), r.nextInt(14), r.nextInt(33)));
    b.append(r.nextInt(4) == 0 ? ' ' : 'T');
    b.append(String.format("%02d:%02d", r.nextInt(26), r.nextInt(62)));
    if (r.nextInt(5) != 0) {
      b.append(String.format(":%02d", r.nextInt(62)));
      if (r.nextBoolean()) {
        int digits = 1 + r.nextInt(10);
        b.append('.');
        for (int i = 0; i < digits; i++) {
          b.append((char) ('0' + r.nextInt(10)));
        }
      }
    }
    switch (r.nextInt(6)) {
      case 0 -> b.append('Z');
      case 1 -> b.append(String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(20), r.nextInt(61)));
      case 2 -> b.append(String.format("%s%02d%02d", r.nextBoolean() ? "+" : "-", r.nextInt(20), r.nextInt(61)));
      case 3 -> b.append(String.format("%s%02d", r.nextBoolean() ? "+" : "-", r.nextInt(20)));
      case 4 -> b.append(String.format("%s%02d:%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(19), r.nextInt(60), r.nextInt(60)));
      default -> { }
    }
    return b.toString();
  }

  private static final String ALPHABET = "0123456789-:T Z+.x\u0661";

  private static String mutate(Random r, String s) {
    if (r.nextInt(3) != 0) {
      return s;
    }
    List<Character> chars = new ArrayList<>();
    for (char c : s.toCharArray()) {
      chars.add(c);
    }
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits && !chars.isEmpty(); e++) {
      int at = r.nextInt(chars.size());
      switch (r.nextInt(3)) {
        case 0 -> chars.remove(at);
        case 1 -> chars.add(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        default -> chars.set(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
    }
    StringBuilder b = new StringBuilder();
    chars.forEach(b::append);
    return b.toString();
  }
  @Test
  @DisplayName("varint and decimal cells equal the JDK's BigInteger and BigDecimal reads (value and scale) for seeded "
      + "texts of up to 1,000 characters; longer digits, Unicode digits and junk are refused typed")
  void bigNumbersAsTheJdk() {
    long seed = Long.getLong("ingest.numbers.seed", 7_103L);
    Random random = new Random(seed);
    java.util.function.Function<String, Object> varint = CqlValues.converter("varint");
    java.util.function.Function<String, Object> decimal = CqlValues.converter("decimal");
    for (int n = 0; n < 2_000; n++) {
      StringBuilder t = new StringBuilder(random.nextInt(3) == 0 ? "-" : random.nextInt(5) == 0 ? "+" : "");
      int digits = 1 + (n % 20 == 0 ? random.nextInt(990) : random.nextInt(40));
      for (int i = 0; i < digits; i++) {
        t.append((char) ('0' + random.nextInt(10)));
      }
      String integer = t.toString();
      assertThat(varint.apply(integer)).as("%s (replay: -Dingest.numbers.seed=%d)", integer, seed)
          .isEqualTo(new BigInteger(integer));
      if (random.nextBoolean()) {
        t.append('.').append(random.nextInt(1000));
      }
      if (random.nextInt(4) == 0) {
        t.append(random.nextBoolean() ? 'E' : 'e').append(random.nextBoolean() ? "-" : "+").append(random.nextInt(400));
      }
      String text = t.toString();
      assertThat(decimal.apply(text)).as("%s (replay: -Dingest.numbers.seed=%d)", text, seed)
          .isEqualTo(new BigDecimal(text)); // equals: the same value at the same scale
    }
    for (String bad : List.of("7".repeat(1_001), "7".repeat(400_000), "\u0661\u0662", "\uff11", "1e5", "0x10",
        "1 2", "")) {
      assertThatThrownBy(() -> varint.apply(bad)).as("varint %.20s", bad).isInstanceOf(DataFormatException.class);
    }
    for (String bad : List.of("7".repeat(1_001), "1." + "7".repeat(400_000), "\u0661.5", "NaN", "1e99999999999",
        "1E+2147483648", "--1")) {
      assertThatThrownBy(() -> decimal.apply(bad)).as("decimal %.20s", bad).isInstanceOf(DataFormatException.class);
    }
  }
}
