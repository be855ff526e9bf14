package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import io.delpha.sdk.core.internal.Capability;
import java.util.List;

/**
 * The driver's own metrics, reported to the host's Micrometer registry by the driver's {@code
 * MicrometerMetricsFactory} (module {@code java-driver-metrics-micrometer}, an optional dependency): which
 * metrics are enabled and how they are named ({@code delpha.cassandra.session.*} tagged {@code session},
 * {@code delpha.cassandra.nodes.*} tagged {@code session} and {@code node}). Names the factory by its class
 * name only, so nothing of Micrometer is loaded unless a registry is given.
 */
public final class DriverMetrics {

  /** The driver's Micrometer binding. */
  static final String FACTORY = "com.datastax.oss.driver.internal.metrics.micrometer.MicrometerMetricsFactory";
  /** The prefix of every driver meter. */
  public static final String PREFIX = "delpha.cassandra";
  /** Session-wide metrics enabled (driver names). */
  public static final List<String> SESSION = List.of("connected-nodes", "cql-requests", "cql-client-timeouts",
      "bytes-sent", "bytes-received", "throttling.errors");
  /** Per-node metrics enabled (driver names). */
  public static final List<String> NODE = List.of("pool.open-connections", "pool.in-flight", "cql-messages",
      "errors.request.unsent", "errors.request.aborted", "errors.request.write-timeouts",
      "errors.request.read-timeouts", "errors.request.unavailables", "errors.request.others",
      "errors.connection.init", "errors.connection.auth", "retries.total", "ignores.total");

  private DriverMetrics() {}

  /**
   * @throws io.delpha.sdk.core.MissingDependencyException if the driver's Micrometer module is missing
   */
  public static void requireBinding() {
    Capability.require("the Cassandra driver's metrics (CassandraManagerBuilder.metrics)", "driver-metrics");
  }


  /**
   * @param loader the session's configuration, to which the metrics settings are added
   */
  public static void configure(ProgrammaticDriverConfigLoaderBuilder loader) {
    loader.withString(DefaultDriverOption.METRICS_FACTORY_CLASS, FACTORY)
        .withString(DefaultDriverOption.METRICS_ID_GENERATOR_CLASS, "TaggingMetricIdGenerator")
        .withString(DefaultDriverOption.METRICS_ID_GENERATOR_PREFIX, PREFIX)
        .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, SESSION)
        .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, NODE);
  }
}
