package io.delpha.sdk.cassandra;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A materialized view.
 *
 * @param keyspace its keyspace
 * @param name its name
 * @param baseTable the table it derives from
 * @param whereClause its {@code WHERE} clause, or {@code null}
 * @param columns its columns, primary key first
 */
public record ViewDescription(String keyspace, String name, String baseTable, @Nullable String whereClause,
    List<ColumnDescription> columns) {

  /** Copies the column list. */
  public ViewDescription {
    columns = List.copyOf(columns);
  }
}
