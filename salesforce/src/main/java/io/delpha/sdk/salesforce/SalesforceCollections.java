package io.delpha.sdk.salesforce;

import java.util.List;

/**
 * Many records at once through sObject Collections (200 per request, split as needed).
 *
 * <p>A role of {@link SalesforceClient}; {@link SalesforceManager} implements it. Depend on this
 * interface alone where only this role is needed (and substitute it in your own tests). Errors and
 * retries as {@link SalesforceClient} describes. Thread-safe.
 */
public interface SalesforceCollections {

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
}
