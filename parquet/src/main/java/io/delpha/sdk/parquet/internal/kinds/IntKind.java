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

/** INT: {@code Integer} values, Parquet INT32 (INT_8/16 and UINT_8/16 files are read as it, widened). */
final class IntKind implements ScalarKind {

  static final IntKind INSTANCE = new IntKind();

  private IntKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.INT;
  }

  @Override
  public Class<?> javaType() {
    return Integer.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.INT32;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return physical == Physical.INT32 && unit == null;
  }

  @Override
  public String cqlType() {
    return "int";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "INTEGER";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    out.putInt(4);
    out.putInt((Integer) value);
    return 4;
  }

  @Override
  public @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    int v = rs.getInt(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "INTEGER";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    int v = rs.getInt(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String sparkName() {
    return "integer";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return PeerNumbers.parseInt(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "the partition value");
  }

  /** An integral number that fits (Spark's {@code short} and {@code byte}, a file's wider integer). */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof Number n && !(value instanceof Double || value instanceof Float)
        ? Integer.valueOf(Math.toIntExact(n.longValue())) : null;
  }
}
