package io.delpha.sdk.parquet.internal.variant;

import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Encodes values into a metadata and value pair, in one canonical form: the dictionary holds exactly the field names
 * used, sorted in unsigned byte order and unique ({@code sorted_strings} set; an empty dictionary is written
 * {@code 01 00 00}, as Spark and Iceberg write it), every size, offset and id field in the fewest bytes that hold its
 * largest value, {@code is_large} only past 255 elements, an object's values in the order of its sorted names,
 * strings under 64 bytes as short strings, decimals in the narrowest width their digits fit.
 *
 * <p>Values are first described as a tree of {@link Node}s (leaves hold their encoded bytes), then {@link #encode}
 * lays them out in two passes: the dictionary from every name, then sizes bottom-up and bytes top-down.
 */
public final class VariantEncoder {

  /** The largest array the JVM makes. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;
  private static final long MAX_DECIMAL4 = 999_999_999L;
  private static final long MAX_DECIMAL8 = 999_999_999_999_999_999L;

  private VariantEncoder() {}

  /** A value to encode. */
  public abstract static sealed class Node permits Leaf, Container {
    final int depth;
    long size;

    Node(int depth) {
      this.depth = depth;
    }

    /** @return how deeply objects and arrays nest in it (0 for a primitive) */
    public int depth() {
      return depth;
    }
  }

  /** A primitive or string: its encoded bytes. */
  static final class Leaf extends Node {
    final byte[] bytes;

    Leaf(byte[] bytes) {
      super(0);
      this.bytes = bytes;
      this.size = bytes.length;
    }
  }

  /** An object (names sorted and unique) or an array ({@code keys} null). */
  static final class Container extends Node {
    final byte @Nullable [][] keys;
    final Node[] values;
    int[] ids = new int[0];
    int idSize;
    int offsetSize;
    int countSize;

    Container(byte @Nullable [][] keys, Node[] values) {
      super(1 + Arrays.stream(values).mapToInt(n -> n.depth).max().orElse(0));
      if (depth > VariantFormat.MAX_DEPTH) {
        throw new InvalidInputException("a variant may nest objects and arrays at most " + VariantFormat.MAX_DEPTH
            + " levels deep; this one nests " + depth);
      }
      this.keys = keys;
      this.values = values;
    }
  }

  // ---- primitives ----

  private static Leaf fixed(int id, long value, int bytes) {
    byte[] b = new byte[1 + bytes];
    b[0] = (byte) (id << 2);
    for (int i = 0; i < bytes; i++) {
      b[1 + i] = (byte) (value >>> (8 * i));
    }
    return new Leaf(b);
  }

  /** @return null */
  public static Node nullValue() {
    return fixed(VariantFormat.NULL, 0, 0);
  }

  /**
   * @param b a boolean
   * @return it
   */
  public static Node bool(boolean b) {
    return fixed(b ? VariantFormat.TRUE : VariantFormat.FALSE, 0, 0);
  }

  /**
   * @param id {@link VariantFormat#INT8} to {@link VariantFormat#INT64}, {@link VariantFormat#DATE}, or a time or
   *     timestamp id
   * @param value the value, which the id's width holds
   * @return it
   */
  public static Node integral(int id, long value) {
    int bytes = switch (id) {
      case VariantFormat.INT8 -> 1;
      case VariantFormat.INT16 -> 2;
      case VariantFormat.INT32, VariantFormat.DATE -> 4;
      default -> 8;
    };
    return fixed(id, value, bytes);
  }

  /**
   * @param d a double
   * @return it, bit for bit
   */
  public static Node float64(double d) {
    return fixed(VariantFormat.DOUBLE, Double.doubleToRawLongBits(d), 8);
  }

  /**
   * @param f a float
   * @return it, bit for bit
   */
  public static Node float32(float f) {
    return fixed(VariantFormat.FLOAT, Float.floatToRawIntBits(f), 4);
  }

  /**
   * @param d a decimal whose scale is 0 to 38 and whose unscaled value has at most 38 digits
   * @return it, in the narrowest width that holds its digits
   */
  public static Node decimal(BigDecimal d) {
    BigInteger u = d.unscaledValue();
    int scale = d.scale();
    int width;
    int id;
    if (u.bitLength() < 64 && Math.abs(u.longValue()) <= MAX_DECIMAL4) {
      width = 4;
      id = VariantFormat.DECIMAL4;
    } else if (u.bitLength() < 64 && Math.abs(u.longValue()) <= MAX_DECIMAL8) {
      width = 8;
      id = VariantFormat.DECIMAL8;
    } else {
      width = 16;
      id = VariantFormat.DECIMAL16;
    }
    byte[] b = new byte[2 + width];
    b[0] = (byte) (id << 2);
    b[1] = (byte) scale;
    byte[] bigEndian = u.toByteArray(); // at most 16 bytes for 38 digits
    byte sign = (byte) (u.signum() < 0 ? -1 : 0);
    for (int i = 0; i < width; i++) {
      int from = bigEndian.length - 1 - i;
      b[2 + i] = from >= 0 ? bigEndian[from] : sign;
    }
    return new Leaf(b);
  }

  /**
   * @param utf8 valid UTF-8 bytes
   * @param from the first
   * @param length how many
   * @return the string: a short string under 64 bytes, else a string
   */
  public static Node string(byte[] utf8, int from, int length) {
    if (length <= VariantFormat.MAX_SHORT_STRING) {
      byte[] b = new byte[1 + length];
      b[0] = (byte) (length << 2 | VariantFormat.SHORT_STRING);
      System.arraycopy(utf8, from, b, 1, length);
      return new Leaf(b);
    }
    return sized(VariantFormat.STRING, utf8, from, length);
  }

  /**
   * @param bytes bytes
   * @param from the first
   * @param length how many
   * @return a binary value of them
   */
  public static Node binary(byte[] bytes, int from, int length) {
    return sized(VariantFormat.BINARY, bytes, from, length);
  }

  private static Leaf sized(int id, byte[] bytes, int from, int length) {
    if (length > MAX_BYTES - 5) {
      throw tooLarge(length + 5L);
    }
    byte[] b = new byte[5 + length];
    b[0] = (byte) (id << 2);
    for (int i = 0; i < 4; i++) {
      b[1 + i] = (byte) (length >>> (8 * i));
    }
    System.arraycopy(bytes, from, b, 5, length);
    return new Leaf(b);
  }

  /**
   * @param high the most significant half
   * @param low the least significant half
   * @return a uuid, big-endian
   */
  public static Node uuid(long high, long low) {
    byte[] b = new byte[17];
    b[0] = (byte) (VariantFormat.UUID << 2);
    for (int i = 0; i < 8; i++) {
      b[1 + i] = (byte) (high >>> (56 - 8 * i));
      b[9 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return new Leaf(b);
  }

  // ---- objects and arrays ----

  /**
   * @param keys the field names' UTF-8 bytes, unique
   * @param values their values, in the same order
   * @return the object (its fields sorted by name)
   * @throws InvalidInputException when it would nest more than {@link VariantFormat#MAX_DEPTH} levels
   * @throws IllegalArgumentException when two names are equal (callers check first)
   */
  public static Node object(List<byte[]> keys, List<Node> values) {
    int n = keys.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b)));
    byte[][] sortedKeys = new byte[n][];
    Node[] sortedValues = new Node[n];
    for (int i = 0; i < n; i++) {
      sortedKeys[i] = keys.get(order[i]);
      sortedValues[i] = values.get(order[i]);
      if (i > 0 && Arrays.equals(sortedKeys[i], sortedKeys[i - 1])) {
        throw new IllegalArgumentException("duplicate field name");
      }
    }
    return new Container(sortedKeys, sortedValues);
  }

  /**
   * @param values the elements
   * @return the array
   * @throws InvalidInputException when it would nest more than {@link VariantFormat#MAX_DEPTH} levels
   */
  public static Node array(List<Node> values) {
    return new Container(null, values.toArray(new Node[0]));
  }

  /**
   * Describes a validated value for re-encoding: the same values of the same kinds, in this class's canonical form.
   *
   * @param m its metadata
   * @param v its bytes
   * @param pos its first byte
   * @return the tree
   */
  public static Node of(VariantMetadata m, byte[] v, int pos) {
    int basic = VariantValues.basicType(v, pos);
    if (basic == VariantFormat.OBJECT || basic == VariantFormat.ARRAY) {
      int n = VariantValues.count(v, pos);
      byte[][] keys = basic == VariantFormat.OBJECT ? new byte[n][] : null;
      Node[] values = new Node[n];
      for (int i = 0; i < n; i++) {
        if (keys != null) {
          int id = VariantValues.fieldId(v, pos, i);
          keys[i] = Arrays.copyOfRange(m.bytes(), m.keyStart(id), m.keyEnd(id));
        }
        values[i] = of(m, v, VariantValues.childPos(v, pos, i));
      }
      return new Container(keys, values); // validated: names already sorted and unique
    }
    int id = VariantValues.primitiveType(v, pos);
    return switch (id) {
      case VariantFormat.STRING -> string(v, VariantValues.bytesStart(v, pos), VariantValues.bytesLength(v, pos));
      case VariantFormat.DECIMAL4, VariantFormat.DECIMAL8, VariantFormat.DECIMAL16 ->
          decimal(VariantValues.decimalValue(v, pos));
      default -> new Leaf(Arrays.copyOfRange(v, pos, pos + VariantValues.size(v, pos)));
    };
  }

  // ---- layout ----

  /**
   * @param root the value
   * @return the metadata ({@code [0]}) and the value ({@code [1]})
   * @throws InvalidInputException when either would exceed the 2 GiB a Java array holds
   */
  public static byte[][] encode(Node root) {
    TreeSet<byte[]> names = new TreeSet<>(Arrays::compareUnsigned);
    collect(root, names);
    byte[][] dictionary = names.toArray(new byte[0][]);
    byte[] metadata = metadata(dictionary);
    long size = layout(root, dictionary);
    if (size > MAX_BYTES) {
      throw tooLarge(size);
    }
    byte[] value = new byte[(int) size];
    write(root, value, 0);
    return new byte[][] {metadata, value};
  }

  private static void collect(Node node, TreeSet<byte[]> names) {
    if (node instanceof Container c) {
      if (c.keys != null) {
        names.addAll(Arrays.asList(c.keys));
      }
      for (Node child : c.values) {
        collect(child, names);
      }
    }
  }

  private static byte[] metadata(byte[][] dictionary) {
    long total = 0;
    for (byte[] k : dictionary) {
      total += k.length;
    }
    int offsetSize = VariantFormat.widthOf(Math.max(total, dictionary.length));
    long size = 1L + offsetSize * (dictionary.length + 2L) + total;
    if (size > MAX_BYTES) {
      throw tooLarge(size);
    }
    byte[] b = new byte[(int) size];
    b[0] = (byte) (VariantFormat.VERSION | (dictionary.length > 0 ? 0x10 : 0) | (offsetSize - 1) << 6);
    int p = 1;
    p = put(b, p, dictionary.length, offsetSize);
    int offset = 0;
    p = put(b, p, 0, offsetSize);
    for (byte[] k : dictionary) {
      offset += k.length;
      p = put(b, p, offset, offsetSize);
    }
    for (byte[] k : dictionary) {
      System.arraycopy(k, 0, b, p, k.length);
      p += k.length;
    }
    return b;
  }

  private static long layout(Node node, byte[][] dictionary) {
    if (!(node instanceof Container c)) {
      return node.size;
    }
    int n = c.values.length;
    long data = 0;
    for (Node child : c.values) {
      data += layout(child, dictionary);
      if (data > MAX_BYTES) {
        throw tooLarge(data);
      }
    }
    c.countSize = n > 0xFF ? 4 : 1;
    c.offsetSize = VariantFormat.widthOf(data);
    long size = 1L + c.countSize + (n + 1L) * c.offsetSize + data;
    if (c.keys != null) {
      c.ids = new int[n];
      int max = 0;
      for (int i = 0; i < n; i++) {
        c.ids[i] = Arrays.binarySearch(dictionary, c.keys[i], Arrays::compareUnsigned);
        max = Math.max(max, c.ids[i]);
      }
      c.idSize = VariantFormat.widthOf(max);
      size += (long) n * c.idSize;
    }
    c.size = size;
    return size;
  }

  private static int write(Node node, byte[] out, int p) {
    if (node instanceof Leaf leaf) {
      System.arraycopy(leaf.bytes, 0, out, p, leaf.bytes.length);
      return p + leaf.bytes.length;
    }
    Container c = (Container) node;
    int n = c.values.length;
    boolean large = c.countSize == 4;
    if (c.keys != null) {
      out[p++] = (byte) (VariantFormat.OBJECT | ((large ? 0x10 : 0) | (c.idSize - 1) << 2 | (c.offsetSize - 1)) << 2);
    } else {
      out[p++] = (byte) (VariantFormat.ARRAY | ((large ? 0x04 : 0) | (c.offsetSize - 1)) << 2);
    }
    p = put(out, p, n, c.countSize);
    if (c.keys != null) {
      for (int id : c.ids) {
        p = put(out, p, id, c.idSize);
      }
    }
    int offsets = p;
    int data = p + (n + 1) * c.offsetSize;
    int q = data;
    for (int i = 0; i < n; i++) {
      put(out, offsets + i * c.offsetSize, q - data, c.offsetSize);
      q = write(c.values[i], out, q);
    }
    put(out, offsets + n * c.offsetSize, q - data, c.offsetSize);
    return q;
  }

  private static int put(byte[] b, int p, long value, int size) {
    for (int i = 0; i < size; i++) {
      b[p + i] = (byte) (value >>> (8 * i));
    }
    return p + size;
  }

  private static InvalidInputException tooLarge(long bytes) {
    return new InvalidInputException("a variant of " + bytes + " bytes is larger than the " + MAX_BYTES
        + " bytes a Java array holds");
  }
}
