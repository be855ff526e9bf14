package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.PrepareRequest;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.internal.core.cql.DefaultPrepareRequest;

/**
 * The preparation request behind {@code CassandraManager.prepareUncached}: a statement prepared into an object of the
 * caller's own, outside every shared cache: neither the
 * {@code CassandraManager}'s cache nor the driver's (which would hand the same mutable {@code PreparedStatement}
 * to every caller of the same text). Scoped sessions prepare this way, so one tenant's statements can neither be
 * evicted by, timed through nor altered ({@code PreparedStatement.setResultMetadata}) for anyone else.
 *
 * <p>The driver keeps what it prepares in a cache with weak values, keyed by the request; a request that equals
 * only itself gets a fresh entry, gone once the caller drops the statement.
 */
public final class PrivatePreparation {

  private PrivatePreparation() {}

  /**
   * @param cql the statement's text
   * @return a preparation request equal only to itself: the driver's cache never hands its result to anyone else
   */
  public static PrepareRequest request(String cql) {
    return new OwnRequest(cql);
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
