package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.CsvParser;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code JobComplete}, then stream its CSV results page by page ({@code GET .../results}), following
 * the {@code Sforce-Locator} header until it is the literal {@code null}. It uses the library's HTTP
 * client layer; the CSV is parsed by the library's one CSV parser
 * ({@link CsvParser}, RFC 4180), the one the ingest uses.
 *
 * <p>What Salesforce sends is read under the {@link ResponseLimits}: the job's JSON answers as any REST answer; each
 * result record at most {@code maxLineBytes} characters and {@code maxItems} fields (the header too: a header of a
 * million names stops at the delimiter past the bound, its names never all built); each read of a page within
 * {@code idleTimeout} and at least {@code minBytesPerSecond}. The job's polls and result pages are one {@link
 * PageBudget}: at most {@code maxRequests} requests (polls, pages, retries), {@code maxPages} pages, every locator one
 * the job's read was not given before, at most {@code maxEmptyPages} empty pages in a row. A page's {@code
 * Sforce-NumberOfRecords}, when it is sent, is checked against the page before its first row is handed out (the
 * budget) and after its last (the count): a page cut short or padded is an error, not a page. A breach is a {@link
 * ResponseLimitException}; once the rows have failed, every later call throws that failure again.
 */
public final class BulkQuery {

  private static final Logger log = LoggerFactory.getLogger(BulkQuery.class);
  private static final Set<String> INPUT_ERRORS =
      Set.of("MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE", "INVALIDENTITY", "INVALID_QUERY_FILTER_OPERATOR");

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");
  private static final Pattern COUNT = Pattern.compile("[0-9]{1,18}");

  private final RequestExecutor executor;
  private final RestHttp http;
  private final Retrier polling;
  private final Duration timeout;
  private final int pageSize;

  /**
   * @param executor runs the calls
   * @param http the HttpClient side, whose limits bound every answer and the job's read
   * @param polling the pauses between state polls (the policy's attempt count is not used: {@code timeout}
   *     bounds polling)
   * @param timeout how long to wait for the job to complete
   * @param pageSize {@code maxRecords} per results page, 0 to let Salesforce choose
   */
  public BulkQuery(RequestExecutor executor, RestHttp http, Retrier polling, Duration timeout, int pageSize) {
    this.executor = executor;
    this.http = http;
    this.polling = polling;
    this.timeout = timeout;
    this.pageSize = pageSize;
  }

  /**
   * Runs the job and returns its rows as a lazy stream; close the stream to release the open page.
   *
   * @param soql the query
   * @param includeDeleted {@code queryAll}: include deleted and archived records
   * @return the rows, column name to value (empty string for empty values); the stream throws where the read fails
   *     (a {@link ResponseLimitException} for a breach) and never ends early
   */
  public Stream<Map<String, String>> run(String soql, boolean includeDeleted) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("operation", includeDeleted ? "queryAll" : "query");
    body.put("query", soql);
    JsonNode job = executor.http("create Bulk API 2.0 query job", true,
        s -> http.json(s, "create Bulk API 2.0 query job", "POST", "/jobs/query", body));
    String jobId = Json.text(job, "id");
    if (jobId == null) {
      throw new DataFormatException("create Bulk API 2.0 query job: the answer has no job id");
    }
    if (!JOB_ID.matcher(jobId).matches()) {
      // it goes into every later path: a '/', '?', '..' or '@' in it would change the resource asked for
      throw new DataFormatException("create Bulk API 2.0 query job: the job id Salesforce sent is not a record id "
          + "(15 or 18 letters and digits); it was not used in a URL");
    }
    log.info("Bulk API 2.0 query job {} created (state {})", jobId, Peers.echo(Json.text(job, "state")));
    PageBudget budget = PageBudget.of("Bulk API 2.0 query job " + jobId, http.limits());
    JsonNode done = awaitCompletion(jobId, budget);
    log.info("Bulk API 2.0 query job {} complete: {} records", jobId,
        Peers.echo(Json.text(done, "numberRecordsProcessed")));
    Results results = new Results(jobId, budget);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(results::close);
  }

  private JsonNode awaitCompletion(String jobId, PageBudget budget) {
    String what = "read Bulk API 2.0 query job " + jobId;
    String[] lastState = {"UploadComplete"};
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

  /** The rows of every result page, opened one at a time; each page starts with its header record. */
  private final class Results implements Iterator<Map<String, String>> {
    private final String jobId;
    private final PageBudget budget;
    private @Nullable String locator;
    private boolean lastPage;
    private @Nullable InputStream body;
    private @Nullable CsvParser rows;
    private @Nullable List<String> header;
    private @Nullable Map<String, String> pending;
    private int pages;
    /** The open page's locator of the next page, {@code null} when it is the last. */
    private @Nullable String next;
    /** The open page's {@code Sforce-NumberOfRecords}, -1 when it sent none. */
    private long declared;
    private long rowsOnPage;
    private @Nullable RuntimeException broken;

    Results(String jobId, PageBudget budget) {
      this.jobId = jobId;
      this.budget = budget;
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
          if (rows != null) {
            pending = nextRow();
            if (pending != null) {
              rowsOnPage++;
              return true;
            }
            endPage();
          }
          if (lastPage) {
            return false;
          }
          openPage();
        }
        return true;
      } catch (CsvParser.RecordTooLongException e) {
        throw fail(new ResponseLimitException("maxLineBytes", "Bulk API 2.0 query job " + jobId + ": result page "
            + pages + ": " + e.getMessage() + " (ResponseLimits.maxLineBytes); reading stopped there", e));
      } catch (CsvParser.TooManyFieldsException e) {
        throw fail(new ResponseLimitException("maxItems", "Bulk API 2.0 query job " + jobId + ": result page "
            + pages + ": " + e.getMessage() + " (ResponseLimits.maxItems); reading stopped there", e));
      } catch (IOException e) {
        ResponseLimitException limit = BoundedBody.limitOf(e);
        throw fail(limit != null ? limit : new ServiceUnavailableException("Bulk API 2.0 query job " + jobId
            + ": reading result page " + pages + " failed (" + e.getClass().getSimpleName() + ": "
            + Peers.echo(e.getMessage()) + ")", e));
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

    /** The page's next record as a map by header, {@code null} at its end; blank lines are skipped. */
    private @Nullable Map<String, String> nextRow() throws IOException {
      CsvParser rows = Objects.requireNonNull(this.rows, "a page is open");
      List<String> header = Objects.requireNonNull(this.header, "an open page has its header");
      List<String> fields;
      do {
        fields = rows.next();
      } while (fields != null && fields.size() == 1 && rows.raw().isEmpty());
      if (fields == null) {
        return null;
      }
      if (rows.error() != null || fields.size() != header.size()) {
        String problem = rows.error() != null ? rows.error()
            : fields.size() + " fields where the header has " + header.size();
        throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": the CSV record on line " + rows.line()
            + " of result page " + pages + " could not be read (" + problem + ")");
      }
      Map<String, String> row = new LinkedHashMap<>(header.size() * 2);
      for (int i = 0; i < fields.size(); i++) {
        row.put(header.get(i), fields.get(i));
      }
      return row;
    }

    /**
     * Opens the next page: its locator of the page after and its declared row count, checked against the budget
     * before a row of it is handed out, then its header.
     */
    private void openPage() throws IOException {
      StringBuilder path = new StringBuilder("/jobs/query/").append(jobId).append("/results");
      String separator = "?";
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
      body = response.body();
      pages++;
      rowsOnPage = 0;
      String given = response.headers().firstValue("Sforce-Locator").orElse("null");
      next = given.isEmpty() || "null".equals(given) ? null : SalesforceUrls.requireLocator(given, what);
      String count = response.headers().firstValue("Sforce-NumberOfRecords").orElse(null);
      if (count != null && !COUNT.matcher(count).matches()) {
        throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": result page " + pages + " declares "
            + "Sforce-NumberOfRecords '" + Peers.echo(count) + "', which is not a count");
      }
      declared = count == null ? -1 : Long.parseLong(count);
      if (declared >= 0) {
        budget.page(next, declared); // a locator seen before ends the read before a row of this page is handed out
      }
      log.debug("Bulk API 2.0 query job {}: result page {} ({} records)", jobId, pages,
          count == null ? "?" : count);
      ResponseLimits limits = http.limits();
      rows = new CsvParser(new InputStreamReader(body, StandardCharsets.UTF_8), ',', limits.maxLineBytes(),
          limits.maxItems());
      List<String> names = rows.next();
      if (names == null) {
        header = List.of();
        endPage();
        return;
      }
      if (rows.error() != null) {
        throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": the header of result page " + pages
            + " could not be read (" + rows.error() + ")");
      }
      header = List.copyOf(names);
    }

    /** Closes the page read to its end, checks its rows against what it declared, and moves to the next. */
    private void endPage() {
      close();
      if (declared >= 0 && rowsOnPage != declared) {
        throw new DataFormatException("Bulk API 2.0 query job " + jobId + ": result page " + pages + " held "
            + rowsOnPage + " records where its Sforce-NumberOfRecords said " + declared + "; the page was cut or "
            + "padded, so the rows are not taken as the job's whole result");
      }
      if (declared < 0) {
        budget.page(next, rowsOnPage);
      }
      locator = next;
      lastPage = next == null;
    }

    void close() {
      if (body != null) {
        try {
          body.close();
        } catch (IOException e) {
          log.debug("closing a Bulk API 2.0 result page failed", e);
        } finally {
          body = null;
        }
      }
      rows = null;
    }
  }
}
