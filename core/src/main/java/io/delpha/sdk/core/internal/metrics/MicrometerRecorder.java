package io.delpha.sdk.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class of the library that names a Micrometer type. It is loaded when a host gives a registry
 * ({@link Recorder#check}, {@link Recorder#of}) and never otherwise, so the library runs without Micrometer.
 * Its static methods take and return library types only, so that loading a caller never loads Micrometer.
 */
final class MicrometerRecorder implements Recorder {

  private static final Logger LOG = LoggerFactory.getLogger(MicrometerRecorder.class);

  private final MeterRegistry registry;

  private MicrometerRecorder(MeterRegistry registry) {
    this.registry = registry;
  }

  static Recorder over(Object registry) {
    return new MicrometerRecorder((MeterRegistry) registry);
  }

  /** A registry that throws (a host's meter filter, say) costs the meter, never the work measured. */
  @Override
  public void count(Meter meter, double amount, String... tags) {
    try {
      Counter.builder(meter.meterName()).description(meter.description()).baseUnit(meter.baseUnit()).tags(tags)
          .register(registry).increment(amount);
    } catch (RuntimeException e) {
      LOG.warn("the meter registry refused {}; not recorded: {}", meter.meterName(), e.toString());
    }
  }

  @Override
  public void time(Meter meter, long nanos, String... tags) {
    try {
      Timer.builder(meter.meterName()).description(meter.description()).tags(tags).register(registry)
          .record(nanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      LOG.warn("the meter registry refused {}; not recorded: {}", meter.meterName(), e.toString());
    }
  }
}
