package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The type of a column of a run-time {@link RowSchema}, and the Java type of its values.
 *
 * <table>
 *   <caption>Types and their values</caption>
 *   <tr><th>type</th><th>Java value</th><th>Parquet (written)</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@code Boolean}</td><td>BOOLEAN</td></tr>
 *   <tr><td>INT</td><td>{@code Integer}</td><td>INT32</td></tr>
 *   <tr><td>LONG</td><td>{@code Long}</td><td>INT64</td></tr>
 *   <tr><td>DOUBLE</td><td>{@code Double}</td><td>DOUBLE</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>{@code BigDecimal} (scale kept)</td><td>DECIMAL on INT64 (p &lt;= 18) or FIXED_LEN_BYTE_ARRAY</td></tr>
 *   <tr><td>STRING</td><td>{@code String}</td><td>BINARY UTF8</td></tr>
 *   <tr><td>DATE</td><td>{@code LocalDate}</td><td>INT32 DATE</td></tr>
 *   <tr><td>TIME</td><td>{@code LocalTime}</td><td>INT64 TIME(MICROS)</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@code Instant} (an instant on the UTC time line)</td><td>INT64 TIMESTAMP(MICROS, UTC-adjusted)</td></tr>
 *   <tr><td>LOCAL_TIMESTAMP</td><td>{@code LocalDateTime} (a wall-clock date and time, no zone)</td><td>INT64 TIMESTAMP(MICROS, not UTC-adjusted)</td></tr>
 *   <tr><td>BYTES</td><td>{@code byte[]}</td><td>BINARY</td></tr>
 *   <tr><td>VARIANT</td><td>{@link Variant} (semi-structured)</td><td>group annotated VARIANT (binary metadata and value, unshredded)</td></tr>
 *   <tr><td>LIST&lt;e&gt;</td><td>{@code List} of the element's values (unmodifiable)</td><td>LIST (three-level)</td></tr>
 *   <tr><td>MAP&lt;k, v&gt;</td><td>{@code Map} of key to value, in file order (unmodifiable)</td><td>MAP</td></tr>
 *   <tr><td>STRUCT&lt;...&gt;</td><td>{@link Row} of the struct's fields</td><td>group</td></tr>
 * </table>
 *
 * <p>Nested types describe their parts with {@link Column}s: a list has one column {@code element}, a map
 * the columns {@code key} (never null) and {@code value}, a struct its fields; each says whether its values
 * may be null.
 *
 * @param kind the kind of value
 * @param precision total digits, for {@link Kind#DECIMAL} only (0 otherwise)
 * @param scale digits after the point, for {@link Kind#DECIMAL} only (0 otherwise)
 * @param children the parts of a LIST, MAP or STRUCT (empty for the other kinds)
 */
public record ColumnType(Kind kind, int precision, int scale, List<Column> children) {

  /** The kinds of value a column can hold. */
  public enum Kind {
    BOOLEAN, INT, LONG, DOUBLE, DECIMAL, STRING, DATE, TIME, TIMESTAMP, BYTES, LOCAL_TIMESTAMP, VARIANT, LIST, MAP, STRUCT;

    /** @return whether this is LIST, MAP or STRUCT (the others are the scalar kinds) */
    public boolean isNested() {
      return this == LIST || this == MAP || this == STRUCT;
    }
  }

  /** {@code Boolean} values. */
  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
  /** {@code Integer} values. */
  public static final ColumnType INT = new ColumnType(Kind.INT, 0, 0);
  /** {@code Long} values. */
  public static final ColumnType LONG = new ColumnType(Kind.LONG, 0, 0);
  /** {@code Double} values. */
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
  /** {@code String} values. */
  public static final ColumnType STRING = new ColumnType(Kind.STRING, 0, 0);
  /** {@code LocalDate} values. */
  public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
  /** {@code LocalTime} values, microsecond precision when written. */
  public static final ColumnType TIME = new ColumnType(Kind.TIME, 0, 0);
  /** {@code Instant} values, microsecond precision when written, UTC-adjusted. */
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
  /** {@code LocalDateTime} values (no time zone), microsecond precision when written. */
  public static final ColumnType LOCAL_TIMESTAMP = new ColumnType(Kind.LOCAL_TIMESTAMP, 0, 0);
  /** {@code byte[]} values. */
  public static final ColumnType BYTES = new ColumnType(Kind.BYTES, 0, 0);
  /** {@link Variant} values: Parquet's VARIANT logical type. */
  public static final ColumnType VARIANT = new ColumnType(Kind.VARIANT, 0, 0);

  /** Validates precision, scale and parts. */
  public ColumnType {
    Objects.requireNonNull(kind, "kind");
    children = List.copyOf(children);
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw new InvalidInputException(
            "decimal(" + precision + "," + scale + "): precision must be 1..38 and scale 0..precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw new InvalidInputException(kind + " takes no precision or scale");
    }
    @Nullable String wrongParts = switch (kind) {
      case LIST -> children.size() == 1 ? null : "a list has exactly one element column, got " + children;
      case MAP -> children.size() == 2 && !children.get(0).nullable() ? null
          : "a map has a required key column and a value column, got " + children;
      case STRUCT -> children.isEmpty() ? "a struct needs at least one field" : null;
      default -> children.isEmpty() ? null : kind + " has no parts"; // the scalar kinds
    };
    if (wrongParts != null) {
      throw new InvalidInputException(wrongParts);
    }
    if (kind == Kind.STRUCT) {
      new RowSchema(children); // unique names
    }
  }

  /**
   * A type without parts (every kind but LIST, MAP and STRUCT).
   *
   * @param kind the kind
   * @param precision decimal digits (DECIMAL only, else 0)
   * @param scale digits after the point (DECIMAL only, else 0)
   */
  public ColumnType(Kind kind, int precision, int scale) {
    this(kind, precision, scale, List.of());
  }

  /**
   * @param precision total digits, 1 to 38
   * @param scale digits after the point
   * @return a decimal type
   */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /**
   * @param element the elements' type
   * @param elementsNullable whether elements may be {@code null}
   * @return a list type, whose values are {@code List}s
   */
  public static ColumnType list(ColumnType element, boolean elementsNullable) {
    return new ColumnType(Kind.LIST, 0, 0, List.of(new Column("element", element, elementsNullable)));
  }

  /**
   * @param key the keys' type (keys are never {@code null})
   * @param value the values' type
   * @param valuesNullable whether values may be {@code null}
   * @return a map type, whose values are {@code Map}s
   */
  public static ColumnType map(ColumnType key, ColumnType value, boolean valuesNullable) {
    return new ColumnType(Kind.MAP, 0, 0, List.of(new Column("key", key, false), new Column("value", value, valuesNullable)));
  }

  /**
   * @param fields the struct's fields
   * @return a struct type, whose values are {@link Row}s of {@code fields}
   */
  public static ColumnType struct(RowSchema fields) {
    return new ColumnType(Kind.STRUCT, 0, 0, fields.columns());
  }

  /**
   * @return a list's element column
   * @throws IllegalStateException if this is not a LIST
   */
  public Column element() {
    requireKind(Kind.LIST);
    return children.get(0);
  }

  /**
   * @return a map's key column
   * @throws IllegalStateException if this is not a MAP
   */
  public Column key() {
    requireKind(Kind.MAP);
    return children.get(0);
  }

  /**
   * @return a map's value column
   * @throws IllegalStateException if this is not a MAP
   */
  public Column value() {
    requireKind(Kind.MAP);
    return children.get(1);
  }

  /**
   * @return a struct's fields, the schema of its {@link Row} values
   * @throws IllegalStateException if this is not a STRUCT
   */
  public RowSchema fields() {
    requireKind(Kind.STRUCT);
    return new RowSchema(children);
  }

  private void requireKind(Kind expected) {
    if (kind != expected) {
      throw new IllegalStateException(this + " is not a " + expected.name().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DECIMAL -> "decimal(" + precision + "," + scale + ")";
      case LIST -> "list<" + part(children.get(0)) + ">";
      case MAP -> "map<" + children.get(0).type() + ", " + part(children.get(1)) + ">";
      case STRUCT -> {
        StringBuilder b = new StringBuilder("struct<");
        for (int i = 0; i < children.size(); i++) {
          b.append(i > 0 ? ", " : "").append(children.get(i));
        }
        yield b.append('>').toString();
      }
      default -> kind.name().toLowerCase(Locale.ROOT); // the other scalar kinds
    };
  }

  private static String part(Column c) {
    return c.type() + (c.nullable() ? "" : " not null");
  }
}
