package io.delpha.sdk.sharing;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.server.internal.HttpService;
import io.delpha.sdk.server.internal.HttpService.Route;
import io.delpha.sdk.sharing.internal.UsageAuth;
import io.delpha.sdk.sharing.internal.UsageCache;
import io.delpha.sdk.sharing.internal.UsageChartEndpoints;
import io.delpha.sdk.sharing.internal.UsageCharts;
import io.delpha.sdk.sharing.internal.UsagePage;
import io.delpha.sdk.sharing.internal.UsageRowsEndpoint;
import io.delpha.sdk.sharing.internal.UsageTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage-analytics middleware: an embeddable HTTP service (the library's one HTTP foundation, on Jetty) that serves
 * each caller the rows of a shared usage table that belong to the caller's organisation.
 *
 * <pre>{@code
 * try (UsageAnalyticsServer server = UsageAnalyticsServer.builder()
 *     .client(sharingClient).table("analytics.platform.usage")
 *     .organisationColumn("org_id").dateColumn("usage_date")
 *     .accessKeys(keys).port(8080).build().start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@code GET /api/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD} with {@code Authorization: Bearer <access
 * key>} answers {@code {"organisation", "from", "to", "rowCount", "rows": [{column: value}]}}. An
 * organisation key reads its own organisation only ({@code org=} naming another is 403); the admin key
 * must name one with {@code org=}, a name {@link AccessKeys} could have issued ({@link
 * AccessKeys#isOrganisationName(String)}). Errors are JSON {@code {"error", "message"}}: 400 bad or missing
 * dates (anything but {@code YYYY-MM-DD}) or an {@code org=} no key could name, checked before anything is read;
 * 401 missing or unknown key, 403 another organisation, 404/405 wrong path or method, 413 more
 * rows than {@link Builder#maxRows(int)}, 502 the sharing server refused, 503 it or Cassandra is
 * unreachable. The organisation filter is applied by the client on every row, whatever the sharing
 * server does with the hint, so one organisation never sees another's rows.
 *
 * <p><b>Bounds per organisation</b> (the page routes). Each organisation's DuckDB database is in memory with {@value
 * #ORGANISATION_DB_THREADS} thread and a memory limit of {@value #ORGANISATION_DB_MEMORY_MB} MiB; at most {@link
 * Builder#maxOpenOrganisations(int)} are open at once (default {@value #DEFAULT_MAX_OPEN_ORGANISATIONS}): opening
 * one more closes the least recently used and deletes its cache folder, so an admin sweeping organisation names
 * leaves threads, memory and folders where they were. An organisation's cache keeps the files of its current table
 * version only: a refresh to a new version deletes the older versions' manifests and files.
 */
public final class UsageAnalyticsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAnalyticsServer.class);
  /** The path of the usage endpoint. */
  public static final String PATH = "/api/v1/usage";
  /** The usage page (HTML, no data until a key is given), served when a cache directory is set. */
  public static final String PAGE_PATH = UsagePage.PAGE_PATH;
  /** The JSON of the per-day chart: {@code {"organisation","from","to","measure","points":[{"day","value"}]}}. */
  public static final String DAILY_PATH = "/api/v1/usage/daily";
  /** The JSON of the per-feature chart: {@code {..., "points":[{"feature","value"}]}}, largest first. */
  public static final String FEATURES_PATH = "/api/v1/usage/features";
  /** The charts as an HTML fragment with inline SVG, what the page shows. */
  public static final String REPORT_PATH = "/api/v1/usage/report";
  /** The longest range a chart covers, in days. */
  public static final int MAX_DAYS = 366;
  /** The threads of each organisation's DuckDB database (its {@code threads} setting, given at creation). */
  public static final int ORGANISATION_DB_THREADS = 1;
  /** The memory limit of each organisation's DuckDB database, in MiB (its {@code memory_limit}, given at creation). */
  public static final int ORGANISATION_DB_MEMORY_MB = 128;
  /** The default of {@link Builder#maxOpenOrganisations(int)}. */
  public static final int DEFAULT_MAX_OPEN_ORGANISATIONS = 16;

  private final UsageTable table;
  private final ServerOptions options;
  private final Recorder metrics;
  private final UsageRowsEndpoint rows;
  /** The organisations' databases behind the page routes; {@code null} without a cache directory. */
  private final @Nullable UsageCache cache;
  private final @Nullable UsageChartEndpoints charts;
  private @Nullable HttpService http;
  private final ClosedGuard guard = new ClosedGuard("this UsageAnalyticsServer");

  private UsageAnalyticsServer(Builder b) {
    // all five checked by build()
    this.table = new UsageTable(Objects.requireNonNull(b.client, "client"), Objects.requireNonNull(b.table, "table"),
        Objects.requireNonNull(b.organisationColumn, "organisationColumn"),
        Objects.requireNonNull(b.dateColumn, "dateColumn"));
    UsageAuth auth = new UsageAuth(Objects.requireNonNull(b.authenticator, "authenticator"), this::running);
    this.rows = new UsageRowsEndpoint(auth, table, b.maxRows);
    this.metrics = Recorder.of(b.metrics);
    if (b.cacheDirectory != null) {
      this.cache = new UsageCache(table, UsageAnalyticsServer::boundedDuckDb, b.cacheDirectory, b.refreshInterval,
          b.clock, b.maxOpenOrganisations);
      this.charts = new UsageChartEndpoints(auth, new UsageCharts(table, cache, b.featureColumn, b.measureColumn),
          b.clock);
    } else {
      this.cache = null;
      this.charts = null;
    }
    ServerOptions.Builder o = b.options != null ? b.options.toBuilder() : ServerOptions.builder();
    if (b.address != null) {
      o.address(b.address);
    }
    if (b.threads > 0) {
      o.threads(Math.max(2, b.threads));
    }
    this.options = o.build();
  }

  /** An in-memory DuckDB database with the per-organisation thread and memory limits, set at creation. */
  private static Connection boundedDuckDb() {
    return SharingSql.openDuckDb(Map.of("threads", String.valueOf(ORGANISATION_DB_THREADS),
        "memory_limit", ORGANISATION_DB_MEMORY_MB + "MiB"));
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this server
   * @throws ServiceUnavailableException if the port cannot be bound
   */
  public synchronized UsageAnalyticsServer start() {
    guard.check();
    if (http == null) {
      List<Route> routes = new ArrayList<>(List.of(rows.route()));
      if (charts != null) {
        routes.addAll(charts.routes());
      }
      http = HttpService.start("usage-analytics", options, routes, metrics);
      LOG.info("usage analytics serving {} on {}", table.table(), uri());
    }
    return this;
  }

  /**
   * @return the port listened on (useful with port 0)
   */
  public int port() {
    guard.check();
    return running().uri().getPort();
  }

  /**
   * @return the base URI, e.g. {@code http://127.0.0.1:8080} ({@code https} with TLS)
   */
  public URI uri() {
    guard.check();
    String u = running().uri().toString();
    return URI.create(u.substring(0, u.length() - 1));
  }

  private HttpService running() {
    HttpService h = http;
    if (h == null) {
      throw new IllegalStateException("the usage analytics server is not started: call start()");
    }
    return h;
  }

  /**
   * Stops accepting requests, stops the server and closes the organisations' DuckDB databases; the client and the
   * access keys stay the host's. Idempotent, started or not; afterwards every method throws {@link ClosedException}.
   */
  @Override
  public synchronized void close() {
    if (!guard.close()) {
      return;
    }
    if (http != null) {
      http.close();
      http = null;
    }
    if (cache != null) {
      cache.close();
    }
  }

  @Override
  public String toString() {
    return "UsageAnalyticsServer[" + table.table() + ", org=" + table.organisationColumn() + ", date="
        + table.dateColumn() + "]";
  }

  /** Builds a {@link UsageAnalyticsServer}. */
  public static final class Builder {
    private @Nullable DeltaSharingClient client;
    private @Nullable String table;
    private @Nullable String organisationColumn;
    private @Nullable String dateColumn;
    private @Nullable Function<String, KeyPrincipal> authenticator;
    private int maxRows = 100_000;
    private @Nullable InetSocketAddress address;
    private int threads;
    private @Nullable ServerOptions options;
    private Metrics metrics = Metrics.none();
    private @Nullable Path cacheDirectory;
    private @Nullable String featureColumn;
    private @Nullable String measureColumn;
    private Duration refreshInterval = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private int maxOpenOrganisations = DEFAULT_MAX_OPEN_ORGANISATIONS;

    private Builder() {}

    /**
     * @param max the most organisations whose DuckDB database (and cache folder) is kept at once, default {@value
     *     #DEFAULT_MAX_OPEN_ORGANISATIONS}; one more closes the least recently used and deletes its cache folder
     * @return this builder
     * @throws InvalidInputException if {@code max} is below 1
     */
    public Builder maxOpenOrganisations(int max) {
      if (max < 1) {
        throw new InvalidInputException("maxOpenOrganisations must be >= 1, was " + max);
      }
      this.maxOpenOrganisations = max;
      return this;
    }

    /**
     * Turns on the usage page and its chart endpoints ({@link #PAGE_PATH}, {@link #DAILY_PATH}, {@link
     * #FEATURES_PATH}, {@link #REPORT_PATH}), answered by DuckDB over a cache of the table's files: one folder
     * and one in-memory database per organisation under this directory, each holding that organisation's rows
     * only. Needs DuckDB's JDBC driver ({@link SharingSql#DUCKDB_COORDINATES}) on the class path.
     *
     * @param directory the cache root
     * @return this builder
     */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * @param column the column the per-feature chart groups by; without it the page has no such chart
     * @return this builder
     */
    public Builder featureColumn(String column) {
      Objects.requireNonNull(column, "column");
      this.featureColumn = column;
      return this;
    }

    /**
     * @param column the numeric column the charts sum; without it they count rows
     * @return this builder
     */
    public Builder measureColumn(String column) {
      Objects.requireNonNull(column, "column");
      this.measureColumn = column;
      return this;
    }

    /**
     * @param interval how often, at most, a chart request checks the table's version (and fetches new files);
     *     default one minute, {@link Duration#ZERO} checks on every request
     * @return this builder
     */
    public Builder refreshInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new InvalidInputException("refreshInterval must not be negative");
      }
      this.refreshInterval = interval;
      return this;
    }

    /**
     * @param clock the clock of the refresh interval and of the page's default range
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param client the Delta Sharing client reading the usage table
     * @return this builder
     */
    public Builder client(DeltaSharingClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param table the shared usage table, {@code share.schema.table}
     * @return this builder
     */
    public Builder table(String table) {
      Objects.requireNonNull(table, "table");
      this.table = SharedTable.parse(table).coordinates();
      return this;
    }

    /**
     * @param column the column holding each row's organisation
     * @return this builder
     */
    public Builder organisationColumn(String column) {
      Objects.requireNonNull(column, "column");
      this.organisationColumn = column;
      return this;
    }

    /**
     * @param column the column holding each row's date (DATE, TIMESTAMP or ISO date text)
     * @return this builder
     */
    public Builder dateColumn(String column) {
      Objects.requireNonNull(column, "column");
      this.dateColumn = column;
      return this;
    }

    /**
     * @param keys the library's access keys, which authenticate every request
     * @return this builder
     */
    public Builder accessKeys(AccessKeys keys) {
      Objects.requireNonNull(keys, "keys");
      this.authenticator = keys::authenticate;
      return this;
    }

    /**
     * @param maxRows the most rows one answer holds (default 100,000); more is a 413
     * @return this builder
     */
    public Builder maxRows(int maxRows) {
      if (maxRows < 1) {
        throw new InvalidInputException("maxRows must be >= 1, was " + maxRows);
      }
      this.maxRows = maxRows;
      return this;
    }

    /**
     * @param address the address to listen on (default 127.0.0.1, a free port)
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * @param port the port on 127.0.0.1 (0 for a free one)
     * @return this builder
     */
    public Builder port(int port) {
      this.address = new InetSocketAddress("127.0.0.1", port);
      return this;
    }

    /**
     * @param threads requests served at once (default 16, at least 2)
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new InvalidInputException("threads must be >= 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * @param options address, HTTPS ({@link ServerOptions.Builder#tls}) and limits; {@link #bind}, {@link
     *     #port} and {@link #threads} given as well override its address and threads
     * @return this builder
     */
    public Builder options(ServerOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Like {@link #options(ServerOptions)}, with a new {@code ServerOptions.Builder} the consumer fills in (as the AWS SDK's
     * {@code Consumer<Builder>} overloads, it starts from {@code ServerOptions.builder()}, not from the current setting).
     *
     * @param options fills in the server options
     * @return this builder
     */
    public Builder options(Consumer<ServerOptions.Builder> options) {
      ServerOptions.Builder b = ServerOptions.builder();
      Objects.requireNonNull(options, "options").accept(b);
      return options(b.build());
    }

    /**
     * @param metrics where requests are timed ({@code delpha.http.server.requests}, docs/metrics.md); the access
     *     keys given meter their own checks; default {@link Metrics#none()}
     * @return this builder
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * @return the server, not started yet
     * @throws InvalidInputException if the client, table, columns or access keys are missing
     */
    public UsageAnalyticsServer build() {
      Capability.require("UsageAnalyticsServer", Capability.HTTP_SERVER);
      if (client == null || table == null || blank(organisationColumn) || blank(dateColumn) || authenticator == null) {
        throw new InvalidInputException("the usage server needs a client, a table, an organisation column, a date "
            + "column and access keys");
      }
      if (cacheDirectory != null) {
        try (Connection probe = SharingSql.openDuckDb()) { // no DuckDB: say so now, naming the artifact
          probe.getMetaData();
        } catch (SQLException e) {
          throw new ServiceUnavailableException("DuckDB could not open a database: " + e.getMessage(), e);
        }
      }
      return new UsageAnalyticsServer(this);
    }

    private static boolean blank(@Nullable String s) {
      return s == null || s.isBlank();
    }
  }
}
