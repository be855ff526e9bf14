package io.delpha.sdk.parquet.internal.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.parquet.KmsClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wrap side of the {@link Envelope}, as parquet-java's {@code FileKeyWrapper} and {@code KeyMaterial} write it: a
 * data key's key material ({@code PKMT1} JSON, stored in the {@code key_metadata} itself: {@code "internalStorage":
 * true}; {@code isFooterKey}, {@code doubleWrapping} and {@code internalStorage} JSON booleans, which parquet-java 1.16
 * requires: it casts them, and a string there fails its read), its data key wrapped by the host's KMS with a master key, or, double wrapping, encrypted here with AES-GCM
 * under a key-encryption key (16 random bytes, one per master key and file, its id 16 random bytes, the AAD) that the
 * KMS wraps. The footer key's material also names the KMS instance ({@code "DEFAULT"}, as parquet-java's default).
 *
 * <p>One per file written; not thread-safe.
 */
final class KeyWrapper {

  private static final int KEK_BYTES = 16;
  private static final int KEK_ID_BYTES = 16;
  private static final String KMS_INSTANCE_DEFAULT = "DEFAULT";

  private final KmsClient kms;
  private final boolean doubleWrapping;
  private final SecureRandom random;
  /** Per master key id: the key-encryption key, its id, and the KMS's wrapping of it. */
  private final Map<String, Kek> keks = new HashMap<>();

  private record Kek(byte[] key, byte[] id, String wrapped) {}

  KeyWrapper(KmsClient kms, boolean doubleWrapping, SecureRandom random) {
    this.kms = kms;
    this.doubleWrapping = doubleWrapping;
    this.random = random;
  }

  /**
   * @param dataKey the data key to wrap
   * @param masterKeyId the master key that wraps it (or its key-encryption key)
   * @param footerKey whether it is the footer key
   * @param what the key, for messages ("the footer key", "the key of column x")
   * @return the key's {@code key_metadata}: its key material
   * @throws DelphaException if the KMS fails (its own exception if a {@code DelphaException}; else one naming only
   *     the exception's type, since the host's message may hold what it was given)
   */
  byte[] keyMetadata(byte[] dataKey, String masterKeyId, boolean footerKey, String what) {
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("keyMaterialType", "PKMT1");
    material.put("internalStorage", true);
    material.put("isFooterKey", footerKey);
    if (footerKey) {
      material.put("kmsInstanceID", KMS_INSTANCE_DEFAULT);
      material.put("kmsInstanceURL", KMS_INSTANCE_DEFAULT);
    }
    material.put("masterKeyID", masterKeyId);
    if (doubleWrapping) {
      Kek kek = keks.get(masterKeyId);
      if (kek == null) {
        byte[] key = new byte[KEK_BYTES];
        random.nextBytes(key);
        byte[] id = new byte[KEK_ID_BYTES];
        random.nextBytes(id);
        kek = new Kek(key, id, wrap(key, masterKeyId, "the key-encryption key of " + what));
        keks.put(masterKeyId, kek);
      }
      byte[] nonce = new byte[ModuleCipher.NONCE_BYTES];
      random.nextBytes(nonce);
      try {
        material.put("wrappedDEK", Base64.getEncoder().encodeToString(
            new ModuleCipher(kek.key()).encryptGcm(nonce, dataKey, kek.id())));
      } catch (GeneralSecurityException e) {
        throw new DelphaException("cannot wrap " + what + " with its key-encryption key: " + e.getClass().getName(), e);
      }
      material.put("doubleWrapping", true);
      material.put("keyEncryptionKeyID", Base64.getEncoder().encodeToString(kek.id()));
      material.put("wrappedKEK", kek.wrapped());
    } else {
      material.put("wrappedDEK", wrap(dataKey, masterKeyId, what));
      material.put("doubleWrapping", false);
    }
    try {
      return JsonSupport.MAPPER.writeValueAsString(material).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("key material of strings and booleans always serializes", e);
    }
  }

  private String wrap(byte[] key, String masterKeyId, String what) {
    String wrapped;
    try {
      wrapped = kms.wrapKey(key.clone(), masterKeyId);
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      // the host's code: its message may hold what it was given, so only its type is told
      throw new DelphaException("wrapping " + what + " with master key " + masterKeyId + " failed in the host's KMS ("
          + e.getClass().getName() + ")");
    }
    if (wrapped == null) {
      throw new DelphaException("the host's KMS wrapped " + what + " with master key " + masterKeyId + " as null");
    }
    return wrapped;
  }
}
