package io.delpha.sdk.parquet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * How DuckDB shows a VARIANT as JSON, so that a {@link Variant} we read can be compared with DuckDB's reading of the
 * same value: the oracle of the VARIANT tests ({@code ParquetCorpusTest}'s comparison, {@code VariantNestedTest}).
 *
 * <p>DuckDB's {@code v::JSON} of a VARIANT (DuckDB 2.0) writes integers and decimals exactly (a DECIMAL with its
 * scale: {@code 1.50}), a DOUBLE in the shortest form that reads back (NaN and Infinity bare), a FLOAT as the double it
 * widens to, a BINARY as DuckDB's BLOB text ({@code \x00A\xFF}, the quote, backslash and apostrophe escaped too),
 * dates, times and timestamps as DuckDB's text of them (a timestamp with time zone with {@code +00} in UTC, a year
 * before 1 as {@code 0101-01-01 (BC)}, the fraction's trailing zeros dropped), a UUID in lower case. {@code to_json} of
 * a value holding a VARIANT (a VARIANT inside a LIST, MAP or STRUCT) writes the same, but a decimal as a double: there
 * a decimal is compared as the double it rounds to.
 *
 * <p>DuckDB holds a top-level variant null as its NULL (it writes the VARIANT group null); both are JSON's null here.
 *
 * <p>{@link #json} renders our value so; {@link #parseExact} reads DuckDB's text keeping each number as written (a
 * decimal as a {@code BigDecimal}, a double's negative zero as such), so that {@code ParquetCorpusTest.sameJson}
 * compares an integer or a decimal exactly and a double or float as a double.
 */
final class DuckDbVariants {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFactory PARSER = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private DuckDbVariants() {}

  /** @return {@code v} as DuckDB's {@code ::JSON} shows it (numbers as exact nodes, doubles as doubles) */
  static JsonNode json(Variant v) {
    return switch (v.type()) {
      case NULL -> NODES.nullNode();
      case BOOLEAN -> NODES.booleanNode(v.getBoolean());
      case INT8, INT16, INT32, INT64 -> NODES.numberNode(v.getLong());
      case DOUBLE -> NODES.numberNode(v.getDouble());
      case FLOAT -> NODES.numberNode((double) v.getFloat());
      case DECIMAL -> NODES.numberNode(v.getDecimal());
      case STRING -> NODES.textNode(v.getString());
      case BINARY -> ParquetCorpusTest.json(v.getBinary());
      case DATE -> NODES.textNode(date(v.getDate()));
      case TIMESTAMP_TZ, TIMESTAMP_NANOS_TZ ->
          NODES.textNode(timestamp(LocalDateTime.ofInstant(v.getTimestamp(), ZoneOffset.UTC)) + "+00");
      case TIMESTAMP_NTZ, TIMESTAMP_NANOS_NTZ -> NODES.textNode(timestamp(v.getLocalTimestamp()));
      case TIME_NTZ -> NODES.textNode(time(v.getTime()));
      case UUID -> NODES.textNode(v.getUuid().toString());
      case OBJECT -> {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < v.size(); i++) {
          o.set(v.fieldName(i), json(v.field(i)));
        }
        yield o;
      }
      case ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = 0; i < v.size(); i++) {
          a.add(json(v.get(i)));
        }
        yield a;
      }
    };
  }

  /**
   * @return whether DuckDB 2.0 writes {@code v} to Parquet: not when it holds a TIMESTAMP_NANOS_TZ ("Can't convert
   *     VARIANT of type 'TIMESTAMP_NANOS_TZ' to Parquet VARIANT"), though it reads one; nor an object whose one field
   *     is named {@code ""}, which its shredding makes an unnamed struct ("Type 'TUPLE(INTEGER)' can't be translated
   *     to a VARIANT type"), though it writes {@code ""} beside other names
   */
  static boolean duckDbWrites(Variant v) {
    return switch (v.type()) {
      case TIMESTAMP_NANOS_TZ -> false;
      case OBJECT -> {
        if (v.size() == 1 && v.fieldName(0).isEmpty()) {
          yield false;
        }
        for (int i = 0; i < v.size(); i++) {
          if (!duckDbWrites(v.field(i))) {
            yield false;
          }
        }
        yield true;
      }
      case ARRAY -> {
        for (int i = 0; i < v.size(); i++) {
          if (!duckDbWrites(v.get(i))) {
            yield false;
          }
        }
        yield true;
      }
      default -> true;
    };
  }

  /** DuckDB's text of a date: at least four digits of year, a year before 1 as the year BC. */
  static String date(LocalDate d) {
    int year = d.getYear();
    String md = String.format(Locale.ROOT, "-%02d-%02d", d.getMonthValue(), d.getDayOfMonth());
    return year > 0 ? String.format(Locale.ROOT, "%04d", year) + md
        : String.format(Locale.ROOT, "%04d", 1 - year) + md + " (BC)";
  }

  /** DuckDB's text of a timestamp: its date, a space, its time (a BC date keeps its suffix before the time). */
  static String timestamp(LocalDateTime t) {
    return date(t.toLocalDate()) + " " + time(t.toLocalTime());
  }

  /** DuckDB's text of a time: always the seconds, the fraction without its trailing zeros. */
  static String time(LocalTime t) {
    String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
    if (t.getNano() == 0) {
      return hms;
    }
    return hms + String.format(Locale.ROOT, ".%09d", t.getNano()).replaceAll("0+$", "");
  }

  /**
   * @param text JSON as DuckDB writes it
   * @return its tree, each number kept as written: an integer exactly, a number with a fraction or exponent as a
   *     {@code BigDecimal} (a negative zero, NaN or an infinity as a double)
   */
  static JsonNode parseExact(String text) {
    try (JsonParser p = PARSER.createParser(text)) {
      p.nextToken();
      return read(p);
    } catch (IOException e) {
      throw new UncheckedIOException("DuckDB's JSON does not parse: " + text, e);
    }
  }

  private static JsonNode read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, read(p));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          a.add(read(p));
        }
        return a;
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(p.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        String s = p.getText();
        if (p.isNaN()) {
          return NODES.numberNode(p.getDoubleValue());
        }
        BigDecimal d = new BigDecimal(s);
        return d.signum() == 0 && s.startsWith("-") ? NODES.numberNode(-0.0) : NODES.numberNode(d);
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new IOException("unexpected " + t);
    }
  }
}
