package io.delpha.sdk.cassandra;

import java.util.Set;

/** Keyspace names every component agrees on, written once. */
public final class CassandraKeyspaces {

  /** The keyspaces Cassandra itself owns (4.x and 5.0), never user data. */
  public static final Set<String> SYSTEM = Set.of("system", "system_schema", "system_auth", "system_distributed",
      "system_traces", "system_views", "system_virtual_schema", "system_cluster_metadata");

  private CassandraKeyspaces() {}

  /**
   * The replication the library's own keyspaces (key store, ingest registry) get by default: {@code
   * NetworkTopologyStrategy} in the data center of the node answering, with min(3, nodes there) replicas,
   * read from {@code system.local} and {@code system.peers_v2} ({@code system.peers} before Cassandra 4).
   * With the library's {@code LOCAL_QUORUM} default, such a keyspace keeps answering with one node of
   * three down; a single-node cluster gets one replica.
   *
   * @param cql a connection allowed to read the system tables
   * @return the replication map, in CQL
   */
  public static String survivingReplication(CqlExecutor cql) {
    com.datastax.oss.driver.api.core.cql.Row local = cql.execute("SELECT data_center FROM system.local").one();
    String dc = local == null ? null : local.getString(0);
    if (dc == null) {
      throw new io.delpha.sdk.core.ServiceUnavailableException("the node answered no data center in system.local");
    }
    int nodes = 1;
    Iterable<com.datastax.oss.driver.api.core.cql.Row> peers;
    try {
      peers = cql.execute("SELECT data_center FROM system.peers_v2");
    } catch (io.delpha.sdk.core.InvalidInputException | io.delpha.sdk.core.NotFoundException olderCassandra) {
      peers = cql.execute("SELECT data_center FROM system.peers");
    }
    for (var peer : peers) {
      if (dc.equals(peer.getString(0))) {
        nodes++;
      }
    }
    return "{'class': 'NetworkTopologyStrategy', '" + dc.replace("'", "''") + "': " + Math.min(3, nodes) + "}";
  }

  /**
   * @param keyspace a keyspace name (internal form)
   * @return whether Cassandra owns it: a name of {@link #SYSTEM} or any {@code system_} name
   */
  public static boolean isSystem(String keyspace) {
    return SYSTEM.contains(keyspace) || keyspace.startsWith("system_");
  }
}
