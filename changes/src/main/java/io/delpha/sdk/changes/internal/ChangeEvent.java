package io.delpha.sdk.changes.internal;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One change event, decoded: its header and the column values it sets.
 *
 * @param entity the object ({@code entityName})
 * @param recordIds the records it changes (one event may carry several)
 * @param changeType {@code CREATE}, {@code UPDATE}, {@code DELETE}, {@code UNDELETE}, a {@code GAP_} type or
 *     {@code GAP_OVERFLOW}
 * @param commitTimestamp the commit time, epoch milliseconds
 * @param commitNumber the commit's number (orders commits of the same millisecond)
 * @param sequenceNumber the event's place in its transaction
 * @param transactionKey the transaction
 * @param values the columns (CQL names) it sets, {@code null} values set to null; for an update only the changed fields
 * @param reread whether its records must be re-read over REST (a gap, a diff field, a changed field without a value)
 */
public record ChangeEvent(String entity, List<String> recordIds, String changeType, long commitTimestamp,
    long commitNumber, int sequenceNumber, String transactionKey, Map<String, @Nullable Object> values,
    boolean reread) {

  /** The record id of a {@code GAP_OVERFLOW} event, which stands for every record of the object. */
  public static final String OVERFLOW_ID = "000000000000000AAA";

  /**
   * @return whether the event stands for changes to the whole object that were not sent ({@code GAP_OVERFLOW})
   */
  public boolean overflow() {
    return changeType.equals("GAP_OVERFLOW");
  }
}
