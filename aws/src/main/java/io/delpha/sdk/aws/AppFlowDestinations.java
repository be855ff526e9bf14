package io.delpha.sdk.aws;

/**
 * Where and how a flow lands its data in S3, and turning it to Parquet. A role of {@link AWSManager}.
 * Thread-safe.
 */
public interface AppFlowDestinations {

  /**
   * @param flowName the flow
   * @return its S3 destination: bucket, prefix, file type, aggregation
   */
  FlowDestination destination(String flowName);

  /**
   * @param flowName the flow
   * @return the destination after making sure it writes Parquet as Spark reads it (one file per run)
   */
  FlowDestination ensureSparkFormat(String flowName);

  /**
   * @param flowName the flow
   * @return the destination after switching its file type to Parquet
   */
  FlowDestination convertToParquet(String flowName);
}
