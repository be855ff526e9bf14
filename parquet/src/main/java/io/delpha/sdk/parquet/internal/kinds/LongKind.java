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

/** LONG: {@code Long} values, Parquet INT64 (UINT_32 files are read as it, held as 32 bits). */
final class LongKind implements ScalarKind {

  static final LongKind INSTANCE = new LongKind();

  private LongKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.LONG;
  }

  @Override
  public Class<?> javaType() {
    return Long.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.INT64;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return (physical == Physical.INT64 || physical == Physical.UINT32) && unit == null;
  }

  @Override
  public String cqlType() {
    return "bigint";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "BIGINT";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    out.putInt(8);
    out.putLong((Long) value);
    return 8;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "BIGINT";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String sparkName() {
    return "long";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return PeerNumbers.parseLong(text, "the partition value");
  }

  /** An integral number (a file's narrower integer). */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof Number n && !(value instanceof Double || value instanceof Float)
        ? Long.valueOf(n.longValue()) : null;
  }
}
