package io.delpha.sdk.parquet.internal.crypto;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.KeyRetriever;
import io.delpha.sdk.parquet.KmsClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.parquet.format.AesGcmCtrV1;
import org.apache.parquet.format.AesGcmV1;
import org.apache.parquet.format.ColumnCryptoMetaData;
import org.apache.parquet.format.EncryptionAlgorithm;
import org.apache.parquet.format.EncryptionWithColumnKey;
import org.jspecify.annotations.Nullable;

/**
 * One encrypted file's decryption: its algorithm, its AAD (the AAD prefix, stored or supplied, then the file-unique
 * bytes), and its keys, found as {@link FileDecryption} says (explicit, else the key retriever or the envelope's KMS
 * given each key's {@code key_metadata}) and kept for the file's reads. Thread-safe: readers of the file's row groups
 * on several threads share it, each making {@link ColumnDecryptor}s of its own.
 */
public final class FileDecryptor {

  private final boolean ctrPages;
  private final byte[] fileAad;
  private final FileDecryption settings;
  private final byte @Nullable [] footerKeyMetadata;
  private final @Nullable Envelope envelope;
  /** Column keys by dotted path, found or not (empty: no key given, the column cannot be read). */
  private final Map<String, Optional<byte[]>> columnKeys = new ConcurrentHashMap<>();
  private volatile byte @Nullable [] footerKey;

  private FileDecryptor(boolean ctrPages, byte[] fileAad, FileDecryption settings, byte @Nullable [] footerKeyMetadata,
      @Nullable Path keyMaterialFile) {
    this.ctrPages = ctrPages;
    this.fileAad = fileAad;
    this.settings = settings;
    this.footerKeyMetadata = footerKeyMetadata;
    KmsClient kms = settings.kms();
    this.envelope = kms == null ? null : new Envelope(kms, keyMaterialFile);
  }

  /**
   * @param algorithm the file's encryption algorithm (from its crypto metadata or its plaintext footer)
   * @param footerKeyMetadata the footer key's {@code key_metadata}, if stored
   * @param settings the keys the read was given
   * @param keyMaterialFile where the file's external key material is (given, or beside a local file), if known
   * @return the file's decryption
   * @throws DecryptionFailure if the algorithm is unknown, or the AAD prefix is needed and not supplied, or supplied
   *     and not the file's
   */
  public static FileDecryptor of(EncryptionAlgorithm algorithm, byte @Nullable [] footerKeyMetadata,
      FileDecryption settings, @Nullable Path keyMaterialFile) throws DecryptionFailure {
    byte[] storedPrefix;
    byte[] fileUnique;
    boolean supplyPrefix;
    boolean ctr;
    if (algorithm.isSetAES_GCM_V1()) {
      AesGcmV1 gcm = algorithm.getAES_GCM_V1();
      storedPrefix = gcm.getAad_prefix();
      fileUnique = gcm.getAad_file_unique();
      supplyPrefix = gcm.isSupply_aad_prefix();
      ctr = false;
    } else if (algorithm.isSetAES_GCM_CTR_V1()) {
      AesGcmCtrV1 gcmCtr = algorithm.getAES_GCM_CTR_V1();
      storedPrefix = gcmCtr.getAad_prefix();
      fileUnique = gcmCtr.getAad_file_unique();
      supplyPrefix = gcmCtr.isSupply_aad_prefix();
      ctr = true;
    } else {
      throw new DecryptionFailure("the file is encrypted with an algorithm this reader does not know (it reads "
          + "AES_GCM_V1 and AES_GCM_CTR_V1)");
    }
    byte[] supplied = settings.aadPrefix();
    byte[] prefix;
    if (storedPrefix != null) {
      if (supplied != null && !Arrays.equals(supplied, storedPrefix)) {
        throw new DecryptionFailure("the AAD prefix supplied is not the one the file was written with: it is not the "
            + "file the reader expects (another table, partition or version)");
      }
      prefix = storedPrefix;
    } else if (supplyPrefix) {
      if (supplied == null) {
        throw new DecryptionFailure("the file was written with an AAD prefix it does not store (disable_aad_storage): "
            + "give it with FileDecryption.builder().aadPrefix(...)");
      }
      prefix = supplied;
    } else {
      if (supplied != null) {
        throw new DecryptionFailure("an AAD prefix was supplied, but the file was written without one: it is not the "
            + "file the reader expects");
      }
      prefix = new byte[0];
    }
    return new FileDecryptor(ctr, Aad.file(prefix, fileUnique == null ? new byte[0] : fileUnique), settings,
        footerKeyMetadata, keyMaterialFile);
  }

  /**
   * @return the footer key
   * @throws DecryptionFailure if it was not given and cannot be found
   */
  public byte[] footerKey() throws DecryptionFailure {
    byte[] key = footerKeyIfKnown();
    if (key == null) {
      throw new DecryptionFailure("no footer key was given for the file, and "
          + (settings.keyRetriever() == null && settings.kms() == null ? "no key retriever or KMS to find it"
              : "its key metadata finds none"));
    }
    return key;
  }

  /**
   * @return the footer key, or {@code null} if it was not given and cannot be found (a plaintext footer then reads
   *     unverified)
   * @throws DecryptionFailure if finding it fails
   */
  public byte @Nullable [] footerKeyIfKnown() throws DecryptionFailure {
    byte[] key = footerKey;
    if (key == null) {
      key = settings.footerKey();
      if (key == null) {
        key = retrieve(footerKeyMetadata, "the footer key");
      }
      footerKey = key;
    }
    return key;
  }

  /**
   * Decrypts an encrypted footer.
   *
   * @param buffer the bytes holding the footer's module buffer (nonce, ciphertext, tag), after its 4-byte length
   * @param offset where the buffer starts
   * @param length its bytes
   * @return the footer's Thrift bytes
   * @throws DecryptionFailure if no footer key is found or the footer fails its authentication
   */
  public byte[] decryptFooter(byte[] buffer, int offset, int length) throws DecryptionFailure {
    ModuleCipher cipher = cipher(footerKey(), "the footer key");
    try {
      return cipher.decryptGcm(buffer, offset, length, Aad.footer(fileAad));
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailure("the footer fails its authentication (a wrong footer key, a wrong AAD prefix, or "
          + "the footer was changed)");
    }
  }

  /**
   * Verifies a plaintext footer's signature, if the footer key is known.
   *
   * @param footer the footer's Thrift bytes as stored
   * @param signature the 28 bytes after it
   * @return whether it was verified ({@code false}: no footer key is known)
   * @throws DecryptionFailure if the signature does not match
   */
  public boolean verifyFooter(byte[] footer, byte[] signature) throws DecryptionFailure {
    byte[] key = footerKeyIfKnown();
    if (key == null) {
      return false;
    }
    try {
      if (!cipher(key, "the footer key").verifySignature(footer, signature, Aad.footer(fileAad))) {
        throw new DecryptionFailure("the plaintext footer's signature does not match (a wrong footer key, a wrong AAD "
            + "prefix, or the footer was changed)");
      }
      return true;
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailure("the plaintext footer's signature cannot be computed: " + e.getMessage());
    }
  }

  /**
   * @param crypto a column chunk's crypto metadata
   * @param path the column's dotted path
   * @return whether its key is known (given, or found from its key metadata)
   * @throws DecryptionFailure if finding it fails
   */
  public boolean hasKey(ColumnCryptoMetaData crypto, String path) throws DecryptionFailure {
    return key(crypto, path) != null;
  }

  /**
   * @param crypto a column chunk's crypto metadata
   * @param path the column's dotted path
   * @param rowGroup the row group's ordinal
   * @param column the chunk's ordinal in the row group
   * @return the chunk's decryptor
   * @throws DecryptionFailure if its key was not given and cannot be found
   */
  public ColumnDecryptor column(ColumnCryptoMetaData crypto, String path, int rowGroup, int column)
      throws DecryptionFailure {
    byte[] key = key(crypto, path);
    if (key == null) {
      throw new DecryptionFailure("column " + path + " is encrypted with a key of its own, which the read was not "
          + "given and " + (settings.keyRetriever() == null && settings.kms() == null ? "has no key retriever or KMS "
              + "to find" : "its key metadata does not find") + ": give it, or leave the column out");
    }
    return new ColumnDecryptor(cipher(key, crypto.isSetENCRYPTION_WITH_FOOTER_KEY() ? "the footer key"
        : "the key of column " + path), fileAad, ctrPages, rowGroup, column, path);
  }

  private byte @Nullable [] key(ColumnCryptoMetaData crypto, String path) throws DecryptionFailure {
    if (crypto.isSetENCRYPTION_WITH_FOOTER_KEY()) {
      return footerKey();
    }
    if (!crypto.isSetENCRYPTION_WITH_COLUMN_KEY()) {
      throw new DecryptionFailure("column " + path + " names an encryption this reader does not know");
    }
    Optional<byte[]> known = columnKeys.get(path);
    if (known == null) {
      EncryptionWithColumnKey withKey = crypto.getENCRYPTION_WITH_COLUMN_KEY();
      List<String> keyPath = withKey.getPath_in_schema();
      if (keyPath != null && !String.join(".", keyPath).equals(path)) {
        throw new DecryptionFailure("the crypto metadata of column " + path + " names another column ("
            + String.join(".", keyPath) + ")");
      }
      byte[] key = settings.columnKey(path);
      if (key == null) {
        key = retrieve(withKey.getKey_metadata(), "the key of column " + path);
      }
      known = Optional.ofNullable(key);
      columnKeys.put(path, known);
    }
    return known.orElse(null);
  }

  private byte @Nullable [] retrieve(byte @Nullable [] keyMetadata, String what) throws DecryptionFailure {
    byte[] metadata = keyMetadata == null ? new byte[0] : keyMetadata;
    KeyRetriever retriever = settings.keyRetriever();
    try {
      if (retriever != null) {
        return retriever.retrieveKey(metadata);
      }
      Envelope kms = envelope;
      if (kms != null) {
        if (metadata.length == 0) {
          throw new DecryptionFailure(what + " has no key metadata for the KMS to unwrap");
        }
        return kms.key(metadata, what);
      }
      return null;
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      // the host's code: its message may hold what it was given, so only its type is told
      throw new DecryptionFailure("finding " + what + " failed in the host's key retriever or KMS ("
          + e.getClass().getName() + ")");
    }
  }

  private static ModuleCipher cipher(byte[] key, String what) throws DecryptionFailure {
    try {
      return new ModuleCipher(key);
    } catch (IllegalArgumentException e) {
      throw new DecryptionFailure(what + " has " + key.length + " bytes; an AES key has 16, 24 or 32");
    }
  }

  @Override
  public String toString() {
    return "FileDecryptor[" + (ctrPages ? "AES_GCM_CTR_V1" : "AES_GCM_V1") + ", keys redacted]";
  }
}
