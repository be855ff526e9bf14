package io.delpha.sdk.cassandra;

import io.delpha.sdk.core.internal.TextTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A keyspace and everything in it.
 *
 * @param name its name
 * @param replication its replication options (e.g. {@code class}, {@code replication_factor})
 * @param durableWrites whether writes go through the commit log
 * @param tables its tables, by name
 * @param views its materialized views, by name
 * @param userTypes its user-defined types, by name
 */
public record KeyspaceDescription(String name, Map<String, String> replication, boolean durableWrites,
    List<TableDescription> tables, List<ViewDescription> views, List<UserTypeDescription> userTypes) {

  /** Copies the collections. */
  public KeyspaceDescription {
    replication = Map.copyOf(replication);
    tables = List.copyOf(tables);
    views = List.copyOf(views);
    userTypes = List.copyOf(userTypes);
  }

  /**
   * The keyspace's name, replication and counts, then its tables as a table ({@code core}'s one table rendering:
   * the first 10 tables with their numbers of columns and indexes, then how many more); {@link
   * DictionaryManager#ddl(String)} gives the whole keyspace.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("KeyspaceDescription ").append(name).append(" (replication ")
        .append(new TreeMap<>(replication)).append(durableWrites ? "" : ", durableWrites false").append("; ")
        .append(TextTable.count(tables.size(), "table")).append(", ").append(TextTable.count(views.size(), "view"))
        .append(", ").append(TextTable.count(userTypes.size(), "user type")).append(')');
    if (!tables.isEmpty()) {
      List<List<Object>> rows = tables.stream().limit(TextTable.MAX_ROWS)
          .map(t -> List.<Object>of(t.name(), t.columns().size(), t.indexes().size())).toList();
      out.append('\n').append(TextTable.render(List.of("table", "columns", "indexes"), rows));
    }
    if (tables.size() > TextTable.MAX_ROWS) {
      out.append("\n... ").append(TextTable.count(tables.size() - TextTable.MAX_ROWS, "more table"));
    }
    return out.toString();
  }
}
