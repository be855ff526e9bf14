package io.delpha.sdk.totesys;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.totesys.internal.SourceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

  static final Settings SETTINGS = new Settings("TotesysConfig");
  // the data sources print by their class only: a host's DataSource may print its JDBC URL or password in its own
  // toString(), and a config is logged
  static final Settings.Setting<DataSource> SOURCE = SETTINGS.<DataSource>optional("source")
      .shown(v -> kind(v.find(TotesysConfig.SOURCE), v.find(TotesysConfig.SOURCE_SECRET_NAME)));
  static final Settings.Setting<SecretProvider> SOURCE_SECRETS =
      SETTINGS.<SecretProvider>optional("sourceSecrets").unprinted();
  static final Settings.Setting<String> SOURCE_SECRET_NAME = SETTINGS.<String>optional("sourceSecretName").unprinted();
  static final Settings.Setting<DataSource> WAREHOUSE = SETTINGS.<DataSource>optional("warehouse")
      .shown(v -> kind(v.find(TotesysConfig.WAREHOUSE), v.find(TotesysConfig.WAREHOUSE_SECRET_NAME)));
  static final Settings.Setting<SecretProvider> WAREHOUSE_SECRETS =
      SETTINGS.<SecretProvider>optional("warehouseSecrets").unprinted();
  static final Settings.Setting<String> WAREHOUSE_SECRET_NAME =
      SETTINGS.<String>optional("warehouseSecretName").unprinted();
  static final Settings.Setting<ObjectStore> INGESTION_ZONE = SETTINGS.required("ingestionZone");
  static final Settings.Setting<ObjectStore> PROCESSED_ZONE = SETTINGS.required("processedZone");
  static final Settings.Setting<List<String>> TABLES =
      SETTINGS.add("tables", SourceTable.names()).copiedBy(List::copyOf);
  static final Settings.Setting<Duration> OVERLAP = SETTINGS.add("overlap", Duration.ofMinutes(10));
  static final Settings.Setting<List<PipelineListener>> LISTENERS =
      SETTINGS.add("listeners", List.<PipelineListener>of()).copiedBy(List::copyOf)
          .shown(v -> String.valueOf(v.get(TotesysConfig.LISTENERS).size()));
  static final Settings.Setting<Clock> CLOCK = SETTINGS.add("clock", Clock.systemUTC());
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());
  static final Settings.Setting<FileEncryption> LAKE_ENCRYPTION = SETTINGS.optional("lakeEncryption");

  private final Settings.Values values;

  /** Made by {@link TotesysPipelineBuilder} only. */
  TotesysConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the totesys database, or {@code null} when it is read from {@code sourceSecrets}
   */
  public @Nullable DataSource source() {
    return values.find(SOURCE);
  }

  /**
   * @return where the totesys database's JSON secret lives, or {@code null} with {@code source}
   */
  public @Nullable SecretProvider sourceSecrets() {
    return values.find(SOURCE_SECRETS);
  }

  /**
   * @return that secret's name, or {@code null} with {@code source}
   */
  public @Nullable String sourceSecretName() {
    return values.find(SOURCE_SECRET_NAME);
  }

  /**
   * @return the warehouse database, or {@code null} when it is read from {@code warehouseSecrets}
   */
  public @Nullable DataSource warehouse() {
    return values.find(WAREHOUSE);
  }

  /**
   * @return where the warehouse's JSON secret lives, or {@code null} with {@code warehouse}
   */
  public @Nullable SecretProvider warehouseSecrets() {
    return values.find(WAREHOUSE_SECRETS);
  }

  /**
   * @return that secret's name, or {@code null} with {@code warehouse}
   */
  public @Nullable String warehouseSecretName() {
    return values.find(WAREHOUSE_SECRET_NAME);
  }

  /**
   * @return the ingestion zone
   */
  public ObjectStore ingestionZone() {
    return values.get(INGESTION_ZONE);
  }

  /**
   * @return the processed zone
   */
  public ObjectStore processedZone() {
    return values.get(PROCESSED_ZONE);
  }

  /**
   * @return the source tables extracted, in extraction order
   */
  public List<String> tables() {
    return values.get(TABLES);
  }

  /**
   * @return how far before each table's watermark every extract re-reads
   */
  public Duration overlap() {
    return values.get(OVERLAP);
  }

  /**
   * @return the listeners, in the order they hear events
   */
  public List<PipelineListener> listeners() {
    return values.get(LISTENERS);
  }

  /**
   * @return the clock that names lake objects and stamps reports
   */
  public Clock clock() {
    return values.get(CLOCK);
  }

  /**
   * @return how the lake's Parquet objects (both zones) are encrypted, or {@code null} for objects in clear
   */
  public @Nullable FileEncryption lakeEncryption() {
    return values.find(LAKE_ENCRYPTION);
  }

  /**
   * @return where step durations and rows by stage are metered
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  private static String kind(@Nullable DataSource dataSource, @Nullable String secretName) {
    return dataSource != null ? "a " + dataSource.getClass().getSimpleName() : "the secret " + secretName;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. Only the zones are required here; {@code build()} also
   * checks the databases.
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
    return new TotesysPipelineBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TotesysConfig c && values.equals(c.values);
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
