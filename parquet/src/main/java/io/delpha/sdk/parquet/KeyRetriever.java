package io.delpha.sdk.parquet;

import org.jspecify.annotations.Nullable;

/**
 * Finds a key of an encrypted Parquet file from the {@code key_metadata} its writer stored beside it (the footer's, a
 * column's): a key id, a wrapped key, whatever the host's writer put there. parquet-java's {@code
 * DecryptionKeyRetriever} and pyarrow's key retriever play this part.
 *
 * <p>Called on the reading thread, once per key a file read needs (the footer key, each column key of a column read);
 * it may be called from several threads at once when a read decodes on several. It must never log or print a key.
 *
 * <pre>{@code
 * KeyRetriever keys = metadata -> vault.key(new String(metadata, StandardCharsets.UTF_8));
 * ReadOptions.defaults().withDecryption(FileDecryption.builder().keyRetriever(keys).build());
 * }</pre>
 */
@FunctionalInterface
public interface KeyRetriever {

  /**
   * @param keyMetadata the key's metadata as stored in the file (empty if the writer stored none)
   * @return the key, 16, 24 or 32 bytes, or {@code null} if the host has no key for it (a column whose key is not
   *     found can still be left out of the read; the footer's cannot)
   */
  byte @Nullable [] retrieveKey(byte[] keyMetadata);
}
