package io.delpha.sdk.totesys;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.totesys.internal.SourceTable;
import io.delpha.sdk.parquet.FileEncryption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Builds a {@link TotesysPipeline}: {@link TotesysPipeline#builder()}, or {@link TotesysConfig#toBuilder()} for
 * another pipeline with a config's settings and collaborators.
 */
public final class TotesysPipelineBuilder implements ClientBuilder<TotesysPipelineBuilder, TotesysPipeline>,
    ClientBuilder.WithClock<TotesysPipelineBuilder> {
  private final Settings.Draft draft;

  TotesysPipelineBuilder() {
    this(TotesysConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link TotesysConfig#toBuilder()}. */
  TotesysPipelineBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  /**
   * @param source the totesys database
   * @return this builder
   */
  public TotesysPipelineBuilder source(DataSource source) {
    draft.set(TotesysConfig.SOURCE, source);
    draft.setOrClear(TotesysConfig.SOURCE_SECRETS, null);
    draft.setOrClear(TotesysConfig.SOURCE_SECRET_NAME, null);
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
    draft.set(TotesysConfig.SOURCE_SECRETS, secrets);
    draft.set(TotesysConfig.SOURCE_SECRET_NAME, name);
    draft.setOrClear(TotesysConfig.SOURCE, null);
    return this;
  }

  /**
   * @param store the ingestion zone (raw Parquet per table and run, and the extract state)
   * @return this builder
   */
  public TotesysPipelineBuilder ingestionZone(ObjectStore store) {
    draft.set(TotesysConfig.INGESTION_ZONE, Objects.requireNonNull(store, "store"));
    return this;
  }

  /**
   * @param store the processed zone (star-schema Parquet, rejects and the transform manifest)
   * @return this builder
   */
  public TotesysPipelineBuilder processedZone(ObjectStore store) {
    draft.set(TotesysConfig.PROCESSED_ZONE, Objects.requireNonNull(store, "store"));
    return this;
  }

  /**
   * @param warehouse the warehouse database
   * @return this builder
   */
  public TotesysPipelineBuilder warehouse(DataSource warehouse) {
    draft.set(TotesysConfig.WAREHOUSE, warehouse);
    draft.setOrClear(TotesysConfig.WAREHOUSE_SECRETS, null);
    draft.setOrClear(TotesysConfig.WAREHOUSE_SECRET_NAME, null);
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
    draft.set(TotesysConfig.WAREHOUSE_SECRETS, secrets);
    draft.set(TotesysConfig.WAREHOUSE_SECRET_NAME, name);
    draft.setOrClear(TotesysConfig.WAREHOUSE, null);
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
    List<String> chosen = new ArrayList<>();
    for (String name : names) {
      String table = SourceTable.require(name).tableName();
      if (!chosen.contains(table)) {
        chosen.add(table);
      }
    }
    if (chosen.isEmpty()) {
      throw new InvalidInputException("at least one table is needed; allowed: " + SourceTable.names());
    }
    draft.set(TotesysConfig.TABLES, chosen);
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
    draft.set(TotesysConfig.OVERLAP, overlap);
    return this;
  }

  /**
   * @param listener hears progress and every run's end; may be given several times
   * @return this builder
   */
  public TotesysPipelineBuilder listener(PipelineListener listener) {
    List<PipelineListener> listeners = new ArrayList<>(Objects.requireNonNull(draft.find(TotesysConfig.LISTENERS)));
    listeners.add(Objects.requireNonNull(listener, "listener"));
    draft.set(TotesysConfig.LISTENERS, listeners);
    return this;
  }

  /**
   * @param clock the clock that names lake objects and stamps reports (UTC system clock by default)
   * @return this builder
   */
  @Override
  public TotesysPipelineBuilder clock(Clock clock) {
    draft.set(TotesysConfig.CLOCK, clock);
    return this;
  }

  /**
   * @param metrics where step durations and rows by stage are metered (docs/metrics.md); default {@link
   *     Metrics#none()}
   * @return this builder
   */
  @Override
  public TotesysPipelineBuilder metrics(Metrics metrics) {
    draft.set(TotesysConfig.METRICS, metrics);
    return this;
  }

  /**
   * Encrypts the lake: every Parquet object the pipeline writes to the ingestion and processed zones is encrypted
   * with Parquet modular encryption, and read back with {@link FileEncryption#decryption()} (docs/totesys.md). Without
   * it the objects are in clear, as before; a lake written in clear is not read by a pipeline that encrypts, nor the
   * other way round.
   *
   * @param encryption the keys or the KMS, the algorithm and the footer mode
   * @return this builder
   */
  public TotesysPipelineBuilder lakeEncryption(FileEncryption encryption) {
    draft.set(TotesysConfig.LAKE_ENCRYPTION, Objects.requireNonNull(encryption, "encryption"));
    return this;
  }

  /**
   * @return the pipeline
   * @throws InvalidInputException if the source, a zone or the warehouse is missing
   */
  @Override
  public TotesysPipeline build() {
    Capability.require("TotesysPipeline", "postgresql", "parquet");
    List<String> missing = new ArrayList<>();
    if (draft.find(TotesysConfig.SOURCE) == null && draft.find(TotesysConfig.SOURCE_SECRETS) == null) {
      missing.add("source");
    }
    if (draft.find(TotesysConfig.INGESTION_ZONE) == null) {
      missing.add("ingestionZone");
    }
    if (draft.find(TotesysConfig.PROCESSED_ZONE) == null) {
      missing.add("processedZone");
    }
    if (draft.find(TotesysConfig.WAREHOUSE) == null && draft.find(TotesysConfig.WAREHOUSE_SECRETS) == null) {
      missing.add("warehouse");
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException("the pipeline needs " + missing);
    }
    return new TotesysPipeline(config());
  }

  /** The settings {@link #build()} builds with ({@link TotesysConfig#from}): only the zones are required here. */
  TotesysConfig config() {
    return new TotesysConfig(draft.freeze());
  }
}
