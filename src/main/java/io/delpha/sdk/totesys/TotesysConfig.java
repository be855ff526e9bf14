package io.delpha.sdk.totesys;

import static io.delpha.sdk.core.internal.ConfigValues.setting;
import static io.delpha.sdk.core.internal.ConfigValues.shown;
import static io.delpha.sdk.core.internal.ConfigValues.unprinted;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.ConfigValues;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link TotesysPipeline} was built with, as its builder took them. Immutable, made only by its builder
 * (no public constructor), equal when every setting is equal; {@link #toBuilder()} starts a builder for another
 * pipeline with the same settings and collaborators (the same data sources, secret providers and stores, which neither
 * pipeline closes), so {@code config.toBuilder().build().config()} equals {@code config}. Each database is given either
 * as a {@link DataSource} or as a secret's name in a {@link SecretProvider}: one of the two is set, never both.
 *
 * <pre>{@code
 * try (TotesysPipeline salesOnly = pipeline.config().toBuilder().tables("sales_order").build()) { ... }
 * }</pre>
 */
public final class TotesysConfig {

  // the data sources print by their class only: a host's DataSource may print its JDBC URL or password in its own
  // toString(), and a config is logged
  private static final ConfigValues<TotesysConfig> VALUES = ConfigValues.of(TotesysConfig.class,
      shown("source", TotesysConfig::source, c -> kind(c.source(), c.sourceSecretName())),
      unprinted("sourceSecrets", TotesysConfig::sourceSecrets),
      unprinted("sourceSecretName", TotesysConfig::sourceSecretName),
      shown("warehouse", TotesysConfig::warehouse, c -> kind(c.warehouse(), c.warehouseSecretName())),
      unprinted("warehouseSecrets", TotesysConfig::warehouseSecrets),
      unprinted("warehouseSecretName", TotesysConfig::warehouseSecretName),
      setting("ingestionZone", TotesysConfig::ingestionZone),
      setting("processedZone", TotesysConfig::processedZone),
      setting("tables", TotesysConfig::tables),
      setting("overlap", TotesysConfig::overlap),
      shown("listeners", TotesysConfig::listeners, c -> String.valueOf(c.listeners().size())),
      setting("clock", TotesysConfig::clock),
      setting("metrics", TotesysConfig::metrics));

  private final @Nullable DataSource source;
  private final @Nullable SecretProvider sourceSecrets;
  private final @Nullable String sourceSecretName;
  private final @Nullable DataSource warehouse;
  private final @Nullable SecretProvider warehouseSecrets;
  private final @Nullable String warehouseSecretName;
  private final ObjectStore ingestionZone;
  private final ObjectStore processedZone;
  private final List<String> tables;
  private final Duration overlap;
  private final List<PipelineListener> listeners;
  private final Clock clock;
  private final Metrics metrics;

  /** Made by {@link TotesysPipelineBuilder} only; checks the required settings and copies the lists. */
  TotesysConfig(@Nullable DataSource source, @Nullable SecretProvider sourceSecrets,
      @Nullable String sourceSecretName, @Nullable DataSource warehouse, @Nullable SecretProvider warehouseSecrets,
      @Nullable String warehouseSecretName, ObjectStore ingestionZone, ObjectStore processedZone, List<String> tables,
      Duration overlap, List<PipelineListener> listeners, Clock clock, Metrics metrics) {
    Objects.requireNonNull(ingestionZone, "ingestionZone");
    Objects.requireNonNull(processedZone, "processedZone");
    tables = List.copyOf(tables);
    Objects.requireNonNull(overlap, "overlap");
    listeners = List.copyOf(listeners);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(metrics, "metrics");

    this.source = source;
    this.sourceSecrets = sourceSecrets;
    this.sourceSecretName = sourceSecretName;
    this.warehouse = warehouse;
    this.warehouseSecrets = warehouseSecrets;
    this.warehouseSecretName = warehouseSecretName;
    this.ingestionZone = ingestionZone;
    this.processedZone = processedZone;
    this.tables = tables;
    this.overlap = overlap;
    this.listeners = listeners;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * @return the totesys database, or {@code null} when it is read from {@code sourceSecrets}
   */
  public @Nullable DataSource source() {
    return source;
  }

  /**
   * @return where the totesys database's JSON secret lives, or {@code null} with {@code source}
   */
  public @Nullable SecretProvider sourceSecrets() {
    return sourceSecrets;
  }

  /**
   * @return that secret's name, or {@code null} with {@code source}
   */
  public @Nullable String sourceSecretName() {
    return sourceSecretName;
  }

  /**
   * @return the warehouse database, or {@code null} when it is read from {@code warehouseSecrets}
   */
  public @Nullable DataSource warehouse() {
    return warehouse;
  }

  /**
   * @return where the warehouse's JSON secret lives, or {@code null} with {@code warehouse}
   */
  public @Nullable SecretProvider warehouseSecrets() {
    return warehouseSecrets;
  }

  /**
   * @return that secret's name, or {@code null} with {@code warehouse}
   */
  public @Nullable String warehouseSecretName() {
    return warehouseSecretName;
  }

  /**
   * @return the ingestion zone
   */
  public ObjectStore ingestionZone() {
    return ingestionZone;
  }

  /**
   * @return the processed zone
   */
  public ObjectStore processedZone() {
    return processedZone;
  }

  /**
   * @return the source tables extracted, in extraction order
   */
  public List<String> tables() {
    return tables;
  }

  /**
   * @return how far before each table's watermark every extract re-reads
   */
  public Duration overlap() {
    return overlap;
  }

  /**
   * @return the listeners, in the order they hear events
   */
  public List<PipelineListener> listeners() {
    return listeners;
  }

  /**
   * @return the clock that names lake objects and stamps reports
   */
  public Clock clock() {
    return clock;
  }

  /**
   * @return where step durations and rows by stage are metered
   */
  public Metrics metrics() {
    return metrics;
  }

  private static String kind(@Nullable DataSource dataSource, @Nullable String secretName) {
    return dataSource != null ? "a " + dataSource.getClass().getSimpleName() : "the secret " + secretName;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. Only the zones are required here; {@code build()} also checks the databases.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static TotesysConfig from(TotesysPipelineBuilder settings) {
    return settings.config();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * TotesysPipeline#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static TotesysPipelineBuilder builder() {
    return TotesysPipeline.builder();
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public TotesysPipelineBuilder toBuilder() {
    return TotesysPipeline.builder().config(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return VALUES.equal(this, o);
  }

  @Override
  public int hashCode() {
    return VALUES.hash(this);
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return VALUES.show(this);
  }
}
