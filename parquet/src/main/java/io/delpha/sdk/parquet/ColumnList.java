package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a {@link RowSchema}: an unmodifiable list (equal to any list of the same columns in the same order)
 * that also holds each name's position, built once when the schema is made, so that a lookup by name costs a hash
 * lookup, not a scan of the names. Rejects {@code null} columns and duplicate names.
 *
 * <p>A caller reading rows by name asks with the same {@code String} objects row after row, most often literals,
 * which the JVM interns: a list of up to {@link #IDENTITY_LIMIT} columns keeps its names interned too, in a small
 * open-addressing table indexed by the name's (cached) hash, and compares references there before it looks in the
 * map, so that such a lookup costs about what a lookup by position costs: one probe, whatever the column's position
 * (the hash map lookup, then a scan of the names, were the largest single cost of reading rows by name, measured with
 * {@code bench/run-all.sh firstfiles}). Interned strings are collected like any other once unused.
 */
final class ColumnList extends AbstractList<Column> implements RandomAccess {

  /** Schemas of more columns skip the reference table (interning thousands of names would slow the schema's making). */
  static final int IDENTITY_LIMIT = 256;

  private final Column[] columns;
  private final Map<String, Integer> positions;
  /**
   * The interned names, each at the slot its hash picks (then the next free slot), for a list of up to {@link
   * #IDENTITY_LIMIT} columns; a single empty slot for a longer one.
   */
  private final @Nullable String[] slotNames;
  private final int[] slotPositions;
  private final int mask;

  private ColumnList(Column[] columns, Map<String, Integer> positions) {
    this.columns = columns;
    this.positions = positions;
    int slots = 1;
    while (columns.length <= IDENTITY_LIMIT && slots < 2 * columns.length) {
      slots <<= 1;
    }
    this.slotNames = new String[slots];
    this.slotPositions = new int[slots];
    this.mask = slots - 1;
    for (int i = 0; i < (columns.length <= IDENTITY_LIMIT ? columns.length : 0); i++) {
      String name = columns[i].name().intern();
      int s = name.hashCode() & mask;
      while (slotNames[s] != null) {
        s = (s + 1) & mask;
      }
      slotNames[s] = name;
      slotPositions[s] = i;
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
    @Nullable String[] names = slotNames;
    int s = name.hashCode() & mask;
    for (String n = names[s]; n != null; n = names[s]) {
      if (n == name) {
        return slotPositions[s];
      }
      s = (s + 1) & mask;
    }
    return mapped(name);
  }

  /** The position of a name not found by reference (not interned, or a long schema), or -1: apart, as cold code. */
  private int mapped(String name) {
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
