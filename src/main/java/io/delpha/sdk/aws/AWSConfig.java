package io.delpha.sdk.aws;

import static io.delpha.sdk.core.internal.ConfigValues.setting;

import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.ConfigValues;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings an {@link AWSManager} was built with. Immutable, made only by its builder (no public constructor), equal
 * when every setting is equal; {@link #toBuilder()} starts a builder for another manager with the same settings (the
 * clients, clock and sleeper given to a builder are not settings and are not carried over). {@link #toString()} shows
 * no credential.
 */
public final class AWSConfig {

  private static final ConfigValues<AWSConfig> VALUES = ConfigValues.of(AWSConfig.class,
      setting("aws", AWSConfig::aws),
      setting("s3EndpointOverride", AWSConfig::s3EndpointOverride),
      setting("flowType", AWSConfig::flowType),
      setting("pollBackoff", AWSConfig::pollBackoff),
      setting("recordsPageSize", AWSConfig::recordsPageSize),
      setting("metrics", AWSConfig::metrics));

  private final AwsClientSettings aws;
  private final @Nullable URI s3EndpointOverride;
  private final FlowType flowType;
  private final RetryPolicy pollBackoff;
  private final int recordsPageSize;
  private final Metrics metrics;

  /** Made by {@link AWSManagerBuilder} only; checks the settings. */
  AWSConfig(AwsClientSettings aws, @Nullable URI s3EndpointOverride, FlowType flowType, RetryPolicy pollBackoff,
      int recordsPageSize, Metrics metrics) {
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(flowType, "flowType");
    Objects.requireNonNull(pollBackoff, "pollBackoff");
    if (recordsPageSize < 1 || recordsPageSize > 100) {
      throw new io.delpha.sdk.core.InvalidInputException("recordsPageSize must be 1 to 100, was " + recordsPageSize);
    }

    this.aws = aws;
    this.s3EndpointOverride = s3EndpointOverride;
    this.flowType = flowType;
    this.pollBackoff = pollBackoff;
    this.recordsPageSize = recordsPageSize;
    this.metrics = metrics;
  }

  /**
   * @return how the AppFlow and S3 clients reach AWS (region, credentials, AppFlow endpoint, SDK
   *     retries, HTTP client)
   */
  public AwsClientSettings aws() {
    return aws;
  }

  /**
   * @return an S3-compatible endpoint for the flows' bucket (path-style addressing), or
   *     {@code null} for AWS's
   */
  public @Nullable URI s3EndpointOverride() {
    return s3EndpointOverride;
  }

  /**
   * @return the Salesforce object and default flow
   */
  public FlowType flowType() {
    return flowType;
  }

  /**
   * @return the pauses between polls of {@link AWSManager#awaitCompletion} (its attempt count is
   *     not used: the timeout bounds the wait)
   */
  public RetryPolicy pollBackoff() {
    return pollBackoff;
  }

  /**
   * @return execution records per DescribeFlowExecutionRecords page, 1 to 100
   */
  public int recordsPageSize() {
    return recordsPageSize;
  }

  /**
   * @return where AppFlow calls and loaded rows are metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. No AWS client is made.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static AWSConfig from(AWSManagerBuilder settings) {
    return settings.config();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * AWSManager#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static AWSManagerBuilder builder() {
    return AWSManager.builder();
  }

  /**
   * @return a builder of a new manager with these settings, metrics included
   */
  public AWSManagerBuilder toBuilder() {
    return AWSManager.builder().config(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return VALUES.equal(this, o);
  }

  @Override
  public int hashCode() {
    return VALUES.hash(this);
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return VALUES.show(this);
  }
}
