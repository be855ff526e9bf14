package io.delpha.sdk.salesforce;

import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Bulk API 2.0 queries, for results too large for the REST query API: CSV rows as string maps; and Bulk API 2.0
 * ingest, for writes too large for sObject Collections.
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

  /**
   * Writes records of any number with Bulk API 2.0 ingest jobs, and reports on all of them at once. The records are
   * written as CSV (their keys the header, in the first record's order; every record must have the same keys) and
   * spooled to temporary files, cut into jobs of at most 100 MB of CSV each (Salesforce takes at most 150 MB a job,
   * base64-encoded, and advises 100 MB before encoding); then, when the client checks the org's allowances ({@code
   * bulkLimitsCheck}), the ingest is refused whole if the org has fewer {@code DailyBulkApiBatches} left than the jobs
   * need (one per started 10,000 records of each job), before any job is created. The jobs then run a few at a time
   * (create, upload, close, poll until done). A job that fails does not stop the others: its records are counted
   * unprocessed, and the report says why. A {@code null} value is written {@code #N/A}, which sets the field to null;
   * other values as {@code String.valueOf}. Blocks until every job has ended. The temporary files are deleted before
   * it returns.
   *
   * <p>A default method, so host implementations of this role written before it keep compiling; it throws {@link
   * UnsupportedOperationException} unless overridden ({@link SalesforceManager} does).
   *
   * @param sObject the object, e.g. {@code Account}
   * @param operation what to do with each record
   * @param externalIdField the external id field matching records for {@link BulkOperation#UPSERT}, {@code null}
   *     for the other operations
   * @param records the records (consumed, not closed)
   * @return the outcome of every record, in all and per job
   * @throws io.delpha.sdk.core.InvalidInputException if a record's keys differ from the first record's, there is no
   *     record, or the external id field is missing for an upsert (or given for another operation); no job is created
   * @throws io.delpha.sdk.core.RateLimitedException if the allowances are checked and cannot cover the jobs; no job is
   *     created
   */
  default BulkIngestReport bulkIngest(String sObject, BulkOperation operation, @Nullable String externalIdField,
      Stream<? extends Map<String, ?>> records) {
    throw new UnsupportedOperationException("bulkIngest is not implemented by " + getClass().getName());
  }
}
