package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.CsvParser;
import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.RecordMap;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.ClaimedCount;
import io.delpha.sdk.core.internal.http.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Bulk API 2.0 result page read as CSV, a row at a time, by whichever thread reads it: the caller's (the
 * sequential locator paging, streamed) or a download thread (the parallel pages, read whole). Its header record
 * first ({@link #start}), then its rows ({@link #next}), each at most {@code maxLineBytes} characters and {@code
 * maxItems} fields, blank records skipped (they deliver nothing: a streamed page of them ends at {@code
 * maxBytesWithoutProgress} or {@code progressTimeout}), each counted against the page's {@code
 * Sforce-NumberOfRecords} before it is handed out ({@link ClaimedCount}), the count checked again at {@link #end}.
 * Not thread-safe: one reader.
 */
final class CsvResultPage implements BulkQuery.PageRows {

  private static final Logger log = LoggerFactory.getLogger(CsvResultPage.class);

  private final String jobId;
  private final int number;
  private final InputStream body;
  private final @Nullable String handle;
  private final ClaimedCount claim;
  private final ResponseLimits limits;
  private @Nullable CsvParser rows;
  private RecordMap.Header header = RecordMap.Header.of(List.of());

  /**
   * @param jobId the job, for messages
   * @param number the page's place in the job's results (1 for the first), for messages
   * @param body its body; closed by {@link #end} or {@link #close}
   * @param count its {@code Sforce-NumberOfRecords}, {@code null} when it sent none
   * @param handle its handle for the job's budget: the locator of the next page (sequential), its own (parallel)
   * @param limits the bounds of a record
   * @throws DataFormatException if {@code count} is not a count ({@link PeerNumbers}); the body is closed
   */
  CsvResultPage(String jobId, int number, InputStream body, @Nullable String count, @Nullable String handle,
      ResponseLimits limits) {
    this.jobId = jobId;
    this.number = number;
    this.body = body;
    this.handle = handle;
    this.limits = limits;
    long declared;
    try {
      declared = count == null ? -1 : PeerNumbers.parseLong(count, 0, Long.MAX_VALUE, "Bulk API 2.0 query job "
          + jobId + ": result page " + number + "'s Sforce-NumberOfRecords");
    } catch (RuntimeException e) {
      RestHttp.discard(body);
      throw e;
    }
    this.claim = ClaimedCount.of("Bulk API 2.0 query job " + jobId + ": result page " + number,
        "Sforce-NumberOfRecords", declared);
    BoundedBody.byRecords(body); // blank records deliver nothing: maxBytesWithoutProgress, progressTimeout
  }

  @Override
  public long declared() {
    return claim.declared();
  }

  @Override
  public @Nullable String handle() {
    return handle;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public void start() throws IOException {
    log.debug("Bulk API 2.0 query job {}: result page {} ({} records)", jobId, number,
        claim.declared() < 0 ? "?" : claim.declared());
    CsvParser parser = new CsvParser(new InputStreamReader(body, StandardCharsets.UTF_8), ',', limits.maxLineBytes(),
        limits.maxItems());
    rows = parser;
    List<String> names = parser.next();
    if (names == null) {
      return;
    }
    if (parser.error() != null) {
      throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": the header of result page " + number
          + " could not be read (" + parser.error() + ")");
    }
    header = RecordMap.Header.of(names);
    BoundedBody.delivered(body);
  }

  /**
   * @return the page's next record as a map by header ({@link RecordMap}: the page's names shared, its values its
   *     own), {@code null} at its end
   * @throws ResponseLimitException ({@code declared count}) if it is one past the page's {@code Sforce-NumberOfRecords}
   */
  @Override
  public @Nullable Map<String, String> next() throws IOException {
    CsvParser parser = rows;
    if (parser == null) {
      throw new IllegalStateException("a result page is read after start()");
    }
    List<String> fields;
    do {
      fields = parser.next();
    } while (fields != null && fields.size() == 1 && parser.raw().isEmpty());
    if (fields == null) {
      return null;
    }
    if (parser.error() != null || fields.size() != header.size()) {
      String problem = parser.error() != null ? parser.error()
          : fields.size() + " fields where the header has " + header.size();
      throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": the CSV record on line " + parser.line()
          + " of result page " + number + " could not be read (" + problem + ")");
    }
    claim.item(); // row N+1 past a claim of N: an error before it is handed out
    Map<String, String> row = header.row(fields);
    BoundedBody.delivered(body);
    return row;
  }

  @Override
  public long end() {
    close();
    claim.end();
    return claim.items();
  }

  @Override
  public void close() {
    rows = null;
    try {
      body.close();
    } catch (IOException e) {
      log.debug("closing a Bulk API 2.0 result page failed", e);
    }
  }

  /**
   * @param e what reading a page threw
   * @param jobId the job
   * @param number the page
   * @return it as the caller gets it: a {@link ResponseLimitException} for a record past {@code maxLineBytes} or
   *     {@code maxItems}, the {@link DataFormatException} a stream carries, else a {@link ServiceUnavailableException}
   */
  static RuntimeException failure(IOException e, String jobId, int number) {
    if (e instanceof CsvParser.RecordTooLongException) {
      return new ResponseLimitException("maxLineBytes", "Bulk API 2.0 query job " + jobId + ": result page " + number
          + ": " + e.getMessage() + " (ResponseLimits.maxLineBytes); reading stopped there", e);
    }
    if (e instanceof CsvParser.TooManyFieldsException) {
      return new ResponseLimitException("maxItems", "Bulk API 2.0 query job " + jobId + ": result page " + number
          + ": " + e.getMessage() + " (ResponseLimits.maxItems); reading stopped there", e);
    }
    DataFormatException format = BoundedBody.formatOf(e);
    return format != null ? format : new ServiceUnavailableException("Bulk API 2.0 query job " + jobId
        + ": reading result page " + number + " failed (" + e.getClass().getSimpleName() + ": "
        + Peers.echo(e.getMessage()) + ")", e);
  }
}
