package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * TIME: {@code LocalTime} values (a wall-clock time), Parquet INT64 TIME(MICROS, not UTC-adjusted); files' INT32
 * TIME(MILLIS) and INT64 TIME(NANOS) are read as it. Spark has no time type.
 */
final class TimeKind implements ScalarKind {

  static final TimeKind INSTANCE = new TimeKind();

  private TimeKind() {}

  /**
   * @param unit a vector's unit
   * @return whether it is one a Parquet time or timestamp can have
   */
  static boolean isTimeUnit(@Nullable ChronoUnit unit) {
    return unit == ChronoUnit.MILLIS || unit == ChronoUnit.MICROS || unit == ChronoUnit.NANOS;
  }

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.TIME;
  }

  @Override
  public Class<?> javaType() {
    return LocalTime.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named(name);
    }
  }

  @Override
  public Physical writtenPhysical(ColumnType type) {
    return Physical.INT64;
  }

  @Override
  public ChronoUnit writtenUnit() {
    return ChronoUnit.MICROS;
  }

  @Override
  public boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type) {
    return physical == Physical.INT32 && unit == ChronoUnit.MILLIS || physical == Physical.INT64 && isTimeUnit(unit);
  }

  @Override
  public String cqlType() {
    return "time";
  }

  /** Milliseconds, as the Totesys source keeps times. */
  @Override
  public String warehouseType(ColumnType type) {
    return "TIME(3)";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    out.putInt(8);
    out.putLong(ChronoUnit.MICROS.between(LocalTime.MIDNIGHT, (LocalTime) value));
    return 8;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "TIME";
  }

  @Override
  public @Nullable String sparkName() {
    return null;
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return LocalTime.parse(text.trim());
  }
}
