package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import io.delpha.sdk.cassandra.internal.ControlChannel;
import io.delpha.sdk.core.internal.Endpoints;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import io.delpha.sdk.core.internal.cql.MappedResultSet;
import io.delpha.sdk.cassandra.internal.SchemaSettling;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection to a Cassandra cluster: the library's {@link CqlExecutor}, built fluently, with
 * username/password authentication or AWS SigV4 (Amazon Keyspaces, {@link
 * CassandraManagerBuilder#sigV4}), TLS trusting a PEM CA
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
 * <p>{@link CassandraManagerBuilder#build() Building} connects at once and fails fast: {@link
 * io.delpha.sdk.core.AuthenticationException} for wrong credentials, {@link
 * io.delpha.sdk.core.TlsException} for a missing PEM file or an untrusted server, {@link
 * io.delpha.sdk.core.ServiceUnavailableException} listing the contact points when none answers, {@link
 * NotFoundException} for an unknown keyspace. A manager is thread-safe and meant to be shared; close it
 * once. {@link #session()} is the escape hatch to the driver's {@link CqlSession}.
 */
public final class CassandraManager implements CqlExecutor, AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CassandraManager.class);
  /** The pause before a schema read that failed transiently is asked again on a channel still open. */
  private static final long SCHEMA_RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int PREPARED_CACHE_LIMIT = 2048;
  /** How long a connection may read nothing before the driver checks it with a heartbeat (whole seconds). */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /** How long a heartbeat may go unanswered before its connection is closed and the node's requests move on. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
  /**
   * How long the driver waits for further schema events before it refreshes its schema; a schema change through the
   * manager is answered after that refresh (the driver's default, 1 s, made every CREATE or DROP take over a second).
   */
  static final Duration SCHEMA_REFRESH_WINDOW = Duration.ofMillis(50);

  private final CassandraConfig config;
  private final CqlSession session;
  private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();
  private final boolean ownsSession;
  private final ClusterView clusterView;
  private final ClosedGuard guard = new ClosedGuard("this CassandraManager");

  CassandraManager(CassandraConfig config, CqlSession session, boolean ownsSession) {
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
    Settings.Draft d = CassandraConfig.SETTINGS.draft();
    d.set(CassandraConfig.CONTACT_POINTS, points);
    d.set(CassandraConfig.LOCAL_DATACENTER, dc);
    d.setOrClear(CassandraConfig.KEYSPACE, session.getKeyspace().map(CqlIdentifier::asInternal).orElse(null));
    d.set(CassandraConfig.CONNECT_TIMEOUT, profile.getDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT));
    d.set(CassandraConfig.REQUEST_TIMEOUT, profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT));
    d.set(CassandraConfig.CONSISTENCY,
        DefaultConsistencyLevel.valueOf(profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY)));
    d.set(CassandraConfig.SERIAL_CONSISTENCY,
        DefaultConsistencyLevel.valueOf(profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY)));
    d.set(CassandraConfig.PAGE_SIZE, profile.getInt(DefaultDriverOption.REQUEST_PAGE_SIZE));
    d.set(CassandraConfig.RECONNECTION_MAX_DELAY, profile.getDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY));
    return new CassandraManager(new CassandraConfig(d.freeze()), session, closeSession);
  }

  private CqlSession open() {
    guard.check();
    return session;
  }

  /**
   * @return a builder
   */
  public static CassandraManagerBuilder builder() {
    return new CassandraManagerBuilder();
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
  public CassandraManagerBuilder toBuilder() {
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
      CqlSession session = open();
      ResultSet rs = session.execute(statement);
      if (SchemaSettling.changesSchema(statement)) {
        // every node has the change before the next statement, whichever coordinator it reaches
        SchemaSettling.await(session, rs.getExecutionInfo(), config.requestTimeout());
      }
      return new MappedResultSet(rs);
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
   * The schema, read afresh. When the node under the driver's control connection (the channel that reads the schema)
   * dies or hangs, the read waits for the driver to reconnect it to a live node, and a refresh that fails because its
   * connection closed under it (a transient failure, {@link DriverErrors#transientFailure}) is asked again once the
   * channel is back. Bounded by the connect timeout (one attempt on a hung node) plus the request timeout: a schema
   * read never hangs, and right after a restart a control connection that is not back yet is a typed error.
   *
   * @throws ServiceUnavailableException when the control connection is not back, or the schema not read, in that time
   */
  @Override
  public Metadata schema() {
    CqlSession s = open();
    long bound = config.connectTimeout().toNanos() + config.requestTimeout().toNanos();
    long deadline = System.nanoTime() + bound;
    while (true) {
      try {
        if (!ControlChannel.awaitOpen(s, deadline)) {
          throw new ServiceUnavailableException("the connection that reads the schema is down and did not reconnect "
              + "to a live node within " + TimeUnit.NANOSECONDS.toMillis(bound) + " ms (is the cluster at "
              + Endpoints.format(config.contactPoints()) + " up?); retry shortly");
        }
        long left = Math.max(1, deadline - System.nanoTime());
        return s.refreshSchemaAsync().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new ServiceUnavailableException("the cluster did not return its schema within "
            + TimeUnit.NANOSECONDS.toMillis(bound) + " ms", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while reading the schema", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (!DriverErrors.transientFailure(cause) || System.nanoTime() - deadline >= 0) {
          throw DriverErrors.onRequest(cause);
        }
        LOG.debug("a schema read failed on the control connection, reading it again: {}", cause.toString());
        java.util.concurrent.locks.LockSupport.parkNanos(SCHEMA_RETRY_PAUSE_NANOS);
      } catch (RuntimeException e) {
        throw DriverErrors.onRequest(e);
      }
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
}
