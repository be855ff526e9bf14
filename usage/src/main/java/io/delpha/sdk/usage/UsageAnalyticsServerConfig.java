package io.delpha.sdk.usage;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.sharing.DeltaSharingClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link UsageAnalyticsServer} was configured, as its builder resolved it. Immutable, made only by its builder
 * (no public constructor); equal when every setting is equal; {@link #toString()} shows no secret (the server
 * options name their TLS files, never a password).
 */
public final class UsageAnalyticsServerConfig {

  static final Settings SETTINGS = new Settings("UsageAnalyticsServerConfig");
  static final Settings.Setting<DeltaSharingClient> CLIENT = SETTINGS.required("client");
  static final Settings.Setting<String> TABLE = SETTINGS.required("table");
  static final Settings.Setting<String> ORGANISATION_COLUMN = SETTINGS.required("organisationColumn");
  static final Settings.Setting<String> DATE_COLUMN = SETTINGS.required("dateColumn");
  static final Settings.Setting<AccessKeys> ACCESS_KEYS = SETTINGS.required("accessKeys");
  static final Settings.Setting<Integer> MAX_ROWS = SETTINGS.add("maxRows", 100_000);
  static final Settings.Setting<InetSocketAddress> ADDRESS = SETTINGS.optional("address");
  static final Settings.Setting<Integer> THREADS = SETTINGS.optional("threads");
  static final Settings.Setting<ServerOptions> OPTIONS = SETTINGS.optional("options");
  static final Settings.Setting<Path> CACHE_DIRECTORY = SETTINGS.optional("cacheDirectory");
  static final Settings.Setting<String> FEATURE_COLUMN = SETTINGS.optional("featureColumn");
  static final Settings.Setting<String> MEASURE_COLUMN = SETTINGS.optional("measureColumn");
  static final Settings.Setting<Duration> REFRESH_INTERVAL = SETTINGS.add("refreshInterval", Duration.ofMinutes(1));
  static final Settings.Setting<Clock> CLOCK = SETTINGS.add("clock", Clock.systemUTC());
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());

  private final Settings.Values values;

  /** Made by {@link UsageAnalyticsServerBuilder} only. */
  UsageAnalyticsServerConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the Delta Sharing client reading the usage table (the host's to close)
   */
  public DeltaSharingClient client() {
    return values.get(CLIENT);
  }

  /**
   * @return the shared usage table, {@code share.schema.table}
   */
  public String table() {
    return values.get(TABLE);
  }

  /**
   * @return the column holding each row's organisation
   */
  public String organisationColumn() {
    return values.get(ORGANISATION_COLUMN);
  }

  /**
   * @return the column holding each row's date
   */
  public String dateColumn() {
    return values.get(DATE_COLUMN);
  }

  /**
   * @return the access keys that authenticate every request (the host's to close)
   */
  public AccessKeys accessKeys() {
    return values.get(ACCESS_KEYS);
  }

  /**
   * @return the most rows one answer holds (default 100,000)
   */
  public int maxRows() {
    return values.get(MAX_ROWS);
  }

  /**
   * @return the address to listen on, or {@code null} for {@link #options()}'s (default 127.0.0.1, a free port)
   */
  public @Nullable InetSocketAddress address() {
    return values.find(ADDRESS);
  }

  /**
   * @return requests served at once (at least 2), or {@code null} for {@link #options()}'s (default 16)
   */
  public @Nullable Integer threads() {
    return values.find(THREADS);
  }

  /**
   * @return the server options given, or {@code null} for the defaults; {@link #address()} and {@link #threads()}
   *     override theirs
   */
  public @Nullable ServerOptions options() {
    return values.find(OPTIONS);
  }

  /**
   * @return the root of the shared cache behind the page routes, or {@code null} without them
   */
  public @Nullable Path cacheDirectory() {
    return values.find(CACHE_DIRECTORY);
  }

  /**
   * @return the column the per-feature chart groups by, or {@code null} for no such chart
   */
  public @Nullable String featureColumn() {
    return values.find(FEATURE_COLUMN);
  }

  /**
   * @return the numeric column the charts sum, or {@code null} to count rows
   */
  public @Nullable String measureColumn() {
    return values.find(MEASURE_COLUMN);
  }

  /**
   * @return how often, at most, a chart request checks the table's version (default one minute)
   */
  public Duration refreshInterval() {
    return values.get(REFRESH_INTERVAL);
  }

  /**
   * @return the clock of the refresh interval and of the page's default range
   */
  public Clock clock() {
    return values.get(CLOCK);
  }

  /**
   * @return where requests are timed ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * The settings a builder holds, without building the server: the same checks as {@code build()} (but for the
   * optional stacks it looks for).
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing, as {@code build()} would say
   */
  public static UsageAnalyticsServerConfig from(UsageAnalyticsServerBuilder settings) {
    return settings.settings();
  }

  /**
   * @return a builder with the default settings: {@link UsageAnalyticsServer#builder()}
   */
  public static UsageAnalyticsServerBuilder builder() {
    return UsageAnalyticsServer.builder();
  }

  /**
   * @return a builder holding every setting of this config, the client and the access keys included
   */
  public UsageAnalyticsServerBuilder toBuilder() {
    return new UsageAnalyticsServerBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof UsageAnalyticsServerConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return values.toString();
  }
}
