package io.delpha.sdk.core;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret string (password, token, key) that never shows itself: {@link #toString()} prints
 * {@code "****"}, so a secret can sit in a configuration record, a log argument or an exception
 * without leaking. Read the value with {@link #reveal()} only where it is handed to the system that
 * needs it.
 *
 * <p>Equality compares values in constant time.
 *
 * @param value the secret value
 */
public record Secret(String value) {

  /**
   * @param value the secret value, not {@code null}
   */
  public Secret {
    Objects.requireNonNull(value, "secret value");
  }

  /**
   * @param value the secret value, not {@code null}
   * @return the wrapped secret
   */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /**
   * @return the clear value; hand it only to the system that needs it, never to a log
   */
  public String reveal() {
    return value;
  }

  /**
   * @return whether the secret is empty
   */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // a hash of the value would leak information about it
  }

  @Override
  public String toString() {
    return "****";
  }
}
