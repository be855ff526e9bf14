package io.delpha.sdk.cassandra;

/**
 * The schema as documents: snapshots ({@link DataDictionary}, exported to JSON or Markdown), CQL DDL as
 * {@code cqlsh DESCRIBE} prints it, and the diff of a saved snapshot against the live cluster. A role of
 * {@link DictionaryManager}. Thread-safe.
 */
public interface DictionaryExporter {

  /**
   * @param keyspaces the keyspaces to export
   * @return a snapshot of them
   */
  DataDictionary export(String... keyspaces);

  /**
   * @return a snapshot of every user keyspace
   */
  DataDictionary exportCluster();

  /**
   * @param saved an earlier snapshot
   * @return the changes from {@code saved} to now
   */
  DictionaryDiff diffAgainst(DataDictionary saved);

  /**
   * @param keyspace a keyspace
   * @return its DDL and that of everything in it, as {@code cqlsh DESCRIBE KEYSPACE} prints it
   */
  String ddl(String keyspace);

  /**
   * @param keyspace a keyspace
   * @param table one of its tables
   * @return the table's DDL with its indexes, as {@code cqlsh DESCRIBE TABLE} prints it
   */
  String ddl(String keyspace, String table);
}
