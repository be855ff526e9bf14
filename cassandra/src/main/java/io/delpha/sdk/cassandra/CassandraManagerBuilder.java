package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import io.delpha.sdk.cassandra.internal.DriverMetrics;
import io.delpha.sdk.cassandra.internal.KeyspacesAuth;
import io.delpha.sdk.cassandra.internal.NearestNames;
import io.delpha.sdk.cassandra.internal.PemTls;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds and connects a {@link CassandraManager}: {@link CassandraManager#builder()}, or {@link
 * CassandraConfig#toBuilder()} for another connection with a config's settings. Not thread-safe.
 */
public final class CassandraManagerBuilder implements ClientBuilder<CassandraManagerBuilder, CassandraManager>,
    ClientBuilder.WithRequestTimeout<CassandraManagerBuilder> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraManager.class);

  private final Settings.Draft draft;

  CassandraManagerBuilder() {
    this(CassandraConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link CassandraConfig#toBuilder()}. */
  CassandraManagerBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> CassandraManagerBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, value);
    return this;
  }

  /**
   * Adds a node to dial first; repeatable. Defaults to {@code 127.0.0.1:9042} if none is given.
   *
   * @param host a host name or address
   * @param port its CQL port
   * @return this builder
   */
  public CassandraManagerBuilder contactPoint(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new InvalidInputException("contact point needs a host and a port in 1..65535, got " + host + ":" + port);
    }
    List<InetSocketAddress> points = new ArrayList<>(
        Objects.requireNonNull(draft.find(CassandraConfig.CONTACT_POINTS)));
    points.add(InetSocketAddress.createUnresolved(host, port));
    return set(CassandraConfig.CONTACT_POINTS, points);
  }

  /**
   * @param dc the data center whose nodes are preferred (the driver requires it with explicit contact
   *     points); defaults to {@code datacenter1}
   * @return this builder
   */
  public CassandraManagerBuilder localDatacenter(String dc) {
    return set(CassandraConfig.LOCAL_DATACENTER, dc);
  }

  /**
   * @param username the user name
   * @param password the password; kept out of every log and message
   * @return this builder
   */
  public CassandraManagerBuilder credentials(String username, String password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    return set(CassandraConfig.USERNAME, username).set(CassandraConfig.PASSWORD, Secret.of(password));
  }

  /**
   * Credentials from a JSON secret with fields {@code username} and {@code password}.
   *
   * @param secrets where the secret lives
   * @param name the secret's name
   * @return this builder
   */
  public CassandraManagerBuilder credentials(SecretProvider secrets, String name) {
    Map<String, String> json = secrets.json(name);
    String user = json.get("username");
    String pw = json.get("password");
    if (user == null || pw == null) {
      throw new InvalidInputException("secret '" + name + "' needs the fields username and password");
    }
    return credentials(user, pw);
  }

  /**
   * Amazon Keyspaces: authenticates with AWS Signature Version 4 through AWS's driver plugin
   * ({@code software.aws.mcs:aws-sigv4-auth-cassandra-java-driver-plugin}, an optional dependency the host adds),
   * with the AWS SDK's default credentials chain. Cannot be combined with {@link #credentials(String, String)}.
   * Keyspaces also needs TLS ({@link #pemFile}) and the settings docs/cassandra.md lists.
   *
   * <pre>{@code
   * CassandraManager.builder().contactPoint("cassandra.eu-west-2.amazonaws.com", 9142)
   *     .localDatacenter("eu-west-2").sigV4("eu-west-2").pemFile(Path.of("keyspaces-bundle.pem")).build();
   * }</pre>
   *
   * @param region the AWS region of the Keyspaces endpoint
   * @return this builder
   * @throws io.delpha.sdk.core.InvalidInputException if {@code region} is not an AWS region name
   */
  public CassandraManagerBuilder sigV4(String region) {
    return sigV4(region, null);
  }

  /**
   * Like {@link #sigV4(String)}, with the AWS credentials from this provider (a role, a profile, static keys;
   * their secret never appears in a message or a log).
   *
   * @param region the AWS region of the Keyspaces endpoint
   * @param credentials where the AWS credentials come from; {@code null} for the default chain
   * @return this builder
   * @throws io.delpha.sdk.core.InvalidInputException if {@code region} is not an AWS region name
   */
  public CassandraManagerBuilder sigV4(String region, @Nullable AwsCredentialsProvider credentials) {
    Objects.requireNonNull(region, "region");
    return set(CassandraConfig.SIG_V4, new CassandraConfig.SigV4(region, credentials));
  }

  /**
   * Turns on TLS, trusting the CA in this PEM file, with host-name validation against the address
   * dialled.
   *
   * @param caPem the CA certificate(s), PEM
   * @return this builder
   */
  public CassandraManagerBuilder pemFile(Path caPem) {
    return set(CassandraConfig.CA_PEM, caPem);
  }

  /**
   * Turns on mutual TLS with this client certificate.
   *
   * @param certificatePem the client certificate chain, PEM
   * @param privateKeyPem its private key, PKCS#8 PEM
   * @return this builder
   */
  public CassandraManagerBuilder clientCertificate(Path certificatePem, Path privateKeyPem) {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    return set(CassandraConfig.CLIENT_CERTIFICATE_PEM, certificatePem)
        .set(CassandraConfig.CLIENT_KEY_PEM, privateKeyPem);
  }

  /**
   * @param keyspace the keyspace for unqualified table names
   * @return this builder
   */
  public CassandraManagerBuilder keyspace(String keyspace) {
    return set(CassandraConfig.KEYSPACE, keyspace);
  }

  /**
   * @param timeout how long to wait for a connection and its handshake (default 10 s)
   * @return this builder
   */
  public CassandraManagerBuilder connectTimeout(Duration timeout) {
    return set(CassandraConfig.CONNECT_TIMEOUT, positive(timeout, "connectTimeout"));
  }

  /**
   * @param timeout how long a request may take (default 12 s)
   * @return this builder
   */
  @Override
  public CassandraManagerBuilder requestTimeout(Duration timeout) {
    return set(CassandraConfig.REQUEST_TIMEOUT, positive(timeout, "requestTimeout"));
  }

  /**
   * How long one attempt of the library's own idempotent statements (an access key's check, an ingest registry's
   * read or upsert) may take before it is sent again, until the {@link #requestTimeout request timeout} is used up.
   * A coordinator that hangs holds a request until the driver's heartbeat gives up on it (about 4 s); the next
   * attempt usually goes to another node. Lightweight transactions,
   * statements not marked idempotent and a host's own statements are never sent again; an ingest's rows keep the
   * request timeout. A value at or above the request timeout means one attempt.
   *
   * @param timeout the time of one attempt (default 2 s)
   * @return this builder
   */
  public CassandraManagerBuilder attemptTimeout(Duration timeout) {
    return set(CassandraConfig.ATTEMPT_TIMEOUT, positive(timeout, "attemptTimeout"));
  }

  /**
   * @param level the default consistency of requests (default LOCAL_QUORUM)
   * @return this builder
   */
  public CassandraManagerBuilder consistency(ConsistencyLevel level) {
    return set(CassandraConfig.CONSISTENCY, level);
  }

  /**
   * @param level the default serial consistency of lightweight transactions (default LOCAL_SERIAL)
   * @return this builder
   */
  public CassandraManagerBuilder serialConsistency(ConsistencyLevel level) {
    return set(CassandraConfig.SERIAL_CONSISTENCY, level);
  }

  /**
   * @param rows rows per page of results (default 5000)
   * @return this builder
   */
  public CassandraManagerBuilder pageSize(int rows) {
    if (rows < 1) {
      throw new InvalidInputException("pageSize must be positive, was " + rows);
    }
    return set(CassandraConfig.PAGE_SIZE, rows);
  }

  /**
   * @param delay the longest wait between two attempts to reconnect to a node that went away (default
   *     8 s; attempts start at 500 ms and double)
   * @return this builder
   */
  public CassandraManagerBuilder reconnectionMaxDelay(Duration delay) {
    return set(CassandraConfig.RECONNECTION_MAX_DELAY, positive(delay, "reconnectionMaxDelay"));
  }

  /**
   * @param name the application name reported to the cluster
   * @return this builder
   */
  public CassandraManagerBuilder applicationName(String name) {
    return set(CassandraConfig.APPLICATION_NAME, name);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidInputException(what + " must be a positive duration, was " + d);
    }
    return d;
  }

  /**
   * Reports the driver's own metrics (requests, errors, connections, bytes: {@code delpha.cassandra.*},
   * docs/metrics.md) into the registry of these metrics, through the driver's {@code MicrometerMetricsFactory}.
   *
   * @param metrics the host's registry, or {@link Metrics#none()} (the default)
   * @return this builder
   * @throws InvalidInputException if a registry is given but {@code
   *     org.apache.cassandra:java-driver-metrics-micrometer} is not on the class path
   */
  @Override
  public CassandraManagerBuilder metrics(Metrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    if (metrics.enabled()) {
      DriverMetrics.requireBinding();
    }
    return set(CassandraConfig.METRICS, metrics);
  }

  /**
   * Connects.
   *
   * @return a connected manager
   * @throws DelphaException a typed failure: see {@link CassandraManager}; {@link InvalidInputException} for
   *     both {@link #sigV4} and {@link #credentials}
   */
  @Override
  public CassandraManager build() {
    CassandraConfig config = settings();
    CassandraConfig.SigV4 sigV4 = config.sigV4();
    if (sigV4 != null) {
      Capability.require("CassandraManagerBuilder.sigV4", "keyspaces-sigv4");
    }
    List<InetSocketAddress> points = config.contactPoints();
    try {
      CqlSession session = sessionBuilder(config, true, config.metrics()).build();
      LOG.info("connected to Cassandra at {} (keyspace {}, tls {})", Endpoints.format(points), config.keyspace(),
          config.tls());
      return new CassandraManager(config, session, true);
    } catch (RuntimeException e) {
      DelphaException mapped = DriverErrors.onConnect(e, points);
      if (sigV4 != null && mapped instanceof io.delpha.sdk.core.AuthenticationException) {
        throw new io.delpha.sdk.core.AuthenticationException("Cassandra at " + Endpoints.format(points)
            + " refused the SigV4 authentication (" + sigV4 + "): " + DriverErrors.authenticationReply(e)
            + "; SigV4 works with Amazon Keyspaces only, with credentials allowed cassandra:Select/Modify in "
            + sigV4.region(), null);
      }
      if (mapped instanceof NotFoundException && config.keyspace() != null) {
        throw new NotFoundException(mapped.getMessage() + "; " + nearbyKeyspaces(config), mapped.getCause());
      }
      throw mapped;
    }
  }

  /** The settings {@link #build()} connects with, checked ({@link CassandraConfig#from}). */
  CassandraConfig settings() {
    Settings.Draft d = draft.copy();
    if (d.find(CassandraConfig.SIG_V4) != null && d.find(CassandraConfig.USERNAME) != null) {
      throw new InvalidInputException("sigV4(..) and credentials(..) are two ways to authenticate: Amazon "
          + "Keyspaces takes SigV4 (or service-specific credentials as a user name and password), choose one");
    }
    if (Objects.requireNonNull(d.find(CassandraConfig.CONTACT_POINTS)).isEmpty()) {
      d.set(CassandraConfig.CONTACT_POINTS, List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042)));
    }
    return new CassandraConfig(d.freeze());
  }

  private static String nearbyKeyspaces(CassandraConfig config) {
    try (CqlSession s = sessionBuilder(config, false, Metrics.none()).build()) {
      List<String> names = new ArrayList<>();
      s.getMetadata().getKeyspaces().keySet().forEach(k -> names.add(k.asInternal()));
      return "keyspaces are " + NearestNames.nearestFirst(config.keyspace(), names);
    } catch (RuntimeException e) {
      return "the keyspace list could not be read";
    }
  }

  private static CqlSessionBuilder sessionBuilder(CassandraConfig config, boolean withKeyspace, Metrics metrics) {
    ProgrammaticDriverConfigLoaderBuilder loader = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, config.connectTimeout())
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, config.connectTimeout())
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, config.connectTimeout())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout())
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, config.requestTimeout())
        // a schema change is answered once the driver has refreshed its schema, and the driver first waits its
        // debouncer's window for more schema events: 1 s by default, so every CREATE or DROP through the library
        // (a customer's keyspace, the key store's tables) took over a second. 50 ms still coalesces a burst of
        // events from other clients into one refresh (docs/cassandra.md, "Schema changes")
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, CassandraManager.SCHEMA_REFRESH_WINDOW)
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.consistency().name())
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, config.serialConsistency().name())
        .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, config.pageSize())
        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
        // small clusters recover in seconds; the driver's 60 s ceiling would leave the schema
        // (control connection) unreadable for up to a minute after a node comes back
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, config.reconnectionMaxDelay())
        // a node that hangs (kill -STOP, a frozen VM) answers nothing and closes nothing: a connection that has
        // read nothing for 1 s is sent a heartbeat, and one unanswered for 3 s is closed, so the node is DOWN in
        // the driver within about 4 s and its idempotent requests in flight go to the next node (the driver's
        // defaults, 30 s and the 10 s init-query timeout, left requests waiting out the 12 s request timeout)
        .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, CassandraManager.HEARTBEAT_INTERVAL)
        .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, CassandraManager.HEARTBEAT_TIMEOUT)
        // a node that dies or hangs: a coordinator's timeout of an idempotent request is retried once on the next
        // node (docs/scale-out.md, "A node dies or hangs"); anything not idempotent still runs at most once.
        // Speculative executions are not on: the ring runs with them (load 25) saw pools with no free connection,
        // and no quiet-machine measurement has shown them to help yet
        .withClass(DefaultDriverOption.RETRY_POLICY_CLASS,
            io.delpha.sdk.cassandra.internal.NextReplicaRetryPolicy.class);
    if (metrics.enabled()) {
      DriverMetrics.configure(loader);
    }
    CqlSessionBuilder b = CqlSession.builder()
        .withConfigLoader(loader.build())
        .addContactPoints(config.contactPoints())
        .withLocalDatacenter(config.localDatacenter())
        .withApplicationName(config.applicationName());
    Secret password = config.password();
    if (config.username() != null) {
      if (password == null) {
        throw new InvalidInputException("Cassandra user name " + config.username() + " given without a password");
      }
      b.withAuthCredentials(config.username(), password.reveal());
    }
    if (config.sigV4() != null) {
      b.withAuthProvider(KeyspacesAuth.sigV4(config.sigV4().region(), config.sigV4().credentials()));
    }
    if (config.tls()) {
      b.withSslEngineFactory(PemTls.engineFactory(config.caPem(), config.clientCertificatePem(),
          config.clientKeyPem()));
    }
    if (metrics.enabled()) {
      b.withMetricRegistry(metrics.meterRegistry());
    }
    if (withKeyspace && config.keyspace() != null) {
      b.withKeyspace(CqlIdentifier.fromInternal(config.keyspace()));
    }
    return b;
  }
}
