package io.delpha.sdk.aws;

import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.aws.internal.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.parquet.KmsClient;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AWS KMS as the {@link KmsClient} of Parquet's envelope encryption ({@link
 * io.delpha.sdk.parquet.FileEncryption.Builder#kms}, {@link io.delpha.sdk.parquet.FileDecryption.Builder#kms}), on the
 * AWS SDK v2: a key is wrapped by KMS {@code Encrypt} under the master key (a KMS key's id, ARN, alias name or alias
 * ARN) and unwrapped by {@code Decrypt} naming the same master key, so a wrapped key of another KMS key is refused
 * rather than decrypted. The wrapped key stored in the file's key material is the base64 of KMS's ciphertext blob, as
 * parquet-java's own KMS clients store it. The master key never leaves KMS; the data keys travel in the calls' bodies
 * (HTTPS at AWS's own endpoints).
 *
 * <pre>{@code
 * try (AwsKmsClient kms = AwsKmsClient.builder().region("eu-west-2").build()) {
 *   FileEncryption keys = FileEncryption.builder().kms(kms)
 *       .footerMasterKey("arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab").build();
 *   try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withEncryption(keys))) { ... }
 *   try (RowReader r = ParquetRows.read(file, ReadOptions.defaults()
 *       .withDecryption(FileDecryption.builder().kms(kms).build()))) { ... }
 * }
 * }</pre>
 *
 * <p>An encryption context ({@link Builder#encryptionContext}) is bound to every wrapped key: KMS decrypts only with
 * the same context, and CloudTrail records it. With double wrapping (the default) the writer calls KMS once per master
 * key and file, the reader once per master key and key-encryption key; with single wrapping once per data key.
 *
 * <p>Errors, typed: an unknown key is {@link NotFoundException}; a disabled key, or one pending deletion or import, is
 * {@link ConflictException}; a wrapped key that this master key did not wrap (another key's, another context's, or
 * damaged) is {@link DataFormatException}; a key that cannot encrypt (asymmetric, for signing) is {@link
 * InvalidInputException}; a missing {@code kms:Encrypt} or {@code kms:Decrypt} permission is {@link
 * AccessDeniedException}; refused credentials are {@link AuthenticationException}; throttling that outlasts the SDK's
 * retries is {@link RateLimitedException}; an unreachable or failing KMS is {@link ServiceUnavailableException}. No
 * message names a key's bytes, plain or wrapped.
 *
 * <p>Thread-safe: Parquet readers may call it from several threads at once. Close it to release a client it built; a
 * client given to the builder stays open.
 */
public final class AwsKmsClient implements KmsClient, AutoCloseable {

  private final AwsClients.Owned<software.amazon.awssdk.services.kms.KmsClient> kms;
  private final Map<String, String> context;
  private final String description;
  private final ClosedGuard guard = new ClosedGuard("this AwsKmsClient");

  private AwsKmsClient(AwsClients.Owned<software.amazon.awssdk.services.kms.KmsClient> kms,
      Map<String, String> context, String description) {
    this.kms = kms;
    this.context = context;
    this.description = description;
  }

  /**
   * @return a builder
   * @throws io.delpha.sdk.core.MissingDependencyException if the AWS SDK's KMS client is not on the class path
   */
  public static Builder builder() {
    Capability.require("AwsKmsClient", "aws-kms");
    return new Builder();
  }

  /**
   * Wraps a key with KMS {@code Encrypt} under a master key.
   *
   * @param key the key to wrap (1 to 4096 bytes, as KMS takes)
   * @param masterKeyId a KMS key id, key ARN, alias name ({@code alias/...}) or alias ARN
   * @return the base64 of the ciphertext blob KMS returns
   * @throws InvalidInputException if the key is empty or the master key id blank, or the key cannot encrypt
   * @throws NotFoundException if KMS has no such key
   * @throws ConflictException if the key is disabled or pending deletion
   * @throws AccessDeniedException if the credentials may not use {@code kms:Encrypt} on the key
   * @throws RateLimitedException if KMS keeps throttling
   * @throws ServiceUnavailableException if KMS cannot be reached or fails
   * @throws ClosedException once this client is closed
   */
  @Override
  public String wrapKey(byte[] key, String masterKeyId) {
    guard.check();
    Objects.requireNonNull(key, "key");
    String id = masterKey(masterKeyId);
    if (key.length == 0) {
      throw new InvalidInputException("an empty key cannot be wrapped with KMS key '" + id + "'");
    }
    SdkBytes plaintext = SdkBytes.fromByteArray(key);
    try {
      SdkBytes wrapped = kms.client().encrypt(r -> {
        r.keyId(id).plaintext(plaintext);
        if (!context.isEmpty()) {
          r.encryptionContext(context);
        }
      }).ciphertextBlob();
      return Base64.getEncoder().encodeToString(wrapped.asByteArrayUnsafe());
    } catch (RuntimeException e) {
      throw AwsErrors.isSdk(e) ? map(e, "wrap a key with KMS key '" + id + "'", id) : e;
    }
  }

  /**
   * Unwraps a key with KMS {@code Decrypt}, naming the master key, so a key another KMS key wrapped is refused.
   *
   * @param wrappedKey the base64 of a ciphertext blob, as {@link #wrapKey} returns it
   * @param masterKeyId the master key it was wrapped with
   * @return the key
   * @throws DataFormatException if the wrapped key is not base64, or this master key (with this encryption context)
   *     did not wrap it
   * @throws NotFoundException if KMS has no such key
   * @throws ConflictException if the key is disabled or pending deletion
   * @throws AccessDeniedException if the credentials may not use {@code kms:Decrypt} on the key
   * @throws RateLimitedException if KMS keeps throttling
   * @throws ServiceUnavailableException if KMS cannot be reached or fails
   * @throws ClosedException once this client is closed
   */
  @Override
  public byte[] unwrapKey(String wrappedKey, String masterKeyId) {
    guard.check();
    Objects.requireNonNull(wrappedKey, "wrappedKey");
    String id = masterKey(masterKeyId);
    SdkBytes blob;
    try {
      blob = SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(wrappedKey));
    } catch (IllegalArgumentException e) {
      throw new DataFormatException("a key wrapped with KMS key '" + id + "' is not base64: the key material is "
          + "damaged or not a KMS ciphertext blob");
    }
    try {
      return kms.client().decrypt(r -> {
        r.keyId(id).ciphertextBlob(blob);
        if (!context.isEmpty()) {
          r.encryptionContext(context);
        }
      }).plaintext().asByteArray();
    } catch (RuntimeException e) {
      throw AwsErrors.isSdk(e) ? map(e, "unwrap a key with KMS key '" + id + "'", id) : e;
    }
  }

  private static String masterKey(String masterKeyId) {
    Objects.requireNonNull(masterKeyId, "masterKeyId");
    if (masterKeyId.isBlank()) {
      throw new InvalidInputException("a KMS master key id must not be blank: give a key id, key ARN or alias");
    }
    return masterKeyId;
  }

  /** {@code e} typed as {@code RuntimeException}, so this class links without the AWS SDK ({@link AwsErrors#isSdk}). */
  private static DelphaException map(RuntimeException e, String action, String id) {
    return AwsErrors.map((SdkException) e, "KMS", action, (refused, code, what) -> switch (code) {
      case "NotFoundException" -> new NotFoundException(what + "; check the key id, its region and account", e);
      case "DisabledException", "KMSInvalidStateException" -> new ConflictException(what + "; KMS key '" + id
          + "' is disabled, pending deletion or pending import: enable it or use another", e);
      case "InvalidCiphertextException", "IncorrectKeyException" -> new DataFormatException(what + "; the wrapped key "
          + "was not wrapped by this master key (with this encryption context), or is damaged", e);
      case "InvalidKeyUsageException" -> new InvalidInputException(what + "; KMS key '" + id + "' is not a symmetric "
          + "key for encryption (KeyUsage ENCRYPT_DECRYPT)", e);
      case "AccessDeniedException" -> new AccessDeniedException(what + "; grant kms:Encrypt and kms:Decrypt on the "
          + "key to the AWS identity", e);
      default -> null;
    });
  }

  /** Closes the KMS client if this client built it. Idempotent; afterwards each call throws {@link ClosedException}. */
  @Override
  public void close() {
    if (guard.close()) {
      kms.close();
    }
  }

  @Override
  public String toString() {
    return "AwsKmsClient[" + description + (context.isEmpty() ? "" : ", encryptionContext=" + context.keySet()) + "]";
  }

  /** Builds an {@link AwsKmsClient}; every setting is optional. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private AwsClientSettings aws = AwsClientSettings.defaults();
    private software.amazon.awssdk.services.kms.@Nullable KmsClient client;
    private Map<String, String> context = Map.of();

    private Builder() {}

    @Override
    public Builder aws(AwsClientSettings settings) {
      this.aws = Objects.requireNonNull(settings, "settings");
      return this;
    }

    @Override
    public AwsClientSettings aws() {
      return aws;
    }

    /**
     * Uses an existing KMS client, which {@link AwsKmsClient#close()} leaves open; the other connection settings are
     * then ignored.
     *
     * @param client a client the caller owns
     * @return this builder
     */
    public Builder client(software.amazon.awssdk.services.kms.KmsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The encryption context (KMS's additional authenticated data) bound to every key this client wraps: unwrapping
     * needs the same one. Not secret: CloudTrail logs it.
     *
     * @param context names and values, e.g. {@code Map.of("lake", "customers")}; empty for none (the default)
     * @return this builder
     */
    public Builder encryptionContext(Map<String, String> context) {
      this.context = Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(Objects.requireNonNull(context,
          "context"))));
      return this;
    }

    /**
     * @return the client
     * @throws InvalidInputException if the SDK cannot build the KMS client (no region anywhere)
     */
    public AwsKmsClient build() {
      Capability.require("AwsKmsClient", "aws-kms");
      AwsClientSettings settings = aws;
      AwsClients.Owned<software.amazon.awssdk.services.kms.KmsClient> kms = AwsClients.givenOrBuilt(client,
          () -> AwsClients.configure(software.amazon.awssdk.services.kms.KmsClient.builder(), settings).build(),
          "KMS");
      return new AwsKmsClient(kms, context, kms.owned() ? settings.toString() : "caller's client");
    }
  }
}
