package io.delpha.sdk.changes;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.ServerSupport;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change stream on the three-node ring (the JVM's shared ring: no ring of its own), into a keyspace of three
 * replicas, while one node is killed ({@code kill -9}) mid-answer, at a seeded write after a seeded number of
 * checkpoints. The stream must go on without failing, to the log's last replay id, and the tables equal the org, read
 * at {@code LOCAL_QUORUM} once the node is back. Judged by the data; a failing seed prints its replay command.
 */
@Tag("ring")
@DisplayName("SalesforceChangeStream on a ring of three, a node killed mid-answer: the stream goes on")
class ChangeStreamRingTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final int VICTIM = 2;
  static CassandraRing ring;
  static CassandraManager cass;

  @BeforeAll
  static void setUp() {
    ring = CassandraRing.shared();
    // the victim is never the contact point; the driver uses every node as a coordinator all the same
    cass = CassandraManager.builder().contactPoint(ring.node(0).host(), ring.port())
        .localDatacenter(ring.localDatacenter()).build();
  }

  @AfterAll
  static void tearDown() {
    if (cass != null) {
      cass.close();
    }
  }

  @Test
  @DisplayName("kill -9 of a replica while an answer's writes are in flight: no failure, the tables equal the org")
  void nodeKilledMidAnswer() {
    HostileAnswers.run(getClass(), "nodeKilledMidAnswer", "ring", "changes.ring.seed", "changes.ring.count", 1,
        this::runSeed);
  }

  private void runSeed(Random random) throws Exception {
    long seed = random.nextLong();
    ChangeLog log = new ChangeLog(seed).generate(100 + random.nextInt(60));
    log.stubRest(wm);
    String ks = "changes_ring";
    cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    cass.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'NetworkTopologyStrategy', '"
        + ring.localDatacenter() + "': 3}");
    CassandraServer victim = ring.node(VICTIM);
    AtomicReference<String> atKill = new AtomicReference<>();
    try (FakePubSub fake = FakePubSub.serving(log, log.events.size());
        SalesforceManager sf = SalesforceManager.builder().loginUrl(wm.baseUrl()).clientId(SalesforceStubs.CLIENT_ID)
            .clientSecret(SalesforceStubs.CLIENT_SECRET).username(SalesforceStubs.USERNAME)
            .password(SalesforceStubs.PASSWORD).securityToken(SalesforceStubs.SECURITY_TOKEN)
            .requestTimeout(Duration.ofSeconds(10)).build()) {
      fake.maxPerAnswer = 1 + random.nextInt(4);
      int after = 1 + random.nextInt(8); // of 25 answers at least
      int at = 1 + random.nextInt(3);
      ChangeStream[] holder = new ChangeStream[1];
      // the library's own retry policy and consistency: only the executor is wrapped, to place the kill
      try (ChangeStream stream = SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace(ks)
          .cql(new FaultAtWrite(cass, after, at, () -> {
            atKill.set(holder[0].status().lastReplayId());
            victim.kill();
          })).salesforce(sf)
          .login(() -> new PubSubSession(Secret.of("00Dx0000000BV7z!token"), wm.baseUrl(), "00Dx0000000BV7z"))
          .replayPreset(ReplayPreset.EARLIEST).batchSize(1 + random.nextInt(8)).channels(fake::channel).build()) {
        holder[0] = stream;
        stream.start();
        ServerSupport.await("the log's last replay id applied, or a failure", Duration.ofSeconds(180), () -> {
          ChangeStreamStatus s = stream.status();
          return s.state() == ChangeStreamStatus.State.FAILED || fake.lastReplayHex().equals(s.lastReplayId());
        });
        ChangeStreamStatus s = stream.status();
        assertThat(victim.isRunning()).as("the node was killed mid-stream (after %d checkpoints, write %d)", after, at)
            .isFalse();
        assertThat(atKill.get()).as("the replay id applied when the node died").isNotNull()
            .isNotEqualTo(fake.lastReplayHex());
        assertThat(s.failure()).as("the stream's failure, %s", s).isNull();
        assertThat(s.state()).isEqualTo(ChangeStreamStatus.State.RUNNING);
        assertThat(s.lastReplayId()).isEqualTo(fake.lastReplayHex());
      }
      victim.start();
      ring.awaitState(cass.session(), VICTIM, NodeState.UP, Duration.ofSeconds(120));
      // a node killed -9 may lose the table's schema with its commit log's last seconds and coordinate a read before
      // gossip brings it back ("Unknown CF"): the tables are judged once every node holds the same schema
      ServerSupport.await("schema agreement after the restart", Duration.ofSeconds(120),
          () -> cass.session().checkSchemaAgreement());
      QuorumExecutor quorum = new QuorumExecutor(cass);
      for (String entity : log.org.keySet()) {
        String table = entity.toLowerCase(Locale.ROOT);
        assertThat(ChangeLog.rows(quorum, ks, table)).as("table %s.%s against the org's %s records", ks, table, entity)
            .isEqualTo(log.expected(entity));
      }
    } finally {
      if (!victim.isRunning()) {
        victim.start();
        ring.awaitState(cass.session(), VICTIM, NodeState.UP, Duration.ofSeconds(120));
      }
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }
}
