package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.variant.VariantEncoder;
import io.delpha.sdk.parquet.internal.variant.VariantFormat;
import io.delpha.sdk.parquet.internal.variant.VariantMetadata;
import io.delpha.sdk.parquet.internal.variant.VariantValues;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Makes the BINARY vector of a VARIANT (one value per slot: the metadata followed by the value, what {@code
 * VariantKind} reads) from its group read as a STRUCT of {@code metadata}, {@code value} and, when shredded, {@code
 * typed_value} (VariantShredding.md): an unshredded value is copied as it is; a shredded one is rebuilt from its typed
 * columns (objects with their shredded fields and the rest of a partially shredded object, arrays, primitives of the
 * Parquet type's variant type) and encoded. A null group is a null value; a value and a typed value both present where
 * the value is not an object, or a partially shredded object repeating a shredded field, is a {@code
 * DataFormatException}. One function ({@link #fill}) serves a top-level VARIANT column and a VARIANT inside a LIST, MAP
 * or STRUCT alike: {@code NestedAssembly} fills the group's STRUCT in place of the VARIANT's vector ({@link Parts}), a
 * slot per value however deep the group is.
 */
final class VariantAssembly {

  /** What a shredded array's element costs while it is rebuilt, at most: its node, its bytes, a list's slot. */
  private static final long NODE_BYTES = 64;

  private VariantAssembly() {}

  /**
   * A VARIANT group of a column being read: the STRUCT of its parts that its leaves fill in its place, and the vector
   * of the column's tree that {@link #fill()} makes from it once every leaf is read.
   *
   * @param field the VARIANT's field
   * @param parts a vector of its STRUCT (its slots may be null: see {@code SchemaMapping})
   * @param out the VARIANT's vector in the column's tree
   */
  record Parts(ParquetField field, Vector parts, Vector out, @Nullable ShreddedVariants shredded) {

    /**
     * @param field the VARIANT's field
     * @param parts a vector of its STRUCT
     * @param out the VARIANT's vector in the column's tree
     */
    Parts(ParquetField field, Vector parts, Vector out) {
      this(field, parts, out, rebuilder(field));
    }

    /** The rebuilder of a shredded group or of a path, else {@code null} (an unshredded value is copied). */
    private static @Nullable ShreddedVariants rebuilder(ParquetField field) {
      GroupType g = Objects.requireNonNull(field.variantGroup, "a VARIANT has its group");
      return g.containsField("typed_value") || field.variantPath != null
          ? new ShreddedVariants(g, field.variantPath, VariantAssembly::rebuild) : null;
    }

    /** @return the group's Parquet path, dotted */
    String path() {
      for (ParquetField part : field.children.get(0).children) {
        if (part.column.name().equals("metadata")) {
          String[] path = Objects.requireNonNull(part.descriptor, "a VARIANT's metadata is a leaf").getPath();
          return String.join(".", Arrays.copyOf(path, path.length - 1));
        }
      }
      throw new IllegalStateException("a VARIANT group has a metadata");
    }

    /** Empties the parts' vectors, before a batch. */
    void clear() {
      parts.clear();
    }

    /**
     * Makes {@link #out()} from the parts of the batch.
     *
     * @throws DataFormatException if a value is not one VariantShredding.md allows
     */
    void fill() {
      parts.closeOffsets();
      ShreddedVariants s = shredded;
      if (s != null) {
        s.fill(parts, out);
      } else {
        VariantAssembly.fill(parts, Objects.requireNonNull(field.variantGroup, "a VARIANT has its group"), out);
      }
    }
  }

  /**
   * @param field a column's field
   * @param vector its vector tree
   * @return the VARIANT groups at or under the field, each with a new vector of its parts: none for a column without
   *     one (a VARIANT holds no VARIANT group: its shredded columns are plain types)
   */
  static List<Parts> under(ParquetField field, Vector vector) {
    List<Parts> out = new ArrayList<>();
    collect(field, vector, out);
    return out;
  }

  private static void collect(ParquetField field, Vector vector, List<Parts> out) {
    if (field.shape == ParquetField.Shape.VARIANT) {
      out.add(new Parts(field, field.children.get(0).newVector(), vector));
    } else if (field.shape != ParquetField.Shape.LEAF) {
      for (int i = 0; i < field.children.size(); i++) {
        collect(field.children.get(i), vector.child(i), out);
      }
    }
  }

  /**
   * Makes a VARIANT's values, one per slot of its parts: a null slot (a null VARIANT, or one under a null LIST, MAP or
   * STRUCT) is an absent value ({@code Vector.appendAbsent}: null, or a required VARIANT's placeholder that no row
   * reads).
   *
   * @param parts the group's STRUCT: its fields in {@code group}'s order
   * @param group the VARIANT group's Parquet type
   * @param out the VARIANT's BINARY vector, cleared here, then as many slots as {@code parts}
   * @throws DataFormatException if a value is not one VariantShredding.md allows
   */
  static void fill(Vector parts, GroupType group, Vector out) {
    out.clear();
    int rows = parts.size();
    Vector metadata = parts.child(group.getFieldIndex("metadata"));
    boolean shredded = group.containsField("typed_value");
    int valueAt = group.containsField("value") ? group.getFieldIndex("value") : -1;
    for (int i = 0; i < rows; i++) {
      if (parts.isNull(i)) {
        out.appendAbsent();
        continue;
      }
      if (metadata.isNull(i)) {
        throw new DataFormatException("a VARIANT (value " + i + " of the batch) has no metadata");
      }
      int[] mo = metadata.offsets();
      int ml = mo[i + 1] - mo[i];
      if (ml == 0) {
        throw new DataFormatException("a VARIANT (value " + i + " of the batch) has an empty metadata");
      }
      if (!shredded) {
        Vector value = parts.child(valueAt);
        if (value.isNull(i)) {
          throw new DataFormatException("a VARIANT (value " + i + " of the batch) has no value");
        }
        int[] vo = value.offsets();
        int vl = vo[i + 1] - vo[i];
        byte[] both = Arrays.copyOfRange(metadata.data(), mo[i], mo[i] + ml + vl);
        System.arraycopy(value.data(), vo[i], both, ml, vl);
        out.appendBytes(both, 0, both.length);
        continue;
      }
      byte[] both = rebuild(parts, i, group, Arrays.copyOfRange(metadata.data(), mo[i], mo[i] + ml));
      out.appendBytes(both, 0, both.length);
    }
  }

  /**
   * Rebuilds one shredded value through a tree of nodes and a dictionary of its own: the general path, which serves
   * every row {@link ShreddedVariants} does not (a metadata not sorted, or one lacking a shredded field's name).
   *
   * @param parts the group's STRUCT
   * @param i the slot, not null, its metadata present
   * @param group the VARIANT group's Parquet type
   * @param metaBytes the slot's metadata (kept)
   * @return the metadata followed by the value, in the encoder's canonical form
   * @throws DataFormatException if the value is not one VariantShredding.md allows
   */
  static byte[] rebuild(Vector parts, int i, GroupType group, byte[] metaBytes) {
    VariantMetadata m = VariantMetadata.parse(metaBytes);
    byte[][] encoded;
    try {
      VariantEncoder.Node node = node(parts, i, group, m, 0);
      encoded = VariantEncoder.encode(node == null ? VariantEncoder.nullValue() : node);
    } catch (InvalidInputException e) {
      // the encoder's limits (nesting, 2 GiB), reached by what the file holds
      throw new DataFormatException("a shredded VARIANT (value " + i + " of the batch) is not one this reader "
          + "reads: " + e.getMessage(), e);
    }
    byte[] both = Arrays.copyOf(encoded[0], encoded[0].length + encoded[1].length);
    System.arraycopy(encoded[1], 0, both, encoded[0].length, encoded[1].length);
    return both;
  }

  /** The value of a {value, typed_value} group at {@code i}, {@code null} when missing (both null). */
  private static VariantEncoder.@Nullable Node node(Vector struct, int i, GroupType g, VariantMetadata m, int depth) {
    if (depth > VariantFormat.MAX_DEPTH) {
      throw new DataFormatException("a shredded VARIANT nests more than " + VariantFormat.MAX_DEPTH + " levels");
    }
    Vector value = g.containsField("value") ? struct.child(g.getFieldIndex("value")) : null;
    Vector typedOrNull = g.containsField("typed_value") ? struct.child(g.getFieldIndex("typed_value")) : null;
    byte @Nullable [] bytes = null;
    if (value != null && !value.isNull(i)) {
      int[] vo = value.offsets();
      bytes = Arrays.copyOfRange(value.data(), vo[i], vo[i + 1]);
      int end = VariantValues.validate(m, bytes, 0, bytes.length, depth);
      if (end != bytes.length) {
        // bytes after one valid value: parquet-java 1.16 to 1.18 writes a shredded field or element that does not
        // fit its typed_value followed by the rest of its parent's bytes, and reads the one value (as Spark does);
        // the value is read, the rest left, never decoded
        bytes = Arrays.copyOf(bytes, end);
      }
    }
    if (typedOrNull == null || typedOrNull.isNull(i)) {
      return bytes == null ? null : VariantEncoder.of(m, bytes, 0);
    }
    Vector typed = typedOrNull;
    Type t = g.getType("typed_value");
    if (!t.isPrimitive() && !(t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      GroupType fields = t.asGroupType();
      List<byte[]> keys = new ArrayList<>();
      List<VariantEncoder.Node> values = new ArrayList<>();
      Set<String> shredded = new HashSet<>();
      for (int k = 0; k < fields.getFieldCount(); k++) {
        Type f = fields.getType(k);
        shredded.add(f.getName());
        VariantEncoder.Node n = node(typed.child(k), i, f.asGroupType(), m, depth + 1);
        if (n != null) {
          keys.add(f.getName().getBytes(StandardCharsets.UTF_8));
          values.add(n);
        }
      }
      if (bytes != null) {
        if (VariantValues.basicType(bytes, 0) != VariantFormat.OBJECT) {
          throw new DataFormatException("invalid VARIANT: a shredded object's value is not an object (conflicting "
              + "value and typed_value)");
        }
        int n = VariantValues.count(bytes, 0);
        for (int k = 0; k < n; k++) {
          String name = m.key(VariantValues.fieldId(bytes, 0, k));
          if (shredded.contains(name)) {
            throw new DataFormatException("invalid VARIANT: field " + name + " is both shredded and in the value");
          }
          keys.add(name.getBytes(StandardCharsets.UTF_8));
          values.add(VariantEncoder.of(m, bytes, VariantValues.childPos(bytes, 0, k)));
        }
      }
      return VariantEncoder.object(keys, values);
    }
    if (bytes != null) {
      throw new DataFormatException("invalid VARIANT: conflicting value and typed_value");
    }
    if (!t.isPrimitive()) {
      GroupType element = t.asGroupType().getType(0).asGroupType().getType(0).asGroupType();
      int[] offsets = typed.offsets();
      Vector elements = typed.child(0);
      long count = offsets[i + 1] - offsets[i];
      if (count * NODE_BYTES >= HeapBudget.CHECKED_BYTES) {
        HeapBudget.require(count * NODE_BYTES, "a shredded VARIANT array of " + count + " elements");
      }
      List<VariantEncoder.Node> values = new ArrayList<>((int) count);
      for (int j = offsets[i]; j < offsets[i + 1]; j++) {
        VariantEncoder.Node n = node(elements, j, element, m, depth + 1);
        values.add(n == null ? VariantEncoder.nullValue() : n);
      }
      return VariantEncoder.array(values);
    }
    return primitive(typed, i, t.asPrimitiveType());
  }

  /** A typed_value primitive as the variant type its Parquet type stands for (VariantShredding.md's table). */
  private static VariantEncoder.Node primitive(Vector v, int i, PrimitiveType p) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (a instanceof DecimalLogicalTypeAnnotation) {
      BigDecimal d = LeafCodec.decimalChecked(v, i);
      if (d.precision() > VariantFormat.MAX_DECIMAL_PRECISION) {
        throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds " + d + ", of more than "
            + VariantFormat.MAX_DECIMAL_PRECISION + " digits");
      }
      return VariantEncoder.decimal(d);
    }
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> VariantEncoder.bool(v.booleans()[i]);
      case INT32 -> {
        int x = v.ints()[i];
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          yield VariantEncoder.integral(VariantFormat.DATE, x);
        }
        int bits = a instanceof IntLogicalTypeAnnotation n ? n.getBitWidth() : 32;
        if (bits == 8 && x != (byte) x || bits == 16 && x != (short) x) {
          throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds " + x + ", which is not an "
              + "INT" + bits);
        }
        yield VariantEncoder.integral(bits == 8 ? VariantFormat.INT8 : bits == 16 ? VariantFormat.INT16
            : VariantFormat.INT32, x);
      }
      case INT64 -> {
        long x = v.longs()[i];
        if (a instanceof TimestampLogicalTypeAnnotation ts) {
          boolean nanos = ts.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS;
          int id = ts.isAdjustedToUTC() ? (nanos ? VariantFormat.TIMESTAMP_NANOS_TZ : VariantFormat.TIMESTAMP_TZ)
              : (nanos ? VariantFormat.TIMESTAMP_NANOS_NTZ : VariantFormat.TIMESTAMP_NTZ);
          yield VariantEncoder.integral(id, x);
        }
        if (a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          yield VariantEncoder.integral(VariantFormat.TIME_NTZ, x);
        }
        yield VariantEncoder.integral(VariantFormat.INT64, x);
      }
      case FLOAT -> VariantEncoder.float32((float) v.doubles()[i]);
      case DOUBLE -> VariantEncoder.float64(v.doubles()[i]);
      case BINARY, FIXED_LEN_BYTE_ARRAY -> {
        int[] o = v.offsets();
        byte[] data = v.data();
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
          yield VariantEncoder.string(data, o[i], o[i + 1] - o[i]);
        }
        if (a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
          long high = 0;
          long low = 0;
          for (int k = 0; k < 8; k++) {
            high = high << 8 | (data[o[i] + k] & 0xFF);
            low = low << 8 | (data[o[i] + 8 + k] & 0xFF);
          }
          yield VariantEncoder.uuid(high, low);
        }
        yield VariantEncoder.binary(data, o[i], o[i + 1] - o[i]);
      }
      default -> throw new DataFormatException("a shredded VARIANT's typed_value of type " + p
          + " is not one VariantShredding.md allows");
    };
  }
}
