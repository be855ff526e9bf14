package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/** Partition values parsed from the protocol's strings, and file values widened to the table's types. */
public final class Values {

  private Values() {}

  /**
   * Parses a partition value (the protocol serialises every type as a string; an empty string or a
   * missing value is {@code null}).
   *
   * @param column the partition column
   * @param text the serialised value
   * @param file the file, for messages
   * @return the typed value
   * @throws DataFormatException if the text does not parse as the column's type
   */
  public static @Nullable Object parsePartition(Column column, @Nullable String text, String file) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    ColumnType type = column.type();
    if (type.kind().isNested() || type.kind() == ColumnType.Kind.VARIANT) {
      throw new DataFormatException("partition column " + Peers.echo(column.name()) + " of " + file + " has type "
          + type + ", which partition values cannot hold");
    }
    try {
      return ScalarKind.of(type).parsePartition(text, type);
    } catch (DataFormatException e) { // a number, refused by its shape before any arithmetic (PeerNumbers)
      throw new DataFormatException("column " + Peers.echo(column.name()) + " in " + file + ": " + e.getMessage()
          + " (the column's type)", e);
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new DataFormatException("partition value '" + Peers.echo(text) + "' of column "
          + Peers.echo(column.name()) + " in " + file + " is not a valid " + type, e);
    }
  }

  /**
   * Widens a value read from a data file to the Java type of the table's column: a file may store a {@code short}
   * as INT32, a {@code float} as FLOAT, a decimal with another physical type, and under Delta's type widening a
   * column in the narrower type it had when the file was written (INT for a LONG, a DATE for a TIMESTAMP_NTZ, a
   * DECIMAL of lower precision and scale), at any depth: inside a struct (fields matched by name; a field the file
   * lacks is null), a list's elements, a map's keys and values.
   *
   * @param column the table's column
   * @param value the file's value
   * @param file the file, for messages
   * @return the value as the column's Java type
   * @throws DataFormatException if the value cannot be represented exactly
   */
  public static @Nullable Object coerce(Column column, @Nullable Object value, String file) {
    return coerce(column.name(), column.type(), value, file);
  }

  private static @Nullable Object coerce(String name, ColumnType type, @Nullable Object value, String file) {
    if (value == null) {
      return null;
    }
    switch (type.kind()) {
      case STRUCT -> {
        if (!(value instanceof Row row)) {
          return fail(name, type, value, file);
        }
        RowSchema fields = type.fields();
        if (row.schema().equals(fields)) {
          return row;
        }
        List<@Nullable Object> values = new ArrayList<>(fields.size());
        for (Column f : fields.columns()) {
          OptionalInt at = row.schema().indexOf(f.name());
          values.add(at.isPresent() ? coerce(f.name(), f.type(), row.values().get(at.getAsInt()), file) : null);
        }
        return Row.of(fields, values);
      }
      case LIST -> {
        if (!(value instanceof List<?> list)) {
          return fail(name, type, value, file);
        }
        List<@Nullable Object> out = new ArrayList<>(list.size());
        for (Object e : list) {
          out.add(coerce(name, type.element().type(), e, file));
        }
        return out;
      }
      case MAP -> {
        if (!(value instanceof Map<?, ?> map)) {
          return fail(name, type, value, file);
        }
        Map<@Nullable Object, @Nullable Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put(coerce(name, type.key().type(), e.getKey(), file), coerce(name, type.value().type(), e.getValue(),
              file));
        }
        return out;
      }
      default -> {
        Class<?> expected = Row.javaType(type);
        if (expected.isInstance(value) && !(value instanceof BigDecimal)) {
          return value;
        }
        try {
          @Nullable Object widened = type.kind() == ColumnType.Kind.VARIANT ? null : ScalarKind.of(type).widen(value,
              type);
          return widened != null ? widened : fail(name, type, value, file);
        } catch (ArithmeticException e) {
          throw new DataFormatException("value of column " + Peers.echo(name) + " in " + file + " does not fit "
              + type, e);
        }
      }
    }
  }

  /**
   * Renames a value read from a data file under column mapping: the file's structs name their fields by their
   * physical names, the table by the logical ones. Fields are matched by physical name at every depth (inside
   * structs, list elements and map keys and values); a field the file does not hold (added after the file was
   * written) is {@code null}, and a field the table dropped is left out.
   *
   * @param logical the table's type
   * @param physical the same type in physical names ({@link SparkSchema#toPhysicalSchema})
   * @param value the file's value
   * @return the value in the table's names
   */
  public static @Nullable Object toLogical(ColumnType logical, ColumnType physical, @Nullable Object value) {
    if (value == null || logical.equals(physical)) {
      return value;
    }
    return switch (logical.kind()) {
      case STRUCT -> {
        io.delpha.sdk.parquet.Row row = (io.delpha.sdk.parquet.Row) value;
        io.delpha.sdk.parquet.RowSchema names = logical.fields();
        io.delpha.sdk.parquet.RowSchema physicalNames = physical.fields();
        java.util.List<Object> values = new java.util.ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
          Column p = physicalNames.column(i);
          java.util.OptionalInt at = row.schema().indexOf(p.name());
          values.add(at.isPresent() ? toLogical(names.column(i).type(), p.type(), row.values().get(at.getAsInt()))
              : null);
        }
        yield io.delpha.sdk.parquet.Row.of(names, values);
      }
      case LIST -> {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (Object e : (java.util.List<?>) value) {
          out.add(toLogical(logical.element().type(), physical.element().type(), e));
        }
        yield out;
      }
      case MAP -> {
        java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) value).entrySet()) {
          out.put(toLogical(logical.key().type(), physical.key().type(), e.getKey()),
              toLogical(logical.value().type(), physical.value().type(), e.getValue()));
        }
        yield out;
      }
      case BOOLEAN, INT, LONG, DOUBLE, DECIMAL, STRING, DATE, TIME, TIMESTAMP, LOCAL_TIMESTAMP, BYTES, VARIANT -> value;
    };
  }

  private static Object fail(String name, ColumnType type, Object value, String file) {
    throw new DataFormatException("column " + Peers.echo(name) + " in " + file + " holds "
        + value.getClass().getSimpleName() + " values, but the table's schema says " + type);
  }
}
