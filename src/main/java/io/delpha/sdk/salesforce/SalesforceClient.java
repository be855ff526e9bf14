package io.delpha.sdk.salesforce;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What hosts depend on to read and write Salesforce data; {@link SalesforceManager} is the
 * implementation, built with {@link SalesforceManager#builder()}.
 *
 * <p>Every call logs in again once if the session expired, retries transient failures (HTTP 5xx,
 * connection problems) with backoff, and throws the library's exceptions:
 * {@code InvalidInputException} for a malformed query or an unknown field (with Salesforce's
 * message), {@code NotFoundException}, {@code AccessDeniedException}, {@code RateLimitedException}
 * when the org's API limit is reached (with the usage), {@code AuthenticationException},
 * {@code ServiceUnavailableException} once retries are exhausted. Implementations are thread-safe.
 */
public interface SalesforceClient extends AutoCloseable {

  /**
   * Runs a SOQL query and follows every {@code nextRecordsUrl}: all records, however many pages.
   * For large results prefer {@link #stream(String)} or {@link #bulkQuery(String)}.
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
   * @return every object type of the org (describe global)
   */
  List<SObjectSummary> describeGlobal();

  /**
   * @param sobject an object's API name, e.g. {@code Account}
   * @return the object and its fields (describe sObject)
   */
  SObjectDescription describe(String sobject);

  /**
   * @param sobject the object type
   * @param id the record id
   * @return the record's fields
   */
  Map<String, Object> get(String sobject, String id);

  /**
   * @param sobject the object type
   * @param id the record id
   * @param type the class to map the record to
   * @param <T> the record type
   * @return the record
   */
  <T> T get(String sobject, String id, Class<T> type);

  /**
   * Creates one record. Not retried on a transient failure (a retry could create it twice).
   *
   * @param sobject the object type
   * @param record a map or a POJO of field values
   * @return the new record's id
   */
  String create(String sobject, Object record);

  /**
   * @param sobject the object type
   * @param id the record id
   * @param fields the fields to change (a map entry with a {@code null} value clears the field)
   */
  void update(String sobject, String id, Object fields);

  /**
   * @param sobject the object type
   * @param id the record id
   */
  void delete(String sobject, String id);

  /**
   * Creates or updates the record whose external id field has the given value.
   *
   * @param sobject the object type
   * @param externalIdField the external id field, e.g. {@code Delpha_Id__c}
   * @param externalIdValue its value
   * @param record the fields to set
   * @return whether the record was created or updated
   */
  UpsertOutcome upsert(String sobject, String externalIdField, String externalIdValue, Object record);

  /**
   * Creates many records with sObject Collections, 200 per request; one bad record does not stop
   * the others. Not retried on a transient failure.
   *
   * @param sobject the object type
   * @param records maps or POJOs
   * @return one result per record, in order
   */
  List<RecordResult> createAll(String sobject, List<?> records);

  /**
   * Updates many records with sObject Collections, 200 per request.
   *
   * @param sobject the object type
   * @param records maps or POJOs, each with its {@code Id}
   * @return one result per record, in order
   */
  List<RecordResult> updateAll(String sobject, List<?> records);

  /**
   * Upserts many records by an external id with sObject Collections, 200 per request.
   *
   * @param sobject the object type
   * @param externalIdField the external id field
   * @param records maps or POJOs, each with its external id value
   * @return one result per record, in order ({@link RecordResult#created()} tells which were new)
   */
  List<RecordResult> upsertAll(String sobject, String externalIdField, List<?> records);

  /**
   * Deletes many records with sObject Collections, 200 per request.
   *
   * @param ids the record ids
   * @return one result per id, in order
   */
  List<RecordResult> deleteAll(List<String> ids);

  /**
   * Reads the org's daily API usage from the {@code Sforce-Limit-Info} header (one cheap call).
   *
   * @return the usage
   */
  ApiUsage apiUsage();

  /**
   * @return what the client can do, with examples
   */
  String help();

  /** Releases the client's resources. Calls after {@code close()} fail. */
  @Override
  void close();
}
