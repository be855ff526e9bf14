package io.delpha.sdk.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A key just issued by {@link AccessKeys}: the only time its secret exists outside the holder's hands.
 * The library stores a one-way hash of it, so a lost secret cannot be recovered: revoke the key and
 * issue another. {@link #toString()} never shows the secret.
 */
public final class IssuedKey {

  private final String id;
  private final String organisation;
  private final KeyRole role;
  private final Instant createdAt;
  private final @Nullable Instant expiresAt;
  private final String secret;

  /**
   * @param id the public key id
   * @param organisation the organisation the key is bound to
   * @param role what the key unlocks
   * @param createdAt when it was issued
   * @param expiresAt when it stops working, or {@code null} for never
   * @param secret the whole key to present, {@code dk_<id>_<secret>}
   */
  public IssuedKey(String id, String organisation, KeyRole role, Instant createdAt, @Nullable Instant expiresAt,
      String secret) {
    this.id = Objects.requireNonNull(id, "id");
    this.organisation = Objects.requireNonNull(organisation, "organisation");
    this.role = Objects.requireNonNull(role, "role");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.expiresAt = expiresAt;
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /**
   * @return the public key id, safe to log and to pass to {@link AccessKeys#revoke(String)}
   */
  public String id() {
    return id;
  }

  /**
   * @return the organisation the key is bound to ({@value AccessKeys#ADMIN_ORGANISATION} for the admin)
   */
  public String organisation() {
    return organisation;
  }

  /**
   * @return what the key unlocks
   */
  public KeyRole role() {
    return role;
  }

  /**
   * @return when the key was issued
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * @return when the key stops working, if it expires
   */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * The whole key the holder presents to {@link AccessKeys#open(String)}, in the form {@code
   * dk_<id>_<secret>}. Hand it to its holder once; never log or store it.
   *
   * @return the key to present
   */
  public String secret() {
    return secret;
  }

  @Override
  public String toString() {
    return "IssuedKey{id=" + id + ", organisation=" + organisation + ", role=" + role
        + ", createdAt=" + createdAt + ", expiresAt=" + (expiresAt == null ? "never" : expiresAt)
        + ", secret=****}";
  }
}
