package io.delpha.sdk.salesforce;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Bulk API 2.0 queries, for results too large for the REST query API: CSV rows as string maps.
 *
 * <p>A role of {@link SalesforceClient}; {@link SalesforceManager} implements it. Depend on this
 * interface alone where only this role is needed (and substitute it in your own tests). Errors and
 * retries as {@link SalesforceClient} describes. Thread-safe.
 */
public interface SalesforceBulk {

  /**
   * Extracts a query's rows with a Bulk API 2.0 query job, for millions of rows: creates the job,
   * waits for it with backoff, then streams the CSV results page by page. Close the stream (or
   * use try-with-resources) to release the open page if you stop early.
   *
   * @param soql the query (no relationship sub-queries: Bulk API 2.0 does not support them)
   * @return the rows, column name to value (empty string where Salesforce sent no value)
   */
  Stream<Map<String, String>> bulkQuery(String soql);

  /**
   * Like {@link #bulkQuery(String)}, including deleted and archived records.
   *
   * @param soql the query
   * @return the rows
   */
  Stream<Map<String, String>> bulkQueryAll(String soql);
}
