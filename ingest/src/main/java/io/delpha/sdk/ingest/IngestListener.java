package io.delpha.sdk.ingest;

import io.delpha.sdk.core.ProgressListener;

/**
 * The library's {@link ProgressListener} plus one event per ingested file. Progress of a long file is
 * reported through {@link #onProgress} in bytes read (task {@code ingest <customer>/<file>}).
 * Callbacks run on the manager's thread: keep them short; what they throw is logged and ignored.
 */
public interface IngestListener extends ProgressListener {

  /** A listener that ignores every event. */
  IngestListener NONE = new IngestListener() {};

  /**
   * A file ended (processed, failed or interrupted), with the same figures as the log line and the
   * metrics table.
   *
   * @param ingestion the figures
   */
  default void onFileIngested(FileIngestion ingestion) {}
}
