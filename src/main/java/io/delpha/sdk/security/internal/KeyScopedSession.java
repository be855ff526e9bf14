package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.ScopedSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ScopedSession} behind {@code AccessKeys.open}: the admin key's statements pass through;
 * an organisation key's statements are prepared, checked by {@link KeyspaceGuard}, and run as the very
 * prepared statement that was checked.
 */
public final class KeyScopedSession implements ScopedSession {

  private final CqlExecutor delegate;
  private final SessionAuthority authority;
  private final KeyPrincipal principal;
  private final Instant expiresAt;
  private volatile Set<String> allowed;
  private volatile Instant lastCheck;
  private volatile boolean closed;
  private volatile boolean invalid;

  /**
   * @param delegate the connection statements run on
   * @param authority the key store that opened the session
   * @param principal the key
   * @param expiresAt when the key expires, or {@code null}
   * @param allowed the keyspaces the key may reach (ignored for the admin key)
   */
  public KeyScopedSession(CqlExecutor delegate, SessionAuthority authority, KeyPrincipal principal,
      Instant expiresAt, Set<String> allowed) {
    this.delegate = delegate;
    this.authority = authority;
    this.principal = principal;
    this.expiresAt = expiresAt;
    this.allowed = Set.copyOf(allowed);
    this.lastCheck = authority.now();
  }

  @Override
  public KeyPrincipal principal() {
    return principal;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    return delegate.execute(authorise(statement));
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    Statement<?> checked;
    try {
      checked = authorise(statement);
    } catch (DelphaException e) {
      return CompletableFuture.failedFuture(e);
    }
    return delegate.executeAsync(checked);
  }

  @Override
  public PreparedStatement prepare(String cql) {
    ensureUsable();
    if (principal.isAdmin()) {
      return delegate.prepare(cql);
    }
    return checkedPrepare(cql);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "ScopedSession{keyId=" + principal.keyId() + ", organisation=" + principal.organisation()
        + ", role=" + principal.role() + (closed ? ", closed" : "") + "}";
  }

  private Statement<?> authorise(Statement<?> statement) {
    if (statement == null) {
      throw new InvalidInputException("statement must not be null");
    }
    ensureUsable();
    if (principal.isAdmin()) {
      return statement;
    }
    if (statement instanceof BatchStatement batch) {
      return authoriseBatch(batch);
    }
    if (statement instanceof BatchableStatement<?> single) {
      return authoriseSingle(single);
    }
    throw refuse("unsupported statement type " + statement.getClass().getName());
  }

  private BatchStatement authoriseBatch(BatchStatement batch) {
    if (batch.getKeyspace() != null) {
      throw refuse("the batch sets its own keyspace " + batch.getKeyspace().asInternal());
    }
    if (batch.size() == 0) {
      throw refuse("an empty batch touches no keyspace that can be established");
    }
    checkRouting(batch);
    List<BatchableStatement<?>> checked = new ArrayList<>(batch.size());
    for (BatchableStatement<?> inner : batch) {
      checked.add(authoriseSingle(inner));
    }
    return batch.clear().addAll(checked);
  }

  private BoundStatement authoriseSingle(BatchableStatement<?> statement) {
    if (statement instanceof SimpleStatement simple) {
      return bindChecked(simple);
    }
    if (statement instanceof BoundStatement bound) {
      PreparedStatement theirs = bound.getPreparedStatement();
      PreparedStatement ours = checkedPrepare(theirs.getQuery());
      if (!ours.getId().equals(theirs.getId())) {
        throw refuse("a bound statement prepared outside this session (its id differs from this session's "
            + "preparation of the same text): " + KeyCodec.redact(theirs.getQuery()));
      }
      checkRouting(bound);
      return bound;
    }
    throw refuse("unsupported statement type " + statement.getClass().getName());
  }

  private BoundStatement bindChecked(SimpleStatement simple) {
    if (simple.getKeyspace() != null) {
      throw refuse("the statement sets its own keyspace " + simple.getKeyspace().asInternal() + ": "
          + KeyCodec.redact(simple.getQuery()));
    }
    if (!simple.getNamedValues().isEmpty()) {
      throw new InvalidInputException("a scoped session binds values by position only; named values were given");
    }
    checkRouting(simple);
    PreparedStatement prepared = checkedPrepare(simple.getQuery());
    BoundStatementBuilder b;
    try {
      b = prepared.boundStatementBuilder(simple.getPositionalValues().toArray());
    } catch (RuntimeException e) {
      // the driver's message names the CQL and Java types, never the values
      throw new InvalidInputException("cannot bind " + simple.getPositionalValues().size() + " value(s) to '"
          + simple.getQuery() + "': " + e.getMessage(), e);
    }
    b.setPageSize(simple.getPageSize())
        .setConsistencyLevel(simple.getConsistencyLevel())
        .setSerialConsistencyLevel(simple.getSerialConsistencyLevel())
        .setPagingState(simple.getPagingState())
        .setTimeout(simple.getTimeout())
        .setIdempotence(simple.isIdempotent())
        .setTracing(simple.isTracing())
        .setQueryTimestamp(simple.getQueryTimestamp())
        .setNowInSeconds(simple.getNowInSeconds());
    if (simple.getExecutionProfileName() != null) {
      b.setExecutionProfileName(simple.getExecutionProfileName());
    }
    if (simple.getExecutionProfile() != null) {
      b.setExecutionProfile(simple.getExecutionProfile());
    }
    return b.build();
  }

  private void checkRouting(Statement<?> statement) {
    CqlIdentifier routing = statement.getRoutingKeyspace();
    if (routing != null && !allowedKeyspace(routing.asInternal())) {
      throw refuse("the statement's routing keyspace " + routing.asInternal() + " is outside the organisation's "
          + allowed);
    }
  }

  private boolean allowedKeyspace(String ks) {
    return allowed.contains(ks) && !KeyspaceGuard.isSystem(ks) && !ks.equals(authority.securityKeyspace());
  }

  private PreparedStatement checkedPrepare(String cql) {
    if (cql == null || cql.isBlank()) {
      throw new InvalidInputException("statement text must not be empty");
    }
    PreparedStatement prepared;
    try {
      prepared = delegate.prepare(cql);
    } catch (ServiceUnavailableException e) {
      throw e;
    } catch (DelphaException e) {
      if (e.getCause() instanceof SyntaxError) {
        throw e; // the server's syntax message quotes the caller's own text and names no schema object
      }
      // unknown keyspaces, tables and columns would tell the caller what exists elsewhere: refuse alike
      throw refuse("preparation failed (" + KeyCodec.redact(e.getMessage()) + "): " + KeyCodec.redact(cql));
    }
    Optional<String> refusal = KeyspaceGuard.refusal(prepared, allowed, authority.securityKeyspace());
    if (refusal.isPresent()) {
      throw refuse(refusal.get() + ": " + KeyCodec.redact(cql));
    }
    return prepared;
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
            allowed = Set.copyOf(current.get());
            lastCheck = now;
          }
        }
      }
      if (invalid) {
        throw new AccessDeniedException("access denied");
      }
    }
  }
}
