package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.DelphaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Statements generated from a small grammar (single statements and CQL-text batches mixing bound and
 * literal parts, comments of all three forms, quoted and mixed-case names, USING / IF / JSON, counters,
 * functions; run as text, SimpleStatement, session-prepared, host-prepared and BatchStatement, sync and
 * async) by an organisation key, judged by the data: the other tenant's rows and schema and the key
 * store are byte-for-byte what they were, and every statement reaching outside was refused.
 */
@DisplayName("Generated hostile statements run by an organisation key")
class AdversarialStatementsTest {

  private static final long SEED = Long.getLong("adversarial.seed", 20261122L);
  private static final int COUNT = 600;
  private static final String HOME = "adv_acme";
  private static final String OTHER = "adv_globex";
  private static final String STORE = "sec_adversarial";

  private static CassandraManager cass;
  private static AccessKeys keys;
  private static ScopedSession session;

  /** A statement and its values, and whether any part of it reaches outside the organisation. */
  record Stmt(String cql, List<Object> values, boolean outside) {}

  /** What a generated case does with the session. */
  record Case(String description, boolean outside, Runnable run) {}

  @BeforeAll
  static void setUp() {
    cass = SecurityTesting.connect();
    for (String ks : List.of(HOME, OTHER)) {
      SecurityTesting.createKeyspace(cass, ks);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".events (id int PRIMARY KEY, v text)");
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".counters (id int PRIMARY KEY, hits counter)");
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".\"Mixed\" (\"Id\" int PRIMARY KEY, \"V\" text)");
      cass.execute("CREATE OR REPLACE FUNCTION " + ks + ".echo(x text) RETURNS NULL ON NULL INPUT RETURNS text "
          + "LANGUAGE java AS 'return x;'");
      for (int i = 1; i <= 5; i++) {
        cass.execute("INSERT INTO " + ks + ".events (id, v) VALUES (?, ?)", i, "orig" + i);
        cass.execute("INSERT INTO " + ks + ".\"Mixed\" (\"Id\", \"V\") VALUES (?, ?)", i, "orig" + i);
      }
      cass.execute("UPDATE " + ks + ".counters SET hits = hits + 5 WHERE id = ?", 1);
    }
    keys = AccessKeys.on(cass).keyspace(STORE).build();
    keys.assignKeyspace("acme", HOME);
    keys.assignKeyspace("globex", OTHER);
    keys.issue("globex");
    session = keys.open(keys.issue("acme").secret());
  }

  @AfterAll
  static void tearDown() {
    session.close();
    cass.close();
  }

  @Test
  @DisplayName("leaves other tenants' rows and schema and the key store unchanged, and refuses every statement reaching them")
  void generatedStatements() {
    List<String> otherBefore = snapshotTenant(OTHER);
    List<String> storeBefore = snapshotStore();
    Random random = new Random(SEED);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      cases.add(generate(random));
    }
    List<String> escaped = new ArrayList<>();
    int outside = 0;
    int ranAtHome = 0;
    for (Case c : cases) {
      boolean ran;
      try {
        c.run().run();
        ran = true;
      } catch (DelphaException | CompletionException e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        assertThat(cause).as("seed %d: %s", SEED, c.description()).isInstanceOf(DelphaException.class);
        ran = false;
      }
      if (c.outside()) {
        outside++;
        if (ran) {
          escaped.add(c.description());
        }
      } else if (ran) {
        ranAtHome++;
      }
    }
    assertThat(escaped).as("seed %d: statements reaching outside that ran", SEED).isEmpty();
    assertThat(snapshotTenant(OTHER)).as("seed %d: the other tenant's rows and schema", SEED).isEqualTo(otherBefore);
    assertThat(snapshotStore()).as("seed %d: the key store", SEED).isEqualTo(storeBefore);
    assertThat(cases).hasSizeGreaterThanOrEqualTo(500);
    assertThat(outside).as("cases reaching outside").isGreaterThan(COUNT / 3);
    assertThat(ranAtHome).as("legitimate home statements that ran").isGreaterThan(COUNT / 10);
  }

  // ------------------------------------------------------------------ the grammar

  private static Case generate(Random r) {
    int form = r.nextInt(8);
    switch (form) {
      case 0, 1: {
        Stmt s = decorate(r, single(r));
        return textCase(r, "text: " + s.cql(), s);
      }
      case 2: {
        Stmt s = textBatch(r);
        return textCase(r, "text batch: " + s.cql(), s);
      }
      case 3: {
        Stmt s = decorate(r, single(r));
        return new Case("prepared in session: " + s.cql(), s.outside(),
            () -> session.execute(session.prepare(s.cql()).bind(s.values().toArray())));
      }
      case 4: {
        Stmt s = r.nextBoolean() ? decorate(r, single(r)) : textBatch(r);
        return new Case("prepared by the host, run in session: " + s.cql(), s.outside(), () -> {
          var bound = preparedByHost(s);
          if (bound != null) {
            run(r.nextBoolean(), bound);
          } else {
            throw new io.delpha.sdk.core.InvalidInputException("the host could not prepare it either");
          }
        });
      }
      case 5, 6: {
        int n = 1 + r.nextInt(3);
        List<Stmt> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          parts.add(single(r));
        }
        boolean out = parts.stream().anyMatch(Stmt::outside);
        boolean hostPrepared = r.nextBoolean();
        boolean async = r.nextBoolean();
        return new Case("BatchStatement" + (hostPrepared ? " of host-prepared parts" : "") + ": " + parts, out, () -> {
          BatchStatementBuilder b = BatchStatement.builder(r.nextBoolean() ? BatchType.LOGGED : BatchType.UNLOGGED);
          for (Stmt p : parts) {
            BatchableStatement<?> child = hostPrepared ? preparedByHost(p) : SimpleStatement.newInstance(p.cql(), p.values().toArray());
            if (child == null) {
              throw new io.delpha.sdk.core.InvalidInputException("the host could not prepare a part");
            }
            b.addStatement(child);
          }
          run(async, b.build());
        });
      }
      default: {
        Stmt a = single(r);
        Stmt b = single(r);
        Stmt s = new Stmt(a.cql() + "; " + b.cql(), concat(a.values(), b.values()), a.outside() || b.outside());
        return textCase(r, "two statements: " + s.cql(), s);
      }
    }
  }

  private static Case textCase(Random r, String description, Stmt s) {
    boolean async = r.nextBoolean();
    boolean simple = r.nextBoolean();
    return new Case(description + (async ? " (async)" : ""), s.outside(), () -> {
      if (simple) {
        run(async, SimpleStatement.newInstance(s.cql(), s.values().toArray()));
      } else if (async) {
        session.executeAsync(s.cql(), s.values().toArray()).toCompletableFuture().join();
      } else {
        session.execute(s.cql(), s.values().toArray()).all();
      }
    });
  }

  private static void run(boolean async, com.datastax.oss.driver.api.core.cql.Statement<?> st) {
    if (async) {
      session.executeAsync(st).toCompletableFuture().join();
    } else {
      session.execute(st).all();
    }
  }

  private static com.datastax.oss.driver.api.core.cql.BoundStatement preparedByHost(Stmt s) {
    try {
      return cass.prepare(s.cql()).bind(s.values().toArray());
    } catch (DelphaException | IllegalArgumentException e) {
      return null;
    }
  }

  /** One SELECT, INSERT, UPDATE or DELETE against a chosen keyspace, bound, literal or mixed. */
  private static Stmt single(Random r) {
    int target = r.nextInt(10);
    if (target < 4) {
      return tenantStatement(r, HOME, false);
    }
    if (target < 8) {
      return tenantStatement(r, OTHER, true);
    }
    return storeStatement(r);
  }

  private static Stmt tenantStatement(Random r, String ks, boolean outside) {
    String k = keyspaceName(r, ks);
    String fks = keyspaceName(r, r.nextInt(4) == 0 ? (ks.equals(HOME) ? OTHER : HOME) : ks);
    boolean fnOutside = !fks.toLowerCase(Locale.ROOT).replace("\"", "").equals(HOME);
    int id = 1 + r.nextInt(5);
    String tbl = k + sep(r) + "events";
    return switch (r.nextInt(18)) {
      case 0 -> new Stmt("INSERT INTO " + tbl + " (id, v) VALUES (?, ?)", List.of(id, "pwned"), outside);
      case 1 -> new Stmt("INSERT INTO " + tbl + " (id, v) VALUES (" + id + ", 'pwned')", List.of(), outside);
      case 2 -> new Stmt("INSERT INTO " + tbl + " (id, v) VALUES (?, 'pwned') USING TTL 86400", List.of(id), outside);
      case 3 -> new Stmt("INSERT INTO " + tbl + " JSON ?", List.of("{\"id\": " + id + ", \"v\": \"pwned\"}"), outside);
      case 4 -> new Stmt("INSERT INTO " + tbl + " (id, v) VALUES (?, ?) IF NOT EXISTS", List.of(id + 100, "pwned"), outside);
      case 5 -> new Stmt("UPDATE " + tbl + " USING TIMESTAMP " + (Long.MAX_VALUE / 2) + " SET v = ? WHERE id = ?", List.of("pwned", id), outside);
      case 6 -> new Stmt("UPDATE " + tbl + " SET v = 'pwned' WHERE id = ?", List.of(id), outside);
      case 7 -> new Stmt("UPDATE " + k + sep(r) + "counters SET hits = hits + 1 WHERE id = ?", List.of(1), outside);
      case 8 -> new Stmt("UPDATE " + tbl + " SET v = ? WHERE id = ? IF v = ?", List.of("pwned", id, "orig" + id), outside);
      case 9 -> new Stmt("DELETE FROM " + tbl + " WHERE id = ?", List.of(id), outside);
      case 10 -> new Stmt("DELETE v FROM " + tbl + " WHERE id = " + id, List.of(), outside);
      case 11 -> new Stmt("DELETE FROM " + tbl + " WHERE id = ? IF EXISTS", List.of(id), outside);
      case 12 -> new Stmt("SELECT * FROM " + tbl + " WHERE id = ?", List.of(id), outside);
      case 13 -> new Stmt("SELECT JSON id, v FROM " + tbl, List.of(), outside);
      case 14 -> new Stmt("SELECT writetime(v), ttl(v), token(id) FROM " + tbl + " WHERE id = ?", List.of(id), outside);
      case 15 -> new Stmt("SELECT count(*) FROM " + tbl, List.of(), outside);
      case 16 -> new Stmt("INSERT INTO " + k + sep(r) + "\"Mixed\" (\"Id\", \"V\") VALUES (?, ?)", List.of(id, "pwned"), outside);
      default -> new Stmt("SELECT " + fks + ".echo(v) FROM " + tbl + " WHERE id = ?", List.of(id), outside || fnOutside);
    };
  }

  /** Statements against the key store: forged grants, keys, a second admin, a wiped audit trail. */
  private static Stmt storeStatement(Random r) {
    String k = keyspaceName(r, STORE);
    return switch (r.nextInt(6)) {
      case 0 -> new Stmt("INSERT INTO " + k + ".org_keyspaces (organisation, keyspace_name) VALUES (?, ?)",
          List.of("acme", OTHER), true);
      case 1 -> new Stmt("INSERT INTO " + k + ".org_keyspaces (organisation, keyspace_name) VALUES ('acme', '"
          + OTHER + "')", List.of(), true);
      case 2 -> new Stmt("UPDATE " + k + ".admin_slot SET key_id = ? WHERE slot = 'admin'", List.of("0123456789abcdef0123"), true);
      case 3 -> new Stmt("INSERT INTO " + k + ".access_keys (key_id, organisation, role) VALUES (?, ?, ?)",
          List.of("0123456789abcdef0123", "acme", "ADMIN"), true);
      case 4 -> new Stmt("DELETE FROM " + k + ".audit_events WHERE day = ? AND hour = 0", List.of(java.time.LocalDate.now(java.time.ZoneOffset.UTC)), true);
      default -> new Stmt("SELECT * FROM " + k + ".access_keys", List.of(), true);
    };
  }

  /** A CQL-text batch of two to four parts, some bound, some literal, possibly hidden behind comments. */
  private static Stmt textBatch(Random r) {
    StringBuilder cql = new StringBuilder(comment(r)).append(r.nextBoolean() ? "BEGIN BATCH " : "begin unlogged batch ");
    List<Object> values = new ArrayList<>();
    boolean outside = false;
    int n = 2 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      Stmt p = i == 0 ? tenantWrite(r, HOME, false) : (r.nextBoolean() ? tenantWrite(r, OTHER, true) : storeStatement(r));
      cql.append(comment(r)).append(p.cql()).append("; ");
      values.addAll(p.values());
      outside |= p.outside();
    }
    cql.append("APPLY BATCH");
    return new Stmt(cql.toString(), values, outside);
  }

  private static Stmt tenantWrite(Random r, String ks, boolean outside) {
    Stmt s;
    do {
      s = tenantStatement(r, ks, outside);
    } while (s.cql().startsWith("SELECT"));
    return s;
  }

  /** Comments, case and trailing semicolons around a statement; sometimes a decoy inside a literal. */
  private static Stmt decorate(Random r, Stmt s) {
    String cql = comment(r) + s.cql() + (r.nextBoolean() ? ";" : "") + (r.nextInt(4) == 0 ? " -- trailing\n" : "");
    if (r.nextInt(6) == 0 && !s.outside()) {
      String decoy = "INSERT INTO " + keyspaceName(r, HOME) + ".events (id, v) VALUES (?, 'x''; BEGIN BATCH INSERT INTO "
          + OTHER + ".events (id, v) VALUES (1, ''pwned''); APPLY BATCH; --')";
      return new Stmt(comment(r) + decoy, List.of(9), false);
    }
    return new Stmt(cql, s.values(), s.outside());
  }

  private static String comment(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "-- BEGIN BATCH\n";
      case 1 -> "// APPLY BATCH\n";
      case 2 -> "/* BEGIN BATCH INSERT INTO " + OTHER + ".events */ ";
      case 3 -> "/* ; */\n";
      default -> "";
    };
  }

  private static String keyspaceName(Random r, String ks) {
    return switch (r.nextInt(4)) {
      case 0 -> ks.toUpperCase(Locale.ROOT);
      case 1 -> "\"" + ks + "\"";
      default -> ks;
    };
  }

  private static String sep(Random r) {
    return r.nextInt(5) == 0 ? " /* . */ . " : ".";
  }

  private static List<Object> concat(List<Object> a, List<Object> b) {
    List<Object> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  // ------------------------------------------------------------------ the judges

  private static List<String> snapshotTenant(String ks) {
    List<String> rows = new ArrayList<>();
    for (Row row : cass.execute("SELECT id, v, writetime(v) FROM " + ks + ".events")) {
      rows.add(row.getInt(0) + ":" + row.getString(1) + "@" + row.getObject(2));
    }
    for (Row row : cass.execute("SELECT \"Id\", \"V\" FROM " + ks + ".\"Mixed\"")) {
      rows.add("M" + row.getInt(0) + ":" + row.getString(1));
    }
    for (Row row : cass.execute("SELECT id, hits FROM " + ks + ".counters")) {
      rows.add("C" + row.getInt(0) + ":" + row.getLong(1));
    }
    rows.addAll(schema(ks));
    rows.sort(String::compareTo);
    return rows;
  }

  private static List<String> snapshotStore() {
    List<String> rows = new ArrayList<>();
    for (String table : List.of("access_keys", "admin_slot", "org_keyspaces", "keyspace_owners")) {
      for (Row row : cass.execute("SELECT JSON * FROM " + STORE + "." + table)) {
        rows.add(table + " " + row.getString(0));
      }
    }
    rows.add("audit rows kept: " + !cass.execute("SELECT day FROM " + STORE + ".audit_events LIMIT 1").all().isEmpty());
    rows.addAll(schema(STORE));
    rows.sort(String::compareTo);
    return rows;
  }

  private static List<String> schema(String ks) {
    List<String> rows = new ArrayList<>();
    for (Row row : cass.execute("SELECT table_name, column_name, type FROM system_schema.columns WHERE keyspace_name = ?", ks)) {
      rows.add("col " + row.getString(0) + "." + row.getString(1) + " " + row.getString(2));
    }
    for (Row row : cass.execute("SELECT function_name FROM system_schema.functions WHERE keyspace_name = ?", ks)) {
      rows.add("fn " + row.getString(0));
    }
    return rows;
  }
}
