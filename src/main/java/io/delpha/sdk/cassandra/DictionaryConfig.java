package io.delpha.sdk.cassandra;

import io.delpha.sdk.core.Metrics;
import java.util.Objects;

/**
 * The settings a {@link DictionaryManager} was built with. Immutable; {@link #toBuilder()} starts a builder for
 * another manager over the same cluster, so {@code config.toBuilder().build().config()} equals {@code config}.
 *
 * <pre>{@code
 * DictionaryManager metered = dict.config().toBuilder().metrics(metrics).build();
 * }</pre>
 *
 * @param cassandra the cluster described (not closed by the manager)
 * @param metrics where the schema reads are timed
 */
public record DictionaryConfig(CqlExecutor cassandra, Metrics metrics) {

  /** Checks both settings. */
  public DictionaryConfig {
    Objects.requireNonNull(cassandra, "cassandra");
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * @return a builder holding these settings, to change some of them
   */
  public DictionaryManager.Builder toBuilder() {
    return DictionaryManager.builder().cassandra(cassandra).metrics(metrics);
  }
}
