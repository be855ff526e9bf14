package io.delpha.sdk.aws;

import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.core.storage.ObjectStoreContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.S3Server;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

@DisplayName("S3ObjectStore on a real S3 server")
class S3ObjectStoreTest extends ObjectStoreContract {

  static final S3Server S3 = S3Server.shared();
  String bucket;

  @Override
  protected ObjectStore newStore() {
    bucket = S3.createBucket("contract");
    return storeFor(S3, bucket, S3.secretKey());
  }

  static S3ObjectStore storeFor(S3Server server, String bucket, String secretKey) {
    return S3ObjectStore.builder()
        .bucket(bucket).region(S3Server.REGION)
        .credentials(server.accessKey(), secretKey)
        .endpointOverride(server.endpoint())
        .partSize(5L * 1024 * 1024)
        .listPageSize(10)
        .build();
  }

  @Override
  protected void simulateCrashedWrite(String key) {
    try (S3Client client = S3.client()) {
      String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
      client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
          RequestBody.fromBytes(randomBytes(5 * 1024 * 1024, 4)));
    }
  }

  @Test
  @DisplayName("a wrong secret key is AuthenticationException that never shows the secret")
  void wrongSecret() {
    String wrong = "wrong-" + S3.secretKey();
    try (ObjectStore bad = storeFor(S3, bucket, wrong)) {
      assertThatThrownBy(() -> bad.put("x.txt", utf8("x")))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining(bucket)
          .satisfies(e -> assertThat(stackText(e)).doesNotContain(wrong).doesNotContain(S3.secretKey()));
      assertThatThrownBy(() -> bad.list("").toList()).isInstanceOf(AuthenticationException.class);
      assertThatThrownBy(() -> bad.exists("x.txt")).isInstanceOf(AuthenticationException.class);
    }
    assertThat(store.exists("x.txt")).isFalse();
  }

  @Test
  @DisplayName("a server that is down is ServiceUnavailableException; after it comes back a re-run succeeds")
  void serverDown() {
    S3Server server = S3Server.startNew();
    String b = server.createBucket("outage");
    try (ObjectStore s = storeFor(server, b, server.secretKey())) {
      s.put("before.txt", utf8("1"));
      server.stop();
      assertThatThrownBy(() -> s.put("during.txt", utf8("2")))
          .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("s3://" + b);
      assertThatThrownBy(() -> s.get("before.txt")).isInstanceOf(ServiceUnavailableException.class);
      assertThatThrownBy(() -> s.list("").toList()).isInstanceOf(ServiceUnavailableException.class);
      server.start();
      s.putIfAbsent("during.txt", utf8("2"));
      assertThat(s.list("").toList()).containsExactly("before.txt", "during.txt");
    } finally {
      server.stop();
    }
  }

  @Test
  @DisplayName("a missing bucket is NotFoundException naming it")
  void missingBucket() {
    try (ObjectStore s = storeFor(S3, "no-such-bucket-" + System.nanoTime(), S3.secretKey())) {
      assertThatThrownBy(() -> s.put("x.txt", utf8("x")))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-bucket");
    }
  }

  @Test
  @DisplayName("a store built around the caller's client leaves it open on close")
  void callerOwnsClient() {
    try (S3Client client = S3.client()) {
      S3ObjectStore s = S3ObjectStore.builder().bucket(bucket).client(client).build();
      s.put("shared.txt", utf8("x"));
      s.close();
      assertThat(client.headObject(h -> h.bucket(bucket).key("shared.txt")).contentLength()).isEqualTo(1L);
    }
  }

  private static String stackText(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
