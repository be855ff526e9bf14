package io.delpha.sdk.cassandra;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Settings;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link DictionaryManager} was built with. Immutable, made only by its builder (no public constructor),
 * equal when every setting is equal; {@link #toBuilder()} starts a builder for another manager over the same cluster,
 * so {@code config.toBuilder().build().config()} equals {@code config}.
 *
 * <pre>{@code
 * DictionaryManager metered = dict.config().toBuilder().metrics(metrics).build();
 * }</pre>
 */
public final class DictionaryConfig {

  static final Settings SETTINGS = new Settings("DictionaryConfig");
  static final Settings.Setting<CqlExecutor> CASSANDRA = SETTINGS.required("cassandra");
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());

  private final Settings.Values values;

  /** Made by {@link DictionaryManager} only. */
  DictionaryConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the cluster described (not closed by the manager)
   */
  public CqlExecutor cassandra() {
    return values.get(CASSANDRA);
  }

  /**
   * @return where the schema reads are timed
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. The same checks as {@code build()}.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static DictionaryConfig from(DictionaryManager.Builder settings) {
    return settings.settings();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * DictionaryManager#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static DictionaryManager.Builder builder() {
    return DictionaryManager.builder();
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public DictionaryManager.Builder toBuilder() {
    return new DictionaryManager.Builder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DictionaryConfig c && values.equals(c.values);
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
