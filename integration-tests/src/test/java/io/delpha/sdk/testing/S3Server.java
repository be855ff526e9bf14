package io.delpha.sdk.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server (s3proxy, in-process, filesystem-backed under {@code target/test-servers/}) on a
 * free loopback port, with AWS v4 signatures checked against {@link #accessKey()} / {@link
 * #secretKey()}.
 *
 * <pre>{@code
 * S3Server s3 = S3Server.shared();                 // once per JVM, stopped at exit
 * String bucket = s3.createBucket("lake");         // a fresh, uniquely named bucket
 * S3ObjectStore.builder().bucket(bucket).region(S3Server.REGION)
 *     .credentials(s3.accessKey(), s3.secretKey()).endpointOverride(s3.endpoint()).build();
 * }</pre>
 *
 * <p>{@link #startNew()} gives a private server a test may {@link #stop()} and {@link #start()} again
 * (same port, same data) to simulate an outage.
 */
public final class S3Server implements AutoCloseable {

  /** The region clients should use. */
  public static final String REGION = "us-east-1";

  private static final class Shared {
    static final S3Server INSTANCE = startNew();
  }

  private final Path dataDir;
  private final int port;
  private final String accessKey = "AKIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
  private final String secretKey = UUID.randomUUID().toString().replace("-", "");
  private S3Proxy proxy;

  private S3Server(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /**
   * @return the server shared by every test of this JVM
   */
  public static S3Server shared() {
    return Shared.INSTANCE;
  }

  /**
   * @return a new private server, started; stopped at JVM exit
   */
  public static S3Server startNew() {
    Path dir = ServerSupport.workDir("s3-" + UUID.randomUUID().toString().substring(0, 8));
    S3Server server = new S3Server(dir, ServerSupport.freePort());
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3-server-stop"));
    return server;
  }

  /** Starts (or restarts) the server on its port, keeping its data. */
  public synchronized void start() {
    if (proxy != null) {
      return;
    }
    S3Proxy p = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dataDir.toString()))
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .build();
    try {
      p.start();
      ServerSupport.await("s3proxy to start", java.time.Duration.ofSeconds(30),
          () -> "STARTED".equals(p.getState()));
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start on port " + port, e);
    }
    proxy = p;
  }

  /** Stops the server; clients get connection refused until {@link #start()}. */
  public synchronized void stop() {
    if (proxy == null) {
      return;
    }
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    } finally {
      proxy = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * @return the endpoint, e.g. {@code http://127.0.0.1:41234}
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * @return the access key id the server accepts
   */
  public String accessKey() {
    return accessKey;
  }

  /**
   * @return the secret access key the server accepts
   */
  public String secretKey() {
    return secretKey;
  }

  /**
   * @return a new S3 client for this server (path style); the caller closes it
   */
  public S3Client client() {
    return S3Client.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  /**
   * Creates a bucket with a unique name derived from the prefix.
   *
   * @param prefix the start of the name, lower case
   * @return the bucket's name
   */
  public String createBucket(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (S3Client c = client()) {
      c.createBucket(b -> b.bucket(name));
    }
    return name;
  }
}
