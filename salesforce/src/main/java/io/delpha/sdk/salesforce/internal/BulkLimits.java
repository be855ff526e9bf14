package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.internal.PeerNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.RateLimitedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The org's Bulk API allowances for the rolling 24 hours, read from {@code GET /limits} before a job is created, so a
 * job the org cannot run today is refused before any work rather than failing half-way. Each allowance is the
 * {@code {"Max": n, "Remaining": m}} entry the resource documents:
 *
 * <ul>
 *   <li>a query job needs one of {@code DailyBulkV2QueryJobs} (10,000 a day) and some of {@code
 *       DailyBulkV2QueryFileStorageMB} (1 TB a day: how much a job will produce is not known before it runs, so only
 *       none left is refused);</li>
 *   <li>an ingest needs one {@code DailyBulkApiBatches} (15,000 a day, shared with Bulk API 1.0) per started 10,000
 *       records of each job: Salesforce splits each ingest job's data into batches of 10,000 records.</li>
 * </ul>
 *
 * An allowance the answer does not carry is not checked (logged). A refusal is a {@link RateLimitedException}
 * without a {@code Retry-After} (a quota: not retried), naming the allowance, what the job needs and what is left.
 */
public final class BulkLimits {

  /** Records per internal batch of a Bulk API 2.0 ingest job. */
  public static final int RECORDS_PER_BATCH = 10_000;

  private static final Logger log = LoggerFactory.getLogger(BulkLimits.class);

  private final RequestExecutor executor;
  private final RestHttp http;

  /**
   * @param executor runs the call
   * @param http the HttpClient side
   */
  public BulkLimits(RequestExecutor executor, RestHttp http) {
    this.executor = executor;
    this.http = http;
  }

  /**
   * Checks that the org can run one more query job today.
   *
   * @throws RateLimitedException if no query job or no result storage is left
   */
  public void requireQueryJob() {
    JsonNode limits = read();
    require(limits, "DailyBulkV2QueryJobs", 1, "a Bulk API 2.0 query job");
    require(limits, "DailyBulkV2QueryFileStorageMB", 1, "a Bulk API 2.0 query job's results");
  }

  /**
   * Checks that the org has the batches an ingest of these jobs needs today.
   *
   * @param recordsPerJob the records of each job
   * @throws RateLimitedException if fewer batches are left than the jobs need
   */
  public void requireIngest(long[] recordsPerJob) {
    long batches = 0;
    for (long records : recordsPerJob) {
      batches += Math.max(1, (records + RECORDS_PER_BATCH - 1) / RECORDS_PER_BATCH);
    }
    require(read(), "DailyBulkApiBatches", batches, "a Bulk API 2.0 ingest of " + recordsPerJob.length + " job(s)");
  }

  private JsonNode read() {
    return executor.http("read the org's limits", true, s -> http.json(s, "read the org's limits", "GET", "/limits",
        null));
  }

  private static void require(JsonNode limits, String name, long needed, String what) {
    JsonNode entry = limits.path(name);
    if (entry.isMissingNode()) {
      log.info("the org's limits carry no {}; {} is not checked against it", name, what);
      return;
    }
    JsonNode node = entry.path("Remaining");
    if (!node.isIntegralNumber()) {
      throw new DataFormatException("read the org's limits: " + name + " has no whole Remaining count");
    }
    long remaining = PeerNumbers.jsonLong(node, Long.MIN_VALUE, Long.MAX_VALUE,
        "read the org's limits: " + name + "'s Remaining count");
    if (remaining < needed) {
      throw new RateLimitedException(what + " needs " + needed + " of the org's " + name + " and " + remaining
          + " of " + entry.path("Max").asLong() + " are left for the rolling 24 hours; nothing was started. Run it "
          + "when the allowance has recovered", null, null);
    }
  }
}
