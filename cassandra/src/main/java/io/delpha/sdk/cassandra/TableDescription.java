package io.delpha.sdk.cassandra;

import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.internal.TextTable;
import java.util.List;

/**
 * A table, as the data dictionary describes it.
 *
 * <pre>{@code
 * TableDescription t = dict.describeTable("delpha_actions", "actions_conv_by_user");
 * for (ColumnDescription c : t.columns()) System.out.println(c.name() + " " + c.type() + " " + c.kind());
 * }</pre>
 *
 * @param keyspace its keyspace
 * @param name its name
 * @param columns every column: partition key first, then clustering columns, then the others by name
 * @param indexes its secondary indexes
 */
public record TableDescription(String keyspace, String name, List<ColumnDescription> columns,
    List<IndexDescription> indexes) {

  /** Copies the lists. */
  public TableDescription {
    columns = List.copyOf(columns);
    indexes = List.copyOf(indexes);
  }

  /**
   * @return the partition key columns, in key order
   */
  public List<ColumnDescription> partitionKey() {
    return columns.stream().filter(c -> c.kind() == ColumnKind.PARTITION_KEY).toList();
  }

  /**
   * @return the clustering columns, in key order
   */
  public List<ColumnDescription> clusteringColumns() {
    return columns.stream().filter(c -> c.kind() == ColumnKind.CLUSTERING).toList();
  }

  /**
   * @param column a column name
   * @return its description
   * @throws NotFoundException if the table has no such column
   */
  public ColumnDescription column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst()
        .orElseThrow(() -> new NotFoundException("table " + keyspace + "." + name + " has no column '" + column
            + "'; columns are " + columns.stream().map(ColumnDescription::name).toList()));
  }

  /**
   * The table's name and counts, then its columns as a table ({@code core}'s one table rendering: the first 10
   * columns, then how many more).
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("TableDescription ").append(keyspace).append('.').append(name)
        .append(" (").append(TextTable.count(columns.size(), "column")).append(", ")
        .append(TextTable.count(indexes.size(), "index", "indexes")).append(')');
    if (!columns.isEmpty()) {
      List<List<String>> rows = columns.stream().limit(TextTable.MAX_ROWS).map(c -> List.of(c.name(), c.type(),
          c.kind().name(), c.clusteringOrder() == null ? "" : c.clusteringOrder())).toList();
      out.append('\n').append(TextTable.render(List.of("column", "type", "kind", "order"), rows));
    }
    if (columns.size() > TextTable.MAX_ROWS) {
      out.append("\n... ").append(TextTable.count(columns.size() - TextTable.MAX_ROWS, "more column"));
    }
    return out.toString();
  }
}
