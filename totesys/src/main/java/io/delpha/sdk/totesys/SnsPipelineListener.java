package io.delpha.sdk.totesys;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.aws.SnsTopic;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Publishes failed runs (and, if asked, successful ones) to an Amazon SNS topic ({@link SnsTopic}, on the AWS SDK
 * v2): subscribe an email address to the topic and each failed run arrives as an email.
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
  private final SnsTopic topic;
  private final String topicArn;
  private final boolean notifyOnSuccess;
  private final ClosedGuard guard = new ClosedGuard("this SnsPipelineListener");

  private SnsPipelineListener(SnsTopic topic, String topicArn, boolean notifyOnSuccess) {
    this.topic = topic;
    this.topicArn = topicArn;
    this.notifyOnSuccess = notifyOnSuccess;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    Capability.require("SnsPipelineListener", "aws-sns");
    return new Builder();
  }

  @Override
  public void onRunFinished(RunReport report) {
    guard.check();
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
    guard.check();
    String subject = "totesys pipeline run " + (report.succeeded() ? "succeeded" : "FAILED")
        + (report.failedStep() == null ? "" : " in " + report.failedStep().name().toLowerCase());
    return topic.publish(subject, report.toString());
  }

  /** Ignores the step's start, once the closed check has passed. */
  @Override
  public void onStart(String task) {
    guard.check();
  }

  /** Ignores the step's progress, once the closed check has passed. */
  @Override
  public void onProgress(Progress progress) {
    guard.check();
  }

  /** Ignores the step's success, once the closed check has passed: the run's report is what is published. */
  @Override
  public void onSuccess(String task, String summary) {
    guard.check();
  }

  /** Ignores the step's failure, once the closed check has passed: the run's report is what is published. */
  @Override
  public void onFailure(String task, DelphaException error) {
    guard.check();
  }

  /**
   * Closes the SNS client if this listener built it. Idempotent; afterwards every method throws {@link
   * ClosedException} (a pipeline logs and ignores what a listener throws).
   */
  @Override
  public void close() {
    if (guard.close()) {
      topic.close();
    }
  }

  @Override
  public String toString() {
    return "SnsPipelineListener[" + topicArn + (notifyOnSuccess ? ", every run" : ", failures") + "]";
  }

  /** Builds an {@link SnsPipelineListener}: the settings of its {@link SnsTopic}, and which runs it publishes. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private final SnsTopic.Builder topic = SnsTopic.builder();
    private @Nullable String topicArn;
    private boolean notifyOnSuccess;

    private Builder() {}

    @Override
    public Builder aws(AwsClientSettings settings) {
      topic.aws(settings);
      return this;
    }

    @Override
    public AwsClientSettings aws() {
      return topic.aws();
    }

    /**
     * @param topicArn the topic to publish to (required)
     * @return this builder
     */
    public Builder topicArn(String topicArn) {
      topic.topicArn(topicArn);
      this.topicArn = topicArn;
      return this;
    }

    /**
     * @param client a client of the caller's, left open on {@link SnsPipelineListener#close()}; the other
     *     connection settings are then ignored
     * @return this builder
     */
    public Builder client(SnsClient client) {
      topic.client(client);
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
      Capability.require("SnsPipelineListener", "aws-sns");
      SnsTopic built = topic.build(); // checks the ARN
      return new SnsPipelineListener(built, Objects.requireNonNull(topicArn, "the topic checked it"), notifyOnSuccess);
    }
  }
}
