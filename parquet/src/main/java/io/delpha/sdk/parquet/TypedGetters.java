package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import org.jspecify.annotations.Nullable;

/**
 * The checks and errors of {@link Row}'s typed getters, the same for a row of values ({@link Row#of}) and a row of a
 * batch's {@link RowBlock}: a getter of another kind than the column's, and a primitive getter of a null value, are an
 * {@link InvalidInputException} naming the column and what to call instead.
 */
final class TypedGetters {

  private TypedGetters() {
  }

  /**
   * @param value the value at {@code index}, as held
   * @return {@code value}, if the column at {@code index} is of kind {@code kind}
   * @throws InvalidInputException if it is of another kind
   */
  static @Nullable Object typed(RowSchema schema, int index, ColumnType.Kind kind, @Nullable Object value) {
    if (schema.column(index).type().kind() != kind) {
      throw wrongKind(schema, index, "get" + kind, kind);
    }
    return value;
  }

  /**
   * Checks the column of a primitive getter: of one of {@code kinds}.
   *
   * @throws InvalidInputException if it is of another kind
   */
  static void requireKind(RowSchema schema, int index, String getter, ColumnType.Kind... kinds) {
    ColumnType.Kind actual = schema.column(index).type().kind();
    boolean ok = false;
    for (ColumnType.Kind k : kinds) {
      ok |= k == actual;
    }
    if (!ok) {
      throw wrongKind(schema, index, getter, kinds[0]);
    }
  }

  /**
   * @param value the value at {@code index}, of a column {@link #requireKind} checked
   * @return {@code value}, not null
   * @throws InvalidInputException if it is null (a primitive has no null)
   */
  static Object present(RowSchema schema, int index, String getter, @Nullable Object value) {
    if (value == null) {
      throw new InvalidInputException(getter + ": column " + schema.column(index).name() + " is null in this row "
          + "(a primitive cannot hold null; check isNull first, or use get)");
    }
    return value;
  }

  private static InvalidInputException wrongKind(RowSchema schema, int index, String getter, ColumnType.Kind wanted) {
    Column c = schema.column(index);
    return new InvalidInputException(getter + ": column " + c.name() + " is " + c.type().kind() + ", not "
        + wanted + "; use get(\"" + c.name() + "\") or the getter of its kind");
  }
}
