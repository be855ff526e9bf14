package io.delpha.sdk.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.security.AuditEvent;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The audit log's own bounds, on the harness's Cassandra with a small bound of budgets (64): a flood of distinct ids
 * holds no more budgets or pending counts than the bound, and every event is still in the table, one by one or
 * counted; an organisation's hourly cap is spent by its own events only.
 */
@DisplayName("the audit log under floods of distinct ids: bounded memory, every event kept or counted")
class AuditLogBoundsTest {

  private static final int BOUND = 64;
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);

  private static CassandraManager cass;

  @BeforeAll
  static void connect() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  private static AuditLog freshLog(String keyspace, MutableClock clock) {
    cass.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    cass.execute("CREATE KEYSPACE " + keyspace + " WITH replication = {'class': 'SimpleStrategy', "
        + "'replication_factor': 1}");
    AuditLog log = new AuditLog(cass, keyspace, clock, BOUND);
    log.createTable();
    return log;
  }

  @Test
  @DisplayName("100,000 made-up ids and 1,000 real ids (3 wrong secrets each) in one minute: budgets and pending "
      + "counts stay within the bound, and rows kept plus counted are exactly 103,000")
  void floodOfDistinctIdsStaysBounded() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    AuditLog log = freshLog("sec_audit_bounds", clock);
    Instant at = clock.instant();
    int maxHeld = 0;
    for (int i = 0; i < 100_000; i++) {
      log.recordFailure(String.format("%020x", i), null, "AUTHENTICATE", AuditLog.DENIED, "unknown key id", at);
      if (i % 100 == 0) {
        String real = String.format("%020x", 1L << 40 | i);
        for (int j = 0; j < 3; j++) {
          log.recordFailure(real, "org" + i % 3, "OPEN", AuditLog.DENIED, "wrong secret", at);
        }
      }
      if (i % 1_000 == 0) {
        int[] held = log.heldForTesting();
        maxHeld = Math.max(maxHeld, Math.max(held[0], Math.max(held[1], held[2])));
        at = at.plusMillis(500); // the flood lasts 50 s: one minute
      }
    }
    int[] held = log.heldForTesting();
    assertThat(held[0]).as("minute budgets held").isLessThanOrEqualTo(BOUND);
    assertThat(held[1]).as("hourly budgets held").isLessThanOrEqualTo(BOUND);
    assertThat(Math.max(maxHeld, held[2])).as("groups counted and not yet written").isLessThanOrEqualTo(2 * BOUND);
    log.flush();
    List<AuditEvent> rows;
    try (Stream<AuditEvent> s = log.stream(DAY)) {
      rows = s.toList();
    }
    assertThat(rows.stream().mapToInt(AuditEvent::events).sum()).as("kept + counted").isEqualTo(103_000);
    assertThat(rows.size()).as("rows written").isLessThanOrEqualTo(BOUND * (3 + 2) + 100);
    assertThat(rows).filteredOn(e -> e.keyId() != null && e.organisation() != null)
        .as("real ids with a budget of their own keep their 3 attempts").hasSizeGreaterThanOrEqualTo(3 * (BOUND - 2))
        .allSatisfy(e -> assertThat(e.events()).isEqualTo(1));
    assertThat(rows).filteredOn(e -> "AGGREGATED".equals(e.outcome())).allSatisfy(e -> {
      assertThat(e.keyId()).as("beyond the bound, ids share the budget of unknown keys").isNull();
      assertThat(e.windowStart()).isNotNull();
      assertThat(e.windowEnd()).isNotNull();
    });
  }

  @Test
  @DisplayName("1,100 events of an organisation's own keys in an hour: 1,000 kept, 100 counted; 300 wrong secrets for "
      + "its key id in the same hour spend none of that cap")
  void hourlyCapIsTheOrganisationsOwn() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T13:00:00Z"));
    AuditLog log = freshLog("sec_audit_hourly", clock);
    String id = "00000000000000000abc";
    Instant at = clock.instant();
    for (int i = 0; i < 300; i++) {
      log.recordFailure(id, "acme", "AUTHENTICATE", AuditLog.DENIED, "wrong secret", at.plusMillis(i));
    }
    log.flush();
    for (int i = 0; i < 1_100; i++) {
      Instant t = at.plusSeconds(2 * i); // 36 minutes
      log.recordHolder(id, "acme", "STATEMENT", AuditLog.DENIED, "outside the organisation", t);
      if (i % 200 == 199) {
        // a node slow to take 1,000 writes at once would have the log count events rather than write them (its
        // bound on writes in flight): this test is about the cap, so it lets the writes land as it goes
        log.flush();
      }
    }
    clock.advance(Duration.ofMinutes(40));
    log.flush();
    List<AuditEvent> rows;
    try (Stream<AuditEvent> s = log.stream(DAY)) {
      rows = s.toList();
    }
    List<AuditEvent> own = rows.stream().filter(e -> "STATEMENT".equals(e.action())).toList();
    assertThat(own).filteredOn(e -> e.events() == 1 && "DENIED".equals(e.outcome())).hasSize(1_000);
    assertThat(own).filteredOn(e -> "AGGREGATED".equals(e.outcome())).isNotEmpty().allSatisfy(e -> {
      assertThat(e.organisation()).isEqualTo("acme");
      assertThat(e.keyId()).isNull();
      assertThat(e.reason()).contains("events of keys of organisation acme between");
    });
    assertThat(own.stream().filter(e -> "AGGREGATED".equals(e.outcome())).mapToInt(AuditEvent::events).sum())
        .isEqualTo(100);
    List<AuditEvent> refused = rows.stream().filter(e -> "AUTHENTICATE".equals(e.action())).toList();
    assertThat(refused).filteredOn(e -> e.events() == 1).hasSize(100);
    assertThat(refused.stream().mapToInt(AuditEvent::events).sum()).isEqualTo(300);
  }
}
