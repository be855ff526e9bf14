/** AWS: AppFlow flows landing Parquet in S3 (AWSManager), S3ObjectStore, Secrets Manager, SNS, KMS. */
module io.delpha.sdk.aws {
  requires transitive io.delpha.sdk.cassandra;
  requires transitive io.delpha.sdk.parquet;
  requires static software.amazon.awssdk.services.s3;
  requires static software.amazon.awssdk.services.sns;
  requires static software.amazon.awssdk.services.secretsmanager;
  requires static software.amazon.awssdk.services.kms;
  requires static software.amazon.awssdk.services.appflow;
  requires static software.amazon.awssdk.regions;
  requires static software.amazon.awssdk.auth;
  requires static software.amazon.awssdk.http;
  requires static software.amazon.awssdk.core;
  requires static software.amazon.awssdk.awscore;
  requires static software.amazon.awssdk.retries.api;
  requires static software.amazon.awssdk.utils;

  exports io.delpha.sdk.aws;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.aws.internal.AwsStack;
}
