package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RowWriter} encrypts the file it writes, with Parquet modular encryption (the format's Encryption.md;
 * parquet-java's {@code FileEncryptionProperties}, pyarrow's {@code FileEncryptionProperties} and {@code
 * CryptoFactory}), for {@link WriteOptions#withEncryption}. The keys come one of two ways:
 * <ul>
 *   <li><b>explicit</b>: the footer key and the column keys by dotted column path ({@link Builder#footerKey}, {@link
 *       Builder#columnKey}), 128, 192 or 256 bits, each with the {@code key_metadata} a reader's {@link KeyRetriever}
 *       will be given to find it (an id in the host's vault, say), or none;</li>
 *   <li>the <b>envelope</b> of parquet-java's key tools and pyarrow's {@code CryptoFactory} ({@link Builder#kms}): each
 *       file gets fresh random data keys ({@link Builder#dataKeyBits}), wrapped by master keys of the host's {@link
 *       KmsClient} named by id ({@link Builder#footerMasterKey}, {@link Builder#columnMasterKey}), once or, by default,
 *       twice (a key-encryption key per master key and file, wrapped by the KMS, wraps the data keys locally: one KMS
 *       call per master key, not per column), their key material ({@code PKMT1} JSON) stored in the footer's and
 *       columns' {@code key_metadata}. parquet-java's {@code PropertiesDrivenCryptoFactory}, pyarrow's {@code
 *       CryptoFactory} and {@link FileDecryption.Builder#kms} read it with the same KMS.</li>
 * </ul>
 *
 * <p>Which columns are encrypted: with no column keys, every column, with the footer key ("uniform" encryption);
 * with column keys, the columns named, each with its own key, and the others stay in clear. The footer is encrypted
 * (a {@code PARE} file: no reader without the footer key learns even the schema), or, with {@link
 * Builder#plaintextFooter()}, left readable by readers that know no encryption and signed with the footer key (its
 * encrypted columns' statistics are then left out of the plaintext metadata). The algorithm is {@link
 * Algorithm#AES_GCM_V1} (every module authenticated) or {@link Algorithm#AES_GCM_CTR_V1} (pages encrypted with CTR,
 * unauthenticated but cheaper, the rest with GCM). An AAD prefix ties the file to its place (a table and partition):
 * stored in the file, or not ({@link Builder#storeAadPrefix(boolean)}), when readers are to supply it.
 *
 * <p>Immutable and thread-safe; keys are copied in and out and never shown by {@link #toString()} or in an
 * exception's message.
 *
 * <pre>{@code
 * FileEncryption keys = FileEncryption.builder()
 *     .footerKey(footerKey, "footer-v1".getBytes(UTF_8))
 *     .columnKey("customer.ssn", ssnKey, "ssn-v3".getBytes(UTF_8))
 *     .build();
 * try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withEncryption(keys))) { ... }
 *
 * FileEncryption envelope = FileEncryption.builder()
 *     .kms(kms).footerMasterKey("footer-mk").columnMasterKey("customer.ssn", "pii-mk")
 *     .build();
 * }</pre>
 */
public final class FileEncryption {

  /** The algorithms of Parquet modular encryption. */
  public enum Algorithm {
    /** Every module encrypted and authenticated with AES-GCM. */
    AES_GCM_V1,
    /** Pages (data and dictionary) encrypted with AES-CTR, not authenticated; every other module with AES-GCM. */
    AES_GCM_CTR_V1
  }

  private final Algorithm algorithm;
  private final boolean encryptedFooter;
  private final byte @Nullable [] aadPrefix;
  private final boolean aadPrefixStored;
  private final byte @Nullable [] footerKey;
  private final byte @Nullable [] footerKeyMetadata;
  private final Map<String, byte[]> columnKeys;
  private final Map<String, byte[]> columnKeyMetadata;
  private final @Nullable KmsClient kms;
  private final @Nullable String footerMasterKey;
  private final Map<String, String> columnMasterKeys;
  private final boolean doubleWrapping;
  private final int dataKeyBits;

  private FileEncryption(Builder b) {
    this.algorithm = b.algorithm;
    this.encryptedFooter = b.encryptedFooter;
    this.aadPrefix = b.aadPrefix;
    this.aadPrefixStored = b.aadPrefixStored;
    this.footerKey = b.footerKey;
    this.footerKeyMetadata = b.footerKeyMetadata;
    this.columnKeys = Map.copyOf(b.columnKeys);
    this.columnKeyMetadata = Map.copyOf(b.columnKeyMetadata);
    this.kms = b.kms;
    this.footerMasterKey = b.footerMasterKey;
    this.columnMasterKeys = Map.copyOf(b.columnMasterKeys);
    this.doubleWrapping = b.doubleWrapping;
    this.dataKeyBits = b.dataKeyBits;
  }

  /** @return a builder: {@code AES_GCM_V1}, an encrypted footer, no AAD prefix, no keys yet */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The keys that read what this writes, for a writer that reads its own files back (a lake's next stage): the footer
   * and column keys (explicit keys), the same KMS (the envelope: its key material is in the files), and the AAD prefix
   * when there is one (needed when it is not stored; checked against the stored one otherwise).
   *
   * @return the decryption of files written with this encryption
   */
  public FileDecryption decryption() {
    FileDecryption.Builder b = FileDecryption.builder();
    if (footerKey != null) {
      b.footerKey(footerKey);
    }
    columnKeys.forEach(b::columnKey);
    if (kms != null) {
      b.kms(kms);
    }
    if (aadPrefix != null) {
      b.aadPrefix(aadPrefix);
    }
    return b.build();
  }

  /** @return a builder holding these settings */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.algorithm = algorithm;
    b.encryptedFooter = encryptedFooter;
    b.aadPrefix = aadPrefix;
    b.aadPrefixStored = aadPrefixStored;
    b.footerKey = footerKey;
    b.footerKeyMetadata = footerKeyMetadata;
    b.columnKeys.putAll(columnKeys);
    b.columnKeyMetadata.putAll(columnKeyMetadata);
    b.kms = kms;
    b.footerMasterKey = footerMasterKey;
    b.columnMasterKeys.putAll(columnMasterKeys);
    b.doubleWrapping = doubleWrapping;
    b.dataKeyBits = dataKeyBits;
    return b;
  }

  /** @return the algorithm */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** @return whether the footer is encrypted ({@code false}: a plaintext footer, signed) */
  public boolean encryptedFooter() {
    return encryptedFooter;
  }

  /** @return a copy of the AAD prefix, or {@code null} */
  public byte @Nullable [] aadPrefix() {
    return aadPrefix == null ? null : aadPrefix.clone();
  }

  /** @return whether the AAD prefix (if any) is stored in the file; if not, readers supply it */
  public boolean aadPrefixStored() {
    return aadPrefixStored;
  }

  /** @return a copy of the explicit footer key, or {@code null} (the envelope way) */
  public byte @Nullable [] footerKey() {
    return footerKey == null ? null : footerKey.clone();
  }

  /** @return a copy of the explicit footer key's {@code key_metadata}, or {@code null} */
  public byte @Nullable [] footerKeyMetadata() {
    return footerKeyMetadata == null ? null : footerKeyMetadata.clone();
  }

  /**
   * @return the dotted paths of the columns encrypted with keys of their own (explicit or by master key), sorted;
   *     empty: every column is encrypted with the footer key
   */
  public Set<String> encryptedColumns() {
    Set<String> paths = new TreeSet<>(columnKeys.keySet());
    paths.addAll(columnMasterKeys.keySet());
    return java.util.Collections.unmodifiableSet(paths);
  }

  /**
   * @param path a column's dotted path
   * @return a copy of its explicit key, or {@code null}
   */
  public byte @Nullable [] columnKey(String path) {
    byte[] key = columnKeys.get(path);
    return key == null ? null : key.clone();
  }

  /**
   * @param path a column's dotted path
   * @return a copy of its explicit key's {@code key_metadata}, or {@code null}
   */
  public byte @Nullable [] columnKeyMetadata(String path) {
    byte[] metadata = columnKeyMetadata.get(path);
    return metadata == null ? null : metadata.clone();
  }

  /** @return the KMS of the envelope way, or {@code null} (explicit keys) */
  public @Nullable KmsClient kms() {
    return kms;
  }

  /** @return the id of the footer's master key (the envelope way), or {@code null} */
  public @Nullable String footerMasterKey() {
    return footerMasterKey;
  }

  /**
   * @param path a column's dotted path
   * @return the id of its master key (the envelope way), or {@code null}
   */
  public @Nullable String columnMasterKey(String path) {
    return columnMasterKeys.get(path);
  }

  /** @return whether the envelope wraps data keys twice (with a key-encryption key the KMS wraps) */
  public boolean doubleWrapping() {
    return doubleWrapping;
  }

  /** @return the bits of the data keys the envelope draws for each file */
  public int dataKeyBits() {
    return dataKeyBits;
  }

  @Override
  public String toString() {
    return "FileEncryption[" + algorithm + (encryptedFooter ? ", encrypted footer" : ", plaintext footer")
        + ", aadPrefix=" + (aadPrefix == null ? "none" : "(" + aadPrefix.length + " bytes, "
            + (aadPrefixStored ? "stored" : "not stored") + ")")
        + (kms == null ? ", footerKey=" + (footerKey == null ? "none" : "(redacted)") + ", columnKeys="
            + new TreeSet<>(columnKeys.keySet()) + " (redacted)"
            : ", kms, footerMasterKey=" + footerMasterKey + ", columnMasterKeys=" + new java.util.TreeMap<>(
                columnMasterKeys) + (doubleWrapping ? ", double wrapping" : ", single wrapping") + ", dataKeyBits="
                + dataKeyBits)
        + "]";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FileEncryption other) || algorithm != other.algorithm
        || encryptedFooter != other.encryptedFooter || aadPrefixStored != other.aadPrefixStored
        || doubleWrapping != other.doubleWrapping || dataKeyBits != other.dataKeyBits
        || !Arrays.equals(aadPrefix, other.aadPrefix) || !Arrays.equals(footerKey, other.footerKey)
        || !Arrays.equals(footerKeyMetadata, other.footerKeyMetadata) || !Objects.equals(kms, other.kms)
        || !Objects.equals(footerMasterKey, other.footerMasterKey)
        || !columnMasterKeys.equals(other.columnMasterKeys)) {
      return false;
    }
    return sameBytes(columnKeys, other.columnKeys) && sameBytes(columnKeyMetadata, other.columnKeyMetadata);
  }

  private static boolean sameBytes(Map<String, byte[]> a, Map<String, byte[]> b) {
    return a.keySet().equals(b.keySet()) && a.entrySet().stream()
        .allMatch(e -> Arrays.equals(e.getValue(), b.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, encryptedFooter, columnKeys.keySet(), kms, footerMasterKey, columnMasterKeys);
  }

  /** Builds a {@link FileEncryption}; not thread-safe. */
  public static final class Builder {
    private Algorithm algorithm = Algorithm.AES_GCM_V1;
    private boolean encryptedFooter = true;
    private byte @Nullable [] aadPrefix;
    private boolean aadPrefixStored = true;
    private byte @Nullable [] footerKey;
    private byte @Nullable [] footerKeyMetadata;
    private final Map<String, byte[]> columnKeys = new LinkedHashMap<>();
    private final Map<String, byte[]> columnKeyMetadata = new LinkedHashMap<>();
    private @Nullable KmsClient kms;
    private @Nullable String footerMasterKey;
    private final Map<String, String> columnMasterKeys = new LinkedHashMap<>();
    private boolean doubleWrapping = true;
    private int dataKeyBits = 128;

    private Builder() {}

    /**
     * @param algorithm the algorithm ({@link Algorithm#AES_GCM_V1} by default)
     * @return this builder
     */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * Leaves the footer in clear, signed with the footer key (by default it is encrypted): readers that know no
     * encryption read the schema and the columns in clear.
     *
     * @return this builder
     */
    public Builder plaintextFooter() {
      this.encryptedFooter = false;
      return this;
    }

    /**
     * @param prefix the AAD prefix, the file's identity (a table and partition, say): a reader given another
     *     refuses the file; copied
     * @return this builder
     */
    public Builder aadPrefix(byte[] prefix) {
      this.aadPrefix = Objects.requireNonNull(prefix, "prefix").clone();
      return this;
    }

    /**
     * @param stored whether the AAD prefix is stored in the file ({@code true} by default); if not, readers must
     *     supply it ({@link FileDecryption.Builder#aadPrefix})
     * @return this builder
     */
    public Builder storeAadPrefix(boolean stored) {
      this.aadPrefixStored = stored;
      return this;
    }

    /**
     * @param key the footer key, 16, 24 or 32 bytes; copied
     * @return this builder
     * @throws InvalidInputException if it is not 16, 24 or 32 bytes
     */
    public Builder footerKey(byte[] key) {
      this.footerKey = checked(key, "the footer key");
      return this;
    }

    /**
     * @param key the footer key, 16, 24 or 32 bytes; copied
     * @param keyMetadata stored in the file for a reader's {@link KeyRetriever} to find the key by (never the key
     *     itself); copied
     * @return this builder
     * @throws InvalidInputException if the key is not 16, 24 or 32 bytes
     */
    public Builder footerKey(byte[] key, byte[] keyMetadata) {
      footerKey(key);
      this.footerKeyMetadata = Objects.requireNonNull(keyMetadata, "keyMetadata").clone();
      return this;
    }

    /**
     * @param path the column's dotted path in the schema ({@code "a.b.c"}, a list's element {@code
     *     "ints.list.element"}, a map's {@code "m.key_value.key"})
     * @param key its key, 16, 24 or 32 bytes; copied
     * @return this builder
     * @throws InvalidInputException if it is not 16, 24 or 32 bytes
     */
    public Builder columnKey(String path, byte[] key) {
      columnKeys.put(Objects.requireNonNull(path, "path"), checked(key, "the key of column " + path));
      columnKeyMetadata.remove(path);
      return this;
    }

    /**
     * @param path the column's dotted path in the schema
     * @param key its key, 16, 24 or 32 bytes; copied
     * @param keyMetadata stored in the file for a reader's {@link KeyRetriever} to find the key by; copied
     * @return this builder
     * @throws InvalidInputException if the key is not 16, 24 or 32 bytes
     */
    public Builder columnKey(String path, byte[] key, byte[] keyMetadata) {
      columnKey(path, key);
      columnKeyMetadata.put(path, Objects.requireNonNull(keyMetadata, "keyMetadata").clone());
      return this;
    }

    /**
     * @param kms the host's KMS, which wraps each file's data keys with master keys (the envelope way)
     * @return this builder
     */
    public Builder kms(KmsClient kms) {
      this.kms = Objects.requireNonNull(kms, "kms");
      return this;
    }

    /**
     * @param masterKeyId the id of the master key that wraps the footer key (and that of the columns on it)
     * @return this builder
     */
    public Builder footerMasterKey(String masterKeyId) {
      this.footerMasterKey = Objects.requireNonNull(masterKeyId, "masterKeyId");
      return this;
    }

    /**
     * @param path the column's dotted path in the schema
     * @param masterKeyId the id of the master key that wraps the column's key
     * @return this builder
     */
    public Builder columnMasterKey(String path, String masterKeyId) {
      columnMasterKeys.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(masterKeyId, "masterKeyId"));
      return this;
    }

    /**
     * @param twice whether the envelope wraps data keys twice ({@code true}, the default of parquet-java and
     *     pyarrow) or each directly with the KMS
     * @return this builder
     */
    public Builder doubleWrapping(boolean twice) {
      this.doubleWrapping = twice;
      return this;
    }

    /**
     * @param bits the bits of the data keys the envelope draws: 128 (the default), 192 or 256
     * @return this builder
     * @throws InvalidInputException if not 128, 192 or 256
     */
    public Builder dataKeyBits(int bits) {
      if (bits != 128 && bits != 192 && bits != 256) {
        throw new InvalidInputException("data keys have 128, 192 or 256 bits, not " + bits);
      }
      this.dataKeyBits = bits;
      return this;
    }

    /**
     * @return the settings
     * @throws InvalidInputException if neither a footer key nor a KMS with a footer master key is given, or both
     *     explicit keys and a KMS, or master keys without a KMS, or an AAD prefix not stored that was not given
     */
    public FileEncryption build() {
      if (kms != null) {
        if (footerKey != null || !columnKeys.isEmpty()) {
          throw new InvalidInputException("give explicit keys or a KMS with master key ids, not both");
        }
        if (footerMasterKey == null) {
          throw new InvalidInputException("encrypting with a KMS needs the footer's master key id: footerMasterKey");
        }
      } else {
        if (footerMasterKey != null || !columnMasterKeys.isEmpty()) {
          throw new InvalidInputException("master key ids need a KMS to wrap the keys with: kms(client)");
        }
        if (footerKey == null) {
          throw new InvalidInputException("an encrypted file needs a footer key (footerKey) or a KMS (kms)");
        }
      }
      if (aadPrefix == null && !aadPrefixStored) {
        throw new InvalidInputException("storeAadPrefix(false) needs an AAD prefix (aadPrefix)");
      }
      return new FileEncryption(this);
    }

    private static byte[] checked(byte[] key, String what) {
      Objects.requireNonNull(key, what);
      if (key.length != 16 && key.length != 24 && key.length != 32) {
        throw new InvalidInputException(what + " has " + key.length + " bytes; an AES key has 16, 24 or 32");
      }
      return key.clone();
    }
  }
}
