package io.delpha.sdk.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.delpha.sdk.cassandra.internal.SchemaSettling;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ring of real Cassandra 5.0 nodes on one machine: node {@code i} (0-based) listens on {@code
 * 127.0.0.(i+1)} with the same CQL and storage ports as the others (Linux routes all of 127/8 to
 * loopback), one token each, spread evenly, the first node the seed. A fresh ring needs no bootstrap:
 * the first node starts, then the others together (about 26 s for three here).
 *
 * <pre>{@code
 * CassandraRing ring = CassandraRing.shared();            // three nodes, once per JVM
 * CassandraManager cass = CassandraManager.builder()
 *     .contactPoint(ring.node(0).host(), ring.port()).localDatacenter(ring.localDatacenter()).build();
 * ring.node(2).kill();                                    // kill -9, as a crash
 * ring.awaitState(cass.session(), 2, NodeState.DOWN);   // once the driver has seen it
 * ring.node(2).start();                                   // same address, same data
 * }</pre>
 *
 * <p>Each node is a {@link CassandraServer} (PLAIN variant) with its own {@link CassandraServer#stop()},
 * {@link CassandraServer#kill()} and {@link CassandraServer#start()}. Logs: {@code
 * target/test-servers/cassandra-ring-*}.
 */
public final class CassandraRing implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraRing.class);
  private static CassandraRing shared;

  private final List<CassandraServer> nodes;
  private final int port;

  private CassandraRing(List<CassandraServer> nodes, int port) {
    this.nodes = List.copyOf(nodes);
    this.port = port;
  }

  /**
   * @return the three-node ring shared by every test of this JVM, started on first use
   */
  public static synchronized CassandraRing shared() {
    if (shared == null) {
      shared = startNew(3);
    }
    return shared;
  }

  /**
   * @param size the number of nodes, 1 to 9
   * @return a new ring, every node up; stopped at JVM exit
   */
  public static CassandraRing startNew(int size) {
    if (size < 1 || size > 9) {
      throw new IllegalArgumentException("a ring of 1 to 9 nodes, not " + size);
    }
    String name = "cassandra-ring-" + UUID.randomUUID().toString().substring(0, 8);
    int port = ServerSupport.freePort();
    int storagePort;
    do {
      storagePort = ServerSupport.freePort();
    } while (storagePort == port);
    List<CassandraServer> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      CassandraServer node = new CassandraServer(CassandraServer.Variant.PLAIN,
          ServerSupport.workDir(name + "-node" + (i + 1)), "127.0.0." + (i + 1), port, storagePort, token(i, size),
          "127.0.0.1");
      node.prepare();
      nodes.add(node);
    }
    CassandraRing ring = new CassandraRing(nodes, port);
    Runtime.getRuntime().addShutdownHook(new Thread(ring::close, "cassandra-ring-stop"));
    long t0 = System.nanoTime();
    nodes.get(0).start();
    List<CompletableFuture<Void>> others = new ArrayList<>();
    for (CassandraServer node : nodes.subList(1, nodes.size())) {
      others.add(CompletableFuture.runAsync(node::start));
    }
    others.forEach(CompletableFuture::join);
    ring.awaitPeers();
    LOG.info("Cassandra ring of {} nodes up on 127.0.0.1-{}:{} in {} ms", size, size, port,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return ring;
  }

  /** Murmur3 tokens spread evenly over the ring, starting at its minimum. */
  static String token(int index, int size) {
    BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
    BigInteger span = BigInteger.ONE.shiftLeft(64);
    return min.add(span.multiply(BigInteger.valueOf(index)).divide(BigInteger.valueOf(size))).toString();
  }

  /** Waits until the first node sees every other node as a peer (gossip settled). */
  private void awaitPeers() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (CqlSession s = session(0)) {
      while (System.nanoTime() < deadline) {
        long peers = s.execute("SELECT peer FROM system.peers_v2").all().size();
        if (peers == nodes.size() - 1) {
          return;
        }
        ServerSupport.sleep(Duration.ofMillis(500));
      }
    }
    throw new IllegalStateException("the ring's nodes did not all see each other in 120 s; see " + nodes.get(0).logDir());
  }

  private CqlSession session(int node) {
    return CqlSession.builder().addContactPoint(new InetSocketAddress(nodes.get(node).host(), port))
        .withLocalDatacenter(localDatacenter()).build();
  }

  /**
   * @param index 0-based
   * @return that node, to stop, kill or restart
   */
  public CassandraServer node(int index) {
    return nodes.get(index);
  }

  /**
   * @return the number of nodes
   */
  public int size() {
    return nodes.size();
  }

  /**
   * @return the CQL port, the same on every node's address
   */
  public int port() {
    return port;
  }

  /**
   * @return the ring's data center
   */
  public String localDatacenter() {
    return "datacenter1";
  }

  /**
   * Waits until a driver session sees a node in a state: after {@link CassandraServer#kill()} the
   * driver needs a moment (a closed connection, a failed reconnection) to call the node DOWN, and after a
   * restart to call it UP again. Waiting for UP also waits until the node can coordinate (its schema is every live
   * node's and every table of it answers a read the node coordinates), so the statement after it may reach any node.
   *
   * @param session the driver session whose view counts
   * @param index the node, 0-based
   * @param state the state to wait for
   * @param timeout how long at most
   */
  public void awaitState(CqlSession session, int index, NodeState state, Duration timeout) {
    InetSocketAddress address = new InetSocketAddress(nodes.get(index).host(), port);
    long deadline = System.nanoTime() + timeout.toNanos();
    ServerSupport.await("node " + address + " " + state + " in the driver's view", timeout,
        () -> session.getMetadata().getNodes().values().stream()
            .anyMatch(n -> sameEndPoint(n.getEndPoint().resolve(), address) && n.getState() == state));
    if (state == NodeState.UP) {
      Node node = session.getMetadata().getNodes().values().stream()
          .filter(n -> sameEndPoint(n.getEndPoint().resolve(), address)).findFirst().orElseThrow();
      Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(30)));
      ServerSupport.await("node " + address + " serving every table it knows", left, () -> settled(session, node));
    }
  }

  /**
   * Whether a node that came back can coordinate: its schema version is every live node's, and a read it
   * coordinates finds every table of that schema. A node restarted after {@code kill -9} may, for a while after the
   * driver calls it UP, know a table's definition without having opened its store: a read, and a schema change, it
   * coordinates then fails with {@code Unknown CF <id>} (CI runs of the ring failed that way, a test's read and a
   * test's {@code CREATE KEYSPACE} right after a restart). Other failures of the probe (a replica down) do not count.
   */
  private static boolean settled(CqlSession session, Node node) {
    try {
      Set<UUID> versions = SchemaSettling.versions(session, SchemaSettling.upNodes(session), Duration.ofSeconds(5));
      if (versions == null || versions.size() != 1) {
        return false;
      }
      for (Row t : session.execute(SimpleStatement.newInstance(
          "SELECT keyspace_name, table_name FROM system_schema.tables").setNode(node))) {
        String ks = t.getString(0);
        if (ks.startsWith("system")) {
          continue;
        }
        String table = "\"" + ks + "\".\"" + t.getString(1) + "\"";
        try {
          session.execute(SimpleStatement.newInstance("SELECT * FROM " + table + " LIMIT 1")
              .setConsistencyLevel(DefaultConsistencyLevel.ONE).setNode(node));
        } catch (RuntimeException e) {
          if (unknownTable(e)) {
            LOG.info("node {} does not serve {}.{} yet: {}", node.getEndPoint(), ks, t.getString(1), e.getMessage());
            return false;
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      LOG.debug("node {} not settled: {}", node.getEndPoint(), e.toString());
      return false;
    }
  }

  private static boolean unknownTable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("Unknown CF")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the driver's end point is the node's address: by port and by IP, or by host name where one is unresolved
   * (a contact point's end point may be, and {@link InetSocketAddress#equals} never matches it with a resolved one).
   */
  static boolean sameEndPoint(java.net.SocketAddress endPoint, InetSocketAddress node) {
    if (!(endPoint instanceof InetSocketAddress e) || e.getPort() != node.getPort()) {
      return false;
    }
    if (e.getAddress() != null && node.getAddress() != null) {
      return e.getAddress().equals(node.getAddress());
    }
    return e.getHostString().equals(node.getHostString());
  }

  /** Stops every node. */
  @Override
  public void close() {
    for (CassandraServer node : nodes) {
      node.stop();
    }
  }
}
