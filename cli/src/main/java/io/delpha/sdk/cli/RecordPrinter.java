package io.delpha.sdk.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records to standard output as CSV (RFC 4180, a header row, nested values as JSON) or JSON Lines (one
 * object per line). Temporal values print as ISO-8601 (always with their seconds, fractions with the digits they need,
 * instants in UTC: {@code 2024-02-29T12:34:56.5Z}), decimals exactly and never in exponent form, bytes as Base64. A null is an empty CSV field (an empty string is {@code ""}) and JSON's
 * {@code null}.
 */
final class RecordPrinter implements AutoCloseable {

  /** The output formats of records. */
  enum Format { csv, json }

  private static final long MIN_LOCAL_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
  private static final long MAX_LOCAL_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final Writer out;
  private final Format format;
  private List<String> columns;
  private long rows;

  RecordPrinter(Writer out, Format format) {
    this.out = out;
    this.format = format;
  }

  /**
   * Fixes the CSV columns; without it the first record's keys are the columns.
   *
   * @param names the column names
   */
  void columns(List<String> names) {
    if (columns == null) {
      columns = List.copyOf(names);
      if (format == Format.csv) {
        writeCsvLine(columns.stream().map(c -> (Object) c).toList());
      }
    }
  }

  void write(Map<String, ?> record) {
    try {
      if (format == Format.json) {
        StringBuilderWriter w = new StringBuilderWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
          value(g, record);
        }
        out.write(w.toString());
        out.write('\n');
      } else {
        columns(List.copyOf(record.keySet()));
        writeCsvLine(columns.stream().map(c -> (Object) record.get(c)).toList());
      }
      rows++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes one record whose values are in the order of {@link #columns}, which must have been called.
   *
   * @param values the values, one per column
   */
  void write(List<?> values) {
    try {
      if (format == Format.json) {
        StringBuilderWriter w = new StringBuilderWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
          g.writeStartObject();
          for (int i = 0; i < values.size(); i++) {
            g.writeFieldName(columns.get(i));
            value(g, values.get(i));
          }
          g.writeEndObject();
        }
        out.write(w.toString());
        out.write('\n');
      } else {
        writeCsvLine(values);
      }
      rows++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long rows() {
    return rows;
  }

  /** Writes what is buffered through to the output. */
  void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeCsvLine(List<?> values) {
    try {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object v = values.get(i);
        if (v == null) {
          continue;
        }
        String s = v instanceof Map || v instanceof Collection || v instanceof Row ? json(v) : scalar(v);
        if (s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
          sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else {
          sb.append(s);
        }
      }
      out.write(sb.append("\r\n").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param v a value that is not a list, map or struct
   * @return its text, as a CSV field holds it before quoting
   */
  static String scalar(Object v) {
    if (v instanceof Variant x) {
      return x.toJson(); // its whole JSON (toString cuts long ones)
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof LocalTime t) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }
    if (v instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (v instanceof Instant i && i.getEpochSecond() > MIN_LOCAL_SECOND && i.getEpochSecond() < MAX_LOCAL_SECOND) {
      // as a local date-time: its fraction has the digits it needs, where Instant.toString pads them to 3, 6 or 9
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(i, ZoneOffset.UTC)) + "Z";
    }
    return v.toString();
  }

  private static String json(Object v) {
    try {
      StringBuilderWriter w = new StringBuilderWriter();
      try (JsonGenerator g = JSON.createGenerator(w)) {
        value(g, v);
      }
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Row r) {
      value(g, r.toMap());
    } else if (v instanceof Variant x) {
      g.writeRawValue(x.toJson()); // a JSON value as it is (NaN and the infinities as strings)
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        value(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (v instanceof Float f) {
      if (Float.isFinite(f)) {
        g.writeNumber(f.floatValue());
      } else {
        g.writeString(f.toString());
      }
    } else if (v instanceof Double d) {
      if (Double.isFinite(d)) {
        g.writeNumber(d.doubleValue());
      } else {
        g.writeString(d.toString());
      }
    } else {
      g.writeString(scalar(v));
    }
  }

  /**
   * Salesforce records: drops the {@code attributes} entries and flattens related records into
   * {@code Relation.Field} columns.
   */
  static Map<String, Object> flatten(Map<String, ?> record) {
    Map<String, Object> out = new LinkedHashMap<>();
    flatten("", record, out);
    return out;
  }

  private static void flatten(String prefix, Map<String, ?> record, Map<String, Object> out) {
    for (Map.Entry<String, ?> e : record.entrySet()) {
      if (e.getKey().equals("attributes")) {
        continue;
      }
      if (e.getValue() instanceof Map<?, ?> nested && !nested.containsKey("records")) {
        @SuppressWarnings("unchecked")
        Map<String, ?> n = (Map<String, ?>) nested;
        flatten(prefix + e.getKey() + ".", n, out);
      } else {
        out.put(prefix + e.getKey(), e.getValue());
      }
    }
  }

  @Override
  public void close() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class StringBuilderWriter extends Writer {
    private final StringBuilder sb = new StringBuilder();

    @Override
    public void write(char[] cbuf, int off, int len) {
      sb.append(cbuf, off, len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
