package io.delpha.sdk.parquet;

/**
 * The host's key management service, for Parquet's envelope encryption (parquet-java's key tools, pyarrow's {@code
 * CryptoFactory}): a file's keys are stored in it wrapped (encrypted) by a master key that never leaves the KMS, in
 * key material of JSON (in the footer's {@code key_metadata}, or in a {@code _KEY_MATERIAL_FOR_<file>.json} file beside
 * the file). With double wrapping, the KMS unwraps a key-encryption key that unwraps the data keys locally.
 *
 * <p>The same two operations as parquet-java's {@code KmsClient}, so a host's adapter of it fits; the strings are what
 * the KMS returns and takes (parquet-java's own clients use base64). Called on the reading thread, possibly from
 * several at once; it must never log or print a key.
 */
public interface KmsClient {

  /**
   * @param key a key to wrap
   * @param masterKeyId the master key to wrap it with
   * @return the wrapped key, as stored in key material
   */
  String wrapKey(byte[] key, String masterKeyId);

  /**
   * @param wrappedKey a wrapped key, as stored in key material
   * @param masterKeyId the master key it was wrapped with
   * @return the key
   * @throws io.delpha.sdk.core.DelphaException (a subclass) if the KMS refuses or cannot be reached: the read fails
   *     with it
   */
  byte[] unwrapKey(String wrappedKey, String masterKeyId);
}
