package io.delpha.sdk.security;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One row of the append-only audit table. Never holds a secret.
 *
 * <p>Most rows record one event ({@code events} 1, no window). A row with the outcome {@code AGGREGATED} stands for
 * {@code events} events of one group that were beyond an audit budget and counted rather than written one by one:
 * refused attempts for one key id ({@code keyId} and {@code organisation} set), events of one organisation's
 * authenticated keys ({@code organisation} only) or refused attempts for unknown keys (neither), all of one {@code
 * action}, the first at {@code windowStart} and the last at {@code windowEnd}; its reason reads, e.g., "150 refused
 * attempts for key K between T1 and T2 (AUTHENTICATE DENIED=5, THROTTLED=145), ...". For each group, the rows written
 * one by one plus the {@code events} of its summary rows equal the events that happened.
 *
 * @param eventId the time-based id the row is clustered by
 * @param at when it happened (for a summary row, when it was written), by the {@link AccessKeys} clock
 * @param keyId the key concerned, or {@code null} when the presented key had no readable id
 * @param organisation the key's organisation, or {@code null} when unknown
 * @param action what was attempted, e.g. {@code AUTHENTICATE}, {@code OPEN}, {@code STATEMENT}, {@code REVOKE}
 * @param outcome {@code GRANTED}, {@code DENIED}, {@code THROTTLED} or {@code AGGREGATED}
 * @param reason why, in words; for refusals the reason the caller is never told
 * @param events how many events the row stands for: 1, or the count of a summary row
 * @param windowStart for a summary row, when the first event it counts happened; otherwise {@code null}
 * @param windowEnd for a summary row, when the last event it counts happened; otherwise {@code null}
 */
public record AuditEvent(UUID eventId, Instant at, @Nullable String keyId, @Nullable String organisation, String action,
    String outcome, String reason, int events, @Nullable Instant windowStart, @Nullable Instant windowEnd) {

  /**
   * A row recording one event.
   *
   * @param eventId the time-based id the row is clustered by
   * @param at when it happened
   * @param keyId the key concerned, or {@code null}
   * @param organisation the key's organisation, or {@code null}
   * @param action what was attempted
   * @param outcome {@code GRANTED}, {@code DENIED} or {@code THROTTLED}
   * @param reason why, in words
   */
  public AuditEvent(UUID eventId, Instant at, @Nullable String keyId, @Nullable String organisation, String action,
      String outcome, String reason) {
    this(eventId, at, keyId, organisation, action, outcome, reason, 1, null, null);
  }
}
