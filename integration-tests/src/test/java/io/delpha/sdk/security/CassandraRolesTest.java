package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.security.internal.DatabaseRoles;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.MutableClock;
import io.delpha.sdk.testing.ServerSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The defence in depth: on a cluster with authentication and authorisation, organisation sessions run
 * as Cassandra roles granted only their keyspaces, so that with the library's guard switched off
 * (test-only) Cassandra itself still refuses every escape, judged by the data.
 */
@DisplayName("Cassandra roles behind organisation keys (auth cluster)")
class CassandraRolesTest {

  private static final String ACME = "roles_acme";
  private static final String GLOBEX = "roles_globex";
  private static final String STORE = "sec_roles";
  /** {@code dk_} + a 20-hex-digit id + {@code _}: the secret part follows (base64url, may itself hold '_'). */
  private static final String PREFIX = "dk_00000000000000000000_";

  private static CassandraServer server;
  private static CassandraManager admin;
  private static AccessKeys unguarded;
  private static AccessKeys guarded;

  @BeforeAll
  static void setUp() {
    server = CassandraServer.shared(CassandraServer.Variant.AUTH);
    admin = connect(server.superuser(), server.superuserPassword());
    for (String ks : List.of(ACME, GLOBEX, ACME + "_extra")) {
      admin.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
          + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      admin.execute("CREATE TABLE IF NOT EXISTS " + ks + ".events (id int PRIMARY KEY, v text)");
      for (int i = 1; i <= 3; i++) {
        admin.execute("INSERT INTO " + ks + ".events (id, v) VALUES (?, ?)", i, ks + i);
      }
    }
    DatabaseLogin login = (role, password) -> connect(role, password.reveal());
    unguarded = AccessKeys.on(admin).keyspace(STORE).cassandraRoles(login).withoutStatementGuardForTesting().build();
    guarded = AccessKeys.on(admin).keyspace(STORE).cassandraRoles(login).build();
    unguarded.assignKeyspace("acme", ACME);
    unguarded.assignKeyspace("globex", GLOBEX);
  }

  @AfterAll
  static void tearDown() {
    admin.close();
  }

  @Test
  @DisplayName("with the library's guard off, Cassandra refuses every write and read outside the organisation")
  void cassandraRefusesOnItsOwn() {
    IssuedKey key = unguarded.issue("acme");
    List<String> globexBefore = rows(GLOBEX);
    List<String> storeBefore = store();
    try (ScopedSession s = unguarded.open(key.secret())) {
      assertThatCode(() -> s.execute("INSERT INTO " + ACME + ".events (id, v) VALUES (?, ?)", 9, "home"))
          .doesNotThrowAnyException();
      assertThat(s.execute("SELECT v FROM " + ACME + ".events WHERE id = 9").one().getString(0)).isEqualTo("home");
      List<String> escapes = List.of(
          "INSERT INTO " + GLOBEX + ".events (id, v) VALUES (1, 'pwned')",
          "BEGIN BATCH INSERT INTO " + ACME + ".events (id, v) VALUES (7, 'y'); INSERT INTO " + GLOBEX
              + ".events (id, v) VALUES (1, 'x'); APPLY BATCH",
          "SELECT * FROM " + GLOBEX + ".events",
          "INSERT INTO " + STORE + ".org_keyspaces (organisation, keyspace_name) VALUES ('acme', '" + GLOBEX + "')",
          "SELECT * FROM " + STORE + ".access_keys",
          "DELETE FROM " + STORE + ".audit_events WHERE day = '2026-11-22' AND hour = 0",
          "CREATE TABLE " + ACME + ".intruder (id int PRIMARY KEY)",
          "DROP KEYSPACE " + GLOBEX,
          "CREATE ROLE intruder WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = 'x'",
          "GRANT ALL ON KEYSPACE " + GLOBEX + " TO \"" + DatabaseRoles.keyRole(STORE, key.id()) + "\"");
      for (String cql : escapes) {
        assertThatThrownBy(() -> s.execute(cql).all()).as(cql).isInstanceOf(AccessDeniedException.class);
      }
    }
    assertThat(rows(GLOBEX)).isEqualTo(globexBefore);
    assertThat(store()).isEqualTo(storeBefore);
    assertThat(admin.execute("SELECT role FROM system_auth.roles WHERE role = 'intruder'").one()).isNull();
  }

  @Test
  @DisplayName("unassigning a keyspace revokes the organisation role's grant: Cassandra refuses it afterwards")
  void unassignRevokesTheGrant() {
    unguarded.assignKeyspace("acme", ACME + "_extra");
    IssuedKey key = unguarded.issue("acme");
    try (ScopedSession s = unguarded.open(key.secret())) {
      assertThat(s.execute("SELECT * FROM " + ACME + "_extra.events").all()).hasSize(3);
      unguarded.unassignKeyspace("acme", ACME + "_extra");
      // Cassandra caches permissions for permissions_validity (2 s by default): wait for the refusal
      ServerSupport.await("Cassandra to refuse the unassigned keyspace", Duration.ofSeconds(60), () -> {
        try {
          s.execute("SELECT * FROM " + ACME + "_extra.events").all();
          return false;
        } catch (AccessDeniedException refused) {
          return true;
        }
      });
    }
  }

  @Test
  @DisplayName("revoking a key drops its role: the role is gone and the key opens nothing")
  void revokeDropsTheRole() {
    IssuedKey key = guarded.issue("acme");
    String role = DatabaseRoles.keyRole(STORE, key.id());
    assertThat(admin.execute("SELECT role FROM system_auth.roles WHERE role = ?", role).one()).isNotNull();
    guarded.revoke(key.id());
    assertThat(admin.execute("SELECT role FROM system_auth.roles WHERE role = ?", role).one()).isNull();
    assertThatThrownBy(() -> guarded.open(key.secret())).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  @DisplayName("role passwords are stored nowhere in clear: Cassandra keeps a bcrypt hash, the key store neither")
  void rolePasswordsNeverInClear() {
    IssuedKey key = guarded.issue("acme");
    String role = DatabaseRoles.keyRole(STORE, key.id());
    Row r = admin.execute("SELECT salted_hash, can_login FROM system_auth.roles WHERE role = ?", role).one();
    assertThat(r.getString("salted_hash")).startsWith("$2a$");
    assertThat(r.getBoolean("can_login")).isTrue();
    String secretPart = key.secret().substring(PREFIX.length()); // dk_<20 hex>_ then 43 base64url characters
    assertThat(secretPart).hasSize(43);
    for (String row : store()) {
      assertThat(row).doesNotContain(secretPart);
    }
    try (ScopedSession s = guarded.open(key.secret())) {
      assertThat(s.execute("SELECT * FROM " + ACME + ".events WHERE id = ?", 1).one()).isNotNull();
      assertThat(s.toString()).doesNotContain(secretPart);
    }
  }

  @Test
  @DisplayName("a wrong secret for a real key id logs in as nothing")
  void wrongSecretNoLogin() {
    IssuedKey key = guarded.issue("acme");
    String forged = key.secret().substring(0, PREFIX.length()) + "A".repeat(43);
    assertThatThrownBy(() -> guarded.open(forged)).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> connect(DatabaseRoles.keyRole(STORE, key.id()), "guess")).isInstanceOf(DelphaException.class);
  }

  @Test
  @DisplayName("an expired key's role is dropped (when presented, or by the library's own sweep), without the host calling anything")
  void expiredKeysLoseTheirRole() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    DatabaseLogin login = (role, password) -> connect(role, password.reveal());
    io.delpha.sdk.core.Secret hostKey = io.delpha.sdk.core.Secret.of("expiry-test-role-password-key-0123456789");
    try (AccessKeys keys = AccessKeys.on(admin).keyspace(STORE).cassandraRoles(login, hostKey).clock(clock)
        .roleSweepInterval(Duration.ofMillis(200)).build()) {
      IssuedKey presented = keys.issue("acme", clock.instant().plus(Duration.ofMinutes(5)));
      IssuedKey forgotten = keys.issue("acme", clock.instant().plus(Duration.ofMinutes(5)));
      IssuedKey lasting = keys.issue("acme");
      // what the host (never a key holder) can compute: the role's password, from its own role-password key
      String forgottenPassword = new DatabaseRoles(admin, STORE, hostKey, java.util.Set.of()).password(forgotten.id()).reveal();
      try (CassandraManager direct = connect(DatabaseRoles.keyRole(STORE, forgotten.id()), forgottenPassword)) {
        assertThat(direct.execute("SELECT v FROM " + ACME + ".events WHERE id = 1").one().getString(0))
            .isEqualTo(ACME + "1");
      }
      clock.advance(Duration.ofMinutes(6));

      assertThatThrownBy(() -> keys.open(presented.secret())).isInstanceOf(AccessDeniedException.class);
      ServerSupport.await("the sweep to drop both expired keys' roles", Duration.ofSeconds(60),
          () -> !roleExists(presented.id()) && !roleExists(forgotten.id()));
      assertThatThrownBy(() -> connect(DatabaseRoles.keyRole(STORE, forgotten.id()), forgottenPassword))
          .isInstanceOf(DelphaException.class);
      assertThat(roleExists(lasting.id())).as("a key without expiry keeps its role").isTrue();
      try (ScopedSession s = keys.open(lasting.secret())) {
        assertThat(s.execute("SELECT v FROM " + ACME + ".events WHERE id = 2").one().getString(0)).isEqualTo(ACME + "2");
      }
    }
  }

  static boolean roleExists(String keyId) {
    return admin.execute("SELECT role FROM system_auth.roles WHERE role = ?", DatabaseRoles.keyRole(STORE, keyId)).one() != null;
  }

  static CassandraManager connect(String user, String password) {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.AUTH);
    return CassandraManager.builder()
        .contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter())
        .credentials(user, password)
        .requestTimeout(Duration.ofSeconds(20))
        .build();
  }

  private static List<String> rows(String ks) {
    return SecurityTesting.rows(admin, ks);
  }

  private static List<String> store() {
    List<String> out = new ArrayList<>();
    for (String table : List.of("access_keys", "admin_slot", "org_keyspaces", "keyspace_owners")) {
      for (Row r : admin.execute("SELECT JSON * FROM " + STORE + "." + table)) {
        out.add(table + " " + r.getString(0));
      }
    }
    out.sort(String::compareTo);
    return out;
  }
}
