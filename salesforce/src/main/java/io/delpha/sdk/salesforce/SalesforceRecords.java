package io.delpha.sdk.salesforce;

import java.util.Map;

/**
 * Single-record reads and writes through the REST sObject API.
 *
 * <p>A role of {@link SalesforceClient}; {@link SalesforceManager} implements it. Depend on this
 * interface alone where only this role is needed (and substitute it in your own tests). Errors and
 * retries as {@link SalesforceClient} describes. Thread-safe.
 */
public interface SalesforceRecords {

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
}
