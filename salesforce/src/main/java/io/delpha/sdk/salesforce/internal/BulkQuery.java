package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.CsvParser;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.ClaimedCount;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.salesforce.SalesforceConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bulk API 2.0 query job: create it ({@code POST /jobs/query}), poll its state with backoff until
 * {@code JobComplete}, then stream its CSV results page by page. Sequentially ({@code bulkParallelDownloads} 1), following the
 * {@code Sforce-Locator} header of {@code GET .../results} until it is the literal {@code null}, the reader's thread
 * parsing each page as it streams; in parallel ({@code bulkParallelDownloads} 2 or more), through {@code GET .../resultPages} (API
 * 58.0+), whose answers hand out up to five result URLs at a time and name the next list ({@code nextRecordsUrl})
 * until {@code done}: at most {@code parallel} requests out at once, each page read whole (at most {@code
 * maxBodyBytes}, inflated) and parsed by the thread that downloaded it, their rows handed out in the server's order
 * ({@link ParallelResultPages}: at most {@code parallel} pages ahead of the reader, fewer when they weigh more than
 * {@code parallel x maxBodyBytes}). A page that fails is retried alone, under the
 * retry policy. When Salesforce answers {@code resultPages} with 404, the read falls back to the locator paging.
 * Every result request asks for gzip ({@code Accept-Encoding: gzip}); a compressed page is inflated under a byte
 * bound ({@link RestHttp#openStream}, {@link RestHttp#page}). It uses the library's HTTP client layer; the CSV is
 * parsed by the library's one CSV parser ({@link CsvParser}, RFC 4180), the one the ingest uses.
 *
 * <p>What Salesforce sends is read under the {@link ResponseLimits}: the job's JSON answers as any REST answer; each
 * result record at most {@code maxLineBytes} characters and {@code maxItems} fields (the header too: a header of a
 * million names stops at the delimiter past the bound, its names never all built); each read of a page within
 * {@code idleTimeout} and at least {@code minBytesPerSecond}. The job's polls and result pages are one {@link
 * PageBudget}: at most {@code maxRequests} requests (polls, pages, lists, retries), {@code maxPages} pages, every
 * locator one the job's read was not given before, at most {@code maxEmptyPages} empty pages in a row. A page's
 * {@code Sforce-NumberOfRecords}, when it is sent, is checked against the page before its first row is handed out
 * (the budget), at every row ({@link ClaimedCount}: the row past the claim is an error before it is handed out) and
 * after its last: a page cut short or padded is an error, not a page. A page is read by records ({@link
 * BoundedBody#byRecords}): blank records deliver nothing, so a page of them ends at {@code maxBytesWithoutProgress}
 * or {@code progressTimeout}. A breach is a
 * {@link ResponseLimitException}; once the rows have failed, every later call throws that failure again.
 */
public final class BulkQuery {

  private static final Logger log = LoggerFactory.getLogger(BulkQuery.class);
  private static final Set<String> INPUT_ERRORS =
      Set.of("MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE", "INVALIDENTITY", "INVALID_QUERY_FILTER_OPERATOR");

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");

  private final RequestExecutor executor;
  private final RestHttp http;
  /** The options it reads where it uses them: the polling, the timeout, the page size, the downloads at once. */
  private final SalesforceConfig config;
  private final Retrier polling;
  private final @Nullable BulkLimits limits;

  /**
   * @param executor runs the calls
   * @param http the HttpClient side, whose limits bound every answer and the job's read
   * @param config the manager's settings: {@code bulkPolling} (the policy's attempt count is not used: {@code
   *     bulkTimeout} bounds polling), {@code bulkTimeout}, {@code bulkPageSize} ({@code maxRecords} of the locator
   *     paging, 0 for Salesforce's choice), {@code bulkParallelDownloads} (1 for the sequential locator paging) and
   *     {@code bulkLimitsCheck} (the org's allowances read before a job is created)
   * @param clock the clock of the polls
   * @param sleeper the pauses between polls
   */
  public BulkQuery(RequestExecutor executor, RestHttp http, SalesforceConfig config, Clock clock,
      Pause.Sleeper sleeper) {
    this.executor = executor;
    this.http = http;
    this.config = config;
    this.polling = new Retrier(config.bulkPolling(), clock, sleeper);
    this.limits = config.bulkLimitsCheck() ? new BulkLimits(executor, http) : null;
  }

  /**
   * Runs the job and returns its rows as a lazy stream; close the stream to release the open page (and the parallel
   * downloads).
   *
   * @param soql the query
   * @param includeDeleted {@code queryAll}: include deleted and archived records
   * @return the rows, column name to value (empty string for empty values); the stream throws where the read fails
   *     (a {@link ResponseLimitException} for a breach) and never ends early
   * @throws io.delpha.sdk.core.RateLimitedException if the org's allowances were read and leave no query job, or no
   *     result storage, for today; no job is created
   */
  public Stream<Map<String, String>> run(String soql, boolean includeDeleted) {
    BulkLimits allowances = limits;
    if (allowances != null) {
      allowances.requireQueryJob();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("operation", includeDeleted ? "queryAll" : "query");
    body.put("query", soql);
    JsonNode job = executor.http("create Bulk API 2.0 query job", true,
        s -> http.json(s, "create Bulk API 2.0 query job", "POST", "/jobs/query", body));
    String jobId = requireJobId(Json.text(job, "id"), "create Bulk API 2.0 query job");
    log.info("Bulk API 2.0 query job {} created (state {})", jobId, Peers.echo(Json.text(job, "state")));
    PageBudget budget = PageBudget.of("Bulk API 2.0 query job " + jobId, http.limits());
    JsonNode done = awaitCompletion(jobId, budget);
    log.info("Bulk API 2.0 query job {} complete: {} records", jobId,
        Peers.echo(Json.text(done, "numberRecordsProcessed")));
    int parallel = config.bulkParallelDownloads();
    PageSource source = parallel > 1 ? ParallelResultPages.open(executor, http, jobId, budget, parallel) : null;
    Results results = new Results(jobId, budget, source != null ? source : new LocatorPages(jobId, budget));
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(results::close);
  }

  /**
   * @param jobId the id Salesforce sent for a job
   * @param what the call, for messages
   * @return the id, a record id (15 or 18 letters and digits)
   * @throws DataFormatException if there is none or it is not a record id: it goes into every later path, where a
   *     {@code '/'}, {@code '?'}, {@code '..'} or {@code '@'} would change the resource asked for
   */
  static String requireJobId(@Nullable String jobId, String what) {
    if (jobId == null) {
      throw new DataFormatException(what + ": the answer has no job id");
    }
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new DataFormatException(what + ": the job id Salesforce sent is not a record id "
          + "(15 or 18 letters and digits); it was not used in a URL");
    }
    return jobId;
  }

  private JsonNode awaitCompletion(String jobId, PageBudget budget) {
    String what = "read Bulk API 2.0 query job " + jobId;
    String[] lastState = {"UploadComplete"};
    Duration timeout = config.bulkTimeout();
    return polling.poll(what, timeout, () -> {
      JsonNode info = executor.http(what, true, s -> {
        budget.request();
        return http.json(s, what, "GET", "/jobs/query/" + jobId, null);
      });
      String state = String.valueOf(Json.text(info, "state"));
      lastState[0] = Peers.echo(state);
      return switch (state) {
        case "JobComplete" -> Optional.of(info);
        case "Failed" -> throw failed(jobId, Json.text(info, "errorMessage"));
        case "Aborted" -> throw new DelphaException("Bulk API 2.0 query job " + jobId
            + " was aborted before it completed; run the query again");
        case "UploadComplete", "InProgress" -> {
          log.debug("Bulk API 2.0 query job {} is {}, polling again", jobId, state);
          yield Optional.empty();
        }
        default -> throw new DataFormatException(what + ": unknown job state '" + Peers.echo(state) + "'");
      };
    }, () -> new ServiceUnavailableException("Bulk API 2.0 query job " + jobId + " is still " + lastState[0]
        + " after " + timeout + "; its results stay available in Salesforce for 7 days"));
  }

  private static DelphaException failed(String jobId, @Nullable String errorMessage) {
    String message = "Bulk API 2.0 query job " + jobId + " failed: " + Peers.echo(errorMessage);
    String code = errorMessage == null ? "" : errorMessage.split("[:\\s]", 2)[0];
    return INPUT_ERRORS.contains(code) ? new InvalidInputException(message) : new DelphaException(message);
  }

  /**
   * One result page's rows, in the server's order: read from the wire as they are asked for (the sequential paging)
   * or parsed before by a download thread (the parallel pages). Not thread-safe: one reader.
   */
  interface PageRows {
    /** @return the page's {@code Sforce-NumberOfRecords}, negative when it sent none */
    long declared();

    /** @return its handle for the job's budget: the locator of the next page (sequential), its own (parallel) */
    @Nullable String handle();

    /** @return its place in the job's results, 1 for the first */
    int number();

    /**
     * Reads its header record; called once the page passed the job's budget, before {@link #next}.
     *
     * @throws IOException if Salesforce stops answering, or the record breaks a bound of the CSV parser
     */
    void start() throws IOException;

    /**
     * @return its next row, {@code null} after its last
     * @throws IOException if Salesforce stops answering, or the record breaks a bound of the CSV parser
     */
    @Nullable Map<String, String> next() throws IOException;

    /**
     * Releases the page read to its end and checks its rows against its {@code Sforce-NumberOfRecords}.
     *
     * @return the rows it held
     * @throws DataFormatException if it held fewer rows than it declared
     */
    long end();

    /** Releases the page without checking it. */
    void close();
  }

  /** Where the result pages come from, in the server's order. */
  interface PageSource {
    /**
     * @return the next page, {@code null} after the last
     * @throws IOException if Salesforce stops answering
     */
    @Nullable PageRows next() throws IOException;

    /** Releases what the source holds (threads, pages downloaded ahead). */
    void close();
  }

  /** The sequential paging: {@code GET .../results}, each page naming the next by its {@code Sforce-Locator}. */
  private final class LocatorPages implements PageSource {
    private final String jobId;
    private final PageBudget budget;
    private @Nullable String locator;
    private boolean lastPage;
    private int pages;

    LocatorPages(String jobId, PageBudget budget) {
      this.jobId = jobId;
      this.budget = budget;
    }

    @Override
    public @Nullable PageRows next() {
      if (lastPage) {
        return null;
      }
      StringBuilder path = new StringBuilder("/jobs/query/").append(jobId).append("/results");
      String separator = "?";
      int pageSize = config.bulkPageSize();
      if (pageSize > 0) {
        path.append(separator).append("maxRecords=").append(pageSize);
        separator = "&";
      }
      if (locator != null) {
        path.append(separator).append("locator=").append(URLEncoder.encode(locator, StandardCharsets.UTF_8));
      }
      String what = "read Bulk API 2.0 query job " + jobId + " results";
      RestHttp.Streamed response = executor.http(what, true, s -> {
        budget.request();
        return http.openStream(s, what, path.toString(), "text/csv");
      });
      String given = response.headers().firstValue("Sforce-Locator").orElse("null");
      String next;
      try {
        next = given.isEmpty() || "null".equals(given) ? null : SalesforceUrls.requireLocator(given, what);
      } catch (RuntimeException e) {
        RestHttp.discard(response.body());
        throw e;
      }
      locator = next;
      lastPage = next == null;
      return new CsvResultPage(jobId, ++pages, response.body(),
          response.headers().firstValue("Sforce-NumberOfRecords").orElse(null), next, http.limits());
    }

    @Override
    public void close() {
      // nothing held between pages
    }
  }

  /** The rows of every result page, in the server's order, a page at a time. */
  private final class Results implements Iterator<Map<String, String>> {
    private final String jobId;
    private final PageBudget budget;
    private final PageSource source;
    private boolean lastPage;
    private @Nullable PageRows page;
    private @Nullable Map<String, String> pending;
    /** The page being read, or the last one asked for, for messages. */
    private int pages;
    private @Nullable RuntimeException broken;

    Results(String jobId, PageBudget budget, PageSource source) {
      this.jobId = jobId;
      this.budget = budget;
      this.source = source;
    }

    /**
     * @throws ResponseLimitException if a page, a record or the read breaks a limit (and again at every later call)
     * @throws DataFormatException if a page is not the CSV expected or its row count is not the one it declared
     * @throws ServiceUnavailableException if Salesforce stops answering mid-page
     */
    @Override
    public boolean hasNext() {
      RuntimeException failed = broken;
      if (failed != null) {
        throw failed;
      }
      try {
        while (pending == null) {
          PageRows open = page;
          if (open != null) {
            pending = open.next();
            if (pending != null) {
              return true;
            }
            endPage(open);
          }
          if (lastPage || !openPage()) {
            lastPage = true;
            source.close();
            return false;
          }
        }
        return true;
      } catch (IOException e) {
        throw fail(CsvResultPage.failure(e, jobId, pages));
      } catch (RuntimeException e) {
        throw fail(e);
      }
    }

    /** Keeps the read's failure, so every later call throws it, and releases the open page. */
    private RuntimeException fail(RuntimeException e) {
      broken = e;
      pending = null;
      close();
      return e;
    }

    @Override
    public Map<String, String> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more rows");
      }
      Map<String, String> row = Objects.requireNonNull(pending, "hasNext() found a row");
      pending = null;
      return row;
    }

    /**
     * Opens the next page: its handle and its declared row count checked against the budget before a row of it is
     * handed out, then its header.
     *
     * @return {@code false} when there is no next page
     */
    private boolean openPage() throws IOException {
      pages++;
      PageRows next = source.next();
      if (next == null) {
        return false;
      }
      page = next;
      pages = next.number();
      if (next.declared() >= 0) {
        synchronized (budget) { // parallel downloads count their requests on it
          budget.page(next.handle(), next.declared()); // a handle seen before: no row of this page is handed out
        }
      }
      next.start();
      return true;
    }

    /** Releases a page read to its end and checks its rows against what it declared. */
    private void endPage(PageRows open) {
      page = null;
      long items = open.end();
      if (open.declared() < 0) {
        synchronized (budget) {
          budget.page(open.handle(), items);
        }
      }
    }

    void close() {
      PageRows open = page;
      page = null;
      if (open != null) {
        open.close();
      }
      source.close();
    }
  }
}
