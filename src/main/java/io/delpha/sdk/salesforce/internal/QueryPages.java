package io.delpha.sdk.salesforce.internal;

import com.force.api.QueryResult;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of a SOQL query, page by page through force-rest-api ({@code query}/{@code queryAll}
 * for the first page, {@code queryMore} with each {@code nextRecordsUrl} after). A page is fetched
 * only when the previous one is used up, so memory holds one page whatever the result size.
 *
 * @param <T> the record type
 */
public final class QueryPages<T> implements Iterator<T> {

  private static final Logger log = LoggerFactory.getLogger(QueryPages.class);

  private final RequestExecutor executor;
  private final String soql;
  private final Class<T> type;
  private final boolean includeDeleted;
  private Iterator<T> page = Collections.emptyIterator();
  private boolean started;
  private @Nullable String nextRecordsUrl;
  private int totalSize = -1;
  private int pages;

  /**
   * @param executor runs the calls
   * @param soql the query
   * @param type the record type (a class for Jackson, or {@code Map.class})
   * @param includeDeleted {@code queryAll}: include deleted and archived records
   */
  public QueryPages(RequestExecutor executor, String soql, Class<T> type, boolean includeDeleted) {
    this.executor = executor;
    this.soql = soql;
    this.type = type;
    this.includeDeleted = includeDeleted;
  }

  /**
   * @return a sequential, lazy stream over every record
   */
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * @return the query's {@code totalSize}, fetching the first page if needed
   */
  public int totalSize() {
    if (!started) {
      fetch();
    }
    return totalSize;
  }

  @Override
  public boolean hasNext() {
    while (!page.hasNext()) {
      if (started && nextRecordsUrl == null) {
        return false;
      }
      fetch();
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records");
    }
    return page.next();
  }

  private void fetch() {
    QueryResult<T> result;
    if (!started) {
      String what = includeDeleted ? "queryAll" : "query";
      result = executor.force(what, true,
          api -> includeDeleted ? api.queryAll(soql, type) : api.query(soql, type));
      totalSize = result.getTotalSize();
      started = true;
    } else {
      String url = nextRecordsUrl;
      result = executor.force("query next page", true, api -> api.queryMore(url, type));
    }
    pages++;
    nextRecordsUrl = result.isDone() ? null : result.getNextRecordsUrl();
    page = result.getRecords() == null ? Collections.emptyIterator() : result.getRecords().iterator();
    log.debug("query page {} read ({} records, more: {})", pages,
        result.getRecords() == null ? 0 : result.getRecords().size(), nextRecordsUrl != null);
  }
}
