package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.time.Duration;
import java.util.Optional;

/**
 * The optional part of the {@link CqlExecutor} role ({@link CqlExecutor#cluster()}): what the library's own writers
 * and retries know of the cluster and the client behind an executor, beyond running CQL. The token ring lets a
 * writer group rows by replica set (token-aware batches); the request capacity keeps a bounded writer below what
 * one node's pool carries; the attempt and request timeouts let the library re-send an idempotent statement that
 * did not answer within an attempt.
 *
 * <p>Every method has a default, {@link #UNKNOWN}'s answer: no ring, the driver's default pool ({@value
 * #DEFAULT_REQUEST_CAPACITY} requests), no attempts. A {@link CassandraManager} answers from its driver session and
 * configuration. An executor that wraps another (a host's decorator: logging, tracing, a rate limit) forwards
 * {@link CqlExecutor#cluster()} to the one it wraps and so keeps token-aware writes and the pool's bound.
 * Implementations are thread-safe and answer without a round trip.
 */
public interface ClusterView {

  /** The capacity assumed when an executor does not say: the driver's default pool. */
  int DEFAULT_REQUEST_CAPACITY = 1024;

  /** A view that knows nothing: every method's default. */
  ClusterView UNKNOWN = new ClusterView() {
    @Override
    public String toString() {
      return "ClusterView[unknown]";
    }
  };

  /**
   * The cluster's token ring as the driver last saw it. Stale by at most the driver's topology refresh; never a
   * source of truth for data.
   *
   * @return the ring, or empty when not known (by default, or the driver's token metadata is disabled)
   */
  default Optional<TokenMap> tokenMap() {
    return Optional.empty();
  }

  /**
   * @return how many requests one node carries at once (connections times requests per connection); {@value
   *     #DEFAULT_REQUEST_CAPACITY} by default
   */
  default int requestCapacity() {
    return DEFAULT_REQUEST_CAPACITY;
  }

  /**
   * @return how long one attempt of an idempotent statement may take before the library sends it again, or empty
   *     to send each statement once (the default)
   */
  default Optional<Duration> attemptTimeout() {
    return Optional.empty();
  }

  /**
   * @return the whole time a statement may take, attempts included; {@link Duration#ZERO} when not known (the
   *     default)
   */
  default Duration requestTimeout() {
    return Duration.ZERO;
  }
}
