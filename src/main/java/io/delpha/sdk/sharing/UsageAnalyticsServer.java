package io.delpha.sdk.sharing;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.server.internal.Exchange;
import io.delpha.sdk.core.internal.http.HttpError;
import io.delpha.sdk.server.internal.HttpService;
import io.delpha.sdk.server.internal.HttpService.Route;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.LinkedHashMap;
import io.delpha.sdk.core.internal.Folders;
import java.util.function.Function;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.sharing.internal.DuckDbSql;
import io.delpha.sdk.sharing.internal.UsagePage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Consumer;

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
  private static final ObjectMapper JSON = JsonSupport.MAPPER;
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
  private static final String VIEW = "usage";
  /**
   * Held while a DuckDB database is created or closed: DuckDB's JDBC driver (the version docs/sharing.md names) was
   * seen to hang with databases created and destroyed on several threads at once (four admins sweeping organisations,
   * each eviction closing one).
   */
  private static final Object DUCKDB_LIFECYCLE = new Object();
  private static final java.util.regex.Pattern ISO_DAY = java.util.regex.Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  /** The threads of each organisation's DuckDB database (its {@code threads} setting, given at creation). */
  public static final int ORGANISATION_DB_THREADS = 1;
  /** The memory limit of each organisation's DuckDB database, in MiB (its {@code memory_limit}, given at creation). */
  public static final int ORGANISATION_DB_MEMORY_MB = 128;
  /** The default of {@link Builder#maxOpenOrganisations(int)}. */
  public static final int DEFAULT_MAX_OPEN_ORGANISATIONS = 16;

  private final DeltaSharingClient client;
  private final String table;
  private final String organisationColumn;
  private final String dateColumn;
  private final Function<String, KeyPrincipal> authenticator;
  private final int maxRows;
  private final ServerOptions options;
  private final Recorder metrics;
  private final @Nullable Path cacheDirectory;
  private final @Nullable String featureColumn;
  private final @Nullable String measureColumn;
  private final Duration refreshInterval;
  private final Clock clock;
  private final int maxOpenOrganisations;
  /** The organisations' views, least recently used first; guarded by itself. */
  private final LinkedHashMap<String, OrgView> views = new LinkedHashMap<>(16, 0.75f, true);
  /** Organisations whose evicted view is being closed and its folder deleted; guarded by {@link #views}. */
  private final java.util.Set<String> retiring = new java.util.HashSet<>();
  private @Nullable HttpService http;
  private volatile @Nullable ColumnType dateType;
  private final ClosedGuard guard = new ClosedGuard("this UsageAnalyticsServer");

  private UsageAnalyticsServer(Builder b) {
    // all five checked by build()
    this.client = Objects.requireNonNull(b.client, "client");
    this.table = Objects.requireNonNull(b.table, "table");
    this.organisationColumn = Objects.requireNonNull(b.organisationColumn, "organisationColumn");
    this.dateColumn = Objects.requireNonNull(b.dateColumn, "dateColumn");
    this.authenticator = Objects.requireNonNull(b.authenticator, "authenticator");
    this.maxRows = b.maxRows;
    this.metrics = Recorder.of(b.metrics);
    this.cacheDirectory = b.cacheDirectory;
    this.featureColumn = b.featureColumn;
    this.measureColumn = b.measureColumn;
    this.refreshInterval = b.refreshInterval;
    this.clock = b.clock;
    this.maxOpenOrganisations = b.maxOpenOrganisations;
    ServerOptions.Builder o = b.options != null ? b.options.toBuilder() : ServerOptions.builder();
    if (b.address != null) {
      o.address(b.address);
    }
    if (b.threads > 0) {
      o.threads(Math.max(2, b.threads));
    }
    this.options = o.build();
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
      List<Route> routes = new ArrayList<>(List.of(new Route("GET", PATH, this::handle)));
      if (cacheDirectory != null) {
        routes.add(new Route("GET", PAGE_PATH, this::page));
        routes.add(new Route("GET", PAGE_PATH + "/app.js", this::script));
        routes.add(new Route("GET", DAILY_PATH, e -> chartJson(e, false)));
        routes.add(new Route("GET", FEATURES_PATH, e -> chartJson(e, true)));
        routes.add(new Route("GET", REPORT_PATH, this::report));
      }
      http = HttpService.start("usage-analytics", options, routes, metrics);
      LOG.info("usage analytics serving {} on {}", table, uri());
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
    List<OrgView> open;
    synchronized (views) {
      open = new ArrayList<>(views.values());
      views.clear();
    }
    for (OrgView v : open) {
      synchronized (v) {
        v.retire();
      }
    }
  }

  /**
   * One organisation's analytics: its own DuckDB database, over its own cache folder, holding its rows only. Once
   * retired (evicted or closed) it is never used again: a request that held it looks the organisation up anew.
   */
  private static final class OrgView {
    final String organisation;
    @Nullable SharingSql sql;
    @Nullable Connection db;
    long checkedAt;
    boolean retired;

    OrgView(String organisation) {
      this.organisation = organisation;
    }

    /** Closes the database; the caller holds this view's lock. */
    void retire() {
      retired = true;
      if (sql != null) {
        sql.close();
        sql = null;
      }
      if (db != null) {
        closeDuckDb(db, organisation);
        db = null;
      }
    }
  }

  /** The organisation's view, most recently used now; opening one beyond the cap retires the least recently used. */
  private OrgView view(String organisation) {
    List<OrgView> evicted = new ArrayList<>();
    OrgView v;
    synchronized (views) {
      while (retiring.contains(organisation)) { // its folder is being deleted: a new view starts after that
        try {
          views.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HttpError(503, "unavailable", "the server is stopping; retry later");
        }
      }
      v = views.computeIfAbsent(organisation, OrgView::new);
      var it = views.values().iterator();
      while (views.size() > maxOpenOrganisations && it.hasNext()) {
        OrgView eldest = it.next();
        if (eldest != v) {
          it.remove();
          retiring.add(eldest.organisation);
          evicted.add(eldest);
        }
      }
    }
    for (OrgView e : evicted) { // outside the map's lock: an evicted view may be finishing a query
      try {
        synchronized (e) {
          e.retire();
          deleteFolder(e.organisation);
        }
      } finally {
        synchronized (views) {
          retiring.remove(e.organisation);
          views.notifyAll();
        }
      }
    }
    return v;
  }

  private void deleteFolder(String organisation) {
    Path folder = organisationFolder(organisation);
    try {
      Folders.deleteTree(folder);
    } catch (IOException e) {
      LOG.warn("cannot delete the usage cache folder {}: {}", folder, e.toString());
    }
  }

  /**
   * An in-memory DuckDB database with this server's per-organisation thread and memory limits, set at creation.
   * Databases are created and closed one at a time ({@link #DUCKDB_LIFECYCLE}); queries run concurrently.
   */
  private static Connection boundedDuckDb() {
    synchronized (DUCKDB_LIFECYCLE) {
      return SharingSql.openDuckDb(Map.of("threads", String.valueOf(ORGANISATION_DB_THREADS),
          "memory_limit", ORGANISATION_DB_MEMORY_MB + "MiB"));
    }
  }

  private static void closeDuckDb(Connection db, String organisation) {
    synchronized (DUCKDB_LIFECYCLE) {
      try {
        db.close();
      } catch (SQLException e) {
        LOG.debug("closing the DuckDB database of {}: {}", organisation, e.toString());
      }
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on the organisation's DuckDB database: made on first use (the table attached with the
   * organisation as its filter, so its cache folder holds the organisation's rows only), brought to the table's
   * current version at most once per refresh interval. One query at a time per organisation.
   */
  private <T> T withOrganisation(String organisation, SqlWork<T> work) {
    while (true) {
      OrgView v = view(organisation);
      synchronized (v) {
        if (v.retired) {
          continue; // evicted while this request waited for it
        }
        return withView(v, work);
      }
    }
  }

  private <T> T withView(OrgView v, SqlWork<T> work) {
    String organisation = v.organisation;
    try {
      long now = clock.millis();
      SharingSql sql = v.sql;
      if (sql == null) {
        Connection db = boundedDuckDb();
        sql = SharingSql.builder().client(client).cacheDirectory(organisationFolder(organisation)).connection(db)
            .build();
        try {
          sql.attach(table, VIEW, QueryOptions.builder().filter(Filter.eq(organisationColumn, organisation)).build());
        } catch (RuntimeException e) {
          sql.close();
          closeDuckDb(db, organisation);
          throw e;
        }
        v.sql = sql;
        v.db = db;
        v.checkedAt = now;
      } else if (now - v.checkedAt >= refreshInterval.toMillis()) {
        sql.refresh(VIEW);
        v.checkedAt = now;
      }
      return work.run(sql.connection());
    } catch (SQLException e) {
      LOG.warn("usage query of {} failed: {}", table, e.getMessage());
      throw new HttpError(502, "upstream", "the usage data could not be queried");
    } catch (ServiceUnavailableException e) {
      LOG.warn("sharing server unavailable: {}", e.getMessage());
      throw new HttpError(503, "unavailable", "the usage data cannot be reached right now; retry later");
    } catch (HttpError e) {
      throw e;
    } catch (DelphaException e) {
      LOG.warn("reading {} failed: {}", table, e.getMessage());
      throw new HttpError(502, "upstream", "the usage data could not be read");
    }
  }

  /** A cache folder per organisation: its name if plain, else a hash, so no name reaches outside the root. */
  private Path organisationFolder(String organisation) {
    String name = organisation.matches("[A-Za-z0-9_-]{1,64}") ? organisation
        : "h" + java.util.HexFormat.of().formatHex(sha256(organisation)).substring(0, 40);
    // the organisations' databases serve the page routes, which exist only with a cache directory
    return Objects.requireNonNull(cacheDirectory, "cacheDirectory").resolve("org-" + name);
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void page(Exchange exchange) throws IOException {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    secureHeaders(exchange);
    exchange.respond(200, "text/html; charset=utf-8", UsagePage.shell(today.minusDays(29), today, REPORT_PATH));
  }

  private void script(Exchange exchange) throws IOException {
    secureHeaders(exchange);
    exchange.respond(200, "text/javascript; charset=utf-8", UsagePage.script());
  }

  private static void secureHeaders(Exchange exchange) {
    exchange.setHeader("Content-Security-Policy", UsagePage.CSP);
    exchange.setHeader("X-Content-Type-Options", "nosniff");
    exchange.setHeader("Referrer-Policy", "no-referrer");
  }

  /** The organisation, range and numbers of one chart request. */
  private record Range(String organisation, LocalDate from, LocalDate to) {}

  private Range range(Exchange exchange, KeyPrincipal caller) {
    LocalDate from = date(exchange.query("from"), "from");
    LocalDate to = date(exchange.query("to"), "to");
    if (from.isAfter(to)) {
      throw new HttpError(400, "bad_request", "from (" + from + ") is after to (" + to + ")");
    }
    if (to.toEpochDay() - from.toEpochDay() >= MAX_DAYS) {
      throw new HttpError(400, "bad_request", "a chart covers at most " + MAX_DAYS + " days");
    }
    return new Range(organisation(exchange, caller), from, to);
  }

  private void chartJson(Exchange exchange, boolean perFeature) throws IOException {
    KeyPrincipal caller = authenticate(exchange);
    if (perFeature && featureColumn == null) {
      throw new HttpError(404, "not_found", "this server has no feature column configured");
    }
    Range r = range(exchange, caller);
    ObjectNode body = JSON.createObjectNode().put("organisation", r.organisation()).put("from", r.from().toString())
        .put("to", r.to().toString()).put("measure", measureLabel());
    ArrayNode points = body.putArray("points");
    if (perFeature) {
      for (UsagePage.Point p : features(r)) {
        points.addObject().put("feature", p.label()).put("value", p.value());
      }
    } else {
      daily(r).forEach((d, v) -> points.addObject().put("day", d.toString()).put("value", v));
    }
    exchange.respond(200, JSON.writeValueAsBytes(body));
    LOG.info("GET {} key={} -> 200", perFeature ? FEATURES_PATH : DAILY_PATH, caller.keyId());
  }

  private void report(Exchange exchange) throws IOException {
    KeyPrincipal caller = authenticate(exchange);
    Range r = range(exchange, caller);
    byte[] html = UsagePage.report(r.organisation(), r.from(), r.to(), measureLabel(), daily(r),
        featureColumn == null ? null : features(r));
    secureHeaders(exchange);
    exchange.respond(200, "text/html; charset=utf-8", html);
    LOG.info("GET {} key={} -> 200", REPORT_PATH, caller.keyId());
  }

  private String measureLabel() {
    return measureColumn == null ? "rows" : measureColumn;
  }

  private String dayExpression() {
    ColumnType type = dateType;
    if (type == null) {
      type = client.tableMetadata(table).schema().column(dateColumn).type();
      dateType = type;
    }
    String column = DuckDbSql.identifier(dateColumn);
    return type.kind() == ColumnType.Kind.STRING ? "CAST(left(" + column + ", 10) AS DATE)"
        : "CAST(" + column + " AS DATE)";
  }

  /** The SQL of one chart: the measure per group, the organisation and range as parameters. */
  private String chartSql(String group) {
    String measure = measureColumn == null ? "count(*)" : "sum(" + DuckDbSql.identifier(measureColumn) + ")";
    return "SELECT " + group + " AS g, CAST(" + measure + " AS VARCHAR) AS v FROM " + VIEW + " WHERE "
        + DuckDbSql.identifier(organisationColumn) + " = ? AND " + dayExpression()
        + " BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY 1";
  }

  private Map<LocalDate, BigDecimal> daily(Range r) {
    return withOrganisation(r.organisation(), c -> {
      String sql = chartSql(dayExpression()) + " ORDER BY 1";
      Map<LocalDate, BigDecimal> out = new java.util.TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, r);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(LocalDate.parse(rs.getString(1)), value(rs.getString(2)));
          }
        }
      }
      return out;
    });
  }

  private List<UsagePage.Point> features(Range r) {
    List<UsagePage.Point> out = withOrganisation(r.organisation(), c -> {
      String feature = Objects.requireNonNull(featureColumn, "features are charted only with a feature column");
      String sql = chartSql("CAST(" + DuckDbSql.identifier(feature) + " AS VARCHAR)");
      List<UsagePage.Point> points = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, r);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            points.add(new UsagePage.Point(rs.getString(1) == null ? "(none)" : rs.getString(1), value(rs.getString(2))));
          }
        }
      }
      return points;
    });
    out.sort(java.util.Comparator.comparing(UsagePage.Point::value).reversed()
        .thenComparing(UsagePage.Point::label));
    return out;
  }

  private static void bind(PreparedStatement ps, Range r) throws SQLException {
    ps.setString(1, r.organisation());
    ps.setString(2, r.from().toString());
    ps.setString(3, r.to().toString());
  }

  private static BigDecimal value(@Nullable String text) {
    return text == null ? BigDecimal.ZERO : new BigDecimal(text);
  }

  private void handle(Exchange exchange) throws IOException {
    KeyPrincipal caller = authenticate(exchange);
    int status = usage(exchange, caller);
    LOG.info("GET {} key={} -> {}", PATH, caller.keyId(), status);
  }

  private KeyPrincipal authenticate(Exchange exchange) {
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new HttpError(401, "unauthorized", "send Authorization: Bearer <access key>",
          Map.of("WWW-Authenticate", "Bearer"));
    }
    try {
      KeyPrincipal p = running().passwordCheck(() -> authenticator.apply(header.substring(7).trim()));
      exchange.authenticated();
      return p;
    } catch (AccessDeniedException e) {
      throw new HttpError(401, "unauthorized", "the access key is not valid",
          Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    } catch (ServiceUnavailableException e) {
      throw new HttpError(503, "unavailable", "access keys cannot be checked right now; retry later");
    }
  }

  private int usage(Exchange exchange, KeyPrincipal caller) throws IOException {
    LocalDate from = date(exchange.query("from"), "from");
    LocalDate to = date(exchange.query("to"), "to");
    if (from.isAfter(to)) {
      throw new HttpError(400, "bad_request", "from (" + from + ") is after to (" + to + ")");
    }
    String organisation = organisation(exchange, caller);
    List<Row> rows = new ArrayList<>();
    RowSchema schema;
    try (RowReader reader = client.readTable(table, QueryOptions.builder().filter(Filter.and(
        Filter.eq(organisationColumn, organisation), Filter.ge(dateColumn, bound(from)),
        Filter.le(dateColumn, bound(to)))).build())) {
      schema = reader.schema();
      while (reader.hasNext()) {
        if (rows.size() == maxRows) {
          throw new HttpError(413, "too_many_rows", "more than " + maxRows + " rows; ask for a shorter date range");
        }
        rows.add(reader.next());
      }
    } catch (ServiceUnavailableException e) {
      LOG.warn("sharing server unavailable: {}", e.getMessage());
      throw new HttpError(503, "unavailable", "the usage data cannot be reached right now; retry later");
    } catch (HttpError f) {
      throw f;
    } catch (DelphaException e) {
      LOG.warn("reading {} failed: {}", table, e.getMessage());
      throw new HttpError(502, "upstream", "the usage data could not be read");
    }
    exchange.respond(200, body(organisation, from, to, schema, rows));
    return 200;
  }

  /**
   * The caller's own organisation; an admin names one with {@code org=}, a name {@link AccessKeys} could have issued
   * (else 400); another organisation is 403.
   */
  private static String organisation(Exchange exchange, KeyPrincipal caller) {
    String requested = exchange.query("org");
    if (caller.isAdmin()) {
      if (requested == null || requested.isBlank()) {
        throw new HttpError(400, "bad_request", "an admin key must name the organisation with org=");
      }
      if (!AccessKeys.isOrganisationName(requested)) {
        throw new HttpError(400, "bad_request",
            "org= must be an organisation name: a letter or digit, then up to 63 letters, digits, '_', '.' or '-'");
      }
      return requested;
    }
    if (requested != null && !requested.equals(caller.organisation())) {
      throw new HttpError(403, "forbidden", "this key may read its own organisation's usage only");
    }
    return caller.organisation();
  }

  /** The date literal in the type of the date column (DATE, TIMESTAMP at UTC midnight, or ISO text). */
  private Object bound(LocalDate date) {
    ColumnType type = dateType;
    if (type == null) {
      type = client.tableMetadata(table).schema().column(dateColumn).type();
      dateType = type;
    }
    return switch (type.kind()) {
      case TIMESTAMP -> date.atStartOfDay(ZoneOffset.UTC).toInstant();
      case STRING -> date.toString();
      default -> date;
    };
  }

  private static LocalDate date(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new HttpError(400, "bad_request", "missing " + name + "=YYYY-MM-DD");
    }
    if (!ISO_DAY.matcher(value).matches()) { // LocalDate.parse takes +10000-01-01 and -0001-01-01
      throw new HttpError(400, "bad_request", name + " must be a date YYYY-MM-DD");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new HttpError(400, "bad_request", name + " must be a date YYYY-MM-DD");
    }
  }

  private static byte[] body(String organisation, LocalDate from, LocalDate to, RowSchema schema, List<Row> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("organisation", organisation);
      g.writeStringField("from", from.toString());
      g.writeStringField("to", to.toString());
      g.writeNumberField("rowCount", rows.size());
      g.writeArrayFieldStart("rows");
      for (Row row : rows) {
        g.writeStartObject();
        for (int i = 0; i < schema.size(); i++) {
          g.writeFieldName(schema.column(i).name());
          writeValue(g, row.get(i));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new DelphaException("cannot write the usage answer", e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator g, @Nullable Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Integer n) {
      g.writeNumber(n);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof byte[] bytes) {
      g.writeString(Base64.getEncoder().encodeToString(bytes));
    } else if (v instanceof LocalDate || v instanceof Instant || v instanceof LocalTime) {
      g.writeString(v.toString());
    } else {
      g.writeString(v.toString());
    }
  }

  @Override
  public String toString() {
    return "UsageAnalyticsServer[" + table + ", org=" + organisationColumn + ", date=" + dateColumn + "]";
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
