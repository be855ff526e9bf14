package io.delpha.sdk.salesforce;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome for one record of an sObject Collections call, in the order the records were given.
 *
 * @param index the record's position in the list the caller passed
 * @param id the record's id, {@code null} when a create failed
 * @param success whether Salesforce saved (or deleted) the record
 * @param created for upserts, whether the record was created rather than updated
 * @param errors what Salesforce reported for a failed record, empty on success
 */
public record RecordResult(
    int index, @Nullable String id, boolean success, boolean created, List<SalesforceError> errors) {

  /**
   * @param index the record's position
   * @param id the record's id
   * @param success whether Salesforce saved it
   * @param created whether an upsert created it
   * @param errors Salesforce's errors, copied
   */
  public RecordResult {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
