package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.security.ScopedSession;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.MutableClock;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TokenRangeCount;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library on a real three-node ring (127.0.0.1-3): what survives a node killed with kill -9, and what
 * holds when three coordinators race. Run by {@code mvn -Pring verify} (CI runs it after the main suite).
 */
@Tag("ring")
@DisplayName("a three-node Cassandra ring")
class RingTest {

  static CassandraRing ring;
  static List<CassandraManager> coordinators = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    ring = CassandraRing.shared();
    for (int i = 0; i < ring.size(); i++) {
      coordinators.add(connect(i));
    }
  }

  @AfterAll
  static void tearDown() {
    coordinators.forEach(CassandraManager::close);
  }

  static CassandraManager connect(int node) {
    return CassandraManager.builder().contactPoint(ring.node(node).host(), ring.port())
        .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build();
  }

  @Test
  @DisplayName("a file ingested while a node is killed mid-file equals the file, and ingestion goes on with the node down")
  void ingestSurvivesANodeKilledMidFile(@TempDir Path tmp) throws Exception {
    CassandraManager cass = coordinators.get(0);
    cass.execute("CREATE KEYSPACE IF NOT EXISTS ring_customer WITH replication = "
        + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
    cass.execute("CREATE TABLE IF NOT EXISTS ring_customer.readings (id bigint PRIMARY KEY, label text, v double)");
    int rows = 60_000;
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
        .staging(LocalObjectStore.at(tmp.resolve("staging"))).passwordIterations(1_000).build()) {
      assertThat(cass.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'delpha_ingest'")
          .one().getMap(0, String.class, String.class))
          .as("the library's keyspace survives a node loss").containsEntry("datacenter1", "3");
      ingestor.registerCustomer("ring-customer", "ring-password", "ring_customer",
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":2,\"data_sizes\":1048576}"));
      Path in = Files.createDirectories(tmp.resolve("in"));
      writeCsv(in.resolve("readings.csv"), 0, rows);
      FetchReport up = ingestor.fetch("ring-customer", "ring-password", in);
      assertThat(up.accepted()).hasSize(1);

      CompletableFuture<IngestReport> first = CompletableFuture.supplyAsync(ingestor::ingestPending);
      // kill the third node once rows are flowing
      ServerSupport.await("the first rows of readings.csv in ring_customer.readings", Duration.ofSeconds(120),
          () -> cass.execute("SELECT id FROM ring_customer.readings LIMIT 1").one() != null);
      ring.node(2).kill();
      ring.awaitState(cass.session(), 2, NodeState.DOWN, Duration.ofSeconds(60));
      List<FileIngestion> outcomes = new ArrayList<>(first.get().files());
      // a pass cut short leaves the file staged; the next pass finishes it (at most a few)
      for (int pass = 0; pass < 3 && outcomes.stream().noneMatch(f -> f.status() == FileIngestion.Status.PROCESSED); pass++) {
        outcomes.addAll(ingestor.ingestPending().files());
      }
      assertThat(outcomes).anySatisfy(f -> assertThat(f.status()).isEqualTo(FileIngestion.Status.PROCESSED));
      assertThat(TokenRangeCount.exact(cass, "ring_customer.readings", "id", 16)).as("every row, once").isEqualTo(rows);
      assertThat(cass.execute(SimpleStatement.newInstance("SELECT label, v FROM ring_customer.readings WHERE id = 12345")
          .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)).one().getString(0)).isEqualTo("r12345");

      // with the node still down: the next file goes in, through the registry at LOCAL_QUORUM
      writeCsv(in.resolve("readings.csv"), rows, 1_000);
      ingestor.fetch("ring-customer", "ring-password", in);
      IngestReport next = ingestor.ingestPending();
      assertThat(next.files()).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(FileIngestion.Status.PROCESSED));
      assertThat(TokenRangeCount.exact(cass, "ring_customer.readings", "id", 16)).isEqualTo(rows + 1_000);
    } finally {
      ring.node(2).start();
      ring.awaitState(cass.session(), 2, NodeState.UP, Duration.ofSeconds(60));
    }
  }

  @Test
  @DisplayName("three processes racing for the admin key through three coordinators: exactly one admin")
  void adminRaceOverThreeCoordinators() throws Exception {
    String store = "ring_keys_" + Long.toHexString(System.nanoTime());
    List<AccessKeys> stores = new ArrayList<>();
    for (CassandraManager c : coordinators) {
      stores.add(AccessKeys.on(c).keyspace(store).build());
    }
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger conflicts = new AtomicInteger();
    List<CompletableFuture<IssuedKey>> racers = new ArrayList<>();
    for (AccessKeys keys : stores) {
      racers.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
          return keys.issueAdmin();
        } catch (ConflictException e) {
          conflicts.incrementAndGet();
          return null;
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    go.countDown();
    List<IssuedKey> winners = racers.stream().map(CompletableFuture::join).filter(k -> k != null).toList();
    assertThat(winners).hasSize(1);
    assertThat(conflicts.get()).isEqualTo(2);
    for (AccessKeys keys : stores) {
      assertThat(keys.authenticate(winners.get(0).secret()).isAdmin()).isTrue();
    }
  }

  @Test
  @DisplayName("a key revoked through one coordinator is refused through another within the recheck interval")
  void revokeReachesOtherCoordinators() {
    String store = "ring_revoke_" + Long.toHexString(System.nanoTime());
    MutableClock clock = new MutableClock(Instant.now());
    AccessKeys issuer = AccessKeys.on(coordinators.get(0)).keyspace(store).clock(clock).build();
    AccessKeys reader = AccessKeys.on(coordinators.get(2)).keyspace(store).clock(clock).build();
    coordinators.get(0).execute("CREATE KEYSPACE IF NOT EXISTS ring_acme WITH replication = "
        + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
    coordinators.get(0).execute("CREATE TABLE IF NOT EXISTS ring_acme.t (id int PRIMARY KEY, v text)");
    coordinators.get(0).execute("INSERT INTO ring_acme.t (id, v) VALUES (1, 'one')");
    issuer.assignKeyspace("acme", "ring_acme");
    IssuedKey key = issuer.issue("acme");
    try (ScopedSession s = reader.open(key.secret())) {
      assertThat(s.execute("SELECT v FROM ring_acme.t WHERE id = 1").one().getString(0)).isEqualTo("one");
      issuer.revoke(key.id());
      assertThatThrownBy(() -> reader.open(key.secret())).as("a new session: refused at once")
          .isInstanceOf(AccessDeniedException.class);
      clock.advance(Duration.ofSeconds(6)); // past the 5 s recheck interval
      assertThatThrownBy(() -> s.execute("SELECT v FROM ring_acme.t WHERE id = 1"))
          .as("an open session: refused after the interval").isInstanceOf(AccessDeniedException.class);
    }
  }

  static void writeCsv(Path file, int first, int count) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("id,label,v\n");
      for (int i = first; i < first + count; i++) {
        w.write(i + ",r" + i + "," + (i * 0.5) + "\n");
      }
    }
  }
}
