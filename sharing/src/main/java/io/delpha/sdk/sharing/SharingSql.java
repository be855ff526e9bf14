package io.delpha.sdk.sharing;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import io.delpha.sdk.sharing.internal.SqlCache;
import io.delpha.sdk.sharing.internal.TableQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL over shared tables: attaches Delta Sharing tables to a DuckDB JDBC connection as views over a local cache of
 * their files, so a host queries them with the {@link Connection} and {@link java.sql.ResultSet} it knows.
 *
 * <pre>{@code
 * try (DeltaSharingClient client = DeltaSharingClient.fromProfile(Path.of("config.share"));
 *      SharingSql sql = SharingSql.builder().client(client).cacheDirectory(Path.of("cache/acme")).build()) {
 *   sql.attach("analytics.platform.usage", "usage");
 *   try (Statement st = sql.connection().createStatement();
 *        ResultSet rs = st.executeQuery("SELECT usage_date, sum(events) FROM usage GROUP BY 1 ORDER BY 1")) {
 *     while (rs.next()) { ... }
 *   }
 *   sql.refresh();                 // the share's version moved: only the new files are fetched
 * }
 * }</pre>
 *
 * <p><b>Cache.</b> Each data file is downloaded once into {@link Builder#cacheDirectory(Path)} (use one directory per
 * organisation or profile: nothing in it is shared across them), keyed by the file's id, and each table version's
 * list of files is kept beside them, so attaching a version already cached asks the sharing server only for the
 * version number. Files are written beside their final name and renamed into place once complete and checked, so a
 * crash never leaves a partial file under a cached name. The view is {@code read_parquet([...])} over the cached
 * files, every column cast to the table's type ({@code TIMESTAMP} as {@code TIMESTAMPTZ}), partition values as
 * constants, columns missing from older files as {@code NULL}. Versions no longer attached are pruned: when a view is
 * attached or moves to a new version, the table's manifests of the same options at versions no view of this object is
 * attached to are deleted, with every cached file no remaining manifest names; so a cache directory belongs to one
 * {@code SharingSql} at a time.
 *
 * <p><b>Options.</b> A filter and limit go to the sharing server as hints, as {@link
 * DeltaSharingClient#readTable(String, QueryOptions)} sends them. With a filter the cache holds only the rows it keeps
 * (each file is decoded and the matching rows written in the table's schema), so rows the filter drops never reach
 * the disk; the limit is applied by the view. Expired presigned URLs are refreshed and transient failures retried as
 * the client does.
 *
 * <p><b>DuckDB</b> ({@code org.duckdb:duckdb_jdbc}) is an optional dependency of the library: a host that uses this
 * class adds it (see {@link #DUCKDB_COORDINATES}); without it {@link Builder#build()} fails with a {@link
 * io.delpha.sdk.core.MissingDependencyException} naming the artifact. A connection this class opens is an in-memory database of its own with
 * extension auto-install and auto-load off (no network) and the time zone UTC.
 *
 * <p>Thread-safe: attach and refresh are serialised. The connection follows DuckDB's JDBC rules (one statement at a
 * time per connection; {@code DuckDBConnection.duplicate()} for concurrent readers).
 */
public final class SharingSql implements AutoCloseable {

  /**
   * The DuckDB JDBC artifact this library is built and tested with, {@code org.duckdb:duckdb_jdbc:<version>}; the
   * version is the POM's {@code duckdb.version}, filtered into this module's declaration of the {@code duckdb} stack at
   * build time (core.internal.Capability).
   */
  public static final String DUCKDB_COORDINATES =
      io.delpha.sdk.core.internal.Capability.named("duckdb").coordinates().get(0);

  private static final Logger LOG = LoggerFactory.getLogger(SharingSql.class);
  private static final String DRIVER = "org.duckdb.DuckDBDriver";

  private final DeltaSharingClient client;
  private final SqlCache cache;
  private final Connection connection;
  private final boolean ownsConnection;
  private final ProgressListener progress;
  private final Map<String, Attachment> attached = new LinkedHashMap<>();
  private final ClosedGuard guard = new ClosedGuard("this SharingSql");

  private record Attachment(String table, QueryOptions options, AttachedTable state) {}

  /** Deletes the cached versions of a table that none of its attachments needs any more. */
  private void prune(String table) {
    java.util.Set<SqlCache.Attached> keep = new java.util.HashSet<>();
    for (Attachment a : attached.values()) {
      if (a.table().equals(table)) {
        keep.add(new SqlCache.Attached(a.state().version(),
            SqlCache.optionsKey(a.options().filter(), a.options().limit())));
      }
    }
    if (keep.stream().noneMatch(k -> k.version() < 0)) { // a version unknown has no manifest naming its files
      cache.prune(table, keep);
    }
  }

  private SharingSql(Builder b, Connection connection, boolean owns) {
    this.client = Objects.requireNonNull(b.client, "client"); // checked by build()
    this.cache = new SqlCache(Objects.requireNonNull(b.cacheDirectory, "cacheDirectory"));
    this.connection = connection;
    this.ownsConnection = owns;
    this.progress = b.progress;
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the DuckDB connection the views are on */
  public Connection connection() {
    guard.check();
    return connection;
  }

  /**
   * Attaches every row of a table's current version as a view. See {@link #attach(String, String, QueryOptions)}.
   *
   * @param table {@code share.schema.table}
   * @param view the view's name
   * @return what was attached and fetched
   */
  public AttachedTable attach(String table, String view) {
    guard.check();
    return attach(table, view, QueryOptions.all());
  }

  /**
   * Attaches a table as a view named {@code view} (replacing a view of that name): fetches the files not cached yet
   * and creates the view over the cached files.
   *
   * @param table {@code share.schema.table}
   * @param view the view's name: a letter or {@code _}, then letters, digits and {@code _}
   * @param options filter and limit (sent as hints; the filter decides what is cached), or a version or timestamp
   * @return what was attached and fetched
   * @throws InvalidInputException for a bad table or view name, or a filter on an unknown column
   * @throws DataFormatException if the files cannot be read as the table's schema
   */
  public synchronized AttachedTable attach(String table, String view, QueryOptions options) {
    guard.check();
    String name = SharedTable.parse(table).coordinates();
    DuckDbSql.viewName(view);
    Objects.requireNonNull(options, "options");
    AttachedTable state = load(name, view, options, null);
    attached.put(view, new Attachment(name, options, state));
    prune(name);
    return state;
  }

  /**
   * Brings every attached view to its table's current version: a view whose table version did not move is left as
   * it is (one version request each); otherwise the new version is queried, only the files not cached yet are
   * fetched, and the view is replaced. Views attached at a fixed version or timestamp never move.
   *
   * @return each view's state, in attach order
   */
  public synchronized List<AttachedTable> refresh() {
    guard.check();
    List<AttachedTable> states = new ArrayList<>();
    for (String view : List.copyOf(attached.keySet())) {
      states.add(refresh(view));
    }
    return states;
  }

  /**
   * Brings one attached view to its table's current version (see {@link #refresh()}).
   *
   * @param view an attached view
   * @return its state; {@code fetchedFiles} counts the files fetched by this refresh
   * @throws InvalidInputException if no such view was attached
   */
  public synchronized AttachedTable refresh(String view) {
    guard.check();
    Attachment a = attached.get(view);
    if (a == null) {
      throw new InvalidInputException("no view '" + view + "' was attached; attached: " + attached.keySet());
    }
    if (a.options().version() != null || a.options().timestamp() != null) {
      AttachedTable s = a.state();
      return new AttachedTable(s.table(), s.view(), s.version(), s.files(), 0, 0, false, s.cacheFolder());
    }
    AttachedTable state = load(a.table(), view, a.options(), a.state());
    attached.put(view, new Attachment(a.table(), a.options(), state));
    if (state.version() != a.state().version()) {
      prune(a.table());
    }
    return state;
  }

  /** @return the attached views, in attach order */
  public synchronized List<AttachedTable> attached() {
    guard.check();
    return attached.values().stream().map(Attachment::state).toList();
  }

  private AttachedTable load(String table, String view, QueryOptions options, @Nullable AttachedTable current) {
    String key = SqlCache.optionsKey(options.filter(), options.limit());
    long version = options.version() != null ? options.version()
        : options.timestamp() != null ? -1 : client.tableVersion(table);
    if (current != null && version >= 0 && version == current.version()) {
      return new AttachedTable(table, view, version, current.files(), 0, 0, false, current.cacheFolder());
    }
    SqlCache.Manifest manifest = version >= 0 ? cache.cached(table, version, key) : null;
    SqlCache.Fill fill;
    if (manifest != null) {
      fill = new SqlCache.Fill(manifest, 0, 0, manifest.files().size(), false);
      LOG.debug("{} v{} is cached: no query", table, version);
    } else {
      // the answer names its own version (a commit may have landed since the version request): the view reports it
      TableQuery query = client.query(table, options);
      fill = cache.fill(query, options.filter(), key, client.downloadParallelism(), progress);
    }
    cache.createView(connection, view, fill.manifest(), options.limit());
    LOG.info("{} v{} attached as {}: {} files, {} fetched ({} bytes)", table, fill.manifest().version(), view,
        fill.manifest().files().size(), fill.fetched(), fill.fetchedBytes());
    return new AttachedTable(table, view, fill.manifest().version(), fill.manifest().files().size(), fill.fetched(),
        fill.fetchedBytes(), fill.queried(), cache.tableFolder(table));
  }

  /**
   * Closes the connection if this object opened it; a host's own connection stays open, and so does the client.
   * Idempotent; afterwards every method throws {@link ClosedException}.
   */
  @Override
  public synchronized void close() {
    if (guard.close() && ownsConnection) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the DuckDB connection: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "SharingSql[" + cache.directory() + ", views=" + attached.keySet() + "]";
  }

  /**
   * Opens an in-memory DuckDB database of its own: extension auto-install and auto-load off, time zone UTC.
   *
   * @return the connection
   * @throws io.delpha.sdk.core.MissingDependencyException if DuckDB's JDBC driver is not on the class path (the
   *     message names the artifact)
   */
  public static Connection openDuckDb() {
    return openDuckDb(Map.of());
  }

  /**
   * Like {@link #openDuckDb()}, with DuckDB settings given when the database is created (for example {@code threads}
   * and {@code memory_limit}: set then, no scheduler thread is ever started beyond them; the usage server's cache
   * opens its database so).
   *
   * @param settings DuckDB setting to value
   * @return the connection
   * @throws io.delpha.sdk.core.MissingDependencyException if DuckDB's JDBC driver is not on the class path
   */
  public static Connection openDuckDb(Map<String, String> settings) {
    io.delpha.sdk.core.internal.Capability.require("SharingSql", "duckdb");
    try {
      Class.forName(DRIVER);
    } catch (ClassNotFoundException | LinkageError e) {
      throw io.delpha.sdk.core.internal.Capability.named("duckdb").missing("SharingSql");
    }
    Properties props = new Properties();
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    settings.forEach(props::setProperty);
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
      try (Statement st = c.createStatement()) {
        st.execute("SET TimeZone = 'UTC'");
      }
      return c;
    } catch (SQLException e) {
      throw new ServiceUnavailableException("DuckDB could not open an in-memory database: " + e.getMessage(), e);
    }
  }

  /** Builds a {@link SharingSql}. */
  public static final class Builder {
    private @Nullable DeltaSharingClient client;
    private @Nullable Path cacheDirectory;
    private @Nullable Connection connection;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    /**
     * @param client the client that reads the shared tables
     * @return this builder
     */
    public Builder client(DeltaSharingClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param directory where files are cached; one per organisation or profile (created when needed)
     * @return this builder
     */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * @param connection a DuckDB connection of the host's to attach to (left open by {@link #close()}); by default
     *     an in-memory database of its own ({@link #openDuckDb()})
     * @return this builder
     */
    public Builder connection(Connection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * @param listener told as files are fetched (task {@code fetch share.schema.table}, unit {@code files})
     * @return this builder
     */
    public Builder progress(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @return the attacher, with its connection
     * @throws InvalidInputException if the client or cache directory is missing, the connection given is not
     *     DuckDB's, or DuckDB is not on the class path
     */
    public SharingSql build() {
      if (client == null || cacheDirectory == null) {
        throw new InvalidInputException("SharingSql needs a client and a cache directory");
      }
      if (connection != null) {
        String product;
        try {
          product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
          throw new InvalidInputException("cannot tell which database the connection is: " + e.getMessage(), e);
        }
        if (product == null || !product.toLowerCase(java.util.Locale.ROOT).contains("duckdb")) {
          throw new InvalidInputException("SharingSql attaches views to a DuckDB connection, not " + product);
        }
        return new SharingSql(this, connection, false);
      }
      return new SharingSql(this, openDuckDb(), true);
    }
  }
}
