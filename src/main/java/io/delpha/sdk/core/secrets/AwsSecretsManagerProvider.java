package io.delpha.sdk.core.secrets;

import io.delpha.sdk.core.internal.aws.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.aws.AwsClients;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.secrets.internal.SecretJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Secrets from AWS Secrets Manager ({@code GetSecretValue}, the {@code AWSCURRENT} version), on the AWS
 * SDK v2. A secret stored as binary is read as UTF-8 text. Wrap it in {@link
 * SecretProvider#cached(SecretProvider, java.time.Duration)} on hot paths.
 *
 * <pre>{@code
 * SecretProvider vault = AwsSecretsManagerProvider.builder().region("eu-west-2").build();
 * Map<String, String> db = vault.json("totesys-db");
 * }</pre>
 *
 * <p>Errors: {@code ResourceNotFoundException} is {@link NotFoundException} naming the secret; an
 * unknown or wrong key is {@link AuthenticationException}; a missing permission (or KMS decryption
 * failure) is {@link AccessDeniedException}; throttling is {@link RateLimitedException}; an unreachable
 * service or a 5xx is {@link ServiceUnavailableException}.
 */
public final class AwsSecretsManagerProvider implements SecretProvider, AutoCloseable {

  private static final Set<String> ACCESS_ERRORS = Set.of("AccessDeniedException", "DecryptionFailure");

  private final SecretsManagerClient client;
  private final boolean ownsClient;
  private final String description;

  private AwsSecretsManagerProvider(SecretsManagerClient client, boolean ownsClient, String description) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.description = description;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String secret(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("a secret name must not be blank");
    }
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(b -> b.secretId(name));
    } catch (SdkException e) {
      throw translate(name, e);
    }
    if (response.secretString() != null) {
      return response.secretString();
    }
    if (response.secretBinary() != null) {
      return response.secretBinary().asString(StandardCharsets.UTF_8);
    }
    throw new NotFoundException("secret '" + name + "' exists in Secrets Manager but holds no value");
  }

  @Override
  public Map<String, String> json(String name) {
    return SecretJson.flatten(secret(name), name);
  }

  private DelphaException translate(String name, SdkException e) {
    if (e instanceof AwsServiceException aws) {
      String code = aws.awsErrorDetails() == null ? "" : String.valueOf(aws.awsErrorDetails().errorCode());
      String detail = " (HTTP " + aws.statusCode() + " " + code + ")";
      if ("ResourceNotFoundException".equals(code)) {
        return new NotFoundException("no secret '" + name + "' in Secrets Manager" + detail, e);
      }
      if (AwsErrors.isCredentialError(aws)) {
        return new AuthenticationException("Secrets Manager rejected the credentials while reading secret '" + name
            + "'" + detail + ": check the access key id and secret access key", e);
      }
      if (ACCESS_ERRORS.contains(code) || aws.statusCode() == 403) {
        return new AccessDeniedException("not allowed to read secret '" + name + "'" + detail
            + ": grant secretsmanager:GetSecretValue (and kms:Decrypt for a customer key)", e);
      }
      if (AwsErrors.isThrottling(aws)) {
        return new RateLimitedException("Secrets Manager throttled reading secret '" + name + "'" + detail, null, e);
      }
      if (AwsErrors.isServerError(aws)) {
        return new ServiceUnavailableException("Secrets Manager failed reading secret '" + name + "'" + detail
            + "; retry later", e);
      }
      return new DelphaException("Secrets Manager refused reading secret '" + name + "'" + detail, e);
    }
    if (e instanceof SdkClientException) {
      return new ServiceUnavailableException("cannot reach Secrets Manager to read secret '" + name + "': "
          + e.getMessage(), e);
    }
    return new DelphaException("reading secret '" + name + "' failed: " + e.getMessage(), e);
  }

  /** Closes the client if this provider built it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "AwsSecretsManagerProvider[" + description + "]";
  }

  /** Builds an {@link AwsSecretsManagerProvider}; every setting is optional. */
  public static final class Builder {
    private String region;
    private AwsCredentialsProvider credentials;
    private URI endpointOverride;
    private SecretsManagerClient client;

    private Builder() {}

    /**
     * @param region an AWS region id; the default region chain otherwise
     * @return this builder
     */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /**
     * Static credentials; the default AWS credentials chain otherwise.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @return this builder
     */
    public Builder credentials(String accessKeyId, Secret secretAccessKey) {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      this.credentials = StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal()));
      return this;
    }

    /**
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @return this builder
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      return credentials(accessKeyId, Secret.of(secretAccessKey));
    }

    /**
     * @param provider any AWS credentials provider
     * @return this builder
     */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * @param endpoint another endpoint (a VPC endpoint, a local emulator)
     * @return this builder
     */
    public Builder endpointOverride(URI endpoint) {
      this.endpointOverride = endpoint;
      return this;
    }

    /**
     * Uses an existing client, which {@link AwsSecretsManagerProvider#close()} leaves open; the other
     * settings are then ignored.
     *
     * @param client a client the caller owns
     * @return this builder
     */
    public Builder client(SecretsManagerClient client) {
      this.client = client;
      return this;
    }

    /**
     * @return the provider
     */
    public AwsSecretsManagerProvider build() {
      if (client != null) {
        return new AwsSecretsManagerProvider(client, false, "caller's client");
      }
      SecretsManagerClientBuilder b = AwsClients.configure(SecretsManagerClient.builder(), region, credentials,
          endpointOverride, null);
      try {
        return new AwsSecretsManagerProvider(b.build(), true,
            (region == null ? "default region" : region) + (endpointOverride == null ? "" : ", " + endpointOverride));
      } catch (SdkClientException e) {
        throw new InvalidInputException("cannot build a Secrets Manager client: " + e.getMessage(), e);
      }
    }
  }
}
