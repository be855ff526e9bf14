package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The base of an executor that decorates another (as the driver's {@code SessionWrapper} is for a session): every
 * method of {@link CqlExecutor}, the optional parts included ({@link #cluster()}, {@link #prepareUncached(String)},
 * {@link #schema()}), forwards to the executor it wraps, so a decorator overrides only what it changes and cannot
 * forget a part. A decorator that forgot {@code cluster()} would make the library's writes through it neither
 * token-aware nor bounded by the pool; one that forgot {@code prepareUncached} would let a scoped session's private
 * preparations land in a shared cache.
 *
 * <pre>{@code
 * CqlExecutor counted = new CqlExecutorWrapper(manager) {
 *   public ResultSet execute(Statement<?> statement) {
 *     statements.increment();
 *     return super.execute(statement);
 *   }
 * };
 * }</pre>
 *
 * <p>The convenience overloads ({@code execute(String, Object...)}, {@code stream}) stay the role's default methods,
 * which funnel into the primitives this class forwards (or its subclass overrides). Thread-safe when the wrapped
 * executor and the subclass are.
 */
public abstract class CqlExecutorWrapper implements CqlExecutor {

  private final CqlExecutor delegate;

  /**
   * @param delegate the executor every call is forwarded to
   */
  protected CqlExecutorWrapper(CqlExecutor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** @return the executor this one forwards to */
  protected final CqlExecutor delegate() {
    return delegate;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    return delegate.execute(statement);
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    return delegate.executeAsync(statement);
  }

  @Override
  public PreparedStatement prepare(String cql) {
    return delegate.prepare(cql);
  }

  /** @return the wrapped executor's view */
  @Override
  public ClusterView cluster() {
    return delegate.cluster();
  }

  /** @return the wrapped executor's uncached preparation */
  @Override
  public PreparedStatement prepareUncached(String cql) {
    return delegate.prepareUncached(cql);
  }

  /** @return the schema as the wrapped executor sees it */
  @Override
  public Metadata schema() {
    return delegate.schema();
  }
}
