package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.InvalidInputException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: PBKDF2-HMAC-SHA256 with a random 16-byte salt and a 256-bit output,
 * stored as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (Base64). The iteration count travels with
 * the hash, so raising the default later leaves old hashes verifiable.
 */
public final class PasswordHasher {

  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final String PREFIX = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong DERIVATIONS = new AtomicLong();
  /** Derivations by iteration count: a test counts its own work by an iteration count no other test uses. */
  private static final java.util.concurrent.ConcurrentHashMap<Integer, AtomicLong> BY_ITERATIONS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private PasswordHasher() {}

  /**
   * @param password the password
   * @param iterations the PBKDF2 iteration count
   * @return the encoded hash
   */
  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return PREFIX + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
        + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
  }

  /**
   * @param password a candidate password
   * @param encoded a hash made by {@link #hash}
   * @return whether they match (compared in constant time)
   */
  public static boolean verify(char[] password, String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, iterations));
  }

  /**
   * @return how many key derivations this JVM has run: the unit of a password check's cost, counted so
   *     tests can show that every refusal costs the same work
   */
  public static long derivations() {
    return DERIVATIONS.get();
  }

  /**
   * @param iterations a PBKDF2 iteration count
   * @return how many key derivations of that count this JVM has run (tests running side by side count their own
   *     work apart by giving their passwords an iteration count of their own)
   */
  public static long derivations(int iterations) {
    AtomicLong n = BY_ITERATIONS.get(iterations);
    return n == null ? 0 : n.get();
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    DERIVATIONS.incrementAndGet();
    BY_ITERATIONS.computeIfAbsent(iterations, k -> new AtomicLong()).incrementAndGet();
    if (password.length == 0) {
      throw new InvalidInputException("a password must not be empty");
    }
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }
}
