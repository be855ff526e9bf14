package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * LOCAL_TIMESTAMP: {@code LocalDateTime} values (a wall-clock date and time, no zone), Parquet INT64 TIMESTAMP(MICROS,
 * not UTC-adjusted): DuckDB's {@code TIMESTAMP}, Spark's {@code timestamp_ntz}. Cassandra has no such type: it is
 * loaded as a {@code timestamp} read as UTC.
 */
final class LocalTimestampKind implements ScalarKind {

  static final LocalTimestampKind INSTANCE = new LocalTimestampKind();

  private LocalTimestampKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.LOCAL_TIMESTAMP;
  }

  @Override
  public Class<?> javaType() {
    return LocalDateTime.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
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
    return physical == Physical.INT64 && TimeKind.isTimeUnit(unit);
  }

  @Override
  public String cqlType() {
    return "timestamp";
  }

  /** The wall-clock time read as UTC (Cassandra's {@code timestamp} is an instant). */
  @Override
  public Object cqlValue(Object value) {
    return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
  }

  @Override
  public @Nullable String warehouseType(ColumnType type) {
    return null;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "TIMESTAMP";
  }

  @Override
  public String duckDbSelect(String column) {
    return "epoch_us(" + column + ")";
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    long micros = rs.getLong(index);
    return rs.wasNull() ? null : LocalDateTime.ofInstant(TimestampKind.ofEpochMicros(micros), ZoneOffset.UTC);
  }

  @Override
  public String sparkName() {
    return "timestamp_ntz";
  }

  /** {@code yyyy-MM-dd HH:mm:ss[.f]}, or ISO with {@code T}. */
  @Override
  public Object parsePartition(String text, ColumnType type) {
    String t = text.trim();
    return t.indexOf('T') > 0 ? LocalDateTime.parse(t) : LocalDateTime.parse(t, TimestampKind.PARTITION_TIMESTAMP);
  }

  /** A DATE widens to its midnight (Delta's type widening of DATE to TIMESTAMP_NTZ). */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof java.time.LocalDate d ? d.atStartOfDay() : null;
  }
}
