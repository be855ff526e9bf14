package io.delpha.sdk.core.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a run-time {@link RowSchema}: typed values by position or by name. Immutable; values are
 * checked against the schema when the row is made (see {@link ColumnType} for the Java type of each
 * column type).
 *
 * <pre>{@code
 * Row r = Row.of(schema, 42L, "Alice", new BigDecimal("12.50"));
 * long id = r.getLong("id");
 * BigDecimal price = r.getDecimal("price");
 * }</pre>
 */
public final class Row {

  private final RowSchema schema;
  private final Object[] values;

  private Row(RowSchema schema, Object[] values) {
    this.schema = schema;
    this.values = values;
  }

  /**
   * @param schema the row's schema
   * @param values one value per column, in order ({@code null} where allowed)
   * @return the row
   * @throws InvalidInputException if a value has the wrong type, is {@code null} in a required column,
   *     or the count does not match
   */
  public static Row of(RowSchema schema, Object... values) {
    Objects.requireNonNull(schema, "schema");
    if (values.length != schema.size()) {
      throw new InvalidInputException("row has " + values.length + " values for " + schema.size() + " columns "
          + schema.names());
    }
    Object[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      copy[i] = check(schema.column(i), copy[i]);
    }
    return new Row(schema, copy);
  }

  /**
   * @param schema the row's schema
   * @param values one value per column, in order
   * @return the row
   */
  public static Row of(RowSchema schema, List<?> values) {
    return of(schema, values.toArray());
  }

  private static Object check(Column c, Object v) {
    if (v == null) {
      if (!c.nullable()) {
        throw new InvalidInputException("column " + c.name() + " is required but the value is null");
      }
      return null;
    }
    Class<?> expected = javaType(c.type());
    if (!expected.isInstance(v)) {
      throw new InvalidInputException("column " + c.name() + " (" + c.type() + ") expects "
          + expected.getSimpleName() + ", got " + v.getClass().getSimpleName());
    }
    if (v instanceof BigDecimal d && d.scale() != c.type().scale()) {
      throw new InvalidInputException("column " + c.name() + " (" + c.type() + ") expects scale "
          + c.type().scale() + ", got " + d.toPlainString());
    }
    return v instanceof byte[] b ? b.clone() : v;
  }

  /**
   * @param type a column type
   * @return the Java class of its values
   */
  public static Class<?> javaType(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case LONG -> Long.class;
      case DOUBLE -> Double.class;
      case DECIMAL -> BigDecimal.class;
      case STRING -> String.class;
      case DATE -> LocalDate.class;
      case TIME -> LocalTime.class;
      case TIMESTAMP -> Instant.class;
      case BYTES -> byte[].class;
    };
  }

  /**
   * @return the schema
   */
  public RowSchema schema() {
    return schema;
  }

  /**
   * @param index a column position
   * @return the value there, possibly {@code null}
   */
  public Object get(int index) {
    Object v = values[index];
    return v instanceof byte[] b ? b.clone() : v;
  }

  /**
   * @param column a column name
   * @return the value, possibly {@code null}
   */
  public Object get(String column) {
    return get(schema.requireIndex(column));
  }

  /**
   * @param column a column name
   * @return whether the value is {@code null}
   */
  public boolean isNull(String column) {
    return values[schema.requireIndex(column)] == null;
  }

  /**
   * @param column a STRING column
   * @return its value
   */
  public String getString(String column) {
    return (String) get(column);
  }

  /**
   * @param column an INT column
   * @return its value
   */
  public Integer getInt(String column) {
    return (Integer) get(column);
  }

  /**
   * @param column a LONG column
   * @return its value
   */
  public Long getLong(String column) {
    return (Long) get(column);
  }

  /**
   * @param column a DOUBLE column
   * @return its value
   */
  public Double getDouble(String column) {
    return (Double) get(column);
  }

  /**
   * @param column a BOOLEAN column
   * @return its value
   */
  public Boolean getBoolean(String column) {
    return (Boolean) get(column);
  }

  /**
   * @param column a DECIMAL column
   * @return its value, with the column's scale
   */
  public BigDecimal getDecimal(String column) {
    return (BigDecimal) get(column);
  }

  /**
   * @param column a DATE column
   * @return its value
   */
  public LocalDate getDate(String column) {
    return (LocalDate) get(column);
  }

  /**
   * @param column a TIME column
   * @return its value
   */
  public LocalTime getTime(String column) {
    return (LocalTime) get(column);
  }

  /**
   * @param column a TIMESTAMP column
   * @return its value
   */
  public Instant getTimestamp(String column) {
    return (Instant) get(column);
  }

  /**
   * @param column a BYTES column
   * @return a copy of its value
   */
  public byte[] getBytes(String column) {
    return (byte[]) get(column);
  }

  /**
   * @return the values in column order (a copy)
   */
  public List<Object> values() {
    List<Object> list = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      list.add(get(i));
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * @return column name to value, in column order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      map.put(schema.column(i).name(), get(i));
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row other && schema.equals(other.schema) && Arrays.deepEquals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * schema.hashCode() + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      Object v = values[i];
      b.append(schema.column(i).name()).append('=')
          .append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
    }
    return b.append('}').toString();
  }
}
