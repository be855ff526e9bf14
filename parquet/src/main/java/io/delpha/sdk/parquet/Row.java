package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of a run-time {@link RowSchema}: typed values by position or by name. Immutable; values are
 * checked against the schema when the row is made (see {@link ColumnType} for the Java type of each
 * column type). Values of nested columns are checked to their leaves and kept as unmodifiable copies:
 * a LIST column's value is a {@code List}, a MAP column's a {@code Map} (entries in their order), a STRUCT
 * column's a {@code Row} of the struct's fields.
 *
 * <pre>{@code
 * Row r = Row.of(schema, 42L, "Alice", new BigDecimal("12.50"));
 * long id = r.getLong("id");
 * BigDecimal price = r.getDecimal("price");
 * }</pre>
 *
 * <p>Rows read from Parquet ({@link RowReader}, {@link ColumnBatch#rows()}) share their batch's column
 * arrays and make a {@code Long}, {@code BigDecimal}, {@code Instant} or {@code LocalDate} value when it is
 * asked for (see {@link #get(int)}), which is what makes reading rows fast; each such row keeps its batch's
 * values reachable (about 40 bytes a row of the batch, a few thousand rows). Code that keeps a few rows out
 * of many for long can copy them: {@code Row.of(row.schema(), row.values())}.
 */
public final class Row {

  /** The Java class of each kind's values, by the kind's ordinal: the kind's own say, or the nested kinds' types. */
  private static final Class<?>[] JAVA_TYPES = new Class<?>[ColumnType.Kind.values().length];
  /** Whether a row keeps each kind's values as given, by ordinal (the check of {@link #of} is then the class's). */
  private static final boolean[] KEPT_AS_GIVEN = new boolean[ColumnType.Kind.values().length];

  static {
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      JAVA_TYPES[kind.ordinal()] = switch (kind) {
        case LIST -> List.class;
        case MAP -> Map.class;
        case STRUCT -> Row.class;
        default -> ScalarKind.of(kind).javaType();
      };
      KEPT_AS_GIVEN[kind.ordinal()] = !kind.isNested() && ScalarKind.of(kind).keepsValuesAsGiven();
    }
  }


  private static final @Nullable Object[] IN_BLOCK = new Object[0];

  private final RowSchema schema;
  /** The values, or {@link #IN_BLOCK} for a row whose values are in {@link #block}. */
  private final @Nullable Object[] values;
  private final @Nullable RowBlock block;
  private final int position;

  private Row(RowSchema schema, @Nullable Object[] values) {
    this.schema = schema;
    this.values = values;
    this.block = null;
    this.position = 0;
  }

  private Row(RowSchema schema, RowBlock block, int position) {
    this.schema = schema;
    this.values = IN_BLOCK;
    this.block = block;
    this.position = position;
  }

  /**
   * @param schema the row's schema
   * @param values one value per column, in order ({@code null} where allowed)
   * @return the row
   * @throws InvalidInputException if a value has the wrong type, is {@code null} in a required column,
   *     or the count does not match
   */
  public static Row of(RowSchema schema, @Nullable Object... values) {
    Objects.requireNonNull(schema, "schema");
    if (values.length != schema.size()) {
      throw new InvalidInputException("row has " + values.length + " values for " + schema.size() + " columns "
          + schema.names());
    }
    @Nullable Object[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      copy[i] = check(schema.column(i), copy[i]);
    }
    return new Row(schema, copy);
  }

  /** A row of values already of the right types (made by this package's readers); no copy, no checks. */
  static Row trusted(RowSchema schema, @Nullable Object[] values) {
    return new Row(schema, values);
  }

  /** A row whose values are at {@code position} of a block (made by {@link RowBlock}). */
  static Row inBlock(RowSchema schema, RowBlock block, int position) {
    return new Row(schema, block, position);
  }

  /**
   * @param schema the row's schema
   * @param values one value per column, in order
   * @return the row
   */
  public static Row of(RowSchema schema, List<?> values) {
    return of(schema, values.toArray());
  }

  private static @Nullable Object check(Column c, @Nullable Object v) {
    if (v == null) {
      if (!c.nullable()) {
        throw new InvalidInputException("column " + c.name() + " is required but the value is null");
      }
      return null;
    }
    ColumnType type = c.type();
    int kind = type.kind().ordinal();
    Class<?> expected = JAVA_TYPES[kind];
    if (!expected.isInstance(v)) {
      throw new InvalidInputException("column " + c.name() + " (" + type + ") expects "
          + expected.getSimpleName() + ", got " + v.getClass().getSimpleName());
    }
    if (KEPT_AS_GIVEN[kind]) {
      return v; // immutable values
    }
    return switch (type.kind()) {
      case LIST -> {
        Column element = type.element();
        List<?> list = (List<?>) v;
        List<Object> copy = new ArrayList<>(list.size());
        for (Object e : list) {
          copy.add(check(element, e));
        }
        yield Collections.unmodifiableList(copy);
      }
      case MAP -> {
        Map<?, ?> map = (Map<?, ?>) v;
        Map<Object, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          copy.put(check(type.key(), e.getKey()), check(type.value(), e.getValue()));
        }
        yield Collections.unmodifiableMap(copy);
      }
      case STRUCT -> {
        Row row = (Row) v;
        if (!row.schema().columns().equals(type.children())) {
          throw new InvalidInputException("column " + c.name() + " (" + type + ") expects a row of "
              + type.fields() + ", got a row of " + row.schema());
        }
        yield row;
      }
      default -> ScalarKind.of(type).checked(v, type, c.name());
    };
  }

  /**
   * @param type a column type
   * @return the Java class of its values
   */
  public static Class<?> javaType(ColumnType type) {
    return JAVA_TYPES[type.kind().ordinal()];
  }

  /**
   * @return the schema
   */
  public RowSchema schema() {
    return schema;
  }

  /**
   * The value at a position. For a row read from Parquet, a value of a column held in primitives is made
   * by each call (equal, but not the same object, from call to call).
   *
   * @param index a column position
   * @return the value there, possibly {@code null}
   * @throws IndexOutOfBoundsException if there is no such column
   */
  public @Nullable Object get(int index) {
    Object v = value(index);
    return v instanceof byte[] b ? b.clone() : v;
  }

  /**
   * @param index a column position
   * @return whether the value there is {@code null}
   * @throws IndexOutOfBoundsException if there is no such column
   */
  public boolean isNull(int index) {
    RowBlock b = block;
    if (b != null) {
      Objects.checkIndex(index, schema.size());
      return b.isNull(index, position);
    }
    return values[index] == null;
  }

  /** The value at {@code index} as held, without the defensive copy of {@code byte[]}. */
  @Nullable Object value(int index) {
    RowBlock b = block;
    if (b != null) {
      Objects.checkIndex(index, schema.size());
      return b.value(index, position);
    }
    return values[index];
  }

  /**
   * @param column a column name
   * @return the value, possibly {@code null}
   */
  public @Nullable Object get(String column) {
    return get(schema.requireIndex(column));
  }

  /**
   * @param column a column name
   * @return whether the value is {@code null}
   */
  public boolean isNull(String column) {
    return isNull(schema.requireIndex(column));
  }

  /**
   * @param column a STRING column
   * @return its value, or {@code null}
   */
  public @Nullable String getString(String column) {
    return getString(schema.requireIndex(column));
  }

  /**
   * @param index the position of a STRING column
   * @return its value, or {@code null}
   */
  public @Nullable String getString(int index) {
    RowBlock b = block;
    return b != null ? b.getString(index, position) : (String) typed(index, ColumnType.Kind.STRING);
  }

  // A typed getter of a row of a block is one call into the block, which reads the value where it is held (see
  // RowBlock's getters); a row made by Row.of reads its values here, in a method of its own, so that the caller's
  // loop inlines only the call.

  /**
   * The value of an INT column as a primitive, as JDBC's {@code ResultSet.getInt} and the driver's {@code
   * Row.getInt} read it, without making an object. A {@code null} has no primitive value: ask {@link
   * #isNull(String)} first where the column is nullable.
   *
   * @param column an INT column
   * @return its value
   * @throws InvalidInputException if the column is not INT, or its value is {@code null}
   */
  public int getInt(String column) {
    return getInt(schema.requireIndex(column));
  }

  /**
   * @param index the position of an INT column
   * @return its value
   * @throws InvalidInputException if the column is not INT, or its value is {@code null}
   * @see #getInt(String)
   */
  public int getInt(int index) {
    RowBlock b = block;
    return b != null ? b.getInt(index, position) : otherInt(index);
  }

  private int otherInt(int index) {
    return (Integer) primitive(index, "getInt", ColumnType.Kind.INT);
  }

  /**
   * The value of a LONG column (or of an INT column, widened) as a primitive, as JDBC's {@code ResultSet.getLong}
   * and the driver's {@code Row.getLong} read it, without making an object. A {@code null} has no primitive value:
   * ask {@link #isNull(String)} first where the column is nullable.
   *
   * @param column a LONG or INT column
   * @return its value
   * @throws InvalidInputException if the column is neither LONG nor INT, or its value is {@code null}
   */
  public long getLong(String column) {
    return getLong(schema.requireIndex(column));
  }

  /**
   * @param index the position of a LONG or INT column
   * @return its value
   * @throws InvalidInputException if the column is neither LONG nor INT, or its value is {@code null}
   * @see #getLong(String)
   */
  public long getLong(int index) {
    RowBlock b = block;
    return b != null ? b.getLong(index, position) : otherLong(index);
  }

  private long otherLong(int index) {
    return ((Number) primitive(index, "getLong", ColumnType.Kind.LONG, ColumnType.Kind.INT)).longValue();
  }

  /**
   * The value of a DOUBLE column as a primitive, without making an object. A {@code null} has no primitive value:
   * ask {@link #isNull(String)} first where the column is nullable.
   *
   * @param column a DOUBLE column
   * @return its value
   * @throws InvalidInputException if the column is not DOUBLE, or its value is {@code null}
   */
  public double getDouble(String column) {
    return getDouble(schema.requireIndex(column));
  }

  /**
   * @param index the position of a DOUBLE column
   * @return its value
   * @throws InvalidInputException if the column is not DOUBLE, or its value is {@code null}
   * @see #getDouble(String)
   */
  public double getDouble(int index) {
    RowBlock b = block;
    return b != null ? b.getDouble(index, position) : otherDouble(index);
  }

  private double otherDouble(int index) {
    return (Double) primitive(index, "getDouble", ColumnType.Kind.DOUBLE);
  }

  /**
   * The value of a BOOLEAN column as a primitive. A {@code null} has no primitive value: ask {@link
   * #isNull(String)} first where the column is nullable.
   *
   * @param column a BOOLEAN column
   * @return its value
   * @throws InvalidInputException if the column is not BOOLEAN, or its value is {@code null}
   */
  public boolean getBoolean(String column) {
    return getBoolean(schema.requireIndex(column));
  }

  /**
   * @param index the position of a BOOLEAN column
   * @return its value
   * @throws InvalidInputException if the column is not BOOLEAN, or its value is {@code null}
   * @see #getBoolean(String)
   */
  public boolean getBoolean(int index) {
    RowBlock b = block;
    return b != null ? b.getBoolean(index, position) : otherBoolean(index);
  }

  private boolean otherBoolean(int index) {
    return (Boolean) primitive(index, "getBoolean", ColumnType.Kind.BOOLEAN);
  }

  /**
   * @param column a DECIMAL column
   * @return its value, with the column's scale, or {@code null}
   */
  public @Nullable BigDecimal getDecimal(String column) {
    return getDecimal(schema.requireIndex(column));
  }

  /**
   * @param index the position of a DECIMAL column
   * @return its value, with the column's scale, or {@code null}
   */
  public @Nullable BigDecimal getDecimal(int index) {
    RowBlock b = block;
    return b != null ? b.getDecimal(index, position) : (BigDecimal) typed(index, ColumnType.Kind.DECIMAL);
  }

  /**
   * @param column a DATE column
   * @return its value, or {@code null}
   */
  public @Nullable LocalDate getDate(String column) {
    return getDate(schema.requireIndex(column));
  }

  /**
   * @param index the position of a DATE column
   * @return its value, or {@code null}
   */
  public @Nullable LocalDate getDate(int index) {
    RowBlock b = block;
    return b != null ? b.getDate(index, position) : (LocalDate) typed(index, ColumnType.Kind.DATE);
  }

  /**
   * @param column a TIME column
   * @return its value, or {@code null}
   */
  public @Nullable LocalTime getTime(String column) {
    return getTime(schema.requireIndex(column));
  }

  /**
   * @param index the position of a TIME column
   * @return its value, or {@code null}
   */
  public @Nullable LocalTime getTime(int index) {
    return (LocalTime) typed(index, ColumnType.Kind.TIME);
  }

  /**
   * @param column a TIMESTAMP column
   * @return its value, or {@code null}
   */
  public @Nullable Instant getTimestamp(String column) {
    return getTimestamp(schema.requireIndex(column));
  }

  /**
   * @param index the position of a TIMESTAMP column
   * @return its value, or {@code null}
   */
  public @Nullable Instant getTimestamp(int index) {
    RowBlock b = block;
    return b != null ? b.getTimestamp(index, position) : (Instant) typed(index, ColumnType.Kind.TIMESTAMP);
  }

  /**
   * @param column a LOCAL_TIMESTAMP column
   * @return its value, or {@code null}
   */
  public @Nullable LocalDateTime getLocalTimestamp(String column) {
    return getLocalTimestamp(schema.requireIndex(column));
  }

  /**
   * @param index the position of a LOCAL_TIMESTAMP column
   * @return its value, or {@code null}
   */
  public @Nullable LocalDateTime getLocalTimestamp(int index) {
    return (LocalDateTime) typed(index, ColumnType.Kind.LOCAL_TIMESTAMP);
  }

  /**
   * @param column a BYTES column
   * @return a copy of its value, or {@code null}
   */
  public byte @Nullable [] getBytes(String column) {
    return getBytes(schema.requireIndex(column));
  }

  /**
   * @param index the position of a BYTES column
   * @return a copy of its value, or {@code null}
   */
  public byte @Nullable [] getBytes(int index) {
    byte[] v = (byte[]) typed(index, ColumnType.Kind.BYTES);
    return v == null ? null : v.clone();
  }

  /**
   * @param column a VARIANT column
   * @return its value, or {@code null}
   */
  public @Nullable Variant getVariant(String column) {
    return getVariant(schema.requireIndex(column));
  }

  /**
   * @param index the position of a VARIANT column
   * @return its value (immutable), or {@code null}
   */
  public @Nullable Variant getVariant(int index) {
    return (Variant) typed(index, ColumnType.Kind.VARIANT);
  }

  /**
   * @param column a LIST column
   * @return its value, an unmodifiable list whose elements are of the element type's Java class, or {@code null}
   */
  public @Nullable List<?> getList(String column) {
    return getList(schema.requireIndex(column));
  }

  /**
   * @param index the position of a LIST column
   * @return its value, or {@code null}
   */
  public @Nullable List<?> getList(int index) {
    return (List<?>) typed(index, ColumnType.Kind.LIST);
  }

  /**
   * @param column a MAP column
   * @return its value, an unmodifiable map in the file's entry order, or {@code null}
   */
  public @Nullable Map<?, ?> getMap(String column) {
    return getMap(schema.requireIndex(column));
  }

  /**
   * @param index the position of a MAP column
   * @return its value, or {@code null}
   */
  public @Nullable Map<?, ?> getMap(int index) {
    return (Map<?, ?>) typed(index, ColumnType.Kind.MAP);
  }

  /**
   * @param column a STRUCT column
   * @return its value, a row of the struct's fields, or {@code null}
   */
  public @Nullable Row getRow(String column) {
    return getRow(schema.requireIndex(column));
  }

  /**
   * @param index the position of a STRUCT column
   * @return its value, or {@code null}
   */
  public @Nullable Row getRow(int index) {
    return (Row) typed(index, ColumnType.Kind.STRUCT);
  }

  /** The value at {@code index} (not copied) of a column of kind {@code kind}, else a typed error. */
  private @Nullable Object typed(int index, ColumnType.Kind kind) {
    return TypedGetters.typed(schema, index, kind, value(index));
  }

  /** The non-null value at {@code index} of a row's values, of a column of one of {@code kinds}, else a typed error. */
  private Object primitive(int index, String getter, ColumnType.Kind... kinds) {
    TypedGetters.requireKind(schema, index, getter, kinds);
    return TypedGetters.present(schema, index, getter, value(index));
  }

  /**
   * @return the values in column order (a copy)
   */
  public List<Object> values() {
    int n = schema.size();
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(get(i));
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * @return column name to value, in column order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      map.put(schema.column(i).name(), get(i));
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Row other) || !schema.equals(other.schema)) {
      return false;
    }
    for (int i = 0; i < schema.size(); i++) {
      if (!Objects.deepEquals(value(i), other.value(i))) {
        return false;
      }
    }
    return true;
  }

  /** The hash of the schema and of the values, as {@link Arrays#deepHashCode} hashes an array of them. */
  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < schema.size(); i++) {
      Object v = value(i);
      h = 31 * h + (v instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(v));
    }
    return 31 * schema.hashCode() + h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < schema.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      Object v = value(i);
      b.append(schema.column(i).name()).append('=')
          .append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
    }
    return b.append('}').toString();
  }
}
