package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.cql.StatementBuilder;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.ClusterView;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.ScopedSession;
import com.datastax.oss.driver.internal.core.cql.DefaultPreparedStatement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ScopedSession} behind {@code AccessKeys.open}: the admin key's statements pass through;
 * an organisation key's statements are prepared, checked by {@link KeyspaceGuard}, and run as the very
 * prepared statement that was checked.
 *
 * <p>What the guard checks is the library's own record of each preparation ({@link Checked}: the text, the
 * statement id and the keyspaces Cassandra reported, taken when the library prepared the text), kept per text in
 * this session's cache and never read back from an object the tenant holds. Every execution and every page checks
 * that record against the keyspaces the organisation owns now (re-read from the registry once the last read is
 * older than the revocation check interval). {@link #prepare} hands the tenant a copy, so whatever the tenant
 * changes on it ({@code setResultMetadata}) changes neither the record nor the statement that runs; a tenant's
 * {@code BoundStatement} is rebuilt from the session's own preparation of the same text, refused if its id or the
 * keyspaces its metadata names differ. Every refusal, the library's or the cluster's (an authorizer's refusal in
 * roles mode, a table that does not exist), is the same {@link AccessDeniedException}.
 */
public final class KeyScopedSession implements ScopedSession {

  private static final Logger LOG = LoggerFactory.getLogger(KeyScopedSession.class);
  /** The one message of every refusal a key holder sees. */
  static final String UNIFORM = "access denied";

  private final CqlExecutor delegate;
  private final SessionAuthority authority;
  private final KeyPrincipal principal;
  private final @Nullable Instant expiresAt;
  private volatile Set<String> allowed;
  private volatile Instant lastCheck;
  private volatile boolean closed;
  private volatile boolean invalid;
  private final PreparedCache<Checked> cache = new PreparedCache<>(512);
  private final @Nullable AutoCloseable owned;
  private final boolean guarded;

  /**
   * @param delegate the connection statements run on
   * @param authority the key store that opened the session
   * @param principal the key
   * @param expiresAt when the key expires, or {@code null}
   * @param allowed the keyspaces the key may reach (ignored for the admin key)
   * @param owned the connection this session opened for itself (closed with it), or {@code null}
   * @param guarded whether an organisation key's statements are checked (always, outside tests)
   */
  public KeyScopedSession(CqlExecutor delegate, SessionAuthority authority, KeyPrincipal principal,
      @Nullable Instant expiresAt, Set<String> allowed, @Nullable AutoCloseable owned, boolean guarded) {
    this.owned = owned;
    this.guarded = guarded;
    this.delegate = delegate;
    this.authority = authority;
    this.principal = principal;
    this.expiresAt = expiresAt;
    this.allowed = withoutReserved(allowed);
    this.lastCheck = authority.now();
  }

  @Override
  public KeyPrincipal principal() {
    return principal;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    Authorised a = authorise(statement);
    ResultSet rs;
    try {
      rs = delegate.execute(a.statement());
    } catch (RuntimeException e) {
      throw uniform(e);
    }
    return GuardedResults.sync(rs, () -> stillReadable(a.checks()), this::uniform, statement);
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    Authorised a;
    CompletionStage<AsyncResultSet> running;
    try {
      a = authorise(statement);
      running = delegate.executeAsync(a.statement());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(uniform(e));
    }
    CompletableFuture<AsyncResultSet> out = new CompletableFuture<>();
    running.whenComplete((rs, error) -> {
      if (error != null) {
        out.completeExceptionally(GuardedResults.mapped(error, this::uniform));
      } else {
        out.complete(GuardedResults.async(rs, () -> stillReadable(a.checks()), this::uniform, statement));
      }
    });
    return out;
  }

  /**
   * For an organisation key: a statement object of the tenant's own, a copy of the session's checked preparation.
   * Whatever the tenant changes on it changes neither what the guard checks nor what runs: executing a statement
   * bound from it rebuilds the statement from the session's own preparation of the same text.
   */
  @Override
  public PreparedStatement prepare(String cql) {
    ensureUsable();
    if (principal.isAdmin() || !guarded) {
      try {
        return delegate.prepare(cql);
      } catch (RuntimeException e) {
        throw uniform(e);
      }
    }
    return tenantCopy(checkedPrepare(cql));
  }

  /**
   * The schema as this key may see it: everything for the admin key; for an organisation key, its own
   * keyspaces only, and a token map that answers for its own keyspaces only (for any other, existing or not, as
   * for a keyspace that does not exist). Organisation keys share one rate-limited, coalesced refresh ({@link
   * SessionAuthority#schema()}), so a tenant calling this in a loop does not load the cluster.
   */
  @Override
  public Metadata schema() {
    ensureUsable();
    if (principal.isAdmin()) {
      return delegate.schema();
    }
    Metadata all = authority.schema();
    Map<CqlIdentifier, KeyspaceMetadata> mine = new LinkedHashMap<>();
    all.getKeyspaces().forEach((name, ks) -> {
      if (allowedKeyspace(name.asInternal())) {
        mine.put(name, ks);
      }
    });
    Map<CqlIdentifier, KeyspaceMetadata> visible = Map.copyOf(mine);
    return new Metadata() {
      @Override
      public Map<UUID, Node> getNodes() {
        return all.getNodes();
      }

      @Override
      public Map<CqlIdentifier, KeyspaceMetadata> getKeyspaces() {
        return visible;
      }

      @Override
      public Optional<TokenMap> getTokenMap() {
        return all.getTokenMap().map(t -> new ScopedTokenMap(t, KeyScopedSession.this::allowedKeyspace));
      }

      @Override
      public Optional<String> getClusterName() {
        return all.getClusterName();
      }
    };
  }

  /**
   * The request capacity and timeouts of the executor under this session, and no ring: an organisation's session
   * does not learn which nodes hold other organisations' partitions.
   */
  @Override
  public ClusterView cluster() {
    ClusterView under = delegate.cluster();
    return new ClusterView() {
      @Override
      public int requestCapacity() {
        return under.requestCapacity();
      }

      @Override
      public Optional<java.time.Duration> attemptTimeout() {
        return under.attemptTimeout();
      }

      @Override
      public java.time.Duration requestTimeout() {
        return under.requestTimeout();
      }

      @Override
      public String toString() {
        return "ClusterView[scoped, no ring]";
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        LOG.warn("closing the session's role connection failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "ScopedSession{keyId=" + principal.keyId() + ", organisation=" + principal.organisation()
        + ", role=" + principal.role() + (closed ? ", closed" : "") + "}";
  }

  /**
   * What the library itself established when it prepared a text, kept in this session's cache and never read back
   * from an object a tenant holds or can edit: the statement it runs, its id, the keyspace and function keyspaces
   * its text names, and every keyspace Cassandra reported for its variables and result columns at preparation.
   */
  record Checked(String cql, PreparedStatement ours, ByteBuffer id, @Nullable String namedKeyspace,
      List<String> functionKeyspaces, Set<String> keyspaces) {}

  /** What runs, built by this session, and the records it was built from (checked again before each page). */
  private record Authorised(Statement<?> statement, List<Checked> checks) {}

  private Authorised authorise(Statement<?> statement) {
    if (statement == null) {
      throw new InvalidInputException("statement must not be null");
    }
    ensureUsable();
    if (principal.isAdmin() || !guarded) {
      return new Authorised(statement, List.of());
    }
    List<Checked> checks = new ArrayList<>();
    if (statement instanceof BatchStatement batch) {
      return new Authorised(authoriseBatch(batch, checks), List.copyOf(checks));
    }
    if (statement instanceof BatchableStatement<?> single) {
      BoundStatement bound = authoriseSingle(single, checks);
      return new Authorised(bound, List.copyOf(checks));
    }
    throw refuse("unsupported statement type " + statement.getClass().getName());
  }

  /**
   * Before a page of an open result is fetched: the key is still valid and the organisation still owns every
   * keyspace the statement reaches (by the session's own records, not by the statement's metadata).
   */
  private void stillReadable(List<Checked> checks) {
    ensureUsable();
    for (Checked c : checks) {
      admit(c, "while a result was being paged");
    }
  }

  /**
   * Checks a record of this session's against the keyspaces the organisation owns now: every keyspace Cassandra
   * reported at preparation, the keyspace the text names and the keyspaces of the functions it calls.
   */
  private void admit(Checked c, String when) {
    Set<String> outside = new TreeSet<>();
    for (String ks : c.keyspaces()) {
      if (!allowedKeyspace(ks)) {
        outside.add(ks);
      }
    }
    if (c.namedKeyspace() != null && !allowedKeyspace(c.namedKeyspace())) {
      outside.add(c.namedKeyspace());
    }
    for (String ks : c.functionKeyspaces()) {
      if (!ks.equals("system") && !allowedKeyspace(ks)) {
        outside.add(ks);
      }
    }
    if (!outside.isEmpty()) {
      throw refuse("it reaches keyspace(s) " + outside + " outside the organisation's " + new TreeSet<>(allowed)
          + " (" + when + "): " + KeyCodec.redact(c.cql()));
    }
  }

  private BatchStatement authoriseBatch(BatchStatement batch, List<Checked> checks) {
    if (batch.getKeyspace() != null) {
      throw refuse("the batch sets its own keyspace " + batch.getKeyspace().asInternal());
    }
    if (batch.size() == 0) {
      throw refuse("an empty batch touches no keyspace that can be established");
    }
    checkRouting(batch);
    checkClock(batch);
    BatchStatementBuilder rebuilt = BatchStatement.builder(batch.getBatchType());
    for (BatchableStatement<?> inner : batch) {
      rebuilt.addStatement(authoriseSingle(inner, checks));
    }
    copySettings(batch, rebuilt);
    return rebuilt.build();
  }

  /** A statement rebuilt from this session's own checked preparation: the caller's object never runs. */
  private BoundStatement authoriseSingle(BatchableStatement<?> statement, List<Checked> checks) {
    if (statement instanceof SimpleStatement simple) {
      return bindChecked(simple, checks);
    }
    if (statement instanceof BoundStatement bound) {
      PreparedStatement theirs = bound.getPreparedStatement();
      Checked checked = checkedPrepare(theirs.getQuery());
      checks.add(checked);
      if (!checked.id().equals(theirs.getId())) {
        throw refuse("a bound statement prepared outside this session (its id differs from this session's "
            + "preparation of the same text): " + KeyCodec.redact(theirs.getQuery()));
      }
      Set<String> claimed = KeyspaceGuard.keyspacesOf(theirs);
      if (!checked.keyspaces().containsAll(claimed)) {
        throw refuse("the bound statement's prepared metadata was altered to name keyspace(s) " + claimed
            + ", not those of this session's preparation " + checked.keyspaces() + ": " + KeyCodec.redact(theirs.getQuery()));
      }
      PreparedStatement ours = checked.ours();
      checkRouting(bound);
      checkClock(bound);
      BoundStatementBuilder b = ours.boundStatementBuilder();
      int n = ours.getVariableDefinitions().size();
      for (int i = 0; i < n; i++) {
        if (bound.isSet(i)) {
          b.setBytesUnsafe(i, bound.getBytesUnsafe(i));
        }
      }
      b.setPagingState(bound.getPagingState());
      copySettings(bound, b);
      return b.build();
    }
    throw refuse("unsupported statement type " + statement.getClass().getName());
  }

  private BoundStatement bindChecked(SimpleStatement simple, List<Checked> checks) {
    if (simple.getKeyspace() != null) {
      throw refuse("the statement sets its own keyspace " + simple.getKeyspace().asInternal() + ": "
          + KeyCodec.redact(simple.getQuery()));
    }
    if (!simple.getNamedValues().isEmpty()) {
      throw new InvalidInputException("a scoped session binds values by position only; named values were given");
    }
    checkRouting(simple);
    checkClock(simple);
    Checked checked = checkedPrepare(simple.getQuery());
    checks.add(checked);
    PreparedStatement prepared = checked.ours();
    BoundStatementBuilder b;
    try {
      b = prepared.boundStatementBuilder(simple.getPositionalValues().toArray());
    } catch (RuntimeException e) {
      // the driver's message names the CQL and Java types, never the values
      throw new InvalidInputException("cannot bind " + simple.getPositionalValues().size() + " value(s) to '"
          + simple.getQuery() + "': " + e.getMessage(), e);
    }
    b.setPagingState(simple.getPagingState());
    copySettings(simple, b);
    return b.build();
  }

  /**
   * Copies what a caller may choose about execution; never keyspaces, routing, custom payloads, tracing (a
   * trace would be read back through the host's connection, outside this guard), nor the clock: write
   * timestamps come from the host's driver and "now" from the server ({@link #checkClock}).
   */
  private static void copySettings(Statement<?> from, StatementBuilder<?, ?> to) {
    to.setPageSize(from.getPageSize())
        .setConsistencyLevel(from.getConsistencyLevel())
        .setSerialConsistencyLevel(from.getSerialConsistencyLevel())
        .setTimeout(from.getTimeout())
        .setIdempotence(from.isIdempotent());
    if (from.getExecutionProfileName() != null) {
      to.setExecutionProfileName(from.getExecutionProfileName());
    }
    if (from.getExecutionProfile() != null) {
      to.setExecutionProfile(from.getExecutionProfile());
    }
  }

  /**
   * An organisation key may not choose the time its writes carry or the "now" its reads and TTLs use: a write
   * stamped years ahead would outlive a later reassignment of the keyspace and override the next owner's writes.
   * The text's {@code USING TIMESTAMP} is refused by {@link CqlText}; this refuses the statement's own settings.
   */
  private void checkClock(Statement<?> statement) {
    if (statement.getQueryTimestamp() != Statement.NO_DEFAULT_TIMESTAMP) {
      throw refuse("the statement sets its own write timestamp (" + statement.getQueryTimestamp()
          + "); organisation keys write at the host's time");
    }
    if (statement.getNowInSeconds() != Statement.NO_NOW_IN_SECONDS) {
      throw refuse("the statement sets its own 'now' (" + statement.getNowInSeconds()
          + " s); organisation keys run at the server's time");
    }
  }

  private void checkRouting(Statement<?> statement) {
    CqlIdentifier routing = statement.getRoutingKeyspace();
    if (routing != null && !allowedKeyspace(routing.asInternal())) {
      throw refuse("the statement's routing keyspace " + routing.asInternal() + " is outside the organisation's "
          + allowed);
    }
  }

  /** The registry's keyspaces less those the library keeps for itself (an old assignment grants nothing). */
  private Set<String> withoutReserved(Set<String> keyspaces) {
    Set<String> usable = new java.util.HashSet<>(keyspaces);
    usable.removeIf(authority::isReserved);
    return Set.copyOf(usable);
  }

  private boolean allowedKeyspace(String ks) {
    return allowed.contains(ks) && !KeyspaceGuard.isSystem(ks) && !ks.equals(authority.securityKeyspace())
        && !authority.isReserved(ks);
  }

  /**
   * Prepares a statement for this organisation key, or finds this session's record of an earlier preparation of
   * the same text; either way the record is checked against the keyspaces the organisation owns now ({@link
   * #admit}) before it is returned. The text is read first ({@link CqlText}): one SELECT, INSERT, UPDATE or
   * DELETE, naming no keyspace outside the organisation's; only then is it prepared, and it is kept only if every
   * keyspace Cassandra reports for it is the organisation's. The cache is this session's own and holds only
   * statements that passed, so nothing one tenant prepares can be seen, timed or evicted through another's
   * session.
   */
  private Checked checkedPrepare(String cql) {
    if (cql == null || cql.isBlank()) {
      throw new InvalidInputException("statement text must not be empty");
    }
    Checked cached = cache.get(cql);
    if (cached != null) {
      admit(cached, "at execution");
      return cached;
    }
    CqlText.Result read = CqlText.shapeOf(cql);
    if (read.accepted().isEmpty()) {
      throw refuse(read.refusal() + ": " + KeyCodec.redact(cql));
    }
    CqlText.Shape shape = Objects.requireNonNull(read.shape(), "an accepted text has a shape");
    String named = shape.table().keyspace();
    if (named != null && !allowedKeyspace(named)) {
      throw refuse("it names keyspace " + named + " outside the organisation's " + new TreeSet<>(allowed) + ": "
          + KeyCodec.redact(cql));
    }
    for (String ks : shape.qualifiedFunctionKeyspaces()) {
      if (!ks.equals("system") && !allowedKeyspace(ks)) {
        throw refuse("it calls a function of keyspace " + ks + " outside the organisation's: " + KeyCodec.redact(cql));
      }
    }
    PreparedStatement prepared;
    try {
      prepared = delegate.prepareUncached(cql);
    } catch (ServiceUnavailableException e) {
      throw e;
    } catch (DelphaException e) {
      if (e.getCause() instanceof SyntaxError) {
        throw e; // the server's syntax message quotes the caller's own text and names no schema object
      }
      // unknown keyspaces, tables and columns would tell the caller what exists elsewhere: refuse alike
      throw refuse("preparation failed (" + KeyCodec.redact(e.getMessage()) + "): " + KeyCodec.redact(cql));
    }
    // read before anyone else holds the object: the record is what every later execution is checked by
    Set<String> reported = Set.copyOf(KeyspaceGuard.keyspacesOf(prepared));
    Optional<String> refusal = KeyspaceGuard.refusal(prepared, allowed, authority.securityKeyspace());
    if (refusal.isEmpty() && named != null && !reported.equals(Set.of(named))) {
      refusal = Optional.of("Cassandra places it in " + new TreeSet<>(reported)
          + ", not only in the keyspace its text names (" + named + ")");
    }
    if (refusal.isPresent()) {
      throw refuse(refusal.get() + ": " + KeyCodec.redact(cql));
    }
    Checked checked = new Checked(cql, prepared, copyOf(prepared.getId()), named,
        List.copyOf(shape.qualifiedFunctionKeyspaces()), reported);
    cache.put(cql, checked);
    return checked;
  }

  /**
   * The tenant's own statement object for a checked preparation: a copy of the session's (same id, text and
   * metadata), so {@code setResultMetadata} and the like on it reach nothing of the session's. Without the
   * driver's own class (an executor that is not a {@code CassandraManager}), a second private preparation of the
   * same text serves, refused if its id differs.
   */
  private PreparedStatement tenantCopy(Checked c) {
    PreparedStatement ours = c.ours();
    if (ours instanceof DefaultPreparedStatement driverOwn) {
      BoundStatement defaults = ours.bind();
      return new DefaultPreparedStatement(copyOf(c.id()), ours.getQuery(), ours.getVariableDefinitions(),
          List.copyOf(ours.getPartitionKeyIndices()),
          ours.getResultMetadataId() == null ? null : copyOf(ours.getResultMetadataId()),
          ours.getResultSetDefinitions(), driverOwn.getRepreparePayload().keyspace, Map.of(),
          defaults.getExecutionProfileName(), defaults.getExecutionProfile(), defaults.getRoutingKeyspace(), null, null,
          Map.of(), defaults.isIdempotent(), defaults.getTimeout(), null, defaults.getPageSize(),
          defaults.getConsistencyLevel(), defaults.getSerialConsistencyLevel(), false, defaults.codecRegistry(),
          defaults.protocolVersion());
    }
    PreparedStatement theirs;
    try {
      theirs = delegate.prepareUncached(c.cql());
    } catch (RuntimeException e) {
      throw uniform(e);
    }
    if (!c.id().equals(theirs.getId())) {
      throw refuse("a second preparation of the text got another id: " + KeyCodec.redact(c.cql()));
    }
    return theirs;
  }

  private static ByteBuffer copyOf(ByteBuffer b) {
    ByteBuffer copy = ByteBuffer.allocate(b.remaining());
    copy.put(b.duplicate()).flip();
    return copy.asReadOnlyBuffer();
  }

  /**
   * What an organisation key's holder sees of a failure: a refusal by the cluster (an authorizer's "no SELECT
   * permission on ...") or a schema object the cluster does not know becomes the library's refusal, audited with
   * the cluster's text and answered as "access denied" without cause; everything else passes unchanged.
   */
  private RuntimeException uniform(RuntimeException e) {
    if (principal.isAdmin()) {
      return e;
    }
    if (e instanceof AccessDeniedException denied && denied.getCause() == null
        && UNIFORM.equals(denied.getMessage())) {
      return e; // already the library's own refusal, audited where it was made
    }
    if (e instanceof AccessDeniedException || e instanceof NotFoundException) {
      return refuse("the cluster refused the request (" + e.getClass().getSimpleName() + ": "
          + KeyCodec.redact(String.valueOf(e.getMessage())) + ")");
    }
    return e;
  }

  private AccessDeniedException refuse(String reason) {
    return authority.refuse(principal, reason);
  }

  private void ensureUsable() {
    if (closed) {
      throw new InvalidInputException("the scoped session is closed; open a new one");
    }
    if (invalid) {
      throw refuse("session used after its key was found revoked or expired");
    }
    Instant now = authority.now();
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      invalid = true;
      throw refuse("key expired at " + expiresAt + " while the session was open");
    }
    if (Duration.between(lastCheck, now).compareTo(authority.recheckInterval()) >= 0) {
      synchronized (this) {
        if (!invalid && Duration.between(lastCheck, now).compareTo(authority.recheckInterval()) >= 0) {
          Optional<Set<String>> current = authority.recheck(principal);
          if (current.isEmpty()) {
            invalid = true;
          } else {
            allowed = withoutReserved(current.get());
            lastCheck = now;
          }
        }
      }
      if (invalid) {
        throw new AccessDeniedException(UNIFORM);
      }
    }
  }
}
