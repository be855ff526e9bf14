package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the library's readers do with {@link Row}s that its users do not: make a row of values already checked
 * (a STRUCT vector's fields), and make a batch's rows one by one from the block of values they share (the row
 * reader hands each out as {@code next()} asks). These are {@code Row}'s and {@code ColumnBatch}'s package-private
 * methods, reached from the {@code internal} packages through the one instance {@code Row} installs as it is
 * initialised. (The vectors need no such way in: {@link Vector} is the library's own class.)
 *
 * <p>Callers keep it in a {@code static final} field ({@code private static final RowHooks ROWS =
 * RowHooks.get();}): the JIT then knows the one implementation and inlines every call.
 */
public abstract class RowHooks {

  private static volatile @Nullable RowHooks installed;

  /** Only {@code Row} makes one. */
  protected RowHooks() {}

  /**
   * Sets the instance {@link #get()} returns; {@code Row} calls it once, as it is initialised.
   *
   * @param hooks {@code Row}'s implementation
   * @throws IllegalStateException if one is installed already, or {@code hooks} is not {@code Row}'s
   */
  public static synchronized void install(RowHooks hooks) {
    if (installed != null || hooks.getClass().getEnclosingClass() != Row.class) {
      throw new IllegalStateException("the row hooks are Row's, installed as it is initialised");
    }
    installed = Objects.requireNonNull(hooks, "hooks");
  }

  /** @return the hooks, {@code Row} initialised first if it was not yet */
  public static RowHooks get() {
    RowHooks h = installed;
    if (h == null) {
      try {
        Class.forName(Row.class.getName(), true, Row.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      h = installed;
    }
    return Objects.requireNonNull(h, "Row installs the row hooks as it is initialised");
  }

  /**
   * A row of values a vector made (each already of its column's Java type), without checking them again.
   *
   * @param schema the row's schema
   * @param values one value per column, in order; the row keeps the array
   * @return the row
   */
  public abstract Row trustedRow(RowSchema schema, @Nullable Object[] values);

  /**
   * The values of a batch's rows as one block (what the rows of {@link ColumnBatch#rows()} share), for a reader
   * that makes each row as it is asked for: valid whatever happens to the batch afterwards.
   *
   * @param batch a batch
   * @return the block, opaque outside {@code Row}'s package
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
