package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.cql.StatementText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a schema change, waits until every node that is up has applied it, so the next statement finds the keyspace
 * or table on whichever coordinator it reaches.
 *
 * <p>The driver's own schema agreement compares the versions in the control node's {@code system.peers}, which
 * gossip fills: a control node that has not heard of a change made through another coordinator sees every node on
 * the old version and reports agreement at once. The driver then waited its schema debouncer (1 s by default) before
 * answering, which hid the race; with a short debouncer a three-node ring answered "table does not exist" to the
 * statement after a CREATE TABLE. This asks each node for its own {@code system.local.schema_version} until all are
 * equal: the coordinator has the change (it answered), so equal versions mean every node has it. One query on a
 * single node. Best effort, like the driver's: after {@code timeout} it logs and returns.
 */
public final class SchemaSettling {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaSettling.class);
  /** CQL that changes the schema (not roles, permissions or data): what a node must apply before it can serve it. */
  private static final Pattern SCHEMA_CHANGE = Pattern.compile(
      "(?is)\\s*(CREATE|ALTER|DROP)\\s+(OR\\s+REPLACE\\s+)?(KEYSPACE|SCHEMA|TABLE|COLUMNFAMILY|TYPE|INDEX|CUSTOM\\s+INDEX"
          + "|MATERIALIZED\\s+VIEW|FUNCTION|AGGREGATE|TRIGGER)\\b");
  private static final SimpleStatement LOCAL_VERSION =
      SimpleStatement.newInstance("SELECT schema_version FROM system.local WHERE key = 'local'");
  private static final Duration PAUSE = Duration.ofMillis(20);

  private SchemaSettling() {}

  /**
   * @param statement a statement
   * @return whether it changes the schema (by its text: simple and bound statements; never a batch)
   */
  public static boolean changesSchema(Statement<?> statement) {
    String cql = StatementText.of(statement);
    if (cql == null) {
      return false;
    }
    return SCHEMA_CHANGE.matcher(cql).lookingAt(); // the first words only: a long statement is not scanned
  }

  /**
   * Waits until every node that is up reports the coordinator's schema version.
   *
   * @param session the session the change went through
   * @param info the change's execution info (its coordinator)
   * @param timeout how long to wait at most
   */
  public static void await(CqlSession session, ExecutionInfo info, Duration timeout) {
    List<Node> nodes = upNodes(session);
    if (nodes.size() <= 1) {
      return; // one node: it answered the change, it has it
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<UUID> versions = versions(session, nodes, timeout);
      if (versions == null) {
        return; // a node that cannot say (not Apache Cassandra's system.local, or gone): nothing to wait on
      }
      if (versions.size() == 1) {
        return;
      }
      if (System.nanoTime() > deadline) {
        LOG.warn("the nodes did not agree on the schema within {} after a change through {}; going on",
            timeout, info.getCoordinator() == null ? "a node" : Endpoints.format(info.getCoordinator().getEndPoint()));
        return;
      }
      try {
        Thread.sleep(PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * @param session a session
   * @return the nodes the session's driver sees UP
   */
  public static List<Node> upNodes(CqlSession session) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : session.getMetadata().getNodes().values()) {
      if (n.getState() == NodeState.UP) {
        nodes.add(n);
      }
    }
    return nodes;
  }

  /**
   * The schema versions the nodes report, each asked for its own {@code system.local.schema_version}: one version
   * means they agree.
   *
   * @param session a session
   * @param nodes the nodes to ask
   * @param timeout how long each question may take
   * @return the distinct versions, or null when a node could not say (not Apache Cassandra's {@code system.local},
   *     gone, or too slow)
   */
  public static @Nullable Set<UUID> versions(CqlSession session, List<Node> nodes, Duration timeout) {
    Set<UUID> versions = new HashSet<>();
    for (Node n : nodes) {
      UUID v = version(session, n, timeout);
      if (v == null) {
        return null;
      }
      versions.add(v);
    }
    return versions;
  }

  private static @Nullable UUID version(CqlSession session, Node node, Duration timeout) {
    try {
      Row row = session.execute(LOCAL_VERSION.setNode(node).setTimeout(timeout)).one();
      return row == null ? null : row.getUuid(0);
    } catch (RuntimeException e) {
      LOG.debug("schema version of {}: {}", Endpoints.format(node.getEndPoint()), e.toString());
      return null;
    }
  }
}
