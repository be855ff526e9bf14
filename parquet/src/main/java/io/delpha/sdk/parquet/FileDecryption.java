package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The keys to read files encrypted with Parquet modular encryption ({@code AES_GCM_V1}, {@code AES_GCM_CTR_V1}; an
 * encrypted or a signed plaintext footer), given in one of three ways, as parquet-java's {@code
 * FileDecryptionProperties} and pyarrow take them:
 * <ul>
 *   <li><b>explicit</b>: the footer key and the column keys by dotted column path ({@link Builder#footerKey}, {@link
 *       Builder#columnKey});</li>
 *   <li>a <b>key retriever</b> given each key's {@code key_metadata} ({@link Builder#keyRetriever});</li>
 *   <li>the <b>envelope</b> of parquet-java's key tools and pyarrow's {@code CryptoFactory}: key material (JSON) in
 *       each {@code key_metadata} or in a {@code _KEY_MATERIAL_FOR_<file>.json} file beside the file, its keys wrapped
 *       once or twice by master keys of the host's {@link KmsClient} ({@link Builder#kms}).</li>
 * </ul>
 * An explicit key wins over the retriever and the KMS. A column whose key is not found can be left out of the read
 * ({@link ReadOptions#skipping}); reading it fails. Keys of 128, 192 or 256 bits.
 *
 * <p>The AAD prefix: a file that stores its own is checked against a supplied one ({@link Builder#aadPrefix}); a file
 * written with {@code disable_aad_storage} needs one supplied. Immutable and thread-safe; keys are copied in and out
 * and never shown by {@link #toString()} or in an exception's message.
 *
 * <pre>{@code
 * FileDecryption keys = FileDecryption.builder()
 *     .footerKey(footerKey)
 *     .columnKey("customer.ssn", ssnKey)
 *     .build();
 * try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().withDecryption(keys))) { ... }
 * }</pre>
 */
public final class FileDecryption {

  private final byte @Nullable [] footerKey;
  private final Map<String, byte[]> columnKeys;
  private final @Nullable KeyRetriever keyRetriever;
  private final @Nullable KmsClient kms;
  private final @Nullable Path keyMaterialFile;
  private final byte @Nullable [] aadPrefix;

  private FileDecryption(Builder b) {
    this.footerKey = b.footerKey;
    this.columnKeys = Map.copyOf(b.columnKeys);
    this.keyRetriever = b.keyRetriever;
    this.kms = b.kms;
    this.keyMaterialFile = b.keyMaterialFile;
    this.aadPrefix = b.aadPrefix;
  }

  /** @return a builder of no keys */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding these settings */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.footerKey = footerKey;
    b.columnKeys.putAll(columnKeys);
    b.keyRetriever = keyRetriever;
    b.kms = kms;
    b.keyMaterialFile = keyMaterialFile;
    b.aadPrefix = aadPrefix;
    return b;
  }

  /** @return a copy of the explicit footer key, or {@code null} */
  public byte @Nullable [] footerKey() {
    return footerKey == null ? null : footerKey.clone();
  }

  /**
   * @param path a column's dotted path ({@code "a.b.c"})
   * @return a copy of its explicit key, or {@code null}
   */
  public byte @Nullable [] columnKey(String path) {
    byte[] key = columnKeys.get(path);
    return key == null ? null : key.clone();
  }

  /** @return the key retriever, or {@code null} */
  public @Nullable KeyRetriever keyRetriever() {
    return keyRetriever;
  }

  /** @return the KMS of the envelope way, or {@code null} */
  public @Nullable KmsClient kms() {
    return kms;
  }

  /**
   * @return the external key material file to use, or {@code null}: then a file read from a local path finds its own
   *     {@code _KEY_MATERIAL_FOR_<file name>.json} beside it
   */
  public @Nullable Path keyMaterialFile() {
    return keyMaterialFile;
  }

  /** @return a copy of the supplied AAD prefix, or {@code null} */
  public byte @Nullable [] aadPrefix() {
    return aadPrefix == null ? null : aadPrefix.clone();
  }

  @Override
  public String toString() {
    return "FileDecryption[footerKey=" + (footerKey == null ? "none" : "(redacted)") + ", columnKeys="
        + columnKeys.keySet().stream().sorted().toList() + " (redacted), keyRetriever=" + (keyRetriever != null)
        + ", kms=" + (kms != null) + ", keyMaterialFile=" + keyMaterialFile + ", aadPrefix="
        + (aadPrefix == null ? "none" : "(" + aadPrefix.length + " bytes)") + "]";
  }

  /** Builds a {@link FileDecryption}; not thread-safe. */
  public static final class Builder {
    private byte @Nullable [] footerKey;
    private final Map<String, byte[]> columnKeys = new LinkedHashMap<>();
    private @Nullable KeyRetriever keyRetriever;
    private @Nullable KmsClient kms;
    private @Nullable Path keyMaterialFile;
    private byte @Nullable [] aadPrefix;

    private Builder() {}

    /**
     * @param key the footer key (that of the footer and of the columns encrypted with it), 16, 24 or 32 bytes; copied
     * @return this builder
     * @throws InvalidInputException if it is not 16, 24 or 32 bytes
     */
    public Builder footerKey(byte[] key) {
      this.footerKey = checked(key, "the footer key");
      return this;
    }

    /**
     * @param path the column's dotted path in the schema ({@code "a.b.c"}, a list's element {@code
     *     "ints.list.element"})
     * @param key its key, 16, 24 or 32 bytes; copied
     * @return this builder
     * @throws InvalidInputException if it is not 16, 24 or 32 bytes
     */
    public Builder columnKey(String path, byte[] key) {
      columnKeys.put(Objects.requireNonNull(path, "path"), checked(key, "the key of column " + path));
      return this;
    }

    /**
     * @param retriever finds the keys not given explicitly from their {@code key_metadata}
     * @return this builder
     */
    public Builder keyRetriever(KeyRetriever retriever) {
      this.keyRetriever = Objects.requireNonNull(retriever, "retriever");
      return this;
    }

    /**
     * @param kms the host's KMS, which unwraps the keys of envelope key material
     * @return this builder
     */
    public Builder kms(KmsClient kms) {
      this.kms = Objects.requireNonNull(kms, "kms");
      return this;
    }

    /**
     * @param file the {@code _KEY_MATERIAL_FOR_...json} file of a file whose key material is stored outside it, for a
     *     file read from elsewhere than its own folder (an object store's copy, bytes in memory)
     * @return this builder
     */
    public Builder keyMaterialFile(Path file) {
      this.keyMaterialFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * @param prefix the AAD prefix the file was written with (its identity: a table and partition, say); needed for a
     *     file that does not store it, checked against a file that does; copied
     * @return this builder
     */
    public Builder aadPrefix(byte[] prefix) {
      this.aadPrefix = Objects.requireNonNull(prefix, "prefix").clone();
      return this;
    }

    /**
     * @return the settings
     * @throws InvalidInputException if both a key retriever and a KMS are given (one finds the keys of
     *     {@code key_metadata}: the host's retriever or the envelope's)
     */
    public FileDecryption build() {
      if (keyRetriever != null && kms != null) {
        throw new InvalidInputException("give a key retriever or a KMS, not both: each reads the files' key_metadata");
      }
      return new FileDecryption(this);
    }

    private static byte[] checked(byte[] key, String what) {
      Objects.requireNonNull(key, what);
      if (key.length != 16 && key.length != 24 && key.length != 32) {
        throw new InvalidInputException(what + " has " + key.length + " bytes; an AES key has 16, 24 or 32");
      }
      return key.clone();
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FileDecryption other) || !Arrays.equals(footerKey, other.footerKey)
        || !Arrays.equals(aadPrefix, other.aadPrefix) || !columnKeys.keySet().equals(other.columnKeys.keySet())
        || !Objects.equals(keyRetriever, other.keyRetriever) || !Objects.equals(kms, other.kms)
        || !Objects.equals(keyMaterialFile, other.keyMaterialFile)) {
      return false;
    }
    return columnKeys.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.columnKeys.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return Objects.hash(columnKeys.keySet(), keyRetriever, kms, keyMaterialFile);
  }
}
