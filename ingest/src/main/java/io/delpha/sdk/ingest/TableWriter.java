package io.delpha.sdk.ingest;

import org.jspecify.annotations.Nullable;

/**
 * Writes rows into one table asynchronously, with a bounded number of requests in flight (the call
 * blocks while the bound is reached). Consecutive rows of the same partition may go in one unlogged
 * batch; rows of different partitions never share one. The manager waits for every acknowledgement
 * before it moves the file.
 */
public interface TableWriter {

  /**
   * Writes a row; a {@code null} value leaves the column unset.
   *
   * @param line the line the row starts on, for messages
   * @param values the values in the writer's column order, as the driver's codecs expect them
   *     ({@code Long} for bigint, {@code BigDecimal} for decimal, {@code Instant} for timestamp, ...)
   * @throws io.delpha.sdk.core.ServiceUnavailableException if an earlier write failed because
   *     Cassandra cannot be reached: the file is interrupted
   */
  void write(long line, @Nullable Object... values);
}
