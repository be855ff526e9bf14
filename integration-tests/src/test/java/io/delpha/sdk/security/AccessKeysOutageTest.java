package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AccessKeys when Cassandra goes away")
class AccessKeysOutageTest {

  @Test
  @DisplayName("a node killed mid-operation gives ServiceUnavailable (never a refusal), and everything works after restart")
  void nodeGoesAway() {
    CassandraServer own = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder().contactPoint(own.host(), own.port())
        .localDatacenter(own.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build()) {
      SecurityTesting.createKeyspace(cass, "acme_data");
      cass.execute("CREATE TABLE acme_data.events (id int PRIMARY KEY, v text)");
      AccessKeys keys = AccessKeys.on(cass).build();
      keys.assignKeyspace("acme", "acme_data");
      IssuedKey k = keys.issue("acme");
      ScopedSession session = keys.open(k.secret());
      session.execute("INSERT INTO acme_data.events (id, v) VALUES (?, ?)", 1, "before");

      own.kill();
      assertThatThrownBy(() -> keys.authenticate(k.secret())).isInstanceOf(ServiceUnavailableException.class);
      assertThatThrownBy(() -> keys.issue("acme")).isInstanceOf(ServiceUnavailableException.class);
      assertThatThrownBy(keys::issueAdmin).isInstanceOf(ServiceUnavailableException.class);
      assertThatThrownBy(() -> session.execute("SELECT * FROM acme_data.events WHERE id = ?", 1))
          .isInstanceOf(ServiceUnavailableException.class);

      own.start();
      ServerSupport.await("the driver to reconnect", Duration.ofSeconds(90), () -> {
        try {
          keys.adminKeyId();
          return true;
        } catch (ServiceUnavailableException e) {
          return false;
        }
      });
      // the re-run after the crash: the node's periodic commit log may have lost the last seconds of
      // writes, so the host repeats its idempotent setup; every step succeeds again
      SecurityTesting.createKeyspace(cass, "acme_data");
      cass.execute("CREATE TABLE IF NOT EXISTS acme_data.events (id int PRIMARY KEY, v text)");
      AccessKeys rerun = AccessKeys.on(cass).build();
      rerun.assignKeyspace("acme", "acme_data");
      IssuedKey admin = rerun.issueAdmin();
      assertThat(rerun.adminKeyId()).contains(admin.id());
      IssuedKey again = rerun.issue("acme");
      try (ScopedSession s = rerun.open(again.secret())) {
        s.execute("INSERT INTO acme_data.events (id, v) VALUES (?, ?)", 2, "after");
        assertThat(s.execute("SELECT v FROM acme_data.events WHERE id = ?", 2).one().getString(0)).isEqualTo("after");
      }
    } finally {
      own.stop();
    }
  }
}
