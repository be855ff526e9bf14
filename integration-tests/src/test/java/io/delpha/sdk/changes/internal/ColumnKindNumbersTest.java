package io.delpha.sdk.changes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The numbers of a re-read (a REST answer's JSON, a Bulk API 2.0 CSV cell) taken as INT, BIGINT and DOUBLE columns,
 * against the JDK's own reads of the same text where it is a JSON-style number: {@code BigDecimal} (whole, in range,
 * else refused) and {@code Double.parseDouble}. Anything else (Unicode digits, Java's {@code 1d} and {@code 0x1p3},
 * a fraction or an overflow where a whole number is due) is a {@link DataFormatException}: nothing is truncated or
 * wrapped. Seeded; replay with {@code -Dchanges.numbers.seed=N}.
 */
@DisplayName("ColumnKind: a re-read's numbers as the JDK reads them, whole numbers exact and in range")
class ColumnKindNumbersTest {

  /** A number as JSON and Salesforce write it, with what PeerNumbers also takes (a leading +, "5.", ".5"). */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  @Test
  @DisplayName("seeded texts, JSON numbers and hostile ones, by REST and by CSV, equal the JDK's reads or are refused")
  void textsAsTheJdk() {
    long seed = Long.getLong("changes.numbers.seed", 7_101L);
    Random random = new Random(seed);
    for (int n = 0; n < 4_000; n++) {
      String text = text(random);
      String replay = " (replay: -Dchanges.numbers.seed=" + seed + ")";
      for (ColumnKind kind : List.of(ColumnKind.INT, ColumnKind.BIGINT, ColumnKind.DOUBLE)) {
        Object expected = expected(kind, text);
        if (expected == null) {
          assertThatThrownBy(() -> kind.fromRest(text, "F")).as("%s '%s'%s", kind, text, replay)
              .isInstanceOf(DataFormatException.class).hasMessageContaining("field F");
          if (!text.isEmpty()) {
            assertThatThrownBy(() -> kind.fromCsv(text, "F")).as("CSV %s '%s'%s", kind, text, replay)
                .isInstanceOf(DataFormatException.class);
          }
        } else {
          assertThat(kind.fromRest(text, "F")).as("%s '%s'%s", kind, text, replay).isEqualTo(expected);
          assertThat(kind.fromCsv(text, "F")).as("CSV %s '%s'%s", kind, text, replay).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  @DisplayName("JSON numbers as Jackson reads them: integers beyond an INT or a BIGINT, fractions, NaN refused; "
      + "whole doubles taken")
  void jsonNumbers() {
    assertThat(ColumnKind.INT.fromRest(42, "F")).isEqualTo(42);
    assertThat(ColumnKind.INT.fromRest(5.0, "F")).isEqualTo(5);
    assertThat(ColumnKind.BIGINT.fromRest(1.0E10, "F")).isEqualTo(10_000_000_000L);
    assertThat(ColumnKind.BIGINT.fromRest(Long.MIN_VALUE, "F")).isEqualTo(Long.MIN_VALUE);
    assertThat(ColumnKind.DOUBLE.fromRest(7, "F")).isEqualTo(7.0);
    for (Object refused : List.<Object>of(3_000_000_000L, 5.5, Double.NaN, Double.POSITIVE_INFINITY,
        new BigInteger("9223372036854775808"))) {
      assertThatThrownBy(() -> ColumnKind.INT.fromRest(refused, "F")).as("INT %s", refused)
          .isInstanceOf(DataFormatException.class);
    }
    for (Object refused : List.<Object>of(new BigInteger("9223372036854775808"), 1.0E19, 0.5, Double.NaN)) {
      assertThatThrownBy(() -> ColumnKind.BIGINT.fromRest(refused, "F")).as("BIGINT %s", refused)
          .isInstanceOf(DataFormatException.class);
    }
  }

  /**
   * The JDK's read of {@code text} as {@code kind}, or null where it is not such a number: a JSON-style number of at
   * most 1,000 characters whose exponent is at most 10^9 in magnitude (PeerNumbers' bounds; no column holds a value
   * but zero or an infinity beyond it).
   */
  private static Object expected(ColumnKind kind, String text) {
    String t = text.trim();
    if (kind == ColumnKind.DOUBLE && List.of("NaN", "Infinity", "+Infinity", "-Infinity").contains(t)) {
      return Double.parseDouble(t);
    }
    java.util.regex.Matcher m = NUMBER.matcher(t);
    if (!m.matches() || t.length() > 1_000 || m.group(2) != null
        && new BigInteger(m.group(2).substring(1)).abs().compareTo(BigInteger.valueOf(1_000_000_000L)) > 0) {
      return null;
    }
    if (kind == ColumnKind.DOUBLE) {
      return Double.parseDouble(t);
    }
    BigDecimal d;
    try {
      d = new BigDecimal(t);
    } catch (NumberFormatException e) {
      return null; // a scale beyond an int
    }
    boolean whole = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
    long min = kind == ColumnKind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max = kind == ColumnKind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
    if (!whole || d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
      return null;
    }
    return kind == ColumnKind.INT ? (Object) d.intValueExact() : (Object) d.longValueExact();
  }

  private static String text(Random r) {
    switch (r.nextInt(12)) {
      case 0 -> {
        return List.of("", " ", "NaN", "Infinity", "-Infinity", "0x10", "1d", "2f", "0x1p3", "--5", "5e", ".", "e5",
            "1_000", "\u0663", "1\u0660", "\uff15", "5 5", "+", "1e2147483648", "1e-2147483649", " 12 ")
            .get(r.nextInt(22));
      }
      case 1 -> {
        return Long.toString(r.nextLong());
      }
      case 2 -> {
        return Integer.toString(r.nextInt());
      }
      case 3 -> {
        return Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(30) - 10));
      }
      default -> {
        StringBuilder b = new StringBuilder();
        b.append(List.of("", "", "-", "+").get(r.nextInt(4)));
        int digits = r.nextInt(r.nextInt(8) == 0 ? 40 : 12);
        for (int i = 0; i < digits; i++) {
          b.append((char) ('0' + r.nextInt(10)));
        }
        if (r.nextInt(3) == 0) {
          b.append('.');
          int fraction = r.nextInt(4) == 0 ? r.nextInt(3) : 0;
          for (int i = 0; i < fraction; i++) {
            b.append(r.nextBoolean() ? '0' : (char) ('0' + r.nextInt(10)));
          }
        }
        if (r.nextInt(4) == 0) {
          b.append(r.nextBoolean() ? 'e' : 'E').append(List.of("", "-", "+").get(r.nextInt(3)))
              .append(r.nextInt(r.nextInt(10) == 0 ? 1_000_000 : 25));
        }
        if (r.nextInt(30) == 0) {
          b.insert(r.nextInt(b.length() + 1), List.of("\u0663", "x", " ", "_", "d").get(r.nextInt(5)));
        }
        return b.toString();
      }
    }
  }
}
