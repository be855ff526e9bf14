package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.internal.DatabaseRoles;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.MutableClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 33, roles mode, on the harness's auth node: the organisation roles' grants follow the registry while
 * keyspaces move and sessions open in other threads and another instance; role names carry the key store's
 * identity and a store drops with everything it made; per-organisation bounds; Cassandra's refusals reach the key
 * holder as the library's uniform denial. Judged by what Cassandra lists and by what sessions can read.
 */
@DisplayName("roles mode: grants follow the registry, roles per key store, per-organisation bounds (auth cluster)")
class RolesGrantsTest {

  private static final String[] RACE_KEYSPACES = {"grants_ks1", "grants_ks2", "grants_ks3"};
  private static final List<String> ORGS = List.of("acme", "globex");

  private static CassandraServer server;
  private static CassandraManager admin;

  @BeforeAll
  static void setUp() {
    server = CassandraServer.shared(CassandraServer.Variant.AUTH);
    admin = CassandraRolesTest.connect(server.superuser(), server.superuserPassword());
    for (String ks : RACE_KEYSPACES) {
      SecurityTesting.tenantKeyspaces(admin, 3, ks);
    }
    SecurityTesting.tenantKeyspaces(admin, 3, "stores_one_acme", "stores_two_acme", "bounds_acme", "bounds_globex");
  }

  @AfterAll
  static void tearDown() {
    admin.close();
  }

  private static DatabaseLogin login() {
    return (role, password) -> CassandraRolesTest.connect(role, password.reveal());
  }

  @Test
  @DisplayName("while keyspaces move between organisations and sessions open in other threads and another instance, "
      + "Cassandra's grants end equal to the registry, and a former owner reads nothing")
  void grantsFollowTheRegistryUnderRaces() throws Exception {
    String store = "sec_grants_race";
    io.delpha.sdk.core.Secret hostKey = io.delpha.sdk.core.Secret.of("grants-race-role-password-key-0123456789");
    try (AccessKeys changer = AccessKeys.on(admin).keyspace(store).cassandraRoles(login(), hostKey)
            .withoutStatementGuardForTesting().maxOpensPerSecondPerOrganisation(100_000).build();
        AccessKeys other = AccessKeys.on(admin).keyspace(store).cassandraRoles(login(), hostKey)
            .withoutStatementGuardForTesting().maxOpensPerSecondPerOrganisation(100_000).build()) {
      Map<String, String> keyOf = new TreeMap<>();
      for (String org : ORGS) {
        keyOf.put(org, changer.issue(org).secret());
      }
      Random random = new Random(33);
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      for (int round = 0; round < 6; round++) {
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> openers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          AccessKeys through = t == 0 ? changer : other;
          String org = ORGS.get(t % ORGS.size());
          String ks = RACE_KEYSPACES[t];
          Thread opener = new Thread(() -> {
            while (!done.get()) {
              try (ScopedSession s = through.open(keyOf.get(org))) {
                s.execute("SELECT v FROM " + ks + ".events WHERE id = 1").all();
              } catch (AccessDeniedException refusedByCassandra) {
                // the keyspace was not the organisation's at that moment
              } catch (Throwable e) {
                failures.add(e);
              }
            }
          });
          opener.start();
          openers.add(opener);
        }
        for (int step = 0; step < 8; step++) {
          String ks = RACE_KEYSPACES[random.nextInt(RACE_KEYSPACES.length)];
          String owner = owners(store).get(ks);
          if (owner != null) {
            changer.unassignKeyspace(owner, ks);
          }
          if (random.nextInt(10) < 7) {
            changer.assignKeyspace(ORGS.get(random.nextInt(ORGS.size())), ks);
          }
        }
        done.set(true);
        for (Thread t : openers) {
          t.join();
        }
        assertThat(failures).as("unexpected errors in the openers").isEmpty();
        Map<String, String> owners = owners(store);
        for (String org : ORGS) {
          Map<String, Set<String>> expected = new TreeMap<>();
          owners.forEach((ks, o) -> {
            if (o.equals(org)) {
              expected.put("<keyspace " + ks + ">", Set.of("MODIFY", "SELECT"));
            }
          });
          assertThat(grantsOf(DatabaseRoles.organisationRole(store, org))).as("round %d, grants of %s", round, org)
              .isEqualTo(expected);
          // judged by the data: with the library's guard off, the organisation reads exactly what it owns
          try (ScopedSession s = other.open(keyOf.get(org))) {
            for (String ks : RACE_KEYSPACES) {
              String query = "SELECT v FROM " + ks + ".events WHERE id = 1";
              if (org.equals(owners.get(ks))) {
                assertThat(s.execute(query).one().getString(0)).isEqualTo(ks + "1");
              } else {
                assertThatThrownBy(() -> s.execute(query).all()).as("round %d: %s reads %s", round, org, ks)
                    .isInstanceOf(AccessDeniedException.class).hasMessage("access denied");
              }
            }
          }
        }
      }
    }
  }

  @Test
  @DisplayName("the sweep puts grants right on its own: a stray grant is revoked, a keyspace created again is granted again")
  void sweepReconciles() {
    String store = "sec_grants_sweep";
    SecurityTesting.tenantKeyspaces(admin, 1, "sweep_acme", "sweep_other");
    try (AccessKeys keys = AccessKeys.on(admin).keyspace(store).cassandraRoles(login())
        .roleSweepInterval(java.time.Duration.ofMillis(200)).build()) {
      keys.assignKeyspace("acme", "sweep_acme");
      String role = DatabaseRoles.organisationRole(store, "acme");
      Map<String, Set<String>> owned = Map.of("<keyspace sweep_acme>", Set.of("MODIFY", "SELECT"));
      assertThat(grantsOf(role)).isEqualTo(owned);
      // what a process stopped between a stale grant and its check would leave behind
      admin.execute("GRANT SELECT ON TABLE sweep_other.events TO \"" + role + "\"");
      admin.execute("GRANT MODIFY ON KEYSPACE sweep_other TO \"" + role + "\"");
      io.delpha.sdk.testing.ServerSupport.await("the sweep to revoke the stray grants", java.time.Duration.ofSeconds(60),
          () -> grantsOf(role).equals(owned));
      // Cassandra drops a keyspace's permissions with it: created again, it is granted again by the sweep
      admin.execute("DROP KEYSPACE sweep_acme");
      assertThat(grantsOf(role)).as("dropped with the keyspace").isEmpty();
      SecurityTesting.tenantKeyspaces(admin, 1, "sweep_acme");
      io.delpha.sdk.testing.ServerSupport.await("the sweep to grant the keyspace created again",
          java.time.Duration.ofSeconds(60), () -> grantsOf(role).equals(owned));
    }
  }

  @Test
  @DisplayName("two key stores on one cluster share no role; dropping one removes its roles and keyspace only")
  void keyStoresShareNoRoleAndDropCleanly() {
    String one = "sec_stores_one";
    String two = "sec_stores_two";
    AccessKeys first = AccessKeys.on(admin).keyspace(one).cassandraRoles(login()).withoutStatementGuardForTesting()
        .build();
    AccessKeys second = AccessKeys.on(admin).keyspace(two).cassandraRoles(login()).withoutStatementGuardForTesting()
        .build();
    try {
      first.assignKeyspace("acme", "stores_one_acme");
      second.assignKeyspace("acme", "stores_two_acme");
      IssuedKey firstKey = first.issue("acme");
      IssuedKey secondKey = second.issue("acme");
      String firstRole = DatabaseRoles.organisationRole(one, "acme");
      String secondRole = DatabaseRoles.organisationRole(two, "acme");
      assertThat(firstRole).isNotEqualTo(secondRole).startsWith("delpha_" + DatabaseRoles.storeId(one) + "_");
      assertThat(DatabaseRoles.storeId(one)).hasSize(12).matches("[0-9a-f]{12}").isEqualTo(DatabaseRoles.storeId(one));
      assertThat(grantsOf(firstRole)).isEqualTo(Map.of("<keyspace stores_one_acme>", Set.of("MODIFY", "SELECT")));
      assertThat(grantsOf(secondRole)).isEqualTo(Map.of("<keyspace stores_two_acme>", Set.of("MODIFY", "SELECT")));
      try (ScopedSession s = first.open(firstKey.secret())) {
        assertThat(s.execute("SELECT v FROM stores_one_acme.events WHERE id = 2").one().getString(0))
            .isEqualTo("stores_one_acme2");
        assertThatThrownBy(() -> s.execute("SELECT v FROM stores_two_acme.events WHERE id = 2").all())
            .isInstanceOf(AccessDeniedException.class).hasMessage("access denied");
      }
      assertThat(storeRoles(two)).hasSize(2);

      assertThat(second.dropStore()).isEqualTo(2);
      assertThat(storeRoles(two)).as("LIST ROLES after the drop").isEmpty();
      assertThat(admin.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", two).one())
          .isNull();
      assertThatThrownBy(() -> CassandraRolesTest.connect(DatabaseRoles.keyRole(two, secondKey.id()), "any").close())
          .isInstanceOf(io.delpha.sdk.core.DelphaException.class);
      // the other store is untouched
      assertThat(storeRoles(one)).hasSize(2);
      assertThat(grantsOf(firstRole)).isEqualTo(Map.of("<keyspace stores_one_acme>", Set.of("MODIFY", "SELECT")));
      try (ScopedSession s = first.open(firstKey.secret())) {
        assertThat(s.execute("SELECT v FROM stores_one_acme.events WHERE id = 3").one().getString(0))
            .isEqualTo("stores_one_acme3");
      }
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  @DisplayName("sessions of one key share one driver session, closed with the last; open() costs few host statements")
  void sessionsShareOneConnection() {
    String store = "sec_grants_shared";
    AtomicInteger logins = new AtomicInteger();
    DatabaseLogin counting = (role, password) -> {
      logins.incrementAndGet();
      return CassandraRolesTest.connect(role, password.reveal());
    };
    Counting host = new Counting(admin);
    try (AccessKeys keys = AccessKeys.on(host).keyspace(store).cassandraRoles(counting).build()) {
      keys.assignKeyspace("acme", "bounds_acme");
      IssuedKey key = keys.issue("acme");
      String role = DatabaseRoles.keyRole(store, key.id());
      try (ScopedSession warm = keys.open(key.secret())) { // the first open logs in and reconciles
        assertThat(warm.execute("SELECT v FROM bounds_acme.events WHERE id = 1").one().getString(0))
            .isEqualTo("bounds_acme1");
        List<ScopedSession> more = new ArrayList<>();
        long before = host.statements.get();
        for (int i = 0; i < 10; i++) {
          more.add(keys.open(key.secret()));
        }
        long perOpen = (host.statements.get() - before) / 10;
        org.slf4j.LoggerFactory.getLogger(RolesGrantsTest.class)
            .info("host statements per open() in roles mode (after the first): {}", perOpen);
        assertThat(perOpen).isLessThanOrEqualTo(4);
        for (ScopedSession s : more) {
          assertThat(s.execute("SELECT v FROM bounds_acme.events WHERE id = 2").one().getString(0))
              .isEqualTo("bounds_acme2");
          s.close();
        }
        assertThat(logins.get()).as("one login for eleven sessions of one key").isEqualTo(1);
        assertThat(clientsOf(role)).as("Cassandra's clients logged in as the key's role").isPositive();
      }
      io.delpha.sdk.testing.ServerSupport.await("the role's driver session to close with the last session",
          java.time.Duration.ofSeconds(30), () -> clientsOf(role) == 0);
      try (ScopedSession again = keys.open(key.secret())) {
        assertThat(again.execute("SELECT v FROM bounds_acme.events WHERE id = 3").one()).isNotNull();
      }
      assertThat(logins.get()).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("an organisation's sessions and opens per second are capped: the excess is refused and audited, "
      + "other organisations are unaffected")
  void perOrganisationBounds() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T01:00:00Z"));
    try (AccessKeys keys = AccessKeys.on(admin).keyspace("sec_grants_bounds").cassandraRoles(login()).clock(clock)
        .maxSessionsPerOrganisation(2).maxOpensPerSecondPerOrganisation(3).build()) {
      keys.assignKeyspace("acme", "bounds_acme");
      keys.assignKeyspace("globex", "bounds_globex");
      IssuedKey acme = keys.issue("acme");
      IssuedKey globex = keys.issue("globex");
      ScopedSession a1 = keys.open(acme.secret());
      ScopedSession a2 = keys.open(acme.secret());
      assertThatThrownBy(() -> keys.open(acme.secret())).isInstanceOf(AccessDeniedException.class)
          .hasMessage("access denied");
      try (ScopedSession g = keys.open(globex.secret())) {
        assertThat(g.execute("SELECT v FROM bounds_globex.events WHERE id = 1").one().getString(0))
            .isEqualTo("bounds_globex1");
      }
      a1.close();
      a1.close(); // idempotent: frees one slot, not two
      clock.advance(java.time.Duration.ofSeconds(1));
      ScopedSession a3 = keys.open(acme.secret());
      assertThatThrownBy(() -> keys.open(acme.secret())).isInstanceOf(AccessDeniedException.class);
      a2.close();
      a3.close();
      // three opens a second at most, even when each closes at once
      clock.advance(java.time.Duration.ofSeconds(1));
      for (int i = 0; i < 3; i++) {
        keys.open(acme.secret()).close();
      }
      assertThatThrownBy(() -> keys.open(acme.secret())).isInstanceOf(AccessDeniedException.class);
      clock.advance(java.time.Duration.ofSeconds(1));
      keys.open(acme.secret()).close();
      List<AuditEvent> throttled = keys.auditEvents(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)).stream()
          .filter(e -> "THROTTLED".equals(e.outcome()) && "OPEN".equals(e.action())).toList();
      assertThat(throttled).hasSize(3).allSatisfy(e -> assertThat(e.organisation()).isEqualTo("acme"));
    }
  }

  @Test
  @DisplayName("wrong secrets flooding an organisation's key id spend that id's audit budget, never the "
      + "organisation's own: its later events are still recorded one by one")
  void wrongSecretsSpendTheKeyIdsBudget() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
    try (AccessKeys keys = AccessKeys.on(admin).keyspace("sec_grants_budget").clock(clock).build()) {
      IssuedKey target = keys.issue("globex");
      IssuedKey own = keys.issue("globex");
      String prefix = "dk_" + target.id() + "_";
      String wrong = prefix + own.secret().substring(("dk_" + own.id() + "_").length()); // well-formed, wrong
      for (int i = 0; i < 1_100; i++) { // past the per-minute budget and the hourly cap of 1,000 rows
        if (i % 90 == 0) {
          clock.advance(java.time.Duration.ofMinutes(1)); // new minutes: the hourly cap is what is spent
        }
        assertThatThrownBy(() -> keys.authenticate(wrong)).isInstanceOf(AccessDeniedException.class);
      }
      assertThat(keys.authenticate(own.secret()).organisation()).isEqualTo("globex");
      LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      List<AuditEvent> events = keys.auditEvents(day);
      assertThat(events).filteredOn(e -> own.id().equals(e.keyId()) && "GRANTED".equals(e.outcome())
          && "AUTHENTICATE".equals(e.action())).hasSize(1);
      assertThat(events.stream().filter(e -> target.id().equals(e.keyId()) && "AUTHENTICATE".equals(e.action())
          && !"AGGREGATED".equals(e.outcome())).count()).as("rows of the flooded id: its own hourly cap")
          .isEqualTo(1_000);
      clock.advance(java.time.Duration.ofMinutes(1));
      keys.authenticate(own.secret()); // a later minute: the counts of the last one are written
      assertThat(keys.auditEvents(day)).filteredOn(e -> target.id().equals(e.keyId()) && "AGGREGATED".equals(e.outcome()))
          .as("the rest, counted").allSatisfy(e -> assertThat(e.organisation()).isEqualTo("globex"))
          .extracting(AuditEvent::events).containsExactly(80, 20);
    }
  }

  @Test
  @DisplayName("Cassandra's own refusal reaches the key holder as the uniform denial, never its text")
  void cassandrasRefusalIsUniform() {
    try (AccessKeys keys = AccessKeys.on(admin).keyspace("sec_grants_uniform").cassandraRoles(login())
        .withoutStatementGuardForTesting().build()) {
      keys.assignKeyspace("acme", "bounds_acme");
      try (ScopedSession s = keys.open(keys.issue("acme").secret())) {
        assertThatThrownBy(() -> s.execute("SELECT * FROM bounds_globex.events").all())
            .isInstanceOf(AccessDeniedException.class).hasMessage("access denied");
        assertThatThrownBy(() -> s.executeAsync("SELECT * FROM bounds_globex.events").toCompletableFuture().join())
            .hasRootCauseInstanceOf(AccessDeniedException.class).hasRootCauseMessage("access denied");
      }
      assertThat(keys.auditEvents(LocalDate.now(ZoneOffset.UTC))).anySatisfy(e -> {
        assertThat(e.outcome()).isEqualTo("DENIED");
        assertThat(e.reason()).startsWith("Cassandra refused");
      });
    }
  }

  private static Map<String, String> owners(String store) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : admin.execute("SELECT keyspace_name, organisation FROM " + store + ".keyspace_owners")) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  private static Map<String, Set<String>> grantsOf(String role) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r : admin.execute("LIST ALL PERMISSIONS OF \"" + role + "\" NORECURSIVE")) {
      out.computeIfAbsent(r.getString("resource"), k -> new TreeSet<>()).add(r.getString("permission"));
    }
    return out;
  }

  private static List<String> storeRoles(String store) {
    List<String> out = new ArrayList<>();
    for (Row r : admin.execute("LIST ROLES")) {
      if (r.getString("role").startsWith("delpha_" + DatabaseRoles.storeId(store) + "_")) {
        out.add(r.getString("role"));
      }
    }
    return out;
  }

  private static int clientsOf(String role) {
    int n = 0;
    for (Row r : admin.execute("SELECT username FROM system_views.clients")) {
      if (role.equals(r.getString("username"))) {
        n++;
      }
    }
    return n;
  }

  /**
   * The host's connection, counting the statements the library executes on it (preparations are not counted: the
   * host's manager caches them, so they cost a round trip once per text).
   */
  private static final class Counting extends CqlExecutorWrapper {
    final AtomicLong statements = new AtomicLong();

    Counting(CqlExecutor delegate) {
      super(delegate);
    }

    @Override
    public ResultSet execute(Statement<?> statement) {
      statements.incrementAndGet();
      return super.execute(statement);
    }

    @Override
    public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
      statements.incrementAndGet();
      return super.executeAsync(statement);
    }
  }
}
