package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.testing.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What one organisation could learn about, or take from, the others through the library in the default mode
 * (issue 24's second list): existence oracles in the schema and token map, the shared prepared-statement cache,
 * schema refreshes, the audit log, the failure throttle and client-chosen time. Judged by data: the other tenant's
 * rows, the host's statements, the audit table.
 */
@DisplayName("tenants cannot probe or starve each other (default mode)")
class TenantBoundsTest {

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  private static final String ACME = "bounds_acme";
  private static final String GLOBEX = "bounds_globex";
  private static final String STORE = "sec_bounds";

  private static CassandraManager cass;
  private static MutableClock clock;
  private static AccessKeys keys;

  @BeforeAll
  static void setUp() {
    cass = SecurityTesting.connect();
    SecurityTesting.tenantKeyspaces(cass, 5, ACME, GLOBEX);
    clock = new MutableClock(START);
    keys = AccessKeys.on(cass).keyspace(STORE).clock(clock).build();
    keys.assignKeyspace("acme", ACME);
    keys.assignKeyspace("globex", GLOBEX);
  }

  @AfterAll
  static void tearDown() {
    keys.close();
    cass.close();
  }

  @Test
  @DisplayName("schema(): the token map answers for a foreign keyspace exactly as for one that does not exist")
  void tokenMapKnowsOwnKeyspacesOnly() {
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      Metadata schema = acme.schema();
      assertThat(schema.getKeyspaces().keySet()).extracting(CqlIdentifier::asInternal).containsExactly(ACME);
      TokenMap map = schema.getTokenMap().orElseThrow();
      Token token = map.newToken(TypeCodecs.INT.encode(1, com.datastax.oss.driver.api.core.ProtocolVersion.V5));
      assertThat(map.getReplicas(ACME, token)).as("its own keyspace").isNotEmpty();
      for (String other : List.of(GLOBEX, STORE, "system_auth", "system_schema")) {
        assertThat(map.getReplicas(other, token)).as(other).isEqualTo(map.getReplicas("no_such_keyspace", token))
            .isEmpty();
        var node = schema.getNodes().values().iterator().next();
        assertThat(map.getTokenRanges(other, node)).as(other).isEmpty();
        assertThat(map.getReplicas(other, ByteBuffer.allocate(4))).as(other).isEmpty();
      }
      // the host's own view is unchanged: it does see globex's replicas
      assertThat(cass.schema().getTokenMap().orElseThrow().getReplicas(GLOBEX, token)).isNotEmpty();
    }
  }

  @Test
  @DisplayName("schema() in a loop: refreshes are coalesced and limited to one a second for every tenant together")
  void schemaRefreshesAreRateLimited() {
    CountingExecutor counting = new CountingExecutor(cass);
    AccessKeys counted = AccessKeys.on(counting).keyspace(STORE).clock(clock).build();
    try (ScopedSession acme = counted.open(counted.issue("acme").secret());
        ScopedSession globex = counted.open(counted.issue("globex").secret())) {
      int before = counting.schemaReads.get();
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        assertThat((i % 2 == 0 ? acme : globex).schema().getKeyspaces()).hasSize(1);
      }
      long elapsedSeconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
      // at most one refresh per started second of the loop (the bound grows on a slow machine, never shrinks)
      assertThat(counting.schemaReads.get() - before).isBetween(1, (int) elapsedSeconds + 1);
    }
  }

  @Test
  @DisplayName("prepare(): a tenant's statements are its own objects; mutating them or churning thousands evicts and alters nothing of the host's")
  void preparedStatementsAreKeptApart() {
    String text = "SELECT v FROM " + ACME + ".events WHERE id = ?";
    PreparedStatement hosts = cass.prepare(text);
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      PreparedStatement tenants = acme.prepare(text);
      assertThat(tenants).isNotSameAs(hosts);
      // the tenant corrupts what it was given: result metadata of another table's shape
      PreparedStatement other = acme.prepare("SELECT id, v FROM " + ACME + ".events WHERE id = ?");
      tenants.setResultMetadata(other.getResultMetadataId(), other.getResultSetDefinitions());
      for (int i = 0; i < 2_100; i++) { // more than the host manager's cache holds (2,048)
        acme.prepare("SELECT v FROM " + ACME + ".events WHERE id = " + i);
      }
    }
    assertThat(cass.prepare(text)).as("the host's cache kept its entry").isSameAs(hosts);
    assertThat(hosts.getResultSetDefinitions().size()).isEqualTo(1);
    assertThat(cass.execute(text, 2).one().getString("v")).isEqualTo(ACME + "2");
    try (ScopedSession globex = keys.open(keys.issue("globex").secret())) {
      assertThat(globex.execute("SELECT v FROM " + GLOBEX + ".events WHERE id = ?", 3).one().getString(0))
          .isEqualTo(GLOBEX + "3");
    }
  }

  @Test
  @DisplayName("a client timestamp, a client 'now' and USING TIMESTAMP are refused; a later owner's writes win")
  void clientTimeIsRefused() {
    cass.execute("CREATE TABLE IF NOT EXISTS " + ACME + ".stamped (id int PRIMARY KEY, v text)");
    long farFuture = Instant.parse("2036-01-01T00:00:00Z").toEpochMilli() * 1000;
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      String insert = "INSERT INTO " + ACME + ".stamped (id, v) VALUES (?, ?)";
      List<Statement<?>> attempts = List.of(
          SimpleStatement.newInstance(insert, 1, "future").setQueryTimestamp(farFuture),
          acme.prepare(insert).bind(1, "future").setQueryTimestamp(farFuture),
          SimpleStatement.newInstance(insert, 1, "future").setNowInSeconds(2_000_000_000),
          SimpleStatement.newInstance("INSERT INTO " + ACME + ".stamped (id, v) VALUES (?, ?) USING TIMESTAMP "
              + farFuture, 1, "future"),
          SimpleStatement.newInstance("UPDATE " + ACME + ".stamped USING TTL 100 AND TIMESTAMP ? SET v = ? WHERE id = ?",
              farFuture, "future", 1),
          SimpleStatement.newInstance("DELETE FROM " + ACME + ".stamped USING TIMESTAMP ? WHERE id = ?", farFuture, 1),
          BatchStatement.newInstance(DefaultBatchType.LOGGED, SimpleStatement.newInstance(insert, 1, "future"))
              .setQueryTimestamp(farFuture));
      for (Statement<?> s : attempts) {
        assertThatThrownBy(() -> acme.execute(s)).as(String.valueOf(s)).isInstanceOf(AccessDeniedException.class);
      }
      acme.execute(insert, 1, "acme's");
      // a column named like the keyword is still fine
      assertThat(acme.execute("SELECT v FROM " + ACME + ".stamped WHERE id = ?", 1).one().getString(0))
          .isEqualTo("acme's");
    }
    long written = cass.execute("SELECT WRITETIME(v) FROM " + ACME + ".stamped WHERE id = 1").one().getLong(0);
    // written at the host's time, not in 2036
    assertThat(written).isLessThanOrEqualTo((System.currentTimeMillis() + 60_000) * 1000);
    // the keyspace moves to globex, whose write must win over anything acme wrote before
    keys.unassignKeyspace("acme", ACME);
    try {
      keys.assignKeyspace("globex", ACME);
      try (ScopedSession globex = keys.open(keys.issue("globex").secret())) {
        globex.execute("INSERT INTO " + ACME + ".stamped (id, v) VALUES (?, ?)", 1, "globex's");
      }
      assertThat(cass.execute("SELECT v FROM " + ACME + ".stamped WHERE id = 1").one().getString(0))
          .isEqualTo("globex's");
    } finally {
      keys.unassignKeyspace("globex", ACME);
      keys.assignKeyspace("acme", ACME);
    }
  }

  @Test
  @DisplayName("the audit rows a tenant causes are capped per hour; what is dropped is counted in a summary row")
  void auditIsCappedPerOrganisationAndHour() {
    MutableClock c = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));
    AccessKeys capped = AccessKeys.on(cass).keyspace("sec_bounds_audit").clock(c).build();
    capped.assignKeyspace("acme", ACME);
    capped.assignKeyspace("globex", GLOBEX);
    try (ScopedSession acme = capped.open(capped.issue("acme").secret())) {
      for (int i = 0; i < 1_200; i++) {
        assertThatThrownBy(() -> acme.execute("SELECT * FROM " + GLOBEX + ".events"))
            .isInstanceOf(AccessDeniedException.class);
      }
    }
    try (ScopedSession globex = capped.open(capped.issue("globex").secret())) {
      assertThatThrownBy(() -> globex.execute("SELECT * FROM " + ACME + ".events"))
          .isInstanceOf(AccessDeniedException.class);
    }
    LocalDate day = LocalDate.ofInstant(c.instant(), ZoneOffset.UTC);
    var events = capped.auditEvents(day);
    // the host's own actions (assign, issue) are uncapped; what acme's key caused stops at 1,000 rows an hour
    assertThat(events).filteredOn(e -> "acme".equals(e.organisation())).hasSize(1_000 + 2);
    assertThat(events).as("another organisation's refusal is still recorded")
        .anyMatch(e -> "globex".equals(e.organisation()) && "DENIED".equals(e.outcome()));
    c.advance(Duration.ofHours(1));
    capped.close(); // flushes the counts; a closed instance answers nothing more, so a new one reads them
    AccessKeys reader = AccessKeys.on(cass).keyspace("sec_bounds_audit").clock(c).build();
    assertThat(reader.auditEvents(day)).filteredOn(e -> "AGGREGATED".equals(e.outcome())) // 1 open + 999 written
        .singleElement().satisfies(e -> { // 201 counted, in one row for the organisation's statements
          assertThat(e.organisation()).isEqualTo("acme");
          assertThat(e.keyId()).isNull();
          assertThat(e.action()).isEqualTo("STATEMENT");
          assertThat(e.events()).isEqualTo(201);
          assertThat(e.reason()).contains("(STATEMENT DENIED=201)");
        });
    reader.close();
  }

  @Test
  @DisplayName("1,000 made-up key ids (past the hour's audit cap) do not empty the throttle: a real key under attack "
      + "stays throttled (the throttle's own bound, 100,000 ids, is flooded in memory by FailureThrottleTest)")
  void throttleCannotBeEmptiedByVolume() {
    MutableClock c = new MutableClock(Instant.parse("2026-11-25T08:00:00Z"));
    AccessKeys throttled = AccessKeys.on(cass).keyspace("sec_bounds_throttle").clock(c)
        .throttle(3, Duration.ofMinutes(10)).build();
    IssuedKey real = throttled.issue("acme");
    String wrong = real.secret().substring(0, 24) + "B".repeat(42) + "A";
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> throttled.authenticate(wrong)).isInstanceOf(AccessDeniedException.class);
    }
    for (int i = 0; i < 1_050; i++) {
      String madeUp = String.format("dk_%020x_%s", 500_000 + i, "A".repeat(43)); // well-formed, unknown
      assertThatThrownBy(() -> throttled.authenticate(madeUp)).isInstanceOf(AccessDeniedException.class);
    }
    assertThatThrownBy(() -> throttled.authenticate(real.secret())).as("still throttled")
        .isInstanceOf(AccessDeniedException.class);
    c.advance(Duration.ofMinutes(10));
    assertThat(throttled.authenticate(real.secret()).keyId()).isEqualTo(real.id());
  }

  @Test
  @DisplayName("a wrong secret for a known id, an unknown id and a throttled id cost the caller the same round trips")
  void noTimingOracleBetweenKnownAndUnknownIds() {
    CountingExecutor counting = new CountingExecutor(cass);
    MutableClock c = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
    AccessKeys keysCounted = AccessKeys.on(counting).keyspace("sec_bounds_timing").clock(c)
        .throttle(2, Duration.ofMinutes(10)).build();
    IssuedKey real = keysCounted.issue("acme");
    String wrong = real.secret().substring(0, 24) + "B".repeat(42) + "A";
    for (int i = 0; i < 150; i++) { // spend the unknown-key audit budget of the minute (100)
      String madeUp = String.format("dk_%020x_%s", 900_000 + i, "A".repeat(43));
      assertThatThrownBy(() -> keysCounted.authenticate(madeUp)).isInstanceOf(AccessDeniedException.class);
    }
    int unknown = syncRoundTrips(counting, () -> keysCounted.authenticate(String.format("dk_%020x_%s", 1, "A".repeat(43))));
    int wrongSecret = syncRoundTrips(counting, () -> keysCounted.authenticate(wrong));
    syncRoundTrips(counting, () -> keysCounted.authenticate(wrong));
    int throttledId = syncRoundTrips(counting, () -> keysCounted.authenticate(wrong));
    assertThat(List.of(unknown, wrongSecret, throttledId)).containsOnly(1);
  }

  private static int syncRoundTrips(CountingExecutor counting, Runnable attempt) {
    int before = counting.syncExecutes.get();
    assertThatThrownBy(attempt::run).isInstanceOf(AccessDeniedException.class);
    return counting.syncExecutes.get() - before;
  }

  /** The real manager, counting what the calling thread waits for (schema reads, synchronous statements). */
  private static final class CountingExecutor extends CqlExecutorWrapper {
    final AtomicInteger schemaReads = new AtomicInteger();
    final AtomicInteger syncExecutes = new AtomicInteger();

    CountingExecutor(CqlExecutor real) {
      super(real);
    }

    @Override
    public ResultSet execute(Statement<?> statement) {
      syncExecutes.incrementAndGet();
      return super.execute(statement);
    }

    @Override
    public Metadata schema() {
      schemaReads.incrementAndGet();
      return super.schema();
    }
  }
}
