package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.PeerNumbers;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Base64;
import java.util.Locale;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * What a flat field of a change event is in a Cassandra column: its CQL type, its value from the event's Avro
 * encoding and from a REST answer's JSON. Salesforce encodes a DateTime as epoch milliseconds ({@code long}), a Date as
 * epoch days ({@code int}) or milliseconds ({@code long}), a Time as milliseconds of the day; the field's {@code doc}
 * ({@code "Data:DateTime"}, {@code "Data:Date"}, {@code "Data:Time"}) or an Avro logical type says which.
 */
public enum ColumnKind {
  /** text, picklists, ids, enums */
  TEXT("text"),
  /** checkboxes */
  BOOLEAN("boolean"),
  /** int */
  INT("int"),
  /** long */
  BIGINT("bigint"),
  /** double, currency, percent, latitude and longitude */
  DOUBLE("double"),
  /** DateTime */
  TIMESTAMP("timestamp"),
  /** Date */
  DATE("date"),
  /** Time */
  TIME("time"),
  /** bytes */
  BLOB("blob");

  /** Salesforce's REST form of a DateTime, {@code 2024-05-01T10:15:30.000+0000}, and ISO forms. */
  private static final DateTimeFormatter REST_DATETIME = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendOffsetId().optionalEnd().toFormatter(Locale.ROOT);

  private final String cql;

  ColumnKind(String cql) {
    this.cql = cql;
  }

  /**
   * @return the CQL type of a column of this kind
   */
  public String cql() {
    return cql;
  }

  /**
   * @param type a field's Avro type (a union's branch), not a record, union or null
   * @param doc the field's {@code doc}, or {@code null}
   * @return the kind its values are stored as
   */
  public static ColumnKind of(Schema type, @Nullable String doc) {
    String logical = type.getLogicalType() == null ? "" : type.getLogicalType().getName();
    String data = doc == null ? "" : doc.substring(doc.lastIndexOf(':') + 1).trim();
    return switch (type.getType()) {
      case BOOLEAN -> BOOLEAN;
      case INT -> logical.equals("date") || data.equals("Date") ? DATE
          : logical.startsWith("time-") || data.equals("Time") ? TIME : INT;
      case LONG -> logical.startsWith("timestamp-") || data.equals("DateTime") ? TIMESTAMP
          : data.equals("Date") ? DATE : logical.startsWith("time-") || data.equals("Time") ? TIME : BIGINT;
      case FLOAT, DOUBLE -> DOUBLE;
      case BYTES, FIXED -> BLOB;
      default -> TEXT; // string, enum, and arrays or maps (multi-select values), kept as their text
    };
  }

  /**
   * @param value a value as Avro's generic reader gives it
   * @param type the value's Avro type
   * @return the driver's value for a column of this kind
   */
  public @Nullable Object fromAvro(@Nullable Object value, Schema type) {
    if (value == null) {
      return null;
    }
    boolean micros = type.getLogicalType() != null && type.getLogicalType().getName().endsWith("-micros");
    return switch (this) {
      case TEXT -> value.toString();
      case BOOLEAN -> (Boolean) value;
      case INT -> ((Number) value).intValue();
      case BIGINT -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case TIMESTAMP -> micros ? Instant.EPOCH.plusNanos(((Number) value).longValue() * 1000)
          : Instant.ofEpochMilli(((Number) value).longValue());
      case DATE -> value instanceof Integer days ? LocalDate.ofEpochDay(days)
          : Instant.ofEpochMilli(((Number) value).longValue()).atOffset(ZoneOffset.UTC).toLocalDate();
      case TIME -> micros ? LocalTime.ofNanoOfDay(((Number) value).longValue() * 1000)
          : LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L);
      case BLOB -> value instanceof ByteBuffer b ? b.duplicate()
          : ByteBuffer.wrap(((org.apache.avro.generic.GenericFixed) value).bytes());
    };
  }

  /**
   * A value of a Bulk API 2.0 query's CSV, converted as the same value of a REST answer is: an empty cell is null (a
   * Salesforce text is never empty), a number as the same number of a REST answer (a whole number for an INT or
   * BIGINT column, nothing truncated or wrapped; the nearest double for a DOUBLE), the rest is the REST answer's text
   * form ({@code 2024-05-01T10:15:30.000Z}, {@code 2024-05-01}, {@code 10:15:30.000Z}, {@code true}).
   *
   * @param value the cell
   * @param field the field, for messages
   * @return the driver's value for a column of this kind
   * @throws DataFormatException if the value is not of the kind
   */
  public @Nullable Object fromCsv(String value, String field) {
    if (value.isEmpty()) {
      return null;
    }
    return fromRest(value, field);
  }

  /**
   * @param value a field's value in a REST answer, as Jackson reads JSON (text, number, boolean)
   * @param field the field, for messages
   * @return the driver's value for a column of this kind
   * @throws DataFormatException if the value is not of the kind
   */
  public @Nullable Object fromRest(@Nullable Object value, String field) {
    if (value == null) {
      return null;
    }
    String what = "field " + field + " of a Salesforce answer";
    try {
      return switch (this) {
        case TEXT -> value.toString();
        case BOOLEAN -> value instanceof Boolean b ? b : Boolean.parseBoolean(value.toString());
        case INT -> (int) whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE, what);
        case BIGINT -> whole(value, Long.MIN_VALUE, Long.MAX_VALUE, what);
        case DOUBLE -> value instanceof Number n ? n.doubleValue() : PeerNumbers.parseDouble(value.toString(), what);
        case TIMESTAMP -> OffsetDateTime.parse(value.toString(), REST_DATETIME).toInstant();
        case DATE -> LocalDate.parse(value.toString());
        case TIME -> LocalTime.parse(value.toString().endsWith("Z")
            ? value.toString().substring(0, value.toString().length() - 1) : value.toString());
        case BLOB -> ByteBuffer.wrap(Base64.getDecoder().decode(value.toString()));
      };
    } catch (DataFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DataFormatException(what + " is not a " + name().toLowerCase(Locale.ROOT) + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * A whole number for an INT or BIGINT column: a JSON integer as Jackson reads it, else its text (a JSON decimal, a
   * CSV cell) read by {@link PeerNumbers} (ASCII digits, at most {@value PeerNumbers#MAX_CHARS} characters), which
   * must be whole ({@code 5.0} is 5) and in range: nothing is truncated or wrapped.
   */
  private static long whole(Object value, long min, long max, String what) {
    Long v;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      v = ((Number) value).longValue();
    } else {
      BigDecimal d = PeerNumbers.parseBigDecimal(value.toString(), what);
      try {
        v = d.signum() == 0 ? 0 : d.stripTrailingZeros().longValueExact();
      } catch (ArithmeticException e) {
        v = null; // a fraction, or beyond a long
      }
    }
    if (v == null || v < min || v > max) {
      throw new DataFormatException(what + " is " + value + ", which is not a whole number from " + min + " to "
          + max);
    }
    return v;
  }
}
