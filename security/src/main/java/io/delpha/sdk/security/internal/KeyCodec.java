package io.delpha.sdk.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The access key format {@code dk_<id>_<secret>}: a 20-hex-digit public id (80 random bits) and a
 * 43-character base64url secret (256 random bits), both from {@link SecureRandom}; and the one-way hash
 * stored in place of the secret.
 *
 * <p>The hash is SHA-256 over a domain tag, the id and the secret's bytes. A slow password hash (bcrypt,
 * Argon2) protects low-entropy human passwords from guessing; a 256-bit random secret cannot be guessed,
 * so a fast hash is as strong and keeps every authentication cheap. Binding the id into the hash stops a
 * stored hash from being copied onto another key's row.
 */
public final class KeyCodec {

  /** The hash scheme recorded next to each hash, so a later scheme can coexist. */
  public static final String HASH_SCHEME = "sha256-v1";

  private static final String PREFIX = "dk_";
  private static final int ID_BYTES = 10;
  private static final int SECRET_BYTES = 32;
  private static final int ID_CHARS = ID_BYTES * 2;
  private static final int SECRET_CHARS = 43;
  private static final int KEY_CHARS = PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{" + ID_CHARS + "}");
  private static final Pattern KEY_IN_TEXT = Pattern.compile("dk_([0-9a-f]{" + ID_CHARS + "})_[A-Za-z0-9_-]+");
  private static final byte[] DOMAIN = "delpha-access-key/v1".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  /**
   * @param random the source of ids and secrets
   */
  public KeyCodec(SecureRandom random) {
    this.random = random;
  }

  /** A freshly generated key: the parts and the text to present. */
  public record NewKey(String id, byte[] secret, String presented) {
    @Override
    public String toString() {
      return "NewKey{id=" + id + ", secret=****}";
    }
  }

  /**
   * A presented key taken apart. {@code id} is set whenever the text starts with a well-formed id, even
   * if the rest is malformed (so failures can be counted and audited per id); {@code secret} only when
   * the whole key is well formed.
   */
  public record Parsed(@Nullable String id, byte @Nullable [] secret, @Nullable String problem) {
    /**
     * @return whether the key is well formed
     */
    public boolean wellFormed() {
      return problem == null;
    }

    @Override
    public String toString() {
      return "Parsed{id=" + id + ", problem=" + problem + "}";
    }
  }

  /**
   * @return a new key
   */
  public NewKey generate() {
    byte[] id = new byte[ID_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(id);
    random.nextBytes(secret);
    String idText = HexFormat.of().formatHex(id);
    String presented = PREFIX + idText + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new NewKey(idText, secret, presented);
  }

  /**
   * @param presented the text a caller presented, possibly {@code null} or garbage
   * @return its parts, or the problem with it
   */
  public static Parsed parse(@Nullable String presented) {
    if (presented == null || presented.isEmpty()) {
      return new Parsed(null, null, "no key presented");
    }
    String id = null;
    if (presented.startsWith(PREFIX) && presented.length() >= PREFIX.length() + ID_CHARS) {
      String candidate = presented.substring(PREFIX.length(), PREFIX.length() + ID_CHARS);
      if (ID.matcher(candidate).matches()) {
        id = candidate;
      }
    }
    if (id == null) {
      return new Parsed(null, null, "malformed key (no well-formed id)");
    }
    if (presented.length() != KEY_CHARS) {
      return new Parsed(id, null, "malformed key (" + (presented.length() < KEY_CHARS ? "truncated" : "too long")
          + ": " + presented.length() + " characters, expected " + KEY_CHARS + ")");
    }
    if (presented.charAt(PREFIX.length() + ID_CHARS) != '_') {
      return new Parsed(id, null, "malformed key (no separator after the id)");
    }
    String secretText = presented.substring(KEY_CHARS - SECRET_CHARS);
    byte[] secret;
    try {
      secret = Base64.getUrlDecoder().decode(secretText);
    } catch (IllegalArgumentException e) {
      return new Parsed(id, null, "malformed key (secret is not base64url)");
    }
    if (secret.length != SECRET_BYTES
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(secret).equals(secretText)) {
      return new Parsed(id, null, "malformed key (secret is not canonical base64url of 32 bytes)");
    }
    return new Parsed(id, secret, null);
  }

  /**
   * @param id the key id
   * @return whether it has the shape of a key id
   */
  public static boolean isKeyId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * @param id the key id
   * @param secret the secret's bytes
   * @return the hash stored for them
   */
  public static byte[] hash(String id, byte[] secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(DOMAIN);
      sha.update((byte) 0);
      sha.update(id.getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(secret);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * @param stored the stored hash
   * @param candidate the hash of the presented secret
   * @return whether they are equal, compared in time independent of where they differ
   */
  public static boolean matches(byte[] stored, byte[] candidate) {
    return MessageDigest.isEqual(stored, candidate);
  }

  /**
   * @param text free text such as a CQL statement
   * @return the text with the secret part of anything shaped like an access key replaced by {@code ****}
   */
  public static @Nullable String redact(@Nullable String text) {
    return text == null ? null : KEY_IN_TEXT.matcher(text).replaceAll("dk_$1_****");
  }
}
