package io.delpha.sdk.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The failure throttle's own bound, in memory: {@code TenantBoundsTest} floods a real key store with made-up key ids
 * (which are never counted), this floods the throttle itself past its bound of tracked ids.
 */
@DisplayName("the failure throttle: a flood of ids past its bound never empties the counts it holds")
class FailureThrottleTest {

  private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");

  @Test
  @DisplayName("a throttled id stays throttled while 150,000 other ids fail, and is free once its window ends")
  void floodDoesNotEmptyTheThrottle() {
    FailureThrottle throttle = new FailureThrottle(3, Duration.ofMinutes(10));
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure("real", T0);
    }
    assertThat(throttle.isThrottled("real", T0)).isTrue();
    for (int i = 0; i < 150_000; i++) {
      throttle.recordFailure("flood-" + i, T0.plusSeconds(1));
      throttle.recordFailure("flood-" + i, T0.plusSeconds(1));
      throttle.recordFailure("flood-" + i, T0.plusSeconds(1));
    }
    assertThat(throttle.isThrottled("real", T0.plusSeconds(2))).as("still throttled after the flood").isTrue();
    // ids past the bound go uncounted: the flood cannot make room by being counted either
    assertThat(throttle.isThrottled("flood-149999", T0.plusSeconds(2))).isFalse();
    assertThat(throttle.isThrottled("flood-0", T0.plusSeconds(2))).isTrue();
    assertThat(throttle.isThrottled("real", T0.plus(Duration.ofMinutes(10)))).as("its window ended").isFalse();
  }

  @Test
  @DisplayName("once the held windows end, the bound makes room again for new ids")
  void expiredWindowsMakeRoom() {
    FailureThrottle throttle = new FailureThrottle(2, Duration.ofMinutes(1));
    for (int i = 0; i < 100_000; i++) {
      throttle.recordFailure("old-" + i, T0);
    }
    Instant later = T0.plus(Duration.ofMinutes(2));
    throttle.recordFailure("new", later);
    throttle.recordFailure("new", later);
    assertThat(throttle.isThrottled("new", later)).isTrue();
    assertThat(throttle.isThrottled("old-5", later)).isFalse();
  }

  @Test
  @DisplayName("a full table is swept at most once a second: a newcomer right after a sweep goes uncounted")
  void sweepsPauseASecond() {
    FailureThrottle throttle = new FailureThrottle(1, Duration.ofMillis(500));
    for (int i = 0; i < 99_999; i++) {
      throttle.recordFailure("held-" + i, T0.plusSeconds(10));
    }
    throttle.recordFailure("early", T0);
    throttle.recordFailure("swept-nothing", T0.plusSeconds(10)); // a sweep: every window still open
    Instant ended = T0.plusSeconds(10).plusMillis(600); // "early" and all held windows have ended
    throttle.recordFailure("in-the-pause", ended);
    assertThat(throttle.isThrottled("in-the-pause", ended)).as("uncounted: no sweep within the pause").isFalse();
    Instant afterPause = T0.plusSeconds(11);
    throttle.recordFailure("after-the-pause", afterPause);
    assertThat(throttle.isThrottled("after-the-pause", afterPause)).isTrue();
  }

  @Test
  @DisplayName("below the limit nothing is throttled; keys without a readable id share one bucket")
  void limitAndNoIdBucket() {
    FailureThrottle throttle = new FailureThrottle(2, Duration.ofMinutes(1));
    throttle.recordFailure("k", T0);
    assertThat(throttle.isThrottled("k", T0)).isFalse();
    throttle.recordFailure("k", T0);
    assertThat(throttle.isThrottled("k", T0)).isTrue();
    throttle.recordFailure(null, T0);
    throttle.recordFailure(null, T0);
    assertThat(throttle.isThrottled(null, T0)).isTrue();
    assertThat(throttle.isThrottled("other", T0)).isFalse();
  }
}
