package io.delpha.sdk.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The vocabulary every builder of a manager, client or server shares, written once, as the AWS SDK's client builders
 * share {@code SdkClientBuilder}: {@code build()} and {@link #metrics(Metrics)}, and, in the small interfaces nested
 * here, the settings only some of them have: {@link WithClock#clock(Clock) clock}, {@link
 * WithRetries#retryPolicy(RetryPolicy) retryPolicy}, {@link WithRequestTimeout#requestTimeout(Duration)
 * requestTimeout} and {@link WithResponseLimits#responseLimits(ResponseLimits) responseLimits}. A builder implements
 * the ones whose setting it has and means the same by; a builder without a setting does not have its method (none
 * throws {@code UnsupportedOperationException}). Code that configures any of them alike can depend on these
 * interfaces:
 *
 * <pre>{@code
 * static <B extends ClientBuilder<B, ?> & ClientBuilder.WithRetries<B>> B standard(B builder, Metrics metrics) {
 *   return builder.metrics(metrics).retryPolicy(r -> r.maxAttempts(3));
 * }
 * SalesforceManager sf = standard(SalesforceManager.builder(), metrics).instance("mycompany")...build();
 * DeltaSharingClient ds = standard(DeltaSharingClient.builder(), metrics).profile(profile).build();
 * }</pre>
 *
 * <p>The contract of every method here, and of every setter of a builder implementing them: each returns the builder
 * itself (its own type, {@code B}, so chains keep the builder's other setters); each refuses {@code null} with a
 * {@link NullPointerException} naming the setting, unless its parameter is declared {@code @Nullable} (leave a
 * setting out for its default); a later call replaces an earlier one. The {@code Consumer<Builder>} overloads are
 * {@code default} methods that fill in a <em>new</em> builder (the defaults, not the setting given so far) and pass
 * what it builds to the one-value setter, so a builder stores each setting in one place. A builder is not
 * thread-safe; {@link #build()} checks the settings and throws {@link InvalidInputException} naming the one missing
 * or wrong.
 *
 * @param <B> the builder's own type
 * @param <C> what it builds
 */
public interface ClientBuilder<B extends ClientBuilder<B, C>, C> {

  /**
   * @param metrics where the built component's calls and work are metered (docs/metrics.md); default {@link
   *     Metrics#none()}
   * @return this builder
   */
  B metrics(Metrics metrics);

  /**
   * @return the component, with the settings given
   * @throws InvalidInputException if a setting is missing or wrong
   */
  C build();

  /**
   * A builder whose component measures time (deadlines, expiries, intervals, the date of a record) on a clock the
   * host may replace: the test seam, so a host's test never waits on the wall clock.
   *
   * @param <B> the builder's own type
   */
  interface WithClock<B extends WithClock<B>> {

    /**
     * @param clock the clock the component measures time on (default {@link Clock#systemUTC()})
     * @return this builder
     */
    B clock(Clock clock);
  }

  /**
   * A builder whose component retries its calls to a remote service that failed for a reason that may pass
   * (throttling, a 5xx, a refused or dropped connection) under a {@link RetryPolicy}.
   *
   * @param <B> the builder's own type
   */
  interface WithRetries<B extends WithRetries<B>> {

    /**
     * @param policy the retries of transient failures (the default is each builder's, {@link RetryPolicy#defaults()}
     *     unless it says otherwise)
     * @return this builder
     */
    B retryPolicy(RetryPolicy policy);

    /**
     * Like {@link #retryPolicy(RetryPolicy)}, with a new {@code RetryPolicy.Builder} the consumer fills in (as the AWS
     * SDK's {@code Consumer<Builder>} overloads, it starts from {@code RetryPolicy.builder()}, not from the current
     * setting): {@code .retryPolicy(r -> r.maxAttempts(3))}.
     *
     * @param policy fills in the retry policy
     * @return this builder
     */
    default B retryPolicy(Consumer<RetryPolicy.Builder> policy) {
      RetryPolicy.Builder b = RetryPolicy.builder();
      Objects.requireNonNull(policy, "policy").accept(b);
      return retryPolicy(b.build());
    }
  }

  /**
   * A builder whose component bounds each request to a remote service in time.
   *
   * @param <B> the builder's own type
   */
  interface WithRequestTimeout<B extends WithRequestTimeout<B>> {

    /**
     * @param timeout how long one request may wait for its answer before it fails (the default is each builder's)
     * @return this builder
     */
    B requestTimeout(Duration timeout);
  }

  /**
   * A builder whose component reads answers from a remote service it does not trust to be small or well-formed, and
   * bounds what it reads with {@link ResponseLimits}: a breach is a {@link ResponseLimitException} naming the limit,
   * never retried.
   *
   * @param <B> the builder's own type
   */
  interface WithResponseLimits<B extends WithResponseLimits<B>> {

    /**
     * @param limits the bounds on what the remote service sends (the default is each builder's, {@link
     *     ResponseLimits#defaults()} unless it says otherwise)
     * @return this builder
     */
    B responseLimits(ResponseLimits limits);

    /**
     * Like {@link #responseLimits(ResponseLimits)}, with a new {@code ResponseLimits.Builder} the consumer fills in
     * (as the AWS SDK's {@code Consumer<Builder>} overloads, it starts from {@code ResponseLimits.builder()}, the
     * defaults, not from the current setting; a builder whose default limits differ starts from its own defaults and
     * says so): {@code .responseLimits(l -> l.maxBodyBytes(8 << 20))}.
     *
     * @param limits fills in the bounds
     * @return this builder
     */
    default B responseLimits(Consumer<ResponseLimits.Builder> limits) {
      ResponseLimits.Builder b = ResponseLimits.builder();
      Objects.requireNonNull(limits, "limits").accept(b);
      return responseLimits(b.build());
    }
  }
}
