package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.internal.core.cql.DefaultPrepareRequest;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;

/**
 * Prepares a statement into an object of the caller's own, outside every shared cache: neither the
 * {@link CassandraManager}'s cache nor the driver's (which would hand the same mutable {@link PreparedStatement}
 * to every caller of the same text). Scoped sessions prepare this way, so one tenant's statements can neither be
 * evicted by, timed through nor altered ({@link PreparedStatement#setResultMetadata}) for anyone else.
 *
 * <p>The driver keeps what it prepares in a cache with weak values, keyed by the request; a request that equals
 * only itself gets a fresh entry, gone once the caller drops the statement.
 */
public final class PrivatePreparation {

  private PrivatePreparation() {}

  /**
   * @param executor where to prepare: a {@link CassandraManager} prepares outside its caches; any other executor
   *     prepares as it does (its own cache policy)
   * @param cql the statement's text
   * @return a prepared statement no one else holds (with a {@code CassandraManager})
   */
  public static PreparedStatement prepare(CqlExecutor executor, String cql) {
    if (executor instanceof CassandraManager manager) {
      try {
        return manager.session().prepare(new OwnRequest(cql));
      } catch (RuntimeException e) {
        throw DriverErrors.onRequest(e);
      }
    }
    return executor.prepare(cql);
  }

  /** A preparation request equal only to itself, so the driver's cache never shares its result. */
  private static final class OwnRequest extends DefaultPrepareRequest {
    OwnRequest(String cql) {
      super(SimpleStatement.newInstance(cql));
    }

    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }
}
