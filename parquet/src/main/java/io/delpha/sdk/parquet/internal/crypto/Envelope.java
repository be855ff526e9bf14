package io.delpha.sdk.parquet.internal.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.parquet.KmsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The envelope way of parquet-java's key tools and pyarrow's {@code CryptoFactory} (key material type {@code PKMT1}):
 * a key's {@code key_metadata} is JSON holding its key material ({@code "internalStorage": true}) or a reference into
 * an external key material file ({@code "keyReference"}, the file a JSON object of reference to key material). The
 * key material wraps the data key with the host's KMS, once ({@code wrappedDEK} unwrapped by the master key {@code
 * masterKeyID}) or twice ({@code wrappedKEK} unwrapped by the KMS, then {@code wrappedDEK} decrypted here with AES-GCM,
 * its AAD the key-encryption key's id {@code keyEncryptionKeyID}). Fields come in any order; booleans as JSON booleans
 * or as the strings parquet-java writes.
 *
 * <p>One per file read: it caches the key-encryption keys it unwrapped and the external file it read. Thread-safe.
 */
final class Envelope {

  /** The largest external key material file read: each key takes about 400 bytes of it. */
  private static final long MAX_KEY_MATERIAL_FILE_BYTES = 16L << 20;

  private final KmsClient kms;
  private final @Nullable Path keyMaterialFile;
  private final Map<String, byte[]> keks = new ConcurrentHashMap<>();
  private volatile @Nullable JsonNode external;

  /**
   * @param kms the host's KMS
   * @param keyMaterialFile the file's external key material, if it is known where (read only if a key refers to it)
   */
  Envelope(KmsClient kms, @Nullable Path keyMaterialFile) {
    this.kms = kms;
    this.keyMaterialFile = keyMaterialFile;
  }

  /**
   * @param keyMetadata a key's {@code key_metadata}
   * @param what the key, for messages ("the footer key", "the key of column x")
   * @return the data key
   * @throws DecryptionFailure if the metadata or its material is not PKMT1 key material, the external file is missing,
   *     or a wrapped key does not unwrap
   */
  byte[] key(byte[] keyMetadata, String what) throws DecryptionFailure {
    JsonNode metadata = json(new String(keyMetadata, StandardCharsets.UTF_8), what + "'s key metadata");
    requireType(metadata, what + "'s key metadata");
    JsonNode material;
    if (metadata.path("internalStorage").asBoolean(false)) {
      material = metadata;
    } else {
      String reference = text(metadata, "keyReference", what + "'s key metadata");
      JsonNode stored = externalMaterial(what).get(reference);
      if (stored == null || !stored.isTextual()) {
        throw new DecryptionFailure("the external key material file " + keyMaterialFile + " holds no key material "
            + "for " + what + " (reference " + reference + ")");
      }
      material = json(stored.asText(), what + "'s key material");
      requireType(material, what + "'s key material");
    }
    String masterKey = text(material, "masterKeyID", what + "'s key material");
    String wrappedDek = text(material, "wrappedDEK", what + "'s key material");
    if (!material.path("doubleWrapping").asBoolean(false)) {
      return kms.unwrapKey(wrappedDek, masterKey);
    }
    String kekId = text(material, "keyEncryptionKeyID", what + "'s key material");
    String wrappedKek = text(material, "wrappedKEK", what + "'s key material");
    byte[] kek = keks.computeIfAbsent(kekId, id -> kms.unwrapKey(wrappedKek, masterKey));
    try {
      byte[] wrapped = Base64.getDecoder().decode(wrappedDek);
      return new ModuleCipher(kek).decryptGcm(wrapped, 0, wrapped.length, Base64.getDecoder().decode(kekId));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new DecryptionFailure(what + " does not unwrap with its key-encryption key (keyEncryptionKeyID " + kekId
          + " of master key " + masterKey + "): the key material or the KMS's answer is not the file's");
    }
  }

  private JsonNode externalMaterial(String what) throws DecryptionFailure {
    JsonNode read = external;
    if (read != null) {
      return read;
    }
    Path file = keyMaterialFile;
    if (file == null) {
      throw new DecryptionFailure(what + "'s key material is stored outside the file (a _KEY_MATERIAL_FOR_ file), and "
          + "the file was not read from a folder where it could be found: give it with "
          + "FileDecryption.builder().keyMaterialFile(path)");
    }
    try {
      if (Files.size(file) > MAX_KEY_MATERIAL_FILE_BYTES) {
        throw new DecryptionFailure("the external key material file " + file + " has more than "
            + MAX_KEY_MATERIAL_FILE_BYTES + " bytes");
      }
      read = json(Files.readString(file, StandardCharsets.UTF_8), "the external key material file " + file);
    } catch (NoSuchFileException e) {
      throw new DecryptionFailure(what + "'s key material is stored outside the file, in " + file + ", which does not "
          + "exist");
    } catch (IOException e) {
      if (e instanceof DecryptionFailure f) {
        throw f;
      }
      throw new DecryptionFailure("the external key material file " + file + " cannot be read: " + e.getMessage());
    }
    external = read;
    return read;
  }

  private static JsonNode json(String text, String what) throws DecryptionFailure {
    try {
      JsonNode node = JsonSupport.MAPPER.readTree(text);
      if (node == null || !node.isObject()) {
        throw new DecryptionFailure(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      if (e instanceof DecryptionFailure f) {
        throw f;
      }
      throw new DecryptionFailure(what + " is not JSON (key material of parquet-java's key tools or pyarrow's "
          + "CryptoFactory); give the keys explicitly or with a key retriever");
    }
  }

  private static void requireType(JsonNode node, String what) throws DecryptionFailure {
    JsonNode type = node.get("keyMaterialType");
    if (type != null && !"PKMT1".equals(type.asText())) {
      throw new DecryptionFailure(what + " is of key material type " + type.asText() + "; this reader reads PKMT1");
    }
  }

  private static String text(JsonNode node, String field, String what) throws DecryptionFailure {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new DecryptionFailure(what + " has no " + field);
    }
    return value.asText();
  }
}
