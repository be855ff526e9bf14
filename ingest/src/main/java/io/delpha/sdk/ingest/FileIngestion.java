package io.delpha.sdk.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The figures of one file's ingestion: what the log line says, the metrics table holds and the
 * listener receives.
 *
 * @param customer the customer
 * @param fileName the file's name
 * @param stagedKey its key in the staging store when it was taken
 * @param sizeBytes its size
 * @param rowsIngested the rows written and acknowledged
 * @param rowsRejected the rows sent to the bad-records file
 * @param elapsed the time from claim to the last acknowledgement
 * @param status how the file ended
 * @param error why it failed or was interrupted, else {@code null}
 * @param worker the manager that ingested it
 * @param finishedAt when it ended
 */
public record FileIngestion(String customer, String fileName, String stagedKey, long sizeBytes,
    long rowsIngested, long rowsRejected, Duration elapsed, Status status, @Nullable String error, String worker,
    Instant finishedAt) {

  /** How a file ended. */
  public enum Status {
    /** Every row written or rejected; the file moved to {@code processed/}. */
    PROCESSED,
    /** Refused whole (e.g. a header that matches no column); the file moved to {@code failed/}. */
    FAILED,
    /** Stopped before the end (Cassandra unreachable, lease lost); the file stays staged and is retried. */
    INTERRUPTED
  }

  /**
   * One log line for the file, e.g. {@code Ingestion of the file: Data1000lines.csv for customer-1 - size: 128.8 KB -
   * 999 lines ingested in 0.82 seconds}, plus the rejected count when there are rejects.
   *
   * @return the line
   */
  public String logLine() {
    String line = String.format(Locale.ROOT, "Ingestion of the file: %s for %s - size: %.1f KB - %d lines ingested in %.2f seconds",
        fileName, customer, sizeBytes / 1024.0, rowsIngested, elapsed.toNanos() / 1e9);
    if (rowsRejected > 0) {
      line += " - " + rowsRejected + " lines rejected";
    }
    if (status != Status.PROCESSED) {
      line += " - " + status + ": " + error;
    }
    return line;
  }
}
