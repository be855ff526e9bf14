package io.delpha.sdk.security;

import java.util.Objects;

/**
 * Who presented a valid access key: the result of {@link AccessKeys#authenticate(String)}. Holds no
 * secret.
 *
 * @param keyId the key's public id
 * @param organisation the organisation the key is bound to; {@value AccessKeys#ADMIN_ORGANISATION} for
 *     the admin key
 * @param role what the key unlocks
 */
public record KeyPrincipal(String keyId, String organisation, KeyRole role) {

  /** Checks that every component is present. */
  public KeyPrincipal {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(organisation, "organisation");
    Objects.requireNonNull(role, "role");
  }

  /**
   * @return whether this is the admin key
   */
  public boolean isAdmin() {
    return role == KeyRole.ADMIN;
  }
}
