package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type.Repetition;
import org.jspecify.annotations.Nullable;

/**
 * A scalar kind of the row model (every {@link ColumnType.Kind} but LIST, MAP and STRUCT) and all the library knows of
 * it, system by system: the kind's one declaration. One final class per kind, in this package; {@link
 * #of(ColumnType.Kind)} is the one switch that maps a kind to its class, so a new kind is a constant of {@code
 * ColumnType.Kind}, its class here, its tests and its rows in docs/parquet.md's tables (which {@code ScalarKindTest}
 * compares with these classes). Other capabilities never name this interface: {@code parquet.internal.engines} asks it
 * for them.
 *
 * <p>Methods take the column's {@link ColumnType} where the answer depends on more than the kind (a decimal's
 * precision and scale). A value passed in is of the kind's {@link #javaType()} and never {@code null}: nulls are the
 * callers' (each system has its own null).
 *
 * <p>Stateless and immutable: one instance per kind.
 */
public sealed interface ScalarKind
    permits BooleanKind, IntKind, LongKind, DoubleKind, DecimalKind, StringKind, DateKind, TimeKind, TimestampKind,
        LocalTimestampKind, BytesKind, VariantKind {

  /**
   * @param kind a kind
   * @return its class
   * @throws IllegalArgumentException for LIST, MAP and STRUCT, which are structure
   */
  static ScalarKind of(ColumnType.Kind kind) {
    return switch (kind) {
      case BOOLEAN -> BooleanKind.INSTANCE;
      case INT -> IntKind.INSTANCE;
      case LONG -> LongKind.INSTANCE;
      case DOUBLE -> DoubleKind.INSTANCE;
      case DECIMAL -> DecimalKind.INSTANCE;
      case STRING -> StringKind.INSTANCE;
      case DATE -> DateKind.INSTANCE;
      case TIME -> TimeKind.INSTANCE;
      case TIMESTAMP -> TimestampKind.INSTANCE;
      case LOCAL_TIMESTAMP -> LocalTimestampKind.INSTANCE;
      case BYTES -> BytesKind.INSTANCE;
      case VARIANT -> VariantKind.INSTANCE;
      case LIST, MAP, STRUCT -> throw new IllegalArgumentException(kind + " is a nested kind, not a scalar one");
    };
  }

  /**
   * @param type a column type
   * @return its kind's class
   * @throws IllegalArgumentException for a LIST, MAP or STRUCT
   */
  static ScalarKind of(ColumnType type) {
    return of(type.kind());
  }

  /**
   * @param precision decimal digits
   * @return the fewest bytes whose two's complement holds every value of that precision (a wide decimal's
   *     FIXED_LEN_BYTE_ARRAY length)
   */
  static int decimalBytes(int precision) {
    return DecimalKind.bytes(precision);
  }

  /**
   * A VARIANT from what a vector's BINARY holds of it: its metadata followed by its value.
   *
   * @param bytes the vector's bytes
   * @param from the value's first byte
   * @param length its bytes
   * @return the {@code Variant}
   * @throws io.delpha.sdk.core.DataFormatException if the bytes are not a valid metadata and value
   */
  static Object variantFromBytes(byte[] bytes, int from, int length) {
    return VariantKind.fromBytes(bytes, from, length);
  }

  /**
   * A VARIANT the shredded reader built and checked itself: its metadata, parsed, and its value, not checked again.
   *
   * @param metadata the metadata, parsed by {@code VariantMetadata.parse}
   * @param value exactly one value, valid against it (as {@code VariantValues.validate} checks), held by no one else
   * @return the {@code Variant}
   */
  static Object checkedVariant(io.delpha.sdk.parquet.internal.variant.VariantMetadata metadata, byte[] value) {
    return VariantKind.checked(metadata, value);
  }

  /**
   * @param value any value
   * @return what a vector's BINARY holds of a {@code Variant} (its metadata followed by its value), {@code null} if
   *     the value is not one
   */
  static byte @Nullable [] variantBytes(Object value) {
    return VariantKind.toBytes(value);
  }

  /** @return the kind this class describes */
  ColumnType.Kind kind();

  // ---------------------------------------------------------------- the row model

  /** @return the Java class of the kind's values in a {@code Row} */
  Class<?> javaType();

  /**
   * The value a {@code Row} keeps for a value the caller gives: immutable values as they are, a copy of a mutable one.
   *
   * @param value a value of {@link #javaType()}
   * @param type the column's type
   * @param column the column's name, for messages
   * @return the value to keep
   * @throws io.delpha.sdk.core.InvalidInputException if the value does not fit the type (a decimal's scale)
   */
  default Object checked(Object value, ColumnType type, String column) {
    return value;
  }

  /**
   * @return whether {@link #checked} returns every value as it is given (immutable values that always fit their
   *     type), so that a {@code Row} need not call it
   */
  default boolean keepsValuesAsGiven() {
    return true;
  }

  // ---------------------------------------------------------------- Parquet

  /**
   * The Parquet type the writer declares. A kind's class must link without Parquet on the class path (a {@code Row}
   * of the kind is made without it: {@code CapabilitiesTest}'s core host), so a kind that passes one of Parquet's
   * classes where another is expected (a logical type annotation to {@code as}) does it in a nested class, which is
   * loaded only when a schema is made.
   *
   * @param name the field's name
   * @param type the column's type
   * @param repetition required or optional
   * @return the Parquet type the writer declares for the column
   */
  PrimitiveType parquetType(String name, ColumnType type, Repetition repetition);

  /**
   * How the writer holds the kind's values before it encodes them: the representation of
   * {@code Vector.allocate}, and the one a batch must have for the writer to take its vectors as they are.
   *
   * @param type the column's type
   * @return the representation
   */
  Physical writtenPhysical(ColumnType type);

  /** @return the unit the writer holds and writes values in (times and timestamps), {@code null} for the others */
  default @Nullable ChronoUnit writtenUnit() {
    return null;
  }

  /**
   * Whether a vector of this representation can hold the kind's values (what a file's column may be read into, and
   * what a host's vector may hold).
   *
   * @param physical the representation
   * @param unit its time unit, {@code null} for values that are not times
   * @param type the column's type
   * @return whether it can
   */
  boolean heldAs(Physical physical, @Nullable ChronoUnit unit, ColumnType type);

  // ---------------------------------------------------------------- Cassandra (engines.Cql)

  /** @return the CQL type a loaded column of the kind is created as */
  String cqlType();

  /**
   * @param value a value of {@link #javaType()}
   * @return the value the driver binds to a column of {@link #cqlType()}
   */
  default Object cqlValue(Object value) {
    return value;
  }

  // ---------------------------------------------------------------- PostgreSQL (engines.PostgreSql)

  /**
   * @param type the column's type
   * @return the PostgreSQL type of a warehouse column of the type, whose binary form {@link #writeCopy} writes, or
   *     {@code null} if no warehouse column has the kind
   */
  @Nullable String warehouseType(ColumnType type);

  /**
   * Writes a value in PostgreSQL's binary {@code COPY} form: its length, then its bytes.
   *
   * @param value a value of {@link #javaType()}
   * @param type the column's type, one {@link #warehouseType} names
   * @param out where to write
   * @return the value's length as its length field says
   * @throws IllegalArgumentException if the kind has no warehouse type
   */
  default int writeCopy(Object value, ColumnType type, CopyOut out) {
    throw new IllegalArgumentException("no binary COPY encoding for " + type);
  }

  /**
   * Reads a source column of the extract (PostgreSQL over JDBC).
   *
   * @param rs a result positioned on a row
   * @param index the column's position, from 1
   * @param type the column's type
   * @return the value as the row model holds it, {@code null} for SQL NULL
   * @throws SQLException if the driver cannot give the value
   * @throws IllegalStateException if no source column is read as the kind
   */
  default @Nullable Object readJdbc(ResultSet rs, int index, ColumnType type) throws SQLException {
    throw new IllegalStateException("no source column is read as " + type);
  }

  // ---------------------------------------------------------------- DuckDB (engines.DuckDbSql)

  /**
   * @param type the column's type
   * @return the DuckDB type that holds its values exactly
   */
  String duckDbType(ColumnType type);

  /**
   * @param column a DuckDB column's identifier
   * @return what to select so that {@link #duckDbValue} gives the row model's value back exactly, or {@code null} if
   *     values of the kind are not read back exactly from DuckDB here
   */
  default @Nullable String duckDbSelect(String column) {
    return null;
  }

  /**
   * @param rs a result positioned on a row
   * @param index the position of a {@link #duckDbSelect} expression
   * @param type the column's type
   * @return the value as the row model holds it, {@code null} for SQL NULL
   * @throws SQLException if DuckDB cannot give the value
   * @throws IllegalStateException if {@link #duckDbSelect} is {@code null} for the kind
   */
  default @Nullable Object duckDbValue(ResultSet rs, int index, ColumnType type) throws SQLException {
    throw new IllegalStateException("not read exactly from DuckDB: " + type);
  }

  // ---------------------------------------------------------------- Spark (engines.Spark)

  /**
   * @return the kind's name among Spark SQL's primitive types (Delta's {@code schemaString}; a decimal's without its
   *     precision and scale), or {@code null} if Spark has no type for it
   */
  @Nullable String sparkName();

  /** @return whether a partition value (a string in the Delta Sharing protocol) can be of the kind */
  default boolean partitionable() {
    return true;
  }

  /**
   * Parses a partition value, which the Delta Sharing protocol sends as a string.
   *
   * @param text the value, not empty
   * @param type the column's type
   * @return the value
   * @throws RuntimeException a {@code NumberFormatException}, {@code DateTimeParseException} or
   *     {@code ArithmeticException} if the text is not a value of the type (the caller types it)
   */
  Object parsePartition(String text, ColumnType type);

  /**
   * Widens a value a data file holds in another type (a {@code short} as INT32, a {@code float} as FLOAT, a decimal
   * of another physical type) to the kind's Java type.
   *
   * @param value the file's value, not of {@link #javaType()}
   * @param type the table's column type
   * @return the value, or {@code null} if it does not widen to the kind
   * @throws ArithmeticException if it would not be exact
   */
  default @Nullable Object widen(Object value, ColumnType type) {
    return null;
  }

  /** Where {@link #writeCopy} writes: PostgreSQL's binary {@code COPY} stream, in network byte order. */
  interface CopyOut {
    /** @param b a byte */
    void put(int b);

    /**
     * @param bytes the bytes
     * @param offset the first one's position
     * @param length how many
     */
    void put(byte[] bytes, int offset, int length);

    /** @param v a 16-bit value */
    void putShort(int v);

    /** @param v a 32-bit value */
    void putInt(int v);

    /** @param v a 64-bit value */
    void putLong(long v);
  }
}
