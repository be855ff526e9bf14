package io.delpha.sdk.parquet.internal.variant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Base64;
import java.util.Locale;

/**
 * A validated value as RFC 8259 JSON, in the forms Spark's {@code to_json} of a variant gives (its session time zone
 * taken as UTC), except for non-finite floating-point numbers, which JSON has no number for.
 */
public final class VariantJson {

  /** Spark's: the ISO date, a space, the ISO time (its fraction without trailing zeros). */
  private static final DateTimeFormatter LOCAL_TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .appendLiteral(' ')
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .toFormatter(Locale.ROOT);
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .append(LOCAL_TIMESTAMP)
      .appendOffset("+HH:MM", "+00:00")
      .toFormatter(Locale.ROOT);

  private static final String HEX = "0123456789ABCDEF";

  private VariantJson() {}

  /**
   * Appends the JSON of a value, stopping soon after {@code sb} reaches {@code maxChars}.
   *
   * @param m the metadata
   * @param v the value bytes
   * @param pos the value's first byte
   * @param sb where the JSON goes
   * @param maxChars the length past which nothing more is appended ({@code Integer.MAX_VALUE}: all of it)
   * @return whether the whole value was appended
   */
  public static boolean append(VariantMetadata m, byte[] v, int pos, StringBuilder sb, int maxChars) {
    if (sb.length() > maxChars) {
      return false;
    }
    switch (VariantValues.basicType(v, pos)) {
      case VariantFormat.OBJECT: {
        int n = VariantValues.count(v, pos);
        sb.append('{');
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',');
          }
          quote(m.key(VariantValues.fieldId(v, pos, i)), sb);
          sb.append(':');
          if (!append(m, v, VariantValues.childPos(v, pos, i), sb, maxChars)) {
            return false;
          }
        }
        sb.append('}');
        return true;
      }
      case VariantFormat.ARRAY: {
        int n = VariantValues.count(v, pos);
        sb.append('[');
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',');
          }
          if (!append(m, v, VariantValues.childPos(v, pos, i), sb, maxChars)) {
            return false;
          }
        }
        sb.append(']');
        return true;
      }
      default:
        primitive(v, pos, sb);
        return true;
    }
  }

  private static void primitive(byte[] v, int pos, StringBuilder sb) {
    int id = VariantValues.primitiveType(v, pos);
    switch (id) {
      case VariantFormat.NULL -> sb.append("null");
      case VariantFormat.TRUE -> sb.append("true");
      case VariantFormat.FALSE -> sb.append("false");
      case VariantFormat.INT8, VariantFormat.INT16, VariantFormat.INT32, VariantFormat.INT64 ->
          sb.append(VariantValues.longValue(v, pos));
      case VariantFormat.DOUBLE -> number(VariantValues.doubleValue(v, pos), Double.toString(
          VariantValues.doubleValue(v, pos)), sb);
      case VariantFormat.FLOAT -> number(VariantValues.floatValue(v, pos), Float.toString(
          VariantValues.floatValue(v, pos)), sb);
      case VariantFormat.DECIMAL4, VariantFormat.DECIMAL8, VariantFormat.DECIMAL16 ->
          // as Spark's to_json: the value without its trailing zeros (12.30 is 12.3, 1.00 is 1)
          sb.append(VariantValues.decimalValue(v, pos).stripTrailingZeros().toPlainString());
      case VariantFormat.DATE -> quoted(LocalDate.ofEpochDay(VariantValues.longValue(v, pos)).toString(), sb);
      case VariantFormat.TIMESTAMP_TZ -> quoted(TIMESTAMP.format(micros(VariantValues.longValue(v, pos))
          .atOffset(ZoneOffset.UTC)), sb);
      case VariantFormat.TIMESTAMP_NTZ -> quoted(LOCAL_TIMESTAMP.format(micros(VariantValues.longValue(v, pos))
          .atOffset(ZoneOffset.UTC)), sb);
      case VariantFormat.TIMESTAMP_NANOS_TZ -> quoted(TIMESTAMP.format(nanos(VariantValues.longValue(v, pos))
          .atOffset(ZoneOffset.UTC)), sb);
      case VariantFormat.TIMESTAMP_NANOS_NTZ -> quoted(LOCAL_TIMESTAMP.format(nanos(VariantValues.longValue(v, pos))
          .atOffset(ZoneOffset.UTC)), sb);
      case VariantFormat.TIME_NTZ -> quoted(DateTimeFormatter.ISO_LOCAL_TIME.format(
          LocalTime.ofNanoOfDay(VariantValues.longValue(v, pos) * 1000)), sb);
      case VariantFormat.BINARY -> {
        int from = VariantValues.bytesStart(v, pos);
        byte[] bytes = java.util.Arrays.copyOfRange(v, from, from + VariantValues.bytesLength(v, pos));
        quoted(Base64.getEncoder().encodeToString(bytes), sb);
      }
      case VariantFormat.STRING -> quote(VariantValues.stringValue(v, pos), sb);
      case VariantFormat.UUID -> quoted(new java.util.UUID(VariantValues.uuidHigh(v, pos),
          VariantValues.uuidLow(v, pos)).toString(), sb);
      default -> throw new IllegalStateException("not validated: primitive type " + id);
    }
  }

  /**
   * @param micros microseconds since the epoch
   * @return the instant
   */
  public static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /**
   * @param nanos nanoseconds since the epoch
   * @return the instant
   */
  public static Instant nanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static void number(double d, String text, StringBuilder sb) {
    if (Double.isFinite(d)) {
      sb.append(text);
    } else {
      quoted(text, sb); // NaN, Infinity, -Infinity: JSON has no such number
    }
  }

  private static void quoted(String plain, StringBuilder sb) {
    sb.append('"').append(plain).append('"');
  }

  /**
   * Appends a JSON string: quotes, and escapes for the quote, the backslash and the control characters (the short
   * escapes where JSON has one), as Jackson writes them.
   *
   * @param s the string
   * @param sb where it goes
   */
  public static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
