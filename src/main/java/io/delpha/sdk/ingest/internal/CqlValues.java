package io.delpha.sdk.ingest.internal;

import com.datastax.oss.driver.api.core.data.CqlDuration;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

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
      .toFormatter(Locale.ROOT);

  private CqlValues() {}

  /**
   * @param cqlType a column's CQL type as the dictionary writes it, e.g. {@code decimal}
   * @return the conversion from text, or {@code null} if the type has no text form here (collections,
   *     user types, vectors)
   */
  public static Function<String, Object> converter(String cqlType) {
    return switch (cqlType.toLowerCase(Locale.ROOT)) {
      case "text", "varchar", "ascii" -> s -> s;
      case "bigint", "counter" -> s -> Long.parseLong(s.trim());
      case "int" -> s -> Integer.parseInt(s.trim());
      case "smallint" -> s -> Short.parseShort(s.trim());
      case "tinyint" -> s -> Byte.parseByte(s.trim());
      case "varint" -> s -> new BigInteger(s.trim());
      case "decimal" -> s -> new BigDecimal(s.trim());
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
    if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-') && s.indexOf('-', 1) < 0) {
      return Instant.ofEpochMilli(Long.parseLong(s));
    }
    TemporalAccessor t = TIMESTAMP.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
    if (t instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    return ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
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
