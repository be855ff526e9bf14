package io.delpha.sdk.core.internal.aws;

import io.delpha.sdk.core.RetryPolicy;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The one place every AWS client of the library (S3, AppFlow, Secrets Manager, SNS) is configured, through
 * the SDK's common {@link AwsClientBuilder}: region (us-east-1 when only an endpoint override is given, as
 * S3-compatible servers expect), credentials provider (the default chain when none), endpoint override,
 * and the library's {@link RetryPolicy} as the SDK's retry strategy (the SDK's standard one when none).
 */
public final class AwsClients {

  private AwsClients() {}

  /**
   * @param builder a client builder of any AWS service
   * @param region a region id, or {@code null} for the default region chain
   * @param credentials a credentials provider, or {@code null} for the default chain
   * @param endpointOverride an endpoint, or {@code null}
   * @param retryPolicy the retry policy, or {@code null} for the SDK's standard retries
   * @param <B> the builder type
   * @return the builder, configured
   */
  public static <B extends AwsClientBuilder<B, ?>> B configure(B builder, String region,
      AwsCredentialsProvider credentials, URI endpointOverride, RetryPolicy retryPolicy) {
    if (region != null) {
      builder.region(Region.of(region));
    } else if (endpointOverride != null) {
      builder.region(Region.US_EAST_1);
    }
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
    }
    if (retryPolicy != null) {
      RetryStrategy retries = retryStrategy(retryPolicy);
      builder.overrideConfiguration(c -> c.retryStrategy(retries));
    }
    return builder;
  }

  /**
   * @param policy the library's retry policy
   * @return the SDK retry strategy with the same attempts and backoff (no circuit breaker)
   */
  public static RetryStrategy retryStrategy(RetryPolicy policy) {
    BackoffStrategy backoff;
    if (policy.initialDelay().isZero()) {
      backoff = BackoffStrategy.retryImmediately();
    } else if (policy.jitter()) {
      backoff = BackoffStrategy.exponentialDelay(policy.initialDelay(), policy.maxDelay());
    } else {
      backoff = BackoffStrategy.exponentialDelayWithoutJitter(policy.initialDelay(), policy.maxDelay());
    }
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(policy.maxAttempts())
        .backoffStrategy(backoff)
        .throttlingBackoffStrategy(backoff)
        .circuitBreakerEnabled(false)
        .build();
  }
}
