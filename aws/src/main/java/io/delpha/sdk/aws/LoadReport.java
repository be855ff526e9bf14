package io.delpha.sdk.aws;

import java.time.Duration;

/**
 * What {@link AWSManager#loadIntoCassandra} did.
 *
 * @param flowName the flow
 * @param executionId the run whose records were loaded
 * @param keyspace the keyspace
 * @param table the table
 * @param files the Parquet files read
 * @param rowsWritten the rows upserted
 * @param tableCreated whether this load created the table
 * @param elapsed how long the load took
 */
public record LoadReport(String flowName, String executionId, String keyspace, String table, int files,
    long rowsWritten, boolean tableCreated, Duration elapsed) {

  /**
   * @return the rate in rows per second
   */
  public double rowsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : rowsWritten / seconds;
  }
}
