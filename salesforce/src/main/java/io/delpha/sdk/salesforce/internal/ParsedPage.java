package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.RecordMap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A result page downloaded whole and parsed by a download thread ({@link ParallelResultPages}): its rows, checked as
 * {@link CsvResultPage} checks a streamed page (every bound of a record, its {@code Sforce-NumberOfRecords} row by row
 * and at its end), then handed to the reader as they are; what ended the parsing early (a record past a bound or past
 * the claim, a record that is not CSV, a page cut short) is thrown where the reader reaches it, after the rows before
 * it, as the streamed page would. Its {@link #weight} is what it counts against the bytes the
 * pages downloaded ahead may hold.
 */
final class ParsedPage implements BulkQuery.PageRows {

  /**
   * What a row costs beyond its values (the map, its table), and a value beyond its characters (entry, string), for a
   * row that is a {@code LinkedHashMap} (a header whose names repeat); a {@link RecordMap} tells its own.
   */
  private static final long ROW_BYTES = 80;
  private static final long VALUE_BYTES = 88;
  /** What a page costs beyond its rows, so that empty pages weigh something. */
  private static final long PAGE_BYTES = 1024;
  /** How often, in rows, the parsing looks whether its thread was interrupted (the read was closed). */
  private static final int INTERRUPT_CHECK = 1024;

  private final int number;
  private final long declared;
  private final @Nullable String handle;
  private final long weight;
  private @Nullable List<Map<String, String>> rows;
  private int next;
  private final int size;
  /** What ended the parsing, thrown where the reader reaches it: after the rows read before it, as a streamed page. */
  private final @Nullable RuntimeException failure;

  private ParsedPage(int number, long declared, @Nullable String handle, List<Map<String, String>> rows, long weight,
      @Nullable RuntimeException failure) {
    this.failure = failure;
    this.number = number;
    this.declared = declared;
    this.handle = handle;
    this.rows = rows;
    this.size = rows.size();
    this.weight = weight;
  }

  /**
   * Parses a downloaded page on the calling thread.
   *
   * @param jobId the job, for messages
   * @param number the page's place in the job's results, 1 for the first
   * @param locator its locator, its handle for the job's budget
   * @param page the page as downloaded (inflated)
   * @param limits the bounds of a record
   * @return its rows, checked, and what ended them early ({@link io.delpha.sdk.core.ResponseLimitException} for a
   *     record past a bound or one past the page's claim, {@link io.delpha.sdk.core.DataFormatException} for a page
   *     that is not the CSV expected or holds fewer rows than it declared, {@link ServiceUnavailableException} when
   *     the read was closed while it was parsed), thrown to the reader at its place
   * @throws io.delpha.sdk.core.DataFormatException if its {@code Sforce-NumberOfRecords} is not a count
   */
  static ParsedPage parse(String jobId, int number, String locator, RestHttp.Page page, ResponseLimits limits) {
    CsvResultPage csv = new CsvResultPage(jobId, number, new ByteArrayInputStream(page.bytes()),
        page.headers().firstValue("Sforce-NumberOfRecords").orElse(null), locator, limits);
    List<Map<String, String>> rows = new ArrayList<>(csv.declared() > 0 && csv.declared() < 1 << 20
        ? (int) csv.declared() : 16);
    long weight = PAGE_BYTES;
    RuntimeException failure = null;
    try {
      csv.start();
      for (Map<String, String> row = csv.next(); row != null; row = csv.next()) {
        rows.add(row);
        if (row instanceof RecordMap record) {
          weight += record.footprint();
        } else {
          weight += ROW_BYTES;
          for (String value : row.values()) {
            weight += VALUE_BYTES + value.length();
          }
        }
        if (rows.size() % INTERRUPT_CHECK == 0 && Thread.currentThread().isInterrupted()) {
          throw new ServiceUnavailableException("Bulk API 2.0 query job " + jobId + ": result page " + number
              + " was being parsed when the read was closed", null);
        }
      }
      csv.end();
    } catch (IOException e) {
      failure = CsvResultPage.failure(e, jobId, number);
    } catch (RuntimeException e) {
      failure = e;
    }
    return new ParsedPage(number, csv.declared(), locator, rows, Math.max(weight, PAGE_BYTES + page.bytes().length),
        failure);
  }

  /** @return what the page counts against the bytes downloaded ahead: at least its bytes, more for its parsed rows */
  long weight() {
    return weight;
  }

  @Override
  public long declared() {
    return declared;
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
  public void start() {
    // parsed already, header and rows
  }

  @Override
  public @Nullable Map<String, String> next() {
    List<Map<String, String>> held = rows;
    if (held == null || next == size) {
      if (failure != null) {
        throw failure;
      }
      return null;
    }
    Map<String, String> row = held.get(next);
    held.set(next++, null); // released as it is handed out
    return row;
  }

  @Override
  public long end() {
    rows = null;
    if (failure != null) {
      throw failure;
    }
    return size;
  }

  @Override
  public void close() {
    rows = null;
  }
}
