package io.delpha.sdk.aws.internal;

import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.RetryPolicy;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The one place every AWS client of the library (S3, AppFlow, Secrets Manager, SNS, KMS) is configured, through
 * the SDK's common builder interfaces: {@link AwsClientSettings}' region (us-east-1 when only an endpoint
 * override is given, as S3-compatible servers expect), credentials provider (the default chain when
 * none), endpoint override, retries (the library's {@link RetryPolicy} as the SDK's retry strategy, the
 * SDK's standard one when none) and shared HTTP client.
 */
public final class AwsClients {

  private AwsClients() {}

  /**
   * A client and whether the component that holds it closes it: the one "owned client" of every AWS-backed
   * component (a client the host gave stays the host's; one the component built is closed with it).
   *
   * @param client the client
   * @param owned whether {@link #close()} closes it
   * @param <C> the client type
   */
  public record Owned<C extends SdkClient>(C client, boolean owned) {

    /** Closes the client if the component built it. */
    public void close() {
      if (owned) {
        client.close();
      }
    }
  }

  /**
   * The host's client if it gave one (not owned), else one built now (owned).
   *
   * @param given the host's client, or {@code null}
   * @param build builds the client, usually {@code () -> configure(XClient.builder(), settings).build()}
   * @param service the service's name for the message, e.g. {@code "SNS"}
   * @param <C> the client type
   * @return the client and its ownership
   * @throws InvalidInputException if the SDK cannot build the client (no region anywhere, say)
   */
  public static <C extends SdkClient> Owned<C> givenOrBuilt(@Nullable C given, Supplier<C> build, String service) {
    if (given != null) {
      return new Owned<>(given, false);
    }
    try {
      return new Owned<>(build.get(), true);
    } catch (SdkClientException e) {
      throw new InvalidInputException("cannot build the " + service + " client: " + e.getMessage()
          + "; give a region and credentials", e);
    }
  }

  /**
   * @param builder a synchronous client builder of any AWS service
   * @param settings the settings
   * @param <B> the builder type
   * @return the builder, configured
   */
  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder,
      AwsClientSettings settings) {
    if (settings.region() != null) {
      builder.region(Region.of(settings.region()));
    } else if (settings.endpointOverride() != null) {
      builder.region(Region.US_EAST_1);
    }
    if (settings.credentialsProvider() != null) {
      builder.credentialsProvider(settings.credentialsProvider());
    }
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    if (settings.retryPolicy() != null) {
      RetryStrategy retries = retryStrategy(settings.retryPolicy());
      builder.overrideConfiguration(c -> c.retryStrategy(retries));
    }
    if (settings.httpClient() != null) {
      builder.httpClient(settings.httpClient());
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
