package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.parquet.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
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
 * table from the same schema, each column of the type {@link #sqlType} names beside its binary form here.
 *
 * <p>Write {@link #startRow(int)} then one value per column, for each row; {@link #finish()} ends the
 * COPY. Not thread-safe; one writer per {@code CopyIn}.
 */
final class BinaryCopyWriter {

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int CHUNK = 64 * 1024;
  /** PostgreSQL counts dates from 2000-01-01. */
  private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
  private static final int NUMERIC_POSITIVE = 0x0000;
  private static final int NUMERIC_NEGATIVE = 0x4000;
  private static final int NUMERIC_GROUP_DIGITS = 4;

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
    return switch (type.kind()) {
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case BOOLEAN -> "BOOLEAN";
      case DECIMAL -> "NUMERIC(" + type.precision() + "," + type.scale() + ")";
      case DATE -> "DATE";
      case TIME -> "TIME(3)";
      case STRING -> "TEXT";
      case DOUBLE, TIMESTAMP, LOCAL_TIMESTAMP, BYTES, LIST, MAP, STRUCT ->
          throw new IllegalStateException("no warehouse type for " + type);
    };
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
    return switch (type.kind()) {
      case INT -> {
        putInt(4);
        putInt((Integer) value);
        yield 4;
      }
      case LONG -> writeLong((Long) value);
      case BOOLEAN -> {
        putInt(1);
        put((Boolean) value ? 1 : 0);
        yield 1;
      }
      case DECIMAL -> writeNumeric((BigDecimal) value);
      case DATE -> {
        putInt(4);
        putInt(Math.toIntExact(((LocalDate) value).toEpochDay() - PG_EPOCH_DAY));
        yield 4;
      }
      case TIME -> {
        putInt(8);
        putLong(ChronoUnit.MICROS.between(LocalTime.MIDNIGHT, (LocalTime) value));
        yield 8;
      }
      case STRING -> {
        byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
        putInt(utf8.length);
        put(utf8, 0, utf8.length);
        yield utf8.length;
      }
      case DOUBLE, TIMESTAMP, LOCAL_TIMESTAMP, BYTES, LIST, MAP, STRUCT ->
          throw new IllegalArgumentException("no binary COPY encoding for " + type);
    };
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

  /**
   * NUMERIC's binary form: digit count, weight of the first base-10000 digit, sign, display scale, then
   * the base-10000 digits with leading and trailing zero digits dropped (as {@code numeric_send} does).
   */
  private int writeNumeric(BigDecimal value) {
    BigDecimal abs = value.abs();
    if (abs.scale() < 0) {
      abs = abs.setScale(0);
    }
    int scale = abs.scale();
    String digits = abs.unscaledValue().equals(BigInteger.ZERO) ? "" : abs.unscaledValue().toString();
    String integerPart = digits.length() > scale ? digits.substring(0, digits.length() - scale) : "";
    String fractionPart = digits.length() > scale ? digits.substring(digits.length() - scale)
        : "0".repeat(scale - digits.length()) + digits;
    int integerGroups = (integerPart.length() + NUMERIC_GROUP_DIGITS - 1) / NUMERIC_GROUP_DIGITS;
    String padded = "0".repeat(integerGroups * NUMERIC_GROUP_DIGITS - integerPart.length()) + integerPart
        + fractionPart + "0".repeat((NUMERIC_GROUP_DIGITS - fractionPart.length() % NUMERIC_GROUP_DIGITS)
        % NUMERIC_GROUP_DIGITS);
    short[] groups = new short[padded.length() / NUMERIC_GROUP_DIGITS];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = Short.parseShort(padded.substring(i * NUMERIC_GROUP_DIGITS, (i + 1) * NUMERIC_GROUP_DIGITS));
    }
    int first = 0;
    while (first < groups.length && groups[first] == 0) {
      first++;
    }
    int end = groups.length;
    while (end > first && groups[end - 1] == 0) {
      end--;
    }
    short[] kept = Arrays.copyOfRange(groups, first, end);
    int weight = kept.length == 0 ? 0 : integerGroups - 1 - first;
    int sign = kept.length == 0 || value.signum() >= 0 ? NUMERIC_POSITIVE : NUMERIC_NEGATIVE;
    int length = 8 + 2 * kept.length;
    putInt(length);
    putShort(kept.length);
    putShort(weight);
    putShort(sign);
    putShort(scale);
    for (short g : kept) {
      putShort(g);
    }
    return length;
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

  private void put(int b) {
    ensure(1);
    buffer[position++] = (byte) b;
  }

  private void put(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, position, length);
    position += length;
  }

  private void putShort(int v) {
    ensure(2);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    buffer[position++] = (byte) (v >>> 24);
    buffer[position++] = (byte) (v >>> 16);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }
}
