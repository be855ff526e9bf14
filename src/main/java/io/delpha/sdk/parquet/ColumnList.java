package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The columns of a {@link RowSchema}: an unmodifiable list (equal to any list of the same columns in the same order)
 * that also holds each name's position, built once when the schema is made, so that a lookup by name costs a hash
 * lookup, not a scan of the names. Rejects {@code null} columns and duplicate names.
 *
 * <p>A caller reading rows by name asks with the same {@code String} objects row after row, most often literals,
 * which the JVM interns: a list of up to {@link #IDENTITY_SCAN_LIMIT} columns keeps its names interned too, and
 * compares references before it hashes anything, so that such a lookup costs about what a lookup by position costs
 * (the hash lookup was the largest single cost of reading rows by name, measured with {@code bench/run-all.sh
 * firstfiles}). Interned strings are collected like any other once unused.
 */
final class ColumnList extends AbstractList<Column> implements RandomAccess {

  /** Schemas of more columns skip the reference comparison (a scan of the names would cost more than a hash). */
  static final int IDENTITY_SCAN_LIMIT = 16;

  private final Column[] columns;
  private final Map<String, Integer> positions;
  /** The names, interned, for a list of up to {@link #IDENTITY_SCAN_LIMIT} columns; empty for a longer one. */
  private final String[] interned;

  private ColumnList(Column[] columns, Map<String, Integer> positions) {
    this.columns = columns;
    this.positions = positions;
    this.interned = new String[columns.length <= IDENTITY_SCAN_LIMIT ? columns.length : 0];
    for (int i = 0; i < interned.length; i++) {
      interned[i] = columns[i].name().intern();
    }
  }

  /**
   * @param columns the columns, in order
   * @return them as a column list (the same one if it is already)
   * @throws NullPointerException if a column is {@code null}
   * @throws InvalidInputException if two columns have the same name
   */
  static ColumnList of(List<Column> columns) {
    if (columns instanceof ColumnList list) {
      return list;
    }
    Column[] copy = List.copyOf(columns).toArray(new Column[0]);
    Map<String, Integer> positions = new HashMap<>(Math.max(4, copy.length * 2));
    for (int i = 0; i < copy.length; i++) {
      if (positions.put(copy[i].name(), i) != null) {
        throw new InvalidInputException("duplicate column name: " + copy[i].name());
      }
    }
    return new ColumnList(copy, positions);
  }

  /**
   * @param name a column name
   * @return its position, or -1 if no column has it
   */
  int position(String name) {
    String[] names = interned;
    for (int i = 0; i < names.length; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    Integer i = positions.get(name);
    return i == null ? -1 : i;
  }

  @Override
  public Column get(int index) {
    return columns[index];
  }

  @Override
  public int size() {
    return columns.length;
  }
}
