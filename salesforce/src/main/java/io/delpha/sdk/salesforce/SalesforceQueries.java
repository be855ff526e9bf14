package io.delpha.sdk.salesforce;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * SOQL queries through the REST API: whole results, typed results and lazily paged streams.
 *
 * <p>A role of {@link SalesforceClient}; {@link SalesforceManager} implements it. Depend on this
 * interface alone where only this role is needed (and substitute it in your own tests). Errors and
 * retries as {@link SalesforceClient} describes. Thread-safe.
 */
public interface SalesforceQueries {

  /**
   * Runs a SOQL query and follows every {@code nextRecordsUrl}: all records, however many pages.
   * For large results prefer {@link #stream(String)} or {@link SalesforceBulk#bulkQuery(String)}.
   *
   * @param soql the query, e.g. {@code SELECT Name FROM Contact}
   * @return every record and the {@code totalSize}
   */
  QueryResult query(String soql);

  /**
   * Like {@link #query(String)}, including deleted and archived records ({@code queryAll}).
   *
   * @param soql the query
   * @return every record and the {@code totalSize}
   */
  QueryResult queryAll(String soql);

  /**
   * Runs a query and maps every record to a class with Jackson (unknown fields such as
   * {@code attributes} are ignored).
   *
   * @param soql the query
   * @param type the record class
   * @param <T> the record type
   * @return every record, all pages followed
   */
  <T> List<T> query(String soql, Class<T> type);

  /**
   * A lazy stream over every record of a query: the next page is fetched only when the stream
   * reaches it, so memory holds one page (up to 2,000 records) whatever the result size.
   *
   * @param soql the query
   * @return the records as maps
   */
  Stream<Map<String, Object>> stream(String soql);

  /**
   * A lazy stream over every record of a query, mapped to a class.
   *
   * @param soql the query
   * @param type the record class
   * @param <T> the record type
   * @return the records
   */
  <T> Stream<T> stream(String soql, Class<T> type);

  /**
   * A lazy stream including deleted and archived records ({@code queryAll}).
   *
   * @param soql the query
   * @param type the record class ({@code Map.class} for maps)
   * @param <T> the record type
   * @return the records
   */
  <T> Stream<T> streamAll(String soql, Class<T> type);
}
