package io.delpha.sdk.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and full jitter: the one retry policy type of the library.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.defaults();               // 5 attempts, 200 ms doubling to 10 s
 * RetryPolicy none = RetryPolicy.none();
 * RetryPolicy mine = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(50)).build();
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first one included (1 means no retry)
 * @param initialDelay the delay before the first retry
 * @param maxDelay the ceiling of any delay
 * @param multiplier how much the delay grows per attempt
 * @param jitter whether a random part of each delay is dropped (full jitter), so clients that failed
 *     together do not retry together
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, boolean jitter) {

  /** Validates the policy. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new InvalidInputException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || maxDelay.isNegative() || multiplier < 1.0) {
      throw new InvalidInputException("delays must be >= 0 and multiplier >= 1");
    }
  }

  /**
   * @return 5 attempts, 200 ms doubling up to 10 s, with jitter
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, true);
  }

  /**
   * @return a single attempt, no retry
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, false);
  }

  /**
   * @return a builder starting from {@link #defaults()}
   */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /**
   * @return a builder starting from this policy
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The delay to wait after the given failed attempt.
   *
   * @param attempt the attempt that just failed, 1 for the first
   * @return how long to wait before the next attempt
   */
  public Duration delayAfter(int attempt) {
    double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(base, maxDelay.toMillis());
    if (jitter && capped > 0) {
      capped = ThreadLocalRandom.current().nextLong(capped / 2, capped + 1);
    }
    return Duration.ofMillis(capped);
  }

  /**
   * @param attempt the attempt that just failed, 1 for the first
   * @return whether another attempt is allowed
   */
  public boolean canRetryAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private int maxAttempts;
    private Duration initialDelay;
    private Duration maxDelay;
    private double multiplier;
    private boolean jitter;

    private Builder(RetryPolicy from) {
      this.maxAttempts = from.maxAttempts;
      this.initialDelay = from.initialDelay;
      this.maxDelay = from.maxDelay;
      this.multiplier = from.multiplier;
      this.jitter = from.jitter;
    }

    /**
     * @param maxAttempts attempts in all, the first included
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * @param initialDelay the delay before the first retry
     * @return this builder
     */
    public Builder initialDelay(Duration initialDelay) {
      Objects.requireNonNull(initialDelay, "initialDelay");
      this.initialDelay = initialDelay;
      return this;
    }

    /**
     * @param maxDelay the ceiling of any delay
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      Objects.requireNonNull(maxDelay, "maxDelay");
      this.maxDelay = maxDelay;
      return this;
    }

    /**
     * @param multiplier growth per attempt, at least 1
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * @param jitter whether to randomise delays
     * @return this builder
     */
    public Builder jitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * @return the policy
     */
    public RetryPolicy build() {
      return new RetryPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter);
    }
  }
}
