package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PeerNumbers: the one bounded parser of a peer's numbers")
class PeerNumbersTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  @DisplayName("decimals every writer produces parse to the exact value at the type's scale")
  void validDecimals() {
    assertThat(PeerNumbers.parseDecimal("12.5", 10, 2, "v")).isEqualTo(new BigDecimal("12.50"));
    assertThat(PeerNumbers.parseDecimal("-0.01", 10, 2, "v")).isEqualTo(new BigDecimal("-0.01"));
    assertThat(PeerNumbers.parseDecimal("00012345678.90", 10, 2, "v")).isEqualTo(new BigDecimal("12345678.90"));
    assertThat(PeerNumbers.parseDecimal("1.2345678E+7", 10, 2, "v")).isEqualTo(new BigDecimal("12345678.00"));
    assertThat(PeerNumbers.parseDecimal("1.50000", 10, 1, "v")).isEqualTo(new BigDecimal("1.5"));
    assertThat(PeerNumbers.parseDecimal("1E-2", 3, 2, "v")).isEqualTo(new BigDecimal("0.01"));
    assertThat(PeerNumbers.parseDecimal("100", 3, 0, "v")).isEqualTo(new BigDecimal("100"));
    assertThat(PeerNumbers.parseDecimal("+0E+99999999999", 10, 2, "v")).isEqualTo(new BigDecimal("0.00"));
    assertThat(PeerNumbers.parseDecimal(" " + "9".repeat(38) + " ", 38, 0, "v"))
        .isEqualTo(new BigDecimal("9".repeat(38)));
    assertThat(PeerNumbers.parseDecimal("-0." + "9".repeat(38), 38, 38, "v"))
        .isEqualTo(new BigDecimal("-0." + "9".repeat(38)));
    assertThat(PeerNumbers.parseDecimal("0".repeat(900) + "1.5", 2, 1, "v")).isEqualTo(new BigDecimal("1.5"));
  }

  @Test
  @DisplayName("a decimal beyond its type's precision or scale is refused, naming the type and echoing the text")
  void decimalsBeyondTheType() {
    assertThatThrownBy(() -> PeerNumbers.parseDecimal("1E+99999999", 10, 2, "the partition value"))
        .isExactlyInstanceOf(DataFormatException.class)
        .hasMessage("the partition value is '1E+99999999', which is not a decimal(10,2)");
    assertThatThrownBy(() -> PeerNumbers.parseDecimal("123456789", 10, 2, "v")).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PeerNumbers.parseDecimal("0.001", 10, 2, "v")).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PeerNumbers.parseDecimal("1E-99999999", 10, 2, "v"))
        .isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PeerNumbers.parseDecimal("1" + "0".repeat(2000), 38, 0, "v"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("(2001 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  @DisplayName("only ASCII digits in the plain decimal shape: no Unicode digits, suffixes, hexadecimal or blanks")
  void shapesRefused() {
    for (String text : new String[] {"", " ", "-", ".", "1e", "1e+", "1.2.3", "1d", "1L", "0x10", "\u0661\u0662",
        "\uFF11\uFF12", "1_000", "1 000", "--1", "+-1", "e5", "1e5.5", "NaN", "Infinity", "null", "1,5"}) {
      assertThatThrownBy(() -> PeerNumbers.parseDecimal(text, 10, 2, "v")).as(text)
          .isExactlyInstanceOf(DataFormatException.class);
      assertThatThrownBy(() -> PeerNumbers.parseLong(text, "v")).as(text).isExactlyInstanceOf(DataFormatException.class);
    }
    assertThatThrownBy(() -> PeerNumbers.parseLong(null, "v")).hasMessage("v is missing");
  }

  @Test
  @DisplayName("integers: the long range exactly, leading zeros read, fractions and exponents refused")
  void integers() {
    assertThat(PeerNumbers.parseLong("9223372036854775807", "v")).isEqualTo(Long.MAX_VALUE);
    assertThat(PeerNumbers.parseLong("-9223372036854775808", "v")).isEqualTo(Long.MIN_VALUE);
    assertThat(PeerNumbers.parseLong("000000000000000000000000042", "v")).isEqualTo(42);
    assertThat(PeerNumbers.parseLong("+100", "v")).isEqualTo(100);
    assertThat(PeerNumbers.parseLong("-0", "v")).isZero();
    assertThat(PeerNumbers.parseInt("38", 1, 38, "v")).isEqualTo(38);
    for (String text : new String[] {"9223372036854775808", "-9223372036854775809", "92233720368547758070",
        "-92233720368547758080", "1" + "0".repeat(999), "1.0", "1e3", "1.5"}) {
      assertThatThrownBy(() -> PeerNumbers.parseLong(text, "v")).as(text).isExactlyInstanceOf(DataFormatException.class);
    }
    assertThatThrownBy(() -> PeerNumbers.parseInt("99999999999", 1, 38, "the precision"))
        .isExactlyInstanceOf(DataFormatException.class)
        .hasMessage("the precision is '99999999999', which is not an integer from 1 to 38");
  }

  @Test
  @DisplayName("doubles: Spark's NaN and infinities, the decimal shape; an exponent past 10^9 refused, below it a double")
  void doubles() {
    assertThat(PeerNumbers.parseDouble("NaN", "v")).isNaN();
    assertThat(PeerNumbers.parseDouble("-Infinity", "v")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(PeerNumbers.parseDouble("1.5E3", "v")).isEqualTo(1500.0);
    assertThat(PeerNumbers.parseDouble("1E+999999999", "v")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> PeerNumbers.parseDouble("1E+99999999999", "v")).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PeerNumbers.parseDouble("0x1p3", "v")).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PeerNumbers.parseDouble("nan", "v")).isInstanceOf(DataFormatException.class);
  }

  @Test
  @DisplayName("JSON integers: numbers, integral floats and strings of digits; anything else typed")
  void jsonIntegers() {
    assertThat(PeerNumbers.jsonLong(NODES.numberNode(3600), 0, Long.MAX_VALUE, "v")).isEqualTo(3600);
    assertThat(PeerNumbers.jsonLong(NODES.numberNode(3600.0), 0, Long.MAX_VALUE, "v")).isEqualTo(3600);
    assertThat(PeerNumbers.jsonLong(NODES.textNode("3600"), 0, Long.MAX_VALUE, "v")).isEqualTo(3600);
    assertThat(PeerNumbers.jsonLong(NODES.numberNode(Long.MAX_VALUE), 0, Long.MAX_VALUE, "v"))
        .isEqualTo(Long.MAX_VALUE);
    for (var node : new com.fasterxml.jackson.databind.JsonNode[] {NODES.numberNode(1.5), NODES.numberNode(-1),
        NODES.numberNode(new java.math.BigInteger("9".repeat(40))), NODES.numberNode(Double.POSITIVE_INFINITY),
        NODES.numberNode(Double.NaN), NODES.numberNode(1e300), NODES.textNode("x"), NODES.booleanNode(true),
        NODES.arrayNode(), NODES.nullNode(), NODES.numberNode(new BigDecimal("1E+99999999"))}) {
      assertThatThrownBy(() -> PeerNumbers.jsonLong(node, 0, Long.MAX_VALUE, "expires_in")).as(node.toString())
          .isExactlyInstanceOf(DataFormatException.class).hasMessageStartingWith("expires_in");
    }
  }

  @Test
  @DisplayName("arithmetic with a peer's number: overflow typed, a lifetime capped, an instant saturated")
  void arithmetic() {
    assertThatThrownBy(() -> PeerNumbers.addExact(Long.MAX_VALUE, 1, "the end")).isInstanceOf(DataFormatException.class);
    assertThat(PeerNumbers.lifetime(Long.MAX_VALUE, Duration.ofDays(1), "v")).isEqualTo(Duration.ofDays(1));
    assertThat(PeerNumbers.lifetime(3600, Duration.ofDays(1), "v")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> PeerNumbers.lifetime(-1, Duration.ofDays(1), "v")).isInstanceOf(DataFormatException.class);
    assertThat(PeerNumbers.plusSaturated(Instant.now(), Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Instant.MAX);
  }
}
