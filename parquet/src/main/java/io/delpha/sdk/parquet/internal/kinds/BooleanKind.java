package io.delpha.sdk.parquet.internal.kinds;

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

/** BOOLEAN: {@code Boolean} values, Parquet BOOLEAN. */
final class BooleanKind implements ScalarKind {

  static final BooleanKind INSTANCE = new BooleanKind();

  private BooleanKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.BOOLEAN;
  }

  @Override
  public Class<?> javaType() {
    return Boolean.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.BOOLEAN;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return physical == Physical.BOOLEAN && unit == null;
  }

  @Override
  public String cqlType() {
    return "boolean";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "BOOLEAN";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    out.putInt(1);
    out.put((Boolean) value ? 1 : 0);
    return 1;
  }

  @Override
  public @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    boolean v = rs.getBoolean(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "BOOLEAN";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    boolean v = rs.getBoolean(index);
    return rs.wasNull() ? null : v;
  }

  @Override
  public String sparkName() {
    return "boolean";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    String t = text.trim();
    if (t.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (t.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new NumberFormatException("not a boolean");
  }
}
