package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.internal.MappedResultSet;
import io.delpha.sdk.core.DelphaException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Result sets of a scoped session that check the session's key again before every page they fetch,
 * so that revocation, expiry, an unassigned keyspace or {@code close()} stop an open read within the
 * revocation check interval, whether it is iterated synchronously or paged asynchronously.
 */
final class GuardedResults {

  /** The check run before a page is fetched; throws when the session may no longer read. */
  interface PageGuard {
    void beforeFetch();
  }

  private GuardedResults() {}

  static ResultSet sync(ResultSet delegate, PageGuard guard) {
    return new MappedResultSet(delegate, guard::beforeFetch);
  }

  static AsyncResultSet async(AsyncResultSet delegate, PageGuard guard) {
    return new Async(delegate, guard);
  }

  private record Async(AsyncResultSet delegate, PageGuard guard) implements AsyncResultSet {
    @Override
    public ColumnDefinitions getColumnDefinitions() {
      return delegate.getColumnDefinitions();
    }

    @Override
    public ExecutionInfo getExecutionInfo() {
      return delegate.getExecutionInfo();
    }

    @Override
    public int remaining() {
      return delegate.remaining();
    }

    @Override
    public Iterable<Row> currentPage() {
      return delegate.currentPage();
    }

    @Override
    public boolean hasMorePages() {
      return delegate.hasMorePages();
    }

    @Override
    public CompletionStage<AsyncResultSet> fetchNextPage() {
      try {
        guard.beforeFetch();
      } catch (DelphaException e) {
        return CompletableFuture.failedFuture(e);
      }
      return delegate.fetchNextPage().thenApply(next -> new Async(next, guard));
    }

    @Override
    public boolean wasApplied() {
      return delegate.wasApplied();
    }
  }
}
