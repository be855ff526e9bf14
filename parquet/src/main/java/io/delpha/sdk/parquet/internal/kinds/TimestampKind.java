package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * TIMESTAMP: {@code Instant} values (an instant on the UTC time line), Parquet INT64 TIMESTAMP(MICROS, UTC-adjusted);
 * files' other units and INT96 are read as it.
 */
final class TimestampKind implements ScalarKind {

  static final TimestampKind INSTANCE = new TimestampKind();

  /** {@code yyyy-MM-dd HH:mm:ss[.ffffff]}, the Delta Sharing protocol's partition timestamp format. */
  static final DateTimeFormatter PARTITION_TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private TimestampKind() {}

  /**
   * @param micros microseconds since 1970-01-01T00:00Z
   * @return that instant
   */
  static Instant ofEpochMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.TIMESTAMP;
  }

  @Override
  public Class<?> javaType() {
    return Instant.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
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
    return physical == Physical.INT64 && TimeKind.isTimeUnit(unit) || physical == Physical.INT96 && unit == null;
  }

  @Override
  public String cqlType() {
    return "timestamp";
  }

  /** None: the source's {@code timestamp} columns are read as instants, and the warehouse keeps none. */
  @Override
  public @Nullable String warehouseType(ColumnType type) {
    return null;
  }

  /** A {@code timestamp without time zone} read as it is, taken as UTC, to the microsecond. */
  @Override
  public @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    LocalDateTime v = rs.getObject(index, LocalDateTime.class);
    return v == null ? null : v.toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "TIMESTAMPTZ";
  }

  @Override
  public String duckDbSelect(String column) {
    return "epoch_us(" + column + ")";
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    long micros = rs.getLong(index);
    return rs.wasNull() ? null : ofEpochMicros(micros);
  }

  @Override
  public String sparkName() {
    return "timestamp";
  }

  /** {@code yyyy-MM-dd HH:mm:ss[.f]} in UTC, or ISO with {@code T} (an offset, or UTC without one). */
  @Override
  public Object parsePartition(String text, ColumnType type) {
    String t = text.trim();
    if (t.indexOf('T') > 0) {
      return t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")
          ? OffsetDateTime.parse(t).toInstant()
          : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    }
    return LocalDateTime.parse(t, PARTITION_TIMESTAMP).toInstant(ZoneOffset.UTC);
  }

  /** A wall-clock timestamp, taken as UTC. */
  @Override
  public @Nullable Object widen(Object value, ColumnType type) {
    return value instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC) : null;
  }
}
