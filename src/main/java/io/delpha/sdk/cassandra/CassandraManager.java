package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import io.delpha.sdk.cassandra.internal.ControlChannel;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.internal.DriverErrors;
import io.delpha.sdk.cassandra.internal.KeyspacesAuth;
import io.delpha.sdk.cassandra.internal.DriverMetrics;
import io.delpha.sdk.cassandra.internal.MappedResultSet;
import io.delpha.sdk.cassandra.internal.NearestNames;
import io.delpha.sdk.cassandra.internal.PemTls;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * A connection to a Cassandra cluster: the library's {@link CqlExecutor}, built fluently, with
 * username/password authentication or AWS SigV4 (Amazon Keyspaces, {@link Builder#sigV4}), TLS trusting a PEM CA
 * (host validation on), mutual TLS with a PEM client certificate, and a session keyspace.
 *
 * <pre>{@code
 * try (CassandraManager cass = CassandraManager.builder()
 *     .contactPoint("127.0.0.1", 9042)
 *     .localDatacenter("datacenter1")
 *     .credentials("user", "password")                 // optional
 *     .pemFile(Path.of("ca.pem"))                      // optional: TLS trusting this CA
 *     .keyspace("delpha_actions")                      // optional
 *     .build()) {
 *   List<Row> rows = cass.execute("SELECT * FROM t WHERE id = ?", 42).all();
 * }
 * }</pre>
 *
 * <p>{@link Builder#build() Building} connects at once and fails fast: {@link
 * io.delpha.sdk.core.AuthenticationException} for wrong credentials, {@link
 * io.delpha.sdk.core.TlsException} for a missing PEM file or an untrusted server, {@link
 * io.delpha.sdk.core.ServiceUnavailableException} listing the contact points when none answers, {@link
 * NotFoundException} for an unknown keyspace. A manager is thread-safe and meant to be shared; close it
 * once. {@link #session()} is the escape hatch to the driver's {@link CqlSession}.
 */
public final class CassandraManager implements CqlExecutor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraManager.class);
  private static final int PREPARED_CACHE_LIMIT = 2048;
  /** How long a connection may read nothing before the driver checks it with a heartbeat (whole seconds). */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /** How long a heartbeat may go unanswered before its connection is closed and the node's requests move on. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

  private final CassandraConfig config;
  private final CqlSession session;
  private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();
  private final boolean ownsSession;
  private final ClusterView clusterView;
  private final ClosedGuard guard = new ClosedGuard("this CassandraManager");

  private CassandraManager(CassandraConfig config, CqlSession session, boolean ownsSession) {
    this.config = config;
    this.session = session;
    this.ownsSession = ownsSession;
    this.clusterView = new DriverView();
  }

  /** The {@link #cluster()} of this manager: its driver session and configuration. */
  private final class DriverView implements ClusterView {
    @Override
    public java.util.Optional<com.datastax.oss.driver.api.core.metadata.TokenMap> tokenMap() {
      return session.getMetadata().getTokenMap();
    }

    @Override
    public int requestCapacity() {
      var profile = session.getContext().getConfig().getDefaultProfile();
      return profile.getInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS)
          * profile.getInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE);
    }

    @Override
    public java.util.Optional<Duration> attemptTimeout() {
      return java.util.Optional.of(config.attemptTimeout());
    }

    @Override
    public Duration requestTimeout() {
      return config.requestTimeout();
    }

    @Override
    public String toString() {
      return "ClusterView[" + CassandraManager.this + "]";
    }
  }

  /**
   * A manager over a driver session the host already has (its own configuration, load balancing, auth): the same
   * typed errors, prepared-statement cache and roles as a built manager. Its {@link #config()} describes the session
   * as far as the driver tells (contact points are the nodes it knows, TLS and credentials are not visible: {@code
   * toBuilder()} of it starts without them).
   *
   * <pre>{@code
   * CqlSession session = ...;                                  // the host's, closed by the host
   * CassandraManager cass = CassandraManager.wrap(session, false);
   * }</pre>
   *
   * @param session the host's open session
   * @param closeSession whether {@link #close()} closes the session too ({@code false}: the host keeps owning it)
   * @return the manager
   * @throws InvalidInputException if the session is already closed
   */
  public static CassandraManager wrap(CqlSession session, boolean closeSession) {
    Objects.requireNonNull(session, "session");
    if (session.isClosed()) {
      throw new InvalidInputException("the session to wrap is closed");
    }
    var profile = session.getContext().getConfig().getDefaultProfile();
    List<InetSocketAddress> points = new ArrayList<>();
    session.getMetadata().getNodes().values().forEach(n -> {
      if (n.getEndPoint().resolve() instanceof InetSocketAddress a) {
        points.add(a);
      }
    });
    String knownDc = session.getMetadata().getNodes().values().stream().map(n -> n.getDatacenter())
        .filter(Objects::nonNull).findFirst().orElse("datacenter1");
    String dc = profile.isDefined(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)
        ? profile.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER) : knownDc;
    CassandraConfig config = new CassandraConfig(points, dc, null, null, null, null, null,
        session.getKeyspace().map(CqlIdentifier::asInternal).orElse(null),
        profile.getDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT),
        profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT),
        DefaultConsistencyLevel.valueOf(profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY)),
        DefaultConsistencyLevel.valueOf(profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY)),
        profile.getInt(DefaultDriverOption.REQUEST_PAGE_SIZE),
        "delpha-data-sdk",
        profile.getDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY), null, Metrics.none(),
        CassandraConfig.DEFAULT_ATTEMPT_TIMEOUT);
    return new CassandraManager(config, session, closeSession);
  }

  private CqlSession open() {
    guard.check();
    return session;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the settings this manager was built with (no password shown)
   */
  public CassandraConfig config() {
    return config;
  }

  /**
   * A builder for another manager with this one's settings ({@code config().toBuilder()}): building it opens a new
   * session, and for a built manager {@code toBuilder().build().config()} equals {@link #config()} (a {@link
   * #wrap wrapped} session's TLS and credentials are not visible, so its builder starts without them). Works on a
   * closed manager too.
   *
   * @return a new builder holding {@link #config()}
   */
  public Builder toBuilder() {
    return config.toBuilder();
  }

  /**
   * The driver's session, for what this class does not offer. Do not close it: close the manager.
   *
   * @return the session
   * @throws ClosedException once this manager is closed
   */
  public CqlSession session() {
    return open();
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    try {
      return new MappedResultSet(open().execute(statement));
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    CompletionStage<AsyncResultSet> stage;
    try {
      stage = open().executeAsync(statement);
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(DriverErrors.onRequest(e));
    }
    return stage.handle((rs, error) -> {
      if (error != null) {
        throw DriverErrors.onRequest(error);
      }
      return rs;
    });
  }

  @Override
  public PreparedStatement prepare(String cql) {
    guard.check();
    Objects.requireNonNull(cql, "cql");
    PreparedStatement ps = prepared.get(cql);
    if (ps != null) {
      return ps;
    }
    try {
      ps = open().prepare(cql);
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
    if (prepared.size() >= PREPARED_CACHE_LIMIT) {
      prepared.clear(); // the driver keeps its own cache too: a rare full reset costs one round trip per text
    }
    prepared.put(cql, ps);
    return ps;
  }

  /**
   * Prepares outside this manager's cache and the driver's: the caller holds the only reference to the result.
   */
  @Override
  public PreparedStatement prepareUncached(String cql) {
    guard.check();
    Objects.requireNonNull(cql, "cql");
    try {
      return open().prepare(io.delpha.sdk.cassandra.internal.PrivatePreparation.request(cql));
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }

  /**
   * The cluster as this manager's driver sees it, without a round trip: the token ring (stale by at most the
   * driver's topology refresh), requests per connection times connections per local node, and the configured
   * attempt and request timeouts.
   */
  @Override
  public ClusterView cluster() {
    guard.check();
    return clusterView;
  }

  /**
   * The schema, read afresh. Bounded by the request timeout: right after a node restarts, the driver's
   * refresh can wait for a control connection that is not back yet, and a schema read must not hang.
   */
  @Override
  public Metadata schema() {
    long timeoutMillis = config.requestTimeout().toMillis();
    if (!ControlChannel.isOpen(open())) {
      throw new ServiceUnavailableException("the connection that reads the schema is down (is the cluster at "
          + config.contactPoints() + " up?); it is reconnecting, retry shortly");
    }
    try {
      return session.refreshSchemaAsync().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ServiceUnavailableException("the cluster did not return its schema within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while reading the schema", e);
    } catch (ExecutionException e) {
      throw DriverErrors.onRequest(e.getCause() != null ? e.getCause() : e);
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }

  /**
   * @return the keyspace the session uses for unqualified table names, if any
   */
  public java.util.Optional<String> keyspace() {
    return open().getKeyspace().map(CqlIdentifier::asInternal);
  }

  /**
   * Closes the session if this manager owns it (built, or wrapped with {@code closeSession}); a wrapped session the
   * host keeps stays open. Idempotent; afterwards every request throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (guard.close() && ownsSession) {
      session.close();
    }
  }

  @Override
  public String toString() {
    return "CassandraManager[" + config + "]";
  }

  /** Builds and connects a {@link CassandraManager}. Not thread-safe. */
  public static final class Builder {
    private final List<InetSocketAddress> contactPoints = new ArrayList<>();
    private String localDatacenter = "datacenter1";
    private @Nullable String username;
    private @Nullable Secret password;
    private @Nullable Path caPem;
    private @Nullable Path clientCert;
    private @Nullable Path clientKey;
    private @Nullable String keyspace;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(12);
    private Duration attemptTimeout = CassandraConfig.DEFAULT_ATTEMPT_TIMEOUT;
    private ConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_QUORUM;
    private ConsistencyLevel serialConsistency = DefaultConsistencyLevel.LOCAL_SERIAL;
    private int pageSize = 5000;
    private String applicationName = "delpha-data-sdk";
    private Duration reconnectionMaxDelay = Duration.ofSeconds(8);
    private CassandraConfig.@Nullable SigV4 sigV4;
    private Metrics metrics = Metrics.none();

    private Builder() {}

    Builder config(CassandraConfig config) {
      contactPoints.clear();
      contactPoints.addAll(config.contactPoints());
      localDatacenter = config.localDatacenter();
      username = config.username();
      password = config.password();
      caPem = config.caPem();
      clientCert = config.clientCertificatePem();
      clientKey = config.clientKeyPem();
      keyspace = config.keyspace();
      connectTimeout = config.connectTimeout();
      requestTimeout = config.requestTimeout();
      attemptTimeout = config.attemptTimeout();
      consistency = config.consistency();
      serialConsistency = config.serialConsistency();
      pageSize = config.pageSize();
      applicationName = config.applicationName();
      reconnectionMaxDelay = config.reconnectionMaxDelay();
      sigV4 = config.sigV4();
      metrics = config.metrics();
      return this;
    }

    /**
     * Adds a node to dial first; repeatable. Defaults to {@code 127.0.0.1:9042} if none is given.
     *
     * @param host a host name or address
     * @param port its CQL port
     * @return this builder
     */
    public Builder contactPoint(String host, int port) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || port < 1 || port > 65535) {
        throw new InvalidInputException("contact point needs a host and a port in 1..65535, got " + host + ":" + port);
      }
      contactPoints.add(InetSocketAddress.createUnresolved(host, port));
      return this;
    }

    /**
     * @param dc the data center whose nodes are preferred (the driver requires it with explicit contact
     *     points); defaults to {@code datacenter1}
     * @return this builder
     */
    public Builder localDatacenter(String dc) {
      this.localDatacenter = Objects.requireNonNull(dc, "localDatacenter");
      return this;
    }

    /**
     * @param username the user name
     * @param password the password; kept out of every log and message
     * @return this builder
     */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Secret.of(Objects.requireNonNull(password, "password"));
      return this;
    }

    /**
     * Credentials from a JSON secret with fields {@code username} and {@code password}.
     *
     * @param secrets where the secret lives
     * @param name the secret's name
     * @return this builder
     */
    public Builder credentials(SecretProvider secrets, String name) {
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
    public Builder sigV4(String region) {
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
    public Builder sigV4(String region, @Nullable AwsCredentialsProvider credentials) {
      Objects.requireNonNull(region, "region");
      this.sigV4 = new CassandraConfig.SigV4(region, credentials);
      return this;
    }

    /**
     * Turns on TLS, trusting the CA in this PEM file, with host-name validation against the address
     * dialled.
     *
     * @param caPem the CA certificate(s), PEM
     * @return this builder
     */
    public Builder pemFile(Path caPem) {
      this.caPem = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /**
     * Turns on mutual TLS with this client certificate.
     *
     * @param certificatePem the client certificate chain, PEM
     * @param privateKeyPem its private key, PKCS#8 PEM
     * @return this builder
     */
    public Builder clientCertificate(Path certificatePem, Path privateKeyPem) {
      this.clientCert = Objects.requireNonNull(certificatePem, "certificatePem");
      this.clientKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      return this;
    }

    /**
     * @param keyspace the keyspace for unqualified table names
     * @return this builder
     */
    public Builder keyspace(String keyspace) {
      this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
      return this;
    }

    /**
     * @param timeout how long to wait for a connection and its handshake (default 10 s)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * @param timeout how long a request may take (default 12 s)
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
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
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = positive(timeout, "attemptTimeout");
      return this;
    }

    /**
     * @param level the default consistency of requests (default LOCAL_QUORUM)
     * @return this builder
     */
    public Builder consistency(ConsistencyLevel level) {
      this.consistency = Objects.requireNonNull(level, "consistency");
      return this;
    }

    /**
     * @param level the default serial consistency of lightweight transactions (default LOCAL_SERIAL)
     * @return this builder
     */
    public Builder serialConsistency(ConsistencyLevel level) {
      this.serialConsistency = Objects.requireNonNull(level, "serialConsistency");
      return this;
    }

    /**
     * @param rows rows per page of results (default 5000)
     * @return this builder
     */
    public Builder pageSize(int rows) {
      if (rows < 1) {
        throw new InvalidInputException("pageSize must be positive, was " + rows);
      }
      this.pageSize = rows;
      return this;
    }

    /**
     * @param delay the longest wait between two attempts to reconnect to a node that went away (default
     *     8 s; attempts start at 500 ms and double)
     * @return this builder
     */
    public Builder reconnectionMaxDelay(Duration delay) {
      this.reconnectionMaxDelay = positive(delay, "reconnectionMaxDelay");
      return this;
    }

    /**
     * @param name the application name reported to the cluster
     * @return this builder
     */
    public Builder applicationName(String name) {
      this.applicationName = Objects.requireNonNull(name, "applicationName");
      return this;
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
    public Builder metrics(Metrics metrics) {
      Objects.requireNonNull(metrics, "metrics");
      if (metrics.enabled()) {
        DriverMetrics.requireBinding();
      }
      this.metrics = metrics;
      return this;
    }

    /**
     * Connects.
     *
     * @return a connected manager
     * @throws DelphaException a typed failure: see {@link CassandraManager}; {@link InvalidInputException} for
     *     both {@link #sigV4} and {@link #credentials}
     */
    public CassandraManager build() {
      if (sigV4 != null && username != null) {
        throw new InvalidInputException("sigV4(..) and credentials(..) are two ways to authenticate: Amazon "
            + "Keyspaces takes SigV4 (or service-specific credentials as a user name and password), choose one");
      }
      if (sigV4 != null) {
        Capability.require("CassandraManager.Builder.sigV4", Capability.KEYSPACES_SIGV4);
      }
      List<InetSocketAddress> points = contactPoints.isEmpty()
          ? List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042))
          : List.copyOf(contactPoints);
      CassandraConfig config = new CassandraConfig(points, localDatacenter, username, password, caPem,
          clientCert, clientKey, keyspace, connectTimeout, requestTimeout, consistency, serialConsistency,
          pageSize, applicationName, reconnectionMaxDelay, sigV4, metrics, attemptTimeout);
      try {
        CqlSession session = sessionBuilder(config, true, metrics).build();
        LOG.info("connected to Cassandra at {} (keyspace {}, tls {})", points, keyspace, config.tls());
        return new CassandraManager(config, session, true);
      } catch (RuntimeException e) {
        DelphaException mapped = DriverErrors.onConnect(e, points);
        if (sigV4 != null && mapped instanceof io.delpha.sdk.core.AuthenticationException) {
          throw new io.delpha.sdk.core.AuthenticationException("Cassandra at " + points + " refused the SigV4 "
              + "authentication (" + sigV4 + "): " + DriverErrors.authenticationReply(e) + "; SigV4 works with "
              + "Amazon Keyspaces only, with credentials allowed cassandra:Select/Modify in " + sigV4.region(), null);
        }
        if (mapped instanceof NotFoundException && keyspace != null) {
          throw new NotFoundException(mapped.getMessage() + "; " + nearbyKeyspaces(config), mapped.getCause());
        }
        throw mapped;
      }
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
          .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL)
          .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT)
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
}
