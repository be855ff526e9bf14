package io.delpha.sdk.usage.internal;

import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.sharing.SharingSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one cache behind the usage charts and rows, shared by every organisation: one folder of the table's data files, keyed
 * by table version ({@link SqlCache}: each file of a version is downloaded once, whatever the number of organisations
 * asking; a new version fetches only its new files and prunes the older version's), and one in-memory DuckDB
 * database with {@value #CACHE_DB_THREADS} threads and {@value
 * #CACHE_DB_MEMORY_MB} MiB ({@link #boundedDuckDb()}), whose view {@link #VIEW} holds every organisation's rows.
 * Organisations are told apart by the queries: each names its organisation as a bound parameter, never as SQL text.
 *
 * <p>Nothing here is per organisation, so an admin sweeping organisation names creates no database, folder, file or
 * thread. The database and the view are made on first use and brought to the table's current version at most once
 * per refresh interval. Thread-safe: queries, the first attach and refreshes run one at a time (the database's
 * threads work on each query), so a refresh never deletes files a query is reading.
 */
public final class UsageCache {

  private static final Logger LOG = LoggerFactory.getLogger(UsageCache.class);
  /** The name of the table's view in the database: every organisation's rows. */
  public static final String VIEW = "usage";
  /** The threads of the cache's one DuckDB database (its {@code threads} setting, given at creation). */
  public static final int CACHE_DB_THREADS = 2;
  /** The memory limit of the cache's one DuckDB database, in MiB (its {@code memory_limit}, given at creation). */
  public static final int CACHE_DB_MEMORY_MB = 256;

  private final UsageTable table;
  private final Supplier<Connection> openDuckDb;
  private final Path directory;
  private final long refreshMillis;
  private final Clock clock;
  /** Guarded by this object, as is everything below. */
  private @Nullable Connection db;
  private @Nullable SharingSql sql;
  private long checkedAt;
  private boolean closed;

  /**
   * @return the cache's in-memory DuckDB database, with its thread and memory limits set at creation
   */
  public static Connection boundedDuckDb() {
    return SharingSql.openDuckDb(Map.of("threads", String.valueOf(CACHE_DB_THREADS),
        "memory_limit", CACHE_DB_MEMORY_MB + "MiB"));
  }

  /**
   * @param table the usage table
   * @param openDuckDb opens the in-memory DuckDB database, with its thread and memory limits
   * @param directory the cache folder of the table's files (one for every organisation)
   * @param refreshInterval how often, at most, a query checks the table's version
   * @param clock the clock of the refresh interval
   */
  public UsageCache(UsageTable table, Supplier<Connection> openDuckDb, Path directory, Duration refreshInterval,
      Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.openDuckDb = Objects.requireNonNull(openDuckDb, "openDuckDb");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.refreshMillis = Objects.requireNonNull(refreshInterval, "refreshInterval").toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A query on the shared database.
   *
   * @param <T> what it answers
   */
  @FunctionalInterface
  public interface SqlWork<T> {
    /**
     * @param connection the database, every organisation's rows in the view {@link #VIEW}: the query names its
     *     organisation as a bound parameter
     * @return the answer
     * @throws SQLException if the query fails
     */
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on the shared database, after bringing the view to the table's current version if the
   * refresh interval has passed (the first call attaches the table: its files are downloaded then, once).
   *
   * @param <T> what the work answers
   * @param work the query; it must filter by its organisation with a bound parameter
   * @return its answer
   * @throws HttpException 502 if the query or the read fails, 503 if the sharing server is unreachable or the server is
   *     closing; an {@code HttpException} the work throws (its own answer, e.g. a 413) as it is
   */
  public synchronized <T> T query(SqlWork<T> work) {
    if (closed) {
      throw new HttpException(503, "unavailable", "the server is stopping; retry later");
    }
    try {
      return work.run(current());
    } catch (SQLException e) {
      LOG.warn("usage query of {} failed: {}", table.table(), e.getMessage());
      throw new HttpException(502, "upstream", "the usage data could not be queried");
    } catch (DelphaException e) {
      throw table.unreadable(e);
    }
  }

  /**
   * @param organisation an organisation
   * @return whether the table's current version (as cached) has a row of that organisation
   * @throws HttpException as {@link #query}
   */
  public boolean hasRows(String organisation) {
    String sql = "SELECT 1 FROM " + VIEW + " WHERE " + DuckDbSql.identifier(table.organisationColumn())
        + " = ? LIMIT 1";
    return query(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, organisation);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** The database with the view attached and, when due, refreshed; the caller holds this object's lock. */
  private Connection current() {
    long now = clock.millis();
    SharingSql s = sql;
    if (s == null) {
      Connection c = db;
      if (c == null) {
        c = openDuckDb.get();
        db = c;
      }
      s = SharingSql.builder().client(table.client()).cacheDirectory(directory).connection(c).build();
      try {
        s.attach(table.table(), VIEW);
      } catch (RuntimeException e) {
        s.close(); // the database stays, for the next attempt
        throw e;
      }
      sql = s;
      checkedAt = now;
    } else if (now - checkedAt >= refreshMillis) {
      s.refresh(VIEW);
      checkedAt = now;
    }
    return s.connection();
  }

  /** Closes the database (the cached files stay, for the next start); later queries are 503. Idempotent. */
  public synchronized void close() {
    closed = true;
    if (sql != null) {
      sql.close();
      sql = null;
    }
    if (db != null) {
      try {
        db.close();
      } catch (SQLException e) {
        LOG.debug("closing the usage cache's DuckDB database: {}", e.toString());
      }
      db = null;
    }
  }
}
