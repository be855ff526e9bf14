package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.delpha.sdk.cassandra.CassandraKeyspaces;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a prepared statement stays inside a set of keyspaces, from what Cassandra reported
 * when preparing it: the keyspace of every bound variable and every result column. No CQL text is
 * parsed. A statement that reports no keyspace at all (DDL, {@code USE}, role statements, writes without
 * bind markers) cannot be placed, so it is refused.
 */
public final class KeyspaceGuard {

  private KeyspaceGuard() {}

  /**
   * @param keyspace a keyspace name (internal form)
   * @return whether it is one of Cassandra's own
   */
  public static boolean isSystem(String keyspace) {
    return CassandraKeyspaces.isSystem(keyspace);
  }

  /**
   * @param prepared what Cassandra prepared
   * @param allowed the keyspaces the caller may reach
   * @param forbidden a keyspace never reachable (the security keyspace)
   * @return why the statement is refused, or empty if it may run
   */
  public static Optional<String> refusal(PreparedStatement prepared, Set<String> allowed, String forbidden) {
    Set<String> touched = keyspacesOf(prepared);
    if (touched.isEmpty()) {
      return Optional.of("its keyspaces cannot be established from the prepared metadata (no bind variables "
          + "and no result columns: DDL, USE, a role or schema statement, or a write without bind markers)");
    }
    Set<String> outside = new TreeSet<>();
    for (String ks : touched) {
      if (isSystem(ks) || ks.equals(forbidden) || !allowed.contains(ks)) {
        outside.add(ks);
      }
    }
    if (!outside.isEmpty()) {
      return Optional.of("it touches keyspace(s) " + outside + " outside the organisation's " + new TreeSet<>(allowed));
    }
    return Optional.empty();
  }

  /**
   * @param prepared what Cassandra prepared
   * @return every keyspace its variables and result columns belong to
   */
  public static Set<String> keyspacesOf(PreparedStatement prepared) {
    Set<String> touched = new TreeSet<>();
    for (ColumnDefinition d : prepared.getVariableDefinitions()) {
      add(touched, d.getKeyspace());
    }
    for (ColumnDefinition d : prepared.getResultSetDefinitions()) {
      add(touched, d.getKeyspace());
    }
    return touched;
  }

  private static void add(Set<String> into, CqlIdentifier keyspace) {
    // a column whose keyspace is not reported is one we cannot place: record it so it is refused
    into.add(keyspace == null ? "<unknown>" : keyspace.asInternal());
  }
}
