package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.internal.core.channel.DriverChannel;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CassandraManagerBuilder;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestListener;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TokenRangeCount;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node a file's ingest leans on most dies ({@code kill -9}) or hangs ({@code kill -STOP}) while files are
 * ingested: the node under the driver's control connection, which reads the schema every file is described with.
 * Three files are staged; the fault comes as the second one starts (from the ingestor's listener, on the ingest's
 * thread), just before its table is described, so that schema read and the writes of the second and third files run
 * through it. One pass must end with every file {@code PROCESSED} (none {@code INTERRUPTED} to wait for the next
 * pass), the control connection on another node, and every table equal to its file (exact token-range counts).
 */
@Tag("ring")
@DisplayName("the node under the control connection dies or hangs during a pass: every file processed in it")
class ControlNodeLossRingTest {

  private static final Logger LOG = LoggerFactory.getLogger(ControlNodeLossRingTest.class);
  static final int FILES = 3;
  /** Rows a file: a few seconds of writes each on the shared machine (about 7,000 rows/s). */
  static final int ROWS = 60_000;
  static final String KEYSPACE = "ring_failover";

  static CassandraRing ring;
  static CassandraManager cass;

  /** A fault applied to one node; it returns how to heal that node. */
  interface Fault {
    Runnable apply(int node);
  }

  @BeforeAll
  static void setUp() {
    ring = CassandraRing.shared();
    CassandraManagerBuilder b = CassandraManager.builder().localDatacenter(ring.localDatacenter());
    for (int i = 0; i < ring.size(); i++) {
      b.contactPoint(ring.node(i).host(), ring.port());
    }
    cass = b.build();
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + " WITH replication = "
        + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
  }

  @AfterAll
  static void tearDown() {
    cass.close();
  }

  @Test
  @DisplayName("kill -9 of the control connection's node as a file starts: every file PROCESSED in the first pass, exact")
  void killNine(@TempDir Path tmp) throws Exception {
    ingestThrough(tmp, "kill9", node -> {
      ring.node(node).kill();
      return () -> {
        ring.node(node).start();
        awaitUp(node);
      };
    });
  }

  @Test
  @DisplayName("kill -STOP of the control connection's node as a file starts: every file PROCESSED in the first pass, exact")
  void stop(@TempDir Path tmp) throws Exception {
    ingestThrough(tmp, "stop", node -> {
      long pid = ring.node(node).pid();
      ServerSupport.signal("STOP", pid);
      return () -> {
        ServerSupport.signal("CONT", pid);
        awaitUp(node);
      };
    });
  }

  void ingestThrough(Path tmp, String name, Fault fault) throws Exception {
    String customer = "ring-failover-" + name;
    for (int f = 0; f < FILES; f++) {
      cass.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + "." + table(name, f)
          + " (id bigint PRIMARY KEY, label text, v double)");
    }
    AtomicReference<Runnable> heal = new AtomicReference<>();
    AtomicInteger victim = new AtomicInteger(-1);
    AtomicInteger started = new AtomicInteger();
    // the fault comes as the second file starts, on the ingest's thread, just before the file's table is described
    // (its schema read, on the control connection): that read and the file's writes run through the fault
    IngestListener faultAtSecondFile = new IngestListener() {
      @Override
      public void onStart(String task) {
        if (started.incrementAndGet() == 2) {
          victim.set(controlNode());
          heal.set(fault.apply(victim.get()));
          LOG.info("FAILOVER {}: node {} (the control connection's) faulted as {} starts", name, victim.get(), task);
        }
      }
    };
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
        .staging(LocalObjectStore.at(tmp.resolve("staging"))).passwordIterations(1_000)
        .maxInFlight(128).listener(faultAtSecondFile).build()) {
      ingestor.registerCustomer(customer, "pw", KEYSPACE, IngestionConstraints.fromJson(
          "{\"formats\":[\".csv\"],\"number_files\":" + FILES + ",\"data_sizes\":16777216}"));
      Path in = Files.createDirectories(tmp.resolve("in"));
      for (int f = 0; f < FILES; f++) {
        RingTest.writeCsv(in.resolve(table(name, f) + ".csv"), 0, ROWS);
      }
      assertThat(ingestor.fetch(customer, "pw", in).accepted()).hasSize(FILES);

      CompletableFuture<IngestReport> pass = CompletableFuture.supplyAsync(ingestor::ingestPending);
      IngestReport report = pass.get(10, TimeUnit.MINUTES);
      String outcome = String.format(java.util.Locale.ROOT, "FAILOVER %s: node %d faulted as the second file started; the pass ended %s;"
          + " the control connection is now on node %d", name, victim.get(), report.files().stream().map(f -> f.fileName()
          + " " + f.status() + " " + f.elapsed().toMillis() + " ms" + (f.error() == null ? "" : " (" + f.error() + ")"))
          .toList(), controlNode());
      LOG.info(outcome);
      System.out.println(outcome);
      assertThat(report.files()).as("one pass: every file, none INTERRUPTED").hasSize(FILES)
          .allSatisfy(f -> assertThat(f.status()).as(f.fileName() + ": " + f.error())
              .isEqualTo(FileIngestion.Status.PROCESSED));
      assertThat(victim.get()).as("the fault came").isNotNegative();
      assertThat(controlNode()).as("the control connection moved to a live node").isNotEqualTo(victim.get());

      heal.getAndSet(null).run();
      for (int f = 0; f < FILES; f++) {
        assertThat(TokenRangeCount.exact(cass, KEYSPACE + "." + table(name, f), "id", 16))
            .as("every row of " + table(name, f) + ", once").isEqualTo(ROWS);
      }
      assertThat(cass.execute("SELECT label FROM " + KEYSPACE + "." + table(name, FILES - 1) + " WHERE id = 12345")
          .one().getString(0)).isEqualTo("r12345");
      assertThat(cass.execute("SELECT count(*) FROM " + ingestor.registryKeyspace()
          + ".ingest_metrics WHERE customer_id = ? AND status = 'PROCESSED' ALLOW FILTERING", customer).one()
          .getLong(0)).as("one PROCESSED metrics row a file").isEqualTo(FILES);
    } finally {
      Runnable left = heal.getAndSet(null);
      if (left != null) {
        left.run();
      }
    }
  }

  static String table(String name, int file) {
    return "readings_" + name + "_" + file;
  }

  /** The ring node the driver's control connection is on (the driver's internal API, as the library's own). */
  static int controlNode() {
    InternalDriverContext context = (InternalDriverContext) cass.session().getContext();
    DriverChannel channel = context.getControlConnection().channel();
    EndPoint endPoint = channel.getEndPoint();
    for (int i = 0; i < ring.size(); i++) {
      if (isNode(endPoint, i)) {
        return i;
      }
    }
    throw new AssertionError("the control connection is on " + endPoint + ", not a node of the ring");
  }

  /** Waits until the driver calls a node UP. */
  static void awaitUp(int node) {
    ring.awaitState(cass.session(), node, NodeState.UP, Duration.ofSeconds(120));
  }

  /** Whether an end point is a ring node's: a contact point's is unresolved, a peer's resolved. */
  static boolean isNode(EndPoint endPoint, int node) {
    InetSocketAddress address = (InetSocketAddress) endPoint.resolve();
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return ring.node(node).host().equals(host) && ring.port() == address.getPort();
  }
}
