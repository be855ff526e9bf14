package io.delpha.sdk.cassandra;

import io.delpha.sdk.core.NotFoundException;
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
}
