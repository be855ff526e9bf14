package io.delpha.sdk.usage;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyInfo;
import io.delpha.sdk.security.KeyRole;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.server.HttpService;
import io.delpha.sdk.server.HttpService.Route;
import io.delpha.sdk.usage.internal.UsageAuth;
import io.delpha.sdk.usage.internal.UsageCache;
import io.delpha.sdk.usage.internal.UsageChartEndpoints;
import io.delpha.sdk.usage.internal.UsageCharts;
import io.delpha.sdk.usage.internal.UsageOrganisations;
import io.delpha.sdk.usage.internal.UsagePage;
import io.delpha.sdk.usage.internal.UsageRowsEndpoint;
import io.delpha.sdk.usage.internal.UsageTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
 * 401 missing or unknown key, 403 another organisation, 404 an organisation an admin names that has no key and no
 * rows, 404/405 wrong path or method, 413 more
 * rows than {@link UsageAnalyticsServerBuilder#maxRows(int)}, 502 the sharing server refused, 503 it or Cassandra is
 * unreachable. The organisation filter is applied by the client on every row, whatever the sharing
 * server does with the hint, so one organisation never sees another's rows; with a cache directory the rows are read
 * from the shared cache, the organisation and dates as bound parameters (tables with time, binary or nested columns
 * still read through the client).
 *
 * <p>An organisation an admin names that has no key (none ever issued to it) and no rows is 404, before anything is
 * downloaded or created for it.
 *
 * <p><b>One cache for every organisation</b> (the page routes, with {@link
 * UsageAnalyticsServerBuilder#cacheDirectory(java.nio.file.Path)}). The table's data files are cached once, keyed by
 * table version: each file of a version is downloaded once whatever the number of organisations asking, a new version
 * fetches only its new files and deletes the files no longer in it. One in-memory DuckDB database, with {@value
 * #CACHE_DB_THREADS} threads and a memory limit of {@value #CACHE_DB_MEMORY_MB} MiB, answers every organisation's
 * charts, each query naming its organisation as a bound parameter; queries run one at a time. Nothing is made per
 * organisation, so an admin sweeping organisation names leaves threads, memory, folders and downloads where they were.
 */
public final class UsageAnalyticsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAnalyticsServer.class);
  /** The path of the usage endpoint. */
  public static final String PATH = UsageRowsEndpoint.PATH;
  /** The usage page (HTML, no data until a key is given), served when a cache directory is set. */
  public static final String PAGE_PATH = UsagePage.PAGE_PATH;
  /** The JSON of the per-day chart: {@code {"organisation","from","to","measure","points":[{"day","value"}]}}. */
  public static final String DAILY_PATH = UsageChartEndpoints.DAILY_PATH;
  /** The JSON of the per-feature chart: {@code {..., "points":[{"feature","value"}]}}, largest first. */
  public static final String FEATURES_PATH = UsageChartEndpoints.FEATURES_PATH;
  /** The charts as an HTML fragment with inline SVG, what the page shows. */
  public static final String REPORT_PATH = UsageChartEndpoints.REPORT_PATH;
  /** The longest range a chart covers, in days. */
  public static final int MAX_DAYS = UsageChartEndpoints.MAX_DAYS;
  /** The threads of the cache's one DuckDB database (its {@code threads} setting, given at creation). */
  public static final int CACHE_DB_THREADS = UsageCache.CACHE_DB_THREADS;
  /** The memory limit of the cache's one DuckDB database, in MiB (its {@code memory_limit}, given at creation). */
  public static final int CACHE_DB_MEMORY_MB = UsageCache.CACHE_DB_MEMORY_MB;

  private final UsageAnalyticsServerConfig config;
  private final UsageTable table;
  private final ServerOptions options;
  private final Metrics metrics;
  private final UsageRowsEndpoint rows;
  /** The shared cache behind the page routes; {@code null} without a cache directory. */
  private final @Nullable UsageCache cache;
  private final @Nullable UsageChartEndpoints charts;
  private @Nullable HttpService http;
  private final ClosedGuard guard = new ClosedGuard("this UsageAnalyticsServer");

  UsageAnalyticsServer(UsageAnalyticsServerConfig config) {
    this.config = config;
    this.table = new UsageTable(config.client(), config.table(), config.organisationColumn(), config.dateColumn());
    AccessKeys keys = config.accessKeys();
    UsageAuth auth = new UsageAuth(keys::authenticate, this::running);
    UsageOrganisations organisations = new UsageOrganisations(() -> keys.listKeys().stream()
        .filter(k -> k.role() == KeyRole.ORG).map(KeyInfo::organisation).collect(Collectors.toSet()), config.clock());
    this.metrics = config.metrics();
    Path cacheDirectory = config.cacheDirectory();
    if (cacheDirectory != null) {
      UsageCache shared = new UsageCache(table, UsageCache::boundedDuckDb, cacheDirectory, config.refreshInterval(),
          config.clock());
      this.cache = shared;
      this.charts = new UsageChartEndpoints(auth,
          new UsageCharts(table, shared, config.featureColumn(), config.measureColumn()), organisations,
          config.clock());
      this.rows = new UsageRowsEndpoint(auth, table, organisations, shared, config.maxRows());
    } else {
      this.cache = null;
      this.charts = null;
      this.rows = new UsageRowsEndpoint(auth, table, organisations, null, config.maxRows());
    }
    ServerOptions given = config.options();
    ServerOptions.Builder o = given != null ? given.toBuilder() : ServerOptions.builder();
    InetSocketAddress address = config.address();
    if (address != null) {
      o.address(address);
    }
    Integer threads = config.threads();
    if (threads != null) {
      o.threads(Math.max(2, threads));
    }
    this.options = o.build();
  }

  /**
   * @return a builder
   */
  public static UsageAnalyticsServerBuilder builder() {
    return new UsageAnalyticsServerBuilder();
  }

  /**
   * @return the settings this server was built with (answers after {@link #close()} too)
   */
  public UsageAnalyticsServerConfig config() {
    return config;
  }

  /**
   * A builder for another server with this one's settings ({@code config().toBuilder()}: the client and the access
   * keys included), so {@code toBuilder().build().config()} equals {@link #config()}. The new server is not started.
   *
   * @return a new builder holding {@link #config()}
   */
  public UsageAnalyticsServerBuilder toBuilder() {
    return config.toBuilder();
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
   * Stops accepting requests, stops the server and closes the cache's DuckDB database (its files stay); the client and the
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
}
