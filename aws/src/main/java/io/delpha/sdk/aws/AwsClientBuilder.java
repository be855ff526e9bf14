package io.delpha.sdk.aws;

import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The AWS settings every builder of an AWS-backed component shares (S3 object store, AWS Secrets
 * Manager, SNS listener, {@code AWSManager}), as the SDK's own client builders share {@code
 * AwsClientBuilder}: one place that says what each setting means, one {@link AwsClientSettings} value
 * behind them. A host that configures several components builds the settings once and passes them with
 * {@link #aws(AwsClientSettings)}:
 *
 * <pre>{@code
 * AwsClientSettings aws = AwsClientSettings.builder().region("eu-west-2").credentialsProvider(role).build();
 * ObjectStore lake = S3ObjectStore.builder().aws(aws).bucket("lake").build();
 * SecretProvider secrets = AwsSecretsManagerProvider.builder().aws(aws).build();
 * }</pre>
 *
 * <p>Each setter replaces one field of the settings and keeps the others. {@link #retryPolicy(RetryPolicy)} is the
 * library's retry setting ({@link ClientBuilder.WithRetries}, with its {@code Consumer<RetryPolicy.Builder>}
 * overload), applied to the SDK's retries.
 *
 * @param <B> the builder's own type
 */
public interface AwsClientBuilder<B extends AwsClientBuilder<B>> extends ClientBuilder.WithRetries<B> {

  /**
   * Every AWS setting at once (region, credentials, endpoint, SDK retries, HTTP client), replacing the
   * AWS settings given before.
   *
   * @param settings the settings
   * @return this builder
   */
  B aws(AwsClientSettings settings);

  /**
   * Like {@link #aws(AwsClientSettings)}, with a new {@code AwsClientSettings.Builder} the consumer fills in (as
   * the AWS SDK's {@code Consumer<Builder>} overloads, it starts from {@code AwsClientSettings.builder()}, not
   * from the settings given so far).
   *
   * @param settings fills in the settings
   * @return this builder
   */
  default B aws(Consumer<AwsClientSettings.Builder> settings) {
    AwsClientSettings.Builder b = AwsClientSettings.builder();
    Objects.requireNonNull(settings, "settings").accept(b);
    return aws(b.build());
  }

  /**
   * @return the AWS settings given so far
   */
  AwsClientSettings aws();

  /**
   * @param region an AWS region id such as {@code eu-west-2}; {@code null} for the default region chain
   *     ({@code us-east-1} when an endpoint override is set)
   * @return this builder
   */
  default B region(@Nullable String region) {
    return aws(aws().toBuilder().region(region).build());
  }

  /**
   * Static credentials; without them the default AWS credentials chain is used (environment, profile,
   * container or instance role).
   *
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key; never logged or shown
   * @return this builder
   */
  default B credentials(String accessKeyId, Secret secretAccessKey) {
    return aws(aws().toBuilder().credentials(accessKeyId, secretAccessKey).build());
  }

  /**
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key; never logged or shown
   * @return this builder
   */
  default B credentials(String accessKeyId, String secretAccessKey) {
    return aws(aws().toBuilder().credentials(accessKeyId, secretAccessKey).build());
  }

  /**
   * @param provider any AWS credentials provider (an assumed role, a profile); {@code null} for the
   *     default credentials chain
   * @return this builder
   */
  default B credentialsProvider(@Nullable AwsCredentialsProvider provider) {
    return aws(aws().toBuilder().credentialsProvider(provider).build());
  }

  /**
   * @param endpoint another endpoint (a VPC endpoint, an S3-compatible server, a local emulator);
   *     {@code null} for AWS's own. Path-style addressing is used for S3 with an override.
   * @return this builder
   */
  default B endpointOverride(@Nullable URI endpoint) {
    return aws(aws().toBuilder().endpointOverride(endpoint).build());
  }

  /**
   * The SDK's retries of throttled, failed and unreachable calls: attempts, first and longest delay and
   * jitter are taken from the policy (the SDK doubles delays).
   *
   * @param policy the policy; {@code null} for the SDK's standard retries
   * @return this builder
   */
  @Override
  default B retryPolicy(@Nullable RetryPolicy policy) {
    return aws(aws().toBuilder().retryPolicy(policy).build());
  }

  /**
   * @param client an HTTP client the caller owns and closes after the components (AWS clients never
   *     close a client they were given); {@code null} for a client per AWS client
   * @return this builder
   */
  default B httpClient(@Nullable SdkHttpClient client) {
    return aws(aws().toBuilder().httpClient(client).build());
  }
}
