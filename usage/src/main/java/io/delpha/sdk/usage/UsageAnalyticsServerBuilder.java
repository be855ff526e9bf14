package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.SharingSql;
import io.delpha.sdk.sharing.SharedTable;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.server.ServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link UsageAnalyticsServer}: {@link UsageAnalyticsServer#builder()}; {@link
 * UsageAnalyticsServerConfig#toBuilder()} starts one holding a config's settings, which each setter writes. Not
 * thread-safe.
 */
public final class UsageAnalyticsServerBuilder implements ClientBuilder<UsageAnalyticsServerBuilder, UsageAnalyticsServer>,
    ClientBuilder.WithClock<UsageAnalyticsServerBuilder> {
  private final Settings.Draft draft;

  UsageAnalyticsServerBuilder() {
    this(UsageAnalyticsServerConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link UsageAnalyticsServerConfig#toBuilder()}. */
  UsageAnalyticsServerBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> UsageAnalyticsServerBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, value);
    return this;
  }

  /**
   * Turns on the usage page and its chart endpoints ({@link UsageAnalyticsServer#PAGE_PATH}, {@link
   * UsageAnalyticsServer#DAILY_PATH}, {@link UsageAnalyticsServer#FEATURES_PATH}, {@link
   * UsageAnalyticsServer#REPORT_PATH}), answered by DuckDB over a cache of the table's files shared by every
   * organisation: each data file of a table version is downloaded once into this directory, and one in-memory
   * database queries them, each query naming its organisation as a bound parameter. The directory belongs to this
   * server (the files of versions no longer current are deleted). Needs DuckDB's JDBC driver ({@link
   * SharingSql#DUCKDB_COORDINATES}) on the class path.
   *
   * @param directory the cache root
   * @return this builder
   */
  public UsageAnalyticsServerBuilder cacheDirectory(Path directory) {
    return set(UsageAnalyticsServerConfig.CACHE_DIRECTORY, Objects.requireNonNull(directory, "directory"));
  }

  /**
   * @param column the column the per-feature chart groups by; without it the page has no such chart
   * @return this builder
   */
  public UsageAnalyticsServerBuilder featureColumn(String column) {
    return set(UsageAnalyticsServerConfig.FEATURE_COLUMN, Objects.requireNonNull(column, "column"));
  }

  /**
   * @param column the numeric column the charts sum; without it they count rows
   * @return this builder
   */
  public UsageAnalyticsServerBuilder measureColumn(String column) {
    return set(UsageAnalyticsServerConfig.MEASURE_COLUMN, Objects.requireNonNull(column, "column"));
  }

  /**
   * @param interval how often, at most, a chart request checks the table's version (and fetches new files);
   *     default one minute, {@link Duration#ZERO} checks on every request
   * @return this builder
   */
  public UsageAnalyticsServerBuilder refreshInterval(Duration interval) {
    if (interval.isNegative()) {
      throw new InvalidInputException("refreshInterval must not be negative");
    }
    return set(UsageAnalyticsServerConfig.REFRESH_INTERVAL, interval);
  }

  /**
   * @param clock the clock of the refresh interval and of the page's default range
   * @return this builder
   */
  @Override
  public UsageAnalyticsServerBuilder clock(Clock clock) {
    return set(UsageAnalyticsServerConfig.CLOCK, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * @param client the Delta Sharing client reading the usage table
   * @return this builder
   */
  public UsageAnalyticsServerBuilder client(DeltaSharingClient client) {
    return set(UsageAnalyticsServerConfig.CLIENT, Objects.requireNonNull(client, "client"));
  }

  /**
   * @param table the shared usage table, {@code share.schema.table}
   * @return this builder
   */
  public UsageAnalyticsServerBuilder table(String table) {
    Objects.requireNonNull(table, "table");
    return set(UsageAnalyticsServerConfig.TABLE, SharedTable.parse(table).coordinates());
  }

  /**
   * @param column the column holding each row's organisation
   * @return this builder
   */
  public UsageAnalyticsServerBuilder organisationColumn(String column) {
    return set(UsageAnalyticsServerConfig.ORGANISATION_COLUMN, Objects.requireNonNull(column, "column"));
  }

  /**
   * @param column the column holding each row's date (DATE, TIMESTAMP or ISO date text)
   * @return this builder
   */
  public UsageAnalyticsServerBuilder dateColumn(String column) {
    return set(UsageAnalyticsServerConfig.DATE_COLUMN, Objects.requireNonNull(column, "column"));
  }

  /**
   * @param keys the library's access keys, which authenticate every request
   * @return this builder
   */
  public UsageAnalyticsServerBuilder accessKeys(AccessKeys keys) {
    return set(UsageAnalyticsServerConfig.ACCESS_KEYS, Objects.requireNonNull(keys, "keys"));
  }

  /**
   * @param maxRows the most rows one answer holds (default 100,000); more is a 413
   * @return this builder
   */
  public UsageAnalyticsServerBuilder maxRows(int maxRows) {
    if (maxRows < 1) {
      throw new InvalidInputException("maxRows must be >= 1, was " + maxRows);
    }
    return set(UsageAnalyticsServerConfig.MAX_ROWS, maxRows);
  }

  /**
   * @param address the address to listen on (default 127.0.0.1, a free port)
   * @return this builder
   */
  public UsageAnalyticsServerBuilder bind(InetSocketAddress address) {
    return set(UsageAnalyticsServerConfig.ADDRESS, Objects.requireNonNull(address, "address"));
  }

  /**
   * @param port the port on 127.0.0.1 (0 for a free one)
   * @return this builder
   */
  public UsageAnalyticsServerBuilder port(int port) {
    return set(UsageAnalyticsServerConfig.ADDRESS, new InetSocketAddress("127.0.0.1", port));
  }

  /**
   * @param threads requests served at once (default 16, at least 2)
   * @return this builder
   */
  public UsageAnalyticsServerBuilder threads(int threads) {
    if (threads < 1) {
      throw new InvalidInputException("threads must be >= 1, was " + threads);
    }
    return set(UsageAnalyticsServerConfig.THREADS, threads);
  }

  /**
   * @param options address, HTTPS ({@link ServerOptions.Builder#tls}) and limits; {@link #bind}, {@link
   *     #port} and {@link #threads} given as well override its address and threads
   * @return this builder
   */
  public UsageAnalyticsServerBuilder options(ServerOptions options) {
    return set(UsageAnalyticsServerConfig.OPTIONS, Objects.requireNonNull(options, "options"));
  }

  /**
   * Like {@link #options(ServerOptions)}, with a new {@code ServerOptions.Builder} the consumer fills in (as the AWS SDK's
   * {@code Consumer<Builder>} overloads, it starts from {@code ServerOptions.builder()}, not from the current setting).
   *
   * @param options fills in the server options
   * @return this builder
   */
  public UsageAnalyticsServerBuilder options(Consumer<ServerOptions.Builder> options) {
    ServerOptions.Builder b = ServerOptions.builder();
    Objects.requireNonNull(options, "options").accept(b);
    return options(b.build());
  }

  /**
   * @param metrics where requests are timed ({@code delpha.http.server.requests}, docs/metrics.md); the access
   *     keys given meter their own checks; default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public UsageAnalyticsServerBuilder metrics(Metrics metrics) {
    return set(UsageAnalyticsServerConfig.METRICS, Objects.requireNonNull(metrics, "metrics"));
  }

  /**
   * @return the server, not started yet
   * @throws InvalidInputException if the client, table, columns or access keys are missing
   */
  @Override
  public UsageAnalyticsServer build() {
    Capability.require("UsageAnalyticsServer", "http-server");
    UsageAnalyticsServerConfig config = settings();
    if (config.cacheDirectory() != null) {
      try (Connection probe = SharingSql.openDuckDb()) { // no DuckDB: say so now, naming the artifact
        probe.getMetaData();
      } catch (SQLException e) {
        throw new ServiceUnavailableException("DuckDB could not open a database: " + e.getMessage(), e);
      }
    }
    return new UsageAnalyticsServer(config);
  }

  /**
   * The settings {@link #build()} uses, checked as it checks them ({@link UsageAnalyticsServerConfig#from}), without
   * looking for the optional stacks.
   */
  UsageAnalyticsServerConfig settings() {
    if (draft.find(UsageAnalyticsServerConfig.CLIENT) == null || draft.find(UsageAnalyticsServerConfig.TABLE) == null
        || blank(draft.find(UsageAnalyticsServerConfig.ORGANISATION_COLUMN))
        || blank(draft.find(UsageAnalyticsServerConfig.DATE_COLUMN))
        || draft.find(UsageAnalyticsServerConfig.ACCESS_KEYS) == null) {
      throw new InvalidInputException("the usage server needs a client, a table, an organisation column, a date "
          + "column and access keys");
    }
    return new UsageAnalyticsServerConfig(draft.freeze());
  }

  private static boolean blank(@Nullable String s) {
    return s == null || s.isBlank();
  }
}
