package io.delpha.sdk.aws;

import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings an {@link AWSManager} was built with. Immutable; {@link #toBuilder()} starts a builder for
 * another manager with the same settings (the clients, clock and sleeper given to a builder are not
 * settings and are not carried over). {@link #toString()} shows no credential.
 *
 * @param aws how the AppFlow and S3 clients reach AWS (region, credentials, AppFlow endpoint, SDK
 *     retries, HTTP client)
 * @param s3EndpointOverride an S3-compatible endpoint for the flows' bucket (path-style addressing), or
 *     {@code null} for AWS's
 * @param flowType the Salesforce object and default flow
 * @param pollBackoff the pauses between polls of {@link AWSManager#awaitCompletion} (its attempt count is
 *     not used: the timeout bounds the wait)
 * @param recordsPageSize execution records per DescribeFlowExecutionRecords page, 1 to 100
 * @param metrics where AppFlow calls and loaded rows are metered ({@link Metrics#none()} for nowhere)
 */
public record AWSConfig(AwsClientSettings aws, @Nullable URI s3EndpointOverride, FlowType flowType,
    RetryPolicy pollBackoff, int recordsPageSize, Metrics metrics) {

  /** Checks the settings. */
  public AWSConfig {
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(flowType, "flowType");
    Objects.requireNonNull(pollBackoff, "pollBackoff");
    if (recordsPageSize < 1 || recordsPageSize > 100) {
      throw new io.delpha.sdk.core.InvalidInputException("recordsPageSize must be 1 to 100, was " + recordsPageSize);
    }
  }

  /**
   * The settings without metrics ({@link Metrics#none()}), as before metrics were part of the config.
   *
   * @param aws see the record
   * @param s3EndpointOverride see the record
   * @param flowType see the record
   * @param pollBackoff see the record
   * @param recordsPageSize see the record
   * @deprecated use the canonical constructor, or {@link AWSManager#builder()}
   */
  @Deprecated
  public AWSConfig(AwsClientSettings aws, @Nullable URI s3EndpointOverride, FlowType flowType,
      RetryPolicy pollBackoff, int recordsPageSize) {
    this(aws, s3EndpointOverride, flowType, pollBackoff, recordsPageSize, Metrics.none());
  }

  /**
   * @return a builder of a new manager with these settings, metrics included
   */
  public AWSManager.Builder toBuilder() {
    return AWSManager.builder().config(this);
  }
}
