package io.delpha.sdk.aws;

import io.delpha.sdk.cassandra.CqlExecutor;

/**
 * What AppFlow flows landed in S3: the newest successful run, its Parquet data, and loading it into
 * Cassandra. A role of {@link AWSManager}. Thread-safe.
 */
public interface AppFlowData {

  /**
   * @param flowName the flow
   * @return the id of the flow's newest successful run whose data is in S3
   * @throws NoFlowDataException when no successful run has data
   */
  String getLastFlowId(String flowName);

  /**
   * @param flowName the flow
   * @param executionId one of its runs
   * @return that run's Parquet files as rows; close it
   */
  FlowData getFlowParquetData(String flowName, String executionId);

  /**
   * Upserts every record of the flow's newest successful run into a Cassandra table (see {@link
   * AWSManager#loadIntoCassandra(String, CqlExecutor, String, String, LoadOptions)}).
   *
   * @param flowName the flow
   * @param cql the cluster or a scoped session
   * @param keyspace the keyspace
   * @param table the table
   * @param options table creation, key, concurrency, progress
   * @return counts
   */
  LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table, LoadOptions options);

  /**
   * @param flowName the flow
   * @return the newest successful run's Parquet files as rows; close it
   */
  default FlowData getFlowParquetData(String flowName) {
    return getFlowParquetData(flowName, getLastFlowId(flowName));
  }

  /**
   * Loads with {@link LoadOptions#defaults()}.
   *
   * @param flowName the flow
   * @param cql the cluster or a scoped session
   * @param keyspace the keyspace
   * @param table the table
   * @return counts
   */
  default LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table) {
    return loadIntoCassandra(flowName, cql, keyspace, table, LoadOptions.defaults());
  }
}
