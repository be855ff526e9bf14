package io.delpha.sdk.cassandra;

import static io.delpha.sdk.core.internal.ConfigValues.setting;
import static io.delpha.sdk.core.internal.ConfigValues.shown;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.ConfigValues;
import io.delpha.sdk.core.internal.Endpoints;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The settings a {@link CassandraManager} was built with. Immutable, made only by a manager's builder (no public
 * constructor); equal when every setting is equal; {@link #toString()} never shows the password. {@link #toBuilder()}
 * starts a builder for another connection with the same settings:
 *
 * <pre>{@code
 * try (CassandraManager reports = cass.config().toBuilder().keyspace("reports").build()) { ... }
 * }</pre>
 */
public final class CassandraConfig {

  private static final ConfigValues<CassandraConfig> VALUES = ConfigValues.of(CassandraConfig.class,
      shown("contactPoints", CassandraConfig::contactPoints, c -> "[" + Endpoints.format(c.contactPoints()) + "]"),
      setting("localDatacenter", CassandraConfig::localDatacenter),
      setting("username", CassandraConfig::username),
      setting("password", CassandraConfig::password),
      setting("caPem", CassandraConfig::caPem),
      setting("clientCertificatePem", CassandraConfig::clientCertificatePem),
      setting("clientKeyPem", CassandraConfig::clientKeyPem),
      setting("keyspace", CassandraConfig::keyspace),
      setting("connectTimeout", CassandraConfig::connectTimeout),
      setting("requestTimeout", CassandraConfig::requestTimeout),
      setting("attemptTimeout", CassandraConfig::attemptTimeout),
      setting("consistency", CassandraConfig::consistency),
      setting("serialConsistency", CassandraConfig::serialConsistency),
      setting("pageSize", CassandraConfig::pageSize),
      setting("applicationName", CassandraConfig::applicationName),
      setting("reconnectionMaxDelay", CassandraConfig::reconnectionMaxDelay),
      setting("sigV4", CassandraConfig::sigV4),
      setting("metrics", CassandraConfig::metrics));

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

  private final List<InetSocketAddress> contactPoints;
  private final String localDatacenter;
  private final @Nullable String username;
  private final @Nullable Secret password;
  private final @Nullable Path caPem;
  private final @Nullable Path clientCertificatePem;
  private final @Nullable Path clientKeyPem;
  private final @Nullable String keyspace;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final ConsistencyLevel consistency;
  private final ConsistencyLevel serialConsistency;
  private final int pageSize;
  private final String applicationName;
  private final Duration reconnectionMaxDelay;
  private final @Nullable SigV4 sigV4;
  private final Metrics metrics;
  private final Duration attemptTimeout;

  /** Made by {@link CassandraManagerBuilder} and {@link CassandraManager#wrap} only; copies the contact point list. */
  CassandraConfig(List<InetSocketAddress> contactPoints, String localDatacenter, @Nullable String username,
      @Nullable Secret password, @Nullable Path caPem, @Nullable Path clientCertificatePem,
      @Nullable Path clientKeyPem, @Nullable String keyspace, Duration connectTimeout, Duration requestTimeout,
      ConsistencyLevel consistency, ConsistencyLevel serialConsistency, int pageSize, String applicationName,
      Duration reconnectionMaxDelay, @Nullable SigV4 sigV4, Metrics metrics, Duration attemptTimeout) {
    contactPoints = List.copyOf(contactPoints);
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");

    this.contactPoints = contactPoints;
    this.localDatacenter = localDatacenter;
    this.username = username;
    this.password = password;
    this.caPem = caPem;
    this.clientCertificatePem = clientCertificatePem;
    this.clientKeyPem = clientKeyPem;
    this.keyspace = keyspace;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.consistency = consistency;
    this.serialConsistency = serialConsistency;
    this.pageSize = pageSize;
    this.applicationName = applicationName;
    this.reconnectionMaxDelay = reconnectionMaxDelay;
    this.sigV4 = sigV4;
    this.metrics = metrics;
    this.attemptTimeout = attemptTimeout;
  }

  /**
   * @return the nodes dialled first
   */
  public List<InetSocketAddress> contactPoints() {
    return contactPoints;
  }

  /**
   * @return the data center whose nodes are preferred
   */
  public String localDatacenter() {
    return localDatacenter;
  }

  /**
   * @return the user name, or {@code null} without authentication
   */
  public @Nullable String username() {
    return username;
  }

  /**
   * @return the password, or {@code null} without authentication
   */
  public @Nullable Secret password() {
    return password;
  }

  /**
   * @return the PEM file of the CA to trust (TLS with host validation), or {@code null} without TLS
   */
  public @Nullable Path caPem() {
    return caPem;
  }

  /**
   * @return the client certificate for mutual TLS, or {@code null}
   */
  public @Nullable Path clientCertificatePem() {
    return clientCertificatePem;
  }

  /**
   * @return the client certificate's PKCS#8 PEM private key, or {@code null}
   */
  public @Nullable Path clientKeyPem() {
    return clientKeyPem;
  }

  /**
   * @return the session keyspace, or {@code null}
   */
  public @Nullable String keyspace() {
    return keyspace;
  }

  /**
   * @return how long to wait for a connection and its handshake
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return how long a request may take before it fails
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * @return the default consistency level of requests
   */
  public ConsistencyLevel consistency() {
    return consistency;
  }

  /**
   * @return the default serial consistency level of lightweight transactions
   */
  public ConsistencyLevel serialConsistency() {
    return serialConsistency;
  }

  /**
   * @return rows per page of results
   */
  public int pageSize() {
    return pageSize;
  }

  /**
   * @return the name reported to the cluster (visible in {@code system_views.clients})
   */
  public String applicationName() {
    return applicationName;
  }

  /**
   * @return the longest wait between two attempts to reconnect to a lost node
   */
  public Duration reconnectionMaxDelay() {
    return reconnectionMaxDelay;
  }

  /**
   * @return AWS Signature Version 4 authentication (Amazon Keyspaces), or {@code null}
   */
  public @Nullable SigV4 sigV4() {
    return sigV4;
  }

  /**
   * @return where the driver's own metrics go ({@link Metrics#none()} for nowhere); {@link #toBuilder()} keeps it
   */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * @return how long one attempt of the library's own idempotent statements (key checks, registry reads
   *     and upserts; never lightweight transactions or an ingest's rows) may take before it is sent again, within
   *     {@code requestTimeout}: a coordinator that hangs holds a request until the driver's heartbeat gives up on it,
   *     while the next attempt usually goes to another (docs/scale-out.md, issue 35)
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. The same checks as {@code build()} before it connects.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static CassandraConfig from(CassandraManagerBuilder settings) {
    return settings.settings();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * CassandraManager#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static CassandraManagerBuilder builder() {
    return CassandraManager.builder();
  }

  /**
   * @return a builder of a new manager with these settings (password included), to change some of them; for a config
   *     {@code c} of a built manager, {@code c.toBuilder().build().config()} equals {@code c}
   */
  public CassandraManagerBuilder toBuilder() {
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
  public boolean equals(@Nullable Object o) {
    return VALUES.equal(this, o);
  }

  @Override
  public int hashCode() {
    return VALUES.hash(this);
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return VALUES.show(this);
  }
}
