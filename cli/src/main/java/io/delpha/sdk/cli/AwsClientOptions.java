package io.delpha.sdk.cli;

import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where AWS calls go: the region and endpoints, and the stores they make (local folders or S3 buckets). AWS
 * credentials come from the SDK's default chain (environment, profile, instance role). {@link AwsOptions} adds where
 * named secrets come from.
 */
class AwsClientOptions {

  @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: the SDK's default chain).")
  String region;

  @Option(names = "--aws-endpoint", paramLabel = "URL",
      description = "Send AWS calls (S3, Secrets Manager, AppFlow) to this endpoint instead of AWS's.")
  URI endpoint;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "Send S3 calls to this endpoint (default: --aws-endpoint if given, else AWS's), e.g. an "
          + "S3-compatible store or a VPC endpoint.")
  URI s3Endpoint;

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
      return bucket(bucket);
    }
    return LocalObjectStore.at(Path.of(spec));
  }

  /**
   * @param bucket an S3 bucket's name
   * @return the bucket as a store, through these options' region and endpoints
   */
  ObjectStore bucket(String bucket) {
    S3ObjectStore.Builder b = configure(S3ObjectStore.builder().bucket(bucket));
    if (s3Endpoint != null) {
      b.endpointOverride(s3Endpoint);
    }
    return b.build();
  }
}
