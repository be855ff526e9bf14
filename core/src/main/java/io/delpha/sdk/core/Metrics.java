package io.delpha.sdk.core;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the library's components report their metrics: nowhere ({@link #none()}, the default of every
 * builder), or a Micrometer {@link MeterRegistry} the host owns ({@link #micrometer(MeterRegistry)}). Immutable and
 * thread-safe; one instance may be given to every builder ({@code metrics(...)}).
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();           // or the host's Prometheus registry, ...
 * Metrics metrics = Metrics.micrometer(registry);
 * CassandraManager cass = CassandraManager.builder().metrics(metrics)...build();   // the driver's own metrics
 * BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).metrics(metrics)...build();
 * }</pre>
 *
 * <p>Micrometer is an optional dependency of the library: a host that wants metrics adds {@code
 * io.micrometer:micrometer-core} (and {@code org.apache.cassandra:java-driver-metrics-micrometer} for the
 * Cassandra driver's metrics). The library loads and runs without Micrometer: {@link #micrometer(MeterRegistry)}
 * names Micrometer's type, which the JVM resolves only when a host calls it (a host without Micrometer cannot), and
 * no Micrometer class is touched unless a registry is given. {@link #meterRegistry()} is typed {@code Object}, so
 * that reading it never needs Micrometer.
 *
 * <p>Every meter is named {@code delpha.*} and carries only tags of bounded values (outcomes, steps, HTTP
 * method and status class, route patterns): never a key id, a file name or a secret. The customer of an
 * ingestion is a tag only when asked for ({@link #withCustomerTag(boolean)}), since the number of customers is
 * the host's to bound. The meters are listed in {@code docs/metrics.md}.
 */
public final class Metrics {

  private static final Metrics NONE = new Metrics(null, false);

  private final @Nullable Object meterRegistry;
  private final boolean customerTag;

  private Metrics(@Nullable Object meterRegistry, boolean customerTag) {
    this.meterRegistry = meterRegistry;
    this.customerTag = customerTag;
  }

  /**
   * @return no metrics: every component records nothing and touches no Micrometer class
   */
  public static Metrics none() {
    return NONE;
  }

  /**
   * @param meterRegistry a Micrometer registry, owned (and closed) by the host
   * @return metrics recorded into that registry
   */
  public static Metrics micrometer(MeterRegistry meterRegistry) {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    return new Metrics(meterRegistry, false);
  }

  /**
   * @param customerTag whether ingestion meters carry a {@code customer} tag (the customer id); off by default,
   *     because every registered customer adds time series
   * @return metrics like these, with or without the customer tag
   */
  public Metrics withCustomerTag(boolean customerTag) {
    return meterRegistry == null ? this : new Metrics(meterRegistry, customerTag);
  }

  /**
   * @return the {@link MeterRegistry} given (typed {@code Object}: reading it needs no Micrometer), or {@code null}
   *     for {@link #none()}
   */
  public @Nullable Object meterRegistry() {
    return meterRegistry;
  }

  /**
   * @return whether a registry was given
   */
  public boolean enabled() {
    return meterRegistry != null;
  }

  /**
   * @return whether ingestion meters carry the customer id as a tag
   */
  public boolean customerTag() {
    return customerTag;
  }

  @Override
  public String toString() {
    return meterRegistry == null ? "Metrics[none]"
        : "Metrics[" + meterRegistry.getClass().getSimpleName() + ", customerTag=" + customerTag + "]";
  }
}
