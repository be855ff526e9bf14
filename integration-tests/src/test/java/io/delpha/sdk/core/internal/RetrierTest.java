package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetrierTest {

  final MutableClock clock = new MutableClock();
  final RetryPolicy policy = RetryPolicy.builder().maxAttempts(4).initialDelay(Duration.ofMillis(100))
      .maxDelay(Duration.ofMillis(350)).multiplier(2).jitter(false).build();
  final Retrier retrier = new Retrier(policy, clock, clock::sleep);

  @Test
  @DisplayName("call retries what is worth retrying with the policy's delays, and words the give-up with the attempt count")
  void retriesThenGivesUp() {
    List<Integer> attempts = new ArrayList<>();
    assertThatThrownBy(() -> retrier.call("fetch", n -> {
      attempts.add(n);
      throw new ServiceUnavailableException("down");
    }, e -> e instanceof ServiceUnavailableException, (last, n) -> new ServiceUnavailableException(
        last.getMessage() + " after " + n + " attempts", last)))
        .isInstanceOf(ServiceUnavailableException.class).hasMessage("down after 4 attempts");
    assertThat(attempts).containsExactly(1, 2, 3, 4);
    assertThat(clock.slept()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350));
  }

  @Test
  @DisplayName("call returns the first success and never pauses after it")
  void returnsFirstSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String result = retrier.call("fetch", n -> {
      if (calls.incrementAndGet() < 3) {
        throw new ServiceUnavailableException("not yet");
      }
      return "ok on " + n;
    }, e -> true, Retrier.RETHROW);
    assertThat(result).isEqualTo("ok on 3");
    assertThat(clock.slept()).hasSize(2);
  }

  @Test
  @DisplayName("a failure not worth retrying is thrown as it is, at once")
  void notRetryableThrownAtOnce() {
    InvalidInputException bad = new InvalidInputException("malformed");
    assertThatThrownBy(() -> retrier.call("fetch", n -> {
      throw bad;
    }, e -> e instanceof ServiceUnavailableException, Retrier.RETHROW)).isSameAs(bad);
    assertThat(clock.slept()).isEmpty();
  }

  @Test
  @DisplayName("a rate limit's Retry-After sets the pause, never beyond the policy's longest delay")
  void retryAfterHonouredAndCapped() {
    AtomicInteger calls = new AtomicInteger();
    retrier.call("fetch", n -> {
      int c = calls.incrementAndGet();
      if (c == 1) {
        throw new RateLimitedException("slow down", Duration.ofMillis(250), null);
      }
      if (c == 2) {
        throw new RateLimitedException("slow down more", Duration.ofSeconds(30), null);
      }
      return c;
    }, e -> true, Retrier.RETHROW);
    assertThat(clock.slept()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(350));
  }

  @Test
  @DisplayName("poll checks until there is a result, pausing with growing delays")
  void pollUntilResult() {
    AtomicInteger checks = new AtomicInteger();
    String done = retrier.poll("job", Duration.ofMinutes(1),
        () -> checks.incrementAndGet() == 4 ? Optional.of("done") : Optional.empty(),
        () -> new ServiceUnavailableException("timed out"));
    assertThat(done).isEqualTo("done");
    assertThat(clock.slept()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350));
  }

  @Test
  @DisplayName("poll cuts its last pause to the deadline, checks once more there, then times out")
  void pollTimesOutAtDeadline() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(() -> retrier.poll("job", Duration.ofMillis(500), () -> {
      checks.incrementAndGet();
      return Optional.empty();
    }, () -> new ServiceUnavailableException("still running after " + checks.get() + " checks")))
        .hasMessage("still running after 4 checks");
    assertThat(clock.slept()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(200));
    assertThat(clock.totalSlept()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  @DisplayName("a thread interrupted while pausing gets a ServiceUnavailableException and keeps its interrupt status")
  void interruptedWhilePausing() {
    Retrier real = Retrier.of(policy);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> real.call("fetch", n -> {
        throw new ServiceUnavailableException("down");
      }, e -> true, Retrier.RETHROW)).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
