package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.core.internal.TextTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A driver {@link ResultSet} whose later pages, fetched while iterating, fail with the library's
 * exceptions rather than the driver's, and may be guarded: a check runs before each page is fetched
 * (scoped sessions re-check their key there). The one synchronous result-set wrapper of the library: a scoped
 * session also maps a later page's failure its own way and names the caller's statement in the execution info.
 *
 * <p>It prints what it holds, for JShell and logs: {@link #toString()} is a table of the rows still to read that
 * the current page holds (at most {@link TextTable#MAX_ROWS}), and how many more there are, without fetching a page
 * and without consuming a row: the rows it shows are taken from the driver's iterator into a small buffer that this
 * result set's iterator yields first. The rows it yields are {@link PrintableRow}s, which print their columns where
 * the driver's rows print {@code DefaultRow@hash}.
 */
public final class MappedResultSet implements ResultSet {

  private static final Runnable NO_CHECK = () -> { };

  private final ResultSet delegate;
  private final Runnable beforeFetch;
  private final UnaryOperator<RuntimeException> onError;
  private final UnaryOperator<ExecutionInfo> info;
  /** Rows {@link #toString()} took from the driver's iterator (without a fetch), yielded before any other. */
  private final ArrayDeque<Row> peeked = new ArrayDeque<>();
  private @Nullable Iterator<Row> rows;

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
    return peeked.size() + delegate.getAvailableWithoutFetching();
  }

  @Override
  public boolean wasApplied() {
    return delegate.wasApplied();
  }

  @Override
  public Iterator<Row> iterator() {
    Iterator<Row> it = rows();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (!peeked.isEmpty()) {
          return true;
        }
        guardIfFetching();
        try {
          return it.hasNext();
        } catch (RuntimeException e) {
          throw onError.apply(e);
        }
      }

      @Override
      public Row next() {
        Row row = peeked.poll();
        if (row != null) {
          return new PrintableRow(row);
        }
        guardIfFetching();
        try {
          return new PrintableRow(it.next());
        } catch (NoSuchElementException e) {
          throw e;
        } catch (RuntimeException e) {
          throw onError.apply(e);
        }
      }
    };
  }

  /**
   * The rows still to read in the current page, at most {@link TextTable#MAX_ROWS} of them, as a table under a line
   * saying how many there are and whether later pages remain (they are not fetched):
   *
   * <pre>
   * ResultSet (1 row)
   * release_version
   * ---------------
   * 5.0.6
   * </pre>
   */
  @Override
  public String toString() {
    Iterator<Row> it = rows();
    while (peeked.size() < TextTable.MAX_ROWS && delegate.getAvailableWithoutFetching() > 0) {
      peeked.add(it.next());
    }
    int available = getAvailableWithoutFetching();
    boolean morePages = !delegate.isFullyFetched();
    StringBuilder out = new StringBuilder("ResultSet (").append(TextTable.count(available, "row"))
        .append(morePages ? " in this page, more pages to fetch" : "").append(')');
    ColumnDefinitions definitions = delegate.getColumnDefinitions();
    if (definitions.size() > 0) {
      List<String> names = new ArrayList<>(definitions.size());
      definitions.forEach(d -> names.add(d.getName().asInternal()));
      List<List<@Nullable Object>> shown = new ArrayList<>(peeked.size());
      int columns = Math.min(definitions.size(), TextTable.MAX_COLUMNS);
      peeked.forEach(row -> shown.add(PrintableRow.values(row, columns)));
      out.append('\n').append(TextTable.render(names, shown));
    }
    if (available > peeked.size()) {
      out.append("\n... ").append(TextTable.count(available - peeked.size(), "more row"));
    }
    return out.toString();
  }

  private Iterator<Row> rows() {
    Iterator<Row> it = rows;
    if (it == null) {
      it = delegate.iterator();
      rows = it;
    }
    return it;
  }

  private void guardIfFetching() {
    if (beforeFetch != NO_CHECK && peeked.isEmpty() && delegate.getAvailableWithoutFetching() == 0
        && !delegate.isFullyFetched()) {
      beforeFetch.run();
    }
  }
}
