package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.Settings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  /** The default {@link #attemptTimeout()}. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  static final Settings SETTINGS = new Settings("CassandraConfig");
  /** Empty in a builder given no contact point, whose {@code settings()} then has {@code 127.0.0.1:9042}. */
  static final Settings.Setting<List<InetSocketAddress>> CONTACT_POINTS =
      SETTINGS.add("contactPoints", List.<InetSocketAddress>of()).copiedBy(List::copyOf)
          .shown(values -> "[" + Endpoints.format(values.get(CassandraConfig.CONTACT_POINTS)) + "]");
  static final Settings.Setting<String> LOCAL_DATACENTER = SETTINGS.add("localDatacenter", "datacenter1");
  static final Settings.Setting<String> USERNAME = SETTINGS.optional("username");
  static final Settings.Setting<Secret> PASSWORD = SETTINGS.optional("password");
  static final Settings.Setting<Path> CA_PEM = SETTINGS.optional("caPem");
  static final Settings.Setting<Path> CLIENT_CERTIFICATE_PEM = SETTINGS.optional("clientCertificatePem");
  static final Settings.Setting<Path> CLIENT_KEY_PEM = SETTINGS.optional("clientKeyPem");
  static final Settings.Setting<String> KEYSPACE = SETTINGS.optional("keyspace");
  static final Settings.Setting<Duration> CONNECT_TIMEOUT = SETTINGS.add("connectTimeout", Duration.ofSeconds(10));
  static final Settings.Setting<Duration> REQUEST_TIMEOUT = SETTINGS.add("requestTimeout", Duration.ofSeconds(12));
  static final Settings.Setting<Duration> ATTEMPT_TIMEOUT = SETTINGS.add("attemptTimeout", DEFAULT_ATTEMPT_TIMEOUT);
  static final Settings.Setting<ConsistencyLevel> CONSISTENCY =
      SETTINGS.add("consistency", DefaultConsistencyLevel.LOCAL_QUORUM);
  static final Settings.Setting<ConsistencyLevel> SERIAL_CONSISTENCY =
      SETTINGS.add("serialConsistency", DefaultConsistencyLevel.LOCAL_SERIAL);
  static final Settings.Setting<Integer> PAGE_SIZE = SETTINGS.add("pageSize", 5000);
  static final Settings.Setting<String> APPLICATION_NAME = SETTINGS.add("applicationName", "delpha-data-sdk");
  static final Settings.Setting<Duration> RECONNECTION_MAX_DELAY =
      SETTINGS.add("reconnectionMaxDelay", Duration.ofSeconds(8));
  static final Settings.Setting<SigV4> SIG_V4 = SETTINGS.optional("sigV4");
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());

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

  private final Settings.Values values;

  /** Made by {@link CassandraManagerBuilder} and {@link CassandraManager#wrap} only. */
  CassandraConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the nodes dialled first
   */
  public List<InetSocketAddress> contactPoints() {
    return values.get(CONTACT_POINTS);
  }

  /**
   * @return the data center whose nodes are preferred
   */
  public String localDatacenter() {
    return values.get(LOCAL_DATACENTER);
  }

  /**
   * @return the user name, or {@code null} without authentication
   */
  public @Nullable String username() {
    return values.find(USERNAME);
  }

  /**
   * @return the password, or {@code null} without authentication
   */
  public @Nullable Secret password() {
    return values.find(PASSWORD);
  }

  /**
   * @return the PEM file of the CA to trust (TLS with host validation), or {@code null} without TLS
   */
  public @Nullable Path caPem() {
    return values.find(CA_PEM);
  }

  /**
   * @return the client certificate for mutual TLS, or {@code null}
   */
  public @Nullable Path clientCertificatePem() {
    return values.find(CLIENT_CERTIFICATE_PEM);
  }

  /**
   * @return the client certificate's PKCS#8 PEM private key, or {@code null}
   */
  public @Nullable Path clientKeyPem() {
    return values.find(CLIENT_KEY_PEM);
  }

  /**
   * @return the session keyspace, or {@code null}
   */
  public @Nullable String keyspace() {
    return values.find(KEYSPACE);
  }

  /**
   * @return how long to wait for a connection and its handshake
   */
  public Duration connectTimeout() {
    return values.get(CONNECT_TIMEOUT);
  }

  /**
   * @return how long a request may take before it fails
   */
  public Duration requestTimeout() {
    return values.get(REQUEST_TIMEOUT);
  }

  /**
   * @return the default consistency level of requests
   */
  public ConsistencyLevel consistency() {
    return values.get(CONSISTENCY);
  }

  /**
   * @return the default serial consistency level of lightweight transactions
   */
  public ConsistencyLevel serialConsistency() {
    return values.get(SERIAL_CONSISTENCY);
  }

  /**
   * @return rows per page of results
   */
  public int pageSize() {
    return values.get(PAGE_SIZE);
  }

  /**
   * @return the name reported to the cluster (visible in {@code system_views.clients})
   */
  public String applicationName() {
    return values.get(APPLICATION_NAME);
  }

  /**
   * @return the longest wait between two attempts to reconnect to a lost node
   */
  public Duration reconnectionMaxDelay() {
    return values.get(RECONNECTION_MAX_DELAY);
  }

  /**
   * @return AWS Signature Version 4 authentication (Amazon Keyspaces), or {@code null}
   */
  public @Nullable SigV4 sigV4() {
    return values.find(SIG_V4);
  }

  /**
   * @return where the driver's own metrics go ({@link Metrics#none()} for nowhere); {@link #toBuilder()} keeps it
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * @return how long one attempt of the library's own idempotent statements (key checks, registry reads
   *     and upserts; never lightweight transactions or an ingest's rows) may take before it is sent again, within
   *     {@code requestTimeout}: a coordinator that hangs holds a request until the driver's heartbeat gives up on it,
   *     while the next attempt usually goes to another (docs/scale-out.md, issue 35)
   */
  public Duration attemptTimeout() {
    return values.get(ATTEMPT_TIMEOUT);
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
    return new CassandraManagerBuilder(values.toDraft());
  }

  /**
   * @return the session keyspace, if one is set
   */
  public Optional<String> sessionKeyspace() {
    return Optional.ofNullable(keyspace());
  }

  /**
   * @return how the connection authenticates: {@code "sigv4"}, {@code "password"} or {@code "none"}
   */
  public String authentication() {
    return sigV4() != null ? "sigv4" : username() != null ? "password" : "none";
  }

  /**
   * @return whether the connection uses TLS
   */
  public boolean tls() {
    return caPem() != null || clientCertificatePem() != null;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CassandraConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return values.toString();
  }
}
