package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.List;

/**
 * A driver {@link ResultSet} whose later pages, fetched while iterating, fail with the library's
 * exceptions rather than the driver's.
 */
public final class MappedResultSet implements ResultSet {

  private final ResultSet delegate;

  /**
   * @param delegate the driver's result set
   */
  public MappedResultSet(ResultSet delegate) {
    this.delegate = delegate;
  }

  @Override
  public ColumnDefinitions getColumnDefinitions() {
    return delegate.getColumnDefinitions();
  }

  @Override
  public List<ExecutionInfo> getExecutionInfos() {
    return delegate.getExecutionInfos();
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
        try {
          return it.hasNext();
        } catch (RuntimeException e) {
          throw DriverErrors.onRequest(e);
        }
      }

      @Override
      public Row next() {
        try {
          return it.next();
        } catch (java.util.NoSuchElementException e) {
          throw e;
        } catch (RuntimeException e) {
          throw DriverErrors.onRequest(e);
        }
      }
    };
  }
}
