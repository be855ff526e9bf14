package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bulk API 2.0 query job's result pages downloaded in parallel: {@code GET /jobs/query/{id}/resultPages} (API
 * 58.0+) hands out up to five {@code resultUrl}s at a time, and names the next list ({@code nextRecordsUrl}) until
 * {@code done}. Up to {@code parallel} pages are downloaded at once, each read whole into memory (at most {@code
 * maxBodyBytes}, inflated: {@link RestHttp#page}), and handed to the reader in the order the lists gave them; a page is
 * only asked for once one handed out before has been read, so memory holds at most {@code parallel} pages. Each page
 * is its own retried call: a page that fails (a 5xx, a connection cut mid-page) is fetched again alone.
 *
 * <p>Server-given URLs are never sent as given: a {@code resultUrl} must be this job's {@code results} path under this
 * API version with a {@code locator} (and optionally {@code maxRecords}) parameter, a {@code nextRecordsUrl} this job's
 * {@code resultPages} path; the path is rebuilt from the checked locator ({@link SalesforceUrls#requireLocator}).
 * Anything else is a {@link DataFormatException} and nothing is sent. The lists are a paged read of their own (a
 * {@link PageBudget}: a list handle seen before, empty lists forever); their requests count on the job's budget.
 */
final class ParallelResultPages implements BulkQuery.PageSource {

  private static final Logger log = LoggerFactory.getLogger(ParallelResultPages.class);
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

  private final RequestExecutor executor;
  private final RestHttp http;
  private final String jobId;
  private final PageBudget budget;
  private final PageBudget lists;
  private final int parallel;
  private final Deque<Link> queued = new ArrayDeque<>();
  private final Deque<Flight> inFlight = new ArrayDeque<>();
  private @Nullable ExecutorService pool;
  /** The next list, asked for as soon as the one before was read, {@code null} after the last. */
  private @Nullable Future<JsonNode> nextList;

  private record Flight(String locator, Future<RestHttp.Page> page) {}

  /** A checked server-given link: its locator, and the query string rebuilt from what was checked. */
  private record Link(String locator, String query) {}

  private ParallelResultPages(RequestExecutor executor, RestHttp http, String jobId, PageBudget budget,
      int parallel) {
    this.executor = executor;
    this.http = http;
    this.jobId = jobId;
    this.budget = budget;
    this.parallel = parallel;
    this.lists = PageBudget.of("Bulk API 2.0 query job " + jobId + " result page lists", http.limits());
  }

  /**
   * Reads the job's first list of result pages.
   *
   * @return the pages, or {@code null} when Salesforce does not offer {@code resultPages} (it answered 404): the
   *     caller reads the results by locator paging instead
   */
  static @Nullable ParallelResultPages open(RequestExecutor executor, RestHttp http, String jobId, PageBudget budget,
      int parallel) {
    ParallelResultPages pages = new ParallelResultPages(executor, http, jobId, budget, parallel);
    try {
      pages.absorb(pages.fetchList("/jobs/query/" + jobId + "/resultPages"));
    } catch (NotFoundException e) {
      log.info("Bulk API 2.0 query job {}: Salesforce does not offer resultPages (404); reading the results by "
          + "locator paging, one page at a time", jobId);
      return null;
    }
    return pages;
  }

  @Override
  public BulkQuery.@Nullable OpenPage next() {
    fill();
    Flight head = inFlight.poll();
    if (head == null) {
      close();
      return null;
    }
    RestHttp.Page page = await(head.page(), "a result page");
    return new BulkQuery.OpenPage(new ByteArrayInputStream(page.bytes()),
        page.headers().firstValue("Sforce-NumberOfRecords").orElse(null), head.locator());
  }

  /** Starts downloads until {@code parallel} are in flight or every page has been asked for. */
  private void fill() {
    while (inFlight.size() < parallel) {
      if (queued.isEmpty()) {
        Future<JsonNode> list = nextList;
        if (list == null) {
          return;
        }
        nextList = null;
        absorb(await(list, "a list of result pages"));
        continue;
      }
      Link link = queued.poll();
      String path = "/jobs/query/" + jobId + "/results?" + link.query();
      String what = "read Bulk API 2.0 query job " + jobId + " result page";
      inFlight.add(new Flight(link.locator(), pool().submit(() -> executor.http(what, true, s -> {
        synchronized (budget) {
          budget.request();
        }
        return http.page(s, what, path, "text/csv");
      }))));
    }
  }

  private ExecutorService pool() {
    ExecutorService p = pool;
    if (p == null) {
      p = Workers.daemonPool("delpha-bulk-results", parallel + 1); // the pages, and the next list
      pool = p;
    }
    return p;
  }

  private <T> T await(Future<T> download, String what) {
    try {
      return download.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw Workers.failure(cause, "Bulk API 2.0 query job " + jobId + ": downloading " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("Bulk API 2.0 query job " + jobId + ": interrupted while waiting for "
          + what, e);
    }
  }

  private JsonNode fetchList(String path) {
    String what = "read Bulk API 2.0 query job " + jobId + " result pages";
    return executor.http(what, true, s -> {
      synchronized (budget) {
        budget.request();
      }
      return http.json(s, what, "GET", path, null);
    });
  }

  /** Takes a list of result pages in: its pages queued, the next list asked for at once (on the pool). */
  private void absorb(JsonNode list) {
    String what = "read Bulk API 2.0 query job " + jobId + " result pages";
    JsonNode urls = list.path("resultPages");
    if (!urls.isArray()) {
      throw new DataFormatException(what + ": the answer has no resultPages array");
    }
    int given = 0;
    for (JsonNode entry : urls) {
      String url = Json.text(entry, "resultUrl");
      if (url == null) {
        throw new DataFormatException(what + ": an entry of resultPages has no resultUrl");
      }
      queued.add(linkOf(url, "/jobs/query/" + jobId + "/results", what));
      given++;
    }
    boolean done = list.path("done").asBoolean(false);
    String next = Json.text(list, "nextRecordsUrl");
    if (next == null) {
      next = Json.text(list, "nextRecordUrl"); // the element table's spelling
    }
    String following = null;
    if (!done) {
      if (next == null || next.isEmpty() || "null".equals(next)) {
        throw new DataFormatException(what + ": the answer is not done and names no nextRecordsUrl");
      }
      following = "/jobs/query/" + jobId + "/resultPages?" + linkOf(next, "/jobs/query/" + jobId + "/resultPages",
          what).query();
    }
    String then = lists.page(following, given);
    nextList = then == null ? null : pool().submit(() -> fetchList(then));
    log.debug("Bulk API 2.0 query job {}: {} result pages listed{}", jobId, given, done ? ", the last list" : "");
  }

  /**
   * @param url a server-given URL: {@code /services/data/vXX.X<resource>?locator=...}
   * @param resource the resource it must name, below the versioned root
   * @param what the call, for messages
   * @return its locator, checked, and its parameters rebuilt
   * @throws DataFormatException if it names another path, another parameter, or a locator that is not plain
   */
  private Link linkOf(String url, String resource, String what) {
    String expected = http.apiRoot() + resource + "?";
    if (!url.startsWith(expected)) {
      throw refused(url, what);
    }
    String locator = null;
    String maxRecords = null;
    for (String parameter : url.substring(expected.length()).split("&", -1)) {
      int eq = parameter.indexOf('=');
      String name = eq < 0 ? parameter : parameter.substring(0, eq);
      String value = eq < 0 ? "" : parameter.substring(eq + 1);
      if ("locator".equals(name) && locator == null && !value.isEmpty()) {
        try {
          locator = URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw refused(url, what);
        }
      } else if ("maxRecords".equals(name) && maxRecords == null && DIGITS.matcher(value).matches()) {
        maxRecords = value;
      } else {
        throw refused(url, what);
      }
    }
    if (locator == null) {
      throw refused(url, what);
    }
    String checked = SalesforceUrls.requireLocator(locator, what);
    return new Link(checked, "locator=" + URLEncoder.encode(checked, StandardCharsets.UTF_8)
        + (maxRecords == null ? "" : "&maxRecords=" + maxRecords));
  }

  private DataFormatException refused(String url, String what) {
    return new DataFormatException(what + ": Salesforce sent the URL '" + Peers.echo(url) + "', which is not this "
        + "job's resource under " + http.apiRoot() + " with one locator; it was not followed");
  }

  @Override
  public void close() {
    for (Flight flight : inFlight) {
      flight.page().cancel(true);
    }
    inFlight.clear();
    queued.clear();
    Future<JsonNode> list = nextList;
    if (list != null) {
      list.cancel(true);
    }
    nextList = null;
    ExecutorService p = pool;
    if (p != null) {
      p.shutdownNow();
    }
  }
}
