package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.LogCapture;
import io.delpha.sdk.testing.ServerSupport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The attempts of the library's idempotent statements ({@link QuorumExecutor} over a {@link CassandraManager}), on a
 * node of their own that the tests pause with {@code kill -STOP}: a read is sent again when an attempt times out, up to
 * the request timeout; a lightweight transaction runs once.
 */
class QuorumExecutorAttemptsTest {

  static CassandraServer node;
  static CassandraManager cass;

  @BeforeAll
  static void start() {
    node = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(node.host(), node.port()).localDatacenter(node.localDatacenter())
        .requestTimeout(Duration.ofSeconds(5)).attemptTimeout(Duration.ofMillis(300)).build();
    cass.execute("CREATE KEYSPACE attempts WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE attempts.kv (k text PRIMARY KEY, v text)");
    cass.execute("INSERT INTO attempts.kv (k, v) VALUES ('a', 'one')");
  }

  /** After a pause the driver may have closed the node's connections: each test starts with the node answering. */
  @BeforeEach
  void nodeAnswers() {
    ServerSupport.await("the node answering again", Duration.ofSeconds(60), () -> {
      try {
        return cass.execute("SELECT v FROM attempts.kv WHERE k = 'a'").one() != null;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  @AfterAll
  static void stop() {
    cass.close();
    node.close();
  }

  static void signal(String name) {
    ServerSupport.signal(name, node.pid());
  }


  @Test
  @DisplayName("an idempotent read whose attempt times out is sent again, and returns once the node answers")
  void readSentAgain() {
    QuorumExecutor quorum = new QuorumExecutor(cass);
    try (LogCapture logs = new LogCapture()) {
      signal("STOP");
      CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
        ServerSupport.sleep(Duration.ofMillis(900));
        signal("CONT");
      });
      String v = quorum.execute("SELECT v FROM attempts.kv WHERE k = 'a'").one().getString(0);
      resume.join();
      assertThat(v).isEqualTo("one");
      assertThat(logs.text()).contains("attempt 1 of an idempotent statement timed out")
          .contains("SELECT v FROM attempts.kv WHERE k = 'a'");
    } finally {
      signal("CONT");
    }
  }

  @Test
  @DisplayName("asynchronously too: the read's stage completes with the row after a timed-out attempt")
  void asyncReadSentAgain() {
    QuorumExecutor quorum = new QuorumExecutor(cass);
    // prepared before the pause: a preparation is not an attempt and would wait for the node on its own
    PreparedStatement read = quorum.prepare("SELECT v FROM attempts.kv WHERE k = ?");
    try (LogCapture logs = new LogCapture()) {
      signal("STOP");
      CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
        ServerSupport.sleep(Duration.ofMillis(900));
        signal("CONT");
      });
      String v = quorum.executeAsync(read.bind("a")).toCompletableFuture().join().one().getString(0);
      resume.join();
      assertThat(v).isEqualTo("one");
      assertThat(logs.text()).contains("SELECT v FROM attempts.kv WHERE k = ?");
    } finally {
      signal("CONT");
    }
  }

  @Test
  @DisplayName("an unlogged batch of upserts is at LOCAL_QUORUM, idempotent, and sent again as a single upsert is")
  void asyncBatchSentAgain() {
    QuorumExecutor quorum = new QuorumExecutor(cass);
    PreparedStatement write = quorum.prepare("INSERT INTO attempts.kv (k, v) VALUES (?, ?) USING TIMESTAMP ?");
    BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED, write.bind("b1", "x", 1L),
        write.bind("b2", "y", 1L));
    try (LogCapture logs = new LogCapture()) {
      signal("STOP");
      CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
        ServerSupport.sleep(Duration.ofMillis(900));
        signal("CONT");
      });
      quorum.executeAsync(batch).toCompletableFuture().join();
      resume.join();
      assertThat(logs.text()).contains("attempt 1 of an idempotent statement timed out")
          .contains("a batch of 2 statements, the first INSERT INTO attempts.kv");
    } finally {
      signal("CONT");
    }
    assertThat(quorum.execute("SELECT v FROM attempts.kv WHERE k IN ('b1', 'b2')").all()).hasSize(2);
    // a conditional statement makes a batch run once, with LOCAL_SERIAL
    try (LogCapture logs = new LogCapture()) {
      BatchStatement lwt = BatchStatement.newInstance(BatchType.UNLOGGED,
          SimpleStatement.newInstance("INSERT INTO attempts.kv (k, v) VALUES ('b1', 'z') IF NOT EXISTS"));
      assertThat(quorum.execute(lwt).wasApplied()).isFalse();
      assertThat(logs.text()).doesNotContain("a batch of");
    }
  }

  @Test
  @DisplayName("attempts stop at the request timeout: a read of a node that never answers fails after it")
  void givesUpAtRequestTimeout() {
    try (CassandraManager shortTimeout = cass.config().toBuilder().requestTimeout(Duration.ofSeconds(1))
        .attemptTimeout(Duration.ofMillis(300)).build(); LogCapture logs = new LogCapture()) {
      QuorumExecutor quorum = new QuorumExecutor(shortTimeout);
      signal("STOP");
      assertThatThrownBy(() -> quorum.execute("SELECT v FROM attempts.kv WHERE k = 'gives-up'"))
          .isInstanceOf(ServiceUnavailableException.class);
      // judged by the attempts, not a clock: 1 s holds at most four attempts of 300 ms (the last cut to 100 ms), so
      // at most three are sent again, and none after the request timeout
      assertThat(logs.text().lines().filter(l -> l.contains("WHERE k = 'gives-up'")).count())
          .as("attempts after the first").isBetween(2L, 3L);
    } finally {
      signal("CONT");
    }
  }

  @Test
  @DisplayName("a lightweight transaction runs once, with the whole request timeout")
  void lightweightTransactionRunsOnce() {
    try (CassandraManager shortTimeout = cass.config().toBuilder().requestTimeout(Duration.ofSeconds(1))
        .attemptTimeout(Duration.ofMillis(300)).build(); LogCapture logs = new LogCapture()) {
      QuorumExecutor quorum = new QuorumExecutor(shortTimeout);
      signal("STOP");
      long start = System.nanoTime();
      assertThatThrownBy(() -> quorum.execute("INSERT INTO attempts.kv (k, v) VALUES ('lwt', 'x') IF NOT EXISTS"))
          .isInstanceOf(ServiceUnavailableException.class).hasRootCauseInstanceOf(DriverTimeoutException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900L);
      assertThat(logs.text()).doesNotContain("VALUES ('lwt', 'x')");
    } finally {
      signal("CONT");
    }
  }

  @Test
  @DisplayName("a timeout is the driver's client timeout or a coordinator's read or write timeout, wrapped or not")
  void whatTimedOutMeans() {
    Node coordinator = cass.session().getMetadata().getNodes().values().iterator().next();
    assertThat(QuorumExecutor.timedOut(new DriverTimeoutException("Query timed out after PT2S"))).isTrue();
    assertThat(QuorumExecutor.timedOut(new ServiceUnavailableException("Cassandra did not complete the request",
        new ReadTimeoutException(coordinator, DefaultConsistencyLevel.LOCAL_QUORUM, 2, 2, false)))).isTrue();
    assertThat(QuorumExecutor.timedOut(new InvalidQueryException(coordinator, "unconfigured table"))).isFalse();
    assertThat(QuorumExecutor.timedOut(new ServiceUnavailableException("no node", null))).isFalse();
  }

}
