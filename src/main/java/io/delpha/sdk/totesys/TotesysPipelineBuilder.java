package io.delpha.sdk.totesys;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.totesys.internal.SecretDataSources;
import io.delpha.sdk.totesys.internal.SourceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link TotesysPipeline}: {@link TotesysPipeline#builder()}, or {@link TotesysConfig#toBuilder()} for
 * another pipeline with a config's settings and collaborators.
 */
public final class TotesysPipelineBuilder implements ClientBuilder<TotesysPipelineBuilder, TotesysPipeline>,
    ClientBuilder.WithClock<TotesysPipelineBuilder> {
  // the settings; package-private, as TotesysPipeline's constructor reads them
  @Nullable DataSource source;
  @Nullable SecretProvider sourceSecrets;
  @Nullable String sourceSecretName;
  @Nullable DataSource warehouse;
  @Nullable SecretProvider warehouseSecrets;
  @Nullable String warehouseSecretName;
  @Nullable ObjectStore ingestion;
  @Nullable ObjectStore processed;
  List<SourceTable> tables = List.of(SourceTable.values());
  Duration overlap = Duration.ofMinutes(10);
  final List<PipelineListener> listeners = new ArrayList<>();
  Clock clock = Clock.systemUTC();
  Metrics metrics = Metrics.none();

  TotesysPipelineBuilder() {}

  /**
   * @param source the totesys database
   * @return this builder
   */
  public TotesysPipelineBuilder source(DataSource source) {
    this.source = Objects.requireNonNull(source, "source");
    this.sourceSecrets = null;
    this.sourceSecretName = null;
    return this;
  }

  /**
   * The totesys database from a JSON secret {@code {host, port, database, user, password}}, read
   * at each run (so a rotated password is picked up; wrap the provider in {@link
   * SecretProvider#cached} to read it less often).
   *
   * @param secrets where the secret lives
   * @param name the secret's name, e.g. {@code "totesys-db"}
   * @return this builder
   */
  public TotesysPipelineBuilder sourceSecret(SecretProvider secrets, String name) {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(name, "name");
    this.sourceSecrets = secrets;
    this.sourceSecretName = name;
    this.source = null;
    return this;
  }

  /**
   * @param store the ingestion zone (raw Parquet per table and run, and the extract state)
   * @return this builder
   */
  public TotesysPipelineBuilder ingestionZone(ObjectStore store) {
    this.ingestion = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * @param store the processed zone (star-schema Parquet, rejects and the transform manifest)
   * @return this builder
   */
  public TotesysPipelineBuilder processedZone(ObjectStore store) {
    this.processed = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * @param warehouse the warehouse database
   * @return this builder
   */
  public TotesysPipelineBuilder warehouse(DataSource warehouse) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.warehouseSecrets = null;
    this.warehouseSecretName = null;
    return this;
  }

  /**
   * The warehouse database from a JSON secret {@code {host, port, database, user, password}}, read at
   * each run.
   *
   * @param secrets where the secret lives
   * @param name the secret's name
   * @return this builder
   */
  public TotesysPipelineBuilder warehouseSecret(SecretProvider secrets, String name) {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(name, "name");
    this.warehouseSecrets = secrets;
    this.warehouseSecretName = name;
    this.warehouse = null;
    return this;
  }

  /**
   * Restricts extraction to some tables (all 11 by default).
   *
   * @param names totesys table names
   * @return this builder
   * @throws InvalidInputException if a name is not one of the 11 totesys tables; no SQL has run
   */
  public TotesysPipelineBuilder tables(String... names) {
    List<SourceTable> chosen = new ArrayList<>();
    for (String name : names) {
      SourceTable table = SourceTable.require(name);
      if (!chosen.contains(table)) {
        chosen.add(table);
      }
    }
    if (chosen.isEmpty()) {
      throw new InvalidInputException("at least one table is needed; allowed: " + SourceTable.names());
    }
    this.tables = List.copyOf(chosen);
    return this;
  }

  /**
   * @param overlap how far before each table's watermark every extract re-reads, to catch rows
   *     committed late with an older {@code last_updated} (default 10 minutes)
   * @return this builder
   */
  public TotesysPipelineBuilder overlap(Duration overlap) {
    Objects.requireNonNull(overlap, "overlap");
    if (overlap.isNegative()) {
      throw new InvalidInputException("the overlap must be zero or positive, was " + overlap);
    }
    this.overlap = overlap;
    return this;
  }

  /**
   * @param listener hears progress and every run's end; may be given several times
   * @return this builder
   */
  public TotesysPipelineBuilder listener(PipelineListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * @param clock the clock that names lake objects and stamps reports (UTC system clock by default)
   * @return this builder
   */
  @Override
  public TotesysPipelineBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * @param metrics where step durations and rows by stage are metered (docs/metrics.md); default {@link
   *     Metrics#none()}
   * @return this builder
   */
  @Override
  public TotesysPipelineBuilder metrics(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /**
   * @return the pipeline
   * @throws InvalidInputException if the source, a zone or the warehouse is missing
   */
  @Override
  public TotesysPipeline build() {
    Capability.require("TotesysPipeline", Capability.POSTGRESQL, Capability.PARQUET);
    List<String> missing = new ArrayList<>();
    if (source == null && sourceSecrets == null) {
      missing.add("source");
    }
    if (ingestion == null) {
      missing.add("ingestionZone");
    }
    if (processed == null) {
      missing.add("processedZone");
    }
    if (warehouse == null && warehouseSecrets == null) {
      missing.add("warehouse");
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException("the pipeline needs " + missing);
    }
    return new TotesysPipeline(this);
  }

  /** Takes every setting of {@code c}, as {@link TotesysConfig#toBuilder()} does. */
  TotesysPipelineBuilder config(TotesysConfig c) {
    source = c.source();
    sourceSecrets = c.sourceSecrets();
    sourceSecretName = c.sourceSecretName();
    warehouse = c.warehouse();
    warehouseSecrets = c.warehouseSecrets();
    warehouseSecretName = c.warehouseSecretName();
    ingestion = c.ingestionZone();
    processed = c.processedZone();
    tables = c.tables().stream().map(SourceTable::require).toList();
    overlap = c.overlap();
    listeners.clear();
    listeners.addAll(c.listeners());
    clock = c.clock();
    metrics = c.metrics();
    return this;
  }

  TotesysConfig config() {
    return new TotesysConfig(source, sourceSecrets, sourceSecretName, warehouse, warehouseSecrets,
        warehouseSecretName, Objects.requireNonNull(ingestion, "ingestionZone"),
        Objects.requireNonNull(processed, "processedZone"), tables.stream().map(SourceTable::tableName).toList(),
        overlap, listeners, clock, metrics);
  }

  /** A database given as a data source, or read from its secret at each run (checked by build()). */
  Supplier<DataSource> database(@Nullable DataSource given, @Nullable SecretProvider secrets,
      @Nullable String name) {
    if (given != null) {
      return () -> given;
    }
    SecretProvider provider = Objects.requireNonNull(secrets, "secrets");
    String secretName = Objects.requireNonNull(name, "name");
    return () -> SecretDataSources.postgres(provider, secretName);
  }
}
