/**
 * Amazon AppFlow flows landing Salesforce data as Parquet in S3, and on into Cassandra.
 *
 * <p>Seams: {@link io.delpha.sdk.aws.AppFlowRuns} (start and await runs), {@link
 * io.delpha.sdk.aws.AppFlowDestinations} (where and in which format a flow lands), {@link
 * io.delpha.sdk.aws.AppFlowData} (the newest run's rows, loading into any {@link
 * io.delpha.sdk.cassandra.CqlExecutor}), all implemented by {@link io.delpha.sdk.aws.AWSManager}.
 */
@NullMarked
package io.delpha.sdk.aws;

import org.jspecify.annotations.NullMarked;
