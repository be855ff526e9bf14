package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.testing.MutableClock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The tenant wall while keyspaces change owner (issue 33), in default mode: the issue's reproduction, then a seeded
 * random sequence of {@value #STEPS} steps judged by the data ({@link TenantWall}). Replay a seed with
 * {@code -Ddelpha.wall.seed=<seed>}; {@code -Ddelpha.wall.steps=<n>} runs a longer sequence.
 */
@DisplayName("The tenant wall holds while keyspaces, keys and sessions change (default mode)")
class TenantWallStatefulTest {

  private static final int STEPS = 300;
  private static final List<String> KEYSPACES = List.of("wall_ks0", "wall_ks1", "wall_ks2", "wall_ks3");

  private static CassandraManager cass;

  @BeforeAll
  static void setUp() {
    cass = SecurityTesting.connect();
  }

  @AfterAll
  static void tearDown() {
    cass.close();
  }

  @Test
  @DisplayName("the issue's attack: a cached statement whose metadata the tenant edited reads nothing of the keyspace's next owner")
  void editedStatementAfterReassignment() {
    SecurityTesting.tenantKeyspaces(cass, 3, "wall_re1", "wall_re2");
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (AccessKeys keys = AccessKeys.on(cass).keyspace("sec_wall_re").clock(clock)
        .revocationCheckInterval(TenantWall.INTERVAL).build()) {
      keys.assignKeyspace("a", "wall_re1");
      keys.assignKeyspace("a", "wall_re2");
      try (ScopedSession a = keys.open(keys.issue("a").secret())) {
        PreparedStatement p = a.prepare("SELECT id, v FROM wall_re1.events");
        PreparedStatement q = a.prepare("SELECT id, v FROM wall_re2.events");
        assertThat(a.execute(p.bind()).all()).hasSize(3);
        keys.unassignKeyspace("a", "wall_re1");
        keys.assignKeyspace("b", "wall_re1");
        try (ScopedSession b = keys.open(keys.issue("b").secret())) {
          b.execute("INSERT INTO wall_re1.events (id, v) VALUES (?, ?)", 100, "b's secret row");
        }
        clock.advance(TenantWall.INTERVAL.plusMillis(1));
        // the tenant edits what it was given, then runs the text and its own bound statement again
        p.setResultMetadata(q.getResultMetadataId(), q.getResultSetDefinitions());
        assertThatThrownBy(() -> a.execute("SELECT id, v FROM wall_re1.events").all())
            .isInstanceOf(AccessDeniedException.class).hasMessage(TenantWall.DENIED).hasNoCause();
        assertThatThrownBy(() -> a.execute(p.bind()).all())
            .isInstanceOf(AccessDeniedException.class).hasMessage(TenantWall.DENIED).hasNoCause();
        assertThatThrownBy(() -> a.prepare("SELECT id, v FROM wall_re1.events"))
            .isInstanceOf(AccessDeniedException.class).hasMessage(TenantWall.DENIED);
        // its own keyspace still works, and a statement edited to another keyspace's metadata is refused
        assertThat(a.execute(q.bind()).all()).extracting(r -> r.getString("v")).allMatch(v -> v.startsWith("wall_re2"));
        PreparedStatement r2 = a.prepare("SELECT id, v FROM wall_re2.events WHERE id = ?");
        PreparedStatement foreign = cass.prepare("SELECT id, v FROM wall_re1.events WHERE id = ?");
        r2.setResultMetadata(foreign.getResultMetadataId(), foreign.getResultSetDefinitions());
        assertThatThrownBy(() -> a.execute(r2.bind(1)).all()).isInstanceOf(AccessDeniedException.class);
      }
      assertThat(SecurityTesting.rows(cass, "wall_re1")).anyMatch(r -> r.startsWith("100=b's secret row"));
      assertThat(keys.auditEvents(java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)))
          .anyMatch(e -> "a".equals(e.organisation()) && "DENIED".equals(e.outcome())
              && e.reason() != null && e.reason().contains("wall_re1"));
    }
  }

  @Test
  @DisplayName("an open read of a keyspace stops at the next page once the keyspace moves; its rows are the keyspace's own")
  void pagingStopsAfterReassignment() {
    SecurityTesting.tenantKeyspaces(cass, 20, "wall_pg");
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (AccessKeys keys = AccessKeys.on(cass).keyspace("sec_wall_pg").clock(clock)
        .revocationCheckInterval(TenantWall.INTERVAL).build()) {
      keys.assignKeyspace("a", "wall_pg");
      try (ScopedSession a = keys.open(keys.issue("a").secret())) {
        PreparedStatement p = a.prepare("SELECT id, v FROM wall_pg.events");
        BoundStatement paged = p.bind().setPageSize(5);
        ResultSet rs = a.execute(paged);
        Iterator<Row> it = rs.iterator();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          seen.add(it.next().getString("v"));
        }
        // what ran is not handed back: the execution info names the tenant's own statement
        assertThat(rs.getExecutionInfo().getStatement()).isSameAs(paged);
        keys.unassignKeyspace("a", "wall_pg");
        keys.assignKeyspace("b", "wall_pg");
        clock.advance(TenantWall.INTERVAL.plusMillis(1));
        assertThatThrownBy(it::hasNext).isInstanceOf(AccessDeniedException.class).hasMessage(TenantWall.DENIED)
            .hasNoCause();
        // and a new execution continuing from the result's paging state is refused too
        BoundStatement continued = p.bind().setPagingState(rs.getExecutionInfo().getPagingState());
        assertThatThrownBy(() -> a.execute(continued)).isInstanceOf(AccessDeniedException.class);
        assertThat(seen).hasSize(5).allMatch(v -> v.startsWith("wall_pg"));
      }
    }
  }

  @Test
  @DisplayName("a seeded random sequence of issue, revoke, rotate, assign, unassign, reassign, open, prepare, edit, execute, page and close keeps every tenant to its own keyspaces")
  void randomSequenceKeepsTheWall() {
    long seed = TenantWall.seed();
    int steps = Integer.getInteger("delpha.wall.steps", STEPS);
    TenantWall.createKeyspaces(cass, KEYSPACES, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String store = "sec_wall_" + Long.toHexString(seed & 0xffffffL);
    try (AccessKeys keys = AccessKeys.on(cass).keyspace(store).clock(clock)
        .revocationCheckInterval(TenantWall.INTERVAL).build()) {
      String summary = new TenantWall(List.of(keys), List.of(cass), clock, KEYSPACES, seed,
          "mvn -B -ntp -q test -Dtest='TenantWallStatefulTest#randomSequenceKeepsTheWall' "
              + "-Dsurefire.failIfNoSpecifiedTests=false -Ddelpha.wall.seed={seed} -Ddelpha.wall.steps=" + steps,
          owners -> { }).run(steps);
      System.out.println("TenantWallStatefulTest: " + summary);
      assertThat(summary).contains(steps + " steps");
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + store);
    }
  }
}
