package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/** DATE: {@code LocalDate} values, Parquet INT32 DATE (days since 1970-01-01). */
final class DateKind implements ScalarKind {

  static final DateKind INSTANCE = new DateKind();

  /** PostgreSQL counts dates from 2000-01-01. */
  private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();

  private DateKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.DATE;
  }

  @Override
  public Class<?> javaType() {
    return LocalDate.class;
  }

  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    return InParquet.type(name, type, repetition);
  }

  /** Parquet's annotation classes, loaded only when a schema is made: the kind links without Parquet. */
  private static final class InParquet {
    static PrimitiveType type(String name, ColumnType type, Repetition repetition) {
      return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
    }
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
    return "date";
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "DATE";
  }

  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    out.putInt(4);
    out.putInt(Math.toIntExact(((LocalDate) value).toEpochDay() - PG_EPOCH_DAY));
    return 4;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "DATE";
  }

  /** As ISO text, which every date (before year 1 too) reads back from exactly. */
  @Override
  public String duckDbSelect(String column) {
    return "CAST(" + column + " AS VARCHAR)";
  }

  @Override
  public @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    String text = rs.getString(index);
    return text == null ? null : LocalDate.parse(text);
  }

  @Override
  public String sparkName() {
    return "date";
  }

  @Override
  public Object parsePartition(String text, ColumnType type) {
    return LocalDate.parse(text.trim());
  }
}
