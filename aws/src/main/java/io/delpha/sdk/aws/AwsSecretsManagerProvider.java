package io.delpha.sdk.aws;

import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.aws.internal.AwsErrors;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
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

  private final SecretsManagerClient client;
  private final AwsClients.Owned<SecretsManagerClient> owned;
  private final String description;
  private final ClosedGuard guard = new ClosedGuard("this AwsSecretsManagerProvider");

  private AwsSecretsManagerProvider(AwsClients.Owned<SecretsManagerClient> client, String description) {
    this.client = client.client();
    this.owned = client;
    this.description = description;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    Capability.require("AwsSecretsManagerProvider", "aws-secrets-manager");
    return new Builder();
  }

  @Override
  public String secret(String name) {
    guard.check();
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("a secret name must not be blank");
    }
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(b -> b.secretId(name));
    } catch (RuntimeException e) {
      throw AwsErrors.isSdk(e) ? translate(name, e) : e;
    }
    if (response.secretString() != null) {
      return response.secretString();
    }
    if (response.secretBinary() != null) {
      return response.secretBinary().asString(StandardCharsets.UTF_8);
    }
    throw new NotFoundException("secret '" + name + "' exists in Secrets Manager but holds no value");
  }

  private DelphaException translate(String name, RuntimeException e) {
    return AwsErrors.map((SdkException) e, "Secrets Manager", "read secret '" + name + "'", (refused, code, what) -> {
      if ("ResourceNotFoundException".equals(code)) {
        return new NotFoundException("no secret '" + name + "' in Secrets Manager: " + what, e);
      }
      if ("DecryptionFailure".equals(code) || "AccessDeniedException".equals(code)) {
        return new AccessDeniedException(what + "; grant secretsmanager:GetSecretValue (and kms:Decrypt for a "
            + "customer key)", e);
      }
      return null;
    });
  }

  /**
   * Closes the client if this provider built it. Idempotent; afterwards {@link #secret(String)} and {@link
   * #json(String)} throw {@link ClosedException}.
   */
  @Override
  public void close() {
    if (guard.close()) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return "AwsSecretsManagerProvider[" + description + "]";
  }

  /** Builds an {@link AwsSecretsManagerProvider}; every setting is optional. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private AwsClientSettings aws = AwsClientSettings.defaults();
    private @Nullable SecretsManagerClient client;

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
     * Uses an existing client, which {@link AwsSecretsManagerProvider#close()} leaves open; the other
     * settings are then ignored.
     *
     * @param client a client the caller owns
     * @return this builder
     */
    public Builder client(@Nullable SecretsManagerClient client) {
      this.client = client;
      return this;
    }

    /**
     * @return the provider
     */
    public AwsSecretsManagerProvider build() {
      Capability.require("AwsSecretsManagerProvider", "aws-secrets-manager");
      AwsClientSettings settings = aws;
      AwsClients.Owned<SecretsManagerClient> sm = AwsClients.givenOrBuilt(client,
          () -> AwsClients.configure(SecretsManagerClient.builder(), settings).build(), "Secrets Manager");
      return new AwsSecretsManagerProvider(sm, sm.owned() ? settings.toString() : "caller's client");
    }
  }
}
