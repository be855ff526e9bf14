package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/** BYTES: {@code byte[]} values (a row keeps its own copy), Parquet BINARY without annotation. No warehouse column. */
final class BytesKind implements ScalarKind {

  static final BytesKind INSTANCE = new BytesKind();

  private BytesKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.BYTES;
  }

  @Override
  public Class<?> javaType() {
    return byte[].class;
  }

  @Override
  public boolean keepsValuesAsGiven() {
    return false;
  }

  /** A copy: the caller's array stays the caller's. */
  @Override
  public Object checked(Object value, ColumnType type, String column) {
    return ((byte[]) value).clone();
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
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
    return "blob";
  }

  @Override
  public Object cqlValue(Object value) {
    return ByteBuffer.wrap((byte[]) value);
  }

  @Override
  public @Nullable String warehouseType(ColumnType type) {
    return null;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "BLOB";
  }

  @Override
  public String sparkName() {
    return "binary";
  }

  /** The text's UTF-8 bytes. */
  @Override
  public Object parsePartition(String text, ColumnType type) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
