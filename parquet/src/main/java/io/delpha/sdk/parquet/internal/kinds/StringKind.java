package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/** STRING: {@code String} values, Parquet BINARY UTF8. */
final class StringKind implements ScalarKind {

  static final StringKind INSTANCE = new StringKind();

  private StringKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.STRING;
  }

  @Override
  public Class<?> javaType() {
    return String.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
    }
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.BINARY;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return physical == Physical.BINARY && unit == null;
  }

  @Override
  public String cqlType() {
    return "text";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "TEXT";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
    out.putInt(utf8.length);
    out.put(utf8, 0, utf8.length);
    return utf8.length;
  }

  @Override
  public @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    return rs.getString(index);
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "VARCHAR";
  }

  @Override
  public String duckDbSelect(String column) {
    return column;
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    return rs.getString(index);
  }

  @Override
  public String sparkName() {
    return "string";
  }

  /** The text as it is (not trimmed). */
  @Override
  public Object parsePartition(String text, ColumnType type) {
    return text;
  }

  /** UTF-8 bytes (a file's BINARY column without its UTF8 annotation). */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
  }
}
