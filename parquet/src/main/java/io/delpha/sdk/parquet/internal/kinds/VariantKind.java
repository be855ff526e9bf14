package io.delpha.sdk.parquet.internal.kinds;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import io.delpha.sdk.parquet.Variant;
import io.delpha.sdk.parquet.internal.variant.CheckedVariants;
import io.delpha.sdk.parquet.internal.variant.VariantMetadata;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type.Repetition;
import org.jspecify.annotations.Nullable;

/**
 * VARIANT: {@link Variant} values (immutable, kept as given), Parquet's VARIANT logical type: a group of a binary
 * {@code metadata} and a binary {@code value} (VariantEncoding.md). A vector holds a value as one BINARY: the metadata
 * followed by the value, split by the metadata's own length ({@link #fromBytes}, {@link #toBytes}).
 *
 * <p>In the other systems it is its JSON ({@link Variant#toJson()}): CQL {@code text}, PostgreSQL {@code jsonb},
 * DuckDB {@code VARIANT} (what DuckDB reads the Parquet column as); Spark's {@code variant}. Partition values cannot hold it. The writer writes it unshredded.
 */
final class VariantKind implements ScalarKind {

  static final VariantKind INSTANCE = new VariantKind();

  static {
    try {
      MethodHandles.lookup().ensureInitialized(Variant.class); // it registers CheckedVariants' factory
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private VariantKind() {}

  @Override
  public ColumnType.Kind kind() {
    return ColumnType.Kind.VARIANT;
  }

  @Override
  public Class<?> javaType() {
    return Variant.class;
  }

  /**
   * A value from a vector's BINARY: the metadata followed by the value.
   *
   * @param bytes the vector's bytes
   * @param from the first byte of the value's
   * @param length how many
   * @return the {@link Variant}
   * @throws io.delpha.sdk.core.DataFormatException if the bytes are not a metadata and a value
   */
  static Object fromBytes(byte[] bytes, int from, int length) {
    int metadata = VariantMetadata.length(bytes, from, from + length);
    return Variant.from(Arrays.copyOfRange(bytes, from, from + metadata),
        Arrays.copyOfRange(bytes, from + metadata, from + length));
  }

  /**
   * A value the shredded VARIANT reader built and checked itself ({@link CheckedVariants}): not checked again.
   *
   * @param metadata its metadata, parsed
   * @param value exactly one value, valid against it, held by no one else
   * @return the {@link Variant}
   */
  static Object checked(VariantMetadata metadata, byte[] value) {
    return CheckedVariants.of(metadata, value);
  }

  /**
   * @param value any value
   * @return what a vector's BINARY holds of a {@link Variant}: its metadata followed by its value; {@code null} if the
   *     value is not one
   */
  static byte @Nullable [] toBytes(Object value) {
    if (!(value instanceof Variant v)) {
      return null;
    }
    byte[] metadata = v.metadata();
    byte[] bytes = v.value();
    byte[] out = Arrays.copyOf(metadata, metadata.length + bytes.length);
    System.arraycopy(bytes, 0, out, metadata.length, bytes.length);
    return out;
  }

  /**
   * None: a VARIANT is written as a group (annotated VARIANT, a required binary {@code metadata} and {@code value},
   * unshredded), which {@code SchemaMapping.toParquet} declares.
   *
   * @throws IllegalStateException always
   */
  @Override
  public PrimitiveType parquetType(String name, ColumnType type, Repetition repetition) {
    throw new IllegalStateException("column " + name + ": a VARIANT is a group, which SchemaMapping declares");
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

  /** Its JSON. */
  @Override
  public Object cqlValue(Object value) {
    return ((Variant) value).toJson();
  }

  @Override
  public String warehouseType(ColumnType type) {
    return "JSONB";
  }

  /** jsonb's binary form: version 1, then the JSON text in UTF-8. */
  @Override
  public int writeCopy(Object value, ColumnType type, CopyOut out) {
    byte[] utf8 = ((Variant) value).toJson().getBytes(StandardCharsets.UTF_8);
    out.putInt(utf8.length + 1);
    out.put(1);
    out.put(utf8, 0, utf8.length);
    return utf8.length + 1;
  }

  @Override
  public String duckDbType(ColumnType type) {
    return "VARIANT";
  }

  @Override
  public String sparkName() {
    return "variant";
  }

  @Override
  public boolean partitionable() {
    return false;
  }

  /** Never called: partition values cannot hold a VARIANT ({@link #partitionable}). */
  @Override
  public Object parsePartition(String text, ColumnType type) {
    throw new IllegalArgumentException("partition values cannot hold a VARIANT");
  }
}
