package io.delpha.sdk.ingest;

/**
 * Ingesting staged files into customers' keyspaces, once or continuously; several managers may share one
 * staging area (each file is taken by one, under a lease). A role of {@link BatchIngestor}.
 */
public interface IngestRunner extends AutoCloseable {

  /**
   * Ingests every file staged now, for every customer; files another manager holds are skipped.
   *
   * @return the files this manager took
   */
  IngestReport ingestPending();

  /** Starts watching the staging area, ingesting files as they arrive. */
  void start();

  /** Stops watching; an ingestion in progress finishes first. */
  @Override
  void close();
}
