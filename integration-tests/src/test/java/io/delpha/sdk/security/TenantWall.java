package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.testing.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A stateful test of the tenant wall (issue 33): a seeded random sequence of steps over three organisations and
 * four keyspaces (issue, revoke, rotate the admin, assign, unassign, reassign, open, prepare, edits of the tenant's
 * statement objects, execute, page, close), each checked against a small model of who owns what. Judged by the data:
 * every row carries the keyspace it lives in and the organisation that wrote it, reads must see exactly the host's
 * rows of a keyspace the reader owns, writes must land only in owned keyspaces (every other keyspace unchanged), and
 * every refusal is an {@link AccessDeniedException} with the one message "access denied".
 *
 * <p>Ownership changes advance the key store's clock past the revocation check interval, so the model is exact:
 * after it, no statement, page or prepared statement of the former owner may reach the keyspace.
 *
 * <p>Public for the ring profile's run ({@code io.delpha.sdk.ring.TenantWallRingTest}).
 */
public final class TenantWall {

  /** The one message of every refusal. */
  public static final String DENIED = "access denied";
  /** The organisations of the model. */
  public static final List<String> ORGS = List.of("wall_a", "wall_b", "wall_c");
  /** The interval the key stores are built with: ownership changes advance the clock past it. */
  public static final Duration INTERVAL = Duration.ofSeconds(2);

  private final List<AccessKeys> stores;
  private final List<? extends CqlExecutor> hosts;
  private final MutableClock clock;
  private final List<String> keyspaces;
  private final Random random;
  private final long seed;
  private final String replay;
  private final Consumer<Map<String, String>> afterRegistryChange;

  private final Map<String, String> owner = new HashMap<>();
  private final List<Key> keys = new ArrayList<>();
  private final List<Open> sessions = new ArrayList<>();
  private final Deque<String> log = new ArrayDeque<>();
  private String adminSecret;
  private int nextId = 1_000;
  /** Refusals of authenticated keys' statements the model expected, per organisation (audited as DENIED). */
  private final Map<String, Integer> statementRefusals = new TreeMap<>();
  private int reads;
  private int writes;
  private int refusals;

  private record Key(String id, String org, String secret, boolean[] live) {}

  private static final class Prepared {
    final String ks;
    final boolean write;
    final PreparedStatement statement;
    /** The keyspace whose result metadata the tenant put on it, or {@code null} if untouched. */
    String editedTo;

    Prepared(String ks, boolean write, PreparedStatement statement) {
      this.ks = ks;
      this.write = write;
      this.statement = statement;
    }

    /** Whether the tenant's edits leave it naming its own keyspace only (otherwise the session refuses it). */
    boolean intact() {
      return editedTo == null || editedTo.equals(ks);
    }
  }

  private static final class Open {
    final Key key;
    final ScopedSession session;
    final List<Prepared> prepared = new ArrayList<>();
    boolean closed;
    /** An open read being paged: its keyspace and iterator. */
    String cursorKs;
    ResultSet cursorRs;
    Iterator<Row> cursor;
    List<String> cursorOpening;
    ByteBuffer lastPagingState;

    Open(Key key, ScopedSession session) {
      this.key = key;
      this.session = session;
    }
  }

  /**
   * @param stores key stores on the same key store keyspace (one per coordinator in the ring run); each step uses one
   * @param hosts the host's connections, for setting up and judging the data
   * @param clock the stores' clock
   * @param keyspaces the four keyspaces, each with a table {@code rows (id int PRIMARY KEY, ks text, org text, v
   *     int)}, assigned to no one
   * @param seed the sequence's seed
   * @param replay the command that replays this run (printed with the seed on failure)
   * @param afterRegistryChange a check run after each change of the registry, given the model's owner of each
   *     keyspace (the roles-mode grants check)
   */
  public TenantWall(List<AccessKeys> stores, List<? extends CqlExecutor> hosts, MutableClock clock,
      List<String> keyspaces, long seed, String replay, Consumer<Map<String, String>> afterRegistryChange) {
    this.stores = stores;
    this.hosts = hosts;
    this.clock = clock;
    this.keyspaces = keyspaces;
    this.seed = seed;
    this.random = new Random(seed);
    this.replay = replay;
    this.afterRegistryChange = afterRegistryChange;
  }

  /** The seed to use: {@code -Ddelpha.wall.seed=...} or a random one. */
  public static long seed() {
    String given = System.getProperty("delpha.wall.seed");
    return given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given.trim());
  }

  /** Creates the four keyspaces' tables (empty) with the given replication. */
  public static void createKeyspaces(CqlExecutor host, List<String> keyspaces, String replication) {
    for (String ks : keyspaces) {
      host.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + replication);
      host.execute("CREATE TABLE IF NOT EXISTS " + ks + ".rows (id int PRIMARY KEY, ks text, org text, v int)");
      host.execute("TRUNCATE " + ks + ".rows");
      for (int i = 0; i < 3; i++) {
        host.execute("INSERT INTO " + ks + ".rows (id, ks, org, v) VALUES (?, ?, ?, ?)", i, ks, "host", i);
      }
    }
  }

  /**
   * Runs the sequence.
   *
   * @param steps how many steps
   * @return a one-line summary (steps, reads, writes, refusals)
   */
  public String run(int steps) {
    AccessKeys first = stores.get(0);
    adminSecret = first.adminKeyId().isPresent() ? null : first.issueAdmin().secret();
    for (String org : ORGS) {
      keys.add(issue(first, org));
    }
    for (int step = 0; step < steps; step++) {
      try {
        step(step);
      } catch (AssertionError | RuntimeException e) {
        String tail = String.join("\n  ", log);
        throw new AssertionError("tenant wall: step " + step + " failed with seed " + seed + "; replay with:\n  "
            + replay.replace("{seed}", Long.toString(seed)) + "\nlast steps:\n  " + tail, e);
      }
    }
    for (Open o : sessions) {
      if (!o.closed) {
        o.session.close();
      }
    }
    checkAudit(first);
    return steps + " steps (seed " + seed + "): " + reads + " reads, " + writes + " writes, " + refusals
        + " refusals";
  }

  private void step(int step) {
    AccessKeys store = stores.get(random.nextInt(stores.size()));
    int choice = random.nextInt(100);
    if (choice < 3) {
      note(step, "issue");
      keys.add(issue(store, pick(ORGS)));
    } else if (choice < 5) {
      Key k = pick(keys);
      note(step, "revoke " + k.id + " of " + k.org);
      store.revoke(k.id);
      k.live[0] = false;
      registryChanged();
    } else if (choice < 6) {
      note(step, "rotate the admin key");
      String old = adminSecret;
      if (old != null) {
        adminSecret = store.rotateAdmin(old).secret();
        expectDenied(() -> store.open(old));
      }
    } else if (choice < 14) {
      String org = pick(ORGS);
      String ks = pick(keyspaces);
      note(step, "assign " + ks + " to " + org + " (owner " + owner.get(ks) + ")");
      String current = owner.get(ks);
      if (current == null || current.equals(org)) {
        store.assignKeyspace(org, ks);
        owner.put(ks, org);
      } else {
        try {
          store.assignKeyspace(org, ks);
          fail("assigning " + ks + " owned by " + current + " to " + org + " succeeded");
        } catch (ConflictException expected) {
          // the model's owner keeps it
        }
      }
      registryChanged();
    } else if (choice < 18) {
      String ks = pick(keyspaces);
      String org = random.nextInt(4) == 0 ? pick(ORGS) : owner.get(ks);
      if (org == null) {
        org = pick(ORGS);
      }
      note(step, "unassign " + ks + " from " + org + " (owner " + owner.get(ks) + ")");
      store.unassignKeyspace(org, ks);
      if (org.equals(owner.get(ks))) {
        owner.remove(ks);
      }
      registryChanged();
    } else if (choice < 22) {
      String ks = pick(keyspaces);
      String org = pick(ORGS);
      note(step, "reassign " + ks + " from " + owner.get(ks) + " to " + org);
      if (owner.get(ks) != null) {
        store.unassignKeyspace(owner.get(ks), ks);
      }
      store.assignKeyspace(org, ks);
      owner.put(ks, org);
      registryChanged();
    } else if (choice < 28) {
      List<Key> live = keys.stream().filter(x -> x.live[0]).toList();
      Key k = live.isEmpty() || random.nextInt(4) == 0 ? pick(keys) : pick(live);
      note(step, "open with " + k.id + " of " + k.org + (k.live[0] ? "" : " (revoked)"));
      if (k.live[0]) {
        sessions.add(new Open(k, store.open(k.secret)));
      } else {
        expectDenied(() -> store.open(k.secret));
      }
    } else if (sessions.isEmpty()) {
      note(step, "(no session yet)");
    } else {
      List<Open> usable = sessions.stream().filter(x -> !x.closed && x.key.live[0]).toList();
      Open o = usable.isEmpty() || random.nextInt(5) == 0 ? pick(sessions) : pick(usable);
      if (choice < 40) {
        prepare(step, o);
      } else if (choice < 47) {
        edit(step, o);
      } else if (choice < 70) {
        execute(step, o);
      } else if (choice < 82) {
        executeText(step, o);
      } else if (choice < 96) {
        page(step, o);
      } else {
        note(step, "close the session of " + o.key.id);
        o.session.close();
        o.closed = true;
      }
    }
  }

  private Key issue(AccessKeys store, String org) {
    IssuedKey k = store.issue(org);
    return new Key(k.id(), org, k.secret(), new boolean[] {true});
  }

  /** After a change of ownership or a revocation: past the interval, every session sees it. */
  private void registryChanged() {
    clock.advance(INTERVAL.plusMillis(1));
    afterRegistryChange.accept(Map.copyOf(owner));
  }

  /** Whether a statement of this session on this keyspace may run now, by the model. */
  private boolean allowed(Open o, String ks) {
    return !o.closed && o.key.live[0] && o.key.org.equals(owner.get(ks));
  }

  /** Mostly a keyspace the session's organisation owns (the allowed paths), sometimes any. */
  private String keyspaceFor(Open o) {
    List<String> owned = keyspaces.stream().filter(k -> o.key.org.equals(owner.get(k))).toList();
    return owned.isEmpty() || random.nextInt(10) < 3 ? pick(keyspaces) : pick(owned);
  }

  private void prepare(int step, Open o) {
    String ks = keyspaceFor(o);
    boolean write = random.nextBoolean();
    note(step, "prepare a " + (write ? "write" : "read") + " of " + ks + " in " + o.key.org + "'s session");
    Supplier<PreparedStatement> call = () -> o.session.prepare(write
        ? "INSERT INTO " + ks + ".rows (id, ks, org, v) VALUES (?, ?, ?, ?)"
        : "SELECT id, ks, org, v FROM " + ks + ".rows");
    if (o.closed) {
      expectClosed(call::get);
    } else if (allowed(o, ks)) {
      o.prepared.add(new Prepared(ks, write, call.get()));
    } else {
      expectStatementDenied(o, call::get);
    }
  }

  /** The tenant edits what it was given: result metadata of another keyspace's statement, a foreign routing. */
  private void edit(int step, Open o) {
    if (o.prepared.isEmpty()) {
      note(step, "(nothing prepared to edit)");
      return;
    }
    Prepared p = pick(o.prepared);
    String other = pick(keyspaces);
    note(step, "edit " + o.key.org + "'s prepared statement of " + p.ks + " to " + other + "'s metadata");
    PreparedStatement q = hosts.get(0).prepare("SELECT id, ks, org, v FROM " + other + ".rows");
    p.statement.setResultMetadata(q.getResultMetadataId(), q.getResultSetDefinitions());
    p.editedTo = other;
  }

  /** Runs a prepared statement (maybe edited), bound with the tenant's own object; sometimes with a foreign edit. */
  private void execute(int step, Open o) {
    if (o.prepared.isEmpty()) {
      executeText(step, o);
      return;
    }
    Prepared p = pick(o.prepared);
    int variant = random.nextInt(6);
    String target = p.ks;
    BoundStatement bound;
    if (p.write) {
      int id = nextId++;
      bound = p.statement.bind(id, p.ks, o.key.org, step);
      if (variant == 0) {
        String other = pick(keyspaces);
        note(step, "execute " + o.key.org + "'s write of " + p.ks + " routed to " + other);
        bound = bound.setRoutingKeyspace(CqlIdentifier.fromInternal(other));
        writeAndJudge(o, bound, p.ks, id, allowed(o, p.ks) && allowed(o, other) && p.intact());
        return;
      }
      note(step, "execute " + o.key.org + "'s write of " + p.ks + " (id " + id + ")");
      writeAndJudge(o, bound, target, id, allowed(o, p.ks) && p.intact());
      return;
    }
    bound = p.statement.bind().setPageSize(1 + random.nextInt(3));
    if (variant == 0 && o.lastPagingState != null) {
      note(step, "execute " + o.key.org + "'s read of " + p.ks + " with another result's paging state");
      bound = bound.setPagingState(o.lastPagingState);
      readAndJudge(o, bound, p.ks, false, p.intact());
      return;
    }
    note(step, "execute " + o.key.org + "'s read of " + p.ks + (p.intact() ? "" : " (edited to " + p.editedTo + ")"));
    readAndJudge(o, bound, p.ks, variant == 1, p.intact());
  }

  /** A statement from text, sometimes with its own keyspace set (always refused). */
  private void executeText(int step, Open o) {
    String ks = keyspaceFor(o);
    boolean write = random.nextInt(3) == 0;
    if (random.nextInt(8) == 0) {
      note(step, "execute text of " + ks + " setting its own keyspace in " + o.key.org + "'s session");
      Statement<?> s = SimpleStatement.newInstance("SELECT id, ks, org, v FROM rows")
          .setKeyspace(CqlIdentifier.fromInternal(ks));
      if (o.closed) {
        expectClosed(() -> o.session.execute(s));
      } else {
        expectStatementDenied(o, () -> o.session.execute(s));
      }
      return;
    }
    if (write) {
      int id = nextId++;
      note(step, "execute text write into " + ks + " in " + o.key.org + "'s session (id " + id + ")");
      writeAndJudge(o, SimpleStatement.newInstance("INSERT INTO " + ks + ".rows (id, ks, org, v) VALUES (?, ?, ?, ?)",
          id, ks, o.key.org, step), ks, id, allowed(o, ks));
    } else {
      note(step, "execute text read of " + ks + " in " + o.key.org + "'s session");
      readAndJudge(o, SimpleStatement.newInstance("SELECT id, ks, org, v FROM " + ks + ".rows").setPageSize(2), ks,
          random.nextBoolean(), true);
    }
  }

  /**
   * Continues an open read. While the model allows it, every row is one of the keyspace's (when the read was opened
   * or now); once it does not, rows of the page already fetched may still be read, but fetching a page is refused.
   */
  private void page(int step, Open o) {
    if (o.cursor == null) {
      executeText(step, o);
      return;
    }
    String ks = o.cursorKs;
    boolean may = allowed(o, ks);
    note(step, "page on through " + o.key.org + "'s open read of " + ks + (may ? "" : " (no longer allowed)"));
    List<String> now = snapshot().get(ks);
    int n = 1 + random.nextInt(4);
    try {
      for (int i = 0; i < n; i++) {
        boolean fetches = o.cursorRs.getAvailableWithoutFetching() == 0 && !o.cursorRs.isFullyFetched();
        boolean more = o.cursor.hasNext();
        if (fetches && !may) {
          fail("a page of " + ks + " was fetched after the wall closed for " + o.key.org);
        }
        if (!more) {
          o.cursor = null;
          return;
        }
        Row r = o.cursor.next();
        String row = r.getInt("id") + "|" + r.getString("ks") + "|" + r.getString("org");
        assertThat(o.cursorOpening.contains(row) || now.contains(row))
            .as("paged row " + row + " is one of " + ks + "'s").isTrue();
      }
    } catch (AccessDeniedException e) {
      assertThat(may).as("paging refused while the model allows it").isFalse();
      assertThat(e).hasMessage(DENIED).hasNoCause();
      if (o.key.live[0]) {
        countRefusal(o);
      }
      o.cursor = null;
    } catch (InvalidInputException e) {
      assertThat(o.closed).as("paging refused as closed while the session is open: " + e.getMessage()).isTrue();
      o.cursor = null;
    }
  }

  private void writeAndJudge(Open o, Statement<?> statement, String ks, int id, boolean may) {
    Map<String, List<String>> before = snapshot();
    if (o.closed) {
      expectClosed(() -> o.session.execute(statement));
    } else if (may) {
      o.session.execute(statement);
      writes++;
    } else {
      expectStatementDenied(o, () -> o.session.execute(statement));
    }
    Map<String, List<String>> after = snapshot();
    for (String k : keyspaces) {
      if (may && k.equals(ks)) {
        List<String> expected = new ArrayList<>(before.get(k));
        expected.add(id + "|" + ks + "|" + o.key.org);
        expected.sort(String::compareTo);
        assertThat(after.get(k)).as("the written keyspace " + k + " holds exactly the new row too").isEqualTo(expected);
      } else {
        assertThat(after.get(k)).as("keyspace " + k + " unchanged").isEqualTo(before.get(k));
      }
    }
  }

  private void readAndJudge(Open o, Statement<?> statement, String ks, boolean keepOpen, boolean intact) {
    if (o.closed) {
      expectClosed(() -> o.session.execute(statement));
      return;
    }
    if (!allowed(o, ks) || !intact) {
      expectStatementDenied(o, () -> o.session.execute(statement).all());
      return;
    }
    List<String> expected = snapshot().get(ks);
    ResultSet rs;
    try {
      rs = o.session.execute(statement);
    } catch (InvalidInputException e) {
      // the server may refuse a paging state that is not its statement's; only ever for a foreign state
      assertThat(statement.getPagingState()).as("refused: " + e.getMessage()).isNotNull();
      return;
    }
    reads++;
    if (keepOpen) {
      o.cursorKs = ks;
      o.cursorRs = rs;
      o.cursor = rs.iterator();
      o.cursorOpening = expected;
      o.lastPagingState = rs.getExecutionInfo().getPagingState();
      return;
    }
    List<String> seen = new ArrayList<>();
    for (Row r : rs) {
      seen.add(r.getInt("id") + "|" + r.getString("ks") + "|" + r.getString("org"));
    }
    seen.sort(String::compareTo);
    if (statement.getPagingState() == null) {
      assertThat(seen).as("a read of " + ks + " sees exactly its rows").isEqualTo(expected);
    } else {
      assertThat(expected).as("a read continued from another state sees rows of " + ks + " only").containsAll(seen);
    }
  }

  private Map<String, List<String>> snapshot() {
    Map<String, List<String>> out = new TreeMap<>();
    for (String ks : keyspaces) {
      List<String> rows = new ArrayList<>();
      for (Row r : hosts.get(0).execute("SELECT id, ks, org FROM " + ks + ".rows")) {
        rows.add(r.getInt(0) + "|" + r.getString(1) + "|" + r.getString(2));
      }
      rows.sort(String::compareTo);
      out.put(ks, rows);
    }
    return out;
  }

  private void expectStatementDenied(Open o, Runnable call) {
    boolean keyDead = !o.key.live[0];
    expectDenied(call);
    if (!keyDead) {
      countRefusal(o);
    }
  }

  private void countRefusal(Open o) {
    refusals++;
    statementRefusals.merge(o.key.org, 1, Integer::sum);
  }

  private void expectDenied(Runnable call) {
    try {
      call.run();
    } catch (AccessDeniedException e) {
      assertThat(e).hasMessage(DENIED).hasNoCause();
      assertThat(e.getSuppressed()).isEmpty();
      return;
    }
    fail("expected a refusal");
  }

  private void expectClosed(Runnable call) {
    try {
      call.run();
    } catch (InvalidInputException e) {
      return;
    }
    fail("expected the closed session to refuse");
  }

  /** Every organisation whose statements the model expected refused has DENIED rows in the audit table. */
  private void checkAudit(AccessKeys store) {
    Map<String, Integer> audited = new TreeMap<>();
    LocalDate from = LocalDate.ofInstant(clock.instant().minus(Duration.ofDays(1)), ZoneOffset.UTC);
    for (LocalDate day = from; !day.isAfter(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)); day = day.plusDays(1)) {
      for (AuditEvent e : store.auditEvents(day)) {
        if ("DENIED".equals(e.outcome()) && e.organisation() != null && ORGS.contains(e.organisation())
            && ("STATEMENT".equals(e.action()) || "SESSION_CHECK".equals(e.action()))) {
          audited.merge(e.organisation(), 1, Integer::sum);
        }
      }
    }
    for (Map.Entry<String, Integer> expected : statementRefusals.entrySet()) {
      assertThat(audited.getOrDefault(expected.getKey(), 0)).as("DENIED audit rows of " + expected.getKey())
          .isPositive();
    }
  }

  private void note(int step, String what) {
    log.addLast(step + ": " + what);
    if (log.size() > 15) {
      log.removeFirst();
    }
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** @return the host managers as executors (for the constructor) */
  public static List<CqlExecutor> executors(List<CassandraManager> managers) {
    return new ArrayList<>(managers);
  }
}
