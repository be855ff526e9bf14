package io.delpha.sdk.security;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An issued key as an operator may list it: its public id and state, never its secret or hash.
 *
 * @param keyId the public key id
 * @param organisation the organisation it is bound to ({@value AccessKeys#ADMIN_ORGANISATION} for the admin key)
 * @param role what it unlocks
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, or {@code null} for never
 * @param revokedAt when it was revoked, or {@code null} if it was not
 */
public record KeyInfo(String keyId, String organisation, KeyRole role, Instant createdAt, @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {

  /** Checks that the required components are present. */
  public KeyInfo {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(organisation, "organisation");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * @param now the instant to judge at
   * @return whether the key would be accepted at {@code now}: not revoked and not expired
   */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }
}
