package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Duration;

/**
 * The one way the library waits between attempts or polls: through a {@link Sleeper} that production code
 * leaves at {@link #REAL} and tests replace (with the clock they also inject), so no test waits on the
 * wall clock and no public API carries a test hook.
 */
public final class Pause {

  /** Pauses the calling thread. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * @param duration how long to pause
     * @throws InterruptedException if the thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Sleeps for real ({@link Thread#sleep(long)}); zero and negative durations return at once. */
  public static final Sleeper REAL = d -> {
    if (d.isNegative() || d.isZero()) {
      return;
    }
    Thread.sleep(d.toMillis());
  };

  private Pause() {}

  /**
   * Pauses, keeping the thread's interrupt status.
   *
   * @param sleeper how to pause
   * @param duration how long
   * @param what what is being waited for, for the error
   * @throws ServiceUnavailableException if the thread is interrupted while waiting
   */
  public static void pause(Sleeper sleeper, Duration duration, String what) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while waiting for " + what, e);
    }
  }
}
