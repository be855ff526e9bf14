package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.engines.PostgreSql;
import java.sql.SQLException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary {@code COPY} format ({@code COPY ... FROM STDIN (FORMAT binary)}), sent to an
 * open {@link CopyIn} in chunks of 64 KiB: memory stays flat however many rows go through.
 *
 * <p>Binary rather than text or CSV because every value travels length-prefixed in the type's own wire
 * form: there is no escaping (tabs, newlines, backslashes, quotes, {@code \N} and {@code \.} are plain
 * bytes), NULL (length -1) can never be confused with an empty string (length 0), and dates, times and
 * numerics are not re-parsed under the session's {@code DateStyle} or locale. The price is that each
 * column's type must be exactly the one the server expects: {@link WarehouseTable} creates the staging
 * table from the same schema, each column of the type {@link #sqlType} names: {@link PostgreSql} says both (each
 * from the kind's declaration), the warehouse type beside the binary form written here.
 *
 * <p>Write {@link #startRow(int)} then one value per column, for each row; {@link #finish()} ends the
 * COPY. Not thread-safe; one writer per {@code CopyIn}.
 */
final class BinaryCopyWriter implements PostgreSql.CopyOut {

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int CHUNK = 64 * 1024;

  private final CopyIn copy;
  private byte[] buffer = new byte[CHUNK];
  private int position;

  /**
   * @param copy a COPY in progress, in binary format; the header is written at once
   */
  BinaryCopyWriter(CopyIn copy) {
    this.copy = copy;
    put(SIGNATURE, 0, SIGNATURE.length);
    putInt(0); // flags: no OIDs
    putInt(0); // header extension length
  }

  /**
   * Starts a row.
   *
   * @param fields how many values follow
   * @throws SQLException if the connection fails while a full chunk is sent
   */
  void startRow(int fields) throws SQLException {
    if (position >= CHUNK) {
      flush();
    }
    putShort(fields);
  }

  /**
   * The PostgreSQL type of a warehouse column: the type whose binary form {@link #write} sends for the column's
   * row-model type.
   *
   * @param type the column's type: INT, LONG, BOOLEAN, DECIMAL, DATE, TIME or STRING
   * @return its PostgreSQL type
   * @throws IllegalStateException for another kind, which no warehouse column has
   */
  static String sqlType(ColumnType type) {
    @Nullable String sql = PostgreSql.warehouseType(type);
    if (sql == null) {
      throw new IllegalStateException("no warehouse type for " + type);
    }
    return sql;
  }

  /**
   * Writes one value of a column of the row model.
   *
   * @param value the value, of the Java type {@link ColumnType} gives for the kind, or {@code null}
   * @param type the column's type, one {@link #sqlType} names
   * @return the length the value takes in the COPY, as its length field says (-1 for null)
   * @throws IllegalArgumentException for another kind, which has no warehouse column
   */
  int write(@Nullable Object value, ColumnType type) {
    if (value == null) {
      putInt(-1);
      return -1;
    }
    return PostgreSql.writeCopy(value, type, this);
  }

  /**
   * Writes a BIGINT value.
   *
   * @param value the value
   * @return its length in the COPY, 8
   */
  int writeLong(long value) {
    putInt(8);
    putLong(value);
    return 8;
  }

  /**
   * Writes the trailer, sends what is buffered and ends the COPY.
   *
   * @return rows the server received
   * @throws SQLException if the server refuses a row or the connection fails
   */
  long finish() throws SQLException {
    putShort(-1);
    flush();
    return copy.endCopy();
  }

  /**
   * Abandons the COPY after a failure, so the connection can be rolled back; errors doing so are added to
   * {@code cause} as suppressed.
   *
   * @param cause the failure that stopped the writing
   */
  void cancel(Exception cause) {
    try {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private void flush() throws SQLException {
    if (position > 0) {
      copy.writeToCopy(buffer, 0, position);
      position = 0;
    }
  }

  private void ensure(int bytes) {
    if (position + bytes > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + bytes));
    }
  }

  @Override
  public void put(int b) {
    ensure(1);
    buffer[position++] = (byte) b;
  }

  @Override
  public void put(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, position, length);
    position += length;
  }

  @Override
  public void putShort(int v) {
    ensure(2);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  @Override
  public void putInt(int v) {
    ensure(4);
    buffer[position++] = (byte) (v >>> 24);
    buffer[position++] = (byte) (v >>> 16);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  @Override
  public void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }
}
