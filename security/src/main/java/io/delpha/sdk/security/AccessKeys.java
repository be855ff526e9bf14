package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.security.internal.AdminSlot;
import io.delpha.sdk.security.internal.AuditLog;
import io.delpha.sdk.security.internal.DatabaseRoles;
import io.delpha.sdk.security.internal.FailureThrottle;
import io.delpha.sdk.security.internal.GrantReconciler;
import io.delpha.sdk.security.internal.HolderEvents;
import io.delpha.sdk.security.internal.KeyIssuer;
import io.delpha.sdk.security.internal.KeyTable;
import io.delpha.sdk.security.internal.KeyVerifier;
import io.delpha.sdk.security.internal.OrganisationBounds;
import io.delpha.sdk.security.internal.RoleWall;
import io.delpha.sdk.security.internal.SessionAuthority;
import io.delpha.sdk.security.internal.SessionOpener;
import io.delpha.sdk.security.internal.StoreAuthority;
import io.delpha.sdk.security.internal.Tenancy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * ServiceUnavailableException}, never a refusal. With {@link AccessKeysBuilder#metrics}, every check is counted by
 * action and outcome ({@code ok}, {@code malformed}, {@code unknown}, {@code wrong_secret}, {@code revoked}, {@code
 * expired}, {@code superseded}, {@code throttled}, {@code error}) and every refusal of an authenticated key by action;
 * the metrics carry no key id.
 *
 * <p>The management methods ({@link #issue(String)}, {@link #assignKeyspace(String, String)}, {@link
 * #revoke(String)}, ...) are for the host application, which already holds the Cassandra connection;
 * only key holders' access goes through {@link #authenticate(String)} and {@link #open(String)}.
 * Thread-safe.
 */
public final class AccessKeys implements AutoCloseable {

  /** The organisation recorded for the admin key; not a valid organisation name. */
  public static final String ADMIN_ORGANISATION = KeyIssuer.ADMIN_ORGANISATION;

  private static final Logger LOG = LoggerFactory.getLogger(AccessKeys.class);

  /** The host's executor with the consistency decisions of {@link QuorumExecutor}, for the key store's tables. */
  private final AccessKeysConfig config;
  private final CqlExecutor cass;
  private final String keyspace;
  private final Duration recheckInterval;
  /** The audit table; its creation is the last step of {@link AccessKeysBuilder#build()}. */
  final AuditLog audit;
  private final KeyTable keyTable;
  private final AdminSlot adminSlot;
  private final Tenancy tenancy;
  /** Cassandra's own authorisation (with {@link AccessKeysBuilder#cassandraRoles} only). */
  private final @Nullable RoleWall roleWall;
  /** What key holders' attempts cause beyond the answer (audit rows, role drops), off the calling thread. */
  private final HolderEvents holderEvents = new HolderEvents();
  private final KeyVerifier verifier;
  private final KeyIssuer issuer;
  private final SessionOpener opener;
  private final ClosedGuard guard = new ClosedGuard("this AccessKeys");

  AccessKeys(AccessKeysConfig config, boolean statementGuard) {
    this.config = config;
    // the host's executor, as given: organisation sessions run on it with the host's own settings
    CqlExecutor host = config.cassandra();
    this.cass = new QuorumExecutor(host); // the key store's statements: LOCAL_QUORUM, LOCAL_SERIAL for LWTs
    this.keyspace = config.keyspace();
    this.recheckInterval = config.revocationCheckInterval();
    Clock clock = config.clock();
    this.audit = new AuditLog(cass, keyspace, clock);
    this.keyTable = new KeyTable(cass, keyspace);
    this.adminSlot = new AdminSlot(cass, keyspace, keyTable, clock);
    this.tenancy = new Tenancy(cass, keyspace, config.reservedKeyspaces(), clock, audit);
    FailureThrottle throttle = new FailureThrottle(config.maxFailures(), config.failureWindow());
    Recorder metrics = Recorder.of(config.metrics());
    DatabaseLogin login = config.roleLogin();
    this.roleWall = login == null ? null : roleWall(login, host); // starts the sweep: nothing after may throw
    this.verifier = new KeyVerifier(keyTable, adminSlot, roleWall, throttle, audit, holderEvents, metrics, clock);
    this.issuer = new KeyIssuer(keyTable, adminSlot, roleWall, verifier, audit, clock);
    SessionAuthority authority = new StoreAuthority(host, keyspace, keyTable, adminSlot, tenancy, verifier, clock,
        recheckInterval);
    this.opener = new SessionOpener(host, authority, verifier, tenancy, new OrganisationBounds(
        config.maxSessionsPerOrganisation(), config.maxOpensPerSecondPerOrganisation()), roleWall, clock,
        statementGuard);
  }

  private RoleWall roleWall(DatabaseLogin login, CqlExecutor host) {
    Secret key = config.rolePasswordKey();
    DatabaseRoles roles = new DatabaseRoles(host, keyspace, key != null ? key : DatabaseRoles.randomPasswordKey(),
        config.roleAccessFromCidrs());
    GrantReconciler grants = new GrantReconciler(cass, keyspace, roles, tenancy::grantable);
    return new RoleWall(login, roles, grants, keyTable, tenancy, config.clock(), config.roleSweepInterval());
  }

  /**
   * Starts building access control on a Cassandra connection.
   *
   * @param cass the connection (a {@code CassandraManager}); its role needs to create the security
   *     keyspace, or the keyspace must exist
   * @return a builder
   */
  public static AccessKeysBuilder on(CqlExecutor cass) {
    return builder().cassandra(cass);
  }

  /**
   * Starts building access control; give the connection with {@link AccessKeysBuilder#cassandra(CqlExecutor)} ({@link
   * #on(CqlExecutor)} is the shortcut).
   *
   * @return a builder
   */
  public static AccessKeysBuilder builder() {
    return new AccessKeysBuilder();
  }

  /**
   * @return the settings this key store was built with (answers after {@link #close()} too)
   */
  public AccessKeysConfig config() {
    return config;
  }

  /**
   * A builder for another key store with this one's settings ({@code config().toBuilder()}: the connection, the
   * Cassandra roles and their password key included), so {@code toBuilder().build().config()} equals {@link
   * #config()}. Building it creates nothing that exists already.
   *
   * @return a new builder holding {@link #config()}
   */
  public AccessKeysBuilder toBuilder() {
    return config.toBuilder();
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
    return verifier.verify(presentedKey, "AUTHENTICATE").principal();
  }

  /**
   * Opens a session with a key: the admin key's session runs anything; an organisation key's session
   * runs only statements inside the organisation's keyspaces (see {@link ScopedSession}).
   *
   * <p>An organisation may hold at most {@link AccessKeysBuilder#maxSessionsPerOrganisation} sessions open at once and
   * open at most {@link AccessKeysBuilder#maxOpensPerSecondPerOrganisation} a second (in this instance); beyond either,
   * the open is refused like any other (audited with the outcome {@code THROTTLED}). With {@link
   * AccessKeysBuilder#cassandraRoles}, the organisation role's grants match the registry before this returns (see
   * {@link #assignKeyspace}), and the sessions of one key share one connection logged in as the key's role, closed with
   * the last of them.
   *
   * @param presentedKey the whole key, {@code dk_<id>_<secret>}
   * @return the session; close it when done
   * @throws AccessDeniedException "access denied", whatever was wrong with the key, and when the organisation's
   *     session bounds are reached
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public ScopedSession open(String presentedKey) {
    guard.check();
    return opener.open(verifier.verify(presentedKey, "OPEN"));
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
    return issuer.issueAdmin();
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
    return issuer.rotateAdmin(currentAdminKey);
  }

  /**
   * @return the id of the active admin key, if one was issued and not revoked
   */
  public Optional<String> adminKeyId() {
    guard.check();
    return Optional.ofNullable(adminSlot.holder());
  }

  /**
   * Lists every key ever issued, revoked and expired ones included; never a secret or a hash.
   *
   * @return the keys, by organisation then creation time
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public List<KeyInfo> listKeys() {
    guard.check();
    return keyTable.list();
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
    return issuer.issue(organisation, expiresAt);
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
    issuer.revoke(keyId);
  }

  /**
   * Drops the Cassandra login role of every organisation key that has expired or was revoked (with {@link
   * AccessKeysBuilder#cassandraRoles(DatabaseLogin)}; does nothing without it). The library runs this itself on a
   * schedule ({@link AccessKeysBuilder#roleSweepInterval}, every minute by default) and drops an expired key's role
   * when the key is next presented, so the host need not call it; it is public for an immediate sweep. A key's holder
   * cannot log in as its role in any case (the role's password comes from the host's role-password key, never from the
   * access key): dropping dead roles keeps the cluster's role list to what is live.
   *
   * @return how many roles were dropped by this call
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public int dropExpiredRoles() {
    guard.check();
    return roleWall == null ? 0 : roleWall.sweepExpiredRoles();
  }

  /**
   * Sets the password of every live organisation key's role to the one the current role-password key gives
   * ({@link AccessKeysBuilder#cassandraRoles(DatabaseLogin, io.delpha.sdk.core.Secret)}). Run it once after rotating
   * that key (docs/security.md, "Rotating the role-password key"), and once after upgrading from a version whose role
   * passwords were derived from the access keys. Without it, each key's role is re-set the first time the key is
   * presented and its login fails. Does nothing without Cassandra roles.
   *
   * @return how many roles were re-set
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   */
  public int rotateRolePasswords() {
    guard.check();
    return roleWall == null ? 0 : roleWall.rotatePasswords();
  }

  /**
   * Stops the sweep of dead Cassandra roles (with {@link AccessKeysBuilder#cassandraRoles}) and writes the pending
   * audit rows; the connection given to {@link #on} stays open (it is the host's), and so do the sessions already
   * opened (each closes on its own). Idempotent; afterwards every method of this instance throws {@link
   * ClosedException} (the keys stay in the store, for a new instance).
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    if (roleWall != null) {
      roleWall.close();
    }
    holderEvents.drain();
    audit.flush();
  }

  /**
   * Drops this key store and everything it made: with {@link AccessKeysBuilder#cassandraRoles}, every Cassandra role
   * whose name carries this store's id (its key roles and organisation roles, and with them their grants), then the
   * store's keyspace (keys, registry, audit). Irreversible; for the host (an operator's decision, as dropping a
   * keyspace is), never reachable through a key. Call it when no session of the store is in use; sessions still open
   * fail on their next use. This instance is closed afterwards. Roles of another store on the same cluster (another
   * security keyspace) are left alone; without {@code cassandraRoles} no role is touched.
   *
   * @return how many Cassandra roles were dropped
   * @throws ServiceUnavailableException when Cassandra cannot be reached (run it again: it picks up where it stopped)
   * @throws AccessDeniedException when the connection may not list or drop roles or drop the keyspace
   */
  public int dropStore() {
    guard.check();
    int dropped = roleWall == null ? 0 : roleWall.dropStoreRoles();
    close();
    cass.execute("DROP KEYSPACE IF EXISTS " + CqlNames.quote(keyspace));
    LOG.warn("dropped the key store {} and its {} Cassandra role(s)", keyspace, dropped);
    return dropped;
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
   * <p>With {@link AccessKeysBuilder#cassandraRoles}, the organisation role's grants are reconciled with the registry
   * before this returns (also when it throws after changing the registry): {@code SELECT} and {@code MODIFY} on every
   * existing keyspace it owns, nothing else.
   *
   * @throws InvalidInputException for a system keyspace, the security keyspace or a reserved keyspace
   *     ({@link AccessKeysBuilder#reservedKeyspaces})
   */
  public void assignKeyspace(String organisation, String keyspaceName) {
    guard.check();
    String org = Tenancy.organisation(organisation);
    String ks = tenancy.keyspaceName(keyspaceName);
    if (roleWall == null) {
      tenancy.claim(org, ks);
      return;
    }
    roleWall.changeRegistry(org, () -> tenancy.claim(org, ks));
  }

  /**
   * Takes a keyspace away from an organisation; open sessions lose it within the revocation check
   * interval. The owner row is released first (a lightweight transaction, only if the organisation holds it),
   * then the index row is removed. Unassigning a keyspace the organisation does not own changes nothing.
   *
   * <p>With {@link AccessKeysBuilder#cassandraRoles}, the organisation role's grants are reconciled with the registry
   * before this returns: its role holds nothing on the keyspace any more, and no {@link #open} of any process re-grants
   * it from a registry read older than this change (see docs/security.md, "Grants follow the registry").
   *
   * @param organisation the organisation
   * @param keyspaceName the keyspace
   */
  public void unassignKeyspace(String organisation, String keyspaceName) {
    guard.check();
    String org = Tenancy.organisation(organisation);
    String ks = tenancy.keyspaceName(keyspaceName);
    if (roleWall == null) {
      tenancy.release(org, ks);
      return;
    }
    roleWall.changeRegistry(org, () -> tenancy.release(org, ks));
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
    return tenancy.owned(organisation);
  }

  // ---------------------------------------------------------------- audit

  /**
   * Reads a day of audit events into a list. Key holders' events are audited within budgets, so a flood of bad
   * keys cannot grow a day without bound: attempts that fail authentication spend the budget of the key id presented
   * (100 rows a minute; ids of no known key share one), never the budget of the key holder's own events (its
   * organisation's), and every budget writes at most 1,000 rows an hour. What a budget drops is counted and written
   * as {@code AGGREGATED} rows carrying the count ({@link AuditEvent#events()}) and the window ({@link
   * AuditEvent#windowStart()}, {@link AuditEvent#windowEnd()}) at the next event of a later minute and at {@link
   * #close()}; counts of the current minute are not in the table until then. For large days prefer {@link
   * #streamAuditEvents(LocalDate)}.
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

  /**
   * @param name a would-be organisation name
   * @return whether a key could be issued to an organisation of that name ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}});
   *     the one rule, for components that take organisation names from elsewhere (the usage server's {@code org=})
   */
  public static boolean isOrganisationName(String name) {
    return Tenancy.isOrganisationName(name);
  }
}
