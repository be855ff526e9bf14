package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One named, typed column of a {@link RowSchema}.
 *
 * @param name the column's name, not blank
 * @param type its type
 * @param nullable whether values may be {@code null}
 */
public record Column(String name, ColumnType type, boolean nullable) {

  /** Validates the column. */
  public Column {
    Objects.requireNonNull(type, "type");
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("a column needs a name");
    }
  }

  /**
   * @param name the column's name
   * @param type its type
   * @return a nullable column
   */
  public static Column nullable(String name, ColumnType type) {
    return new Column(name, type, true);
  }

  /**
   * @param name the column's name
   * @param type its type
   * @return a column that never holds {@code null}
   */
  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  @Override
  public String toString() {
    return name + " " + type + (nullable ? "" : " not null");
  }
}
