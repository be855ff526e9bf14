package io.delpha.sdk.salesforce;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one {@link SalesforceBulk#bulkIngest} across every Bulk API 2.0 ingest job it ran: how many records
 * Salesforce saved, refused, and never processed, in all and per job. Every record given is in exactly one of the three
 * counts: {@code successful + failed + unprocessed == records}.
 *
 * @param records the records given
 * @param successful the records Salesforce processed without error
 * @param failed the records Salesforce processed and refused (its {@code numberRecordsFailed}); their errors are in
 *     each job's {@code failedResults}, which Salesforce keeps for 7 days
 * @param unprocessed the records no job processed: those of a job that failed, was aborted, or whose upload failed,
 *     and any a job did not reach
 * @param jobs each job, in the order of the records it took
 */
public record BulkIngestReport(long records, long successful, long failed, long unprocessed, List<Job> jobs) {

  /**
   * @param records the records given
   * @param successful processed without error
   * @param failed processed and refused
   * @param unprocessed never processed
   * @param jobs each job, copied
   */
  public BulkIngestReport {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /** @return whether every record was saved */
  public boolean allSuccessful() {
    return successful == records;
  }

  /**
   * One Bulk API 2.0 ingest job of the ingest.
   *
   * @param id the job's id, {@code null} when it could not be created
   * @param state its last state: {@code JobComplete}, {@code Failed}, {@code Aborted}, or {@code NotStarted} when it
   *     was not created or its data could not be uploaded
   * @param records the records it was given
   * @param processed the records Salesforce processed ({@code numberRecordsProcessed}, failed ones included)
   * @param failed the records it refused ({@code numberRecordsFailed})
   * @param errorMessage why the job failed, as Salesforce or the upload said it, {@code null} when it did not
   */
  public record Job(@Nullable String id, String state, long records, long processed, long failed,
      @Nullable String errorMessage) {

    /** @return the records it saved: {@code processed - failed} */
    public long successful() {
      return processed - failed;
    }

    /** @return the records it never processed: {@code records - processed} */
    public long unprocessed() {
      return records - processed;
    }
  }
}
