package io.delpha.sdk.aws;

import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * How the library's AWS clients reach AWS: one value for all of them ({@link
 * io.delpha.sdk.aws.S3ObjectStore}, {@link io.delpha.sdk.aws.AwsSecretsManagerProvider}, {@link
 * io.delpha.sdk.aws.AwsKmsClient}, {@code AWSManager} for AppFlow and S3, {@code SnsPipelineListener}), applied the
 * same way to every client through the SDK's common client builder. Every setting is optional: without any, the
 * SDK's default region chain, default credentials chain and standard retries are used.
 *
 * <pre>{@code
 * AwsClientSettings aws = AwsClientSettings.builder()
 *     .region("eu-west-2")
 *     .credentialsProvider(ProfileCredentialsProvider.create("etl"))
 *     .retryPolicy(RetryPolicy.builder().maxAttempts(8).build())
 *     .build();
 * ObjectStore lake = S3ObjectStore.builder().aws(aws).bucket("lake").build();
 * SecretProvider vault = AwsSecretsManagerProvider.builder().aws(aws).build();
 * AwsClientSettings local = aws.toBuilder().endpointOverride(URI.create("http://127.0.0.1:9000")).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the credentials provider's type only.
 *
 * @param region an AWS region id such as {@code eu-west-2}; {@code null} for the SDK's default region
 *     chain, or {@code us-east-1} when only an {@code endpointOverride} is given (what S3-compatible
 *     servers and local emulators expect)
 * @param credentialsProvider where credentials come from; {@code null} for the default credentials chain
 *     (environment, profile, container or instance role)
 * @param endpointOverride another endpoint (a VPC endpoint, an S3-compatible server, an emulator), or
 *     {@code null}
 * @param retryPolicy the SDK's retries of throttled, failed and unreachable calls, from this policy's
 *     attempts, first and longest delay and jitter (the SDK doubles delays); {@code null} for the SDK's
 *     standard retries
 * @param httpClient the HTTP client every AWS client built with these settings shares; the caller owns it
 *     and closes it after the clients (AWS clients never close a client they were given); {@code null}
 *     for a client of each AWS client's own
 */
public record AwsClientSettings(
    @Nullable String region,
    @Nullable AwsCredentialsProvider credentialsProvider,
    @Nullable URI endpointOverride,
    @Nullable RetryPolicy retryPolicy,
    @Nullable SdkHttpClient httpClient) {

  /**
   * @return no setting at all: every default of the SDK
   */
  public static AwsClientSettings defaults() {
    return new AwsClientSettings(null, null, null, null, null);
  }

  /**
   * @return a builder starting from {@link #defaults()}
   */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /**
   * @return a builder starting from these settings
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    return "AwsClientSettings[region=" + (region == null ? "default chain" : region)
        + ", credentials=" + (credentialsProvider == null ? "default chain" : credentialsProvider.getClass().getSimpleName())
        + (endpointOverride == null ? "" : ", endpoint=" + endpointOverride)
        + ", retries=" + (retryPolicy == null ? "SDK standard" : retryPolicy.maxAttempts() + " attempts")
        + (httpClient == null ? "" : ", httpClient=" + httpClient.clientName()) + "]";
  }

  /** Builds {@link AwsClientSettings}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String region;
    private @Nullable AwsCredentialsProvider credentialsProvider;
    private @Nullable URI endpointOverride;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable SdkHttpClient httpClient;

    private Builder(AwsClientSettings from) {
      this.region = from.region;
      this.credentialsProvider = from.credentialsProvider;
      this.endpointOverride = from.endpointOverride;
      this.retryPolicy = from.retryPolicy;
      this.httpClient = from.httpClient;
    }

    /**
     * @param region an AWS region id such as {@code eu-west-2}, or {@code null} for the default region chain
     * @return this builder
     */
    public Builder region(@Nullable String region) {
      this.region = region;
      return this;
    }

    /**
     * Static credentials.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key; never logged or shown
     * @return this builder
     */
    public Builder credentials(String accessKeyId, Secret secretAccessKey) {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      return credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal())));
    }

    /**
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key; never logged or shown
     * @return this builder
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      return credentials(accessKeyId, Secret.of(Objects.requireNonNull(secretAccessKey, "secretAccessKey")));
    }

    /**
     * @param provider any AWS credentials provider (an assumed role, a profile), or {@code null} for the
     *     default credentials chain
     * @return this builder
     */
    public Builder credentialsProvider(@Nullable AwsCredentialsProvider provider) {
      this.credentialsProvider = provider;
      return this;
    }

    /**
     * @param endpoint another endpoint, or {@code null} for AWS's own
     * @return this builder
     */
    public Builder endpointOverride(@Nullable URI endpoint) {
      this.endpointOverride = endpoint;
      return this;
    }

    /**
     * @param policy the SDK's retries, or {@code null} for the SDK's standard retries
     * @return this builder
     */
    public Builder retryPolicy(@Nullable RetryPolicy policy) {
      this.retryPolicy = policy;
      return this;
    }

    /**
     * @param client an HTTP client the caller owns and closes, or {@code null} for a client per AWS client
     * @return this builder
     */
    public Builder httpClient(@Nullable SdkHttpClient client) {
      this.httpClient = client;
      return this;
    }

    /**
     * @return the settings
     */
    public AwsClientSettings build() {
      return new AwsClientSettings(region, credentialsProvider, endpointOverride, retryPolicy, httpClient);
    }
  }
}
