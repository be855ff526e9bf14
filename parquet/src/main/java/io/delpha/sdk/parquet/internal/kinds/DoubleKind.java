package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/** DOUBLE: {@code Double} values, Parquet DOUBLE (FLOAT files are read as it, widened). No warehouse column. */
final class DoubleKind implements ScalarKind {

  static final DoubleKind INSTANCE = new DoubleKind();

  private DoubleKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.DOUBLE;
  }

  @Override
  public Class<?> javaType() {
    return Double.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.DOUBLE;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return physical == Physical.DOUBLE && unit == null;
  }

  @Override
  public String cqlType() {
    return "double";
  }

  @Override
  public @Nullable String warehouseType(ColumnType type) {
    return null;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "DOUBLE";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    double v = rs.getDouble(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String sparkName() {
    return "double";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return PeerNumbers.parseDouble(text, "the partition value");
  }

  /** Any number (Spark's {@code float}, a file's FLOAT). */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
  }
}
