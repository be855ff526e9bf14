package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CassandraManager on a plain node")
class CassandraManagerTest {

  static CassandraServer server;
  static CassandraManager cass;

  @BeforeAll
  static void connect() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder()
        .contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter())
        .pageSize(100)
        .build();
    cass.execute("CREATE KEYSPACE IF NOT EXISTS cm_test WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE IF NOT EXISTS cm_test.items (id int PRIMARY KEY, name text)");
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("binds values by position and reads them back")
  void bindsValues() {
    cass.execute("INSERT INTO cm_test.items (id, name) VALUES (?, ?)", 42, "answer");
    List<Row> rows = cass.execute("SELECT * FROM cm_test.items WHERE id = ?", 42).all();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("name")).isEqualTo("answer");
  }

  @Test
  @DisplayName("prepares each statement text once")
  void cachesPreparedStatements() {
    PreparedStatement a = cass.prepare("SELECT name FROM cm_test.items WHERE id = ?");
    PreparedStatement b = cass.prepare("SELECT name FROM cm_test.items WHERE id = ?");
    assertThat(a).isSameAs(b);
  }

  @Test
  @DisplayName("pages through a large result without fetching it whole")
  void pagesLargeResults() {
    cass.execute("CREATE TABLE IF NOT EXISTS cm_test.paged (p int, c int, PRIMARY KEY (p, c))");
    List<? extends CompletableFuture<?>> writes = IntStream.range(0, 1000)
        .mapToObj(i -> cass.executeAsync("INSERT INTO cm_test.paged (p, c) VALUES (?, ?)", 1, i).toCompletableFuture())
        .toList();
    writes.forEach(CompletableFuture::join);
    ResultSet rs = cass.execute("SELECT c FROM cm_test.paged WHERE p = ?", 1);
    assertThat(rs.getAvailableWithoutFetching()).isEqualTo(100);
    assertThat(rs.isFullyFetched()).isFalse();
    long count = 0;
    long sum = 0;
    for (Row r : rs) {
      count++;
      sum += r.getInt(0);
    }
    assertThat(count).isEqualTo(1000);
    assertThat(sum).isEqualTo(999L * 1000 / 2);
    assertThat(cass.stream("SELECT c FROM cm_test.paged WHERE p = ?", 1).count()).isEqualTo(1000);
  }

  @Test
  @DisplayName("reports a CQL syntax error with the server's message")
  void syntaxError() {
    assertThatThrownBy(() -> cass.execute("SELEC * FROM cm_test.items"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("syntax error")
        .hasMessageContaining("SELEC");
  }

  @Test
  @DisplayName("reports an unknown table as not found")
  void unknownTable() {
    assertThatThrownBy(() -> cass.execute("SELECT * FROM cm_test.nope"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
  }

  @Test
  @DisplayName("fails asynchronous requests with the library's exceptions")
  void asyncErrorsAreMapped() {
    CompletableFuture<?> f = cass.executeAsync("SELECT * FROM cm_test.nope").toCompletableFuture();
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("uses a session keyspace for unqualified names")
  void sessionKeyspace() {
    try (CassandraManager ks = CassandraManager.builder()
        .contactPoint(server.host(), server.port()).localDatacenter(server.localDatacenter())
        .keyspace("cm_test").consistency(DefaultConsistencyLevel.ONE).build()) {
      ks.execute("INSERT INTO items (id, name) VALUES (?, ?)", 7, "seven");
      assertThat(ks.execute("SELECT name FROM items WHERE id = 7").one().getString(0)).isEqualTo("seven");
      assertThat(ks.keyspace()).contains("cm_test");
      assertThat(ks.config().consistency()).isEqualTo(DefaultConsistencyLevel.ONE);
    }
  }

  @Test
  @DisplayName("config().toBuilder() connects again with the same settings, changing only what is asked")
  void configToBuilder() {
    try (CassandraManager ks = cass.config().toBuilder().keyspace("cm_test").build()) {
      ks.execute("INSERT INTO items (id, name) VALUES (?, ?)", 8, "eight");
      assertThat(ks.execute("SELECT name FROM items WHERE id = 8").one().getString(0)).isEqualTo("eight");
      assertThat(ks.config()).isEqualTo(settingOneByOne(cass.config(), "cm_test", 100, Metrics.none()));
    }
    assertThat(cass.keyspace()).isEmpty();
  }

  @Test
  @DisplayName("toBuilder() copies every setting, metrics included: the copy reports into the same registry")
  void toBuilderKeepsMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = Metrics.micrometer(registry);
    try (CassandraManager measured = cass.config().toBuilder().metrics(metrics).build();
        CassandraManager copy = measured.config().toBuilder().keyspace("cm_test").build()) {
      copy.execute("SELECT name FROM items WHERE id = 8");
      assertThat(copy.config().metrics()).isSameAs(metrics);
      assertThat(copy.config()).isEqualTo(settingOneByOne(measured.config(), "cm_test", 100, metrics));
      assertThat(registry.getMeters()).as("the copy's driver meters").anySatisfy(
          m -> assertThat(m.getId().getName()).startsWith("delpha.cassandra"));
    }
  }

  @Test
  @DisplayName("wraps a session the host owns: close() leaves it open unless asked, and is idempotent")
  void wrapsHostSession() {
    try (CqlSession hostSession = CqlSession.builder().addContactPoint(new InetSocketAddress(server.host(),
        server.port())).withLocalDatacenter(server.localDatacenter()).withKeyspace("cm_test").build()) {
      CassandraManager borrowed = CassandraManager.wrap(hostSession, false);
      borrowed.execute("INSERT INTO items (id, name) VALUES (?, ?)", 9, "nine");
      assertThat(borrowed.keyspace()).contains("cm_test");
      assertThat(borrowed.config().localDatacenter()).isEqualTo(server.localDatacenter());
      assertThat(new DictionaryManager(borrowed).listTables("cm_test")).contains("items");
      borrowed.close();
      borrowed.close();

      assertThat(hostSession.isClosed()).isFalse();
      assertThat(hostSession.execute("SELECT name FROM items WHERE id = 9").one().getString(0)).isEqualTo("nine");
      assertThatThrownBy(() -> borrowed.execute("SELECT name FROM items WHERE id = 9"))
          .isInstanceOf(ClosedException.class).hasMessageContaining("CassandraManager is closed");
      assertThatThrownBy(() -> borrowed.prepare("SELECT name FROM items WHERE id = ?"))
          .isInstanceOf(ClosedException.class);

      CassandraManager owner = CassandraManager.wrap(hostSession, true);
      owner.close();
      assertThat(hostSession.isClosed()).isTrue();
      assertThatThrownBy(() -> CassandraManager.wrap(hostSession, false)).isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  @DisplayName("DictionaryManager.builder() is the builder grammar of new DictionaryManager(cass), refusing null")
  void dictionaryBuilder() {
    assertThat(DictionaryManager.builder().cassandra(cass).build().listTables("cm_test")).contains("items");
    assertThatThrownBy(() -> DictionaryManager.builder().cassandra(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> DictionaryManager.builder().build()).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("refuses an unknown keyspace, naming the nearest ones")
  void unknownKeyspace() {
    assertThatThrownBy(() -> CassandraManager.builder()
        .contactPoint(server.host(), server.port()).localDatacenter(server.localDatacenter())
        .keyspace("cm_tset").build())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("cm_tset")
        .hasMessageContaining("cm_test");
  }

  @Test
  @DisplayName("lists every unreachable contact point")
  void unreachable() {
    int p1 = ServerSupport.freePort();
    int p2 = ServerSupport.freePort();
    assertThatThrownBy(() -> CassandraManager.builder()
        .contactPoint("127.0.0.1", p1).contactPoint("127.0.0.1", p2).build())
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining(String.valueOf(p1))
        .hasMessageContaining(String.valueOf(p2));
  }

  @Test
  @DisplayName("refuses malformed builder input")
  void malformedInput() {
    assertThatThrownBy(() -> CassandraManager.builder().contactPoint("", 9042))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CassandraManager.builder().contactPoint("127.0.0.1", 70000))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CassandraManager.builder().pageSize(0))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> cass.execute("SELECT * FROM cm_test.items WHERE id = ?", "not an int"))
        .isInstanceOf(DelphaException.class);
  }

  @Test
  @DisplayName("fails with ServiceUnavailable when the node goes away mid-operation, and works again after it restarts")
  void nodeGoesAway() {
    CassandraServer own = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
    try (CassandraManager c = CassandraManager.builder()
        .contactPoint(own.host(), own.port()).localDatacenter(own.localDatacenter())
        .requestTimeout(java.time.Duration.ofSeconds(20)).pageSize(50).build()) {
      c.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      c.execute("CREATE TABLE ks.t (p int, c int, PRIMARY KEY (p, c))");
      for (int i = 0; i < 200; i++) {
        c.execute("INSERT INTO ks.t (p, c) VALUES (?, ?)", 1, i);
      }
      ResultSet rs = c.execute("SELECT c FROM ks.t WHERE p = 1");
      var it = rs.iterator();
      for (int i = 0; i < 50; i++) {
        it.next();
      }
      own.kill();
      assertThatThrownBy(() -> {
        while (it.hasNext()) {
          it.next();
        }
      }).isInstanceOf(ServiceUnavailableException.class);
      assertThatThrownBy(() -> c.execute("SELECT c FROM ks.t WHERE p = 1"))
          .isInstanceOf(ServiceUnavailableException.class);
      DictionaryManager dict = new DictionaryManager(c);
      assertThatThrownBy(() -> dict.listTables("ks")).isInstanceOf(ServiceUnavailableException.class);
      own.start();
      // the same session recovers on its own; the re-run repeats the idempotent writes
      ServerSupport.await("the driver to reconnect", java.time.Duration.ofSeconds(90), () -> {
        try {
          c.execute("SELECT now() FROM system.local");
          return true;
        } catch (ServiceUnavailableException e) {
          return false;
        }
      });
      for (int i = 0; i < 200; i++) {
        c.execute("INSERT INTO ks.t (p, c) VALUES (?, ?)", 1, i);
      }
      assertThat(c.execute("SELECT count(*) FROM ks.t WHERE p = 1").one().getLong(0)).isEqualTo(200);
      ServerSupport.await("the schema to be readable again", java.time.Duration.ofSeconds(60), () -> {
        try {
          return dict.listTables("ks").contains("t");
        } catch (ServiceUnavailableException e) {
          return false;
        }
      });
      assertThat(dict.listTables("ks")).containsExactly("t");
    } finally {
      own.stop();
    }
  }

  @Test
  @DisplayName("checks quiet connections with a heartbeat each second and closes one unanswered for 3 s (a hung node)")
  void heartbeatNoticesAHungNode() {
    var profile = cass.session().getContext().getConfig().getDefaultProfile();
    assertThat(profile.getDuration(DefaultDriverOption.HEARTBEAT_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(profile.getDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
    assertThat(profile.getString(DefaultDriverOption.RETRY_POLICY_CLASS)).endsWith("NextReplicaRetryPolicy");
  }

  /**
   * The config of a new builder given, one setter at a time, {@code like}'s contact points, data center, timeouts,
   * consistency levels, application name and reconnection delay, and the keyspace, page size and metrics given here;
   * no credentials, TLS or SigV4.
   */
  private static CassandraConfig settingOneByOne(CassandraConfig like, String keyspace, int pageSize,
      Metrics metrics) {
    CassandraManagerBuilder b = CassandraManager.builder();
    like.contactPoints().forEach(a -> b.contactPoint(a.getHostString(), a.getPort()));
    return CassandraConfig.from(b.localDatacenter(like.localDatacenter()).keyspace(keyspace)
        .connectTimeout(like.connectTimeout()).requestTimeout(like.requestTimeout())
        .attemptTimeout(like.attemptTimeout()).consistency(like.consistency())
        .serialConsistency(like.serialConsistency()).pageSize(pageSize).applicationName(like.applicationName())
        .reconnectionMaxDelay(like.reconnectionMaxDelay()).metrics(metrics));
  }
}
