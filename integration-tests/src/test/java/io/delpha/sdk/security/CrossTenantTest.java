package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("An organisation key's scoped session across tenants")
class CrossTenantTest {

  private static final String HOME = "ct_acme";
  private static final String OTHER = "ct_beta";
  private static final Instant NOW = Instant.parse("2031-03-01T10:00:00Z");

  static CassandraManager cass;
  static AccessKeys keys;
  static IssuedKey acmeKey;
  static ScopedSession session;
  static List<String> otherSnapshot;

  /** One statement shape, run against a target keyspace by a session whose organisation owns home. */
  interface Action {
    void run(ScopedSession s, String target, String home);
  }

  record Shape(String name, boolean worksAtHome, Action action) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        works("qualified SELECT with a bound key", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE id = ?", 1).all()),
        works("unprepared SELECT with a literal key", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE id = 1").all()),
        works("full-table SELECT", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events").all()),
        works("aggregate count(*)", (s, t, h) -> s.execute("SELECT count(*) FROM " + t + ".events").all()),
        works("SELECT DISTINCT partition keys", (s, t, h) -> s.execute("SELECT DISTINCT id FROM " + t + ".events").all()),
        works("SELECT JSON", (s, t, h) -> s.execute("SELECT JSON * FROM " + t + ".events WHERE id = ?", 2).all()),
        works("writetime() and ttl()", (s, t, h) -> s.execute("SELECT writetime(v), ttl(v) FROM " + t + ".events WHERE id = ?", 2).all()),
        works("IN list of literals", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE id IN (1, 2, 3)").all()),
        works("IN list bound as one value", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE id IN ?", List.of(1, 2)).all()),
        works("token() in the selection", (s, t, h) -> s.execute("SELECT token(id), id FROM " + t + ".events").all()),
        works("token() range scan", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE token(id) > ?", Long.MIN_VALUE).all()),
        works("secondary-index query", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE tag = ?", "t1").all()),
        works("ALLOW FILTERING scan", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events WHERE v > ? ALLOW FILTERING", 0).all()),
        works("materialized view", (s, t, h) -> s.execute("SELECT * FROM " + t + ".events_by_tag WHERE tag = ?", "t1").all()),
        works("user function in the selection", (s, t, h) -> s.execute("SELECT " + t + ".plus_one(v) FROM " + t + ".events WHERE id = ?", 1).all()),
        works("home function over the target's table", (s, t, h) -> s.execute("SELECT " + h + ".plus_one(v) FROM " + t + ".events WHERE id = ?", 1).all()),
        works("clustering range", (s, t, h) -> s.execute("SELECT * FROM " + t + ".timeline WHERE p = ? AND c > ?", 1, 0).all()),
        works("GROUP BY", (s, t, h) -> s.execute("SELECT p, count(*) FROM " + t + ".timeline GROUP BY p").all()),
        works("INSERT with bind markers", (s, t, h) -> s.execute("INSERT INTO " + t + ".events (id, v, tag) VALUES (?, ?, ?)", 40, 1, "x")),
        works("INSERT JSON", (s, t, h) -> s.execute("INSERT INTO " + t + ".events JSON ?", "{\"id\": 41, \"v\": 2}")),
        works("UPDATE with bind markers", (s, t, h) -> s.execute("UPDATE " + t + ".events SET v = ? WHERE id = ?", 7, 42)),
        works("conditional UPDATE (lightweight transaction)", (s, t, h) -> s.execute("UPDATE " + t + ".events SET v = ? WHERE id = ? IF v = ?", 8, 3, 30)),
        works("INSERT IF NOT EXISTS", (s, t, h) -> s.execute("INSERT INTO " + t + ".events (id, v) VALUES (?, ?) IF NOT EXISTS", 43, 1)),
        works("DELETE with a bound key", (s, t, h) -> s.execute("DELETE FROM " + t + ".events WHERE id = ?", 40)),
        works("counter increment", (s, t, h) -> s.execute("UPDATE " + t + ".counters SET hits = hits + 1 WHERE id = ?", 1)),
        works("unprepared SimpleStatement carrying values", (s, t, h) -> s.execute(SimpleStatement.newInstance("SELECT v FROM " + t + ".events WHERE id = ?", 2)).all()),
        works("prepared by the session, then bound", (s, t, h) -> s.execute(s.prepare("SELECT v FROM " + t + ".events WHERE id = ?").bind(2)).all()),
        works("prepared by the host connection, bound and run in the session", (s, t, h) -> s.execute(cass.prepare("SELECT v FROM " + t + ".events WHERE id = ?").bind(2)).all()),
        works("asynchronous execution", (s, t, h) -> s.executeAsync("SELECT * FROM " + t + ".events WHERE id = ?", 1).toCompletableFuture().join()),
        works("streamed rows", (s, t, h) -> s.stream("SELECT id FROM " + t + ".events").count()),
        refused("CQL text batch mixing home and target (batches are BatchStatements)", (s, t, h) -> s.execute("BEGIN BATCH INSERT INTO " + h + ".events (id, v) VALUES (?, ?); "
            + "INSERT INTO " + t + ".events (id, v) VALUES (?, ?); APPLY BATCH", 44, 1, 44, 1)),
        works("BatchStatement mixing home and target", (s, t, h) -> s.execute(BatchStatement.newInstance(BatchType.LOGGED,
            SimpleStatement.newInstance("INSERT INTO " + h + ".events (id, v) VALUES (?, ?)", 45, 1),
            SimpleStatement.newInstance("INSERT INTO " + t + ".events (id, v) VALUES (?, ?)", 45, 1)))),
        works("BatchStatement of host-prepared bound statements", (s, t, h) -> s.execute(BatchStatement.newInstance(BatchType.UNLOGGED,
            cass.prepare("UPDATE " + h + ".events SET v = ? WHERE id = ?").bind(1, 46),
            cass.prepare("UPDATE " + t + ".events SET v = ? WHERE id = ?").bind(1, 46)))),
        works("home statement routed to the target keyspace", (s, t, h) -> s.execute(SimpleStatement.newInstance(
            "SELECT * FROM " + h + ".events WHERE id = ?", 1).setRoutingKeyspace(t)).all()),
        refused("DELETE without bind markers", (s, t, h) -> s.execute("DELETE FROM " + t + ".events WHERE id = 999")),
        refused("INSERT with literals only", (s, t, h) -> s.execute("INSERT INTO " + t + ".events (id, v) VALUES (998, 1)")),
        refused("USE", (s, t, h) -> s.execute("USE " + t)),
        refused("CREATE TABLE", (s, t, h) -> s.execute("CREATE TABLE " + t + ".intruder (id int PRIMARY KEY)")),
        refused("ALTER TABLE", (s, t, h) -> s.execute("ALTER TABLE " + t + ".events ADD extra int")),
        refused("DROP TABLE", (s, t, h) -> s.execute("DROP TABLE " + t + ".events")),
        refused("TRUNCATE", (s, t, h) -> s.execute("TRUNCATE " + t + ".events")),
        refused("CREATE INDEX", (s, t, h) -> s.execute("CREATE INDEX ON " + t + ".events (v)")),
        refused("CREATE FUNCTION", (s, t, h) -> s.execute("CREATE FUNCTION " + t + ".evil(x int) RETURNS NULL ON NULL INPUT "
            + "RETURNS int LANGUAGE java AS 'return x;'")),
        refused("DROP KEYSPACE", (s, t, h) -> s.execute("DROP KEYSPACE " + t)),
        refused("GRANT", (s, t, h) -> s.execute("GRANT SELECT ON KEYSPACE " + t + " TO cassandra")),
        refused("LIST ROLES", (s, t, h) -> s.execute("LIST ROLES").all()),
        refused("system_schema tables of the target", (s, t, h) -> s.execute("SELECT * FROM system_schema.tables WHERE keyspace_name = ?", t).all()),
        refused("system.local", (s, t, h) -> s.execute("SELECT * FROM system.local").all()),
        refused("system_views virtual table", (s, t, h) -> s.execute("SELECT * FROM system_views.clients").all()),
        refused("the access key table", (s, t, h) -> s.execute("SELECT * FROM " + keys.keyspace() + ".access_keys").all()),
        refused("per-statement keyspace with an unqualified table", (s, t, h) -> s.execute(SimpleStatement.newInstance(
            "SELECT * FROM events WHERE id = ?", 1).setKeyspace(t)).all()),
        refused("unqualified table without a session keyspace", (s, t, h) -> s.execute("SELECT * FROM events WHERE id = ?", 1).all()),
        refused("unknown table (existence is not revealed)", (s, t, h) -> s.execute("SELECT * FROM " + t + ".no_such_table WHERE id = ?", 1).all()),
        refused("BatchStatement with its own keyspace", (s, t, h) -> s.execute(BatchStatement.newInstance(BatchType.LOGGED,
            SimpleStatement.newInstance("INSERT INTO " + h + ".events (id, v) VALUES (?, ?)", 47, 1)).setKeyspace(t))));
  }

  private static Shape works(String name, Action action) {
    return new Shape(name, true, action);
  }

  private static Shape refused(String name, Action action) {
    return new Shape(name, false, action);
  }

  @BeforeAll
  static void setUp() {
    cass = SecurityTesting.connect();
    for (String ks : List.of(HOME, OTHER)) {
      SecurityTesting.createKeyspace(cass, ks);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".events (id int PRIMARY KEY, v int, tag text)");
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".timeline (p int, c int, v text, PRIMARY KEY (p, c))");
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".counters (id int PRIMARY KEY, hits counter)");
      cass.execute("CREATE INDEX IF NOT EXISTS events_tag ON " + ks + ".events (tag)");
      cass.execute("CREATE MATERIALIZED VIEW IF NOT EXISTS " + ks + ".events_by_tag AS SELECT id, tag, v FROM " + ks
          + ".events WHERE tag IS NOT NULL AND id IS NOT NULL PRIMARY KEY (tag, id)");
      cass.execute("CREATE OR REPLACE FUNCTION " + ks + ".plus_one(x int) RETURNS NULL ON NULL INPUT RETURNS int "
          + "LANGUAGE java AS 'return x + 1;'");
      for (int i = 1; i <= 5; i++) {
        cass.execute("INSERT INTO " + ks + ".events (id, v, tag) VALUES (?, ?, ?)", i, i * 10, "t" + (i % 2));
        cass.execute("INSERT INTO " + ks + ".timeline (p, c, v) VALUES (?, ?, ?)", 1, i, "e" + i);
      }
      cass.execute("UPDATE " + ks + ".counters SET hits = hits + 5 WHERE id = ?", 1);
    }
    keys = AccessKeys.on(cass).keyspace("sec_crosstenant").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    keys.assignKeyspace("acme", HOME);
    keys.assignKeyspace("beta", OTHER);
    acmeKey = keys.issue("acme");
    session = keys.open(acmeKey.secret());
    otherSnapshot = snapshot(OTHER);
  }

  @AfterAll
  static void tearDown() {
    session.close();
    cass.close();
  }

  @Test
  @DisplayName("covers at least 30 statement shapes")
  void enoughShapes() {
    assertThat(shapes().count()).isGreaterThanOrEqualTo(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  @DisplayName("is refused and audited on another organisation's keyspace, which stays untouched")
  void refusedAcrossTenants(Shape shape) {
    long before = deniedStatements();
    Throwable thrown = catchThrowable(() -> shape.action().run(session, OTHER, HOME));
    assertThat(unwrap(thrown)).isInstanceOf(AccessDeniedException.class).hasMessage("access denied").hasNoCause();
    assertThat(deniedStatements()).isGreaterThan(before);
    assertThat(snapshot(OTHER)).isEqualTo(otherSnapshot);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  @DisplayName("runs on the organisation's own keyspace, except shapes whose keyspaces cannot be established")
  void worksAtHome(Shape shape) {
    if (shape.worksAtHome()) {
      assertThatCode(() -> shape.action().run(session, HOME, HOME)).doesNotThrowAnyException();
    } else {
      long before = deniedStatements();
      assertThat(unwrap(catchThrowable(() -> shape.action().run(session, HOME, HOME))))
          .isInstanceOf(AccessDeniedException.class).hasMessage("access denied");
      assertThat(deniedStatements()).isGreaterThan(before);
    }
  }

  @Test
  @DisplayName("records why a statement was refused in the audit table, naming the keyspace reached")
  void auditsTheReason() {
    catchThrowable(() -> session.execute("SELECT * FROM " + OTHER + ".events WHERE id = ?", 1));
    List<AuditEvent> events = keys.auditEvents(LocalDate.ofInstant(NOW, ZoneOffset.UTC));
    AuditEvent last = events.get(events.size() - 1);
    assertThat(last.keyId()).isEqualTo(acmeKey.id());
    assertThat(last.organisation()).isEqualTo("acme");
    assertThat(last.action()).isEqualTo("STATEMENT");
    assertThat(last.outcome()).isEqualTo("DENIED");
    assertThat(last.reason()).contains(OTHER).contains("SELECT * FROM " + OTHER + ".events");
    assertThat(last.at()).isEqualTo(NOW);
  }

  @Test
  @DisplayName("the admin key's session runs anything, DDL included")
  void adminRunsAnything() {
    AccessKeys adminKeys = AccessKeys.on(cass).keyspace("sec_crosstenant_admin").build();
    IssuedKey admin = adminKeys.issueAdmin();
    try (ScopedSession s = adminKeys.open(admin.secret())) {
      s.execute("CREATE TABLE IF NOT EXISTS " + OTHER + ".admin_made (id int PRIMARY KEY)");
      s.execute("INSERT INTO " + OTHER + ".admin_made (id) VALUES (1)");
      assertThat(s.execute("SELECT * FROM system.local").one()).isNotNull();
      assertThat(s.execute("SELECT id FROM " + OTHER + ".admin_made").one().getInt(0)).isEqualTo(1);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static long deniedStatements() {
    return keys.auditEvents(LocalDate.ofInstant(NOW, ZoneOffset.UTC)).stream()
        .filter(e -> acmeKey.id().equals(e.keyId()) && "STATEMENT".equals(e.action()) && "DENIED".equals(e.outcome()))
        .count();
  }

  private static List<String> snapshot(String ks) {
    List<String> rows = new ArrayList<>();
    for (Row r : cass.execute("SELECT id, v, tag FROM " + ks + ".events")) {
      rows.add(r.getInt("id") + ":" + r.getInt("v") + ":" + r.getString("tag"));
    }
    for (Row r : cass.execute("SELECT p, c, v FROM " + ks + ".timeline")) {
      rows.add(r.getInt("p") + "/" + r.getInt("c") + "/" + r.getString("v"));
    }
    rows.add("hits=" + cass.execute("SELECT hits FROM " + ks + ".counters WHERE id = 1").one().getLong(0));
    rows.add("tables=" + cass.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", ks).all().size());
    rows.sort(String::compareTo);
    return rows;
  }
}
