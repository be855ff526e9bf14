package io.delpha.sdk.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.http.Peers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;

/**
 * The one parser of the numbers a remote peer sends (a partition value, a schema's precision, a token's lifetime, a
 * header's count, a JSON field), and the checked arithmetic done with them. A number's text is read by its shape
 * first: at most {@value #MAX_CHARS} characters, ASCII digits only, and its digits, exponent, precision and scale
 * checked against what the caller can hold <em>before</em> any arithmetic that scales with them, so a few bytes
 * ({@code 1E+99999999}, {@code decimal(99999999999,2)}, a lifetime of {@code Long.MAX_VALUE} seconds) cost a few
 * steps and end in a {@link DataFormatException} whose message echoes the peer's text through {@link Peers#echo}.
 *
 * <p>Accepted: an optional sign, digits with an optional fraction, an optional exponent ({@code e} or {@code E}),
 * leading zeros, surrounding ASCII white space. Refused: other digits than {@code 0-9} (Java's own parsers take
 * Arabic-Indic and other Unicode digits), Java's suffixes ({@code 1d}, {@code 1L}), hexadecimal, text beyond
 * {@value #MAX_CHARS} characters (Jackson's own limit for a JSON number). Thread-safe; stateless.
 */
public final class PeerNumbers {

  /** The most characters of a number's text (Jackson's {@code StreamReadConstraints} default for a JSON number). */
  public static final int MAX_CHARS = 1000;

  /** The largest exponent magnitude read; beyond it no type the library holds has a value but zero. */
  static final long MAX_EXPONENT = 1_000_000_000L;

  private PeerNumbers() {}

  /**
   * @param text what a peer sent for an integer
   * @param what the number, for the message (e.g. {@code "the Delta-Table-Version header"})
   * @return its value
   * @throws DataFormatException if it is not an integer in {@code long}'s range
   */
  public static long parseLong(@Nullable String text, String what) {
    return parseLong(text, Long.MIN_VALUE, Long.MAX_VALUE, what);
  }

  /**
   * @param text what a peer sent for an integer
   * @param min the least value the caller takes
   * @param max the greatest value the caller takes
   * @param what the number, for the message
   * @return its value
   * @throws DataFormatException if it is not an integer from {@code min} to {@code max}
   */
  public static long parseLong(@Nullable String text, long min, long max, String what) {
    Shape s = shape(text, what);
    if (s.fracDigits() > 0 || s.exponent() != 0 || s.hasPoint() || s.hasExponent()) {
      throw refused(text, what, "an integer");
    }
    Long value = s.significant() == 0 ? Long.valueOf(0) : integral(s);
    if (value == null || value < min || value > max) {
      throw refused(text, what, "an integer from " + min + " to " + max);
    }
    return value;
  }

  /**
   * @param text what a peer sent for an integer
   * @param min the least value the caller takes
   * @param max the greatest value the caller takes
   * @param what the number, for the message
   * @return its value
   * @throws DataFormatException if it is not an integer from {@code min} to {@code max}
   */
  public static int parseInt(@Nullable String text, int min, int max, String what) {
    return (int) parseLong(text, min, max, what);
  }

  /**
   * Parses a value of a {@code decimal(precision, scale)}: exact at the scale (no digit is rounded away) and
   * within the precision, both decided from the text's digit counts and exponent before a {@link BigDecimal}
   * exists.
   *
   * @param text what a peer sent
   * @param precision the type's total digits, 1 to 38
   * @param scale the type's fraction digits, 0 to {@code precision}
   * @param what the number, for the message
   * @return the value at {@code scale}
   * @throws DataFormatException if it is not a decimal, has more fraction digits than the scale, or more integer
   *     digits than {@code precision - scale}
   */
  public static BigDecimal parseDecimal(@Nullable String text, int precision, int scale, String what) {
    Shape s = shape(text, what);
    String type = "a decimal(" + precision + "," + scale + ")";
    if (s.significant() == 0) {
      return BigDecimal.ZERO.setScale(scale);
    }
    // value = D * 10^k, D the significant digits, k the power of D's last digit
    long k = s.exponent() - s.fracDigits() + s.trailingZeros();
    if (-k > scale || s.significant() + k > precision - scale) {
      throw refused(text, what, type);
    }
    BigInteger unscaled = new BigInteger(s.digits());
    BigDecimal d = new BigDecimal(s.negative() ? unscaled.negate() : unscaled, (int) -k);
    return d.setScale(scale);
  }

  /**
   * Parses a double: a decimal as above, or {@code NaN}, {@code Infinity}, {@code -Infinity} as Spark writes them.
   *
   * @param text what a peer sent
   * @param what the number, for the message
   * @return its value, rounded to the nearest double (an exponent beyond the double's range is an infinity or
   *     zero, as {@link Double#parseDouble} gives)
   * @throws DataFormatException if it is not a number
   */
  public static double parseDouble(@Nullable String text, String what) {
    String t = text == null ? null : text.trim();
    if ("NaN".equals(t) || "Infinity".equals(t) || "+Infinity".equals(t) || "-Infinity".equals(t)) {
      return Double.parseDouble(t);
    }
    shape(text, what);
    return Double.parseDouble(java.util.Objects.requireNonNull(t));
  }

  /**
   * Reads an integer a peer sent as a JSON field: a JSON integer, a floating-point number with no fraction, or a
   * string of an integer (some OAuth servers send {@code "3600"}).
   *
   * @param node the field, {@code null} or JSON null if absent
   * @param min the least value the caller takes
   * @param max the greatest value the caller takes
   * @param what the field, for the message
   * @return its value
   * @throws DataFormatException if it is absent, not an integer, or out of range
   */
  public static long jsonLong(@Nullable JsonNode node, long min, long max, String what) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new DataFormatException(what + " is missing");
    }
    if (node.isTextual()) {
      return parseLong(node.asText(), min, max, what);
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      long v = node.longValue();
      if (v >= min && v <= max) {
        return v;
      }
    } else if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
      double d = node.doubleValue();
      if (d == Math.rint(d) && d >= min && d <= max && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
    } else if (node.isBigDecimal()) {
      return parseLong(node.decimalValue().toString(), min, max, what);
    }
    throw refused(node.isValueNode() ? node.asText() : node.getNodeType().toString(), what,
        "an integer from " + min + " to " + max);
  }

  /**
   * @param a a number
   * @param b another
   * @param what the sum, for the message
   * @return {@code a + b}
   * @throws DataFormatException if it overflows a {@code long}
   */
  public static long addExact(long a, long b, String what) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new DataFormatException(what + " (" + a + " + " + b + ") is beyond a 64-bit integer", e);
    }
  }

  /**
   * A lifetime a peer grants (an OAuth token's {@code expires_in}), capped where a longer one gains nothing.
   *
   * @param seconds what the peer said
   * @param cap the longest lifetime the caller keeps
   * @param what the field, for the message
   * @return {@code seconds} as a duration, at most {@code cap}
   * @throws DataFormatException if it is negative
   */
  public static Duration lifetime(long seconds, Duration cap, String what) {
    if (seconds < 0) {
      throw new DataFormatException(what + " is " + seconds + " seconds, a negative lifetime");
    }
    return seconds >= cap.toSeconds() ? cap : Duration.ofSeconds(seconds);
  }

  /**
   * @param start an instant
   * @param duration a duration (a peer's, already bounded or not)
   * @return {@code start + duration}, or {@link Instant#MAX} / {@link Instant#MIN} where it would leave
   *     {@code Instant}'s range (a deadline that far is no deadline)
   */
  public static Instant plusSaturated(Instant start, Duration duration) {
    try {
      return start.plus(duration);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return duration.isNegative() ? Instant.MIN : Instant.MAX;
    }
  }

  /**
   * An integer of any size, as Cassandra's {@code varint} holds: at most {@value #MAX_CHARS} characters (a
   * {@code BigInteger} read is quadratic in the digits: 400,000 of them took 1.9 s), ASCII digits, an optional sign.
   *
   * @param text what a peer sent
   * @param what the number, for the message
   * @return its value
   * @throws DataFormatException if it is not such an integer
   */
  public static BigInteger parseBigInteger(@Nullable String text, String what) {
    Shape s = shape(text, what);
    if (s.fracDigits() > 0 || s.hasPoint() || s.hasExponent()) {
      throw refused(text, what, "an integer");
    }
    return new BigInteger(java.util.Objects.requireNonNull(text, "shape() refused null").trim());
  }

  /**
   * A decimal of any precision and scale, as Cassandra's {@code decimal} holds, its scale as written ({@code 1.50}
   * keeps two fraction digits): at most {@value #MAX_CHARS} characters, ASCII digits, an optional sign, fraction and
   * exponent, the scale within an {@code int}.
   *
   * @param text what a peer sent
   * @param what the number, for the message
   * @return its value
   * @throws DataFormatException if it is not such a decimal
   */
  public static BigDecimal parseBigDecimal(@Nullable String text, String what) {
    shape(text, what);
    try {
      return new BigDecimal(java.util.Objects.requireNonNull(text, "shape() refused null").trim());
    } catch (NumberFormatException e) {
      throw refused(text, what, "a decimal whose scale fits an int");
    }
  }

  /**
   * A bitmap a peer sends as the hexadecimal of a big-endian number (Salesforce's change event {@code changedFields}):
   * bit {@code n} of the result is bit {@code n} of the number. Read from the last digit up, one step a digit, where
   * a {@code BigInteger} parse is quadratic in the digits (16,384 of them took 10 ms). ASCII hex digits of either case
   * only: no sign, no prefix, no space.
   *
   * @param text what a peer sent, without its {@code 0x}
   * @param maxDigits the most digits taken (four bits each)
   * @param what the bitmap, for the message
   * @return its bits
   * @throws DataFormatException if it is not 1 to {@code maxDigits} hex digits
   */
  public static BitSet hexBits(@Nullable String text, int maxDigits, String what) {
    if (text == null) {
      throw new DataFormatException(what + " is missing");
    }
    int n = text.length();
    if (n == 0 || n > maxDigits) {
      throw refused(text, what, "1 to " + maxDigits + " hexadecimal digits");
    }
    long[] words = new long[(n + 15) / 16];
    for (int i = n - 1, bit = 0; i >= 0; i--, bit += 4) {
      char c = text.charAt(i);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw refused(text, what, "hexadecimal digits");
      }
      words[bit >>> 6] |= (long) d << (bit & 63);
    }
    return BitSet.valueOf(words);
  }

  // ------------------------------------------------------------------------------------------------- the shape

  /**
   * A number's text as read: its sign, its significant digits (no leading or trailing zero), how many fraction
   * digits the text had, how many zeros trailed the last significant digit, and its exponent.
   */
  private record Shape(boolean negative, String digits, int significant, int fracDigits, int trailingZeros,
      long exponent, boolean hasPoint, boolean hasExponent) {}

  /** @return the integer, or {@code null} beyond {@code long}'s range (at most 20 characters are parsed) */
  private static @Nullable Long integral(Shape s) {
    if (s.significant() + s.trailingZeros() > 19) {
      return null;
    }
    try {
      return Long.parseLong((s.negative() ? "-" : "") + s.digits() + "0".repeat(s.trailingZeros()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Reads the text's shape in one pass over at most {@value #MAX_CHARS} characters; no arithmetic on its size. */
  private static Shape shape(@Nullable String text, String what) {
    if (text == null) {
      throw new DataFormatException(what + " is missing");
    }
    String t = text.trim();
    if (t.length() > MAX_CHARS || t.isEmpty()) {
      throw refused(text, what, "a number of at most " + MAX_CHARS + " characters");
    }
    int i = 0;
    boolean negative = false;
    if (t.charAt(0) == '-' || t.charAt(0) == '+') {
      negative = t.charAt(0) == '-';
      i++;
    }
    int intStart = i;
    while (i < t.length() && ascii(t.charAt(i))) {
      i++;
    }
    int intEnd = i;
    boolean point = i < t.length() && t.charAt(i) == '.';
    int fracStart = point ? ++i : i;
    while (i < t.length() && ascii(t.charAt(i))) {
      i++;
    }
    int fracEnd = i;
    if (intEnd == intStart && fracEnd == fracStart) {
      throw refused(text, what, "a number");
    }
    long exponent = 0;
    boolean hasExponent = i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E');
    if (hasExponent) {
      i++;
      boolean negExp = false;
      if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
        negExp = t.charAt(i) == '-';
        i++;
      }
      int expStart = i;
      while (i < t.length() && ascii(t.charAt(i))) {
        exponent = Math.min(exponent * 10 + (t.charAt(i) - '0'), MAX_EXPONENT + 1);
        i++;
      }
      if (i == expStart) {
        throw refused(text, what, "a number");
      }
      exponent = negExp ? -exponent : exponent;
    }
    if (i != t.length()) {
      throw refused(text, what, "a number");
    }
    StringBuilder digits = new StringBuilder();
    int trailing = 0;
    boolean leading = true;
    for (int j = intStart; j < fracEnd; j++) {
      char c = t.charAt(j);
      if (c == '.' || (leading && c == '0')) {
        continue;
      }
      leading = false;
      if (c == '0') {
        trailing++;
      } else {
        for (; trailing > 0; trailing--) {
          digits.append('0');
        }
        digits.append(c);
      }
    }
    if (digits.length() > 0 && Math.abs(exponent) > MAX_EXPONENT) {
      throw refused(text, what, "a number with an exponent of at most " + MAX_EXPONENT);
    }
    return new Shape(negative, digits.toString(), digits.length(), fracEnd - fracStart,
        digits.length() == 0 ? 0 : trailing, digits.length() == 0 ? 0 : exponent, point, hasExponent);
  }

  private static boolean ascii(char c) {
    return c >= '0' && c <= '9';
  }

  private static DataFormatException refused(@Nullable String text, String what, String expected) {
    return new DataFormatException(what + " is '" + Peers.echo(text) + "', which is not " + expected);
  }
}
