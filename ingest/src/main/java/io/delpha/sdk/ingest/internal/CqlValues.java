package io.delpha.sdk.ingest.internal;

import com.datastax.oss.driver.api.core.data.CqlDuration;
import io.delpha.sdk.core.internal.PeerNumbers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Text to the Java value the driver expects for a CQL type, exactly as written: decimals keep their
 * scale, timestamps honour their offset and a timestamp without one is UTC (never the machine's zone).
 */
public final class CqlValues {

  /** ISO-8601 date and time, {@code T} or a space between them, an optional offset ({@code Z}, {@code +02:00}, {@code +0200}). */
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
      .toFormatter(Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT); // 2024-02-30 is refused, not moved to the 29th

  private CqlValues() {}

  /**
   * @param cqlType a column's CQL type as the dictionary writes it, e.g. {@code decimal}
   * @return the conversion from text, or {@code null} if the type has no text form here (collections,
   *     user types, vectors)
   */
  public static @Nullable Function<String, Object> converter(String cqlType) {
    return switch (cqlType.toLowerCase(Locale.ROOT)) {
      case "text", "varchar", "ascii" -> s -> s;
      case "bigint", "counter" -> s -> Long.parseLong(s.trim());
      case "int" -> s -> Integer.parseInt(s.trim());
      case "smallint" -> s -> Short.parseShort(s.trim());
      case "tinyint" -> s -> Byte.parseByte(s.trim());
      case "varint" -> s -> PeerNumbers.parseBigInteger(s, "a varint"); // 1,000 characters at most
      case "decimal" -> s -> PeerNumbers.parseBigDecimal(s, "a decimal");
      case "double" -> s -> Double.parseDouble(s.trim());
      case "float" -> s -> Float.parseFloat(s.trim());
      case "boolean" -> CqlValues::bool;
      case "timestamp" -> CqlValues::timestamp;
      case "date" -> s -> LocalDate.parse(s.trim());
      case "time" -> s -> LocalTime.parse(s.trim());
      case "uuid", "timeuuid" -> s -> UUID.fromString(s.trim());
      case "inet" -> CqlValues::inet;
      case "blob" -> CqlValues::blob;
      case "duration" -> s -> CqlDuration.from(s.trim());
      default -> null;
    };
  }

  /**
   * @param text {@code true}/{@code false} in any case, or {@code 1}/{@code 0}
   * @return the value
   */
  static Boolean bool(String text) {
    String s = text.trim();
    if (s.equalsIgnoreCase("true") || s.equals("1")) {
      return Boolean.TRUE;
    }
    if (s.equalsIgnoreCase("false") || s.equals("0")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("not a boolean: '" + abbreviate(s) + "'");
  }

  /**
   * @param text ISO-8601 with or without an offset (none means UTC), or milliseconds since the epoch
   * @return the instant
   */
  static Instant timestamp(String text) {
    String s = text.trim();
    if (isEpochMillis(s)) {
      return Instant.ofEpochMilli(Long.parseLong(s));
    }
    Instant fast = isoFast(s);
    return fast != null ? fast : isoGeneral(s);
  }

  /** ISO-8601 through the general formatter: every shape {@link #TIMESTAMP} accepts, with its errors. */
  static Instant isoGeneral(String s) {
    TemporalAccessor t = TIMESTAMP.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
    if (t instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    return ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
  }

  private static boolean isEpochMillis(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '-' && i == 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The common shapes read without the general formatter (which costs more than the rest of a CSV row):
   * {@code yyyy-MM-dd(T| )HH:mm[:ss[.fraction]]} and {@code Z}, {@code +HH:MM}, {@code +HHMM} or nothing.
   *
   * @return the instant, or {@code null} for any other shape or an out-of-range field, which the general
   *     formatter then reads or explains
   */
  static @Nullable Instant isoFast(String s) {
    int n = s.length();
    if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
        || s.charAt(13) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) {
      return null;
    }
    int i = 16;
    int second = 0;
    int nano = 0;
    if (i < n && s.charAt(i) == ':') {
      second = digits(s, i + 1, 2);
      if (second < 0) {
        return null;
      }
      i += 3;
      if (i < n && s.charAt(i) == '.') {
        int start = ++i;
        while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          nano = nano * 10 + (s.charAt(i) - '0');
          i++;
        }
        if (i == start) {
          return null;
        }
        for (int k = i - start; k < 9; k++) {
          nano *= 10;
        }
      }
    }
    int offsetSeconds;
    if (i == n) {
      offsetSeconds = 0;
    } else if (s.charAt(i) == 'Z' && i + 1 == n) {
      offsetSeconds = 0;
    } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && (n - i == 6 && s.charAt(i + 3) == ':' || n - i == 5)) {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, n - 2, 2);
      if (oh < 0 || om < 0 || oh > 18 || om > 59) {
        return null;
      }
      offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nano)
          .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** @return the non-negative number written by {@code count} ASCII digits at {@code from}, or -1 */
  private static int digits(String s, int from, int count) {
    if (from + count > s.length()) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static InetAddress inet(String text) {
    String s = text.trim();
    if (!s.matches("[0-9a-fA-F:.]+")) {
      // InetAddress.getByName would resolve a host name: a CSV value must never trigger DNS
      throw new IllegalArgumentException("not an IP address: '" + abbreviate(s) + "'");
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: '" + abbreviate(s) + "'", e);
    }
  }

  private static ByteBuffer blob(String text) {
    String s = text.trim();
    if (s.startsWith("0x") || s.startsWith("0X")) {
      s = s.substring(2);
    }
    return ByteBuffer.wrap(HexFormat.of().parseHex(s));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
