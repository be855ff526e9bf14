package io.delpha.sdk.aws;

import io.delpha.sdk.core.storage.ObjectInfo;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.aws.internal.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.core.storage.internal.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} over one S3 bucket (AWS or any S3-compatible server), on the AWS SDK v2.
 *
 * <pre>{@code
 * ObjectStore lake = S3ObjectStore.builder()
 *     .bucket("ingestion-zone").region("eu-west-2")
 *     .credentials(accessKeyId, secretAccessKey)                // optional: default AWS chain otherwise
 *     .endpointOverride(URI.create("http://127.0.0.1:9000"))    // optional: S3-compatible servers
 *     .build();
 * }</pre>
 *
 * <p>Content is streamed: a put reads at most one part ({@link Builder#partSize(long)}, 8 MiB by
 * default) into memory; longer or unknown-length content goes up as a multipart upload, aborted if
 * anything fails, so a failed put leaves nothing under the key. {@link #putIfAbsent} checks the key
 * first (so a conflict costs no upload) and then writes with {@code If-None-Match: *}, which S3 enforces
 * atomically; servers that ignore that header get the check alone (a best effort that two racing
 * writers can both pass). Listings are fetched page by page as the stream is consumed.
 *
 * <p>Errors: connection failures and 5xx are {@link ServiceUnavailableException}; an unknown access
 * key or a wrong secret is {@link AuthenticationException}; other 403s are {@link
 * AccessDeniedException}; a missing key or bucket is {@link NotFoundException}. Messages name the
 * bucket and key, never a credential.
 */
public final class S3ObjectStore implements ObjectStore {

  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
  private static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  private final S3Client s3;
  private final AwsClients.Owned<S3Client> owned;
  private final String bucket;
  private final int partSize;
  private final int pageSize;
  private final ClosedGuard guard = new ClosedGuard("this S3ObjectStore");

  private S3ObjectStore(AwsClients.Owned<S3Client> s3, String bucket, int partSize, int pageSize) {
    this.s3 = s3.client();
    this.owned = s3;
    this.bucket = bucket;
    this.partSize = partSize;
    this.pageSize = pageSize;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    Capability.require("S3ObjectStore", "aws-s3");
    return new Builder();
  }

  /**
   * @return the bucket's name
   */
  public String bucket() {
    guard.check();
    return bucket;
  }

  @Override
  public void put(String key, InputStream content, long length) {
    guard.check();
    upload(Keys.requireKey(key), content, length, false);
  }

  @Override
  public void put(String key, Path file) {
    guard.check();
    uploadFile(Keys.requireKey(key), file, false);
  }

  @Override
  public void putIfAbsent(String key, InputStream content, long length) {
    guard.check();
    Keys.requireKey(key);
    failIfExists(key);
    upload(key, content, length, true);
  }

  @Override
  public void putIfAbsent(String key, Path file) {
    guard.check();
    Keys.requireKey(key);
    failIfExists(key);
    uploadFile(key, file, true);
  }

  @Override
  public InputStream get(String key) {
    guard.check();
    Keys.requireKey(key);
    return call("read", key, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
  }

  @Override
  public byte[] getBytes(String key) {
    guard.check();
    Keys.requireKey(key);
    return call("read", key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
  }

  @Override
  public boolean exists(String key) {
    guard.check();
    return stat(key).isPresent();
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    guard.check();
    Keys.requireKey(key);
    try {
      HeadObjectResponse head = call("stat", key, () -> s3.headObject(b -> b.bucket(bucket).key(key)));
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    } catch (NotFoundException e) {
      if (e.getCause() instanceof NoSuchBucketException) {
        throw e;
      }
      return Optional.empty();
    } catch (AccessDeniedException e) {
      throw diagnoseHeadDenied(key, e);
    }
  }

  /**
   * A HEAD response has no body, so a 403 to it does not say whether the credentials are wrong or
   * merely lack a permission: a one-byte GET does, and becomes the error reported.
   */
  private DelphaException diagnoseHeadDenied(String key, AccessDeniedException headError) {
    try {
      call("stat", key, () -> {
        s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=0-0")).abort();
        return null;
      });
      return headError;
    } catch (DelphaException e) {
      return e instanceof NotFoundException ? headError : e;
    }
  }

  @Override
  public Stream<String> list(String prefix) {
    guard.check();
    Keys.requirePrefix(prefix);
    Iterator<S3Object> objects = call("list", prefix + "*",
        () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(pageSize)).contents().iterator());
    Iterator<String> keys = new Iterator<>() {
      @Override
      public boolean hasNext() {
        guard.check();
        return call("list", prefix + "*", objects::hasNext);
      }

      @Override
      public String next() {
        guard.check();
        return call("list", prefix + "*", objects::next).key();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(
        keys, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
  }

  @Override
  public List<String> listFolders(String prefix) {
    guard.check();
    Keys.requirePrefix(prefix);
    return call("list folders of", prefix, () -> {
      List<String> folders = new ArrayList<>();
      for (CommonPrefix p : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/").maxKeys(pageSize)).commonPrefixes()) {
        folders.add(p.prefix());
      }
      folders.sort(null);
      return folders;
    });
  }

  @Override
  public void delete(String key) {
    guard.check();
    Keys.requireKey(key);
    call("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
  }

  @Override
  public void move(String from, String to) {
    guard.check();
    Keys.requireKey(from);
    Keys.requireKey(to);
    call("copy to " + to + " from", from, () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(from)
        .destinationBucket(bucket).destinationKey(to)));
    call("delete", from, () -> s3.deleteObject(b -> b.bucket(bucket).key(from)));
  }

  @Override
  public String describe() {
    guard.check();
    return location();
  }

  /** What {@link #describe()} says, for messages: this store's address, closed or not. */
  private String location() {
    return "s3://" + bucket;
  }

  /** An S3 object is never a local file: empty, once the closed check has passed. */
  @Override
  public Optional<Path> localFile(String key) {
    guard.check();
    return Optional.empty();
  }

  /** Closes the S3 client if this store built it. Idempotent; afterwards every call throws {@link ClosedException}. */
  @Override
  public void close() {
    if (guard.close()) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[s3://" + bucket + "]";
  }

  private void failIfExists(String key) {
    if (exists(key)) {
      throw conflict(key, null);
    }
  }

  private void uploadFile(String key, Path file, boolean ifAbsent) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read file " + file + " to upload to " + location() + "/" + key, e);
    }
    if (size <= partSize) {
      call("write", key, () -> s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch(ifAbsent ? "*" : null),
          RequestBody.fromFile(file)));
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      upload(key, in, size, ifAbsent);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read file " + file + " to upload to " + location() + "/" + key, e);
    }
  }

  /** One put for content shorter than a part, else a multipart upload, aborted on any failure. */
  private void upload(String key, InputStream content, long length, boolean ifAbsent) {
    byte[] buffer = new byte[partSize];
    int first = fill(content, buffer, key);
    if (first < partSize) {
      checkLength(key, length, first);
      byte[] body = java.util.Arrays.copyOf(buffer, first);
      call("write", key, () -> s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch(ifAbsent ? "*" : null),
          RequestBody.fromBytes(body)));
      return;
    }
    String uploadId = call("start multipart upload of", key,
        () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      int count = first;
      while (count > 0) {
        int partNumber = parts.size() + 1;
        RequestBody body = RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, count));
        String etag = call("upload part " + partNumber + " of", key, () -> s3.uploadPart(
            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber), body).eTag());
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        total += count;
        count = count < partSize ? 0 : fill(content, buffer, key);
      }
      checkLength(key, length, total);
      call("complete multipart upload of", key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
          .uploadId(uploadId).ifNoneMatch(ifAbsent ? "*" : null).multipartUpload(m -> m.parts(parts))));
      completed = true;
    } finally {
      if (!completed) {
        abort(key, uploadId);
      }
    }
  }

  private void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      if (!AwsErrors.isSdk(e)) {
        throw e;
      }
      log.warn("could not abort multipart upload of {}/{} (the bucket's lifecycle rules will expire it): {}",
          location(), key, e.getMessage());
    }
  }

  private int fill(InputStream in, byte[] buffer, String key) {
    try {
      return in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      throw new DelphaException("reading the content for " + location() + "/" + key + " failed; nothing was written", e);
    }
  }

  private void checkLength(String key, long expected, long actual) {
    if (expected >= 0 && expected != actual) {
      throw new InvalidInputException("content for " + location() + "/" + key + " was " + actual
          + " bytes, but the caller announced " + expected + "; nothing was written");
    }
  }

  private <T> T call(String operation, String key, Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw AwsErrors.isSdk(e) ? translate(operation, key, e) : e;
    }
  }

  private DelphaException translate(String operation, String key, RuntimeException e) {
    return AwsErrors.map((SdkException) e, "S3", operation + " " + location() + "/" + key, (refused, code, what) -> {
      if (refused instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
        return new NotFoundException("bucket " + bucket + " does not exist (" + operation + " " + key + ")", e);
      }
      if (refused instanceof NoSuchKeyException || refused.statusCode() == 404) {
        return new NotFoundException("no object " + key + " in " + location(), e);
      }
      if (refused.statusCode() == 412 || refused.statusCode() == 409 && "ConditionalRequestConflict".equals(code)) {
        return conflict(key, e);
      }
      return null;
    });
  }

  private ConflictException conflict(String key, @Nullable Exception cause) {
    return new ConflictException("object " + key + " already exists in " + location()
        + " and this zone is write-once; it was left untouched", cause);
  }

  /** Builds an {@link S3ObjectStore}; only {@link #bucket(String)} is required. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private @Nullable String bucket;
    private AwsClientSettings aws = AwsClientSettings.defaults();
    private @Nullable S3Client client;
    private long partSize = 8L * 1024 * 1024;
    private int pageSize = 1000;

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
     * @param bucket the bucket holding the objects
     * @return this builder
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      this.bucket = bucket;
      return this;
    }

    /**
     * Uses an existing client instead of building one; region, credentials and endpoint are then
     * ignored, and {@link S3ObjectStore#close()} leaves the client open.
     *
     * @param client a client the caller owns
     * @return this builder
     */
    public Builder client(@Nullable S3Client client) {
      this.client = client;
      return this;
    }

    /**
     * @param bytes the multipart part size and the most a put holds in memory; at least 5 MiB
     *     (S3's minimum), 8 MiB by default
     * @return this builder
     */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException("partSize must be between 5 MiB and 2 GiB, was " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * @param keys how many keys one listing request asks for, 1 to 1000 (S3's maximum and the default)
     * @return this builder
     */
    public Builder listPageSize(int keys) {
      if (keys < 1 || keys > 1000) {
        throw new InvalidInputException("listPageSize must be 1 to 1000, was " + keys);
      }
      this.pageSize = keys;
      return this;
    }

    /**
     * @return the store
     * @throws InvalidInputException if no bucket was given
     */
    public S3ObjectStore build() {
      Capability.require("S3ObjectStore", "aws-s3");
      if (bucket == null || bucket.isBlank()) {
        throw new InvalidInputException("an S3 object store needs a bucket");
      }
      AwsClientSettings settings = aws;
      AwsClients.Owned<S3Client> s3 = AwsClients.givenOrBuilt(client, () -> AwsClients.configure(S3Client.builder(),
          settings).forcePathStyle(settings.endpointOverride() != null).build(), "S3 (bucket " + bucket + ")");
      return new S3ObjectStore(s3, bucket, (int) partSize, pageSize);
    }
  }
}
