package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.metadata.TokenMap;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the library's own writers need to know of the cluster behind a {@link CqlExecutor}, beyond running CQL: the
 * token ring (to group rows by replica) and how many requests one node carries at once (to stay below it). Not part
 * of the public {@code CqlExecutor}, which hosts implement: a {@link CassandraManager} answers from its driver
 * session, the library's internal executors (the quorum executor, an organisation's scoped session) implement this
 * interface, and any other executor, a host's, gets the defaults ({@link #of(CqlExecutor)}).
 */
public interface ClusterView {

  /** The capacity assumed for an executor that does not say: the driver's default pool. */
  int DEFAULT_REQUEST_CAPACITY = 1024;

  /**
   * The cluster's token ring as the driver last saw it, without a round trip. Stale by at most the driver's
   * topology refresh; never a source of truth for data.
   *
   * @return the ring, or empty when not exposed (or the driver's token metadata is disabled)
   */
  Optional<TokenMap> tokenMap();

  /**
   * @return how many requests one node carries at once (connections times requests per connection)
   */
  int requestCapacity();

  /**
   * @param cql any executor
   * @return what it tells of its cluster: itself if it is a view, a {@link CassandraManager}'s driver
   *     configuration and ring, else no ring and {@link #DEFAULT_REQUEST_CAPACITY}
   */
  static ClusterView of(CqlExecutor cql) {
    if (cql instanceof ClusterView view) {
      return view;
    }
    if (cql instanceof CassandraManager manager) {
      return new Fixed(manager::tokenMap, manager::requestCapacity);
    }
    return new Fixed(Optional::empty, () -> DEFAULT_REQUEST_CAPACITY);
  }

  /**
   * A view answering from two functions.
   *
   * @param ring the token ring
   * @param capacity the request capacity
   */
  record Fixed(Supplier<Optional<TokenMap>> ring, IntSupplier capacity) implements ClusterView {
    @Override
    public Optional<TokenMap> tokenMap() {
      return ring.get();
    }

    @Override
    public int requestCapacity() {
      return capacity.getAsInt();
    }
  }
}
