package io.delpha.sdk.changes;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.JavaProcess;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change stream's process killed with SIGKILL mid-answer: this JVM runs the Cassandra node, the fake Pub/Sub API on
 * a loopback port over a seeded change log and the REST re-reads (WireMock); a child JVM ({@link ChangeStreamMain})
 * runs the stream. Once the checkpoint has moved, the child is held at a seeded write of an answer (some of the
 * answer's writes sent, its checkpoint not) and killed there; a new child resumes from the checkpoint, and is killed
 * at another point; the last one runs until the fake has delivered everything and the checkpoint is the log's last
 * replay id. Judged by the data: every row and field of the tables equals the org, each resumption asked for the
 * events after the checkpoint the killed process left. A failing seed prints the command that replays it alone.
 */
@Tag("process")
@DisplayName("SalesforceChangeStream killed with kill -9 mid-answer: a new process resumes from the checkpoint")
class ChangeStreamProcessTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** Java's exit value of a process ended by signal 9 (128 + 9). */
  private static final int SIGKILLED = 137;
  private static CassandraServer server;
  private static CassandraManager cass;
  private final List<JavaProcess> children = new ArrayList<>();

  @BeforeAll
  static void connect() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  @AfterAll
  static void close() {
    if (cass != null) {
      cass.close();
    }
  }

  @AfterEach
  void killChildren() {
    children.forEach(JavaProcess::kill);
  }

  private JavaProcess child(FakePubSub fake, String ks, int batchSize, int holdAfter, int holdAt) {
    JavaProcess p = JavaProcess.start(ChangeStreamMain.class,
        List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), server.host(),
        String.valueOf(server.port()), server.localDatacenter(), ks, fake.loopback(), wm.baseUrl(),
        String.valueOf(batchSize), String.valueOf(holdAfter), String.valueOf(holdAt));
    children.add(p);
    return p;
  }

  /** The checkpoint's replay id as the index of its event in the log, or -1 without one. */
  private static int checkpoint(String ks) {
    Row row = cass.execute("SELECT replay_id FROM " + ks + ".salesforce_change_checkpoints WHERE topic = ?",
        "/data/ChangeEvents").one();
    ByteBuffer id = row == null ? null : row.getByteBuffer(0);
    return id == null ? -1 : (int) (id.duplicate().getLong() - 1);
  }

  @Test
  @DisplayName("killed at seeded writes of answers, twice: the tables equal the org, no event skipped")
  void killedMidAnswerResumes() {
    HostileAnswers.run(getClass(), "killedMidAnswerResumes", "process", "changes.kill.seed", "changes.kill.count", 2,
        this::runSeed);
  }

  private void runSeed(Random random) throws Exception {
    long seed = random.nextLong();
    ChangeLog log = new ChangeLog(seed).generate(80 + random.nextInt(60));
    log.stubRest(wm);
    String ks = "changes_kill" + Math.abs(seed % 100_000);
    cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    cass.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    int last = log.events.size() - 1;
    try (FakePubSub fake = FakePubSub.serving(log, log.events.size())) {
      fake.maxPerAnswer = 1 + random.nextInt(4);
      int batchSize = 1 + random.nextInt(8);
      List<Integer> killedAt = new ArrayList<>();
      for (int kill = 0; kill < 2; kill++) {
        int holdAfter = 1 + random.nextInt(6); // of 20 answers at least
        int holdAt = 1 + random.nextInt(3);
        JavaProcess stream = child(fake, ks, batchSize, holdAfter, holdAt);
        stream.awaitLine(l -> l.equals("HOLD"), Duration.ofSeconds(120));
        int before = checkpoint(ks);
        assertThat(before).as("the checkpoint has moved, and not to the end, before kill %d", kill)
            .isBetween(killedAt.isEmpty() ? 0 : killedAt.get(killedAt.size() - 1), last - 1);
        stream.kill();
        assertThat(stream.isAlive()).isFalse();
        assertThat(stream.awaitExit(Duration.ofSeconds(5))).as("ended by SIGKILL").isEqualTo(SIGKILLED);
        assertThat(checkpoint(ks)).as("the checkpoint a killed process left").isEqualTo(before);
        killedAt.add(before);
      }
      JavaProcess survivor = child(fake, ks, batchSize, 0, 0);
      survivor.awaitLine(l -> l.equals("STARTED"), Duration.ofSeconds(60));
      ServerSupport.await("the log's last replay id checkpointed", Duration.ofSeconds(120),
          () -> fake.delivered.get() == log.events.size() && checkpoint(ks) == last);
      // each process after a kill asked for the events after the checkpoint its killed predecessor left, so
      // nothing between them was skipped
      assertThat(fake.resumedAfter).as("resumed from the checkpoints at the kills")
          .startsWith(killedAt.toArray(Integer[]::new));
      for (String entity : log.org.keySet()) {
        String table = entity.toLowerCase(java.util.Locale.ROOT);
        assertThat(ChangeLog.rows(cass, ks, table)).as("table %s.%s against the org's %s records (replay ids %s of "
            + "%d killed at)", ks, table, entity, killedAt, last).isEqualTo(log.expected(entity));
      }
      assertThat(HexFormat.of().formatHex(FakePubSub.replayId(checkpoint(ks)))).isEqualTo(fake.lastReplayHex());
    } finally {
      children.forEach(JavaProcess::kill);
      children.clear();
      cass.execute("DROP KEYSPACE IF EXISTS " + ks);
    }
  }
}
