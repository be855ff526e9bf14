package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.FileIngestion.Status;

/** The meters of ingested files (docs/metrics.md): files and their duration by outcome, rows, rejected rows, bytes. */
public final class FileMeters {

  private final Recorder metrics;
  private final boolean customerTag;

  /**
   * @param metrics where files are metered
   * @param customerTag whether each meter is tagged with the customer
   */
  public FileMeters(Recorder metrics, boolean customerTag) {
    this.metrics = metrics;
    this.customerTag = customerTag;
  }

  /**
   * Meters a file: an interrupted one only as such (it is re-run, and its rows and bytes count when it concludes).
   *
   * @param f the file's run
   */
  public void record(FileIngestion f) {
    String outcome = f.status().name().toLowerCase(java.util.Locale.ROOT);
    String[] tags = customerTag ? new String[] {"customer", f.customer()} : new String[0];
    metrics.count(Meter.INGEST_FILES, 1, withTag(tags, "outcome", outcome));
    metrics.time(Meter.INGEST_FILE_DURATION, f.elapsed().toNanos(), withTag(tags, "outcome", outcome));
    if (f.status() != Status.INTERRUPTED) {
      metrics.count(Meter.INGEST_ROWS, f.rowsIngested(), tags);
      metrics.count(Meter.INGEST_ROWS_REJECTED, f.rowsRejected(), tags);
      metrics.count(Meter.INGEST_BYTES, f.sizeBytes(), tags);
    }
  }

  private static String[] withTag(String[] tags, String key, String value) {
    String[] out = java.util.Arrays.copyOf(tags, tags.length + 2);
    out[tags.length] = key;
    out[tags.length + 1] = value;
    return out;
  }
}
