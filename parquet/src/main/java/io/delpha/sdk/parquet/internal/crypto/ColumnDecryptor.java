package io.delpha.sdk.parquet.internal.crypto;

import java.security.GeneralSecurityException;

/**
 * Decrypts the modules of one column chunk (its metadata, page headers, pages, indexes, bloom filter) with its key,
 * each with the AAD of its place: the row group and column ordinals fixed here, a data page's ordinal given. Not
 * thread-safe: one per reader of a chunk.
 */
public final class ColumnDecryptor {

  private final ModuleCipher cipher;
  private final byte[] fileAad;
  private final boolean ctrPages;
  private final int rowGroup;
  private final int column;
  private final String path;

  ColumnDecryptor(ModuleCipher cipher, byte[] fileAad, boolean ctrPages, int rowGroup, int column, String path) {
    this.cipher = cipher;
    this.fileAad = fileAad;
    this.ctrPages = ctrPages;
    this.rowGroup = rowGroup;
    this.column = column;
    this.path = path;
  }

  /** @return whether pages are encrypted with CTR ({@code AES_GCM_CTR_V1}): they carry no tag */
  public boolean ctrPages() {
    return ctrPages;
  }

  /**
   * @param type the module's type
   * @return the fewest bytes its buffer (after the 4-byte length) has: a nonce, and a tag unless a CTR page
   */
  public int overhead(ModuleType type) {
    return ModuleCipher.NONCE_BYTES + (ctrPages && type.isPage() ? 0 : ModuleCipher.TAG_BYTES);
  }

  /**
   * @param type the module's type
   * @param page the data page's ordinal in the chunk (ignored for other modules)
   * @param buffer the bytes holding the module's buffer (nonce, ciphertext, tag), after its 4-byte length
   * @param offset where the buffer starts
   * @param length its bytes
   * @return the plaintext
   * @throws DecryptionFailure naming the module, if it fails its authentication or is too short
   */
  public byte[] decrypt(ModuleType type, int page, byte[] buffer, int offset, int length) throws DecryptionFailure {
    if (type.hasPageOrdinal() && page > Aad.MAX_ORDINAL) {
      throw new DecryptionFailure(describe(type, page) + " is beyond the " + (Aad.MAX_ORDINAL + 1)
          + " data pages Parquet encryption can address in a column chunk");
    }
    try {
      if (ctrPages && type.isPage()) {
        return cipher.decryptCtr(buffer, offset, length);
      }
      return cipher.decryptGcm(buffer, offset, length, Aad.module(fileAad, type, rowGroup, column, page));
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailure(describe(type, page) + " fails its authentication (a wrong key, or a module changed "
          + "or moved)");
    }
  }

  /**
   * @param type a module's type
   * @param page a data page's ordinal
   * @return the module, for messages: "the data page 3 of column x in row group 1"
   */
  public String describe(ModuleType type, int page) {
    return type.description() + (type.hasPageOrdinal() ? " " + page : "") + " of column " + path + " in row group "
        + rowGroup;
  }

  @Override
  public String toString() {
    return "ColumnDecryptor[" + path + ", row group " + rowGroup + ", column " + column + ", key redacted]";
  }
}
