package io.delpha.sdk.security.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts authentication failures per key id in a fixed window; once a key id reaches the limit, further
 * attempts are refused without checking until the window ends. In memory, per {@code AccessKeys}
 * instance, bounded in size: {@code AccessKeys} counts only ids of real keys, and when the bound is reached with
 * every window still open, new ids go uncounted while the counts held stay (a flood never empties them). A full
 * table is swept for ended windows at most once a second, so a flood at the bound costs no scan per failure.
 */
public final class FailureThrottle {

  /** The bucket for presented keys without a readable id. */
  public static final String NO_ID = "<no id>";
  static final int MAX_TRACKED = 100_000;
  /**
   * How often, at most, a full table is swept for ended windows: a sweep reads every entry, and without this pause
   * each newcomer at the bound would pay one (a flood of ids at the bound cost a full scan per failure).
   */
  private static final Duration SWEEP_PAUSE = Duration.ofSeconds(1);

  private record Window(Instant start, int failures) {}

  private final int maxFailures;
  private final Duration window;
  private final int maxTracked;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  /** When the full table was last swept; a newcomer before the pause ends goes uncounted without a sweep. */
  private volatile Instant sweptAt = Instant.MIN;

  /**
   * @param maxFailures failures allowed per window before attempts are refused unchecked
   * @param window the length of a window
   */
  public FailureThrottle(int maxFailures, Duration window) {
    this(maxFailures, window, MAX_TRACKED);
  }

  /**
   * @param maxFailures failures allowed per window before attempts are refused unchecked
   * @param window the length of a window
   * @param maxTracked ids counted at most at once (tests of the bound set it small)
   */
  FailureThrottle(int maxFailures, Duration window, int maxTracked) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.maxTracked = maxTracked;
  }

  /**
   * @param keyId the key id, or {@code null}
   * @param now the current time
   * @return whether attempts for this key id are refused unchecked now
   */
  public boolean isThrottled(String keyId, Instant now) {
    Window w = windows.get(bucket(keyId));
    return w != null && !expired(w, now) && w.failures() >= maxFailures;
  }

  /**
   * @param keyId the key id, or {@code null}
   * @param now the current time
   * @return whether the failure was counted: {@code false} only for an id not held while the table is at its bound
   *     with every window still open
   */
  public boolean recordFailure(String keyId, Instant now) {
    if (windows.size() >= maxTracked && !windows.containsKey(bucket(keyId))) {
      if (!now.isBefore(sweptAt.plus(SWEEP_PAUSE))) {
        sweptAt = now;
        windows.values().removeIf(w -> expired(w, now));
      }
      if (windows.size() >= maxTracked) {
        return false; // counts already held are never forgotten for a newcomer: volume cannot empty the throttle
      }
    }
    windows.compute(bucket(keyId), (k, w) -> w == null || expired(w, now)
        ? new Window(now, 1)
        : new Window(w.start(), w.failures() + 1));
    return true;
  }

  /** @return how many ids are held now (at most the bound) */
  int tracked() {
    return windows.size();
  }

  private boolean expired(Window w, Instant now) {
    return !now.isBefore(w.start().plus(window));
  }

  private static String bucket(String keyId) {
    return keyId == null ? NO_ID : keyId;
  }
}
