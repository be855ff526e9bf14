package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.Folders;
import io.delpha.sdk.core.internal.http.HttpError;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.QueryOptions;
import io.delpha.sdk.sharing.SharingSql;
import io.delpha.sdk.sharing.UsageAnalyticsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The organisations' DuckDB databases behind the usage charts: one in-memory database and one cache folder per
 * organisation, holding its rows only, with {@link UsageAnalyticsServer#ORGANISATION_DB_THREADS} thread and {@link
 * UsageAnalyticsServer#ORGANISATION_DB_MEMORY_MB} MiB each. At most {@code maxOpen} are open at once: opening one
 * more closes the least recently used and deletes its folder. Thread-safe; one query at a time per organisation.
 */
public final class UsageCache {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAnalyticsServer.class);
  /** The name of the organisation's table in its database. */
  public static final String VIEW = "usage";
  /**
   * Held while a DuckDB database is created or closed: DuckDB's JDBC driver (the version docs/sharing.md names) was
   * seen to hang with databases created and destroyed on several threads at once (four admins sweeping organisations,
   * each eviction closing one).
   */
  private static final Object DUCKDB_LIFECYCLE = new Object();

  private final UsageTable table;
  private final Supplier<Connection> openDuckDb;
  private final Path directory;
  private final Duration refreshInterval;
  private final Clock clock;
  private final int maxOpen;
  /** The organisations' views, least recently used first; guarded by itself. */
  private final LinkedHashMap<String, OrgView> views = new LinkedHashMap<>(16, 0.75f, true);
  /** Organisations whose evicted view is being closed and its folder deleted; guarded by {@link #views}. */
  private final Set<String> retiring = new HashSet<>();

  /**
   * @param table the usage table
   * @param openDuckDb opens an in-memory DuckDB database with the per-organisation limits
   * @param directory the cache root, one folder per organisation below it
   * @param refreshInterval how often, at most, a query checks the table's version
   * @param clock the clock of the refresh interval
   * @param maxOpen the most organisations' databases open at once
   */
  public UsageCache(UsageTable table, Supplier<Connection> openDuckDb, Path directory, Duration refreshInterval,
      Clock clock, int maxOpen) {
    this.table = Objects.requireNonNull(table, "table");
    this.openDuckDb = Objects.requireNonNull(openDuckDb, "openDuckDb");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxOpen = maxOpen;
  }

  /**
   * A query on an organisation's database.
   *
   * @param <T> what it answers
   */
  @FunctionalInterface
  public interface SqlWork<T> {
    /**
     * @param connection the organisation's database, its rows in the table {@link #VIEW}
     * @return the answer
     * @throws SQLException if the query fails
     */
    T run(Connection connection) throws SQLException;
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

  /** Closes every organisation's database (their folders stay). */
  public void close() {
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
      while (views.size() > maxOpen && it.hasNext()) {
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
   * A new organisation database, from the opener given. Databases are created and closed one at a time ({@link
   * #DUCKDB_LIFECYCLE}); queries run concurrently.
   */
  private Connection boundedDuckDb() {
    synchronized (DUCKDB_LIFECYCLE) {
      return openDuckDb.get();
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

  /**
   * Runs {@code work} on the organisation's DuckDB database: made on first use (the table attached with the
   * organisation as its filter, so its cache folder holds the organisation's rows only), brought to the table's
   * current version at most once per refresh interval. One query at a time per organisation.
   *
   * @param <T> what the work answers
   * @param organisation the organisation
   * @param work the query
   * @return its answer
   * @throws HttpError 502 if the query or the read fails, 503 if the sharing server is unreachable
   */
  public <T> T withOrganisation(String organisation, SqlWork<T> work) {
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
        sql = SharingSql.builder().client(table.client()).cacheDirectory(organisationFolder(organisation))
            .connection(db).build();
        try {
          sql.attach(table.table(), VIEW,
              QueryOptions.builder().filter(Filter.eq(table.organisationColumn(), organisation)).build());
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
      LOG.warn("usage query of {} failed: {}", table.table(), e.getMessage());
      throw new HttpError(502, "upstream", "the usage data could not be queried");
    } catch (DelphaException e) {
      throw table.unreadable(e);
    }
  }

  /** A cache folder per organisation: its name if plain, else a hash, so no name reaches outside the root. */
  private Path organisationFolder(String organisation) {
    String name = organisation.matches("[A-Za-z0-9_-]{1,64}") ? organisation
        : "h" + HexFormat.of().formatHex(sha256(organisation)).substring(0, 40);
    return directory.resolve("org-" + name);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
