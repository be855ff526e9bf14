package io.delpha.sdk.cassandra;

import java.util.Set;

/** Keyspace names every component agrees on, written once. */
public final class CassandraKeyspaces {

  /** The keyspaces Cassandra itself owns (4.x and 5.0), never user data. */
  public static final Set<String> SYSTEM = Set.of("system", "system_schema", "system_auth", "system_distributed",
      "system_traces", "system_views", "system_virtual_schema", "system_cluster_metadata");

  private CassandraKeyspaces() {}

  /**
   * @param keyspace a keyspace name (internal form)
   * @return whether Cassandra owns it: a name of {@link #SYSTEM} or any {@code system_} name
   */
  public static boolean isSystem(String keyspace) {
    return SYSTEM.contains(keyspace) || keyspace.startsWith("system_");
  }
}
