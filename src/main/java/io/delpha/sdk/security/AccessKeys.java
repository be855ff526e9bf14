package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.internal.CqlNames;
import io.delpha.sdk.cassandra.internal.QuorumExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
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
import io.delpha.sdk.security.internal.KeyspaceGuard;
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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
  /** The ingest registry's default keyspace: never assignable (see {@code BatchIngestor.Builder}). */
  private static final String DEFAULT_INGEST_KEYSPACE = "delpha_ingest";
  private static final Duration MAX_RECHECK = Duration.ofSeconds(5);

  /** The host's executor with the consistency decisions of {@link QuorumExecutor}, for the key store's tables. */
  private final CqlExecutor cass;
  private final String keyspace;
  private final Duration recheckInterval;
  private final AuditLog audit;
  private final KeyTable keyTable;
  private final AdminSlot adminSlot;
  private final Tenancy tenancy;
  /** Cassandra's own authorisation (with {@link Builder#cassandraRoles} only). */
  private final @Nullable RoleWall roleWall;
  /** What key holders' attempts cause beyond the answer (audit rows, role drops), off the calling thread. */
  private final HolderEvents holderEvents = new HolderEvents();
  private final KeyVerifier verifier;
  private final KeyIssuer issuer;
  private final SessionOpener opener;
  private final ClosedGuard guard = new ClosedGuard("this AccessKeys");

  private AccessKeys(Builder b) {
    // the host's executor, as given: organisation sessions run on it with the host's own settings
    CqlExecutor host = Objects.requireNonNull(b.cass, "cass"); // checked by build()
    this.cass = new QuorumExecutor(host); // the key store's statements: LOCAL_QUORUM, LOCAL_SERIAL for LWTs
    this.keyspace = b.keyspace;
    this.recheckInterval = b.recheckInterval;
    Clock clock = b.clock;
    this.audit = new AuditLog(cass, keyspace, clock);
    this.keyTable = new KeyTable(cass, keyspace);
    this.adminSlot = new AdminSlot(cass, keyspace, keyTable, clock);
    this.tenancy = new Tenancy(cass, keyspace, b.reservedKeyspaces, clock, audit);
    FailureThrottle throttle = new FailureThrottle(b.maxFailures, b.failureWindow);
    Recorder metrics = Recorder.of(b.metrics);
    this.roleWall = b.login == null ? null : roleWall(b, b.login, host); // starts the sweep: nothing after may throw
    this.verifier = new KeyVerifier(keyTable, adminSlot, roleWall, throttle, audit, holderEvents, metrics, clock);
    this.issuer = new KeyIssuer(keyTable, adminSlot, roleWall, verifier, audit, clock);
    SessionAuthority authority = new StoreAuthority(host, keyspace, keyTable, adminSlot, tenancy, verifier, clock,
        recheckInterval);
    this.opener = new SessionOpener(host, authority, verifier, tenancy, new OrganisationBounds(
        b.maxSessionsPerOrganisation, b.maxOpensPerSecondPerOrganisation), roleWall, clock, b.statementGuard);
  }

  private RoleWall roleWall(Builder b, DatabaseLogin login, CqlExecutor host) {
    DatabaseRoles roles = new DatabaseRoles(host, keyspace,
        b.rolePasswordKey != null ? b.rolePasswordKey : DatabaseRoles.randomPasswordKey(), b.cidrGroups);
    GrantReconciler grants = new GrantReconciler(cass, keyspace, roles, tenancy::grantable);
    return new RoleWall(login, roles, grants, keyTable, tenancy, b.clock, b.roleSweepInterval);
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
    return verifier.verify(presentedKey, "AUTHENTICATE").principal();
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
    return roleWall == null ? 0 : roleWall.sweepExpiredRoles();
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
    return roleWall == null ? 0 : roleWall.rotatePasswords();
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
    if (roleWall != null) {
      roleWall.close();
    }
    holderEvents.drain();
    audit.flush();
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
   * <p>With {@link Builder#cassandraRoles}, the organisation role's grants are reconciled with the registry before
   * this returns (also when it throws after changing the registry): {@code SELECT} and {@code MODIFY} on every
   * existing keyspace it owns, nothing else.
   *
   * @throws InvalidInputException for a system keyspace, the security keyspace or a reserved keyspace
   *     ({@link Builder#reservedKeyspaces})
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
   * <p>With {@link Builder#cassandraRoles}, the organisation role's grants are reconciled with the registry before
   * this returns: its role holds nothing on the keyspace any more, and no {@link #open} of any process re-grants it
   * from a registry read older than this change (see docs/security.md, "Grants follow the registry").
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
      if (!Tenancy.isPlainKeyspaceName(ks) || KeyspaceGuard.isSystem(ks)) {
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
      String map = replication != null ? replication : CassandraKeyspaces.survivingReplication(cass);
      cass.execute("CREATE KEYSPACE IF NOT EXISTS " + CqlNames.quote(keyspace) + " WITH replication = " + map);
      cass.execute(KeyTable.createTable(keyspace));
      cass.execute(AdminSlot.createTable(keyspace));
      for (String registryTable : Tenancy.createTables(keyspace)) {
        cass.execute(registryTable);
      }
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
    return Tenancy.isOrganisationName(name);
  }
}
