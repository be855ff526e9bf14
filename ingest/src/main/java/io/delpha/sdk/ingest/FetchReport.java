package io.delpha.sdk.ingest;

import java.util.List;

/**
 * The outcome of one upload: which files were staged and which were refused, with the reason.
 *
 * @param customer the customer who uploaded
 * @param accepted the staged files: their names and staging keys
 * @param rejected the refused files and why; nothing of them was staged
 */
public record FetchReport(String customer, List<StagedFile> accepted, List<RejectedFile> rejected) {

  /** Copies the lists. */
  public FetchReport {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }

  /**
   * A file that was staged.
   *
   * @param name the file's name
   * @param key its key in the staging store
   * @param sizeBytes its size
   */
  public record StagedFile(String name, String key, long sizeBytes) {}

  /**
   * A file that was refused.
   *
   * @param name the file's name
   * @param reason why, for a human
   */
  public record RejectedFile(String name, String reason) {}
}
