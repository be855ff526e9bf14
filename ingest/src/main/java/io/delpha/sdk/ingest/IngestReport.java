package io.delpha.sdk.ingest;

import java.util.List;

/**
 * What one pass over the staging area did.
 *
 * @param files every file this manager took in the pass, in the order it took them
 */
public record IngestReport(List<FileIngestion> files) {

  /** Copies the list. */
  public IngestReport {
    files = List.copyOf(files);
  }

  /**
   * @return the rows written in the pass
   */
  public long rowsIngested() {
    return files.stream().mapToLong(FileIngestion::rowsIngested).sum();
  }

  /**
   * @return the files of the pass that ended with this status
   * @param status a status
   */
  public List<FileIngestion> withStatus(FileIngestion.Status status) {
    return files.stream().filter(f -> f.status() == status).toList();
  }
}
