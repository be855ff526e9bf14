package io.delpha.sdk.core.internal.metrics;

import io.delpha.sdk.core.Metrics;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one way the library's components record metrics. Components hold a recorder made once from the host's
 * {@link Metrics} ({@link #of(Metrics)}): {@link #NONE} when no registry was given, which records nothing and
 * touches no Micrometer class. Tags are key/value pairs of bounded values; never an id, a name or a secret.
 * Thread-safe.
 */
public interface Recorder {

  /** Records nothing. */
  Recorder NONE = new Recorder() {
    @Override
    public void count(Meter meter, double amount, String... tags) {
      // no registry
    }

    @Override
    public void time(Meter meter, long nanos, String... tags) {
      // no registry
    }
  };

  /**
   * @param meter a counter
   * @param amount what to add (non-negative)
   * @param tags key, value, key, value...
   */
  void count(Meter meter, double amount, String... tags);

  /**
   * @param meter a timer
   * @param nanos the time measured
   * @param tags key, value, key, value...
   */
  void time(Meter meter, long nanos, String... tags);

  /**
   * Runs one call of a client and times it as {@link Meter#CLIENT_CALLS}, tagged with its {@link Outcome}.
   *
   * @param service the service called: {@code salesforce}, {@code appflow}, {@code delta-sharing}
   * @param operation the operation, from a fixed list per service (docs/metrics.md)
   * @param call the call
   * @param <T> what it returns
   * @return what it returned
   */
  default <T extends @Nullable Object> T call(String service, String operation, Supplier<T> call) {
    long start = System.nanoTime();
    String outcome = "error";
    try {
      T result = call.get();
      outcome = Outcome.SUCCESS;
      return result;
    } catch (RuntimeException e) {
      outcome = Outcome.of(e);
      throw e;
    } finally {
      time(Meter.CLIENT_CALLS, System.nanoTime() - start, "service", service, "operation", operation,
          "outcome", outcome);
    }
  }

  /**
   * @param metrics what the host gave
   * @return a recorder into its registry, or {@link #NONE}
   */
  static Recorder of(Metrics metrics) {
    Object registry = metrics.meterRegistry();
    return registry == null ? NONE : MicrometerRecorder.over(registry);
  }
}
