package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The values of one column in primitive arrays, as the public {@code ColumnVector} of {@code io.delpha.sdk.parquet}
 * describes them: the storage and nothing else. It makes a vector in a given representation, lets the readers fill its
 * arrays directly and then set the size, grows them, appends a representation's value as it is, keeps the ids a
 * dictionary page gave the values ({@link #useDictionaryIds}) and what was made of that dictionary ({@link
 * #dictionary()}), and empties. What a value is in the row model is {@code LeafCodec}'s; making values and binding a
 * dictionary is {@code LeafValues}'; appending a row-model value with its checks is {@code VectorAppender}'s; keeping
 * some rows is {@code VectorRows}'. None of them is named here: the storage knows no kind. Public for the library's
 * packages; the module does not export it. Mutable and not thread-safe; a reader reuses its vectors from batch to
 * batch.
 */
public final class Vector {

  private static final int INITIAL_CAPACITY = 16;
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  private final Column column;
  private final Physical physical;
  private final @Nullable ChronoUnit unit;
  private final Vector[] children;
  /** The width of every BINARY value of a fixed-length column (a decimal's two's complement), else 0. */
  private final int fixedLength;
  private int size;
  private int capacity;
  private boolean @Nullable [] nulls;
  // allocated in the constructor by allocate() for this vector's physical representation, the only one read
  @SuppressWarnings("NullAway.Init")
  private boolean[] booleans;
  @SuppressWarnings("NullAway.Init")
  private int[] ints;
  @SuppressWarnings("NullAway.Init")
  private long[] longs;
  @SuppressWarnings("NullAway.Init")
  private double[] doubles;
  @SuppressWarnings("NullAway.Init")
  private byte[] data;
  @SuppressWarnings("NullAway.Init")
  private int[] offsets;
  // allocated by useDictionaryIds() before hasDictionaryIds is set, read only when it is set
  @SuppressWarnings("NullAway.Init")
  private int[] dictionaryIds;
  private boolean hasDictionaryIds;
  /** What was made of the dictionary the ids refer to (its values), and, on a dictionary, its strings. */
  private final DictionaryCache dictionary = new DictionaryCache();

  private Vector(Column column, Physical physical, @Nullable ChronoUnit unit, List<Vector> children) {
    this.column = Objects.requireNonNull(column, "column");
    this.physical = Objects.requireNonNull(physical, "physical");
    this.unit = unit;
    this.children = children.toArray(new Vector[0]);
    ColumnType type = column.type();
    requireCompatible(type, physical, unit);
    this.fixedLength = type.kind() == ColumnType.Kind.DECIMAL && physical == Physical.BINARY
        ? ScalarKind.decimalBytes(type.precision()) : 0;
    allocate(INITIAL_CAPACITY);
  }

  /**
   * A leaf vector (every type but LIST, MAP and STRUCT) in a given representation, as readers make them.
   *
   * @param column the column whose values it holds
   * @param physical how it holds them (see {@code ColumnVector}'s table)
   * @param unit for TIME, TIMESTAMP and LOCAL_TIMESTAMP: MILLIS, MICROS or NANOS (null otherwise, and for INT96)
   * @return an empty vector
   * @throws io.delpha.sdk.core.InvalidInputException if the representation cannot hold the column's type
   */
  static Vector leaf(Column column, Physical physical, @Nullable ChronoUnit unit) {
    return new Vector(column, physical, unit, List.of());
  }

  /**
   * A LIST, MAP or STRUCT vector over child vectors, as readers make them.
   *
   * @param column a LIST, MAP or STRUCT column
   * @param children its parts' vectors, in the order of {@code column.type().children()}
   * @return an empty vector
   * @throws io.delpha.sdk.core.InvalidInputException if the column is not nested or the children do not match it
   */
  static Vector nested(Column column, List<Vector> children) {
    ColumnType.Kind kind = column.type().kind();
    if (!kind.isNested()) {
      throw new InvalidInputException(column + " is not a nested column");
    }
    List<Column> parts = column.type().children();
    if (children.size() != parts.size()) {
      throw new InvalidInputException(column + " needs " + parts.size() + " child vectors, got " + children.size());
    }
    for (int i = 0; i < parts.size(); i++) {
      if (!children.get(i).column().equals(parts.get(i))) {
        throw new InvalidInputException("child vector " + i + " of " + column + " holds " + children.get(i).column()
            + ", " + parts.get(i) + " expected");
      }
    }
    return new Vector(column, Physical.valueOf(kind.name()), null, children);
  }

  private static void requireCompatible(ColumnType type, Physical physical, @Nullable ChronoUnit unit) {
    boolean ok = type.kind().isNested() ? physical.name().equals(type.kind().name()) && unit == null
        : ScalarKind.of(type).heldAs(physical, unit, type);
    if (!ok) {
      throw new InvalidInputException("a " + physical + (unit == null ? "" : " " + unit) + " vector cannot hold " + type);
    }
  }

  /** @return the column whose values this vector holds */
  public Column column() {
    return column;
  }

  /** @return how values are held */
  public Physical physical() {
    return physical;
  }

  /** @return for TIME, TIMESTAMP and LOCAL_TIMESTAMP on INT32/INT64, the unit of {@link #ints()}/{@link #longs()}; else {@code null} */
  public @Nullable ChronoUnit unit() {
    return unit;
  }

  /** @return the number of values (rows, or entries for the parts of a LIST or MAP) */
  public int size() {
    return size;
  }

  /**
   * @param index a part of a LIST (0: elements), MAP (0: keys, 1: values) or STRUCT (a field's position)
   * @return that part's vector
   */
  public Vector child(int index) {
    return children[index];
  }

  /** @return null flags ({@code true}: null) for indexes below {@link #size()}, or {@code null} if the column cannot hold nulls */
  public boolean @Nullable [] nulls() {
    return nulls;
  }

  /** @return the BOOLEAN backing array */
  public boolean[] booleans() {
    return booleans;
  }

  /** @return the INT32, UINT32 backing array, or INT96 Julian days */
  public int[] ints() {
    return ints;
  }

  /** @return the INT64, UINT64 backing array, or INT96 nanoseconds of the day */
  public long[] longs() {
    return longs;
  }

  /** @return the DOUBLE backing array */
  public double[] doubles() {
    return doubles;
  }

  /** @return the BINARY bytes, value {@code i} from {@code offsets()[i]} to {@code offsets()[i+1]} */
  public byte[] data() {
    return data;
  }

  /** @return BINARY byte offsets or LIST/MAP entry offsets, {@code size() + 1} of them */
  public int[] offsets() {
    return offsets;
  }

  /**
   * @param index a row (or entry) below {@link #size()}
   * @return whether the value there is null
   */
  public boolean isNull(int index) {
    return nulls != null && nulls[index];
  }

  /** @return whether this is a leaf vector (not LIST, MAP or STRUCT) */
  public boolean isLeaf() {
    return !column.type().kind().isNested();
  }

  /** @return the number of values the arrays hold before they grow */
  int capacity() {
    return capacity;
  }

  // ---------------------------------------------------------------- dictionary ids

  /**
   * For values read from dictionary-encoded pages: each value's index in its column chunk's dictionary, or
   * -1 where the value was not dictionary-encoded; equal ids mean equal values within a batch.
   *
   * @return the ids for indexes below {@link #size()}, or {@code null} if this batch's values carry none
   */
  int @Nullable [] dictionaryIds() {
    return hasDictionaryIds ? dictionaryIds : null;
  }

  /**
   * The array to fill with {@link #dictionaryIds()} for this batch (its length at least the capacity); the vector
   * carries ids until it is emptied.
   *
   * @return the array to fill
   */
  int[] useDictionaryIds() {
    if (dictionaryIds == null || dictionaryIds.length < capacity) {
      dictionaryIds = new int[capacity];
    }
    hasDictionaryIds = true;
    return dictionaryIds;
  }

  /** @return what was made of the dictionary the ids refer to ({@code LeafValues}'), kept with the vector */
  DictionaryCache dictionary() {
    return dictionary;
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return a BOOLEAN value
   */
  public boolean getBoolean(int index) {
    return booleans[index];
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return an INT32 value (INT, or DATE's epoch day)
   */
  public int getInt(int index) {
    return ints[index];
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return an INT32, UINT32 (widened, never negative) or INT64 value
   */
  public long getLong(int index) {
    return switch (physical) {
      case INT32 -> ints[index];
      case UINT32 -> Integer.toUnsignedLong(ints[index]);
      default -> longs[index];
    };
  }

  /**
   * @param index an index below {@link #size()}, not null
   * @return a DOUBLE value
   */
  public double getDouble(int index) {
    return doubles[index];
  }

  // ---------------------------------------------------------------- filling

  /**
   * Makes room for {@code capacity} values (and, for BINARY, keeps the bytes already there).
   *
   * @param capacity the number of values the arrays must hold
   * @throws io.delpha.sdk.core.InsufficientMemoryException if an array of 8 MiB or more is needed and the heap has
   *     no room for it
   */
  public void ensureCapacity(int capacity) {
    if (capacity > this.capacity) {
      int grown = Math.max(capacity, this.capacity + (this.capacity >> 1));
      // a vector grows with the values a page's levels claim (a list of a billion null elements takes a few bytes of
      // RLE): an array of 8 MiB or more is asked of the heap first, and refused before it is made if it cannot be
      int width = bytesPerValue();
      if ((long) grown * width >= HeapBudget.CHECKED_BYTES) {
        // near the heap's limit by an eighth at least, never by the one value asked for: a vector appended to one
        // value at a time would copy all its values for each
        int least = Math.max(capacity, this.capacity + (this.capacity >> 3));
        grown = (int) (HeapBudget.grow((long) least * width, (long) grown * width,
            "the values of vector '" + column.name() + "'") / width);
      }
      allocate(grown);
      if (hasDictionaryIds) {
        dictionaryIds = Arrays.copyOf(dictionaryIds, this.capacity);
      }
    }
  }

  /**
   * Makes room for {@code bytes} bytes of BINARY data.
   *
   * @param bytes the number of bytes {@link #data()} must hold
   * @throws io.delpha.sdk.core.DataFormatException if the heap has no room for them
   */
  void ensureDataCapacity(int bytes) {
    if (bytes > data.length) {
      // grow by half, but never past the largest array a JVM makes (nor overflow doing so)
      long grown = Math.min(data.length + (long) (data.length >> 1), Integer.MAX_VALUE - 16L);
      data = Arrays.copyOf(data, (int) HeapBudget.grow(bytes, Math.max(bytes, grown), "the value bytes of vector '"
          + column.name() + "'"));
    }
  }

  /** @return the bytes the arrays {@link #allocate} makes take per value, all of them (at least 1) */
  private int bytesPerValue() {
    int width = column.nullable() ? 1 : 0;
    width += switch (physical) {
      case BOOLEAN -> 1;
      case INT32, UINT32, LIST, MAP -> 4;
      case INT64, UINT64, DOUBLE -> 8;
      case INT96 -> 12;
      case BINARY -> 4 + 8; // offsets, and the first data array's 8 bytes a value
      case STRUCT -> 0;
    };
    return Math.max(1, width + (hasDictionaryIds ? 4 : 0));
  }

  private void allocate(int newCapacity) {
    if (column.nullable()) {
      nulls = nulls == null ? new boolean[newCapacity] : Arrays.copyOf(nulls, newCapacity);
    }
    switch (physical) {
      case BOOLEAN -> booleans = booleans == null ? new boolean[newCapacity] : Arrays.copyOf(booleans, newCapacity);
      case INT32, UINT32 -> ints = ints == null ? new int[newCapacity] : Arrays.copyOf(ints, newCapacity);
      case INT64, UINT64 -> longs = longs == null ? new long[newCapacity] : Arrays.copyOf(longs, newCapacity);
      case INT96 -> {
        ints = ints == null ? new int[newCapacity] : Arrays.copyOf(ints, newCapacity);
        longs = longs == null ? new long[newCapacity] : Arrays.copyOf(longs, newCapacity);
      }
      case DOUBLE -> doubles = doubles == null ? new double[newCapacity] : Arrays.copyOf(doubles, newCapacity);
      case BINARY, LIST, MAP -> {
        offsets = offsets == null ? new int[newCapacity + 1] : Arrays.copyOf(offsets, newCapacity + 1);
        if (physical == Physical.BINARY && data == null) {
          data = new byte[(int) Math.min(newCapacity * 8L, LittleEndian.MAX_ARRAY_BYTES)];
        }
      }
      case STRUCT -> { }
    }
    capacity = newCapacity;
  }

  /**
   * Sets the number of values, after the backing arrays were filled up to it (and, for BINARY, LIST and MAP,
   * {@code offsets} up to {@code size}).
   *
   * @param size the new size, at most the capacity
   * @throws IndexOutOfBoundsException if {@code size} is negative or above the capacity
   */
  void setSize(int size) {
    if (size < 0 || size > capacity) {
      throw new IndexOutOfBoundsException("size " + size + " outside 0.." + capacity);
    }
    this.size = size;
  }

  /** Empties this vector and its children, keeping the arrays. */
  public void clear() {
    truncate(0);
  }

  /**
   * Drops the values from {@code newSize} on (and the children's entries they own).
   *
   * @param newSize a size not above the current one
   */
  public void truncate(int newSize) {
    if (newSize > size) {
      throw new IndexOutOfBoundsException("cannot truncate " + size + " values to " + newSize);
    }
    switch (physical) {
      case LIST, MAP -> {
        for (Vector c : children) {
          c.truncate(offsets[newSize]);
        }
      }
      case STRUCT -> {
        for (Vector c : children) {
          c.truncate(newSize);
        }
      }
      default -> { }
    }
    size = newSize;
    if (newSize == 0) {
      hasDictionaryIds = false;
      dictionary.unbind(); // and, for a dictionary refilled for another chunk, its strings
    }
  }

  /**
   * Appends a slot without a value: null if the column may hold nulls, else the type's zero (readers use it for the
   * fields under a null struct).
   *
   */
  void appendAbsent() {
    ensureCapacity(size + 1);
    int i = size;
    if (nulls != null) {
      nulls[i] = true;
    }
    switch (physical) {
      case BOOLEAN -> booleans[i] = false;
      case INT32, UINT32 -> ints[i] = 0;
      case INT64, UINT64 -> longs[i] = 0;
      case INT96 -> {
        ints[i] = (int) JULIAN_EPOCH_DAY;
        longs[i] = 0;
      }
      case DOUBLE -> doubles[i] = 0;
      case BINARY -> {
        int start = offsets[i];
        if (fixedLength > 0 && nulls == null) {
          ensureDataCapacity(start + fixedLength);
          Arrays.fill(data, start, start + fixedLength, (byte) 0);
          offsets[i + 1] = start + fixedLength;
        } else {
          offsets[i + 1] = start;
        }
      }
      case LIST, MAP -> offsets[i + 1] = offsets[i];
      case STRUCT -> {
        for (Vector c : children) {
          c.appendAbsent();
        }
      }
    }
    size = i + 1;
  }

  /**
   * {@link #appendAbsent()} {@code n} times: a leaf's slots at once.
   *
   * @param n the slots to append
   */
  void appendAbsent(int n) {
    if (n == 1 || physical == Physical.STRUCT || physical == Physical.LIST || physical == Physical.MAP
        || physical == Physical.INT96 || physical == Physical.BINARY && fixedLength > 0 && nulls == null) {
      for (int k = 0; k < n; k++) {
        appendAbsent();
      }
      return;
    }
    ensureCapacity(size + n);
    int from = size;
    int to = from + n;
    if (nulls != null) {
      Arrays.fill(nulls, from, to, true);
    }
    switch (physical) {
      case BOOLEAN -> Arrays.fill(booleans, from, to, false);
      case INT32, UINT32 -> Arrays.fill(ints, from, to, 0);
      case INT64, UINT64 -> Arrays.fill(longs, from, to, 0);
      case DOUBLE -> Arrays.fill(doubles, from, to, 0);
      case BINARY -> Arrays.fill(offsets, from + 1, to + 1, offsets[from]);
      default -> throw new IllegalStateException(physical + " is appended one slot at a time");
    }
    size = to;
  }

  /**
   * Appends the last value {@code n} more times, copied in bulk: what a column of one value (a partition's) is made
   * of. Only a leaf vector that is not INT96 and whose last value is its own (not a dictionary id) copies: others
   * leave the appending to the caller.
   *
   * @param n how many more times
   * @return whether the values were appended; {@code false} leaves the vector as it was
   */
  public boolean repeatLast(int n) {
    if (size == 0 || n <= 0 || children.length > 0 || physical == Physical.INT96 || hasDictionaryIds) {
      return n <= 0;
    }
    int last = size - 1;
    int from = size;
    int to = size + n;
    if (physical == Physical.BINARY) {
      int start = offsets[last];
      int length = offsets[size] - start;
      long end = offsets[size] + (long) length * n;
      if (end > Integer.MAX_VALUE - 8) {
        return false;
      }
      ensureCapacity(to);
      ensureDataCapacity((int) end);
      for (int copies = 1; copies <= n; ) { // doubling: each copy copies all the copies made so far
        int more = Math.min(copies, n + 1 - copies);
        System.arraycopy(data, start, data, start + copies * length, more * length);
        copies += more;
      }
      for (int i = from; i < to; i++) {
        offsets[i + 1] = offsets[i] + length;
      }
    } else {
      ensureCapacity(to);
      switch (physical) {
        case BOOLEAN -> Arrays.fill(booleans, from, to, booleans[last]);
        case INT32, UINT32 -> Arrays.fill(ints, from, to, ints[last]);
        case INT64, UINT64 -> Arrays.fill(longs, from, to, longs[last]);
        case DOUBLE -> Arrays.fill(doubles, from, to, doubles[last]);
        default -> {
          return false;
        }
      }
    }
    if (nulls != null) {
      Arrays.fill(nulls, from, to, nulls[last]);
    }
    size = to;
    return true;
  }

  /**
   * Appends a null.
   *
   * @throws InvalidInputException if the column cannot hold nulls
   */
  public void appendNull() {
    if (nulls == null) {
      throw new InvalidInputException("column " + column.name() + " is required but the value is null");
    }
    appendAbsent();
  }

  private int slot() {
    ensureCapacity(size + 1);
    if (nulls != null) {
      nulls[size] = false;
    }
    if (hasDictionaryIds) {
      dictionaryIds[size] = -1; // an appended value is its own, not a dictionary entry
    }
    return size;
  }

  /**
   * @param value a BOOLEAN value
   */
  public void appendBoolean(boolean value) {
    requirePhysical(Physical.BOOLEAN);
    int slot = slot();
    booleans[slot] = value;
    size++;
  }

  /**
   * @param value an INT value, or a DATE's epoch day
   */
  public void appendInt(int value) {
    if (physical != Physical.UINT32) {
      requirePhysical(Physical.INT32);
    }
    int slot = slot();
    ints[slot] = value;
    size++;
  }

  /**
   * Appends an INT64 value as it is; {@code LeafCodec.appendLong} checks it against the kind first (a decimal's
   * precision, a time of day).
   *
   * @param value a LONG value, an unscaled DECIMAL, or a TIME, TIMESTAMP or LOCAL_TIMESTAMP in this vector's {@link
   *     #unit()}
   * @throws InvalidInputException if the vector does not hold INT64 values
   */
  public void appendLong(long value) {
    requirePhysical(Physical.INT64);
    int slot = slot();
    longs[slot] = value;
    size++;
  }

  /**
   * @param value a DOUBLE value
   */
  public void appendDouble(double value) {
    requirePhysical(Physical.DOUBLE);
    int slot = slot();
    doubles[slot] = value;
    size++;
  }

  /**
   * @param value a STRING value, stored as UTF-8 (an unpaired surrogate becomes {@code ?}, as {@link
   *     String#getBytes} does)
   */
  public void appendString(String value) {
    requirePhysical(Physical.BINARY);
    int i = slot();
    int start = offsets[i];
    int length = value.length();
    ensureDataCapacity(start + length * 3);
    byte[] out = data;
    int p = start;
    for (int k = 0; k < length; k++) {
      char c = value.charAt(k);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xc0 | c >> 6);
        out[p++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isSurrogate(c)) {
        int cp = Character.isHighSurrogate(c) && k + 1 < length && Character.isLowSurrogate(value.charAt(k + 1))
            ? Character.toCodePoint(c, value.charAt(++k)) : -1;
        if (cp < 0) {
          out[p++] = '?';
        } else {
          out[p++] = (byte) (0xf0 | cp >> 18);
          out[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
          out[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
          out[p++] = (byte) (0x80 | cp & 0x3f);
        }
      } else {
        out[p++] = (byte) (0xe0 | c >> 12);
        out[p++] = (byte) (0x80 | c >> 6 & 0x3f);
        out[p++] = (byte) (0x80 | c & 0x3f);
      }
    }
    offsets[i + 1] = p;
    size++;
  }

  /**
   * @param value BINARY bytes (a BYTES value, UTF-8 text, or a decimal's fixed-length two's complement)
   * @param offset where they start
   * @param length how many
   */
  public void appendBytes(byte[] value, int offset, int length) {
    requirePhysical(Physical.BINARY);
    if (fixedLength > 0 && length != fixedLength) {
      throw new InvalidInputException("column " + column.name() + " (" + column.type() + ") holds " + fixedLength
          + "-byte values, got " + length + " bytes");
    }
    int i = slot();
    int start = offsets[i];
    ensureDataCapacity(start + length);
    System.arraycopy(value, offset, data, start, length);
    offsets[i + 1] = start + length;
    size++;
  }

  /**
   * Appends a two's complement integer sign-extended to this fixed-length column's width (a decimal's bytes).
   *
   * @param minimal the big-endian two's complement bytes, at most the width
   */
  void appendSignExtended(byte[] minimal) {
    requirePhysical(Physical.BINARY);
    int i = slot();
    int start = offsets[i];
    ensureDataCapacity(start + fixedLength);
    int pad = fixedLength - minimal.length;
    Arrays.fill(data, start, start + pad, (byte) (minimal[0] < 0 ? 0xff : 0));
    System.arraycopy(minimal, 0, data, start + pad, minimal.length);
    offsets[i + 1] = start + fixedLength;
    size++;
  }

  /**
   * Ends the append of a value written straight into the arrays at {@code index}, the size (a fast path that checked
   * the room and that the vector carries no dictionary ids): not null, and the size one more.
   *
   * @param index the size before the value
   */
  void appended(int index) {
    if (nulls != null) {
      nulls[index] = false;
    }
    size = index + 1;
  }

  /**
   * Opens the slot of a LIST, MAP or STRUCT value whose parts the caller then appends to the children; {@link
   * #closeNested} ends it.
   *
   * @return the slot's index
   */
  public int openNested() {
    return slot();
  }

  /**
   * Ends the slot {@link #openNested} opened, after the parts were appended to the children (a LIST's or MAP's
   * entries up to the first child's size).
   *
   * @param slot the slot's index
   */
  public void closeNested(int slot) {
    if (physical == Physical.LIST || physical == Physical.MAP) {
      offsets[slot + 1] = children[0].size;
    }
    size = slot + 1;
  }

  /**
   * Sets the end offset of every LIST and MAP vector in the tree, once all its leaves are read (and its VARIANTs'
   * values made from their parts).
   */
  void closeOffsets() {
    switch (physical) {
      case LIST, MAP -> {
        offsets[size] = children[0].size;
        for (Vector c : children) {
          c.closeOffsets();
        }
      }
      case STRUCT -> {
        for (Vector c : children) {
          c.closeOffsets();
        }
      }
      default -> { }
    }
  }

  private void requirePhysical(Physical expected) {
    if (physical != expected) {
      throw new InvalidInputException("column " + column.name() + " (" + column.type() + ") is held as " + physical
          + ", not " + expected);
    }
  }

  @Override
  public String toString() {
    return "Vector[" + column + ", " + physical + (unit == null ? "" : " " + unit) + ", " + size + " values]";
  }
}
