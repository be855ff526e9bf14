package io.delpha.sdk.parquet.internal.crypto;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.KmsClient;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.crypto.ColumnEncryptionProperties;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.crypto.InternalFileEncryptor;
import org.apache.parquet.crypto.ParquetCipher;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * One file's encryption, for the writer: the keys of {@link FileEncryption} (explicit, or the envelope's fresh data
 * keys wrapped by the host's KMS into key material, {@link KeyWrapper}) made into parquet-java's {@link
 * InternalFileEncryptor}, which the writer's file and page stores (parquet-hadoop's {@code ParquetFileWriter} and
 * {@code ColumnChunkPageWriteStore}, the writer this library writes with) encrypt every module with: page headers and
 * pages with the AADs of their row group, column and data page ordinals, column metadata, column and offset indexes,
 * the footer (or its signature), {@code RowGroup.ordinal}, {@code ColumnCryptoMetaData}, the {@code PARE} magic. Its
 * nonces are drawn from a {@link SecureRandom}, a fresh one per module.
 */
public final class FileEncryptor {

  private FileEncryptor() {}

  /**
   * @param settings how to encrypt
   * @param schema the file's schema
   * @param destination the file written, for messages
   * @return the file's encryptor; with the envelope, holding data keys drawn for this file alone
   * @throws InvalidInputException if a column key names no leaf column of the schema
   * @throws io.delpha.sdk.core.DelphaException if the host's KMS fails to wrap a key
   */
  public static InternalFileEncryptor of(FileEncryption settings, MessageType schema, String destination) {
    Set<String> encrypted = settings.encryptedColumns();
    List<String> leaves = new ArrayList<>();
    for (ColumnDescriptor c : schema.getColumns()) {
      leaves.add(String.join(".", c.getPath()));
    }
    for (String path : encrypted) {
      if (!leaves.contains(path)) {
        throw new InvalidInputException("a key is given for column " + path + ", which " + destination + " does not "
            + "have: the columns are " + leaves + " (a nested column by its leaf's dotted path)");
      }
    }
    KmsClient kms = settings.kms();
    SecureRandom random = new SecureRandom();
    @Nullable KeyWrapper wrapper = kms == null ? null : new KeyWrapper(kms, settings.doubleWrapping(), random);
    byte[] footerKey;
    byte @Nullable [] footerMetadata;
    if (wrapper == null) {
      footerKey = required(settings.footerKey());
      footerMetadata = settings.footerKeyMetadata();
    } else {
      footerKey = dataKey(settings, random);
      footerMetadata = wrapper.keyMetadata(footerKey, required(settings.footerMasterKey()), true, "the footer key");
    }
    FileEncryptionProperties.Builder b = FileEncryptionProperties.builder(footerKey)
        .withAlgorithm(settings.algorithm() == FileEncryption.Algorithm.AES_GCM_CTR_V1 ? ParquetCipher.AES_GCM_CTR_V1
            : ParquetCipher.AES_GCM_V1);
    if (footerMetadata != null) {
      b.withFooterKeyMetadata(footerMetadata);
    }
    if (!settings.encryptedFooter()) {
      b.withPlaintextFooter();
    }
    byte[] prefix = settings.aadPrefix();
    if (prefix != null) {
      b.withAADPrefix(prefix);
      if (!settings.aadPrefixStored()) {
        b.withoutAADPrefixStorage();
      }
    }
    if (!encrypted.isEmpty()) {
      Map<ColumnPath, ColumnEncryptionProperties> columns = new HashMap<>();
      for (String path : encrypted) {
        ColumnPath column = ColumnPath.fromDotString(path);
        ColumnEncryptionProperties.Builder cb = ColumnEncryptionProperties.builder(column);
        if (wrapper == null) {
          cb.withKey(required(settings.columnKey(path)));
          byte[] metadata = settings.columnKeyMetadata(path);
          if (metadata != null) {
            cb.withKeyMetaData(metadata);
          }
        } else {
          byte[] key = dataKey(settings, random);
          cb.withKey(key).withKeyMetaData(wrapper.keyMetadata(key, required(settings.columnMasterKey(path)), false,
              "the key of column " + path));
        }
        columns.put(column, cb.build());
      }
      b.withEncryptedColumns(columns);
    }
    return new InternalFileEncryptor(b.build());
  }

  private static byte[] dataKey(FileEncryption settings, SecureRandom random) {
    byte[] key = new byte[settings.dataKeyBits() / 8];
    random.nextBytes(key);
    return key;
  }

  private static <T> T required(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("FileEncryption.build() ensures it is given");
    }
    return value;
  }
}
