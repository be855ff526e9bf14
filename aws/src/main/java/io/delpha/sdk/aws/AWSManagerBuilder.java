package io.delpha.sdk.aws;

import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.internal.metrics.Recorder;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.appflow.AppflowClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds an {@link AWSManager}: {@link AWSManager#builder()}, or {@link AWSConfig#toBuilder()} for another manager
 * with a config's settings. Not thread-safe.
 */
public final class AWSManagerBuilder implements ClientBuilder<AWSManagerBuilder, AWSManager>,
    ClientBuilder.WithClock<AWSManagerBuilder>, AwsClientBuilder<AWSManagerBuilder> {
  private @Nullable AppflowClient appflowClient;
  private @Nullable S3Client s3Client;
  private Clock clock = Clock.systemUTC();
  private Pause.Sleeper sleeper = Pause.REAL;
  private final Settings.Draft draft;

  AWSManagerBuilder() {
    this(AWSConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link AWSConfig#toBuilder()}. */
  AWSManagerBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  /**
   * @param metrics where AppFlow calls (timed by operation and outcome) and rows loaded into Cassandra are
   *     metered (docs/metrics.md); default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public AWSManagerBuilder metrics(Metrics metrics) {
    draft.set(AWSConfig.METRICS, metrics);
    return this;
  }

  @Override
  public AWSManagerBuilder aws(AwsClientSettings settings) {
    draft.set(AWSConfig.AWS, Objects.requireNonNull(settings, "settings"));
    return this;
  }

  @Override
  public AwsClientSettings aws() {
    return Objects.requireNonNull(draft.find(AWSConfig.AWS));
  }

  /**
   * @param type the Salesforce object and default flow (CONTACT by default)
   * @return this builder
   */
  public AWSManagerBuilder flowType(FlowType type) {
    draft.set(AWSConfig.FLOW_TYPE, type);
    return this;
  }

  /**
   * @param endpoint an S3-compatible endpoint; path-style addressing is then used
   * @return this builder
   */
  public AWSManagerBuilder s3EndpointOverride(@Nullable URI endpoint) {
    draft.setOrClear(AWSConfig.S3_ENDPOINT_OVERRIDE, endpoint);
    return this;
  }

  /**
   * Uses the caller's AppFlow client (left open on close); credentials, region and endpoint are then
   * not applied to AppFlow.
   *
   * @param client the client
   * @return this builder
   */
  public AWSManagerBuilder appflowClient(@Nullable AppflowClient client) {
    this.appflowClient = client;
    return this;
  }

  /**
   * Uses the caller's S3 client (left open on close); credentials, region and endpoint are then not
   * applied to S3.
   *
   * @param client the client
   * @return this builder
   */
  public AWSManagerBuilder s3Client(@Nullable S3Client client) {
    this.s3Client = client;
    return this;
  }

  /**
   * The pauses between polls of {@link AWSManager#awaitCompletion}: 2 s growing by 1.5 up to 30 s, with
   * jitter, by default. Its attempt count is ignored: the timeout bounds the wait.
   *
   * @param policy the policy
   * @return this builder
   */
  public AWSManagerBuilder pollBackoff(RetryPolicy policy) {
    draft.set(AWSConfig.POLL_BACKOFF, policy);
    return this;
  }

  /**
   * Like {@link #pollBackoff(RetryPolicy)}, with a new {@code RetryPolicy.Builder} the consumer fills in (as the AWS
   * SDK's {@code Consumer<Builder>} overloads, it starts from {@code RetryPolicy.builder()}, not from the current
   * setting).
   *
   * @param policy fills in the pauses between polls
   * @return this builder
   */
  public AWSManagerBuilder pollBackoff(Consumer<RetryPolicy.Builder> policy) {
    RetryPolicy.Builder b = RetryPolicy.builder();
    Objects.requireNonNull(policy, "policy").accept(b);
    return pollBackoff(b.build());
  }

  /**
   * @param clock the clock deadlines are measured on (the system UTC clock by default)
   * @return this builder
   */
  @Override
  public AWSManagerBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * @param sleeper how polls pause ({@link Thread#sleep(long)} by default)
   * @return this builder
   */
  AWSManagerBuilder sleeper(Pause.Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * @param records execution records per DescribeFlowExecutionRecords page, 1 to 100 (100 by default)
   * @return this builder
   */
  public AWSManagerBuilder recordsPageSize(int records) {
    if (records < 1 || records > 100) {
      throw new InvalidInputException("recordsPageSize must be 1 to 100, was " + records);
    }
    draft.set(AWSConfig.RECORDS_PAGE_SIZE, records);
    return this;
  }

  /** The settings {@link #build()} builds with ({@link AWSConfig#from}). */
  AWSConfig config() {
    return new AWSConfig(draft.freeze());
  }

  /**
   * @return the manager; no call is made to AWS yet
   * @throws InvalidInputException if a client cannot be built (e.g. no region anywhere)
   */
  @Override
  public AWSManager build() {
    Capability.require("AWSManager", "aws-appflow", "aws-s3", "parquet");
    AWSConfig config = config();
    AwsClientSettings settings = config.aws();
    URI s3EndpointOverride = config.s3EndpointOverride();
    AwsClients.Owned<AppflowClient> appflow = AwsClients.givenOrBuilt(appflowClient,
        () -> AwsClients.configure(AppflowClient.builder(), settings).build(), "AppFlow");
    AwsClients.Owned<S3Client> s3;
    try {
      s3 = AwsClients.givenOrBuilt(s3Client, () -> AwsClients.configure(S3Client.builder(), settings.toBuilder()
          .endpointOverride(s3EndpointOverride).build()).forcePathStyle(s3EndpointOverride != null).build(), "S3");
    } catch (RuntimeException e) {
      appflow.close();
      throw e;
    }
    return new AWSManager(config, appflow, s3, new Retrier(config.pollBackoff(), clock, sleeper),
        Recorder.of(config.metrics()));
  }
}
