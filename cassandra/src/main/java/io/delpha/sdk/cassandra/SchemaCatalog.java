package io.delpha.sdk.cassandra;

import java.util.List;

/**
 * What a cluster's schema holds, as values: keyspaces, tables, views, user types and indexes. A role of
 * {@link DictionaryManager}; depend on it where only reading the schema is needed.
 *
 * <p>Every call reads the schema afresh. Unknown names are {@link io.delpha.sdk.core.NotFoundException}s
 * that list the nearest existing names. Thread-safe.
 */
public interface SchemaCatalog {

  /**
   * @param includeSystem whether Cassandra's own keyspaces ({@link CassandraKeyspaces#SYSTEM}) are listed too
   * @return the keyspaces, sorted
   */
  List<String> listKeyspaces(boolean includeSystem);

  /**
   * @param keyspace a keyspace
   * @return the keyspace with everything in it
   */
  KeyspaceDescription describeKeyspace(String keyspace);

  /**
   * @param keyspace a keyspace
   * @param table one of its tables
   * @return the table's description
   */
  TableDescription describeTable(String keyspace, String table);

  /**
   * @return the user keyspaces, sorted
   */
  default List<String> listKeyspaces() {
    return listKeyspaces(false);
  }

  /**
   * @param keyspace a keyspace
   * @return its tables (not views), sorted
   */
  default List<String> listTables(String keyspace) {
    return describeKeyspace(keyspace).tables().stream().map(TableDescription::name).sorted().toList();
  }

  /**
   * @param keyspace a keyspace
   * @return its materialized views
   */
  default List<ViewDescription> listViews(String keyspace) {
    return describeKeyspace(keyspace).views();
  }

  /**
   * @param keyspace a keyspace
   * @return its user-defined types
   */
  default List<UserTypeDescription> listUserTypes(String keyspace) {
    return describeKeyspace(keyspace).userTypes();
  }

  /**
   * @param keyspace a keyspace
   * @return the secondary indexes of all its tables
   */
  default List<IndexDescription> listIndexes(String keyspace) {
    return describeKeyspace(keyspace).tables().stream().flatMap(t -> t.indexes().stream()).toList();
  }
}
