package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * DECIMAL(p,s): {@code BigDecimal} values of exactly the column's scale; Parquet DECIMAL on INT64 up to 18 digits, on
 * FIXED_LEN_BYTE_ARRAY above (files' INT32 and BINARY decimals, and UINT_64 as DECIMAL(20,0), are read as it).
 */
final class DecimalKind implements ScalarKind {

  static final DecimalKind INSTANCE = new DecimalKind();

  private static final int NUMERIC_POSITIVE = 0x0000;
  private static final int NUMERIC_NEGATIVE = 0x4000;
  private static final int NUMERIC_GROUP_DIGITS = 4;

  private DecimalKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.DECIMAL;
  }

  @Override
  public Class<?> javaType() {
    return BigDecimal.class;
  }

  @Override
  public boolean keepsValuesAsGiven() {
    return false;
  }

  @Override
  public Object checked(Object value, ColumnType type, String column) {
    BigDecimal d = (BigDecimal) value;
    if (d.scale() != type.scale()) {
      throw new InvalidInputException("column " + column + " (" + type + ") expects scale " + type.scale() + ", got "
          + d.toPlainString());
    }
    return d;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return type.precision() <= 18
          ? Types.primitive(PrimitiveTypeName.INT64, repetition)
              .as(LogicalTypeAnnotation.decimalType(type.scale(), type.precision())).named(name)
          : Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(bytes(type.precision()))
              .as(LogicalTypeAnnotation.decimalType(type.scale(), type.precision())).named(name);
    }
  }

  /**
   * @param precision decimal digits
   * @return the fewest bytes whose two's complement holds every value of that precision
   */
  static int bytes(int precision) {
    BigInteger max = BigInteger.TEN.pow(precision);
    int bytes = 1;
    while (BigInteger.ONE.shiftLeft(8 * bytes - 1).compareTo(max) < 0) {
      bytes++;
    }
    return bytes;
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return type.precision() <= 18 ? Physical.INT64 : Physical.BINARY;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return unit == null && (physical == Physical.INT32 || physical == Physical.INT64 || physical == Physical.BINARY
        || physical == Physical.UINT64 && type.precision() == 20 && type.scale() == 0);
  }

  @Override
  public String cqlType() {
    return "decimal";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "NUMERIC(" + type.precision() + "," + type.scale() + ")";
  }

  /**
   * NUMERIC's binary form: digit count, weight of the first base-10000 digit, sign, display scale, then the base-10000
   * digits with leading and trailing zero digits dropped (as PostgreSQL's {@code numeric_send} does).
   */
  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    BigDecimal decimal = (BigDecimal) value;
    BigDecimal abs = decimal.abs();
    if (abs.scale() < 0) {
      abs = abs.setScale(0);
    }
    int scale = abs.scale();
    String digits = abs.unscaledValue().equals(BigInteger.ZERO) ? "" : abs.unscaledValue().toString();
    String integerPart = digits.length() > scale ? digits.substring(0, digits.length() - scale) : "";
    String fractionPart = digits.length() > scale ? digits.substring(digits.length() - scale)
        : "0".repeat(scale - digits.length()) + digits;
    int integerGroups = (integerPart.length() + NUMERIC_GROUP_DIGITS - 1) / NUMERIC_GROUP_DIGITS;
    String padded = "0".repeat(integerGroups * NUMERIC_GROUP_DIGITS - integerPart.length()) + integerPart
        + fractionPart + "0".repeat((NUMERIC_GROUP_DIGITS - fractionPart.length() % NUMERIC_GROUP_DIGITS)
        % NUMERIC_GROUP_DIGITS);
    short[] groups = new short[padded.length() / NUMERIC_GROUP_DIGITS];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = Short.parseShort(padded.substring(i * NUMERIC_GROUP_DIGITS, (i + 1) * NUMERIC_GROUP_DIGITS));
    }
    int first = 0;
    while (first < groups.length && groups[first] == 0) {
      first++;
    }
    int end = groups.length;
    while (end > first && groups[end - 1] == 0) {
      end--;
    }
    short[] kept = Arrays.copyOfRange(groups, first, end);
    int weight = kept.length == 0 ? 0 : integerGroups - 1 - first;
    int sign = kept.length == 0 || decimal.signum() >= 0 ? NUMERIC_POSITIVE : NUMERIC_NEGATIVE;
    int length = 8 + 2 * kept.length;
    out.putInt(length);
    out.putShort(kept.length);
    out.putShort(weight);
    out.putShort(sign);
    out.putShort(scale);
    for (short g : kept) {
      out.putShort(g);
    }
    return length;
  }

  @Override
  public @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    BigDecimal v = rs.getBigDecimal(index);
    return v == null ? null : v.setScale(type.scale(), RoundingMode.UNNECESSARY);
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "DECIMAL(" + type.precision() + ", " + type.scale() + ")";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    BigDecimal d = rs.getBigDecimal(index);
    return d == null ? null : d.setScale(type.scale());
  }

  @Override
  public String sparkName() {
    return "decimal";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return PeerNumbers.parseDecimal(text, type.precision(), type.scale(), "the partition value");
  }

  /** A decimal of another scale or an integer, when exact at the column's scale. */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    if (value instanceof BigDecimal d) {
      return d.setScale(type.scale(), RoundingMode.UNNECESSARY);
    }
    return value instanceof Long || value instanceof Integer
        ? BigDecimal.valueOf(((Number) value).longValue()).setScale(type.scale(), RoundingMode.UNNECESSARY) : null;
  }
}
