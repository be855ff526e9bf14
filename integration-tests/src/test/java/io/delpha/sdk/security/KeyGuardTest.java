package io.delpha.sdk.security;

import io.delpha.sdk.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.cassandra.DictionaryManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The organisation-key guard against the attacks seen in review")
class KeyGuardTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final String ACME = "guard_acme";
  private static final String GLOBEX = "guard_globex";
  private static final String STORE = "sec_guard";

  private static CassandraManager cass;
  private static MutableClock clock;
  private static AccessKeys keys;

  @BeforeAll
  static void setUp() {
    cass = SecurityTesting.connect();
    SecurityTesting.tenantKeyspaces(cass, 10, ACME, GLOBEX);
    clock = new MutableClock(START);
    keys = AccessKeys.on(cass).keyspace(STORE).clock(clock).revocationCheckInterval(Duration.ofSeconds(2)).build();
    keys.assignKeyspace("acme", ACME);
    keys.assignKeyspace("globex", GLOBEX);
  }

  @AfterAll
  static void tearDown() {
    cass.close();
  }

  @Test
  @DisplayName("a CQL-text batch with a literal statement into another tenant is refused; that tenant's row is unchanged")
  void textBatchEscape() {
    List<String> before = rows(GLOBEX);
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      Throwable t = catchThrowable(() -> acme.execute("BEGIN BATCH INSERT INTO " + ACME + ".events (id, v) VALUES (?, ?); "
          + "INSERT INTO " + GLOBEX + ".events (id, v) VALUES (1, 'x'); APPLY BATCH", 7, "y"));
      assertThat(t).isInstanceOf(AccessDeniedException.class).hasMessage("access denied");
    }
    assertThat(rows(GLOBEX)).isEqualTo(before);
    assertThat(cass.execute("SELECT v FROM " + ACME + ".events WHERE id = 7").one().getString(0)).isEqualTo(ACME + "7");
  }

  @Test
  @DisplayName("a text batch writing a grant into the key store is refused, and the key still cannot read the other tenant")
  void forgedGrant() {
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      assertThatThrownBy(() -> acme.execute("BEGIN BATCH INSERT INTO " + ACME + ".events (id, v) VALUES (?, ?); "
          + "INSERT INTO " + STORE + ".org_keyspaces (organisation, keyspace_name) VALUES ('acme', '" + GLOBEX + "'); "
          + "APPLY BATCH", 8, "y")).isInstanceOf(AccessDeniedException.class);
      assertThat(keys.keyspacesOf("acme")).containsExactly(ACME);
      clock.advance(Duration.ofSeconds(3));
      assertThatThrownBy(() -> acme.execute("SELECT * FROM " + GLOBEX + ".events").all())
          .isInstanceOf(AccessDeniedException.class);
    }
  }

  @Test
  @DisplayName("a bound statement the host prepared from a batch text is re-prepared by the session and refused")
  void hostPreparedBatch() {
    List<String> before = rows(GLOBEX);
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      var bound = cass.prepare("BEGIN BATCH INSERT INTO " + ACME + ".events (id, v) VALUES (?, ?); "
          + "INSERT INTO " + GLOBEX + ".events (id, v) VALUES (2, 'x'); APPLY BATCH").bind(9, "y");
      assertThatThrownBy(() -> acme.execute(bound)).isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> acme.execute(BatchStatement.newInstance(BatchType.LOGGED, bound)))
          .isInstanceOf(AccessDeniedException.class);
    }
    assertThat(rows(GLOBEX)).isEqualTo(before);
  }

  @Test
  @DisplayName("refusals look alike for an existing table of another tenant and for one that does not exist")
  void noTableExistsOracle() {
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      Throwable existing = catchThrowable(() -> acme.execute("SELECT * FROM " + GLOBEX + ".events WHERE id = ?", 1).all());
      Throwable missing = catchThrowable(() -> acme.execute("SELECT * FROM " + GLOBEX + ".nope WHERE id = ?", 1).all());
      Throwable noKeyspace = catchThrowable(() -> acme.execute("SELECT * FROM no_such_ks.nope WHERE id = ?", 1).all());
      for (Throwable t : List.of(existing, missing, noKeyspace)) {
        assertThat(t).isInstanceOf(AccessDeniedException.class).hasMessage("access denied").hasNoCause();
      }
    }
  }

  @Test
  @DisplayName("the library's own keyspaces and Cassandra's cannot be assigned to an organisation")
  void reservedKeyspaces() {
    for (String ks : List.of("delpha_ingest", STORE, "system_auth", "system_schema", "system")) {
      assertThatThrownBy(() -> keys.assignKeyspace("acme", ks)).as(ks).isInstanceOf(InvalidInputException.class);
    }
    AccessKeys custom = AccessKeys.on(cass).keyspace(STORE).reservedKeyspaces(List.of("host_registry")).build();
    assertThatThrownBy(() -> custom.assignKeyspace("acme", "HOST_REGISTRY")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> custom.assignKeyspace("acme", "delpha_ingest")).isInstanceOf(InvalidInputException.class);
    assertThat(keys.keyspacesOf("acme")).containsExactly(ACME);
  }

  @Test
  @DisplayName("revoking the key stops a synchronous read between pages within the interval")
  void revokeStopsSyncPaging() {
    IssuedKey key = keys.issue("acme");
    assertStopsSync(key, () -> keys.revoke(key.id()));
  }

  @Test
  @DisplayName("unassigning the keyspace stops a synchronous read between pages within the interval")
  void unassignStopsSyncPaging() {
    keys.assignKeyspace("acme", "guard_acme_extra");
    SecurityTesting.createKeyspace(cass, "guard_acme_extra");
    cass.execute("CREATE TABLE IF NOT EXISTS guard_acme_extra.events (id int PRIMARY KEY, v text)");
    for (int i = 1; i <= 10; i++) {
      cass.execute("INSERT INTO guard_acme_extra.events (id, v) VALUES (?, ?)", i, "x" + i);
    }
    IssuedKey key = keys.issue("acme");
    try (ScopedSession s = keys.open(key.secret())) {
      Iterator<Row> it = s.execute(SimpleStatement.newInstance("SELECT * FROM guard_acme_extra.events").setPageSize(1)).iterator();
      it.next();
      it.next();
      keys.unassignKeyspace("acme", "guard_acme_extra");
      clock.advance(Duration.ofSeconds(3));
      assertThatThrownBy(() -> drain(it)).isInstanceOf(AccessDeniedException.class);
      assertThat(s.execute("SELECT * FROM " + ACME + ".events WHERE id = ?", 1).one()).isNotNull();
    }
  }

  @Test
  @DisplayName("key expiry stops a synchronous read between pages")
  void expiryStopsSyncPaging() {
    IssuedKey key = keys.issue("acme", clock.instant().plus(Duration.ofMinutes(1)));
    assertStopsSync(key, () -> clock.advance(Duration.ofMinutes(2)));
  }

  @Test
  @DisplayName("closing the session stops a synchronous read between pages")
  void closeStopsSyncPaging() {
    try (ScopedSession s = keys.open(keys.issue("acme").secret())) {
      Iterator<Row> it = s.execute(SimpleStatement.newInstance("SELECT * FROM " + ACME + ".events").setPageSize(1)).iterator();
      it.next();
      s.close();
      assertThatThrownBy(() -> drain(it)).isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  @DisplayName("revoke, expiry and close stop asynchronous paging (fetchNextPage) too")
  void asyncPaging() {
    IssuedKey revoked = keys.issue("acme");
    assertStopsAsync(revoked, s -> {
      keys.revoke(revoked.id());
      clock.advance(Duration.ofSeconds(3));
    }, AccessDeniedException.class);
    IssuedKey expiring = keys.issue("acme", clock.instant().plus(Duration.ofMinutes(1)));
    assertStopsAsync(expiring, s -> clock.advance(Duration.ofMinutes(2)), AccessDeniedException.class);
    assertStopsAsync(keys.issue("acme"), ScopedSession::close, InvalidInputException.class);
  }

  @Test
  @DisplayName("a flood of bad keys writes a bounded number of audit rows, the rest counted in one summary row")
  void auditFloodIsBounded() {
    MutableClock floodClock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
    AccessKeys flooded = AccessKeys.on(cass).keyspace("sec_guard_flood").clock(floodClock).build();
    for (int i = 0; i < 400; i++) {
      String badKey = String.format("dk_%020x_%s", i, "A".repeat(43));
      assertThatThrownBy(() -> flooded.authenticate(badKey)).isInstanceOf(AccessDeniedException.class);
    }
    LocalDate day = LocalDate.ofInstant(floodClock.instant(), ZoneOffset.UTC);
    assertThat(flooded.auditEvents(day)).hasSize(100);
    floodClock.advance(Duration.ofMinutes(1));
    assertThatThrownBy(() -> flooded.authenticate("garbage")).isInstanceOf(AccessDeniedException.class);
    List<AuditEvent> events = flooded.auditEvents(day);
    assertThat(events).hasSize(102);
    assertThat(events).filteredOn(e -> "AGGREGATED".equals(e.outcome())).singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("AUTHENTICATE DENIED=300"));
    try (var stream = flooded.streamAuditEvents(day)) {
      assertThat(stream.count()).isEqualTo(102);
    }

    // a flood of made-up keys cannot hide guesses at a real organisation's key: that budget is its own
    IssuedKey real = flooded.issue("acme");
    floodClock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 150; i++) {
      String badKey = String.format("dk_%020x_%s", 1_000 + i, "B".repeat(43));
      assertThatThrownBy(() -> flooded.authenticate(badKey)).isInstanceOf(AccessDeniedException.class);
    }
    String otherSecret = flooded.issue("globex").secret();
    String wrongSecret = "dk_" + real.id() + "_" + otherSecret.substring(("dk_" + real.id() + "_").length());
    assertThatThrownBy(() -> flooded.authenticate(wrongSecret)).isInstanceOf(AccessDeniedException.class);
    assertThat(flooded.auditEvents(day)).filteredOn(e -> real.id().equals(e.keyId()) && "DENIED".equals(e.outcome()))
        .singleElement().satisfies(e -> {
          assertThat(e.organisation()).isEqualTo("acme");
          assertThat(e.reason()).isEqualTo("wrong secret");
        });
  }

  @Test
  @DisplayName("a DictionaryManager over an organisation's scoped session sees that organisation's keyspaces only")
  void dictionaryOverScopedSession() {
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      DictionaryManager dict = new DictionaryManager(acme);
      assertThat(dict.listKeyspaces()).contains(ACME).doesNotContain(GLOBEX, STORE, "system");
      assertThat(dict.describeTable(ACME, "events").columns()).extracting(c -> c.name()).contains("id", "v");
      assertThatThrownBy(() -> dict.describeTable(GLOBEX, "events")).isInstanceOf(NotFoundException.class)
          .hasMessageContaining("does not exist").hasMessageNotContaining(STORE);
    }
  }

  @Test
  @DisplayName("the key store's keyspace defaults to NetworkTopologyStrategy in the local data center, min(3, nodes)")
  void keyStoreReplicationSurvivesNodeLoss() {
    java.util.Map<String, String> replication = cass.execute(
        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", STORE).one()
        .getMap(0, String.class, String.class);
    assertThat(replication).containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy")
        .containsEntry("datacenter1", "1").hasSize(2);
  }

  @Test
  @DisplayName("a '--' comment right after a number hides nothing from the guard; a reserved keyspace in the registry grants nothing")
  void lexerAndReservedEdgeCases() {
    List<String> before = rows(GLOBEX);
    SecurityTesting.createKeyspace(cass, "delpha_ingest");
    cass.execute("CREATE TABLE IF NOT EXISTS delpha_ingest.customers (id text PRIMARY KEY, password_hash text)");
    cass.execute("INSERT INTO delpha_ingest.customers (id, password_hash) VALUES ('c1', 'pbkdf2-secret')");
    // an assignment written behind the library's back (or by a version that allowed it)
    cass.execute("INSERT INTO " + STORE + ".org_keyspaces (organisation, keyspace_name) VALUES ('acme', 'delpha_ingest')");
    try (ScopedSession acme = keys.open(keys.issue("acme").secret())) {
      assertThatThrownBy(() -> acme.execute("SELECT blobAsInt(intAsBlob(1--)) FROM " + ACME + ".events\n) FROM "
          + GLOBEX + ".events").all()).isInstanceOf(DelphaException.class);
      assertThatThrownBy(() -> acme.execute("UPDATE " + ACME + ".events SET v = ? WHERE id = 1--\n; UPDATE " + GLOBEX
          + ".events SET v = ? WHERE id = 1", "x", "y")).isInstanceOf(DelphaException.class);
      assertThatThrownBy(() -> acme.execute("SELECT * FROM delpha_ingest.customers").all())
          .isInstanceOf(AccessDeniedException.class);
    } finally {
      cass.execute("DELETE FROM " + STORE + ".org_keyspaces WHERE organisation = 'acme' AND keyspace_name = 'delpha_ingest'");
    }
    assertThat(rows(GLOBEX)).isEqualTo(before);
  }

  private static void assertStopsSync(IssuedKey key, Runnable stop) {
    try (ScopedSession s = keys.open(key.secret())) {
      ResultSet rs = s.execute(SimpleStatement.newInstance("SELECT * FROM " + ACME + ".events").setPageSize(1));
      Iterator<Row> it = rs.iterator();
      it.next();
      it.next();
      stop.run();
      clock.advance(Duration.ofSeconds(3));
      int before = countRead(it);
      assertThat(before).as("rows read after the stop, page size 1").isLessThanOrEqualTo(1);
    }
  }

  private static int countRead(Iterator<Row> it) {
    int n = 0;
    try {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    } catch (AccessDeniedException expected) {
      return n;
    }
    throw new AssertionError("the read went on to the end (" + n + " more rows) after the key stopped being valid");
  }

  private static void assertStopsAsync(IssuedKey key, Consumer<ScopedSession> stop, Class<? extends DelphaException> expected) {
    try (ScopedSession s = keys.open(key.secret())) {
      AsyncResultSet first = s.executeAsync(SimpleStatement.newInstance("SELECT * FROM " + ACME + ".events").setPageSize(1))
          .toCompletableFuture().join();
      AsyncResultSet second = first.fetchNextPage().toCompletableFuture().join();
      assertThat(second.hasMorePages()).isTrue();
      stop.accept(s);
      Throwable t = catchThrowable(() -> second.fetchNextPage().toCompletableFuture().join());
      assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(expected);
    }
  }

  private static void drain(Iterator<Row> it) {
    while (it.hasNext()) {
      it.next();
    }
  }

  private static List<String> rows(String ks) {
    return SecurityTesting.rows(cass, ks);
  }
}
