package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.testing.CassandraServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The key store's settings: one table, {@code config()} and {@code toBuilder()}, against a real Cassandra. */
class AccessKeysConfigTest {

  private static final String ROLE_KEY = "role-password-key-of-the-config-test";
  private static CassandraManager cass;

  @BeforeAll
  static void connect() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("a builder's defaults are the documented ones; from(builder) needs the connection, as build() does")
  void defaults() {
    AccessKeysConfig c = AccessKeysConfig.from(AccessKeys.on(cass));
    assertThat(c.cassandra()).isSameAs(cass);
    assertThat(c.keyspace()).isEqualTo("delpha_security");
    assertThat(c.replication()).isNull();
    assertThat(c.revocationCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.maxFailures()).isEqualTo(5);
    assertThat(c.failureWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.reservedKeyspaces()).containsExactly("delpha_ingest");
    assertThat(c.roleLogin()).isNull();
    assertThat(c.rolePasswordKey()).isNull();
    assertThat(c.roleAccessFromCidrs()).isEmpty();
    assertThat(c.roleSweepInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.maxSessionsPerOrganisation()).isEqualTo(64);
    assertThat(c.maxOpensPerSecondPerOrganisation()).isEqualTo(20);
    assertThat(c.metrics()).isSameAs(Metrics.none());
    assertThat(AccessKeysConfig.builder()).isNotNull().isNotSameAs(AccessKeysConfig.builder());
    assertThatThrownBy(() -> AccessKeysConfig.from(AccessKeys.builder()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Cassandra connection");
  }

  @Test
  @DisplayName("toBuilder() carries every setting, the role-password key included, and toString shows no secret")
  void roundTripAndSecrets() {
    DatabaseLogin login = (role, password) -> cass;
    AccessKeysBuilder b = AccessKeys.on(cass).keyspace("Some_Keys").replication("{'class': 'SimpleStrategy', "
        + "'replication_factor': 1}").throttle(3, Duration.ofSeconds(30)).reservedKeyspaces(List.of("Mine"))
        .cassandraRoles(login, Secret.of(ROLE_KEY)).roleAccessFromCidrs(Set.of("office"))
        .roleSweepInterval(Duration.ofSeconds(9)).maxSessionsPerOrganisation(3).maxOpensPerSecondPerOrganisation(4)
        .revocationCheckInterval(Duration.ofSeconds(1));
    AccessKeysConfig c = AccessKeysConfig.from(b);
    assertThat(c.keyspace()).isEqualTo("some_keys");
    assertThat(c.reservedKeyspaces()).containsExactlyInAnyOrder("mine", "delpha_ingest");
    assertThat(c.rolePasswordKey()).isEqualTo(Secret.of(ROLE_KEY));
    assertThat(c.roleLogin()).isSameAs(login);
    AccessKeysConfig copy = AccessKeysConfig.from(c.toBuilder());
    assertThat(copy).isNotSameAs(c).isEqualTo(c).hasSameHashCodeAs(c).hasToString(c.toString());
    assertThat(AccessKeysConfig.from(c.toBuilder().throttle(4, Duration.ofSeconds(30)))).isNotEqualTo(c);
    assertThat(c.toString()).startsWith("AccessKeysConfig[").contains("keyspace=some_keys", "rolePasswordKey=****",
        "maxFailures=3").doesNotContain(ROLE_KEY);
  }

  @Test
  @DisplayName("the builder still builds a working key store; one rebuilt from toBuilder() has an equal config and "
      + "reads the same keys")
  void builtAndRebuilt() {
    String keyspace = "config_keys_" + UUID.randomUUID().toString().substring(0, 8);
    AccessKeysBuilder b = AccessKeys.on(cass).keyspace(keyspace).maxSessionsPerOrganisation(5)
        .replication("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    AccessKeys keys = b.build();
    AccessKeys again = keys.toBuilder().build();
    try {
      assertThat(keys.config()).isEqualTo(AccessKeysConfig.from(b));
      assertThat(keys.keyspace()).isEqualTo(keyspace);
      assertThat(again.config()).isNotSameAs(keys.config()).isEqualTo(keys.config());
      IssuedKey k = keys.issue("acme");
      assertThat(again.authenticate(k.secret()).organisation()).isEqualTo("acme");
    } finally {
      again.close();
      keys.dropStore();
      keys.close();
    }
    assertThat(keys.config().keyspace()).as("config() answers after close").isEqualTo(keyspace);
  }
}
