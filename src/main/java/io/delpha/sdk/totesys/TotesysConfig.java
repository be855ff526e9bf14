package io.delpha.sdk.totesys;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link TotesysPipeline} was built with, as its builder took them. Immutable; {@link #toBuilder()}
 * starts a builder for another pipeline with the same settings and collaborators (the same data sources, secret
 * providers and stores, which neither pipeline closes), so {@code config.toBuilder().build().config()} equals {@code
 * config}. Each database is given either as a {@link DataSource} or as a secret's name in a {@link SecretProvider}:
 * one of the two is set, never both.
 *
 * <pre>{@code
 * try (TotesysPipeline salesOnly = pipeline.config().toBuilder().tables("sales_order").build()) { ... }
 * }</pre>
 *
 * @param source the totesys database, or {@code null} when it is read from {@code sourceSecrets}
 * @param sourceSecrets where the totesys database's JSON secret lives, or {@code null} with {@code source}
 * @param sourceSecretName that secret's name, or {@code null} with {@code source}
 * @param warehouse the warehouse database, or {@code null} when it is read from {@code warehouseSecrets}
 * @param warehouseSecrets where the warehouse's JSON secret lives, or {@code null} with {@code warehouse}
 * @param warehouseSecretName that secret's name, or {@code null} with {@code warehouse}
 * @param ingestionZone the ingestion zone
 * @param processedZone the processed zone
 * @param tables the source tables extracted, in extraction order
 * @param overlap how far before each table's watermark every extract re-reads
 * @param listeners the listeners, in the order they hear events
 * @param clock the clock that names lake objects and stamps reports
 * @param metrics where step durations and rows by stage are metered
 */
public record TotesysConfig(
    @Nullable DataSource source,
    @Nullable SecretProvider sourceSecrets,
    @Nullable String sourceSecretName,
    @Nullable DataSource warehouse,
    @Nullable SecretProvider warehouseSecrets,
    @Nullable String warehouseSecretName,
    ObjectStore ingestionZone,
    ObjectStore processedZone,
    List<String> tables,
    Duration overlap,
    List<PipelineListener> listeners,
    Clock clock,
    Metrics metrics) {

  /** Checks the required settings and copies the lists. */
  public TotesysConfig {
    Objects.requireNonNull(ingestionZone, "ingestionZone");
    Objects.requireNonNull(processedZone, "processedZone");
    tables = List.copyOf(tables);
    Objects.requireNonNull(overlap, "overlap");
    listeners = List.copyOf(listeners);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Names the data sources by their class only: a host's {@code DataSource} may print its JDBC URL or password in its
   * own {@code toString()}, and a config is logged.
   */
  @Override
  public String toString() {
    return "TotesysConfig[source=" + kind(source, sourceSecretName) + ", warehouse="
        + kind(warehouse, warehouseSecretName) + ", ingestionZone=" + ingestionZone + ", processedZone="
        + processedZone + ", tables=" + tables + ", overlap=" + overlap + ", listeners=" + listeners.size()
        + ", clock=" + clock + ", metrics=" + metrics + "]";
  }

  private static String kind(@Nullable DataSource dataSource, @Nullable String secretName) {
    return dataSource != null ? "a " + dataSource.getClass().getSimpleName() : "the secret " + secretName;
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public TotesysPipeline.Builder toBuilder() {
    return TotesysPipeline.builder().config(this);
  }
}
