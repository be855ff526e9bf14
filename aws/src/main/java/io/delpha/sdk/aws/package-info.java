/**
 * Amazon Web Services, each service an optional stack checked at its entry points: AppFlow flows landing
 * Salesforce data as Parquet in S3, and on into Cassandra ({@link io.delpha.sdk.aws.AWSManager}); S3 as an
 * {@link io.delpha.sdk.core.storage.ObjectStore} ({@link io.delpha.sdk.aws.S3ObjectStore}); Secrets Manager as a
 * {@link io.delpha.sdk.core.secrets.SecretProvider} ({@link io.delpha.sdk.aws.AwsSecretsManagerProvider}); and the
 * client settings all of them share ({@link io.delpha.sdk.aws.AwsClientSettings}).
 *
 * <p>Seams: {@link io.delpha.sdk.aws.AppFlowRuns} (start and await runs), {@link
 * io.delpha.sdk.aws.AppFlowDestinations} (where and in which format a flow lands), {@link
 * io.delpha.sdk.aws.AppFlowData} (the newest run's rows, loading into any {@link
 * io.delpha.sdk.cassandra.CqlExecutor}), all implemented by {@link io.delpha.sdk.aws.AWSManager}.
 */
@NullMarked
package io.delpha.sdk.aws;

import org.jspecify.annotations.NullMarked;
