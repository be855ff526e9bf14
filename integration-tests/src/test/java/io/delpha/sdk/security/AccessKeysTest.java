package io.delpha.sdk.security;

import io.delpha.sdk.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.security.internal.KeyCodec;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("AccessKeys on a real node")
class AccessKeysTest {

  private static final String KEYSPACE = "sec_access_keys";
  private static final AtomicInteger DAYS = new AtomicInteger();
  static CassandraManager cass;

  @BeforeAll
  static void connect() {
    cass = SecurityTesting.connect();
    SecurityTesting.createKeyspace(cass, "ak_acme");
    SecurityTesting.createKeyspace(cass, "ak_beta");
    cass.execute("CREATE TABLE IF NOT EXISTS ak_acme.events (id int PRIMARY KEY, v text)");
    cass.execute("CREATE TABLE IF NOT EXISTS ak_beta.events (id int PRIMARY KEY, v text)");
    SecurityTesting.createKeyspace(cass, "ak_exp");
    cass.execute("CREATE TABLE IF NOT EXISTS ak_exp.events (id int PRIMARY KEY, v text)");
    AccessKeys.on(cass).keyspace(KEYSPACE).build();
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  /**
   * Access control on the class's security keyspace (its tables exist already, so building is quick),
   * with no admin key active: each test starts without one, and with its own throttle.
   */
  private static AccessKeysBuilder fresh() {
    cass.execute("DELETE FROM " + KEYSPACE + ".admin_slot WHERE slot = 'admin'");
    List<String> live = liveAdminIds();
    if (!live.isEmpty()) {
      cass.execute("UPDATE " + KEYSPACE + ".access_keys SET revoked_at = ? WHERE key_id IN ?", Instant.now(), live);
    }
    return AccessKeys.on(cass).keyspace(KEYSPACE);
  }

  private static List<String> liveAdminIds() {
    List<String> ids = new ArrayList<>();
    for (Row r : cass.execute("SELECT key_id, role, revoked_at FROM " + KEYSPACE + ".access_keys")) {
      if ("ADMIN".equals(r.getString("role")) && r.getInstant("revoked_at") == null) {
        ids.add(r.getString("key_id"));
      }
    }
    return ids;
  }

  /** A clock on a day of its own, so each test reads only its own audit partition. */
  private static MutableClock clock() {
    return new MutableClock(Instant.parse("2032-06-01T12:00:00Z").plus(Duration.ofDays(DAYS.incrementAndGet())));
  }

  private static List<AuditEvent> audit(AccessKeys keys, MutableClock clock) {
    return keys.auditEvents(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
  }

  private static void assertDenied(Runnable r) {
    assertThatThrownBy(r::run).isExactlyInstanceOf(AccessDeniedException.class).hasMessage("access denied").hasNoCause();
  }

  @Test
  @DisplayName("a security keyspace named like a CQL keyword ('table') is created and used: every statement quotes it")
  void keywordKeyspace() {
    AccessKeys keys = AccessKeys.on(cass).keyspace("table").build();
    try {
      IssuedKey k = keys.issue("keyword-org");
      assertThat(keys.authenticate(k.secret()).organisation()).isEqualTo("keyword-org");
      assertThat(keys.listKeys()).extracting(KeyInfo::keyId).contains(k.id());
      keys.revoke(k.id());
      assertDenied(() -> keys.authenticate(k.secret()));
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS \"table\"");
    }
  }

  @Test
  @DisplayName("a damaged key store (a row without its organisation) is a DataFormatException naming the column, "
      + "never a NullPointerException; the other keys are still listed once it is repaired")
  void damagedKeyStore() {
    AccessKeys keys = AccessKeys.on(cass).keyspace("sec_damaged").build();
    IssuedKey good = keys.issue("acme");
    cass.execute("INSERT INTO sec_damaged.access_keys (key_id, role, created_at) VALUES ('damaged', 'ORG', ?)",
        Instant.now());
    assertThatThrownBy(keys::listKeys).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("organisation").hasMessageContaining("damaged key store");
    cass.execute("DELETE FROM sec_damaged.access_keys WHERE key_id = 'damaged'");
    assertThat(keys.listKeys()).extracting(KeyInfo::keyId).containsExactly(good.id());
  }

  @Test
  @DisplayName("the issue's example: an organisation key reads and writes its own keyspace, then is revoked")
  void issueExample() {
    AccessKeys keys = fresh().build();
    keys.assignKeyspace("acme", "ak_acme");
    IssuedKey k = keys.issue("acme");
    try (ScopedSession s = keys.open(k.secret())) {
      s.execute("INSERT INTO ak_acme.events (id, v) VALUES (?, ?)", 7, "seven");
      assertThat(s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 7).one().getString("v")).isEqualTo("seven");
      assertThat(s.principal()).isEqualTo(new KeyPrincipal(k.id(), "acme", KeyRole.ORG));
    }
    keys.revoke(k.id());
    assertDenied(() -> keys.open(k.secret()));
  }

  @Test
  @DisplayName("keys are dk_<20 hex id>_<43 base64url chars>: 256 random bits, all different")
  void keyFormat() {
    AccessKeys keys = fresh().build();
    IssuedKey a = keys.issue("acme");
    IssuedKey b = keys.issue("acme");
    assertThat(a.secret()).matches("dk_[0-9a-f]{20}_[A-Za-z0-9_-]{43}").startsWith("dk_" + a.id() + "_");
    assertThat(Base64.getUrlDecoder().decode(a.secret().substring(24))).hasSize(32);
    assertThat(a.secret()).isNotEqualTo(b.secret());
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.role()).isEqualTo(KeyRole.ORG);
    assertThat(a.expiresAt()).isEmpty();
  }

  @Test
  @DisplayName("authenticate names the key's organisation and role; keyspacesOf lists the registry")
  void authenticateAndRegistry() {
    AccessKeys keys = fresh().build();
    keys.assignKeyspace("registry", "ak_reg");
    keys.assignKeyspace("registry", "AK_Reg_Two");
    keys.assignKeyspace("registry", "ak_reg"); // again: no change
    IssuedKey k = keys.issue("registry");
    assertThat(keys.authenticate(k.secret())).isEqualTo(new KeyPrincipal(k.id(), "registry", KeyRole.ORG));
    assertThat(keys.keyspacesOf("registry")).containsExactly("ak_reg", "ak_reg_two");
    assertThat(keys.keyspacesOf("nobody")).isEmpty();
  }

  @Test
  @DisplayName("a keyspace belongs to one organisation; system and security keyspaces belong to none")
  void keyspaceOwnership() {
    AccessKeys keys = fresh().build();
    keys.assignKeyspace("own-a", "ak_owned");
    assertThatThrownBy(() -> keys.assignKeyspace("own-b", "ak_owned")).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> keys.assignKeyspace("beta", "system_auth")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.assignKeyspace("beta", keys.keyspace())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.assignKeyspace("beta", "bad-name")).isInstanceOf(InvalidInputException.class);
    keys.unassignKeyspace("own-a", "ak_owned");
    keys.assignKeyspace("own-b", "ak_owned");
    assertThat(keys.keyspacesOf("own-b")).containsExactly("ak_owned");
    assertThat(keys.keyspacesOf("own-a")).isEmpty();
  }

  @Test
  @DisplayName("revoked, expired, malformed, truncated, unknown and wrong-secret keys are all refused alike, each reason audited")
  void refusedKeys() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).throttle(100, Duration.ofMinutes(1)).build();
    IssuedKey revoked = keys.issue("acme");
    keys.revoke(revoked.id());
    IssuedKey expiring = keys.issue("acme", clock.instant().plus(Duration.ofHours(1)));
    assertThat(keys.authenticate(expiring.secret()).keyId()).isEqualTo(expiring.id());
    clock.advance(Duration.ofHours(1));
    IssuedKey good = keys.issue("acme");
    String unknown = new KeyCodec(new SecureRandom()).generate().presented();
    String wrongSecret = good.secret().substring(0, 24) + unknown.substring(24);
    List<String> presented = new ArrayList<>(List.of(revoked.secret(), expiring.secret(), "garbage", "", "dk_",
        good.secret().substring(0, good.secret().length() - 1), good.secret() + "A", unknown, wrongSecret,
        good.secret().replace('_', '-'), good.secret().toUpperCase()));
    for (String p : presented) {
      assertDenied(() -> keys.authenticate(p));
      assertDenied(() -> keys.open(p));
    }
    assertDenied(() -> keys.authenticate(null));
    assertThat(keys.authenticate(good.secret()).keyId()).isEqualTo(good.id());
    List<String> reasons = audit(keys, clock).stream().filter(e -> "DENIED".equals(e.outcome()))
        .map(AuditEvent::reason).toList();
    assertThat(reasons).anyMatch(r -> r.startsWith("key revoked"))
        .anyMatch(r -> r.startsWith("key expired"))
        .anyMatch(r -> r.contains("truncated"))
        .anyMatch(r -> r.contains("too long"))
        .anyMatch(r -> r.equals("unknown key id"))
        .anyMatch(r -> r.equals("wrong secret"))
        .anyMatch(r -> r.contains("no well-formed id"))
        .anyMatch(r -> r.equals("no key presented"));
  }

  @Test
  @DisplayName("expiry in the past is refused at issue time, and bad arguments are typed errors")
  void badArguments() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).build();
    assertThatThrownBy(() -> keys.issue("acme", clock.instant())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.issue("no spaces allowed")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.issue(AccessKeys.ADMIN_ORGANISATION)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.revoke("not-an-id")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> keys.revoke("0123456789abcdef0123")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> AccessKeys.on(cass).revocationCheckInterval(Duration.ofSeconds(6)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> AccessKeys.on(cass).keyspace("system")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> AccessKeys.on(cass).throttle(0, Duration.ofMinutes(1))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("revocation stops open at once and an open session on its next use after the check interval")
  void revocationInOpenSessions() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).revocationCheckInterval(Duration.ofSeconds(2)).build();
    keys.assignKeyspace("acme", "ak_acme");
    IssuedKey k = keys.issue("acme");
    ScopedSession s = keys.open(k.secret());
    keys.revoke(k.id());
    assertDenied(() -> keys.open(k.secret()));
    clock.advance(Duration.ofSeconds(2));
    assertDenied(() -> s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1));
    assertDenied(() -> s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1));
    assertThat(audit(keys, clock)).anyMatch(e -> "SESSION_CHECK".equals(e.action()) && e.reason().startsWith("key revoked"));
    s.close();
    assertThatThrownBy(() -> s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("with the real clock, a revoked key stops working in an open session within the interval")
  void revocationWithRealClock() {
    AccessKeys keys = fresh().revocationCheckInterval(Duration.ofMillis(200)).build();
    keys.assignKeyspace("acme", "ak_acme");
    IssuedKey k = keys.issue("acme");
    try (ScopedSession s = keys.open(k.secret())) {
      s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1);
      keys.revoke(k.id());
      ServerSupport.await("the open session to notice the revocation", Duration.ofSeconds(10), () -> {
        Throwable t = catchThrowable(() -> s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1));
        return t instanceof AccessDeniedException;
      });
      assertDenied(() -> s.execute("SELECT * FROM ak_acme.events WHERE id = ?", 1));
    }
  }

  @Test
  @DisplayName("an open session honours expiry, and loses an unassigned keyspace at the next check")
  void expiryAndUnassignInOpenSessions() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).build();
    keys.assignKeyspace("expiry", "ak_exp");
    IssuedKey expiring = keys.issue("expiry", clock.instant().plus(Duration.ofMinutes(10)));
    IssuedKey lasting = keys.issue("expiry");
    ScopedSession e = keys.open(expiring.secret());
    ScopedSession l = keys.open(lasting.secret());
    e.execute("SELECT * FROM ak_exp.events WHERE id = ?", 1);
    keys.unassignKeyspace("expiry", "ak_exp");
    l.execute("SELECT * FROM ak_exp.events WHERE id = ?", 1); // not re-checked yet
    clock.advance(Duration.ofMinutes(10));
    assertDenied(() -> e.execute("SELECT * FROM ak_exp.events WHERE id = ?", 1));
    assertDenied(() -> l.execute("SELECT * FROM ak_exp.events WHERE id = ?", 1));
    keys.assignKeyspace("expiry", "ak_exp");
    clock.advance(Duration.ofSeconds(5));
    assertThat(l.execute("SELECT * FROM ak_exp.events WHERE id = ?", 1).all()).isNotNull();
  }

  @Test
  @DisplayName("one admin key: a second issuance conflicts; revoking frees the slot")
  void singleAdmin() {
    AccessKeys keys = fresh().build();
    IssuedKey admin = keys.issueAdmin();
    assertThat(admin.role()).isEqualTo(KeyRole.ADMIN);
    assertThatThrownBy(keys::issueAdmin).isInstanceOf(ConflictException.class).hasMessageContaining(admin.id());
    assertThat(keys.authenticate(admin.secret())).isEqualTo(new KeyPrincipal(admin.id(), "*", KeyRole.ADMIN));
    assertThat(keys.adminKeyId()).contains(admin.id());
    keys.revoke(admin.id());
    assertThat(keys.adminKeyId()).isEmpty();
    assertDenied(() -> keys.authenticate(admin.secret()));
    IssuedKey next = keys.issueAdmin();
    assertThat(keys.authenticate(next.secret()).role()).isEqualTo(KeyRole.ADMIN);
    assertThat(liveAdminRows(keys)).containsExactly(next.id());
  }

  @Test
  @DisplayName("rotation switches the admin key atomically: the new one works, the old one is refused at once")
  void rotation() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).build();
    IssuedKey first = keys.issueAdmin();
    ScopedSession oldSession = keys.open(first.secret());
    IssuedKey second = keys.rotateAdmin(first.secret());
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(keys.adminKeyId()).contains(second.id());
    assertDenied(() -> keys.authenticate(first.secret()));
    assertDenied(() -> keys.rotateAdmin(first.secret()));
    assertThat(keys.authenticate(second.secret()).role()).isEqualTo(KeyRole.ADMIN);
    clock.advance(Duration.ofSeconds(2));
    assertDenied(() -> oldSession.execute("SELECT * FROM system.local"));
    IssuedKey org = keys.issue("acme");
    assertDenied(() -> keys.rotateAdmin(org.secret()));
    assertThat(liveAdminRows(keys)).containsExactly(second.id());
  }

  @Test
  @DisplayName("a crash mid-issuance leaves no usable admin: an orphan admin row is refused, a dead slot is taken over")
  void adminCrashRecovery() {
    AccessKeys keys = fresh().build();
    // a crash after writing the key row but before claiming the slot
    KeyCodec.NewKey orphan = new KeyCodec(new SecureRandom()).generate();
    cass.execute("INSERT INTO " + keys.keyspace() + ".access_keys (key_id, organisation, role, secret_hash, hash_scheme, "
        + "created_at) VALUES (?, '*', 'ADMIN', ?, ?, ?)", orphan.id(), ByteBuffer.wrap(KeyCodec.hash(orphan.id(),
        orphan.secret())), KeyCodec.HASH_SCHEME, Instant.now());
    assertDenied(() -> keys.authenticate(orphan.presented()));
    // a slot naming a key that was never written
    cass.execute("INSERT INTO " + keys.keyspace() + ".admin_slot (slot, key_id) VALUES ('admin', '00000000000000000000')");
    IssuedKey admin = keys.issueAdmin();
    assertThat(keys.adminKeyId()).contains(admin.id());
    assertThat(keys.authenticate(admin.secret()).role()).isEqualTo(KeyRole.ADMIN);
  }

  @Test
  @DisplayName("after repeated failures a key id is refused unchecked until the window ends, audited as throttled")
  void throttling() {
    MutableClock clock = clock();
    AccessKeys keys = fresh().clock(clock).throttle(3, Duration.ofMinutes(1)).build();
    IssuedKey k = keys.issue("acme");
    String wrong = k.secret().substring(0, 24) + new KeyCodec(new SecureRandom()).generate().presented().substring(24);
    for (int i = 0; i < 3; i++) {
      assertDenied(() -> keys.authenticate(wrong));
    }
    assertDenied(() -> keys.authenticate(k.secret()));
    assertThat(audit(keys, clock)).anyMatch(e -> k.id().equals(e.keyId()) && "THROTTLED".equals(e.outcome()));
    clock.advance(Duration.ofMinutes(1));
    assertThat(keys.authenticate(k.secret()).keyId()).isEqualTo(k.id());
  }

  @Test
  @DisplayName("a second AccessKeys on the same keyspace (a restarted host) accepts the keys issued before")
  void rebuildIsIdempotent() {
    AccessKeys first = fresh().build();
    IssuedKey k = first.issue("acme");
    AccessKeys again = AccessKeys.on(cass).keyspace(first.keyspace()).build();
    assertThat(again.authenticate(k.secret()).keyId()).isEqualTo(k.id());
  }

  @Test
  @DisplayName("the secret appears in no column of any security table, no log line, exception or toString()")
  void secretNeverLeaks() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> seen = new ArrayList<>();
    List<IssuedKey> issued = new ArrayList<>();
    AccessKeys keys;
    try {
      keys = fresh().build();
      keys.assignKeyspace("acme", "ak_acme");
      IssuedKey admin = keys.issueAdmin();
      IssuedKey rotated = keys.rotateAdmin(admin.secret());
      IssuedKey org = keys.issue("acme");
      IssuedKey revoked = keys.issue("acme");
      issued.addAll(List.of(admin, rotated, org, revoked));
      keys.revoke(revoked.id());
      seen.add(String.valueOf(catchThrowable(() -> keys.open(revoked.secret()))));
      seen.add(String.valueOf(catchThrowable(() -> keys.authenticate(admin.secret()))));
      seen.add(String.valueOf(catchThrowable(() -> keys.open(org.secret().substring(0, 60)))));
      try (ScopedSession s = keys.open(org.secret())) {
        // a caller pasting a key into a refused statement: the audit reason must not keep it
        Throwable t = catchThrowable(() -> s.execute("SELECT * FROM ak_beta.events WHERE v = '" + org.secret() + "' ALLOW FILTERING"));
        seen.add(stackOf(t));
        seen.add(s.toString());
        seen.add(s.principal().toString());
      }
      for (IssuedKey k : issued) {
        seen.add(k.toString());
      }
      seen.add(keys.toString());
    } finally {
      root.detachAppender(logs);
    }
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage());
      for (IThrowableProxy p = e.getThrowableProxy(); p != null; p = p.getCause()) {
        seen.add(p.getMessage());
      }
    }
    seen.addAll(everyCellOf(keys.keyspace()));
    for (IssuedKey k : issued) {
      String secretPart = k.secret().substring(24);
      byte[] secretBytes = Base64.getUrlDecoder().decode(secretPart);
      String hex = HexFormat.of().formatHex(secretBytes);
      assertThat(seen).noneMatch(s -> s != null && (s.contains(secretPart) || s.contains(hex)
          || s.contains(secretPart.substring(0, 16))));
    }
    assertThat(seen).anyMatch(s -> s != null && s.contains(issued.get(2).id())); // the ids are there to be found
  }

  private static String stackOf(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c).append('\n');
    }
    return b.toString();
  }

  private static List<String> everyCellOf(String ks) {
    List<String> cells = new ArrayList<>();
    for (Row t : cass.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", ks)) {
      for (Row r : cass.execute("SELECT * FROM " + ks + "." + t.getString(0))) {
        for (ColumnDefinition c : r.getColumnDefinitions()) {
          Object v = r.getObject(c.getName());
          if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            cells.add(HexFormat.of().formatHex(bytes));
            cells.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
          } else {
            cells.add(String.valueOf(v));
          }
        }
      }
    }
    assertThat(cells).isNotEmpty();
    return cells;
  }

  private static List<String> liveAdminRows(AccessKeys keys) {
    List<String> ids = new ArrayList<>();
    for (Row r : cass.execute("SELECT key_id, role, revoked_at FROM " + keys.keyspace() + ".access_keys")) {
      if ("ADMIN".equals(r.getString("role")) && r.getInstant("revoked_at") == null) {
        ids.add(r.getString("key_id"));
      }
    }
    return ids;
  }
}
