package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leaf vector's values as a row holds them, made from its arrays by its {@link LeafCodec}, and the binding of its
 * values to a column chunk's dictionary: a value repeated through a dictionary is made once per entry (the entries made
 * are kept with the vector, in its {@link DictionaryCache}, from batch to batch of one chunk), and a reader of rows
 * may leave STRING and BINARY decimal values in the dictionary's bytes ({@link #bindDictionary}).
 *
 * <p>One per leaf vector and reader of it (a read view, a reader filling it); cheap to make, as its state is the
 * vector's. Not thread-safe.
 */
public final class LeafValues {

  private final Vector vector;
  private final LeafCodec codec;
  private final DictionaryCache cache;

  /**
   * @param vector a leaf vector
   * @throws IllegalStateException if the vector is LIST, MAP or STRUCT (its values are made of its children's)
   */
  public LeafValues(Vector vector) {
    if (!vector.isLeaf()) {
      throw new IllegalStateException(vector.column() + " is nested: its view makes its values");
    }
    this.vector = vector;
    this.codec = new LeafCodec(vector);
    this.cache = vector.dictionary();
  }

  /** @return the conversions of the vector's kind */
  public LeafCodec codec() {
    return codec;
  }

  /**
   * @param index an index below the vector's size
   * @return the value as a row holds it (see {@code ColumnType}), or {@code null}
   * @throws DataFormatException if the stored value is outside its type's range (a corrupt file)
   */
  public @Nullable Object get(int index) {
    if (vector.isNull(index)) {
      return null;
    }
    int[] ids = vector.dictionaryIds();
    if (ids != null && ids[index] >= 0) {
      // a value repeated through a dictionary is made once per dictionary entry (all such values are immutable)
      int id = ids[index];
      DictionaryCache c = cache;
      if (id >= c.values.length) {
        c.values = Arrays.copyOf(c.values, Math.max(id + 1, c.values.length * 2));
      }
      Object value = c.values[id];
      if (value == null) {
        byte[] data = c.boundData;
        int[] offsets = c.boundOffsets;
        value = data == null || offsets == null ? codec.decodeChecked(index)
            : codec.fromBytes(data, offsets[id], offsets[id + 1] - offsets[id]);
        c.values[id] = value;
      }
      return value;
    }
    return codec.decodeChecked(index);
  }

  /**
   * The values at {@code [from, to)}, as {@link #get} makes them, into {@code out[0 .. to - from)}: one pass, in
   * which a value repeated through a dictionary costs a load from the values already made (a row reader's batches,
   * {@code RowBlock}).
   *
   * @throws DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  public void copyValues(@Nullable Object[] out, int from, int to) {
    int[] ids = vector.dictionaryIds();
    if (ids == null) {
      for (int i = from; i < to; i++) {
        out[i - from] = get(i);
      }
      return;
    }
    boolean[] flags = vector.nulls();
    for (int i = from; i < to; i++) {
      if (flags != null && flags[i]) {
        out[i - from] = null;
        continue;
      }
      int id = ids[i];
      @Nullable Object[] made = cache.values;
      Object v = id >= 0 && id < made.length ? made[id] : null;
      out[i - from] = v != null ? v : get(i);
    }
  }

  /**
   * For a vector holding one value in every slot (a constant column: {@code ColumnVector.repeat}), marks every slot as
   * dictionary entry 0, made once: {@code value} itself when it is of the type {@link #get} returns, so that rows of
   * every vector repeating one instance share it. Nothing is marked for a null or BYTES (mutable) value.
   *
   * @param value the value every slot holds
   */
  public void shareRepeated(@Nullable Object value) {
    int size = vector.size();
    if (value == null || size == 0 || !codec.immutableValues()) {
      return;
    }
    Arrays.fill(prepareDictionaryIds(new Object(), 1), 0, size, 0);
    Object made = get(0);
    if (made != null && made.getClass() == value.getClass() && made.equals(value)) {
      cache.values[0] = value; // the caller's instance: vectors repeating it share it (one per file)
    }
  }

  /**
   * The array to fill with the vector's dictionary ids for this batch, the ids referring to the dictionary {@code
   * dictionary} stands for. The values made for earlier ids are kept only if they came from the same dictionary (the
   * same object), so that vectors filled in turn, by a reader that reads ahead into several, never mix two row
   * groups' dictionaries. Room for a value made of each of its {@code entries} is made when the dictionary changes,
   * once, so that the per-batch {@link #copyValues} and {@link #get} never grow it where the JIT compiled them as never
   * growing (a new file's first batch would otherwise deoptimise them: issue 49).
   *
   * @param dictionary an object standing for the column chunk's dictionary, the same for all its batches
   * @param entries the dictionary's values
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  int[] prepareDictionaryIds(Object dictionary, int entries) {
    Objects.requireNonNull(dictionary, "dictionary");
    if (!codec.immutableValues()) {
      throw new IllegalStateException(vector.column() + " has mutable values");
    }
    int[] ids = vector.useDictionaryIds();
    if (dictionary != cache.madeFor) {
      cache.renew(dictionary, entries);
    }
    cache.boundData = null;
    cache.boundOffsets = null;
    return ids;
  }

  /**
   * For a reader that makes a batch's values itself as it fills the vector (the shredded VARIANT reader): the vector,
   * empty, is made to carry ids, each slot's own index where its value was made ({@link #made}), so that {@link #get}
   * and {@link #copyValues} hand out that value and make none; the vector's bytes still hold every value (columnar
   * readers see them). Call before the first value is appended; {@link #made} after each.
   *
   * @param slots how many slots the batch will hold
   * @throws IllegalStateException if the vector is not empty or its values are mutable
   */
  void startMade(int slots) {
    if (vector.size() != 0) {
      throw new IllegalStateException(vector.column() + " is not empty");
    }
    vector.ensureCapacity(slots);
    prepareDictionaryIds(new Object(), slots);
  }

  /**
   * Records the value made for the last slot appended, or that it has none ({@code null}: {@link #get} makes it from
   * the vector's bytes).
   *
   * @param value the value the row model holds for that slot (immutable), or {@code null}
   */
  void made(@Nullable Object value) {
    int i = vector.size() - 1;
    int[] ids = java.util.Objects.requireNonNull(vector.dictionaryIds(), "startMade was called");
    if (value == null) {
      ids[i] = -1;
      return;
    }
    DictionaryCache c = cache;
    if (i >= c.values.length) {
      c.values = Arrays.copyOf(c.values, Math.max(i + 1, c.values.length * 2));
    }
    c.values[i] = value;
    ids[i] = i;
  }

  /**
   * For readers that only hand values out through {@link #get(int)} (the row view): the values at indexes whose ids
   * are set are {@code dictionary}'s bytes at that id, and are not copied into the vector's data (their {@code
   * offsets} span no bytes). Call after {@link #prepareDictionaryIds}, for a STRING column or a DECIMAL held as BINARY;
   * the binding ends when the vector is cleared. Columnar readers must not bind: the data no longer holds every value.
   *
   * @param dictionary the column chunk's dictionary, a BINARY vector, unchanged until the vector is cleared
   * @throws IllegalStateException if the vector has no ids or cannot take values from a dictionary
   */
  void bindDictionary(Vector dictionary) {
    if (vector.dictionaryIds() == null || dictionary.physical() != io.delpha.sdk.parquet.Physical.BINARY
        || !codec.madeFromBytes()) {
      throw new IllegalStateException(vector.column() + " cannot take its values from a dictionary");
    }
    byte[] data = dictionary.data();
    int[] offsets = dictionary.offsets();
    cache.boundData = data;
    cache.boundOffsets = offsets;
    DictionaryCache shared = dictionary.dictionary();
    if (codec.strings() && cache.stringsOf != shared) {
      // a chunk's strings, made once ahead of its batches: the per-batch copyValues then finds every id's value
      // made, where a new file's first batch otherwise took a path C2 had compiled as never taken and deoptimised
      // it (issue 49). A string is made of any bytes, so no entry fails that no row uses.
      @Nullable Object[] made = shared.strings;
      int entries = dictionary.size();
      if (made == null || made.length != entries) {
        made = new Object[entries];
        for (int id = 0; id < entries; id++) {
          made[id] = codec.fromBytes(data, offsets[id], offsets[id + 1] - offsets[id]);
        }
        shared.strings = made;
      }
      cache.values = made;
      cache.stringsOf = shared;
    }
  }
}
