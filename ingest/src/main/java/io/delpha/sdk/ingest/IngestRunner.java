package io.delpha.sdk.ingest;

import java.util.List;

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

  /**
   * Where every customer's files stand: the files waiting in the staging area and the latest recorded
   * ingestions (whichever manager ran them).
   *
   * @param recentPerCustomer how many recorded ingestions to return per customer, newest first
   * @return one entry per registered customer, in id order
   * @throws io.delpha.sdk.core.ServiceUnavailableException if Cassandra or the staging store cannot be reached
   */
  List<CustomerStatus> status(int recentPerCustomer);

  /** Starts watching the staging area, ingesting files as they arrive. */
  void start();

  /** Stops watching; an ingestion in progress finishes first. */
  @Override
  void close();
}
