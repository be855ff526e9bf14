package io.delpha.sdk.aws;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Settings;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The settings an {@link AWSManager} was built with. Immutable, made only by its builder (no public constructor), equal
 * when every setting is equal; {@link #toBuilder()} starts a builder for another manager with the same settings (the
 * clients, clock and sleeper given to a builder are not settings and are not carried over). {@link #toString()} shows
 * no credential.
 */
public final class AWSConfig {

  static final Settings SETTINGS = new Settings("AWSConfig");
  static final Settings.Setting<AwsClientSettings> AWS =
      SETTINGS.add("aws", AwsClientSettings.builder().retryPolicy(RetryPolicy.defaults()).build());
  static final Settings.Setting<URI> S3_ENDPOINT_OVERRIDE = SETTINGS.optional("s3EndpointOverride");
  static final Settings.Setting<FlowType> FLOW_TYPE = SETTINGS.add("flowType", FlowType.CONTACT);
  static final Settings.Setting<RetryPolicy> POLL_BACKOFF = SETTINGS.add("pollBackoff", RetryPolicy.builder()
      .maxAttempts(Integer.MAX_VALUE).initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(30))
      .multiplier(1.5).build());
  static final Settings.Setting<Integer> RECORDS_PAGE_SIZE = SETTINGS.add("recordsPageSize", 100);
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());

  private final Settings.Values values;

  /** Made by {@link AWSManagerBuilder} only. */
  AWSConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return how the AppFlow and S3 clients reach AWS (region, credentials, AppFlow endpoint, SDK
   *     retries, HTTP client)
   */
  public AwsClientSettings aws() {
    return values.get(AWS);
  }

  /**
   * @return an S3-compatible endpoint for the flows' bucket (path-style addressing), or
   *     {@code null} for AWS's
   */
  public @Nullable URI s3EndpointOverride() {
    return values.find(S3_ENDPOINT_OVERRIDE);
  }

  /**
   * @return the Salesforce object and default flow
   */
  public FlowType flowType() {
    return values.get(FLOW_TYPE);
  }

  /**
   * @return the pauses between polls of {@link AWSManager#awaitCompletion} (its attempt count is
   *     not used: the timeout bounds the wait)
   */
  public RetryPolicy pollBackoff() {
    return values.get(POLL_BACKOFF);
  }

  /**
   * @return execution records per DescribeFlowExecutionRecords page, 1 to 100
   */
  public int recordsPageSize() {
    return values.get(RECORDS_PAGE_SIZE);
  }

  /**
   * @return where AppFlow calls and loaded rows are metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
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
    return new AWSManagerBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AWSConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return values.toString();
  }
}
