package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bulk API 2.0 query job's result pages downloaded and parsed in parallel: {@code GET /jobs/query/{id}/resultPages}
 * (API 58.0+) hands out up to five {@code resultUrl}s at a time, and names the next list ({@code nextRecordsUrl}) until
 * {@code done}. At most {@code parallel} requests of the read are out at once, the next list included; each page is
 * read whole into memory (at most {@code maxBodyBytes}, inflated: {@link RestHttp#page}) and then parsed into its rows
 * by the thread that downloaded it ({@link CsvResultPage}: every bound of a record, its {@code Sforce-NumberOfRecords}
 * enforced row by row), its request no longer out once its body is read, so the next download starts while it is
 * parsed; the pages are handed to the reader in the order the lists gave them, whatever order they arrive in. The pages
 * ahead of the reader are bounded: at most {@code parallel} downloading and {@code parallel} downloaded (being parsed,
 * or parsed and waiting), and a download starts only while the parsed pages waiting weigh less than {@code parallel x
 * maxBodyBytes} (a page weighs at least its bytes, more for its parsed rows: {@link ParsedPage#weight}), so memory
 * holds at most those pages and the one being read, and pages heavier than their bytes (short values) hold fewer.
 * Downloads start from the reader's thread (when it asks for a page, or waits for one), never
 * behind its back. Each page is its own retried call: a page that fails (a 5xx, a connection cut mid-page) is fetched
 * again alone. Whatever ends a download (an exception or an {@link Error}) reaches the reader at that page's place;
 * closing (or the reader's interrupt while it waits) interrupts the downloads.
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
  /** What the parsed pages waiting for the reader may weigh before no other download starts. */
  private final long maxBytesAhead;
  private final Deque<Link> queued = new ArrayDeque<>();
  /** The pages asked for and not yet handed to the reader, in the server's order. */
  private final Deque<Flight> inFlight = new ArrayDeque<>();
  /** Notified, with {@link #ended} counted up, whenever a page's request, its parsing or a list ends. */
  private final Object signal = new Object();
  private long ended;
  private int listed;
  /**
   * Set by {@link #close}: an attempt of a download starting after it ends the download, not retried (an attempt cut
   * by the interrupt may come back as a failure worth retrying, its thread's interrupt consumed on the way).
   */
  private volatile boolean closed;
  /** The bodies being read by the downloads: {@link #close} closes them, which ends a read blocked on the peer. */
  private final Set<InputStream> reading = ConcurrentHashMap.newKeySet();
  private @Nullable ExecutorService pool;
  /** The next list, asked for as soon as the one before was read, {@code null} after the last. */
  private @Nullable Task<JsonNode> nextList;

  /** Work on the pool: its outcome, set before {@link #signal} is notified, and its handle to interrupt it. */
  private record Task<T>(CompletableFuture<T> outcome, Future<?> run) {}

  /**
   * A page asked for: {@code fetched} completes once its request is no longer out (its body read whole, or the
   * download failed), {@code page} once it is parsed.
   */
  private record Flight(int number, CompletableFuture<Void> fetched, Task<ParsedPage> page) {}

  /** A checked server-given link: its locator, and the query string rebuilt from what was checked. */
  private record Link(String locator, String query) {}

  private ParallelResultPages(RequestExecutor executor, RestHttp http, String jobId, PageBudget budget,
      int parallel) {
    this.executor = executor;
    this.http = http;
    this.jobId = jobId;
    this.budget = budget;
    this.parallel = parallel;
    this.maxBytesAhead = Math.multiplyExact((long) parallel, http.limits().maxBodyBytes());
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
  public BulkQuery.@Nullable PageRows next() {
    fill();
    Flight head = inFlight.peek();
    if (head == null) {
      close();
      return null;
    }
    while (!head.page().outcome().isDone()) {
      long seen;
      synchronized (signal) {
        seen = ended;
      }
      fill(); // what ended meanwhile makes room for more downloads
      synchronized (signal) {
        while (ended == seen && !head.page().outcome().isDone()) {
          try {
            signal.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ServiceUnavailableException("Bulk API 2.0 query job " + jobId + ": interrupted while waiting "
                + "for result page " + head.number(), e);
          }
        }
      }
    }
    inFlight.poll();
    return await(head.page(), "result page " + head.number());
  }

  /**
   * Starts downloads while fewer than {@code parallel} requests are out (the pending list counts), fewer than {@code
   * parallel} pages downloaded are ahead of the reader (being parsed, or parsed and waiting) and the parsed pages
   * waiting weigh less than {@link #maxBytesAhead}, or every page has been asked for. Takes a list in as soon as it
   * has come while fewer than {@code parallel} pages listed wait to be asked for (so that the list after it is asked
   * for early, one list ahead of the downloads), a list that failed only once every page before it was handed out, and
   * waits for one only when nothing else is coming.
   */
  private void fill() {
    while (true) {
      Task<JsonNode> list = nextList;
      // a list that failed is taken in (its failure thrown) only once the pages before it have reached the reader
      if (list != null && (queued.size() < parallel && list.outcome().isDone()
          && !list.outcome().isCompletedExceptionally() || queued.isEmpty() && inFlight.isEmpty())) {
        nextList = null;
        absorb(await(list, "a list of result pages"));
        continue;
      }
      if (queued.isEmpty()) {
        return;
      }
      int out = 0;
      int downloaded = 0;
      long waiting = 0;
      for (Flight flight : inFlight) {
        CompletableFuture<ParsedPage> page = flight.page().outcome();
        if (!flight.fetched().isDone()) {
          out++;
        } else {
          downloaded++;
          if (page.isDone() && !page.isCompletedExceptionally()) {
            waiting += page.join().weight();
          }
        }
      }
      if (list != null && !list.outcome().isDone()) {
        out++;
      }
      if (!inFlight.isEmpty() && (out >= parallel || downloaded >= parallel || waiting >= maxBytesAhead)) {
        return;
      }
      Link link = queued.poll();
      int number = ++listed;
      String path = "/jobs/query/" + jobId + "/results?" + link.query();
      String what = "read Bulk API 2.0 query job " + jobId + " result page";
      CompletableFuture<Void> fetched = new CompletableFuture<>();
      inFlight.add(new Flight(number, fetched, submit(() -> ParsedPage.parse(jobId, number, link.locator(),
          fetched(fetched, () -> executor.http(what, true, s -> {
            requireOpen(what);
            synchronized (budget) {
              budget.request();
            }
            InputStream[] body = new InputStream[1];
            try {
              return http.page(s, what, path, "text/csv", opened -> {
                body[0] = opened;
                reading.add(opened);
                if (closed) {
                  quietlyClose(opened); // closed while it was opened: its read fails at once
                }
              });
            } finally {
              if (body[0] != null) {
                reading.remove(body[0]);
              }
            }
          })), http.limits()), fetched)));
    }
  }

  /** Runs a page's download; once it ends, its request is no longer out ({@code fetched}), which is signalled. */
  private RestHttp.Page fetched(CompletableFuture<Void> fetched, Callable<RestHttp.Page> download) throws Exception {
    try {
      return download.call();
    } finally {
      fetched.complete(null);
      signal();
    }
  }

  private void signal() {
    synchronized (signal) {
      ended++;
      signal.notifyAll();
    }
  }

  private <T> Task<T> submit(Callable<T> work) {
    return submit(work, null);
  }

  /**
   * Runs work on the pool; its end, whatever it is, is set on its outcome (and on {@code fetched}, where the work did
   * not get that far) and then signalled.
   */
  private <T> Task<T> submit(Callable<T> work, @Nullable CompletableFuture<Void> fetched) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Future<?> run = pool().submit(() -> {
      try {
        outcome.complete(work.call());
      } catch (Throwable e) { // an Error too: the reader gets it at this page's place
        outcome.completeExceptionally(e);
      } finally {
        if (fetched != null) {
          fetched.complete(null);
        }
        signal();
      }
    });
    return new Task<>(outcome, run);
  }

  /** Threads for the requests out and for the pages downloaded and being parsed: twice {@code parallel}. */
  private ExecutorService pool() {
    ExecutorService p = pool;
    if (p == null) {
      p = Workers.daemonPool("delpha-bulk-results", 2 * parallel);
      pool = p;
    }
    return p;
  }

  private <T> T await(Task<T> task, String what) {
    try {
      return task.outcome().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw Workers.failure(cause, "Bulk API 2.0 query job " + jobId + ": downloading " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ServiceUnavailableException("Bulk API 2.0 query job " + jobId + ": interrupted while waiting for "
          + what, e);
    }
  }

  /** @throws DelphaException (not worth a retry) once the read was closed: no request is sent */
  private void requireOpen(String what) {
    if (closed) {
      throw new DelphaException(what + ": the read was closed (the stream closed, or its reader interrupted); "
          + "nothing more is downloaded");
    }
  }

  private JsonNode fetchList(String path) {
    String what = "read Bulk API 2.0 query job " + jobId + " result pages";
    return executor.http(what, true, s -> {
      requireOpen(what);
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
    nextList = then == null ? null : submit(() -> fetchList(then));
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
    closed = true;
    for (Flight flight : inFlight) {
      flight.page().run().cancel(true);
    }
    inFlight.clear();
    queued.clear();
    Task<JsonNode> list = nextList;
    if (list != null) {
      list.run().cancel(true);
    }
    nextList = null;
    ExecutorService p = pool;
    if (p != null) {
      p.shutdownNow();
    }
    for (InputStream body : reading) {
      quietlyClose(body);
    }
  }

  private static void quietlyClose(InputStream body) {
    try {
      body.close();
    } catch (IOException | RuntimeException e) {
      log.debug("closing a Bulk API 2.0 result page being downloaded failed", e);
    }
  }
}
