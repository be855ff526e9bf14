package io.delpha.sdk.core.parquet;

/**
 * The type of a column of a run-time {@link RowSchema}, and the Java type of its values.
 *
 * <table>
 *   <caption>Types and their values</caption>
 *   <tr><th>type</th><th>Java value</th><th>Parquet</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@code Boolean}</td><td>BOOLEAN</td></tr>
 *   <tr><td>INT</td><td>{@code Integer}</td><td>INT32</td></tr>
 *   <tr><td>LONG</td><td>{@code Long}</td><td>INT64</td></tr>
 *   <tr><td>DOUBLE</td><td>{@code Double}</td><td>DOUBLE</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>{@code BigDecimal} (scale kept)</td><td>DECIMAL on INT64 (p &lt;= 18) or FIXED_LEN_BYTE_ARRAY</td></tr>
 *   <tr><td>STRING</td><td>{@code String}</td><td>BINARY UTF8</td></tr>
 *   <tr><td>DATE</td><td>{@code LocalDate}</td><td>INT32 DATE</td></tr>
 *   <tr><td>TIME</td><td>{@code LocalTime}</td><td>INT64 TIME(MICROS)</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@code Instant} (microseconds kept)</td><td>INT64 TIMESTAMP(MICROS, UTC)</td></tr>
 *   <tr><td>BYTES</td><td>{@code byte[]}</td><td>BINARY</td></tr>
 * </table>
 *
 * @param kind the kind of value
 * @param precision total digits, for {@link Kind#DECIMAL} only (0 otherwise)
 * @param scale digits after the point, for {@link Kind#DECIMAL} only (0 otherwise)
 */
public record ColumnType(Kind kind, int precision, int scale) {

  /** The kinds of value a column can hold. */
  public enum Kind { BOOLEAN, INT, LONG, DOUBLE, DECIMAL, STRING, DATE, TIME, TIMESTAMP, BYTES }

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
  /** {@code LocalTime} values, microsecond precision. */
  public static final ColumnType TIME = new ColumnType(Kind.TIME, 0, 0);
  /** {@code Instant} values, microsecond precision, UTC. */
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
  /** {@code byte[]} values. */
  public static final ColumnType BYTES = new ColumnType(Kind.BYTES, 0, 0);

  /** Validates precision and scale. */
  public ColumnType {
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw new io.delpha.sdk.core.InvalidInputException(
            "decimal(" + precision + "," + scale + "): precision must be 1..38 and scale 0..precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw new io.delpha.sdk.core.InvalidInputException(kind + " takes no precision or scale");
    }
  }

  /**
   * @param precision total digits, 1 to 38
   * @param scale digits after the point
   * @return a decimal type
   */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  @Override
  public String toString() {
    return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase();
  }
}
