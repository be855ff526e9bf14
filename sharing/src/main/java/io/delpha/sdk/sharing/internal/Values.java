package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.engines.Spark;
import io.delpha.sdk.parquet.internal.engines.TypeVisitor;
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
    if (!Spark.partitionable(type)) {
      throw new DataFormatException("partition column " + Peers.echo(column.name()) + " of " + file + " has type "
          + type + ", which partition values cannot hold");
    }
    try {
      return Spark.parsePartition(text, type);
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
    return TypeVisitor.visit(type, new TypeVisitor<@Nullable Object>() {
      @Override
      public @Nullable Object scalar(ColumnType t) {
        Class<?> expected = Row.javaType(t);
        if (expected.isInstance(value) && !(value instanceof BigDecimal)) {
          return value;
        }
        try {
          @Nullable Object widened = Spark.widen(value, t);
          return widened != null ? widened : fail(name, t, value, file);
        } catch (ArithmeticException e) {
          throw new DataFormatException("value of column " + Peers.echo(name) + " in " + file + " does not fit "
              + t, e);
        }
      }

      @Override
      public @Nullable Object list(ColumnType t, Column element) {
        if (!(value instanceof List<?> list)) {
          return fail(name, t, value, file);
        }
        List<@Nullable Object> out = new ArrayList<>(list.size());
        for (Object e : list) {
          out.add(coerce(name, element.type(), e, file));
        }
        return out;
      }

      @Override
      public @Nullable Object map(ColumnType t, Column key, Column mapValue) {
        if (!(value instanceof Map<?, ?> map)) {
          return fail(name, t, value, file);
        }
        Map<@Nullable Object, @Nullable Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put(coerce(name, key.type(), e.getKey(), file), coerce(name, mapValue.type(), e.getValue(), file));
        }
        return out;
      }

      @Override
      public @Nullable Object struct(ColumnType t, RowSchema fields) {
        if (!(value instanceof Row row)) {
          return fail(name, t, value, file);
        }
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
    });
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
    return TypeVisitor.visit(logical, new TypeVisitor<@Nullable Object>() {
      @Override
      public @Nullable Object scalar(ColumnType type) {
        return value;
      }

      @Override
      public @Nullable Object list(ColumnType type, Column element) {
        List<@Nullable Object> out = new ArrayList<>();
        for (Object e : (List<?>) value) {
          out.add(toLogical(element.type(), physical.element().type(), e));
        }
        return out;
      }

      @Override
      public @Nullable Object map(ColumnType type, Column key, Column mapValue) {
        Map<@Nullable Object, @Nullable Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          out.put(toLogical(key.type(), physical.key().type(), e.getKey()),
              toLogical(mapValue.type(), physical.value().type(), e.getValue()));
        }
        return out;
      }

      @Override
      public @Nullable Object struct(ColumnType type, RowSchema names) {
        Row row = (Row) value;
        RowSchema physicalNames = physical.fields();
        List<@Nullable Object> values = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
          Column p = physicalNames.column(i);
          OptionalInt at = row.schema().indexOf(p.name());
          values.add(at.isPresent() ? toLogical(names.column(i).type(), p.type(), row.values().get(at.getAsInt()))
              : null);
        }
        return Row.of(names, values);
      }
    });
  }

  private static Object fail(String name, ColumnType type, Object value, String file) {
    throw new DataFormatException("column " + Peers.echo(name) + " in " + file + " holds "
        + value.getClass().getSimpleName() + " values, but the table's schema says " + type);
  }
}
