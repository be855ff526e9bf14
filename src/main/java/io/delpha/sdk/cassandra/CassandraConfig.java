package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The settings a {@link CassandraManager} was built with. Immutable; {@link #toString()} never shows
 * the password. {@link #toBuilder()} starts a builder for another connection with the same settings:
 *
 * <pre>{@code
 * try (CassandraManager reports = cass.config().toBuilder().keyspace("reports").build()) { ... }
 * }</pre>
 *
 * @param contactPoints the nodes dialled first
 * @param localDatacenter the data center whose nodes are preferred
 * @param username the user name, or {@code null} without authentication
 * @param password the password, or {@code null} without authentication
 * @param caPem the PEM file of the CA to trust (TLS with host validation), or {@code null} without TLS
 * @param clientCertificatePem the client certificate for mutual TLS, or {@code null}
 * @param clientKeyPem the client certificate's PKCS#8 PEM private key, or {@code null}
 * @param keyspace the session keyspace, or {@code null}
 * @param connectTimeout how long to wait for a connection and its handshake
 * @param requestTimeout how long a request may take before it fails
 * @param consistency the default consistency level of requests
 * @param serialConsistency the default serial consistency level of lightweight transactions
 * @param pageSize rows per page of results
 * @param applicationName the name reported to the cluster (visible in {@code system_views.clients})
 * @param reconnectionMaxDelay the longest wait between two attempts to reconnect to a lost node
 * @param sigV4 AWS Signature Version 4 authentication (Amazon Keyspaces), or {@code null}
 * @param metrics where the driver's own metrics go ({@link Metrics#none()} for nowhere); {@link #toBuilder()} keeps it
 * @param attemptTimeout how long one attempt of the library's own idempotent statements (key checks, registry reads
 *     and upserts; never lightweight transactions or an ingest's rows) may take before it is sent again, within
 *     {@code requestTimeout}: a coordinator that hangs holds a request until the driver's heartbeat gives up on it,
 *     while the next attempt usually goes to another (docs/scale-out.md, issue 35)
 */
public record CassandraConfig(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    @Nullable String username,
    @Nullable Secret password,
    @Nullable Path caPem,
    @Nullable Path clientCertificatePem,
    @Nullable Path clientKeyPem,
    @Nullable String keyspace,
    Duration connectTimeout,
    Duration requestTimeout,
    ConsistencyLevel consistency,
    ConsistencyLevel serialConsistency,
    int pageSize,
    String applicationName,
    Duration reconnectionMaxDelay,
    @Nullable SigV4 sigV4,
    Metrics metrics,
    Duration attemptTimeout) {

  /** The default {@link #attemptTimeout()}. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * AWS Signature Version 4 authentication, as Amazon Keyspaces requires, through AWS's driver plugin.
   *
   * @param region the AWS region whose key signs the handshake (Keyspaces' endpoint's region, e.g. {@code eu-west-2})
   * @param credentials where the AWS credentials come from, or {@code null} for the AWS SDK's default chain
   */
  public record SigV4(String region, @Nullable AwsCredentialsProvider credentials) {

    /** Checks the region. */
    public SigV4 {
      if (region == null || !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
        throw new InvalidInputException("'" + region + "' is not an AWS region (e.g. eu-west-2)");
      }
    }

    @Override
    public String toString() {
      return "SigV4{region=" + region + ", credentials="
          + (credentials == null ? "default chain" : credentials.getClass().getSimpleName()) + '}';
    }
  }

  /** Copies the contact point list. */
  public CassandraConfig {
    contactPoints = List.copyOf(contactPoints);
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
  }

  /**
   * The settings with the default {@link #attemptTimeout()}, as before it was part of the config.
   *
   * @deprecated since 0.1.0, use the canonical constructor (its last argument is the attempt timeout) or, better,
   *     {@link CassandraManager#builder()}
   */
  @Deprecated(since = "0.1.0")
  public CassandraConfig(List<InetSocketAddress> contactPoints, String localDatacenter, @Nullable String username,
      @Nullable Secret password, @Nullable Path caPem, @Nullable Path clientCertificatePem, @Nullable Path clientKeyPem,
      @Nullable String keyspace, Duration connectTimeout, Duration requestTimeout, ConsistencyLevel consistency,
      ConsistencyLevel serialConsistency, int pageSize, String applicationName, Duration reconnectionMaxDelay,
      @Nullable SigV4 sigV4, Metrics metrics) {
    this(contactPoints, localDatacenter, username, password, caPem, clientCertificatePem, clientKeyPem, keyspace,
        connectTimeout, requestTimeout, consistency, serialConsistency, pageSize, applicationName,
        reconnectionMaxDelay, sigV4, metrics, DEFAULT_ATTEMPT_TIMEOUT);
  }

  /**
   * The settings without metrics ({@link Metrics#none()}), as before metrics were part of the config.
   *
   * @deprecated since 0.1.0, use the canonical constructor (its last argument is the {@link Metrics}) or, better,
   *     {@link CassandraManager#builder()}
   */
  @Deprecated(since = "0.1.0")
  public CassandraConfig(List<InetSocketAddress> contactPoints, String localDatacenter, @Nullable String username,
      @Nullable Secret password, @Nullable Path caPem, @Nullable Path clientCertificatePem, @Nullable Path clientKeyPem,
      @Nullable String keyspace, Duration connectTimeout, Duration requestTimeout, ConsistencyLevel consistency,
      ConsistencyLevel serialConsistency, int pageSize, String applicationName, Duration reconnectionMaxDelay,
      @Nullable SigV4 sigV4) {
    this(contactPoints, localDatacenter, username, password, caPem, clientCertificatePem, clientKeyPem, keyspace,
        connectTimeout, requestTimeout, consistency, serialConsistency, pageSize, applicationName,
        reconnectionMaxDelay, sigV4, Metrics.none(), DEFAULT_ATTEMPT_TIMEOUT);
  }

  /**
   * @return a builder of a new manager with these settings (password included), to change some of them
   */
  public CassandraManager.Builder toBuilder() {
    return CassandraManager.builder().config(this);
  }

  /**
   * @return the session keyspace, if one is set
   */
  public Optional<String> sessionKeyspace() {
    return Optional.ofNullable(keyspace);
  }

  /**
   * @return how the connection authenticates: {@code "sigv4"}, {@code "password"} or {@code "none"}
   */
  public String authentication() {
    return sigV4 != null ? "sigv4" : username != null ? "password" : "none";
  }

  /**
   * @return whether the connection uses TLS
   */
  public boolean tls() {
    return caPem != null || clientCertificatePem != null;
  }

  @Override
  public String toString() {
    return "CassandraConfig{contactPoints=" + contactPoints
        + ", localDatacenter=" + localDatacenter
        + ", username=" + username
        + ", password=" + (password == null ? "none" : "****")
        + ", caPem=" + caPem
        + ", clientCertificatePem=" + clientCertificatePem
        + ", clientKeyPem=" + (clientKeyPem == null ? "none" : clientKeyPem)
        + ", keyspace=" + keyspace
        + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout
        + ", attemptTimeout=" + attemptTimeout
        + ", consistency=" + consistency
        + ", serialConsistency=" + serialConsistency
        + ", pageSize=" + pageSize
        + ", applicationName=" + applicationName
        + ", reconnectionMaxDelay=" + reconnectionMaxDelay
        + (sigV4 == null ? "" : ", sigV4=" + sigV4) + '}';
  }
}
