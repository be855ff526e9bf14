package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A driver {@link ResultSet} whose later pages, fetched while iterating, fail with the library's
 * exceptions rather than the driver's, and may be guarded: a check runs before each page is fetched
 * (scoped sessions re-check their key there). The one synchronous result-set wrapper of the library: a scoped
 * session also maps a later page's failure its own way and names the caller's statement in the execution info.
 */
public final class MappedResultSet implements ResultSet {

  private static final Runnable NO_CHECK = () -> { };

  private final ResultSet delegate;
  private final Runnable beforeFetch;
  private final UnaryOperator<RuntimeException> onError;
  private final UnaryOperator<ExecutionInfo> info;

  /**
   * @param delegate the driver's result set
   */
  public MappedResultSet(ResultSet delegate) {
    this(delegate, NO_CHECK);
  }

  /**
   * @param delegate the result set
   * @param beforeFetch runs before each further page is fetched; what it throws ends the iteration
   */
  public MappedResultSet(ResultSet delegate, Runnable beforeFetch) {
    this(delegate, beforeFetch, DriverErrors::onRequest, UnaryOperator.identity());
  }

  /**
   * @param delegate the result set
   * @param beforeFetch runs before each further page is fetched; what it throws ends the iteration
   * @param onError maps a failure of a later page (the driver's or the delegate's) to what the caller sees
   * @param info maps each page's execution info before the caller sees it
   */
  public MappedResultSet(ResultSet delegate, Runnable beforeFetch, UnaryOperator<RuntimeException> onError,
      UnaryOperator<ExecutionInfo> info) {
    this.delegate = delegate;
    this.beforeFetch = beforeFetch;
    this.onError = onError;
    this.info = info;
  }

  @Override
  public ColumnDefinitions getColumnDefinitions() {
    return delegate.getColumnDefinitions();
  }

  @Override
  public List<ExecutionInfo> getExecutionInfos() {
    return delegate.getExecutionInfos().stream().map(info).toList();
  }

  @Override
  public boolean isFullyFetched() {
    return delegate.isFullyFetched();
  }

  @Override
  public int getAvailableWithoutFetching() {
    return delegate.getAvailableWithoutFetching();
  }

  @Override
  public boolean wasApplied() {
    return delegate.wasApplied();
  }

  @Override
  public Iterator<Row> iterator() {
    Iterator<Row> it = delegate.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        guardIfFetching();
        try {
          return it.hasNext();
        } catch (RuntimeException e) {
          throw onError.apply(e);
        }
      }

      @Override
      public Row next() {
        guardIfFetching();
        try {
          return it.next();
        } catch (java.util.NoSuchElementException e) {
          throw e;
        } catch (RuntimeException e) {
          throw onError.apply(e);
        }
      }
    };
  }

  private void guardIfFetching() {
    if (beforeFetch != NO_CHECK && delegate.getAvailableWithoutFetching() == 0 && !delegate.isFullyFetched()) {
      beforeFetch.run();
    }
  }
}
