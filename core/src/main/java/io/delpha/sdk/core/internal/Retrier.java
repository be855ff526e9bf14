package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's one retry loop and one poll loop, over a {@link RetryPolicy}, a {@link Clock} and a
 * {@link Pause.Sleeper}. Production code uses {@link #of(RetryPolicy)} (the system clock, real sleeps);
 * tests build one with their own clock and a sleeper that moves it, through a non-public seam of the
 * component, so no test waits on the wall clock. Thread-safe; it holds no state between calls.
 *
 * <pre>{@code
 * Retrier retries = Retrier.of(policy);
 * Session s = retries.call("Salesforce login", attempt -> authenticator.login(),
 *     e -> e instanceof ServiceUnavailableException,
 *     (last, attempts) -> new ServiceUnavailableException(last.getMessage() + " (gave up after " + attempts + ")", last));
 * JobInfo done = retries.poll("bulk job 750...", Duration.ofMinutes(10), () -> finishedOrEmpty(), () -> timedOut());
 * }</pre>
 */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  private final RetryPolicy policy;
  private final Clock clock;
  private final Pause.Sleeper sleeper;

  /**
   * @param policy the attempts and delays
   * @param clock the clock poll deadlines are measured on
   * @param sleeper how the loops pause
   */
  public Retrier(RetryPolicy policy, Clock clock, Pause.Sleeper sleeper) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * @param policy the attempts and delays
   * @return a retrier on the system clock that sleeps for real
   */
  public static Retrier of(RetryPolicy policy) {
    return new Retrier(policy, Clock.systemUTC(), Pause.REAL);
  }

  /**
   * @return the policy
   */
  public RetryPolicy policy() {
    return policy;
  }

  /** Words the failure thrown when the attempts are used up. */
  @FunctionalInterface
  public interface GiveUp {
    /**
     * @param last the last attempt's failure
     * @param attempts how many attempts were made
     * @return what to throw
     */
    RuntimeException after(RuntimeException last, int attempts);
  }

  /** A {@link GiveUp} that throws the last failure as it is. */
  public static final GiveUp RETHROW = (last, attempts) -> last;

  /**
   * Runs {@code attempt} until it returns, a failure is not {@code retryable}, or the policy's attempts
   * are used up. Between attempts it pauses for the policy's delay, or for what a {@link
   * ServiceUnavailableException} (a 503, a {@link io.delpha.sdk.core.RateLimitedException}) asked ({@code
   * Retry-After}), never longer than the policy's longest delay.
   *
   * @param what what is attempted, for the log
   * @param attempt one attempt, given its number (1 for the first), which it may name in its errors
   * @param retryable which failures are worth another attempt
   * @param giveUp what to throw when the attempts are used up
   * @param <T> the result type
   * @return the first successful attempt's result
   * @throws io.delpha.sdk.core.ServiceUnavailableException if interrupted while pausing
   */
  public <T extends @Nullable Object> T call(String what, IntFunction<T> attempt, Predicate<? super RuntimeException> retryable, GiveUp giveUp) {
    for (int n = 1; ; n++) {
      try {
        return attempt.apply(n);
      } catch (RuntimeException e) {
        if (!retryable.test(e)) {
          throw e;
        }
        if (!policy.canRetryAfter(n)) {
          throw giveUp.after(e, n);
        }
        Duration wait = delayAfter(n, e);
        LOG.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", what, n, policy.maxAttempts(), wait.toMillis(),
            e.getMessage());
        Pause.pause(sleeper, wait, what);
      }
    }
  }

  /**
   * Checks until {@code check} answers, pausing between checks for the policy's growing delays (its
   * attempt count is not used: the timeout bounds the wait). The last pause is cut to the deadline, so a
   * last check always happens at the deadline.
   *
   * @param what what is waited for, for the error when interrupted
   * @param timeout how long to wait at most, zero for a single check
   * @param check one check: the result once there is one, else empty; a failure ends the wait
   * @param timedOut what to throw when the time is up
   * @param <T> the result type
   * @return the first result
   * @throws io.delpha.sdk.core.ServiceUnavailableException if interrupted while pausing
   */
  public <T> T poll(String what, Duration timeout, Supplier<Optional<T>> check,
      Supplier<? extends RuntimeException> timedOut) {
    Instant deadline = clock.instant().plus(timeout);
    for (int n = 1; ; n++) {
      Optional<T> result = check.get();
      if (result.isPresent()) {
        return result.get();
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw timedOut.get();
      }
      Duration pause = policy.delayAfter(n);
      Pause.pause(sleeper, pause.compareTo(left) < 0 ? pause : left, what);
    }
  }

  private Duration delayAfter(int attempt, RuntimeException failure) {
    if (failure instanceof ServiceUnavailableException unavailable && unavailable.retryAfter().isPresent()) {
      Duration asked = unavailable.retryAfter().get();
      return asked.compareTo(policy.maxDelay()) > 0 ? policy.maxDelay() : asked;
    }
    return policy.delayAfter(attempt);
  }
}
