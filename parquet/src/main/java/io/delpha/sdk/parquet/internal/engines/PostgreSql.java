package io.delpha.sdk.parquet.internal.engines;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL and the row model (the Totesys warehouse and its extract): a warehouse column's type, a value's binary
 * {@code COPY} form and a source column's JDBC read. Each is the kind's declaration's ({@code
 * ScalarKind#warehouseType}, {@code writeCopy}, {@code readJdbc}); LIST, MAP and STRUCT have none.
 */
public final class PostgreSql {

  private PostgreSql() {}

  /**
   * @param type a row-model type
   * @return the PostgreSQL type of a warehouse column of the type, whose binary form {@link #writeCopy} writes, or
   *     {@code null} if no warehouse column has the type
   */
  public static @Nullable String warehouseType(ColumnType type) {
    return type.kind().isNested() ? null : ScalarKind.of(type).warehouseType(type);
  }

  /**
   * Writes a value in PostgreSQL's binary {@code COPY} form: its length, then its bytes.
   *
   * @param value a value of the type, not {@code null}
   * @param type its type, one {@link #warehouseType} names
   * @param out where to write
   * @return the value's length as its length field says
   * @throws IllegalArgumentException if the type has no warehouse type
   */
  public static int writeCopy(Object value, ColumnType type, CopyOut out) {
    if (type.kind().isNested()) {
      throw new IllegalArgumentException("no binary COPY encoding for " + type);
    }
    return ScalarKind.of(type).writeCopy(value, type, out);
  }

  /**
   * Reads a source column of the extract.
   *
   * @param rs a result positioned on a row
   * @param index the column's position, from 1
   * @param type the column's type
   * @return the value as the row model holds it, {@code null} for SQL NULL
   * @throws SQLException if the driver cannot give the value
   * @throws IllegalStateException if no source column is read as the type
   */
  public static @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    if (type.kind().isNested()) {
      throw new IllegalStateException("no source column is read as " + type);
    }
    return ScalarKind.of(type).readJdbc(rs, index, type);
  }

  /** Where {@link #writeCopy} writes: PostgreSQL's binary {@code COPY} stream, in network byte order. */
  public interface CopyOut extends ScalarKind.CopyOut {}
}
