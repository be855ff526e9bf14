package io.delpha.sdk.aws;

import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.aws.internal.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * An Amazon SNS topic to publish messages to, on the AWS SDK v2, with the library's AWS client setup ({@link
 * AwsClientSettings}) and its typed errors. The totesys pipeline's alerts ({@code SnsPipelineListener}) publish
 * through it; a host can publish its own messages the same way:
 *
 * <pre>{@code
 * try (SnsTopic alerts = SnsTopic.builder()
 *     .topicArn("arn:aws:sns:eu-west-2:123456789012:alerts")
 *     .region("eu-west-2")                       // credentials: the default AWS chain
 *     .build()) {
 *   alerts.publish("nightly load failed", report);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Close it to release a client it built; a client given to the builder stays open.
 */
public final class SnsTopic implements AutoCloseable {

  /** The longest subject SNS takes; a longer one is cut to it. */
  public static final int MAX_SUBJECT = 100;

  private final AwsClients.Owned<SnsClient> sns;
  private final String topicArn;
  private final ClosedGuard guard = new ClosedGuard("this SnsTopic");

  private SnsTopic(AwsClients.Owned<SnsClient> sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  /**
   * @return a builder
   * @throws io.delpha.sdk.core.MissingDependencyException if the AWS SDK's SNS client is not on the class path
   */
  public static Builder builder() {
    Capability.require("SnsTopic", "aws-sns");
    return new Builder();
  }

  /**
   * Publishes one message.
   *
   * @param subject the subject (an email's subject line), cut to {@value #MAX_SUBJECT} characters
   * @param message the message's text
   * @return the message id SNS assigned
   * @throws AuthenticationException if SNS refuses the credentials
   * @throws AccessDeniedException if the credentials may not publish to the topic
   * @throws NotFoundException if the topic does not exist
   * @throws RateLimitedException if SNS throttles the call
   * @throws ServiceUnavailableException if SNS cannot be reached or fails
   * @throws ClosedException once this topic is closed
   */
  public String publish(String subject, String message) {
    guard.check();
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    String cut = subject.length() > MAX_SUBJECT ? subject.substring(0, MAX_SUBJECT) : subject;
    try {
      return sns.client().publish(r -> r.topicArn(topicArn).subject(cut).message(message)).messageId();
    } catch (RuntimeException e) {
      throw AwsErrors.isSdk(e) ? map((SdkException) e) : e;
    }
  }

  private DelphaException map(SdkException e) {
    return AwsErrors.map(e, "SNS", "publish to " + topicArn, AwsErrors.NONE);
  }

  /** Closes the SNS client if this topic built it. Idempotent; afterwards {@link #publish} throws. */
  @Override
  public void close() {
    if (guard.close()) {
      sns.close();
    }
  }

  @Override
  public String toString() {
    return "SnsTopic[" + topicArn + "]";
  }

  /** Builds an {@link SnsTopic}. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private @Nullable SnsClient client;
    private @Nullable String topicArn;
    private AwsClientSettings aws = AwsClientSettings.defaults();

    private Builder() {}

    @Override
    public Builder aws(AwsClientSettings settings) {
      this.aws = Objects.requireNonNull(settings, "settings");
      return this;
    }

    @Override
    public AwsClientSettings aws() {
      return aws;
    }

    /**
     * @param topicArn the topic to publish to (required)
     * @return this builder
     */
    public Builder topicArn(String topicArn) {
      this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
      return this;
    }

    /**
     * @param client a client of the caller's, left open on {@link SnsTopic#close()}; the other connection
     *     settings are then ignored
     * @return this builder
     */
    public Builder client(SnsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @return the topic
     * @throws InvalidInputException if no topic ARN was given
     */
    public SnsTopic build() {
      Capability.require("SnsTopic", "aws-sns");
      String arn = topicArn;
      if (arn == null || !arn.startsWith("arn:")) {
        throw new InvalidInputException("an SNS topic ARN (arn:aws:sns:...) is required, got " + arn);
      }
      return new SnsTopic(AwsClients.givenOrBuilt(client,
          () -> AwsClients.configure(SnsClient.builder(), aws).build(), "SNS"), arn);
    }
  }
}
