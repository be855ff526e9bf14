package io.delpha.sdk.cli;

import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.AwsSecretsManagerProvider;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where objects and secrets live: local folders or S3, the environment, a secrets file or AWS Secrets
 * Manager. AWS credentials come from the SDK's default chain (environment, profile, instance role).
 */
final class AwsOptions {

  @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: the SDK's default chain).")
  String region;

  @Option(names = "--aws-endpoint", paramLabel = "URL",
      description = "Send AWS calls (S3, Secrets Manager, AppFlow) to this endpoint instead of AWS's.")
  URI endpoint;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "Send S3 calls to this endpoint (default: --aws-endpoint if given, else AWS's), e.g. an "
          + "S3-compatible store or a VPC endpoint.")
  URI s3Endpoint;

  @Option(names = "--secrets", paramLabel = "SOURCE", defaultValue = "env",
      description = "Where named secrets come from: env (environment variables, the default), file:PATH "
          + "(a JSON object of secrets), or aws (AWS Secrets Manager).")
  String secrets;

  <B extends AwsClientBuilder<B>> B configure(B builder) {
    builder.region(region);
    builder.endpointOverride(endpoint);
    return builder;
  }

  /**
   * @param spec a folder path or {@code s3://bucket}
   * @return the store
   */
  ObjectStore store(String spec) {
    if (spec.startsWith("s3://")) {
      String bucket = spec.substring("s3://".length());
      if (bucket.endsWith("/")) {
        bucket = bucket.substring(0, bucket.length() - 1);
      }
      if (bucket.isEmpty() || bucket.contains("/")) {
        throw Usage.error("'" + spec + "': an S3 store is s3://BUCKET");
      }
      S3ObjectStore.Builder b = configure(S3ObjectStore.builder().bucket(bucket));
      if (s3Endpoint != null) {
        b.endpointOverride(s3Endpoint);
      }
      return b.build();
    }
    return LocalObjectStore.at(Path.of(spec));
  }

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
