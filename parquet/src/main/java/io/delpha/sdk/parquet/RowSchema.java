package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The schema of a table known only at run time: an ordered list of uniquely named {@link Column}s.
 * Immutable.
 *
 * <pre>{@code
 * RowSchema schema = RowSchema.builder()
 *     .required("id", ColumnType.LONG)
 *     .nullable("name", ColumnType.STRING)
 *     .nullable("price", ColumnType.decimal(10, 2))
 *     .build();
 * }</pre>
 *
 * @param columns the columns, in order
 */
public record RowSchema(List<Column> columns) {

  /**
   * Copies the column list, checks names are unique and indexes them (a lookup by name costs what one by position
   * does).
   */
  public RowSchema {
    columns = ColumnList.of(columns);
  }

  /**
   * @param columns the columns, in order
   * @return the schema
   */
  public static RowSchema of(Column... columns) {
    return new RowSchema(List.of(columns));
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the number of columns
   */
  public int size() {
    return columns.size();
  }

  /**
   * @param index a column position
   * @return the column there
   */
  public Column column(int index) {
    return columns.get(index);
  }

  /**
   * @param name a column name
   * @return its position, or empty if there is no such column
   */
  public OptionalInt indexOf(String name) {
    int i = ((ColumnList) columns).position(name);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * @param name a column name
   * @return the column
   * @throws InvalidInputException naming the columns that exist, if there is no such column
   */
  public Column column(String name) {
    return columns.get(requireIndex(name));
  }

  /**
   * @param name a column name
   * @return its position
   * @throws InvalidInputException naming the columns that exist, if there is no such column
   */
  public int requireIndex(String name) {
    int i = ((ColumnList) columns).position(name);
    if (i < 0) {
      throw noColumn(name);
    }
    return i;
  }

  // apart from requireIndex, which every getter by name inlines: its cold path, out of the bytes the JIT compiles there
  private InvalidInputException noColumn(String name) {
    return new InvalidInputException("no column '" + name + "'; columns are " + names());
  }

  /**
   * @return the column names, in order
   */
  public List<String> names() {
    List<String> names = new ArrayList<>(columns.size());
    columns.forEach(c -> names.add(c.name()));
    return Collections.unmodifiableList(names);
  }

  @Override
  public String toString() {
    return columns.toString();
  }

  /** Builds a {@link RowSchema}. */
  public static final class Builder {
    private final List<Column> columns = new ArrayList<>();

    private Builder() {}

    /**
     * @param column a column to append
     * @return this builder
     */
    public Builder column(Column column) {
      Objects.requireNonNull(column, "column");
      columns.add(column);
      return this;
    }

    /**
     * @param name a column name
     * @param type its type
     * @return this builder, with a nullable column appended
     */
    public Builder nullable(String name, ColumnType type) {
      return column(Column.nullable(name, type));
    }

    /**
     * @param name a column name
     * @param type its type
     * @return this builder, with a required column appended
     */
    public Builder required(String name, ColumnType type) {
      return column(Column.required(name, type));
    }

    /**
     * @return the schema
     */
    public RowSchema build() {
      return new RowSchema(columns);
    }
  }
}
