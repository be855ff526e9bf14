package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The values of one column in primitive arrays (what the public {@code ColumnVector} and {@code ColumnAppender} of
 * {@code io.delpha.sdk.parquet} show), and what only the readers and writers do to them: make a vector in a given
 * representation, fill the arrays directly and then set the size, grow them, carry a dictionary's ids, bind a
 * dictionary's values, keep some rows. A leaf's values are made here ({@link #get}); a LIST, MAP or STRUCT value is
 * the public package's to make, from its children (this package knows no {@code Row}). Public for the library's
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
  /** What the values are as the row model holds them (the kind's conversions, both ways). */
  private final LeafCodec codec;
  /** How {@link #appendValue} appends a value: a {@code LeafCodec.ROW_} path, or -1 for LIST, MAP and STRUCT. */
  private final int rowPath;

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
  // allocated by prepareDictionaryIds() before hasDictionaryIds is set, read only when it is set
  @SuppressWarnings("NullAway.Init")
  private int[] dictionaryIds;
  private boolean hasDictionaryIds;
  private @Nullable Object[] dictionaryValues = new Object[0];
  private @Nullable Vector boundDictionary;
  /**
   * The dictionary whose strings {@link #dictionaryValues} is (see {@link #bindDictionary}): then that array is the
   * dictionary's {@link #madeStrings}, shared, every entry made, and never written here.
   */
  private @Nullable Vector madeFrom;
  /**
   * On a dictionary (a BINARY vector the row view binds to), its strings, each made once by the first vector bound
   * to it and shared by every vector bound to it after: a reader that fills several vectors in turn makes them once.
   */
  private @Nullable Object @Nullable [] madeStrings;
  /** What {@link #dictionaryValues} were made from (see {@link #prepareDictionaryIds(Object)}). */
  private @Nullable Object cachedFor;

  private Vector(Column column, Physical physical, @Nullable ChronoUnit unit, List<Vector> children) {
    this.column = Objects.requireNonNull(column, "column");
    this.physical = Objects.requireNonNull(physical, "physical");
    this.unit = unit;
    this.children = children.toArray(new Vector[0]);
    ColumnType type = column.type();
    requireCompatible(type, physical, unit);
    this.fixedLength = LeafCodec.fixedLength(type, physical);
    this.codec = new LeafCodec(this);
    this.rowPath = type.kind().isNested() ? -1 : codec.rowPath();
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

  /**
   * An empty vector for a column, in the representation the writer uses ({@link SchemaMapping#writtenPhysical}). It
   * grows as values are appended.
   *
   * @param column the column whose values it will hold
   * @return an empty vector (a nested column's with its children's)
   */
  public static Vector allocate(Column column) {
    ColumnType t = column.type();
    return t.kind().isNested() ? nested(column, t.children().stream().map(Vector::allocate).toList())
        : leaf(column, SchemaMapping.writtenPhysical(t), SchemaMapping.writtenUnit(t));
  }

  /**
   * For a vector holding one value in every slot (a constant column: {@code ColumnVector.repeat}), marks every slot as
   * dictionary entry 0, made once: {@code value} itself when it is of the type {@link #get} returns, so that rows of
   * every vector repeating one instance share it. Nothing is marked for a null, BYTES (mutable) or nested value.
   *
   * @param value the value every slot holds
   */
  public void shareRepeated(@Nullable Object value) {
    if (value == null || size == 0 || !codec.immutableValues() || column.type().kind().isNested()) {
      return;
    }
    Arrays.fill(prepareDictionaryIds(new Object()), 0, size, 0);
    Object made = get(0);
    if (made != null && made.getClass() == value.getClass() && made.equals(value)) {
      dictionaryValues[0] = value; // the caller's instance: vectors repeating it share it (one per file)
    }
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

  /** @return a leaf's values as the row model holds them (for a LIST, MAP or STRUCT vector, none) */
  public LeafCodec codec() {
    return codec;
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

  // ---------------------------------------------------------------- reading values

  /**
   * @param index an index below {@link #size()}
   * @return the value of a leaf vector as a row holds it (see {@link ColumnType}), or {@code null}
   * @throws DataFormatException if the stored value is outside its type's range (a corrupt file)
   * @throws IllegalStateException for a LIST, MAP or STRUCT vector, whose values the public view makes
   */
  public @Nullable Object get(int index) {
    if (nulls != null && nulls[index]) {
      return null;
    }
    if (hasDictionaryIds && dictionaryIds[index] >= 0) {
      // a value repeated through a dictionary is made once per dictionary entry (all such values are immutable)
      int id = dictionaryIds[index];
      if (id >= dictionaryValues.length) {
        dictionaryValues = Arrays.copyOf(dictionaryValues, Math.max(id + 1, dictionaryValues.length * 2));
      }
      Object value = dictionaryValues[id];
      if (value == null) {
        Vector d = boundDictionary;
        value = d == null ? codec.decodeChecked(index) : codec.fromBytes(d.data, d.offsets[id], d.offsets[id + 1] - d.offsets[id]);
        dictionaryValues[id] = value;
      }
      return value;
    }
    return codec.decodeChecked(index);
  }

  /**
   * The first {@code n} values, as {@link #get} makes them, into {@code out}: one pass, in which a value repeated
   * through a dictionary costs a load from the values already made (a row reader's batches, {@code RowBlock}).
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  public void copyValues(@Nullable Object[] out, int n) {
    if (!hasDictionaryIds) {
      for (int i = 0; i < n; i++) {
        out[i] = get(i);
      }
      return;
    }
    int[] ids = dictionaryIds;
    boolean[] flags = nulls;
    for (int i = 0; i < n; i++) {
      if (flags != null && flags[i]) {
        out[i] = null;
        continue;
      }
      int id = ids[i];
      @Nullable Object[] made = dictionaryValues;
      Object v = id >= 0 && id < made.length ? made[id] : null;
      out[i] = v != null ? v : get(i);
    }
  }

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
   * The array to fill with {@link #dictionaryIds()} for this batch (capacity at least the vector's). Only
   * for columns whose values are immutable (not BYTES, not nested).
   *
   * @param newDictionary whether the ids now refer to another dictionary than the previous batch's
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  int[] prepareDictionaryIds(boolean newDictionary) {
    return prepareDictionaryIds(newDictionary ? new Object() : cachedFor == null ? new Object() : cachedFor);
  }

  /**
   * The array to fill with {@link #dictionaryIds()} for this batch, the ids referring to the dictionary
   * {@code dictionary} stands for. The values the vector made for earlier ids are kept only if they came from the same
   * dictionary (the same object), so that vectors filled in turn, by a reader that reads ahead into several, never
   * mix two row groups' dictionaries.
   *
   * @param dictionary an object standing for the column chunk's dictionary, the same for all its batches
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  int[] prepareDictionaryIds(Object dictionary) {
    return prepareDictionaryIds(dictionary, 0);
  }

  /**
   * As {@link #prepareDictionaryIds(Object)}, for a dictionary of {@code entries} values: room for a value made of
   * each is made when the dictionary changes, once, so that the per-batch {@link #copyValues} and {@link #get} never
   * grow it where the JIT compiled them as never growing (a new file's first batch would otherwise deoptimise them:
   * issue 49).
   *
   * @param dictionary an object standing for the column chunk's dictionary, the same for all its batches
   * @param entries the dictionary's values
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  int[] prepareDictionaryIds(Object dictionary, int entries) {
    Objects.requireNonNull(dictionary, "dictionary");
    if (!codec.immutableValues() || column.type().kind().isNested()) {
      throw new IllegalStateException(column + " has mutable values");
    }
    if (dictionaryIds == null || dictionaryIds.length < capacity) {
      dictionaryIds = new int[capacity];
    }
    if (dictionary != cachedFor) {
      if (madeFrom != null || dictionaryValues.length < entries) {
        dictionaryValues = new Object[entries]; // a dictionary's shared strings are never cleared here
      } else {
        Arrays.fill(dictionaryValues, null);
      }
      cachedFor = dictionary;
      madeFrom = null;
    }
    hasDictionaryIds = true;
    boundDictionary = null;
    return dictionaryIds;
  }

  /**
   * For readers that only hand values out through {@link #get(int)} (the row view): the values at indexes
   * whose {@link #dictionaryIds()} are set are {@code dictionary}'s bytes at that id, and are not copied
   * into {@link #data()} (their {@code offsets} span no bytes). Call after {@code prepareDictionaryIds},
   * for a STRING column or a DECIMAL held as BINARY; the binding ends when the vector is cleared. Columnar readers
   * must not bind: {@code data()} no longer holds every value.
   *
   * @param dictionary the column chunk's dictionary, a BINARY vector, unchanged until {@code vector} is cleared
   * @throws IllegalStateException if the vector has no ids or cannot take values from a dictionary
   */
  void bindDictionary(Vector dictionary) {
    if (!hasDictionaryIds || dictionary.physical != Physical.BINARY || !codec.madeFromBytes()) {
      throw new IllegalStateException(column + " cannot take its values from a dictionary");
    }
    boundDictionary = dictionary;
    if (codec.strings() && madeFrom != dictionary) {
      // a chunk's strings, made once ahead of its batches: the per-batch copyValues then finds every id's value
      // made, where a new file's first batch otherwise took a path C2 had compiled as never taken and deoptimised
      // it (issue 49). A string is made of any bytes, so no entry fails that no row uses.
      @Nullable Object[] made = dictionary.madeStrings;
      int entries = dictionary.size;
      if (made == null || made.length != entries) {
        made = new Object[entries];
        for (int id = 0; id < entries; id++) {
          made[id] = codec.fromBytes(dictionary.data, dictionary.offsets[id],
              dictionary.offsets[id + 1] - dictionary.offsets[id]);
        }
        dictionary.madeStrings = made;
      }
      dictionaryValues = made;
      madeFrom = dictionary;
    }
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
          data = new byte[(int) Math.min(newCapacity * 8L, ValueDecoder.MAX_ARRAY_BYTES)];
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
      boundDictionary = null;
      madeStrings = null; // a dictionary refilled for another chunk
    }
  }

  /**
   * Keeps only some of a vector's values, in place: the values at {@code rows[0..count)} move to indexes
   * {@code 0..count)} and the size becomes {@code count}, in whatever representation they were decoded (dictionary
   * ids, a nested vector's children and their elements included). No value is decoded or copied out; the arrays
   * are not shrunk.
   *
   * @param rows the indexes to keep, strictly ascending, each below the vector's size
   * @param count how many of {@code rows} to use
   * @throws IndexOutOfBoundsException if the indexes are not strictly ascending or not below the size
   */
  public void keep(int[] rows, int count) {
    requireKept(rows, count, size);
    moveRows(rows, count);
  }

  /**
   * The check of {@link #keep} (and of {@code ColumnBatch.keep}, before it moves any vector's values).
   *
   * @param rows the indexes to keep
   * @param count how many of {@code rows} to use
   * @param size the number of values or rows they index
   * @throws IndexOutOfBoundsException if the indexes are not strictly ascending or not below {@code size}
   */
  static void requireKept(int[] rows, int count, int size) {
    if (count < 0 || count > size || count > rows.length) {
      throw new IndexOutOfBoundsException("keeping " + count + " of " + size + " values");
    }
    int previous = -1;
    for (int j = 0; j < count; j++) {
      int r = rows[j];
      if (r <= previous || r >= size) {
        throw new IndexOutOfBoundsException("row " + r + " after " + previous + " of " + size);
      }
      previous = r;
    }
  }

  /**
   * Moves the values at {@code rows[0..count)} (ascending, checked) to indexes {@code 0..count)}: every row's place
   * in every array this vector fills, whichever representation it was decoded in. A row only ever moves down, so
   * each array is rewritten in place from its front.
   */
  private void moveRows(int[] rows, int count) {
    if (nulls != null) {
      boolean[] n = nulls;
      for (int j = 0; j < count; j++) {
        n[j] = n[rows[j]];
      }
    }
    if (hasDictionaryIds) {
      for (int j = 0; j < count; j++) {
        dictionaryIds[j] = dictionaryIds[rows[j]];
      }
    }
    switch (physical) {
      case BOOLEAN -> {
        for (int j = 0; j < count; j++) {
          booleans[j] = booleans[rows[j]];
        }
      }
      case INT32, UINT32 -> {
        for (int j = 0; j < count; j++) {
          ints[j] = ints[rows[j]];
        }
      }
      case INT64, UINT64 -> {
        for (int j = 0; j < count; j++) {
          longs[j] = longs[rows[j]];
        }
      }
      case INT96 -> {
        for (int j = 0; j < count; j++) {
          ints[j] = ints[rows[j]];
          longs[j] = longs[rows[j]];
        }
      }
      case DOUBLE -> {
        for (int j = 0; j < count; j++) {
          doubles[j] = doubles[rows[j]];
        }
      }
      case BINARY -> {
        // offsets[r] and offsets[r + 1] are read before offsets[j + 1] is written; j + 1 <= r + 1 and a later row
        // reads offsets[r'] with r' > r, which is only overwritten when no row before it was dropped (same value)
        int end = offsets[0];
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          int from = offsets[r];
          int length = offsets[r + 1] - from;
          if (from != end) {
            System.arraycopy(data, from, data, end, length);
          }
          end += length;
          offsets[j + 1] = end;
        }
      }
      case LIST, MAP -> {
        // the kept rows' elements, in order, are the children's rows to keep
        int elements = 0;
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          elements += offsets[r + 1] - offsets[r];
        }
        int[] childRows = new int[elements];
        int e = 0;
        int start = offsets[0];
        for (int j = 0; j < count; j++) {
          int r = rows[j];
          int from = offsets[r];
          int to = offsets[r + 1];
          for (int i = from; i < to; i++) {
            childRows[e++] = i;
          }
          offsets[j + 1] = start + e;
        }
        for (Vector c : children) {
          c.moveRows(childRows, elements);
          c.size = elements;
        }
      }
      case STRUCT -> {
        for (Vector c : children) {
          c.moveRows(rows, count);
          c.size = count;
        }
      }
    }
    size = count;
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

  /** @return whether this is a leaf vector (not LIST, MAP or STRUCT), whose values {@link #appendValue} appends */
  public boolean isLeaf() {
    return rowPath >= 0;
  }

  /**
   * Appends a value of the row model to a leaf vector, checked and converted as {@link LeafCodec#append} (or, for
   * {@code null}, {@link #appendNull}) does, with the same outcome and the same exceptions: the kinds the writer
   * meets most (BOOLEAN, INT, LONG, DOUBLE, STRING, DATE, TIMESTAMP in micros, DECIMAL in INT64) go straight into the
   * array, one switch on a path chosen when the vector was made; anything else, and any value that fails a check,
   * takes the general path, which throws. The row writer's path for every value of every row.
   *
   * @param value the value, possibly {@code null}
   * @throws InvalidInputException if the value does not fit the column (see {@link LeafCodec#append})
   */
  public void appendValue(@Nullable Object value) {
    int i = size;
    if (value == null || i >= capacity || hasDictionaryIds) {
      appendSlowly(value);
      return;
    }
    switch (rowPath) {
      case LeafCodec.ROW_BOOLEAN -> {
        if (!(value instanceof Boolean b)) {
          codec.append(value);
          return;
        }
        booleans[i] = b;
      }
      case LeafCodec.ROW_INT -> {
        if (!(value instanceof Integer x)) {
          codec.append(value);
          return;
        }
        ints[i] = x;
      }
      case LeafCodec.ROW_LONG -> {
        if (!(value instanceof Long x)) {
          codec.append(value);
          return;
        }
        longs[i] = x;
      }
      case LeafCodec.ROW_DOUBLE -> {
        if (!(value instanceof Double x)) {
          codec.append(value);
          return;
        }
        doubles[i] = x;
      }
      case LeafCodec.ROW_STRING -> {
        if (!(value instanceof String x)) {
          codec.append(value);
          return;
        }
        appendString(x);
        return;
      }
      case LeafCodec.ROW_DATE -> {
        long day;
        if (!(value instanceof LocalDate d) || (int) (day = d.toEpochDay()) != day) {
          codec.append(value); // the wrong type, or a day outside INT32: throws
          return;
        }
        ints[i] = (int) day;
      }
      case LeafCodec.ROW_TIMESTAMP_MICROS -> {
        long second;
        int nano;
        if (!(value instanceof Instant t) || (nano = t.getNano()) % 1_000 != 0
            || (second = t.getEpochSecond()) > MAX_MICROS_SECOND || second < -MAX_MICROS_SECOND) {
          codec.append(value); // the wrong type, digits below the microsecond, or near the range's ends: checked there
          return;
        }
        longs[i] = second * 1_000_000L + nano / 1_000;
      }
      case LeafCodec.ROW_DECIMAL_LONG -> {
        if (!(value instanceof BigDecimal d)) {
          codec.append(value);
          return;
        }
        longs[i] = codec.unscaledLong(d);
      }
      default -> {
        codec.append(value);
        return;
      }
    }
    if (nulls != null) {
      nulls[i] = false;
    }
    size = i + 1;
  }

  /**
   * Seconds whose microseconds, plus those of a second's fraction, stay inside a long: the fast path of {@link
   * #appendValue} leaves the seconds beyond to {@link LeafCodec#append}'s exact arithmetic.
   */
  private static final long MAX_MICROS_SECOND = Long.MAX_VALUE / 1_000_000L - 1;

  private void appendSlowly(@Nullable Object value) {
    if (value == null) {
      appendNull();
    } else {
      codec.append(value);
    }
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
   * Appends an INT64 value as it is; {@link LeafCodec#appendLong} checks it against the kind first (a decimal's
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
