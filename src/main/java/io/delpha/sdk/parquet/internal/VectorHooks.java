package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.ColumnVector.Physical;
import io.delpha.sdk.parquet.Row;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the library's readers and writers do to a {@link ColumnVector} that its users do not: make vectors in a
 * given representation, fill the backing arrays directly and then set the size, and carry a dictionary's ids. These
 * are {@code ColumnVector}'s own package-private methods, reached from the {@code internal} packages through the one
 * instance {@code ColumnVector} installs as it is initialised.
 *
 * <p>Callers keep it in a {@code static final} field ({@code private static final VectorHooks HOOKS =
 * VectorHooks.get();}): the JIT then knows the one implementation and inlines every call into {@code ColumnVector}'s
 * method, so a per-value call costs what calling the method directly did.
 */
public abstract class VectorHooks {

  private static volatile @Nullable VectorHooks installed;

  /** Only {@code ColumnVector} makes one. */
  protected VectorHooks() {}

  /**
   * Sets the instance {@link #get()} returns; {@code ColumnVector} calls it once, as it is initialised.
   *
   * @param hooks {@code ColumnVector}'s implementation
   * @throws IllegalStateException if one is installed already, or {@code hooks} is not {@code ColumnVector}'s
   */
  public static synchronized void install(VectorHooks hooks) {
    if (installed != null || hooks.getClass().getEnclosingClass() != ColumnVector.class) {
      throw new IllegalStateException("the vector hooks are ColumnVector's, installed as it is initialised");
    }
    installed = Objects.requireNonNull(hooks, "hooks");
  }

  /** @return the hooks, {@code ColumnVector} initialised first if it was not yet */
  public static VectorHooks get() {
    VectorHooks h = installed;
    if (h == null) {
      try {
        Class.forName(ColumnVector.class.getName(), true, ColumnVector.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      h = installed;
    }
    return Objects.requireNonNull(h, "ColumnVector installs the vector hooks as it is initialised");
  }

  /**
   * A leaf vector (every type but LIST, MAP and STRUCT) in a given representation, as readers make them.
   *
   * @param column the column whose values it holds
   * @param physical how it holds them (see {@link ColumnVector}'s table)
   * @param unit for TIME, TIMESTAMP and LOCAL_TIMESTAMP: MILLIS, MICROS or NANOS (null otherwise, and for INT96)
   * @return an empty vector
   * @throws io.delpha.sdk.core.InvalidInputException if the representation cannot hold the column's type
   */
  public abstract ColumnVector leaf(Column column, Physical physical, @Nullable ChronoUnit unit);

  /**
   * A LIST, MAP or STRUCT vector over child vectors, as readers make them.
   *
   * @param column a LIST, MAP or STRUCT column
   * @param children its parts' vectors, in the order of {@code column.type().children()}
   * @return an empty vector
   * @throws io.delpha.sdk.core.InvalidInputException if the column is not nested or the children do not match it
   */
  public abstract ColumnVector nested(Column column, List<ColumnVector> children);

  /**
   * Makes room for {@code capacity} values (and, for BINARY, keeps the bytes already there).
   *
   * @param vector the vector
   * @param capacity the number of values the arrays must hold
   */
  public abstract void ensureCapacity(ColumnVector vector, int capacity);

  /**
   * Makes room for {@code bytes} bytes of BINARY data.
   *
   * @param vector a BINARY vector
   * @param bytes the number of bytes {@link ColumnVector#data()} must hold
   * @throws io.delpha.sdk.core.DataFormatException if the heap has no room for them
   */
  public abstract void ensureDataCapacity(ColumnVector vector, int bytes);

  /**
   * Sets the number of values, after the backing arrays were filled up to it (and, for BINARY, LIST and MAP,
   * {@code offsets} up to {@code size}).
   *
   * @param vector the vector
   * @param size the new size, at most the capacity
   * @throws IndexOutOfBoundsException if {@code size} is negative or above the capacity
   */
  public abstract void setSize(ColumnVector vector, int size);

  /**
   * Appends a slot without a value: null if the column may hold nulls, else the type's zero (readers use it for the
   * fields under a null struct).
   *
   * @param vector the vector
   */
  public abstract void appendAbsent(ColumnVector vector);

  /**
   * Keeps only some of a vector's values, in place: the values at {@code rows[0..count)} move to indexes
   * {@code 0..count)} and the size becomes {@code count}, in whatever representation they were decoded (dictionary
   * ids, a nested vector's children and their elements included). No value is decoded or copied out; the arrays
   * are not shrunk.
   *
   * @param vector the vector, typically one a reader just filled
   * @param rows the indexes to keep, strictly ascending, each below the vector's size
   * @param count how many of {@code rows} to use
   * @throws IndexOutOfBoundsException if the indexes are not strictly ascending or not below the size
   */
  public abstract void keep(ColumnVector vector, int[] rows, int count);

  /**
   * The array to fill with {@link ColumnVector#dictionaryIds()} for this batch (capacity at least the vector's). Only
   * for columns whose values are immutable (not BYTES, not nested).
   *
   * @param vector the vector
   * @param newDictionary whether the ids now refer to another dictionary than the previous batch's
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  public abstract int[] prepareDictionaryIds(ColumnVector vector, boolean newDictionary);

  /**
   * The array to fill with {@link ColumnVector#dictionaryIds()} for this batch, the ids referring to the dictionary
   * {@code dictionary} stands for. The values the vector made for earlier ids are kept only if they came from the same
   * dictionary (the same object), so that vectors filled in turn, by a reader that reads ahead into several, never
   * mix two row groups' dictionaries.
   *
   * @param vector the vector
   * @param dictionary an object standing for the column chunk's dictionary, the same for all its batches
   * @return the array to fill
   * @throws IllegalStateException if the column's values are mutable
   */
  public abstract int[] prepareDictionaryIds(ColumnVector vector, Object dictionary);

  /**
   * For readers that only hand values out through {@link ColumnVector#get(int)} (the row view): the values at indexes
   * whose {@link ColumnVector#dictionaryIds()} are set are {@code dictionary}'s bytes at that id, and are not copied
   * into {@link ColumnVector#data()} (their {@code offsets} span no bytes). Call after {@code prepareDictionaryIds},
   * for a STRING column or a DECIMAL held as BINARY; the binding ends when the vector is cleared. Columnar readers
   * must not bind: {@code data()} no longer holds every value.
   *
   * @param vector the vector
   * @param dictionary the column chunk's dictionary, a BINARY vector, unchanged until {@code vector} is cleared
   * @throws IllegalStateException if the vector has no ids or cannot take values from a dictionary
   */
  public abstract void bindDictionary(ColumnVector vector, ColumnVector dictionary);

  /**
   * The values of a batch's rows as one block (what the rows of {@link ColumnBatch#rows()} share), for a reader
   * that makes each row as it is asked for: valid whatever happens to the batch afterwards.
   *
   * @param batch a batch
   * @return the block, opaque outside {@code ColumnVector}'s package
   * @throws io.delpha.sdk.core.DataFormatException if a stored value is outside its type's range (a corrupt file)
   */
  public abstract Object rowBlock(ColumnBatch batch);

  /**
   * @param block a block of {@link #rowBlock}
   * @return its number of rows
   */
  public abstract int blockRows(Object block);

  /**
   * @param block a block of {@link #rowBlock}
   * @param position a row's position in it, below {@link #blockRows}
   * @return the row there (a new {@code Row}, sharing the block's values)
   */
  public abstract Row blockRow(Object block, int position);
}
