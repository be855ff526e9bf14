package io.delpha.sdk.parquet.internal.variant;

import java.util.Arrays;

/**
 * Equality of validated values by what they hold, not how they are laid out: the same kind (a short string and a
 * long one are both strings; decimals of every width are one kind; int8, int16, int32 and int64 stay distinct, as
 * the writer's type is part of the value) and the same value (decimals by unscaled value and scale, as
 * {@code BigDecimal.equals}; floating-point numbers bit for bit; objects by their names and values, whatever the
 * dictionary's order, the ids' and offsets' widths, or the order of the value bytes).
 */
public final class VariantEquality {

  private VariantEquality() {}

  /**
   * @param id a primitive type id (short strings folded into strings)
   * @return the id standing for its kind: one for every decimal width, one for true and false
   */
  private static int kind(int id) {
    return switch (id) {
      case VariantFormat.DECIMAL8, VariantFormat.DECIMAL16 -> VariantFormat.DECIMAL4;
      case VariantFormat.FALSE -> VariantFormat.TRUE;
      default -> id;
    };
  }

  /**
   * @param ma the first value's metadata
   * @param va its bytes
   * @param pa its first byte
   * @param mb the second value's metadata
   * @param vb its bytes
   * @param pb its first byte
   * @return whether they hold the same value
   */
  public static boolean equal(VariantMetadata ma, byte[] va, int pa, VariantMetadata mb, byte[] vb, int pb) {
    int basic = VariantValues.basicType(va, pa);
    int otherBasic = VariantValues.basicType(vb, pb);
    if (basic == VariantFormat.OBJECT || basic == VariantFormat.ARRAY || otherBasic == VariantFormat.OBJECT
        || otherBasic == VariantFormat.ARRAY) {
      if (basic != otherBasic) {
        return false;
      }
      int n = VariantValues.count(va, pa);
      if (n != VariantValues.count(vb, pb)) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (basic == VariantFormat.OBJECT
            && !ma.sameKey(VariantValues.fieldId(va, pa, i), mb, VariantValues.fieldId(vb, pb, i))) {
          return false;
        }
        if (!equal(ma, va, VariantValues.childPos(va, pa, i), mb, vb, VariantValues.childPos(vb, pb, i))) {
          return false;
        }
      }
      return true;
    }
    int a = VariantValues.primitiveType(va, pa);
    int b = VariantValues.primitiveType(vb, pb);
    if (kind(a) != kind(b)) {
      return false;
    }
    switch (a) {
      case VariantFormat.STRING:
      case VariantFormat.BINARY: {
        int from = VariantValues.bytesStart(va, pa);
        int otherFrom = VariantValues.bytesStart(vb, pb);
        return Arrays.equals(va, from, from + VariantValues.bytesLength(va, pa), vb, otherFrom,
            otherFrom + VariantValues.bytesLength(vb, pb));
      }
      case VariantFormat.DECIMAL4:
      case VariantFormat.DECIMAL8:
      case VariantFormat.DECIMAL16:
        return VariantValues.decimalValue(va, pa).equals(VariantValues.decimalValue(vb, pb));
      default: {
        // the same type id: the same number of data bytes; true and false differ in the header
        int size = VariantValues.size(va, pa);
        return a == b && Arrays.equals(va, pa + 1, pa + size, vb, pb + 1, pb + size);
      }
    }
  }

  /**
   * @param m the metadata
   * @param v the value bytes
   * @param pos the value's first byte
   * @return a hash consistent with {@link #equal}
   */
  public static int hash(VariantMetadata m, byte[] v, int pos) {
    int basic = VariantValues.basicType(v, pos);
    if (basic == VariantFormat.OBJECT || basic == VariantFormat.ARRAY) {
      int n = VariantValues.count(v, pos);
      int h = basic;
      for (int i = 0; i < n; i++) {
        if (basic == VariantFormat.OBJECT) {
          h = 31 * h + m.keyHash(VariantValues.fieldId(v, pos, i));
        }
        h = 31 * h + hash(m, v, VariantValues.childPos(v, pos, i));
      }
      return h;
    }
    int id = VariantValues.primitiveType(v, pos);
    int h = 37 * kind(id);
    switch (id) {
      case VariantFormat.STRING:
      case VariantFormat.BINARY: {
        int from = VariantValues.bytesStart(v, pos);
        for (int i = from, end = from + VariantValues.bytesLength(v, pos); i < end; i++) {
          h = 31 * h + v[i];
        }
        return h;
      }
      case VariantFormat.DECIMAL4:
      case VariantFormat.DECIMAL8:
      case VariantFormat.DECIMAL16:
        return h + VariantValues.decimalValue(v, pos).hashCode();
      default: {
        h += id;
        for (int i = pos + 1, end = pos + VariantValues.size(v, pos); i < end; i++) {
          h = 31 * h + v[i];
        }
        return h;
      }
    }
  }
}
