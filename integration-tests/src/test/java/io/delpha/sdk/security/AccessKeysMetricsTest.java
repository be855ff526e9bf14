package io.delpha.sdk.security;

import static io.delpha.sdk.metrics.MeterChecks.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.metrics.MeterChecks;
import io.delpha.sdk.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Key checks counted by outcome, with no key id in any tag")
class AccessKeysMetricsTest {

  static CassandraManager cass;

  @BeforeAll
  static void connect() {
    cass = SecurityTesting.connect();
    SecurityTesting.createKeyspace(cass, "akm_acme");
    SecurityTesting.createKeyspace(cass, "akm_beta");
    cass.execute("CREATE TABLE IF NOT EXISTS akm_beta.events (id int PRIMARY KEY, v text)");
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("ok, malformed, unknown, wrong secret, revoked, expired, throttled and statement refusals")
  void everyOutcomeIsCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MutableClock clock = new MutableClock(Instant.parse("2031-03-01T09:00:00Z"));
    AccessKeys keys = AccessKeys.on(cass).keyspace("sec_metrics_keys").clock(clock).throttle(2, Duration.ofMinutes(1))
        .metrics(Metrics.micrometer(registry)).build();
    keys.assignKeyspace("acme", "akm_acme");
    IssuedKey good = keys.issue("acme");
    IssuedKey revoked = keys.issue("acme");
    IssuedKey expiring = keys.issue("acme", clock.instant().plus(Duration.ofHours(1)));
    IssuedKey hammered = keys.issue("acme");
    keys.revoke(revoked.id());

    assertThat(keys.authenticate(good.secret()).organisation()).isEqualTo("acme");
    try (ScopedSession s = keys.open(good.secret())) {
      assertDenied(() -> s.execute("SELECT * FROM akm_beta.events"));
    }
    assertDenied(() -> keys.authenticate("not-a-key"));
    assertDenied(() -> keys.authenticate("dk_0123456789abcdef0123_" + good.secret().substring(24)));
    assertDenied(() -> keys.authenticate(good.secret().substring(0, 24) + "A".repeat(43)));
    assertDenied(() -> keys.open(revoked.secret()));
    clock.advance(Duration.ofHours(2));
    assertDenied(() -> keys.authenticate(expiring.secret()));
    String wrong = hammered.secret().substring(0, 24) + "B".repeat(42) + "A"; // canonical base64url, wrong secret
    for (int i = 0; i < 3; i++) {
      assertDenied(() -> keys.authenticate(wrong));
    }

    String n = "delpha.security.authentications";
    assertThat(count(registry, n, "action", "authenticate", "outcome", "ok")).isEqualTo(1);
    assertThat(count(registry, n, "action", "open", "outcome", "ok")).isEqualTo(1);
    assertThat(count(registry, n, "outcome", "malformed")).isEqualTo(1);
    assertThat(count(registry, n, "outcome", "unknown")).isEqualTo(1);
    assertThat(count(registry, n, "outcome", "wrong_secret")).isEqualTo(3);
    assertThat(count(registry, n, "action", "open", "outcome", "revoked")).isEqualTo(1);
    assertThat(count(registry, n, "outcome", "expired")).isEqualTo(1);
    assertThat(count(registry, n, "outcome", "throttled")).isEqualTo(1);
    assertThat(count(registry, n)).isEqualTo(10);
    assertThat(count(registry, "delpha.security.denials", "action", "statement")).isEqualTo(1);
    MeterChecks.assertBoundedTags(registry, false, good.id(), revoked.id(), expiring.id(), hammered.id(), "acme",
        "dk_");
  }

  @Test
  @DisplayName("without metrics the same checks record nowhere and behave the same")
  void noRegistryNoMeters() {
    AccessKeys keys = AccessKeys.on(cass).keyspace("sec_metrics_keys").build();
    IssuedKey k = keys.issue("quiet");
    assertThat(keys.authenticate(k.secret()).keyId()).isEqualTo(k.id());
    assertDenied(() -> keys.authenticate("dk_" + "f".repeat(20) + "_" + "C".repeat(43)));
  }

  private static void assertDenied(Runnable r) {
    assertThatThrownBy(r::run).isExactlyInstanceOf(AccessDeniedException.class).hasMessage("access denied");
  }
}
