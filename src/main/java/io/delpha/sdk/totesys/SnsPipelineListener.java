package io.delpha.sdk.totesys;

import io.delpha.sdk.core.internal.aws.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.AwsClientSettings;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.aws.AwsClients;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;

/**
 * Publishes failed runs (and, if asked, successful ones) to an Amazon SNS topic, on the AWS SDK v2: the
 * seeds' "email on failure", since an email subscription of the topic receives each message.
 *
 * <pre>{@code
 * SnsPipelineListener alerts = SnsPipelineListener.builder()
 *     .topicArn("arn:aws:sns:eu-west-2:123456789012:totesys-alerts")
 *     .region("eu-west-2")                      // credentials: the default AWS chain
 *     .build();
 * TotesysPipeline.builder()...listener(alerts).build();
 * }</pre>
 *
 * <p>As a listener it never throws: a message SNS refuses is logged at ERROR and the run goes on.
 * {@link #publish(RunReport)} publishes directly and reports SNS errors as typed exceptions. The
 * message is the report's text; it holds no secret. Close the listener to release a client it built.
 */
public final class SnsPipelineListener implements PipelineListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SnsPipelineListener.class);
  private static final int MAX_SUBJECT = 100;

  private final SnsClient sns;
  private final boolean ownsClient;
  private final String topicArn;
  private final boolean notifyOnSuccess;

  private SnsPipelineListener(SnsClient sns, boolean ownsClient, String topicArn, boolean notifyOnSuccess) {
    this.sns = sns;
    this.ownsClient = ownsClient;
    this.topicArn = topicArn;
    this.notifyOnSuccess = notifyOnSuccess;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onRunFinished(RunReport report) {
    if (report.succeeded() && !notifyOnSuccess) {
      return;
    }
    try {
      publish(report);
    } catch (DelphaException e) {
      log.error("could not publish the totesys run report to {}: {}", topicArn, e.getMessage());
    }
  }

  /**
   * Publishes one report to the topic.
   *
   * @param report a run's report
   * @return the message id SNS assigned
   * @throws AuthenticationException if SNS refuses the credentials
   * @throws AccessDeniedException if the credentials may not publish to the topic
   * @throws NotFoundException if the topic does not exist
   * @throws RateLimitedException if SNS throttles the call
   * @throws ServiceUnavailableException if SNS cannot be reached or fails
   */
  public String publish(RunReport report) {
    String subject = "totesys pipeline run " + (report.succeeded() ? "succeeded" : "FAILED")
        + (report.failedStep() == null ? "" : " in " + report.failedStep().name().toLowerCase());
    try {
      return sns.publish(r -> r.topicArn(topicArn)
          .subject(subject.length() > MAX_SUBJECT ? subject.substring(0, MAX_SUBJECT) : subject)
          .message(report.toString())).messageId();
    } catch (SdkException e) {
      throw map(e);
    }
  }

  private DelphaException map(SdkException e) {
    return AwsErrors.map(e, "SNS", "publish to " + topicArn, AwsErrors.NONE);
  }

  @Override
  public void close() {
    if (ownsClient) {
      sns.close();
    }
  }

  @Override
  public String toString() {
    return "SnsPipelineListener[" + topicArn + (notifyOnSuccess ? ", every run" : ", failures") + "]";
  }

  /** Builds an {@link SnsPipelineListener}. */
  public static final class Builder {
    private @Nullable SnsClient client;
    private @Nullable String topicArn;
    private AwsClientSettings.Builder aws = AwsClientSettings.builder();
    private boolean notifyOnSuccess;

    private Builder() {}

    /**
     * @param topicArn the topic to publish to (required)
     * @return this builder
     */
    public Builder topicArn(String topicArn) {
      this.topicArn = topicArn;
      return this;
    }

    /**
     * @param client a client of the caller's, left open on {@link SnsPipelineListener#close()}; the other
     *     connection settings are then ignored
     * @return this builder
     */
    public Builder client(SnsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Every AWS setting at once (region, credentials, endpoint, SDK retries, HTTP client), shared with the
     * library's other AWS components; replaces the AWS settings given before.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder aws(AwsClientSettings settings) {
      this.aws = settings.toBuilder();
      return this;
    }

    /**
     * @param region an AWS region id; the default region chain otherwise ({@code us-east-1} when an
     *     endpoint override is set)
     * @return this builder
     */
    public Builder region(@Nullable String region) {
      aws.region(region);
      return this;
    }

    /**
     * @param accessKeyId an access key id
     * @param secretAccessKey its secret
     * @return this builder
     */
    public Builder credentials(String accessKeyId, Secret secretAccessKey) {
      aws.credentials(accessKeyId, secretAccessKey);
      return this;
    }

    /**
     * @param provider any AWS credentials provider (an assumed role, a profile); the default chain otherwise
     * @return this builder
     */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      aws.credentialsProvider(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * @param endpoint an SNS-compatible endpoint (tests, VPC endpoints)
     * @return this builder
     */
    public Builder endpointOverride(@Nullable URI endpoint) {
      aws.endpointOverride(endpoint);
      return this;
    }

    /**
     * @param policy retries of throttled and failed publications, applied as the SDK's retry strategy (the
     *     SDK's standard retries otherwise)
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      aws.retryPolicy(Objects.requireNonNull(policy, "retryPolicy"));
      return this;
    }

    /**
     * @param notifyOnSuccess whether successful runs are published too (default: failures only)
     * @return this builder
     */
    public Builder notifyOnSuccess(boolean notifyOnSuccess) {
      this.notifyOnSuccess = notifyOnSuccess;
      return this;
    }

    /**
     * @return the listener
     * @throws InvalidInputException if no topic ARN was given
     */
    public SnsPipelineListener build() {
      if (topicArn == null || !topicArn.startsWith("arn:")) {
        throw new InvalidInputException("an SNS topic ARN (arn:aws:sns:...) is required, got " + topicArn);
      }
      if (client != null) {
        return new SnsPipelineListener(client, false, topicArn, notifyOnSuccess);
      }
      SnsClientBuilder b = AwsClients.configure(SnsClient.builder(), aws.build());
      try {
        return new SnsPipelineListener(b.build(), true, topicArn, notifyOnSuccess);
      } catch (SdkClientException e) {
        throw new InvalidInputException("cannot build the SNS client: " + e.getMessage()
            + "; give a region and credentials", e);
      }
    }
  }
}
