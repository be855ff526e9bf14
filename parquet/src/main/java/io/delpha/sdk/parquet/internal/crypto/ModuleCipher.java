package io.delpha.sdk.parquet.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The AES ciphers of Parquet modular encryption over one key (the format's Encryption.md, sections 4.1, 4.2 and 5.1),
 * the JDK's {@code AES/GCM/NoPadding} and {@code AES/CTR/NoPadding}. A module's buffer (after its 4-byte length) is
 * the 12-byte nonce, the ciphertext, and for GCM the 16-byte tag; a CTR module's counter starts at 1 after its nonce.
 *
 * <p>Not thread-safe (it keeps its JDK ciphers): one per reader of a column chunk or footer. Never prints its key.
 */
public final class ModuleCipher {

  /** The bytes of a module's nonce. */
  public static final int NONCE_BYTES = 12;
  /** The bytes of a GCM module's tag. */
  public static final int TAG_BYTES = 16;
  /** The bytes of a module's length, before its buffer. */
  public static final int LENGTH_BYTES = 4;

  private final SecretKeySpec key;
  private final int bits;
  private @Nullable Cipher gcm;
  private @Nullable Cipher ctr;

  /**
   * @param key an AES key of 16, 24 or 32 bytes (copied)
   * @throws IllegalArgumentException if it is not
   */
  public ModuleCipher(byte[] key) {
    checkKey(key);
    this.key = new SecretKeySpec(key, "AES");
    this.bits = key.length * 8;
  }

  /**
   * @param key a key
   * @throws IllegalArgumentException if it is not 128, 192 or 256 bits
   */
  public static void checkKey(byte[] key) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes (128, 192 or 256 bits), this one "
          + key.length);
    }
  }

  /**
   * Decrypts a GCM buffer: nonce, ciphertext, tag.
   *
   * @param buffer the bytes holding it
   * @param offset where it starts
   * @param length its bytes
   * @param aad the module's AAD
   * @return the plaintext
   * @throws GeneralSecurityException if it fails its authentication (javax.crypto's {@code AEADBadTagException}) or
   *     is shorter than a nonce and a tag
   */
  public byte[] decryptGcm(byte[] buffer, int offset, int length, byte[] aad) throws GeneralSecurityException {
    if (length < NONCE_BYTES + TAG_BYTES) {
      throw new GeneralSecurityException("a GCM module of " + length + " bytes is shorter than its nonce and tag");
    }
    Cipher gcm = this.gcm;
    if (gcm == null) {
      gcm = Cipher.getInstance("AES/GCM/NoPadding");
      this.gcm = gcm;
    }
    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, buffer, offset, NONCE_BYTES));
    gcm.updateAAD(aad);
    return gcm.doFinal(buffer, offset + NONCE_BYTES, length - NONCE_BYTES);
  }

  /**
   * Decrypts a CTR buffer: nonce, ciphertext (no tag: CTR does not authenticate).
   *
   * @param buffer the bytes holding it
   * @param offset where it starts
   * @param length its bytes
   * @return the plaintext
   * @throws GeneralSecurityException if it is shorter than a nonce
   */
  public byte[] decryptCtr(byte[] buffer, int offset, int length) throws GeneralSecurityException {
    if (length < NONCE_BYTES) {
      throw new GeneralSecurityException("a CTR module of " + length + " bytes is shorter than its nonce");
    }
    Cipher ctr = this.ctr;
    if (ctr == null) {
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      this.ctr = ctr;
    }
    ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(ctrIv(buffer, offset)));
    return ctr.doFinal(buffer, offset + NONCE_BYTES, length - NONCE_BYTES);
  }

  /** @return the 16-byte IV of a CTR module: its nonce, then a counter of 1 */
  private static byte[] ctrIv(byte[] nonce, int offset) {
    byte[] iv = new byte[16];
    System.arraycopy(nonce, offset, iv, 0, NONCE_BYTES);
    iv[15] = 1;
    return iv;
  }

  /**
   * Encrypts with GCM under the given nonce: the buffer of a module, nonce then ciphertext then tag (without the
   * 4-byte length). A nonce must never be used twice with one key; the write side draws each from a
   * {@link java.security.SecureRandom}, the read side uses this only to recompute a plaintext footer's signature.
   *
   * @param nonce 12 bytes
   * @param plaintext the module's plaintext
   * @param aad its AAD
   * @return nonce, ciphertext, tag
   * @throws GeneralSecurityException if the JDK's cipher fails
   */
  public byte[] encryptGcm(byte[] nonce, byte[] plaintext, byte[] aad) throws GeneralSecurityException {
    // a cipher of its own: the JDK refuses to encrypt twice with one key and nonce on one Cipher
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce, 0, NONCE_BYTES));
    cipher.updateAAD(aad);
    byte[] out = new byte[NONCE_BYTES + plaintext.length + TAG_BYTES];
    System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
    cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
    return out;
  }

  /**
   * Verifies a plaintext footer's signature (Encryption.md, section 5.5): the footer encrypted with GCM under the
   * signature's nonce and the footer's AAD must give the signature's tag.
   *
   * @param footer the serialized footer as stored
   * @param signature the 28 bytes after it: nonce, tag
   * @param aad the footer's AAD
   * @return whether the tag matches (compared in constant time)
   * @throws GeneralSecurityException if the JDK's cipher fails
   */
  public boolean verifySignature(byte[] footer, byte[] signature, byte[] aad) throws GeneralSecurityException {
    byte[] nonce = Arrays.copyOfRange(signature, 0, NONCE_BYTES);
    byte[] encrypted = encryptGcm(nonce, footer, aad);
    return MessageDigest.isEqual(Arrays.copyOfRange(encrypted, encrypted.length - TAG_BYTES, encrypted.length),
        Arrays.copyOfRange(signature, NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  }

  @Override
  public String toString() {
    return "ModuleCipher[AES-" + bits + ", key redacted]";
  }
}
