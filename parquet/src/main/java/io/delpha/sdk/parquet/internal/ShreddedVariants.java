package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import io.delpha.sdk.parquet.internal.variant.Utf8;
import io.delpha.sdk.parquet.internal.variant.VariantFormat;
import io.delpha.sdk.parquet.internal.variant.VariantMetadata;
import io.delpha.sdk.parquet.internal.variant.VariantValues;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the values of one shredded VARIANT group (VariantShredding.md) from its columns straight into one reused
 * buffer: the row's own metadata, then the value written from the typed columns and the residual {@code value}
 * bytes, with no tree of nodes, no dictionary rebuilt and no array a value. The group's Parquet type is read once
 * into a {@link Shape} tree (which column is where, each shredded name's UTF-8 and its place in one table of every
 * shredded name); a row's metadata is parsed once and each of its strings looked up in that table by hash, and the
 * work is kept for the next rows with the same metadata bytes (the last 64 distinct ones). Each row's {@code Variant}
 * is made here ({@code CheckedVariants}), its bytes checked as they are written, and handed to the rows through the
 * vector ({@code LeafValues.made}): no second parse and walk by {@code Variant.from}.
 *
 * <p>The value keeps the row's dictionary, so a residual value's field ids stay valid as they are copied: a shredded
 * field is written with an id its name has there (any one, when the dictionary repeats a string, as DuckDB's do), and
 * an object's fields, shredded and residual, are merged in name order. A row whose metadata lacks the name of a field
 * shredded in that row (VariantShredding.md does not require it) is rebuilt by {@code VariantAssembly}'s general path,
 * which makes a dictionary of its own. The result is what the general path gives, up to layout (equal as {@code
 * Variant}s), and the same checks refuse the same files.
 *
 * <p>With a path ({@link #ShreddedVariants(GroupType, List, Rebuild)}), each row gives the value at that path of object field
 * names, and nothing else of the variant is rebuilt: the walk follows the shredded field where there is one, else
 * looks the name up in the residual value's bytes, and writes only the value found (with the row's metadata).
 *
 * <p>A batch of {@link #TWO_HALVES_ROWS} rows or more is rebuilt in two halves at once: the first by this instance on
 * the calling thread, straight into the vector, the second by a twin of it (its own buffers and caches) on {@link
 * BackgroundWork#VARIANTS}, held aside and appended once the first half is in; both only read the parts' vectors,
 * and the call returns only once the twin has ended, whatever the outcome. Not thread-safe: one per reader.
 */
final class ShreddedVariants {

  private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

  /** What a typed_value is. */
  private enum Kind { NONE, OBJECT, ARRAY, PRIMITIVE }

  /** A primitive typed_value's variant type, from its Parquet type (VariantShredding.md's table). */
  private enum Prim {
    BOOLEAN, INT8, INT16, INT32, DATE, INT64, TIMESTAMP, TIME, FLOAT, DOUBLE, DECIMAL, STRING, UUID, BINARY
  }

  /** One {@code value}/{@code typed_value} group (or the VARIANT group itself), read from its Parquet type once. */
  private static final class Shape {
    final int valueAt;
    final int typedAt;
    final Kind kind;
    /** An object's shredded fields, in the typed group's order: their shapes, names and places in the name table. */
    final Shape[] fields;
    final byte[][] names;
    final int[] nameAt;
    /** An object's field positions in the order of their names. */
    final int[] byName;
    final @Nullable Shape element;
    final @Nullable PrimitiveType primitive;
    final @Nullable Prim prim;
    final int timestampId;
    /**
     * For a STRING typed_value, whether its vector's bytes of this batch, all of its values one after the other,
     * are valid UTF-8, once known: then a value is valid UTF-8 when it starts where a character does (not on a
     * continuation byte), and is checked alone only otherwise.
     */
    boolean utf8Known;
    boolean utf8;
    /** Whether no typed group here or below has two fields of one name (else the rebuilt value is checked again). */
    boolean unique = true;
    /** The batch's vectors of this group's {@code value} and {@code typed_value} ({@link #bind}), or null. */
    @Nullable Vector value;
    @Nullable Vector typed;

    Shape(GroupType g, TreeSet<byte[]> allNames) {
      valueAt = g.containsField("value") ? g.getFieldIndex("value") : -1;
      typedAt = g.containsField("typed_value") ? g.getFieldIndex("typed_value") : -1;
      Type t = typedAt < 0 ? null : g.getType(typedAt);
      Shape[] fs = new Shape[0];
      byte[][] ns = new byte[0][];
      Shape el = null;
      PrimitiveType p = null;
      Prim pr = null;
      int ts = 0;
      if (t == null) {
        kind = Kind.NONE;
      } else if (t.isPrimitive()) {
        kind = Kind.PRIMITIVE;
        p = t.asPrimitiveType();
        pr = prim(p);
        if (p.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation a) {
          boolean nanos = a.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS;
          ts = a.isAdjustedToUTC() ? (nanos ? VariantFormat.TIMESTAMP_NANOS_TZ : VariantFormat.TIMESTAMP_TZ)
              : (nanos ? VariantFormat.TIMESTAMP_NANOS_NTZ : VariantFormat.TIMESTAMP_NTZ);
        }
      } else if (t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
        kind = Kind.ARRAY;
        el = new Shape(t.asGroupType().getType(0).asGroupType().getType(0).asGroupType(), allNames);
      } else {
        kind = Kind.OBJECT;
        GroupType fields = t.asGroupType();
        fs = new Shape[fields.getFieldCount()];
        ns = new byte[fs.length][];
        for (int k = 0; k < fs.length; k++) {
          fs[k] = new Shape(fields.getType(k).asGroupType(), allNames);
          ns[k] = fields.getType(k).getName().getBytes(StandardCharsets.UTF_8);
          allNames.add(ns[k]);
        }
      }
      fields = fs;
      names = ns;
      for (int k = 0; k < ns.length; k++) {
        for (int j = 0; j < k; j++) {
          unique &= !Arrays.equals(ns[j], ns[k]);
        }
      }
      for (Shape f : fs) {
        unique &= f.unique;
      }
      if (el != null) {
        unique &= el.unique;
      }
      nameAt = new int[fs.length];
      Integer[] order = new Integer[fs.length];
      for (int k = 0; k < fs.length; k++) {
        order[k] = k;
      }
      byte[][] sortedBy = ns;
      Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(sortedBy[a], sortedBy[b]));
      byName = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
      element = el;
      primitive = p;
      prim = pr;
      timestampId = ts;
    }

    /** Sets {@link #nameAt} from the finished table of every name. */
    void index(byte[][] table) {
      for (int k = 0; k < names.length; k++) {
        nameAt[k] = Arrays.binarySearch(table, names[k], Arrays::compareUnsigned);
        fields[k].index(table);
      }
      if (element != null) {
        element.index(table);
      }
    }

    /** Takes the vectors of a batch: this group's STRUCT, and so those of every group under it. */
    void bind(Vector struct) {
      value = valueAt < 0 ? null : struct.child(valueAt);
      utf8Known = false;
      Vector t = typedAt < 0 ? null : struct.child(typedAt);
      typed = t;
      if (t == null) {
        return;
      }
      for (int k = 0; k < fields.length; k++) {
        fields[k].bind(t.child(k));
      }
      if (element != null) {
        element.bind(t.child(0));
      }
    }

    /** @return the position of the shredded field of that name, or -1 */
    int field(byte[] name) {
      for (int k = 0; k < names.length; k++) {
        if (Arrays.equals(names[k], name)) {
          return k;
        }
      }
      return -1;
    }
  }

  /** Thrown when a row's metadata cannot serve the row: it goes to the general path. */
  private static final class NotThisWay extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final NotThisWay INSTANCE = new NotThisWay();

    private NotThisWay() {
      super(null, null, false, false);
    }
  }

  private final GroupType group;
  private final Shape top;
  private final byte[][] table;
  private final byte @Nullable [][] path;
  /**
   * Whether the values written need no second check: made by {@code CheckedVariants}, every residual byte having
   * been checked and every byte written here checked as it was written. False where a typed group repeats a field's
   * name (the merged object's names would not be unique): those values go through {@code Variant.from}'s checks.
   */
  private final boolean trusted;

  /** The last metadata parsed (its bytes, kept), and each table name's id in it or -1. */
  private byte @Nullable [] lastMetadata;
  private @Nullable VariantMetadata metadata;
  private int[] ids;
  /**
   * The metadata parsed lately, by a hash of a few of their bytes (open addressing, {@link #PROBES} slots from a
   * hash's own): their bytes, parsed form and {@link #ids}. A writer that writes a dictionary per row (DuckDB) writes
   * few distinct ones (24 in the benchmark's 300,000 rows), so a row's metadata is mostly found here, compared byte
   * for byte, and neither parsed nor looked up again.
   */
  private static final int CACHED = 64;
  private static final int PROBES = 8;
  private final byte[][] cachedBytes = new byte[CACHED][];
  private final VariantMetadata[] cachedMetadata = new VariantMetadata[CACHED];
  private final int[][] cachedIds = new int[CACHED][];
  /** The table's names by hash (open addressing): a name's place in the table plus one, 0 for an empty slot. */
  private final int[] slots;

  private byte[] buf = new byte[4096];
  private int len;
  /** A stack of ints: an object's or array's ids and offsets while its values are written. */
  private int[] ints = new int[256];
  private int intsTop;

  /** The general path: a row's whole variant rebuilt from its parts, for the rows this class does not rebuild. */
  @FunctionalInterface
  interface Rebuild {
    /**
     * @param parts the group's STRUCT
     * @param i the row's slot
     * @param group the VARIANT group's Parquet type
     * @param metadata the row's metadata
     * @return the row's variant value
     */
    byte[] rebuild(Vector parts, int i, GroupType group, byte[] metadata);
  }

  private final Rebuild general;
  private final @Nullable List<String> pathNames;
  /** The rebuilder of a batch's second half, on another thread ({@link #fill}); made at the first large batch. */
  private @Nullable ShreddedVariants twin;
  /** As a twin, the second half it rebuilds. */
  private final Held held = new Held();

  /**
   * A batch of at least this many rows is rebuilt in two halves at once, the second by a {@link #twin} on {@link
   * BackgroundWork#VARIANTS}, where the machine has more than one core: the reader's decoding thread would otherwise
   * rebuild every row alone while the caller's thread, which only takes the values made, waits for it.
   */
  static final int TWO_HALVES_ROWS = 256;
  private static final boolean CORES = Runtime.getRuntime().availableProcessors() > 1;

  /**
   * @param group the VARIANT group's Parquet type
   * @param path object field names to read only the value of, or null for the whole variant
   * @param general the general path, for rows whose shredding this class does not follow
   */
  ShreddedVariants(GroupType group, @Nullable List<String> path, Rebuild general) {
    this.group = group;
    this.general = general;
    this.pathNames = path;
    TreeSet<byte[]> all = new TreeSet<>(Arrays::compareUnsigned);
    this.top = new Shape(group, all);
    this.table = all.toArray(new byte[0][]);
    top.index(table);
    this.ids = new int[0]; // set by metadata() before any value is written
    this.slots = new int[Integer.highestOneBit(Math.max(1, table.length) * 4)];
    for (int n = 0; n < table.length; n++) {
      int h = hash(table[n], 0, table[n].length) & (slots.length - 1);
      while (slots[h] != 0) {
        h = (h + 1) & (slots.length - 1);
      }
      slots[h] = n + 1;
    }
    this.trusted = top.unique;
    this.path = path == null ? null
        : path.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /**
   * Makes a VARIANT's values, one per slot of its parts, as {@code VariantAssembly.fill} does; with a path, the value
   * at the path, an absent value where a row's variant has none there.
   *
   * @param parts the group's STRUCT: its fields in the group's order
   * @param out the VARIANT's BINARY vector, cleared here, then as many slots as {@code parts}
   * @throws DataFormatException if a value is not one VariantShredding.md allows
   */
  void fill(Vector parts, Vector out) {
    out.clear();
    int rows = parts.size();
    LeafValues made = trusted ? new LeafValues(out) : null;
    if (made != null) {
      made.startMade(rows);
    }
    if (rows < TWO_HALVES_ROWS || !CORES) {
      fill(parts, 0, rows, new Into(out, made));
      return;
    }
    int half = rows / 2;
    ShreddedVariants second = twin;
    if (second == null) {
      second = new ShreddedVariants(group, pathNames, general);
      twin = second;
    }
    Held held = second.held;
    held.reset(rows - half, trusted);
    ShreddedVariants t = second;
    java.util.concurrent.Future<?> other = BackgroundWork.VARIANTS.submit(() -> t.fill(parts, half, rows, held));
    try {
      fill(parts, 0, half, new Into(out, made));
    } finally {
      // the parts' vectors are read by the twin until it ends: they are not cleared before
      BackgroundWork.awaitEnd(other);
    }
    BackgroundWork.join(other, "rebuilding the second half of a batch of shredded VARIANTs");
    held.appendTo(out, made);
  }

  /** Where the rows rebuilt go: the VARIANT's vector, or the {@link Held} rows of a batch's second half. */
  private interface Sink {
    /** The row has no value (a null slot, or no value at the path). */
    void absent();

    /**
     * The row's bytes (its metadata, then its value).
     *
     * @param made its {@code Variant} when this class made it, else null
     */
    void value(byte[] b, int from, int length, @Nullable Object made);
  }

  /** Straight into the VARIANT's vector. */
  private record Into(Vector out, @Nullable LeafValues made) implements Sink {
    @Override
    public void absent() {
      out.appendAbsent();
      if (made != null) {
        made.made(null);
      }
    }

    @Override
    public void value(byte[] b, int from, int length, @Nullable Object value) {
      out.appendBytes(b, from, length);
      if (made != null) {
        made.made(value);
      }
    }
  }

  /**
   * A batch's second half, held until the first is in the vector: each row's bytes and its value made. A twin's own,
   * its arrays kept from batch to batch.
   */
  private static final class Held implements Sink {
    private byte[] bytes = new byte[0];
    private int used;
    /** Each row's end in {@link #bytes}; -1: absent. */
    private int[] ends = new int[0];
    private @Nullable Object[] values = new Object[0];
    private boolean keepValues;
    private int rows;

    /** Empties it for a half of {@code count} rows, keeping their values made or not. */
    void reset(int count, boolean made) {
      if (ends.length < count) {
        ends = new int[count];
        values = new Object[count];
      }
      keepValues = made;
      used = 0;
      rows = 0;
    }

    @Override
    public void absent() {
      ends[rows++] = -1;
    }

    @Override
    public void value(byte[] b, int from, int length, @Nullable Object made) {
      bytes = room(bytes, (long) used + length, "half a batch of shredded VARIANTs");
      System.arraycopy(b, from, bytes, used, length);
      used += length;
      values[rows] = keepValues ? made : null;
      ends[rows++] = used;
    }

    void appendTo(Vector out, @Nullable LeafValues made) {
      int start = 0;
      for (int k = 0; k < rows; k++) {
        int end = ends[k];
        if (end < 0) {
          out.appendAbsent();
          if (made != null) {
            made.made(null);
          }
          continue;
        }
        out.appendBytes(bytes, start, end - start);
        start = end;
        if (made != null) {
          made.made(values[k]);
        }
        values[k] = null; // the rows own them now
      }
    }
  }

  /** Rebuilds rows {@code [from, to)} of the batch into {@code sink}, in order. */
  private void fill(Vector parts, int from, int to, Sink sink) {
    Vector metadataVector = parts.child(group.getFieldIndex("metadata"));
    top.bind(parts);
    boolean made = trusted;
    for (int i = from; i < to; i++) {
      if (parts.isNull(i)) {
        sink.absent();
        continue;
      }
      if (metadataVector.isNull(i)) {
        throw new DataFormatException("a VARIANT (value " + i + " of the batch) has no metadata");
      }
      int[] mo = metadataVector.offsets();
      int ml = mo[i + 1] - mo[i];
      if (ml == 0) {
        throw new DataFormatException("a VARIANT (value " + i + " of the batch) has an empty metadata");
      }
      byte[] md = metadataVector.data();
      VariantMetadata m = metadata(md, mo[i], mo[i + 1]);
      len = 0;
      intsTop = 0;
      ensure(ml);
      System.arraycopy(md, mo[i], buf, 0, ml);
      len = ml;
      boolean present;
      try {
        present = path == null ? write(top, i, m, 0) : walk(top, i, m, 0, 0);
      } catch (NotThisWay e) {
        // a value of the general path's, checked when a row makes it (its dictionary is not the row's)
        byte[] whole = general.rebuild(parts, i, group, Arrays.copyOfRange(md, mo[i], mo[i + 1]));
        if (path == null) {
          sink.value(whole, 0, whole.length, null);
        } else {
          len = 0;
          if (at(whole)) {
            sink.value(buf, 0, len, null);
          } else {
            sink.absent();
          }
        }
        continue;
      }
      if (path != null && !present) {
        sink.absent();
        continue;
      }
      if (!present) {
        ensure(1);
        buf[len++] = (byte) (VariantFormat.NULL << 2);
      }
      sink.value(buf, 0, len, made ? ScalarKind.checkedVariant(m, Arrays.copyOfRange(buf, ml, len)) : null);
    }
  }

  /**
   * The row's metadata, parsed (or the last one, when the bytes are the same), with {@link #ids} set: each shredded
   * name's id in its dictionary (any of them, when a writer repeats a string, as DuckDB does), or -1.
   */
  private VariantMetadata metadata(byte[] md, int from, int to) {
    byte[] last = lastMetadata;
    VariantMetadata known = metadata;
    if (last != null && known != null && Arrays.equals(last, 0, last.length, md, from, to)) {
      return known;
    }
    int home = sampleHash(md, from, to) & (CACHED - 1);
    int free = -1;
    for (int k = 0; k < PROBES; k++) {
      int slot = (home + k) & (CACHED - 1);
      byte[] cached = cachedBytes[slot];
      if (cached == null) {
        free = free < 0 ? slot : free;
        break;
      }
      if (Arrays.equals(cached, 0, cached.length, md, from, to)) {
        lastMetadata = cached;
        metadata = cachedMetadata[slot];
        ids = cachedIds[slot];
        return cachedMetadata[slot];
      }
    }
    byte[] bytes = Arrays.copyOfRange(md, from, to);
    VariantMetadata m = VariantMetadata.parse(bytes);
    int slot = free < 0 ? home : free; // all probed slots taken: the home slot's entry goes
    int[] ids = new int[table.length];
    cachedBytes[slot] = bytes;
    cachedMetadata[slot] = m;
    cachedIds[slot] = ids;
    this.ids = ids;
    lastMetadata = bytes;
    metadata = m;
    Arrays.fill(ids, -1);
    int mask = slots.length - 1;
    for (int id = 0, size = m.size(); id < size; id++) {
      int start = m.keyStart(id);
      int end = m.keyEnd(id);
      for (int h = hash(bytes, start, end) & mask; slots[h] != 0; h = (h + 1) & mask) {
        int n = slots[h] - 1;
        if (same(table[n], bytes, start, end)) {
          if (ids[n] < 0) {
            ids[n] = id;
          }
          break;
        }
      }
    }
    return m;
  }

  /** Whether {@code name} is {@code b[from..to)}: a plain loop, names being a few bytes (no intrinsic's setup). */
  private static boolean same(byte[] name, byte[] b, int from, int to) {
    if (name.length != to - from) {
      return false;
    }
    for (int k = 0; k < name.length; k++) {
      if (name[k] != b[from + k]) {
        return false;
      }
    }
    return true;
  }

  /** A hash of a metadata's length and of up to 24 of its bytes (its first, middle and last 8). */
  private static int sampleHash(byte[] b, int from, int to) {
    int n = to - from;
    int h = n;
    if (n <= 24) {
      for (int k = from; k < to; k++) {
        h = 31 * h + b[k];
      }
    } else {
      int mid = from + (n >>> 1) - 4;
      for (int k = 0; k < 8; k++) {
        h = 31 * (31 * (31 * h + b[from + k]) + b[mid + k]) + b[to - 8 + k];
      }
    }
    return h ^ h >>> 16;
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 0;
    for (int k = from; k < to; k++) {
      h = 31 * h + b[k];
    }
    return h ^ h >>> 16;
  }

  // ---------------------------------------------------------------- the buffer

  private void ensure(long more) {
    buf = room(buf, len + more, "a shredded VARIANT");
  }

  /**
   * @param bytes a buffer
   * @param need the bytes it must hold
   * @param what what it holds, for messages
   * @return the buffer, or a copy of it at least twice as large that holds {@code need} bytes
   * @throws DataFormatException if {@code need} is more than an array holds
   */
  private static byte[] room(byte[] bytes, long need, String what) {
    if (need <= bytes.length) {
      return bytes;
    }
    if (need > MAX_BYTES) {
      throw new DataFormatException(what + " of more than " + MAX_BYTES + " bytes is not one this reader reads (the "
          + "most a Java array holds)");
    }
    long size = Math.min(MAX_BYTES, Math.max(need, 2L * bytes.length));
    HeapBudget.require(size, what + " of " + need + " bytes");
    return Arrays.copyOf(bytes, (int) size);
  }

  private int pushInts(int count) {
    int at = intsTop;
    if (at + count > ints.length) {
      ints = Arrays.copyOf(ints, Math.max(at + count, 2 * ints.length));
    }
    intsTop = at + count;
    return at;
  }

  /** Writes the {@code size} low bytes of {@code value} at {@code p}, little-endian, as one store when it can. */
  private void put(int p, long value, int size) {
    byte[] b = buf;
    switch (size) {
      case 1 -> b[p] = (byte) value;
      case 2 -> LittleEndian.SHORT.set(b, p, (short) value);
      case 4 -> LittleEndian.INT.set(b, p, (int) value);
      case 8 -> LittleEndian.LONG.set(b, p, value);
      default -> {
        for (int k = 0; k < size; k++) {
          b[p + k] = (byte) (value >>> (8 * k));
        }
      }
    }
  }

  private void copy(byte[] from, int start, int end) {
    int n = end - start;
    ensure(n);
    System.arraycopy(from, start, buf, len, n);
    len += n;
  }

  // ---------------------------------------------------------------- the whole value

  /**
   * Writes the value of a {value, typed_value} group at {@code i} into the buffer.
   *
   * @return false, writing nothing, when it is missing (both null)
   */
  private boolean write(Shape s, int i, VariantMetadata m, int depth) {
    if (depth > VariantFormat.MAX_DEPTH) {
      throw new DataFormatException("a shredded VARIANT nests more than " + VariantFormat.MAX_DEPTH + " levels");
    }
    Vector value = s.value;
    Vector typed = s.typed;
    byte[] vd = null;
    int from = 0;
    int end = 0;
    if (value != null && !value.isNull(i)) {
      int[] vo = value.offsets();
      vd = value.data();
      from = vo[i];
      // bytes after one valid value (parquet-java 1.16 to 1.18 writes them): the value is read, the rest left
      end = VariantValues.validate(m, vd, from, vo[i + 1], depth);
    }
    if (typed == null || typed.isNull(i)) {
      if (vd == null) {
        return false;
      }
      copy(vd, from, end);
      return true;
    }
    if (s.kind == Kind.OBJECT || s.kind == Kind.ARRAY) {
      if (depth >= VariantFormat.MAX_DEPTH) {
        // as VariantValues.validate counts: a primitive may be at MAX_DEPTH, an object or array not
        throw new DataFormatException("a shredded VARIANT's objects and arrays nest more than "
            + VariantFormat.MAX_DEPTH + " levels deep (the most this reader reads)");
      }
    }
    switch (s.kind) {
      case OBJECT -> writeObject(s, i, m, depth, vd, from);
      case ARRAY -> {
        if (vd != null) {
          throw conflicting();
        }
        writeArray(s, typed, i, m, depth);
      }
      default -> {
        if (vd != null) {
          throw conflicting();
        }
        writePrimitive(s, typed, i);
      }
    }
    return true;
  }

  private static final byte[] NO_BYTES = new byte[0];

  private static DataFormatException conflicting() {
    return new DataFormatException("invalid VARIANT: conflicting value and typed_value");
  }

  private void writeObject(Shape s, int i, VariantMetadata m, int depth, byte @Nullable [] value,
      int from) {
    byte[] vd = value == null ? NO_BYTES : value;
    int residual = 0;
    if (value != null) {
      if (VariantValues.basicType(vd, from) != VariantFormat.OBJECT) {
        throw new DataFormatException("invalid VARIANT: a shredded object's value is not an object (conflicting "
            + "value and typed_value)");
      }
      residual = VariantValues.count(vd, from);
    }
    int shredded = s.fields.length;
    // the fields in name order: the shredded ones present, merged with the residual value's
    int n = 0;
    int idsAt = pushInts(shredded + residual);
    int offsetsAt = pushInts(shredded + residual + 1);
    int start = len;
    int r = 0;
    for (int k = 0; k <= shredded; k++) {
      int f = k < shredded ? s.byName[k] : -1;
      while (r < residual) {
        int rId = VariantValues.fieldId(vd, from, r);
        if (f >= 0) {
          // a shredded field's name in the value is refused whether the shredded field is present or not
          int c = m.compareKey(rId, s.names[f]);
          if (c == 0) {
            throw new DataFormatException("invalid VARIANT: field " + m.key(rId) + " is both shredded and in the "
                + "value");
          }
          if (c > 0) {
            break;
          }
        }
        ints[idsAt + n] = rId;
        ints[offsetsAt + n++] = len - start;
        int p = VariantValues.childPos(vd, from, r);
        copy(vd, p, p + VariantValues.size(vd, p));
        r++;
      }
      if (f < 0) {
        break;
      }
      Shape cs = s.fields[f];
      Vector cv = cs.value;
      Vector ct = cs.typed;
      if (cv != null && !cv.isNull(i) || ct != null && !ct.isNull(i)) {
        int id = ids[s.nameAt[f]];
        if (id < 0) {
          throw NotThisWay.INSTANCE;
        }
        ints[idsAt + n] = id;
        ints[offsetsAt + n++] = len - start;
        write(cs, i, m, depth + 1);
      }
    }
    int maxId = 0;
    for (int k = 0; k < n; k++) {
      maxId = Math.max(maxId, ints[idsAt + k]);
    }
    ints[offsetsAt + n] = len - start;
    int idSize = VariantFormat.widthOf(maxId);
    finish(start, n, idsAt, idSize, offsetsAt, true);
  }

  private void writeArray(Shape s, Vector typed, int i, VariantMetadata m, int depth) {
    int[] offsets = typed.offsets();
    int count = offsets[i + 1] - offsets[i];
    int offsetsAt = pushInts(count + 1);
    int start = len;
    Shape e = java.util.Objects.requireNonNull(s.element, "an array has an element");
    for (int j = 0; j < count; j++) {
      ints[offsetsAt + j] = len - start;
      if (!write(e, offsets[i] + j, m, depth + 1)) {
        ensure(1);
        buf[len++] = (byte) (VariantFormat.NULL << 2);
      }
    }
    ints[offsetsAt + count] = len - start;
    finish(start, count, -1, 0, offsetsAt, false);
  }

  /** Moves the data written since {@code start} after the header it needs, writes the header, pops the ints. */
  private void finish(int start, int n, int idsAt, int idSize, int offsetsAt, boolean object) {
    int data = len - start;
    int offsetSize = VariantFormat.widthOf(data);
    boolean large = n > 0xFF;
    int countSize = large ? 4 : 1;
    long header = 1L + countSize + (object ? (long) n * idSize : 0) + (n + 1L) * offsetSize;
    ensure(header);
    System.arraycopy(buf, start, buf, start + (int) header, data);
    int p = start;
    buf[p++] = object
        ? (byte) (VariantFormat.OBJECT | ((large ? 0x10 : 0) | (idSize - 1) << 2 | (offsetSize - 1)) << 2)
        : (byte) (VariantFormat.ARRAY | ((large ? 0x04 : 0) | (offsetSize - 1)) << 2);
    put(p, n, countSize);
    p += countSize;
    if (object) {
      for (int k = 0; k < n; k++, p += idSize) {
        put(p, ints[idsAt + k], idSize);
      }
    }
    for (int k = 0; k <= n; k++, p += offsetSize) {
      put(p, ints[offsetsAt + k], offsetSize);
    }
    len += (int) header;
    intsTop = object ? idsAt : offsetsAt;
  }

  private void fixed(int id, long value, int bytes) {
    ensure(1 + bytes);
    buf[len] = (byte) (id << 2);
    put(len + 1, value, bytes);
    len += 1 + bytes;
  }

  /** A typed_value primitive as the variant type its Parquet type stands for, as {@code VariantAssembly} writes it. */
  private void writePrimitive(Shape s, Vector v, int i) {
    Prim prim = s.prim;
    PrimitiveType p = java.util.Objects.requireNonNull(s.primitive, "a primitive shape");
    if (prim == null) {
      throw new DataFormatException("a shredded VARIANT's typed_value of type " + p
          + " is not one VariantShredding.md allows");
    }
    switch (prim) {
      case BOOLEAN -> fixed(v.booleans()[i] ? VariantFormat.TRUE : VariantFormat.FALSE, 0, 0);
      case INT8, INT16, INT32 -> {
        int x = v.ints()[i];
        if (prim == Prim.INT8 && x != (byte) x || prim == Prim.INT16 && x != (short) x) {
          throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds " + x + ", which is not an "
              + "INT" + (prim == Prim.INT8 ? 8 : 16));
        }
        fixed(prim == Prim.INT8 ? VariantFormat.INT8 : prim == Prim.INT16 ? VariantFormat.INT16 : VariantFormat.INT32,
            x, prim == Prim.INT8 ? 1 : prim == Prim.INT16 ? 2 : 4);
      }
      case DATE -> fixed(VariantFormat.DATE, v.ints()[i], 4);
      case INT64 -> fixed(VariantFormat.INT64, v.longs()[i], 8);
      case TIMESTAMP -> fixed(s.timestampId, v.longs()[i], 8);
      case TIME -> {
        long micros = v.longs()[i];
        if (micros < 0 || micros >= MICROS_PER_DAY) {
          throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds a time of " + micros
              + " microseconds since midnight, outside the day");
        }
        fixed(VariantFormat.TIME_NTZ, micros, 8);
      }
      case FLOAT -> fixed(VariantFormat.FLOAT, Float.floatToRawIntBits((float) v.doubles()[i]), 4);
      case DOUBLE -> fixed(VariantFormat.DOUBLE, Double.doubleToRawLongBits(v.doubles()[i]), 8);
      case DECIMAL -> writeDecimal(p, v, i);
      case STRING, BINARY -> {
        int[] o = v.offsets();
        int length = o[i + 1] - o[i];
        if (prim == Prim.STRING && !s.utf8Known) {
          // one pass over the batch's strings rather than a call for each
          s.utf8 = Utf8.isValid(v.data(), o[0], o[v.size()]);
          s.utf8Known = true;
        }
        if (prim == Prim.STRING && !(s.utf8 && (length == 0 || (v.data()[o[i]] & 0xC0) != 0x80))
            && !Utf8.isValid(v.data(), o[i], o[i + 1])) {
          throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds a string that is not valid "
              + "UTF-8");
        }
        if (prim == Prim.STRING && length <= VariantFormat.MAX_SHORT_STRING) {
          ensure(1 + length);
          buf[len++] = (byte) (length << 2 | VariantFormat.SHORT_STRING);
        } else {
          ensure(5L + length);
          buf[len] = (byte) ((prim == Prim.STRING ? VariantFormat.STRING : VariantFormat.BINARY) << 2);
          put(len + 1, length, 4);
          len += 5;
        }
        System.arraycopy(v.data(), o[i], buf, len, length);
        len += length;
      }
      case UUID -> {
        int[] o = v.offsets();
        ensure(17);
        buf[len++] = (byte) (VariantFormat.UUID << 2);
        System.arraycopy(v.data(), o[i], buf, len, 16);
        len += 16;
      }
    }
  }

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long MAX_DECIMAL4 = 999_999_999L;
  private static final long MAX_DECIMAL8 = 999_999_999_999_999_999L;

  private void writeDecimal(PrimitiveType p, Vector v, int i) {
    int scale = ((DecimalLogicalTypeAnnotation) p.getLogicalTypeAnnotation()).getScale();
    if (scale < 0 || scale > VariantFormat.MAX_DECIMAL_PRECISION) {
      throw new DataFormatException("a shredded VARIANT's typed_value " + p + " has scale " + scale + ", above the "
          + "format's " + VariantFormat.MAX_DECIMAL_PRECISION);
    }
    long unscaled;
    switch (v.physical()) {
      case INT32 -> unscaled = v.ints()[i];
      case INT64 -> unscaled = v.longs()[i];
      default -> {
        BigDecimal d = LeafCodec.decimalChecked(v, i);
        if (d.precision() > VariantFormat.MAX_DECIMAL_PRECISION) {
          throw new DataFormatException("a shredded VARIANT's typed_value " + p + " holds " + d + ", of more than "
              + VariantFormat.MAX_DECIMAL_PRECISION + " digits");
        }
        if (d.unscaledValue().bitLength() < 64) {
          unscaled = d.unscaledValue().longValue();
          break;
        }
        byte[] bigEndian = d.unscaledValue().toByteArray(); // at most 16 bytes for 38 digits
        byte sign = (byte) (d.signum() < 0 ? -1 : 0);
        ensure(18);
        buf[len] = (byte) (VariantFormat.DECIMAL16 << 2);
        buf[len + 1] = (byte) scale;
        for (int k = 0; k < 16; k++) {
          int at = bigEndian.length - 1 - k;
          buf[len + 2 + k] = at >= 0 ? bigEndian[at] : sign;
        }
        len += 18;
        return;
      }
    }
    if (unscaled >= -MAX_DECIMAL4 && unscaled <= MAX_DECIMAL4) {
      ensure(6);
      buf[len] = (byte) (VariantFormat.DECIMAL4 << 2);
      buf[len + 1] = (byte) scale;
      put(len + 2, unscaled, 4);
      len += 6;
    } else if (unscaled >= -MAX_DECIMAL8 && unscaled <= MAX_DECIMAL8) {
      ensure(10);
      buf[len] = (byte) (VariantFormat.DECIMAL8 << 2);
      buf[len + 1] = (byte) scale;
      put(len + 2, unscaled, 8);
      len += 10;
    } else {
      ensure(18);
      buf[len] = (byte) (VariantFormat.DECIMAL16 << 2);
      buf[len + 1] = (byte) scale;
      put(len + 2, unscaled, 8);
      put(len + 10, unscaled < 0 ? -1L : 0L, 8);
      len += 18;
    }
  }

  private static @Nullable Prim prim(PrimitiveType p) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (a instanceof DecimalLogicalTypeAnnotation) {
      return Prim.DECIMAL;
    }
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> Prim.BOOLEAN;
      case INT32 -> {
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          yield Prim.DATE;
        }
        int bits = a instanceof IntLogicalTypeAnnotation n ? n.getBitWidth() : 32;
        yield bits == 8 ? Prim.INT8 : bits == 16 ? Prim.INT16 : Prim.INT32;
      }
      case INT64 -> a instanceof TimestampLogicalTypeAnnotation ? Prim.TIMESTAMP
          : a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation ? Prim.TIME : Prim.INT64;
      case FLOAT -> Prim.FLOAT;
      case DOUBLE -> Prim.DOUBLE;
      case BINARY, FIXED_LEN_BYTE_ARRAY -> a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation ? Prim.STRING
          : a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation ? Prim.UUID : Prim.BINARY;
      default -> null;
    };
  }

  // ---------------------------------------------------------------- a path

  /**
   * Writes the value at {@code path[k..]} of a {value, typed_value} group at {@code i}: down the shredded field of
   * the next name where there is one, else into the residual value's bytes.
   *
   * @return false, writing nothing, when there is no value there
   */
  private boolean walk(Shape s, int i, VariantMetadata m, int k, int depth) {
    byte[][] names = java.util.Objects.requireNonNull(path, "a path");
    if (k == names.length) {
      return write(s, i, m, depth);
    }
    if (depth > VariantFormat.MAX_DEPTH) {
      throw new DataFormatException("a shredded VARIANT nests more than " + VariantFormat.MAX_DEPTH + " levels");
    }
    Vector value = s.value;
    Vector typed = s.typed;
    byte[] vd = null;
    int from = 0;
    if (value != null && !value.isNull(i)) {
      int[] vo = value.offsets();
      vd = value.data();
      from = vo[i];
      VariantValues.validate(m, vd, from, vo[i + 1], depth);
    }
    if (typed != null && !typed.isNull(i)) {
      if (s.kind != Kind.OBJECT) {
        if (vd != null) {
          throw conflicting();
        }
        return false; // an array or a primitive has no field
      }
      if (vd != null && VariantValues.basicType(vd, from) != VariantFormat.OBJECT) {
        throw new DataFormatException("invalid VARIANT: a shredded object's value is not an object (conflicting "
            + "value and typed_value)");
      }
      int f = s.field(names[k]);
      if (f >= 0) {
        if (vd != null && VariantValues.findField(m, vd, from, names[k]) >= 0) {
          throw new DataFormatException("invalid VARIANT: field " + new String(names[k], StandardCharsets.UTF_8)
              + " is both shredded and in the value");
        }
        return walk(s.fields[f], i, m, k + 1, depth + 1);
      }
    }
    return vd != null && find(m, vd, from, k);
  }

  /** Copies the value at {@code path[k..]} of the validated value at {@code pos}, if it has one. */
  private boolean find(VariantMetadata m, byte[] v, int pos, int k) {
    byte[][] names = java.util.Objects.requireNonNull(path, "a path");
    for (int j = k; j < names.length; j++) {
      if (VariantValues.basicType(v, pos) != VariantFormat.OBJECT) {
        return false;
      }
      int field = VariantValues.findField(m, v, pos, names[j]);
      if (field < 0) {
        return false;
      }
      pos = VariantValues.childPos(v, pos, field);
    }
    copy(v, pos, pos + VariantValues.size(v, pos));
    return true;
  }

  /** Of a whole rebuilt variant (its metadata, then its value): its metadata and the value at the path, written. */
  private boolean at(byte[] whole) {
    int metadataLength = VariantMetadata.length(whole, 0, whole.length);
    VariantMetadata m = VariantMetadata.parse(Arrays.copyOf(whole, metadataLength));
    copy(whole, 0, metadataLength);
    return find(m, whole, metadataLength, 0);
  }
}
