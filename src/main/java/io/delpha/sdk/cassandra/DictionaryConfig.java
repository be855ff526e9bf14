package io.delpha.sdk.cassandra;

import static io.delpha.sdk.core.internal.ConfigValues.setting;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.ConfigValues;
import java.util.Objects;
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

  private static final ConfigValues<DictionaryConfig> VALUES = ConfigValues.of(DictionaryConfig.class,
      setting("cassandra", DictionaryConfig::cassandra),
      setting("metrics", DictionaryConfig::metrics));

  private final CqlExecutor cassandra;
  private final Metrics metrics;

  /** Made by {@link DictionaryManager} only; checks both settings. */
  DictionaryConfig(CqlExecutor cassandra, Metrics metrics) {
    Objects.requireNonNull(cassandra, "cassandra");
    Objects.requireNonNull(metrics, "metrics");

    this.cassandra = cassandra;
    this.metrics = metrics;
  }

  /**
   * @return the cluster described (not closed by the manager)
   */
  public CqlExecutor cassandra() {
    return cassandra;
  }

  /**
   * @return where the schema reads are timed
   */
  public Metrics metrics() {
    return metrics;
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
    return DictionaryManager.builder().cassandra(cassandra).metrics(metrics);
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
