package io.delpha.sdk.cassandra;

import java.util.List;
import java.util.Map;

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
}
