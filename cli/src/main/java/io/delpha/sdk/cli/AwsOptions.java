package io.delpha.sdk.cli;

import io.delpha.sdk.aws.AwsSecretsManagerProvider;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where objects and secrets live: local folders or S3, the environment, a secrets file or AWS Secrets
 * Manager. AWS credentials come from the SDK's default chain (environment, profile, instance role).
 */
final class AwsOptions extends AwsClientOptions {

  @Option(names = "--secrets", paramLabel = "SOURCE", defaultValue = "env",
      description = "Where named secrets come from: env (environment variables, the default), file:PATH "
          + "(a JSON object of secrets), or aws (AWS Secrets Manager).")
  String secrets;

  /**
   * @return the secret provider {@code --secrets} names
   */
  SecretProvider secretProvider() {
    if (secrets.equals("env")) {
      return SecretProvider.environment();
    }
    if (secrets.startsWith("file:")) {
      return SecretProvider.fromFile(Path.of(secrets.substring("file:".length())));
    }
    if (secrets.equals("aws")) {
      return configure(AwsSecretsManagerProvider.builder()).build();
    }
    throw Usage.error("--secrets: '" + secrets + "' is not env, file:PATH or aws");
  }
}
