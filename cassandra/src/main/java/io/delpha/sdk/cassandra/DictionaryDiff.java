package io.delpha.sdk.cassandra;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What changed between two data dictionaries ({@code before} to {@code after}): keyspaces, tables and
 * columns added or removed, and columns whose type or key role changed. Tables are named {@code
 * keyspace.table}.
 *
 * @param keyspacesAdded keyspaces only in {@code after}
 * @param keyspacesRemoved keyspaces only in {@code before}
 * @param tablesAdded tables only in {@code after}
 * @param tablesRemoved tables only in {@code before}
 * @param columnsAdded columns only in {@code after}
 * @param columnsRemoved columns only in {@code before}
 * @param columnsChanged columns in both whose type or kind differs
 */
public record DictionaryDiff(
    List<String> keyspacesAdded,
    List<String> keyspacesRemoved,
    List<String> tablesAdded,
    List<String> tablesRemoved,
    List<ColumnChange> columnsAdded,
    List<ColumnChange> columnsRemoved,
    List<ColumnChange> columnsChanged) {

  /** Copies the lists. */
  public DictionaryDiff {
    keyspacesAdded = List.copyOf(keyspacesAdded);
    keyspacesRemoved = List.copyOf(keyspacesRemoved);
    tablesAdded = List.copyOf(tablesAdded);
    tablesRemoved = List.copyOf(tablesRemoved);
    columnsAdded = List.copyOf(columnsAdded);
    columnsRemoved = List.copyOf(columnsRemoved);
    columnsChanged = List.copyOf(columnsChanged);
  }

  /**
   * @return whether nothing changed
   */
  public boolean isEmpty() {
    return keyspacesAdded.isEmpty() && keyspacesRemoved.isEmpty() && tablesAdded.isEmpty()
        && tablesRemoved.isEmpty() && columnsAdded.isEmpty() && columnsRemoved.isEmpty()
        && columnsChanged.isEmpty();
  }

  /**
   * One column's change.
   *
   * @param table the table, {@code keyspace.table}
   * @param column the column's name
   * @param before its type (and kind) before, or {@code null} if it was added
   * @param after its type (and kind) after, or {@code null} if it was removed
   */
  public record ColumnChange(String table, String column, @Nullable String before, @Nullable String after) {
    @Override
    public String toString() {
      return table + "." + column + ": " + (before == null ? "(none)" : before) + " -> "
          + (after == null ? "(none)" : after);
    }
  }

  @Override
  public String toString() {
    if (isEmpty()) {
      return "no changes";
    }
    StringBuilder b = new StringBuilder();
    line(b, "keyspaces added", keyspacesAdded);
    line(b, "keyspaces removed", keyspacesRemoved);
    line(b, "tables added", tablesAdded);
    line(b, "tables removed", tablesRemoved);
    line(b, "columns added", columnsAdded);
    line(b, "columns removed", columnsRemoved);
    line(b, "columns changed", columnsChanged);
    return b.toString().trim();
  }

  private static void line(StringBuilder b, String what, List<?> items) {
    if (!items.isEmpty()) {
      b.append(what).append(": ").append(items).append('\n');
    }
  }
}
