package io.delpha.sdk.security;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One row of the append-only audit table. Never holds a secret.
 *
 * @param eventId the time-based id the row is clustered by
 * @param at when it happened, by the {@link AccessKeys} clock
 * @param keyId the key concerned, or {@code null} when the presented key had no readable id
 * @param organisation the key's organisation, or {@code null} when unknown
 * @param action what was attempted, e.g. {@code AUTHENTICATE}, {@code STATEMENT}, {@code REVOKE}
 * @param outcome {@code GRANTED}, {@code DENIED} or {@code THROTTLED}
 * @param reason why, in words; for refusals the reason the caller is never told
 */
public record AuditEvent(UUID eventId, Instant at, @Nullable String keyId, @Nullable String organisation, String action,
    String outcome, String reason) {}
