package io.delpha.sdk.security;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.internal.CqlNames;
import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.security.internal.AuditLog;
import io.delpha.sdk.cassandra.internal.QuorumExecutor;
import io.delpha.sdk.security.internal.DatabaseRoles;
import io.delpha.sdk.security.internal.FailureThrottle;
import io.delpha.sdk.security.internal.GrantReconciler;
import io.delpha.sdk.security.internal.HolderEvents;
import io.delpha.sdk.security.internal.KeyCodec;
import io.delpha.sdk.security.internal.KeyScopedSession;
import io.delpha.sdk.security.internal.KeyspaceGuard;
import io.delpha.sdk.security.internal.OrganisationBounds;
import io.delpha.sdk.security.internal.RoleConnections;
import io.delpha.sdk.security.internal.RoleExecutor;
import io.delpha.sdk.security.internal.SessionAuthority;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control by private keys, stored in Cassandra: organisation-bound keys, exactly one admin key,
 * an organisation to keyspace registry, and sessions scoped to an organisation's keyspaces.
 *
 * <pre>{@code
 * AccessKeys keys = AccessKeys.on(cass).build();       // creates its keyspace and tables if missing
 * IssuedKey admin = keys.issueAdmin();                  // a second call while one is active: ConflictException
 * keys.assignKeyspace("acme", "acme_data");
 * IssuedKey k = keys.issue("acme");                     // k.secret() is shown once: hand it over, never store it
 * try (ScopedSession s = keys.open(k.secret())) {
 *   s.execute("SELECT * FROM acme_data.events WHERE id = ?", 7);
 * }
 * keys.revoke(k.id());
 * }</pre>
 *
 * <p>Keys look like {@code dk_<id>_<secret>}: a public id and 256 random bits. The table stores the id,
 * the organisation, the role, a SHA-256 hash of the secret and the created, expires and revoked times;
 * never the secret. Verification compares hashes in constant time.
 *
 * <p>Every refusal of a key or a statement is an {@link AccessDeniedException} with the message "access
 * denied", whatever the reason (unknown, malformed, truncated, wrong secret, revoked, expired, throttled,
 * a statement outside the organisation); the reason goes to the append-only audit table ({@link
 * #auditEvents(LocalDate)}). After {@code maxFailures} failures of one key id within the throttle window,
 * attempts with that id are refused without being checked. Cassandra being unreachable is a {@link
 * ServiceUnavailableException}, never a refusal. With {@link Builder#metrics}, every check is counted by action
 * and outcome ({@code ok}, {@code malformed}, {@code unknown}, {@code wrong_secret}, {@code revoked}, {@code
 * expired}, {@code superseded}, {@code throttled}, {@code error}) and every refusal of an authenticated key by
 * action; the metrics carry no key id.
 *
 * <p>The management methods ({@link #issue(String)}, {@link #assignKeyspace(String, String)}, {@link
 * #revoke(String)}, ...) are for the host application, which already holds the Cassandra connection;
 * only key holders' access goes through {@link #authenticate(String)} and {@link #open(String)}.
 * Thread-safe.
 */
public final class AccessKeys implements AutoCloseable {

  /** The organisation recorded for the admin key; not a valid organisation name. */
  public static final String ADMIN_ORGANISATION = "*";

  private static final Logger LOG = LoggerFactory.getLogger(AccessKeys.class);
  private static final String DENIED = "access denied";
  private static final String ADMIN_SLOT = "admin";
  private static final Pattern ORGANISATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern KEYSPACE = Pattern.compile("[a-z0-9_]{1,48}");
  /** The ingest registry's default keyspace: never assignable (see {@code BatchIngestor.Builder}). */
  private static final String DEFAULT_INGEST_KEYSPACE = "delpha_ingest";
  private static final Duration MAX_RECHECK = Duration.ofSeconds(5);
  private static final byte[] NO_HASH = new byte[32];
  /** The record an unknown key id is compared against: same length and work as a stored hash. */
  private static final byte[] DUMMY_HASH = KeyCodec.hash("00000000000000000000", new byte[32]);

  /** The host's executor, as given: organisation sessions run on it with the host's own settings. */
  private final CqlExecutor host;
  /** The same, with the consistency decisions of {@link QuorumExecutor} for the key store's tables. */
  private final CqlExecutor cass;
  private final String keyspace;
  /** {@link #keyspace} as CQL text ({@link CqlNames}). */
  private final String keyspaceCql;
  private final Clock clock;
  private final Duration recheckInterval;
  private final FailureThrottle throttle;
  private final KeyCodec codec;
  private final AuditLog audit;
  private final Set<String> reservedKeyspaces;
  private final @Nullable DatabaseLogin login;
  private final @Nullable DatabaseRoles roles;
  /** Keeps the organisation roles' grants equal to the registry (with {@link #roles} only). */
  private final @Nullable GrantReconciler grants;
  /** One driver session per key role, shared by that key's sessions (roles mode). */
  private final RoleConnections connections = new RoleConnections();
  private final OrganisationBounds bounds;
  private final boolean statementGuard;
  private final SessionAuthority authority = new Authority();
  private final Recorder metrics;
  private final java.util.concurrent.@Nullable ScheduledExecutorService sweeper;
  /** Key ids whose role this instance has dropped (the sweep drops each dead key's role once per process). */
  private final Set<String> droppedRoles = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** What key holders' attempts cause beyond the answer (audit rows, role drops), off the calling thread. */
  private final HolderEvents holderEvents = new HolderEvents();
  private final ClosedGuard guard = new ClosedGuard("this AccessKeys");

  private AccessKeys(Builder b) {
    this.host = Objects.requireNonNull(b.cass, "cass"); // checked by build()
    this.cass = new QuorumExecutor(host); // the key store's statements: LOCAL_QUORUM, LOCAL_SERIAL for LWTs
    this.keyspace = b.keyspace;
    this.keyspaceCql = CqlNames.quote(b.keyspace);
    this.clock = b.clock;
    this.recheckInterval = b.recheckInterval;
    this.reservedKeyspaces = b.reservedKeyspaces;
    this.login = b.login;
    this.roles = b.login == null ? null : new DatabaseRoles(host, b.keyspace,
        b.rolePasswordKey != null ? b.rolePasswordKey : DatabaseRoles.randomPasswordKey(), b.cidrGroups);
    this.grants = roles == null ? null : new GrantReconciler(cass, b.keyspace, roles, this::grantable);
    this.bounds = new OrganisationBounds(b.maxSessionsPerOrganisation, b.maxOpensPerSecondPerOrganisation);
    this.statementGuard = b.statementGuard;
    this.throttle = new FailureThrottle(b.maxFailures, b.failureWindow);
    this.codec = new KeyCodec(new SecureRandom());
    this.audit = new AuditLog(cass, keyspace, clock);
    this.metrics = Recorder.of(b.metrics);
    this.sweeper = roles == null ? null : startRoleSweep(b.roleSweepInterval);
  }

  /**
   * Starts building access control on a Cassandra connection.
   *
   * @param cass the connection (a {@code CassandraManager}); its role needs to create the security
   *     keyspace, or the keyspace must exist
   * @return a builder
   */
  public static Builder on(CqlExecutor cass) {
    return builder().cassandra(cass);
  }

  /**
   * Starts building access control; give the connection with {@link Builder#cassandra(CqlExecutor)} ({@link
   * #on(CqlExecutor)} is the shortcut).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the keyspace holding the keys, the registry and the audit table
   */
  public String keyspace() {
    guard.check();
    return keyspace;
  }

  // ---------------------------------------------------------------- key holders

  /**
   * Checks a presented key. Every outcome is audited.
   *
   * @param presentedKey the whole key, {@code dk_<id>_<secret>}
   * @return who holds it
   * @throws AccessDeniedException "access denied", whatever was wrong with the key
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public KeyPrincipal authenticate(String presentedKey) {
    guard.check();
    return verify(presentedKey, "AUTHENTICATE").principal();
  }

  /**
   * Opens a session with a key: the admin key's session runs anything; an organisation key's session
   * runs only statements inside the organisation's keyspaces (see {@link ScopedSession}).
   *
   * <p>An organisation may hold at most {@link Builder#maxSessionsPerOrganisation} sessions open at once and open
   * at most {@link Builder#maxOpensPerSecondPerOrganisation} a second (in this instance); beyond either, the open is
   * refused like any other (audited with the outcome {@code THROTTLED}). With {@link Builder#cassandraRoles}, the
   * organisation role's grants match the registry before this returns (see {@link #assignKeyspace}), and the
   * sessions of one key share one connection logged in as the key's role, closed with the last of them.
   *
   * @param presentedKey the whole key, {@code dk_<id>_<secret>}
   * @return the session; close it when done
   * @throws AccessDeniedException "access denied", whatever was wrong with the key, and when the organisation's
   *     session bounds are reached
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public ScopedSession open(String presentedKey) {
    guard.check();
    Verified v = verify(presentedKey, "OPEN");
    KeyPrincipal p = v.principal();
    if (p.isAdmin()) {
      return new KeyScopedSession(host, authority, p, v.expiresAt(), Set.of(), null, true);
    }
    StringBuilder why = new StringBuilder();
    AutoCloseable slot = bounds.admit(p.organisation(), clock.instant(), why);
    if (slot == null) {
      audit.recordHolder(p.keyId(), p.organisation(), "OPEN", AuditLog.THROTTLED, why.toString());
      metrics.count(Meter.SECURITY_DENIALS, 1, "action", "open");
      LOG.info("access denied for key {}", p.keyId());
      throw new AccessDeniedException(DENIED);
    }
    try {
      Set<String> allowed = new java.util.HashSet<>(ownedKeyspaces(p.organisation()));
      allowed.removeIf(ks -> !grantable(ks));
      if (roles == null || grants == null) {
        return new KeyScopedSession(host, authority, p, v.expiresAt(), allowed, slot, statementGuard);
      }
      if (!grants.upToDate(p.organisation(), allowed)) {
        grants.reconcile(p.organisation());
      }
      RoleConnections.Lease lease = roleConnection(p, roles);
      CqlExecutor asRole = new RoleExecutor(lease.executor(), reason -> authority.refuse(p, reason));
      return new KeyScopedSession(asRole, authority, p, v.expiresAt(), allowed, () -> {
        lease.close();
        slot.close();
      }, statementGuard);
    } catch (RuntimeException e) {
      closeSlot(slot);
      throw e;
    }
  }

  private static void closeSlot(AutoCloseable slot) {
    try {
      slot.close();
    } catch (Exception e) {
      throw new IllegalStateException("a session slot's release cannot fail", e);
    }
  }

  /** The key's shared role connection; a refused login is the uniform denial, audited with its reason. */
  private RoleConnections.Lease roleConnection(KeyPrincipal p, DatabaseRoles keyRoles) {
    try {
      return connections.acquire(keyRoles.keyRole(p.keyId()), () -> loginAsRole(p, keyRoles));
    } catch (DelphaException e) {
      if (e instanceof ServiceUnavailableException) {
        throw e;
      }
      throw deny(p.keyId(), p.organisation(), "OPEN", "Cassandra refused the key's role login ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  // ---------------------------------------------------------------- issuing and revoking

  /**
   * Issues the admin key. Exactly one admin key is active at any time, even across processes: a
   * Cassandra lightweight transaction on a single slot row decides which issuance wins.
   *
   * @return the admin key; its secret is shown only here
   * @throws ConflictException when an admin key is already active (rotate it, or revoke it first)
   */
  public IssuedKey issueAdmin() {
    guard.check();
    Instant now = clock.instant();
    KeyCodec.NewKey k = codec.generate();
    insertKey(k, ADMIN_ORGANISATION, KeyRole.ADMIN, now, null);
    String holder = claimAdminSlot(k.id(), now);
    if (!k.id().equals(holder)) {
      markRevoked(k.id(), now);
      audit.record(k.id(), ADMIN_ORGANISATION, "ISSUE_ADMIN", AuditLog.DENIED, "admin key " + holder + " is active");
      throw new ConflictException("an admin key is already active (id " + holder
          + "): rotate it with rotateAdmin, or revoke it before issuing another");
    }
    audit.record(k.id(), ADMIN_ORGANISATION, "ISSUE_ADMIN", AuditLog.GRANTED, "admin key issued");
    LOG.info("issued the admin key {}", k.id());
    return new IssuedKey(k.id(), ADMIN_ORGANISATION, KeyRole.ADMIN, now, null, k.presented());
  }

  /**
   * Replaces the admin key: the slot moves from the current key to a new one in one lightweight
   * transaction, so there is never zero or two admin keys; the old key stops working at once.
   *
   * @param currentAdminKey the whole current admin key
   * @return the new admin key; its secret is shown only here
   * @throws AccessDeniedException when the key presented is not the active admin key
   * @throws ConflictException when the admin key changed concurrently (nothing was rotated)
   */
  public IssuedKey rotateAdmin(String currentAdminKey) {
    guard.check();
    Verified current = verify(currentAdminKey, "ROTATE_ADMIN");
    KeyPrincipal old = current.principal();
    if (!old.isAdmin()) {
      throw deny(old.keyId(), old.organisation(), "ROTATE_ADMIN", "an organisation key cannot rotate the admin key");
    }
    Instant now = clock.instant();
    KeyCodec.NewKey k = codec.generate();
    insertKey(k, ADMIN_ORGANISATION, KeyRole.ADMIN, now, null);
    boolean moved = casAdminSlot(old.keyId(), k.id(), now);
    if (!moved) {
      markRevoked(k.id(), now);
      audit.record(k.id(), ADMIN_ORGANISATION, "ROTATE_ADMIN", AuditLog.DENIED, "the admin slot no longer held "
          + old.keyId());
      throw new ConflictException("the admin key changed while rotating; nothing was rotated");
    }
    markRevoked(old.keyId(), now);
    audit.record(k.id(), ADMIN_ORGANISATION, "ROTATE_ADMIN", AuditLog.GRANTED, "replaced admin key " + old.keyId());
    LOG.info("rotated the admin key {} to {}", old.keyId(), k.id());
    return new IssuedKey(k.id(), ADMIN_ORGANISATION, KeyRole.ADMIN, now, null, k.presented());
  }

  /**
   * @return the id of the active admin key, if one was issued and not revoked
   */
  public Optional<String> adminKeyId() {
    guard.check();
    return Optional.ofNullable(readAdminSlot());
  }

  /**
   * Lists every key ever issued, revoked and expired ones included; never a secret or a hash.
   *
   * @return the keys, by organisation then creation time
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public List<KeyInfo> listKeys() {
    guard.check();
    List<KeyInfo> out = new ArrayList<>();
    for (Row r : cass.execute("SELECT key_id, organisation, role, created_at, expires_at, revoked_at FROM " + keyspaceCql
        + ".access_keys")) {
      out.add(new KeyInfo(filled(r.getString("key_id"), "key_id"), filled(r.getString("organisation"), "organisation"),
          KeyRole.valueOf(filled(r.getString("role"), "role")), filled(r.getInstant("created_at"), "created_at"),
          r.getInstant("expires_at"), r.getInstant("revoked_at")));
    }
    out.sort(java.util.Comparator.comparing(KeyInfo::organisation).thenComparing(KeyInfo::createdAt)
        .thenComparing(KeyInfo::keyId));
    return out;
  }

  /**
   * Issues a key for an organisation that never expires.
   *
   * @param organisation the organisation ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}})
   * @return the key; its secret is shown only here
   */
  public IssuedKey issue(String organisation) {
    guard.check();
    return issue(organisation, null);
  }

  /**
   * Issues a key for an organisation.
   *
   * @param organisation the organisation ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}})
   * @param expiresAt when the key stops working, or {@code null} for never; must be in the future
   * @return the key; its secret is shown only here
   */
  public IssuedKey issue(String organisation, @Nullable Instant expiresAt) {
    guard.check();
    String org = organisation(organisation);
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new InvalidInputException("expiresAt must be in the future, was " + expiresAt + " (now " + now + ")");
    }
    KeyCodec.NewKey k = codec.generate();
    if (roles != null) {
      roles.createKeyRole(k.id(), org);
    }
    insertKey(k, org, KeyRole.ORG, now, expiresAt);
    audit.record(k.id(), org, "ISSUE", AuditLog.GRANTED, "organisation key issued"
        + (expiresAt == null ? "" : ", expires " + expiresAt));
    LOG.info("issued key {} for organisation {}", k.id(), org);
    return new IssuedKey(k.id(), org, KeyRole.ORG, now, expiresAt, k.presented());
  }

  /**
   * Revokes a key: {@link #open(String)} refuses it at once and open sessions within the revocation
   * check interval. Revoking the admin key frees the admin slot, so {@link #issueAdmin()} works again.
   * Revoking a revoked key changes nothing.
   *
   * @param keyId the key's public id
   * @throws NotFoundException when no key has this id
   */
  public void revoke(String keyId) {
    guard.check();
    if (!KeyCodec.isKeyId(keyId)) {
      throw new InvalidInputException("not a key id (20 lower-case hex digits): " + keyId);
    }
    Row row = cass.execute("SELECT organisation, role, revoked_at FROM " + keyspaceCql + ".access_keys WHERE key_id = ?",
        keyId).one();
    if (row == null) {
      throw new NotFoundException("no access key has the id " + keyId);
    }
    Instant now = clock.instant();
    if (row.getInstant("revoked_at") == null) {
      markRevoked(keyId, now);
    }
    if (roles != null && KeyRole.ORG.name().equals(row.getString("role"))) {
      roles.dropKeyRole(keyId);
      droppedRoles.add(keyId);
      connections.retire(roles.keyRole(keyId));
    }
    if (KeyRole.ADMIN.name().equals(row.getString("role"))) {
      cass.execute("DELETE FROM " + keyspaceCql + ".admin_slot WHERE slot = ? IF key_id = ?", ADMIN_SLOT, keyId);
    }
    audit.record(keyId, row.getString("organisation"), "REVOKE", AuditLog.GRANTED, "key revoked");
    LOG.info("revoked key {}", keyId);
  }

  /**
   * Drops the Cassandra login role of every organisation key that has expired or was revoked (with {@link
   * Builder#cassandraRoles(DatabaseLogin)}; does nothing without it). The library runs this itself on a schedule
   * ({@link Builder#roleSweepInterval}, every minute by default) and drops an expired key's role when the key is
   * next presented, so the host need not call it; it is public for an immediate sweep. A key's holder cannot log
   * in as its role in any case (the role's password comes from the host's role-password key, never from the
   * access key): dropping dead roles keeps the cluster's role list to what is live.
   *
   * @return how many roles were dropped by this call
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public int dropExpiredRoles() {
    guard.check();
    return sweepExpiredRoles();
  }

  /** {@link #dropExpiredRoles}, for the sweep, which may still be running while the store closes. */
  private int sweepExpiredRoles() {
    if (roles == null) {
      return 0;
    }
    Instant now = clock.instant();
    List<String> dead = new ArrayList<>();
    for (Row r : cass.execute("SELECT key_id, role, expires_at, revoked_at FROM " + keyspaceCql + ".access_keys")) {
      Instant expiresAt = r.getInstant("expires_at");
      boolean expired = expiresAt != null && !now.isBefore(expiresAt);
      if ((expired || r.getInstant("revoked_at") != null) && KeyRole.ORG.name().equals(r.getString("role"))
          && !droppedRoles.contains(r.getString("key_id"))) {
        dead.add(r.getString("key_id"));
      }
    }
    for (String keyId : dead) {
      roles.dropKeyRole(keyId);
      droppedRoles.add(keyId);
      connections.retire(roles.keyRole(keyId));
    }
    if (!dead.isEmpty()) {
      LOG.info("dropped the Cassandra roles of {} expired or revoked key(s)", dead.size());
    }
    return dead.size();
  }

  /**
   * Sets the password of every live organisation key's role to the one the current role-password key gives
   * ({@link Builder#cassandraRoles(DatabaseLogin, io.delpha.sdk.core.Secret)}). Run it once after rotating that key
   * (docs/security.md, "Rotating the role-password key"), and once after upgrading from a version whose role
   * passwords were derived from the access keys. Without it, each key's role is re-set the first time the key is
   * presented and its login fails. Does nothing without Cassandra roles.
   *
   * @return how many roles were re-set
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public int rotateRolePasswords() {
    guard.check();
    if (roles == null) {
      return 0;
    }
    Instant now = clock.instant();
    int n = 0;
    for (Row r : cass.execute("SELECT key_id, role, expires_at, revoked_at FROM " + keyspaceCql + ".access_keys")) {
      Instant expiresAt = r.getInstant("expires_at");
      if (KeyRole.ORG.name().equals(r.getString("role")) && r.getInstant("revoked_at") == null
          && (expiresAt == null || now.isBefore(expiresAt))) {
        roles.resetPassword(Objects.requireNonNull(r.getString("key_id"), "key_id is the primary key"));
        n++;
      }
    }
    connections.retireAll(); // sessions open keep their connection; the next ones log in with the new password
    LOG.info("re-set the Cassandra role passwords of {} live key(s)", n);
    return n;
  }

  /**
   * Stops the sweep of dead Cassandra roles (with {@link Builder#cassandraRoles}) and writes the pending audit rows;
   * the connection given to {@link #on} stays open (it is the host's), and so do the sessions already opened (each
   * closes on its own). Idempotent; afterwards every method of this instance throws {@link ClosedException} (the
   * keys stay in the store, for a new instance).
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    holderEvents.drain();
    audit.flush();
  }

  /**
   * Logs in as the key's role. A refused login (a role made under an earlier role-password key, or by an older
   * version) gets its password re-set once; the key was verified before, so only its holder can cause this.
   */
  private CqlExecutor loginAsRole(KeyPrincipal p, DatabaseRoles keyRoles) {
    DatabaseLogin logins = Objects.requireNonNull(login, "login"); // there are roles only with a login
    String keyId = p.keyId();
    String role = keyRoles.keyRole(keyId);
    try {
      return logins.connect(role, keyRoles.password(keyId));
    } catch (io.delpha.sdk.core.AuthenticationException refused) {
      // a role made under another role-password key, or missing (a key issued before roles were on, or before role
      // names carried the store's id): made or re-set once
      keyRoles.createKeyRole(keyId, p.organisation());
      keyRoles.resetPassword(keyId);
      return logins.connect(role, keyRoles.password(keyId));
    }
  }

  private java.util.concurrent.ScheduledExecutorService startRoleSweep(Duration every) {
    var exec = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "delpha-role-sweep");
      t.setDaemon(true);
      return t;
    });
    long ms = every.toMillis();
    exec.scheduleWithFixedDelay(() -> {
      try {
        sweepExpiredRoles();
        reconcileAllGrants();
      } catch (RuntimeException e) {
        LOG.warn("the sweep of expired keys' Cassandra roles failed ({}); it runs again in {}", e.getClass()
            .getSimpleName(), every);
      }
    }, ms, ms, java.util.concurrent.TimeUnit.MILLISECONDS);
    return exec;
  }

  /**
   * Reconciles the grants of every organisation this store knows (a role of the store, or an entry in the
   * registry): what the sweep runs, so a grant left by a process that stopped mid-change, or lost with a keyspace
   * dropped and created again, is put right within one sweep interval.
   */
  private void reconcileAllGrants() {
    if (roles == null || grants == null) {
      return;
    }
    Set<String> orgs = new java.util.TreeSet<>(roles.organisations());
    for (Row r : cass.execute("SELECT DISTINCT organisation FROM " + keyspaceCql + ".org_keyspaces")) {
      orgs.add(filled(r.getString("organisation"), "organisation"));
    }
    for (String org : orgs) {
      grants.reconcile(org);
    }
  }

  /**
   * Drops this key store and everything it made: with {@link Builder#cassandraRoles}, every Cassandra role whose
   * name carries this store's id (its key roles and organisation roles, and with them their grants), then the
   * store's keyspace (keys, registry, audit). Irreversible; for the host (an operator's decision, as dropping a
   * keyspace is), never reachable through a key. Call it when no session of the store is in use; sessions still
   * open fail on their next use. This instance is closed afterwards. Roles of another store on the same cluster
   * (another security keyspace) are left alone; without {@code cassandraRoles} no role is touched.
   *
   * @return how many Cassandra roles were dropped
   * @throws ServiceUnavailableException when Cassandra cannot be reached (run it again: it picks up where it stopped)
   * @throws AccessDeniedException when the connection may not list or drop roles or drop the keyspace
   */
  public int dropStore() {
    guard.check();
    int dropped = 0;
    if (roles != null && grants != null) {
      dropped = roles.dropStoreRoles();
      grants.forget();
      connections.retireAll();
      droppedRoles.clear();
    }
    close();
    cass.execute("DROP KEYSPACE IF EXISTS " + keyspaceCql);
    LOG.warn("dropped the key store {} and its {} Cassandra role(s)", keyspace, dropped);
    return dropped;
  }

  private boolean grantable(String ks) {
    return !reservedKeyspaces.contains(ks) && !ks.equals(keyspace) && !KeyspaceGuard.isSystem(ks);
  }

  // ---------------------------------------------------------------- organisation registry

  /**
   * Gives an organisation a keyspace. A keyspace belongs to one organisation at most; assigning it again
   * to the same one changes nothing. The keyspace need not exist yet.
   *
   * <p>Linearizable across processes: the owner row ({@code keyspace_owners}) is claimed first by a lightweight
   * transaction and is the only truth of who owns a keyspace; the organisation's list ({@code org_keyspaces}) is
   * an index that {@link #keyspacesOf} reads only through the owner rows. So an assignment racing an unassignment
   * or another organisation's assignment never leaves a keyspace reachable by two organisations.
   *
   * @param organisation the organisation
   * @param keyspaceName the keyspace (unquoted name; lower-cased as Cassandra does)
   * @throws ConflictException when the keyspace belongs to another organisation (also when another organisation
   *     took it while this call ran)
   * <p>With {@link Builder#cassandraRoles}, the organisation role's grants are reconciled with the registry before
   * this returns (also when it throws after changing the registry): {@code SELECT} and {@code MODIFY} on every
   * existing keyspace it owns, nothing else.
   *
   * @throws InvalidInputException for a system keyspace, the security keyspace or a reserved keyspace
   *     ({@link Builder#reservedKeyspaces})
   */
  public void assignKeyspace(String organisation, String keyspaceName) {
    guard.check();
    String org = organisation(organisation);
    String ks = keyspaceName(keyspaceName);
    if (grants == null) {
      claim(org, ks);
      return;
    }
    synchronized (grants.lockOf(org)) { // no reconciliation of org in this process reads the registry mid-change
      try {
        claim(org, ks);
      } finally {
        grants.reconcile(org);
      }
    }
  }

  private void claim(String org, String ks) {
    Instant now = clock.instant();
    ResultSet owner = cass.execute("INSERT INTO " + keyspaceCql + ".keyspace_owners (keyspace_name, organisation, "
        + "assigned_at) VALUES (?, ?, ?) IF NOT EXISTS", ks, org, now);
    if (!owner.wasApplied()) {
      // a refused IF NOT EXISTS answers with the row that is there
      String current = Objects.requireNonNull(owner.one(), "the existing owner row").getString("organisation");
      if (!org.equals(current)) {
        throw new ConflictException("keyspace " + ks + " already belongs to organisation " + current
            + "; unassign it there first");
      }
    }
    cass.execute("INSERT INTO " + keyspaceCql + ".org_keyspaces (organisation, keyspace_name, assigned_at) "
        + "VALUES (?, ?, ?)", org, ks, now);
    String after = ownerOf(ks, true);
    if (!org.equals(after)) {
      // an unassignment (and perhaps another organisation's assignment) came in between: ours is undone
      cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org, ks);
      if (after != null) {
        throw new ConflictException("keyspace " + ks + " was taken by organisation " + after + " while it was "
            + "being assigned to " + org);
      }
      audit.record(null, org, "ASSIGN_KEYSPACE", AuditLog.DENIED, "keyspace " + ks + " was unassigned concurrently");
      return;
    }
    audit.record(null, org, "ASSIGN_KEYSPACE", AuditLog.GRANTED, "keyspace " + ks + " assigned");
  }

  /**
   * Takes a keyspace away from an organisation; open sessions lose it within the revocation check
   * interval. The owner row is released first (a lightweight transaction, only if the organisation holds it),
   * then the index row is removed. Unassigning a keyspace the organisation does not own changes nothing.
   *
   * <p>With {@link Builder#cassandraRoles}, the organisation role's grants are reconciled with the registry before
   * this returns: its role holds nothing on the keyspace any more, and no {@link #open} of any process re-grants it
   * from a registry read older than this change (see docs/security.md, "Grants follow the registry").
   *
   * @param organisation the organisation
   * @param keyspaceName the keyspace
   */
  public void unassignKeyspace(String organisation, String keyspaceName) {
    guard.check();
    String org = organisation(organisation);
    String ks = keyspaceName(keyspaceName);
    if (grants == null) {
      release(org, ks);
      return;
    }
    synchronized (grants.lockOf(org)) {
      try {
        release(org, ks);
      } finally {
        grants.reconcile(org);
      }
    }
  }

  private void release(String org, String ks) {
    cass.execute("DELETE FROM " + keyspaceCql + ".keyspace_owners WHERE keyspace_name = ? IF organisation = ?", ks, org);
    cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org, ks);
    audit.record(null, org, "UNASSIGN_KEYSPACE", AuditLog.GRANTED, "keyspace " + ks + " unassigned");
  }

  /**
   * The keyspaces an organisation owns: the entries of its list whose owner row names it. An entry whose owner
   * row names another organisation or none (left by a race, or a crash between the two writes) is not returned
   * and is removed.
   *
   * @param organisation the organisation
   * @return the keyspaces it owns, sorted
   */
  public List<String> keyspacesOf(String organisation) {
    guard.check();
    return ownedKeyspaces(organisation);
  }

  /** {@link #keyspacesOf}, for this store's own use (a session's re-check), closed or not. */
  private List<String> ownedKeyspaces(String organisation) {
    String org = organisation(organisation);
    List<String> listed = new ArrayList<>();
    for (Row r : cass.execute("SELECT keyspace_name FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ?", org)) {
      listed.add(r.getString("keyspace_name"));
    }
    if (listed.isEmpty()) {
      return List.of();
    }
    Set<String> owned = new HashSet<>();
    for (Row r : cass.execute("SELECT keyspace_name, organisation FROM " + keyspaceCql + ".keyspace_owners "
        + "WHERE keyspace_name IN ?", listed)) {
      if (org.equals(r.getString("organisation"))) {
        owned.add(r.getString("keyspace_name"));
      }
    }
    List<String> names = new ArrayList<>();
    for (String ks : listed) {
      if (owned.contains(ks)) {
        names.add(ks);
      } else {
        cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org,
            ks);
      }
    }
    return List.copyOf(names);
  }

  /** The owner row's organisation, read linearizably ({@code LOCAL_SERIAL}) when asked, else at quorum. */
  private @Nullable String ownerOf(String ks, boolean serial) {
    SimpleStatement read = SimpleStatement.newInstance("SELECT organisation FROM " + keyspaceCql
        + ".keyspace_owners WHERE keyspace_name = ?", ks);
    Row row = cass.execute(serial ? read.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL) : read).one();
    return row == null ? null : row.getString("organisation");
  }

  // ---------------------------------------------------------------- audit

  /**
   * Reads a day of audit events into a list. Authentication failures are audited within a budget (the
   * first 100 a minute one by one, the rest counted into one {@code AGGREGATED} row), so a flood of bad
   * keys cannot grow a day without bound; for large days prefer {@link #streamAuditEvents(LocalDate)}.
   *
   * @param day a UTC day, by the configured clock
   * @return every audit event of that day, oldest first
   */
  public List<AuditEvent> auditEvents(LocalDate day) {
    guard.check();
    try (Stream<AuditEvent> events = streamAuditEvents(day)) {
      return events.toList();
    }
  }

  /**
   * @param day a UTC day, by the configured clock
   * @return that day's audit events, oldest first, fetched page by page as the stream is consumed; close
   *     it (try-with-resources)
   */
  public Stream<AuditEvent> streamAuditEvents(LocalDate day) {
    guard.check();
    Objects.requireNonNull(day, "day");
    holderEvents.drain();
    return audit.stream(day);
  }

  @Override
  public String toString() {
    return "AccessKeys{keyspace=" + keyspace + ", revocationCheckInterval=" + recheckInterval + "}";
  }

  // ---------------------------------------------------------------- internals

  private record Verified(KeyPrincipal principal, @Nullable Instant expiresAt) {}

  private Verified verify(String presentedKey, String action) {
    String outcome = "error"; // Cassandra unreachable: neither granted nor refused
    try {
      Verified v = check(presentedKey, action);
      outcome = "ok";
      return v;
    } catch (KeyRefused e) {
      outcome = e.outcome;
      throw e.denied;
    } finally {
      metrics.count(Meter.SECURITY_AUTHENTICATIONS, 1, "action", action.toLowerCase(Locale.ROOT), "outcome", outcome);
    }
  }

  /** A refused key with the outcome its metric carries (bounded: never the key id). */
  private static final class KeyRefused extends Exception {
    final String outcome;
    final AccessDeniedException denied;

    KeyRefused(String outcome, AccessDeniedException denied) {
      super(null, null, false, false);
      this.outcome = outcome;
      this.denied = denied;
    }
  }

  /**
   * Every well-formed key costs the caller the same, whatever is wrong with it: one registry read, one hash of the
   * presented secret, one constant-time comparison against the stored hash or, for an unknown id, against a dummy
   * record, one throttle look-up, and one task handed to {@link HolderEvents} (audit row, counted or written, and
   * for an expired key in roles mode the role drop). No branch does a round trip of its own before answering.
   */
  private Verified check(String presentedKey, String action) throws KeyRefused {
    Instant now = clock.instant();
    KeyCodec.Parsed parsed = KeyCodec.parse(presentedKey);
    if (!parsed.wellFormed()) {
      throw fail(parsed.id(), null, action, "malformed",
          Objects.requireNonNull(parsed.problem(), "a malformed key has a problem"), now);
    }
    String id = Objects.requireNonNull(parsed.id(), "a well-formed key has an id");
    Row row = cass.execute("SELECT organisation, role, secret_hash, expires_at, revoked_at FROM " + keyspaceCql
        + ".access_keys WHERE key_id = ?", id).one();
    byte[] candidate = KeyCodec.hash(id,
        Objects.requireNonNull(parsed.secret(), "a well-formed key has a secret"));
    String org = row == null ? null : row.getString("organisation");
    byte[] stored = row == null ? DUMMY_HASH : bytes(row.getByteBuffer("secret_hash"));
    boolean secretMatches = KeyCodec.matches(stored, candidate);
    if (throttle.isThrottled(id, now)) {
      String throttledOrg = org;
      holderEvents.submit(() -> audit.recordFailure(id, throttledOrg, action, AuditLog.THROTTLED,
          "too many failures for this key id; refused unchecked"));
      LOG.info("access denied for key {}", id);
      throw new KeyRefused("throttled", new AccessDeniedException(DENIED));
    }
    if (row == null) {
      throw fail(id, null, action, "unknown", "unknown key id", now);
    }
    if (!secretMatches) {
      throw fail(id, org, action, "wrong_secret", "wrong secret", now);
    }
    Instant revokedAt = row.getInstant("revoked_at");
    if (revokedAt != null) {
      throw fail(id, org, action, "revoked", "key revoked at " + revokedAt, now);
    }
    Instant expiresAt = row.getInstant("expires_at");
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      if (roles != null && KeyRole.ORG.name().equals(row.getString("role"))) {
        DatabaseRoles keyRoles = roles;
        holderEvents.submit(() -> { // Cassandra roles do not expire: the first use after expiry removes it
          keyRoles.dropKeyRole(id);
          droppedRoles.add(id);
        });
      }
      throw fail(id, org, action, "expired", "key expired at " + expiresAt, now);
    }
    KeyRole role = KeyRole.valueOf(filled(row.getString("role"), "role"));
    if (role == KeyRole.ADMIN && !id.equals(readAdminSlot())) {
      throw fail(id, org, action, "superseded", "not the active admin key", now);
    }
    String granted = filled(org, "organisation");
    holderEvents.submit(() -> audit.recordHolder(id, granted, action, AuditLog.GRANTED, "valid " + role + " key"));
    return new Verified(new KeyPrincipal(id, granted, role), expiresAt);
  }

  /** A key that failed authentication: counted by the throttle, audited (off the calling thread) within the budget. */
  private KeyRefused fail(@Nullable String id, @Nullable String org, String action, String outcome, String reason, Instant now) {
    if (org != null) {
      // only ids of real keys are counted: made-up ids fail anyway, and a flood of them cannot crowd out the
      // counts of real keys under attack (their number is bounded by the keys issued)
      throttle.recordFailure(Objects.requireNonNull(id, "an organisation was found by the key id"), now);
    }
    holderEvents.submit(() -> audit.recordFailure(id, org, action, AuditLog.DENIED, reason));
    LOG.info("access denied for key {}", id == null ? FailureThrottle.NO_ID : id);
    return new KeyRefused(outcome, new AccessDeniedException(DENIED));
  }

  /** A refusal of an authenticated key (a statement, a session re-check): audited one by one, off the calling thread. */
  private AccessDeniedException deny(String id, String org, String action, String reason) {
    holderEvents.submit(() -> audit.recordHolder(id, org, action, AuditLog.DENIED, reason));
    metrics.count(Meter.SECURITY_DENIALS, 1, "action", action.toLowerCase(Locale.ROOT));
    LOG.info("access denied for key {}", id == null ? FailureThrottle.NO_ID : id);
    return new AccessDeniedException(DENIED);
  }

  private void insertKey(KeyCodec.NewKey k, String org, KeyRole role, Instant now, @Nullable Instant expiresAt) {
    cass.execute("INSERT INTO " + keyspaceCql + ".access_keys (key_id, organisation, role, secret_hash, hash_scheme, "
        + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", k.id(), org, role.name(),
        ByteBuffer.wrap(KeyCodec.hash(k.id(), k.secret())), KeyCodec.HASH_SCHEME, now, expiresAt);
  }

  private void markRevoked(String keyId, Instant now) {
    cass.execute("UPDATE " + keyspaceCql + ".access_keys SET revoked_at = ? WHERE key_id = ?", now, keyId);
  }

  /** Claims the empty admin slot (or one held by a dead key) for a key; returns the slot's holder after. */
  private @Nullable String claimAdminSlot(String keyId, Instant now) {
    ResultSet rs;
    try {
      rs = cass.execute("INSERT INTO " + keyspaceCql + ".admin_slot (slot, key_id, changed_at) VALUES (?, ?, ?) "
          + "IF NOT EXISTS", ADMIN_SLOT, keyId, now);
    } catch (ServiceUnavailableException e) {
      return holderAfterUnknownOutcome(e);
    }
    if (rs.wasApplied()) {
      return keyId;
    }
    // a refused IF NOT EXISTS answers with the row that is there
    String holder = Objects.requireNonNull(rs.one(), "the existing admin slot row").getString("key_id");
    if (holder != null && isLive(holder)) {
      return holder;
    }
    // the slot names a key revoked or never written (a crash between the two steps of an earlier issuance)
    return casAdminSlot(holder, keyId, now) ? keyId : readAdminSlot();
  }

  private boolean casAdminSlot(@Nullable String from, String to, Instant now) {
    try {
      return cass.execute("UPDATE " + keyspaceCql + ".admin_slot SET key_id = ?, changed_at = ? WHERE slot = ? "
          + "IF key_id = ?", to, now, ADMIN_SLOT, from).wasApplied();
    } catch (ServiceUnavailableException e) {
      return to.equals(holderAfterUnknownOutcome(e));
    }
  }

  /** A lightweight transaction whose outcome is unknown (timeout, node lost): read what Paxos decided. */
  private @Nullable String holderAfterUnknownOutcome(ServiceUnavailableException original) {
    try {
      return readAdminSlot();
    } catch (DelphaException again) {
      original.addSuppressed(again);
      throw original;
    }
  }

  private boolean isLive(String keyId) {
    Row row = cass.execute("SELECT revoked_at, expires_at FROM " + keyspaceCql + ".access_keys WHERE key_id = ?",
        keyId).one();
    return row != null && row.getInstant("revoked_at") == null
        && (row.getInstant("expires_at") == null || clock.instant().isBefore(row.getInstant("expires_at")));
  }

  private @Nullable String readAdminSlot() {
    Row row = cass.execute(SimpleStatement.newInstance("SELECT key_id FROM " + keyspaceCql + ".admin_slot WHERE slot = ?",
        ADMIN_SLOT).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)).one();
    return row == null ? null : row.getString("key_id");
  }

  /** A column every insert of the key store fills: {@code null} only in a damaged store. */
  /** A column every insert fills: missing only in a damaged key store, which is a typed error, never an NPE. */
  private static <T> T filled(@Nullable T value, String column) {
    if (value == null) {
      throw new DataFormatException("the key store has a row without " + column + " (damaged key store)");
    }
    return value;
  }

  private static byte[] bytes(@Nullable ByteBuffer b) {
    if (b == null) {
      return NO_HASH;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static String organisation(String organisation) {
    if (organisation == null || !ORGANISATION.matcher(organisation).matches()) {
      throw new InvalidInputException("an organisation is 1 to 64 characters of letters, digits, '_', '.' or '-', "
          + "starting with a letter or digit; got " + organisation);
    }
    return organisation;
  }

  private String keyspaceName(String name) {
    String ks = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (!KEYSPACE.matcher(ks).matches()) {
      throw new InvalidInputException("a keyspace name is 1 to 48 letters, digits or '_'; got " + name);
    }
    if (KeyspaceGuard.isSystem(ks) || ks.equals(keyspace) || reservedKeyspaces.contains(ks)) {
      throw new InvalidInputException("keyspace " + ks + " belongs to Cassandra or to the library itself (access "
          + "control, ingest registry) and cannot be given to an organisation");
    }
    return ks;
  }

  /** Lets sessions re-check their key and audit their refusals. */
  private final class Authority implements SessionAuthority {
    private static final long SCHEMA_REFRESH_NANOS = 1_000_000_000L;
    private final Object schemaLock = new Object();
    private com.datastax.oss.driver.api.core.metadata.@Nullable Metadata lastSchema;
    private long lastSchemaNanos;

    @Override
    public Optional<Set<String>> recheck(KeyPrincipal p) {
      Row row = cass.execute("SELECT revoked_at, expires_at FROM " + keyspaceCql + ".access_keys WHERE key_id = ?",
          p.keyId()).one();
      Instant now = clock.instant();
      String problem = null;
      if (row == null) {
        problem = "key no longer exists";
      } else if (row.getInstant("revoked_at") != null) {
        problem = "key revoked at " + row.getInstant("revoked_at");
      } else if (row.getInstant("expires_at") != null && !now.isBefore(row.getInstant("expires_at"))) {
        problem = "key expired at " + row.getInstant("expires_at");
      } else if (p.isAdmin() && !p.keyId().equals(readAdminSlot())) {
        problem = "no longer the active admin key";
      }
      if (problem != null) {
        deny(p.keyId(), p.organisation(), "SESSION_CHECK", problem + "; open session closed");
        return Optional.empty();
      }
      return Optional.of(p.isAdmin() ? Set.of() : Set.copyOf(ownedKeyspaces(p.organisation())));
    }

    @Override
    public AccessDeniedException refuse(KeyPrincipal p, String reason) {
      return deny(p.keyId(), p.organisation(), "STATEMENT", reason);
    }

    @Override
    public com.datastax.oss.driver.api.core.metadata.Metadata schema() {
      synchronized (schemaLock) { // coalesced: callers during a refresh wait for it and share its result
        long now = System.nanoTime();
        if (lastSchema == null || now - lastSchemaNanos >= SCHEMA_REFRESH_NANOS) {
          lastSchema = host.schema();
          lastSchemaNanos = System.nanoTime();
        }
        return lastSchema;
      }
    }

    @Override
    public Instant now() {
      return clock.instant();
    }

    @Override
    public Duration recheckInterval() {
      return recheckInterval;
    }

    @Override
    public String securityKeyspace() {
      return keyspace;
    }

    @Override
    public boolean isReserved(String ks) {
      return reservedKeyspaces.contains(ks);
    }
  }

  /** Configures and builds {@link AccessKeys}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CqlExecutor cass;
    private String keyspace = "delpha_security";
    private @Nullable String replication;
    private Clock clock = Clock.systemUTC();
    private Duration recheckInterval = Duration.ofSeconds(2);
    private int maxFailures = 5;
    private Duration failureWindow = Duration.ofMinutes(1);
    private Set<String> reservedKeyspaces = Set.of(DEFAULT_INGEST_KEYSPACE);
    private @Nullable DatabaseLogin login;
    private io.delpha.sdk.core.@Nullable Secret rolePasswordKey;
    private Set<String> cidrGroups = Set.of();
    private Duration roleSweepInterval = Duration.ofMinutes(1);
    private boolean statementGuard = true;
    private Metrics metrics = Metrics.none();
    private int maxSessionsPerOrganisation = 64;
    private int maxOpensPerSecondPerOrganisation = 20;

    private Builder() {}

    /**
     * @param cass the connection (a {@code CassandraManager}); its role needs to create the security keyspace, or
     *     the keyspace must exist
     * @return this builder
     */
    public Builder cassandra(CqlExecutor cass) {
      this.cass = Objects.requireNonNull(cass, "cass");
      return this;
    }

    /**
     * @param name the keyspace for keys, registry and audit (default {@code delpha_security})
     * @return this builder
     */
    public Builder keyspace(String name) {
      String ks = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
      if (!KEYSPACE.matcher(ks).matches() || KeyspaceGuard.isSystem(ks)) {
        throw new InvalidInputException("the security keyspace needs a plain, non-system name; got " + name);
      }
      this.keyspace = ks;
      return this;
    }

    /**
     * @param cqlMap the replication map used if the keyspace is created, e.g. {@code {'class':
     *     'NetworkTopologyStrategy', 'dc1': 3}} (default {@link CassandraKeyspaces#survivingReplication}:
     *     the local data center, min(3, its nodes) replicas)
     * @return this builder
     */
    public Builder replication(String cqlMap) {
      if (!Objects.requireNonNull(cqlMap, "cqlMap").trim().startsWith("{") || !cqlMap.trim().endsWith("}")) {
        throw new InvalidInputException("replication is a CQL map such as {'class': 'SimpleStrategy', "
            + "'replication_factor': 3}; got " + cqlMap);
      }
      this.replication = cqlMap.trim();
      return this;
    }

    /**
     * Doubles the statement guard with Cassandra's own authorisation, for clusters with authentication
     * and authorisation on ({@code PasswordAuthenticator}, {@code CassandraAuthorizer}). Each
     * organisation key gets a login role, {@code delpha_<store>_key_<id>}, member of a role {@code
     * delpha_<store>_org_<organisation>} granted {@code SELECT} and {@code MODIFY} on the organisation's keyspaces
     * only, where {@code <store>} is 12 hex digits derived from the key store's keyspace (two key stores on one
     * cluster share no role; {@link AccessKeys#dropStore()} drops a store's roles). {@link AccessKeys#issue} and
     * {@link AccessKeys#revoke} keep the key roles in step; {@link AccessKeys#assignKeyspace}, {@link
     * AccessKeys#unassignKeyspace}, {@link AccessKeys#open} and the sweep reconcile the organisation roles' grants
     * with the registry; {@link AccessKeys#open} runs an organisation key's session on a connection logged in as
     * its role, shared by that key's open sessions. The connection given to {@link AccessKeys#on} needs to create,
     * alter, list and drop roles and to grant on the organisations' keyspaces (a superuser, or a role with those
     * permissions). A key without a role (issued before this was enabled) gets one at its next open. Default: off
     * (one connection, the library's guard alone).
     *
     * <p>This form makes a random role-password key for this instance: right for one process. Several processes
     * sharing a key store should give the same key to each with {@link #cassandraRoles(DatabaseLogin,
     * io.delpha.sdk.core.Secret)}; otherwise each re-sets a role's password the first time it opens that key.
     *
     * @param login opens a connection as a role (e.g. a {@code CassandraManager} with those credentials)
     * @return this builder
     */
    public Builder cassandraRoles(DatabaseLogin login) {
      this.login = Objects.requireNonNull(login, "login");
      return this;
    }

    /**
     * {@link #cassandraRoles(DatabaseLogin)} with the host's role-password key: each key role's password is
     * HMAC-SHA256 of the key id under it. Only the host holds it (a {@code SecretProvider} entry, e.g. {@code
     * Secret.of(secrets.secret("delpha/role-password-key"))}, 32 random bytes base64-encoded), so no access key's
     * holder can compute a role's password and log in to Cassandra directly. Roles are created and altered
     * {@code WITH HASHED PASSWORD} (bcrypt made here), so the password is never sent as statement text. Rotate it
     * as docs/security.md says: change the entry, then call {@link AccessKeys#rotateRolePasswords()} once.
     *
     * @param login opens a connection as a role
     * @param rolePasswordKey the host's role-password key (at least 16 characters)
     * @return this builder
     */
    public Builder cassandraRoles(DatabaseLogin login, io.delpha.sdk.core.Secret rolePasswordKey) {
      this.login = Objects.requireNonNull(login, "login");
      this.rolePasswordKey = Objects.requireNonNull(rolePasswordKey, "rolePasswordKey");
      return this;
    }

    /**
     * Restricts the key roles' logins to the host's networks (Cassandra 5.0 {@code ACCESS FROM CIDRS}). The
     * cluster needs the CIDR authorizer ({@code cidr_authorizer: class_name: CassandraCIDRAuthorizer} in
     * cassandra.yaml) and the groups defined ({@code nodetool updatecidrgroup <group> <cidr>...}).
     *
     * @param cidrGroups the CIDR groups the host's processes connect from (default: none, no restriction)
     * @return this builder
     */
    public Builder roleAccessFromCidrs(Collection<String> cidrGroups) {
      this.cidrGroups = Set.copyOf(Objects.requireNonNull(cidrGroups, "cidrGroups"));
      return this;
    }

    /**
     * @param every how often the library drops the Cassandra roles of expired and revoked keys (default 1
     *     minute; with {@link #cassandraRoles} only)
     * @return this builder
     */
    public Builder roleSweepInterval(Duration every) {
      if (Objects.requireNonNull(every, "every").isNegative() || every.isZero()) {
        throw new InvalidInputException("roleSweepInterval must be positive, was " + every);
      }
      this.roleSweepInterval = every;
      return this;
    }

    /**
     * Test-only: organisation sessions run statements without the library's guard, to show that
     * Cassandra's own authorisation ({@link #cassandraRoles}) refuses on its own. Never part of the API.
     *
     * @return this builder
     */
    Builder withoutStatementGuardForTesting() {
      this.statementGuard = false;
      return this;
    }

    /**
     * Names the keyspaces the library (or the host) keeps for itself, which {@link #assignKeyspace} refuses
     * to give to any organisation, in addition to Cassandra's system keyspaces and the security keyspace.
     *
     * @param names keyspace names (default: {@code delpha_ingest}, the ingest registry's default keyspace;
     *     name yours here when you configure another one)
     * @return this builder
     */
    public Builder reservedKeyspaces(Collection<String> names) {
      Set<String> lowered = new HashSet<>();
      for (String n : Objects.requireNonNull(names, "names")) {
        lowered.add(Objects.requireNonNull(n, "keyspace name").toLowerCase(Locale.ROOT));
      }
      lowered.add(DEFAULT_INGEST_KEYSPACE);
      this.reservedKeyspaces = Set.copyOf(lowered);
      return this;
    }

    /**
     * @param clock the time for issue, expiry, revocation and audit (default the UTC system clock)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param interval how old a session's last key check may get before the next use checks again
     *     (default 2 s, at most 5 s): the longest a revoked key keeps working in an open session
     * @return this builder
     */
    public Builder revocationCheckInterval(Duration interval) {
      if (Objects.requireNonNull(interval, "interval").isNegative() || interval.compareTo(MAX_RECHECK) > 0) {
        throw new InvalidInputException("revocationCheckInterval must be between 0 and 5 s, was " + interval);
      }
      this.recheckInterval = interval;
      return this;
    }

    /**
     * @param maxFailures failures of one key id allowed within the window (default 5); further attempts
     *     in the window are refused unchecked
     * @param window the window (default 1 minute)
     * @return this builder
     */
    public Builder throttle(int maxFailures, Duration window) {
      Objects.requireNonNull(window, "window");
      if (maxFailures < 1 || window.isNegative() || window.isZero()) {
        throw new InvalidInputException("throttle needs at least 1 failure and a positive window, got "
            + maxFailures + " in " + window);
      }
      this.maxFailures = maxFailures;
      this.failureWindow = window;
      return this;
    }

    /**
     * @param max sessions one organisation may hold open at once in this instance (default 64); an {@link
     *     AccessKeys#open} beyond it is refused ("access denied", audited as {@code THROTTLED}) until one closes
     * @return this builder
     */
    public Builder maxSessionsPerOrganisation(int max) {
      if (max < 1) {
        throw new InvalidInputException("maxSessionsPerOrganisation must be at least 1, was " + max);
      }
      this.maxSessionsPerOrganisation = max;
      return this;
    }

    /**
     * @param max sessions one organisation may open per second in this instance, by the configured clock (default
     *     20); an {@link AccessKeys#open} beyond it is refused ("access denied", audited as {@code THROTTLED})
     * @return this builder
     */
    public Builder maxOpensPerSecondPerOrganisation(int max) {
      if (max < 1) {
        throw new InvalidInputException("maxOpensPerSecondPerOrganisation must be at least 1, was " + max);
      }
      this.maxOpensPerSecondPerOrganisation = max;
      return this;
    }

    /**
     * @param metrics where key checks (by action and outcome) and refusals of authenticated keys are counted
     *     ({@code delpha.security.*}, docs/metrics.md; never a key id); default {@link Metrics#none()}
     * @return this builder
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Creates the keyspace and tables if missing.
     *
     * @return access control ready to use
     * @throws ServiceUnavailableException when Cassandra cannot be reached
     */
    public AccessKeys build() {
      if (cass == null) {
        throw new InvalidInputException("AccessKeys needs a Cassandra connection: builder().cassandra(cass)");
      }
      String ks = CqlNames.quote(keyspace);
      String map = replication != null ? replication : CassandraKeyspaces.survivingReplication(cass);
      cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + map);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".access_keys (key_id text PRIMARY KEY, organisation text, "
          + "role text, secret_hash blob, hash_scheme text, created_at timestamp, expires_at timestamp, "
          + "revoked_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".admin_slot (slot text PRIMARY KEY, key_id text, "
          + "changed_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".org_keyspaces (organisation text, keyspace_name text, "
          + "assigned_at timestamp, PRIMARY KEY ((organisation), keyspace_name)) WITH " + QuorumExecutor.TABLE_OPTIONS);
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".keyspace_owners (keyspace_name text PRIMARY KEY, "
          + "organisation text, assigned_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
      AccessKeys keys = new AccessKeys(this);
      cass.execute(keys.audit.createTable());
      return keys;
    }
  }

  /**
   * @param name a would-be organisation name
   * @return whether a key could be issued to an organisation of that name ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}});
   *     the one rule, for components that take organisation names from elsewhere (the usage server's {@code org=})
   */
  public static boolean isOrganisationName(String name) {
    return ORGANISATION.matcher(name).matches();
  }
}
