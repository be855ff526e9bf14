package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.ClusterView;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraRing;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token-aware routing shown, not assumed: during an ingest into a keyspace with one replica per
 * partition, every row write goes to the one node that owns its partition, and the load spreads over the
 * ring. The driver's own request tracker reports which node coordinated each request.
 */
@Tag("ring")
@DisplayName("token-aware routing on the ring")
class TokenAwareRoutingTest {

  private static final Logger LOG = LoggerFactory.getLogger(TokenAwareRoutingTest.class);

  /** The coordinator of each row write, and whether it owned the row's partition. */
  static final class Routing implements RequestTracker {
    final Map<Node, AtomicLong> perNode = new ConcurrentHashMap<>();
    final AtomicLong toReplica = new AtomicLong();
    final AtomicLong elsewhere = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    /** Per replica set (the nodes owning a partition), how many batches and how many rows went to it. */
    final Map<Set<Node>, AtomicLong> batchesPerReplicas = new ConcurrentHashMap<>();
    final Map<Set<Node>, AtomicLong> rowsPerReplicas = new ConcurrentHashMap<>();
    volatile CqlSession session;
    volatile String keyspace = "ring_routing";

    @Override
    public void onNodeSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
        String logPrefix) {
      if (!(request instanceof Statement<?> s) || !keyspace.equals(keyspace(s))) {
        return; // schema, registry and lease statements are not what this test counts
      }
      List<Statement<?>> rows = new ArrayList<>();
      if (s instanceof BatchStatement batch) {
        batch.forEach(rows::add);
        batches.incrementAndGet();
      } else if (s.getRoutingKey() != null) {
        rows.add(s);
      }
      TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
      for (Statement<?> row : rows) {
        perNode.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
        Set<Node> replicas = tokens.getReplicas(keyspace, row.getRoutingKey());
        (replicas.contains(node) ? toReplica : elsewhere).incrementAndGet();
        rowsPerReplicas.computeIfAbsent(replicas, r -> new AtomicLong()).incrementAndGet();
      }
      if (s instanceof BatchStatement && !rows.isEmpty()) {
        batchesPerReplicas.computeIfAbsent(tokens.getReplicas(keyspace, rows.get(0).getRoutingKey()),
            r -> new AtomicLong()).incrementAndGet();
      }
    }

    private static String keyspace(Statement<?> s) {
      if (s instanceof BatchStatement batch && batch.size() > 0) {
        return keyspace(batch.iterator().next());
      }
      return s.getRoutingKeyspace() == null ? null : s.getRoutingKeyspace().asInternal();
    }

    @Override
    public void close() {}
  }

  @Test
  @DisplayName("every row of an ingest is written through a replica of its partition, and all three nodes coordinate")
  void rowsGoToTheirReplicas(@TempDir Path tmp) throws Exception {
    CassandraRing ring = CassandraRing.shared();
    Routing routing = new Routing();
    try (CqlSession session = CqlSession.builder()
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20)).build())
        .addContactPoint(new InetSocketAddress(ring.node(0).host(), ring.port()))
        .withLocalDatacenter(ring.localDatacenter()).addRequestTracker(routing).build()) {
      routing.session = session;
      session.execute("CREATE KEYSPACE IF NOT EXISTS ring_routing WITH replication = "
          + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
      session.execute("CREATE TABLE IF NOT EXISTS ring_routing.events (id bigint PRIMARY KEY, label text)");
      session.refreshSchema();
      int rows = 9_000;
      // the library over a plain driver session, as a host that builds its own session gives it
      try (CassandraManager cass = CassandraManager.wrap(session, false);
          BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
          .staging(LocalObjectStore.at(tmp.resolve("staging")))
          .registry("ring_routing_registry", "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}")
          .passwordIterations(1_000).build()) {
        ingestor.registerCustomer("router", "router-password", "ring_routing",
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":1048576}"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        StringBuilder csv = new StringBuilder("id,label\n");
        for (int i = 0; i < rows; i++) {
          csv.append(i).append(",e").append(i).append('\n');
        }
        Files.writeString(in.resolve("events.csv"), csv);
        ingestor.fetch("router", "router-password", in);
        assertThat(ingestor.ingestPending().files()).singleElement()
            .satisfies(f -> assertThat(f.status()).isEqualTo(FileIngestion.Status.PROCESSED));
      }
      long counted = routing.toReplica.get() + routing.elsewhere.get();
      assertThat(counted).as("every row write was seen, alone or inside a batch").isEqualTo(rows);
      assertThat(routing.batches.get()).as("rows of one owner went as batches").isPositive();
      assertThat(routing.elsewhere.get()).as("writes coordinated by a node that does not own the row").isZero();
      assertThat(routing.perNode).hasSize(3);
      routing.perNode.values().forEach(n -> assertThat(n.get()).as("each node owns about a third of the tokens")
          .isGreaterThan(rows / 6));
      LOG.info("row writes per coordinator: {}, in {} batches", routing.perNode, routing.batches.get());
    }
  }

  /**
   * A host's executor that wraps the manager (here: counting statements, as a logging or tracing decorator would)
   * on {@link CqlExecutorWrapper}, which forwards the role's optional parts: {@code schema()}, {@code cluster()} and
   * {@code prepareUncached}. {@code forward = false} is a decorator that overrides the last two with the role's
   * defaults, as one written by hand that forgot them would behave.
   */
  static final class Decorator extends CqlExecutorWrapper {
    final boolean forward;
    final AtomicLong seen = new AtomicLong();

    Decorator(CqlExecutor inner, boolean forward) {
      super(inner);
      this.forward = forward;
    }

    @Override
    public ResultSet execute(Statement<?> statement) {
      seen.incrementAndGet();
      return super.execute(statement);
    }

    @Override
    public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
      seen.incrementAndGet();
      return super.executeAsync(statement);
    }

    @Override
    public ClusterView cluster() {
      return forward ? super.cluster() : ClusterView.UNKNOWN;
    }

    @Override
    public PreparedStatement prepareUncached(String cql) {
      return forward ? super.prepareUncached(cql) : prepare(cql);
    }
  }

  /** Ingests {@code rows} rows into {@code keyspace}.events through {@code cql}; the routing counts them. */
  private static void ingest(Path tmp, CqlSession session, CqlExecutor cql, String keyspace, int rows) throws Exception {
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
        + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 2}");
    session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".events (id bigint PRIMARY KEY, label text)");
    session.refreshSchema();
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cql)
        .staging(LocalObjectStore.at(tmp.resolve(keyspace + "-staging")))
        .registry(keyspace + "_registry", "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}")
        .passwordIterations(1_000).build()) {
      ingestor.registerCustomer("router", "router-password", keyspace,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":1048576}"));
      Path in = Files.createDirectories(tmp.resolve(keyspace + "-in"));
      StringBuilder csv = new StringBuilder("id,label\n");
      for (int i = 0; i < rows; i++) {
        csv.append(i).append(",e").append(i).append('\n');
      }
      Files.writeString(in.resolve("events.csv"), csv);
      ingestor.fetch("router", "router-password", in);
      assertThat(ingestor.ingestPending().files()).singleElement()
          .satisfies(f -> assertThat(f.status()).isEqualTo(FileIngestion.Status.PROCESSED));
    }
  }

  private static Map<Set<Node>, Long> counts(Map<Set<Node>, AtomicLong> m) {
    Map<Set<Node>, Long> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Test
  @DisplayName("a host's decorating executor ingests with the same batches, per replica set, as the manager itself")
  void decoratedExecutorKeepsTokenAwareBatches(@TempDir Path tmp) throws Exception {
    CassandraRing ring = CassandraRing.shared();
    int rows = 6_000;
    Map<String, Routing> seen = new java.util.LinkedHashMap<>();
    for (String way : List.of("manager", "decorator", "forgetful")) {
      Routing routing = new Routing();
      routing.keyspace = "ring_deco_" + way;
      try (CqlSession session = CqlSession.builder()
          .withConfigLoader(DriverConfigLoader.programmaticBuilder()
              .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20)).build())
          .addContactPoint(new InetSocketAddress(ring.node(0).host(), ring.port()))
          .withLocalDatacenter(ring.localDatacenter()).addRequestTracker(routing).build();
          CassandraManager cass = CassandraManager.wrap(session, false)) {
        routing.session = session;
        CqlExecutor cql = switch (way) {
          case "manager" -> cass;
          case "decorator" -> new Decorator(cass, true);
          default -> new Decorator(cass, false);
        };
        ingest(tmp, session, cql, routing.keyspace, rows);
        if (cql instanceof Decorator d) {
          assertThat(d.seen.get()).as("the ingest ran through the decorator").isPositive();
        }
      }
      assertThat(routing.toReplica.get() + routing.elsewhere.get()).as(way + ": every row seen").isEqualTo(rows);
      seen.put(way, routing);
      LOG.info("{}: {} batches; rows per replica set {}; batches per replica set {}", way, routing.batches.get(),
          counts(routing.rowsPerReplicas).values(), counts(routing.batchesPerReplicas).values());
    }
    Routing manager = seen.get("manager");
    Routing decorator = seen.get("decorator");
    // replica sets are compared by their nodes' addresses: each keyspace has the same ring and replication
    assertThat(byAddress(decorator.batchesPerReplicas)).as("batches per replica set, decorator vs manager")
        .isEqualTo(byAddress(manager.batchesPerReplicas));
    assertThat(byAddress(decorator.rowsPerReplicas)).isEqualTo(byAddress(manager.rowsPerReplicas));
    assertThat(manager.batches.get()).isPositive();
    assertThat(decorator.elsewhere.get()).as("rows coordinated by a node that does not own them").isZero();
    // the control: a decorator that does not forward cluster() loses the ring, and its rows go one by one
    assertThat(seen.get("forgetful").batches.get()).as("a decorator forgetting cluster() writes no batch").isZero();
  }

  private static Map<Set<String>, Long> byAddress(Map<Set<Node>, AtomicLong> m) {
    Map<Set<String>, Long> out = new java.util.HashMap<>();
    m.forEach((nodes, n) -> out.put(nodes.stream().map(x -> String.valueOf(x.getEndPoint()))
        .collect(java.util.stream.Collectors.toSet()), n.get()));
    return out;
  }
}
