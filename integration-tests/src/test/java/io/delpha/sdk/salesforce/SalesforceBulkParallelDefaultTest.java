package io.delpha.sdk.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.testing.HostilePeer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bulk API 2.0 results at the default settings: pages listed by {@code resultPages} (five a list, as Salesforce's
 * "Get Parallel Results for a Query Job" shows), downloaded and parsed in parallel, judged by what a wire-level peer
 * served and what the reader got: the rows in the server's order whatever order the pages arrive in, never more
 * requests out at once than the setting, and never more pages downloaded ahead of a slow reader than its byte bound.
 */
@DisplayName("SalesforceManager Bulk API 2.0 results at the default parallelism")
class SalesforceBulkParallelDefaultTest {

  private static final String API = "/services/data/v60.0";
  private static final String JOB = "750R0000000zlh9IAA";
  private static final String RESULTS = API + "/jobs/query/" + JOB + "/results";
  private static final int PER_LIST = 5;

  /** A job of {@code pages} pages of {@code rows} rows each, served by {@code salesforce}; counts what it served. */
  private static final class Job {
    final int pages;
    final int rows;
    final int nameChars;
    final AtomicInteger out = new AtomicInteger();
    final AtomicInteger mostOut = new AtomicInteger();
    final List<Integer> served = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The rows the reader had taken when each page was asked for, by page. */
    final Map<Integer, Integer> takenAtAsk = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger taken = new AtomicInteger();

    Job(int pages, int rows, int nameChars) {
      this.pages = pages;
      this.rows = rows;
      this.nameChars = nameChars;
    }

    String id(int page, int row) {
      return String.format("001R%07d%03dAAE", page, row);
    }

    String name(int page, int row) {
      String name = "Account " + page + "-" + row + ", \"quoted\"";
      return name + "x".repeat(Math.max(0, nameChars - name.length()));
    }

    byte[] csv(int page) {
      StringBuilder csv = new StringBuilder("\"Id\",\"Name\"\n");
      for (int r = 0; r < rows; r++) {
        csv.append('"').append(id(page, r)).append("\",\"").append(name(page, r).replace("\"", "\"\"")).append("\"\n");
      }
      return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    List<Map<String, String>> expected() {
      List<Map<String, String>> all = new ArrayList<>();
      for (int p = 0; p < pages; p++) {
        for (int r = 0; r < rows; r++) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("Id", id(p, r));
          row.put("Name", name(p, r));
          all.add(row);
        }
      }
      return all;
    }

    /**
     * @param salesforce the peer
     * @param delayMillis how long the peer waits before answering each page, by page
     */
    void serve(HostilePeer salesforce, IntUnaryOperator delayMillis) {
      salesforce.on("POST", "/services/oauth2/token", HostilePeer.json(200, "{\"access_token\":\"00Dx!parallel\","
          + "\"instance_url\":\"" + salesforce.uri("") + "\",\"token_type\":\"Bearer\"}"));
      salesforce.on("POST", API + "/jobs/query", HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":"
          + "\"UploadComplete\"}"));
      salesforce.on("GET", API + "/jobs/query/" + JOB, HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":"
          + "\"JobComplete\",\"numberRecordsProcessed\":" + pages * rows + "}"));
      salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages", (request, out) -> {
        String locator = locator(request.target());
        int first = locator == null ? 0 : Integer.parseInt(locator.substring("list".length()));
        int last = Math.min(pages, first + PER_LIST);
        StringBuilder list = new StringBuilder("{\"resultPages\":[");
        for (int p = first; p < last; p++) {
          list.append(p == first ? "" : ",").append("{\"resultUrl\":\"").append(RESULTS).append("?locator=page")
              .append(p).append("\"}");
        }
        boolean done = last >= pages;
        list.append("],\"nextRecordsUrl\":").append(done ? "null" : "\"" + API + "/jobs/query/" + JOB
            + "/resultPages?locator=list" + last + "\"").append(",\"done\":").append(done).append('}');
        HostilePeer.json(200, list.toString()).write(request, out);
      });
      salesforce.on("GET", RESULTS, (request, out) -> {
        int page = Integer.parseInt(locator(request.target()).substring("page".length()));
        // counted when asked for: a page counted after its body is written could be counted after the reader, having
        // read that body, ended and the test looked
        served.add(page);
        takenAtAsk.put(page, taken.get());
        int now = this.out.incrementAndGet();
        mostOut.accumulateAndGet(now, Math::max);
        try {
          Thread.sleep(delayMillis.applyAsInt(page));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          // counted out until its answer starts: the client may ask for the next page as soon as it has read this
          // one's last byte, which can come before this thread counts the request done after writing it
          this.out.decrementAndGet();
        }
        byte[] body = csv(page);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/csv");
        headers.put("Sforce-NumberOfRecords", String.valueOf(rows));
        headers.put("Content-Length", String.valueOf(body.length));
        HostilePeer.head(out, 200, headers);
        out.write(body);
      });
    }

    private static String locator(String target) {
      int at = target.indexOf("locator=");
      return at < 0 ? null : URLDecoder.decode(target.substring(at + 8).split("&")[0], StandardCharsets.UTF_8);
    }
  }

  private static SalesforceManager manager(HostilePeer salesforce, UnaryOperator<SalesforceManagerBuilder> more) {
    return more.apply(SalesforceManager.builder().loginUrl(salesforce.uri("").toString())
        .clientId(SalesforceStubs.CLIENT_ID).clientSecret(SalesforceStubs.CLIENT_SECRET)
        .username(SalesforceStubs.USERNAME).password(SalesforceStubs.PASSWORD)
        .bulkPolling(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))
            .jitter(false).build())).build();
  }

  @Test
  @DisplayName("the default reads resultPages five at a time; pages answered out of order give the rows in the "
      + "server's order, and never more than five requests are out at once")
  void rowsInServerOrderAcrossPagesAnsweredOutOfOrder() {
    Job job = new Job(17, 40, 0);
    try (HostilePeer salesforce = HostilePeer.start()) {
      // within each list, the first page is answered last: the pages arrive in reverse order of the server's
      job.serve(salesforce, page -> 20 * (PER_LIST - page % PER_LIST));
      List<Map<String, String>> got;
      try (SalesforceManager sf = manager(salesforce, b -> b);
          Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id, Name FROM Account")) {
        assertThat(sf.config().bulkParallelDownloads()).isEqualTo(5);
        got = rows.toList();
      }
      assertThat(got).hasSize(job.pages * job.rows).isEqualTo(job.expected());
      assertThat(job.served).as("every page asked for once").hasSize(job.pages).doesNotHaveDuplicates();
      assertThat(salesforce.targets()).as("the parallel read, through resultPages")
          .filteredOn(t -> t.contains("/resultPages")).hasSize((job.pages + PER_LIST - 1) / PER_LIST);
      assertThat(job.mostOut.get()).as("result pages out at once, at most the setting (a pending list takes one)")
          .isBetween(1, 5);
      System.out.println("pages asked for in the order " + job.served + "; at most " + job.mostOut.get() + " at once");
    }
  }

  @Test
  @DisplayName("a slow reader: the pages asked for ahead of it never exceed twice the downloads setting (pages "
      + "downloading, and downloaded ones whose parsed rows wait under downloads x maxBodyBytes), and every row comes "
      + "in order")
  void pagesAheadOfASlowReaderAreBoundedByBytes() {
    int nameChars = 2000;
    Job job = new Job(40, 10, nameChars);
    int pageBytes = job.csv(0).length;
    long maxBodyBytes = pageBytes + pageBytes / 5; // a page fits; the bound is 5 x that, about six pages
    int parallel = 5;
    try (HostilePeer salesforce = HostilePeer.start()) {
      job.serve(salesforce, page -> 0);
      List<Map<String, String>> got = new ArrayList<>();
      try (SalesforceManager sf = manager(salesforce, b -> b.responseLimits(l -> l.maxBodyBytes(maxBodyBytes)));
          Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id, Name FROM Account")) {
        Iterator<Map<String, String>> it = rows.iterator();
        while (it.hasNext()) {
          got.add(it.next());
          job.taken.incrementAndGet();
          Thread.sleep(3); // the slow reader: downloads run ahead of it as far as the bound lets them
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      assertThat(got).isEqualTo(job.expected());
      // when page p (0-based) was asked for, the reader had read takenAtAsk / rows pages whole: the pages since are
      // the one it was reading, at most parallel downloading, and at most parallel downloaded (being parsed, or
      // parsed and waiting), fewer when the ones waiting weigh parallel x maxBodyBytes (each weighs at least its bytes)
      long waitingAtMost = parallel * maxBodyBytes / pageBytes + 1;
      long bound = 1 + parallel + Math.min(parallel, waitingAtMost);
      int mostAhead = 0;
      for (Map.Entry<Integer, Integer> ask : job.takenAtAsk.entrySet()) {
        int ahead = ask.getKey() + 1 - ask.getValue() / job.rows;
        mostAhead = Math.max(mostAhead, ahead);
      }
      System.out.println("pages of " + pageBytes + " bytes, maxBodyBytes " + maxBodyBytes + ": at most " + mostAhead
          + " pages asked for ahead of the reader (bound " + bound + ", of " + job.pages + ")");
      assertThat(job.takenAtAsk).hasSize(job.pages);
      assertThat(mostAhead).as("pages asked for ahead of the reader").isLessThanOrEqualTo((int) bound);
      assertThat(bound).as("the bound holds pages back from a reader this slow").isLessThan(job.pages);
    }
  }

  @Test
  @DisplayName("a list of result pages that fails after the first: every row of the pages listed before it reaches the "
      + "reader first, then the typed error")
  void aFailedListComesAfterThePagesBeforeIt() {
    Job job = new Job(12, 5, 0);
    try (HostilePeer salesforce = HostilePeer.start()) {
      // the first list's pages come slowly, the second list fails at once: it has failed long before they are read
      job.serve(salesforce, page -> 150);
      salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages?locator=list" + PER_LIST,
          HostilePeer.json(400, "[{\"errorCode\":\"INVALID_QUERY_LOCATOR\",\"message\":\"invalid query locator\"}]"));
      List<Map<String, String>> got = new ArrayList<>();
      Throwable thrown = null;
      try (SalesforceManager sf = manager(salesforce, b -> b);
          Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id, Name FROM Account")) {
        rows.forEach(got::add);
      } catch (RuntimeException e) {
        thrown = e;
      }
      assertThat(thrown).as("the failed list's error").isInstanceOf(io.delpha.sdk.core.DelphaException.class);
      assertThat(got).as("the rows of the first list's pages, in order, before the error")
          .isEqualTo(job.expected().subList(0, PER_LIST * job.rows));
    }
  }

  @Test
  @DisplayName("the reader interrupted while it waits for stalled pages gets a typed error, and the download threads "
      + "end before the stream is closed")
  void interruptingTheReaderStopsTheDownloads() throws Exception {
    Job job = new Job(12, 5, 0);
    try (HostilePeer salesforce = HostilePeer.start()) {
      job.serve(salesforce, page -> 0);
      // every page but the first sends its headers and a row, then nothing: their downloads hang on the wire
      byte[] first = job.csv(0);
      HostilePeer.Answer stalled = salesforce.stall(200, Map.of("Content-Type", "text/csv", "Sforce-NumberOfRecords",
          String.valueOf(job.rows)), "\"Id\",\"Name\"\n\"001R0000001000AAE\",\"x\"\n", 1 << 20);
      salesforce.on("GET", RESULTS + "?locator=page", (request, out) -> {
        if (request.target().endsWith("locator=page0")) {
          HostilePeer.head(out, 200, Map.of("Content-Type", "text/csv", "Sforce-NumberOfRecords",
              String.valueOf(job.rows), "Content-Length", String.valueOf(first.length)));
          out.write(first);
        } else {
          stalled.write(request, out);
        }
      });
      java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
      AtomicInteger read = new AtomicInteger();
      Thread reader = new Thread(() -> {
        try (SalesforceManager sf = manager(salesforce, b -> b);
            Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id, Name FROM Account")) {
          try {
            rows.forEach(r -> read.incrementAndGet());
          } catch (RuntimeException e) {
            thrown.set(e);
          }
          failed.countDown();
          release.await(); // the stream stays open while the test looks at the download threads
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bulk-reader");
      reader.start();
      // the reader has the first page's rows and waits for the second, whose download (and the others') hangs
      while (read.get() < job.rows || salesforce.targets().stream().filter(t -> t.contains("locator=page")).count()
          < 4) {
        Thread.sleep(10);
      }
      List<Thread> downloads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("delpha-bulk-results")).toList();
      assertThat(downloads).as("download threads at work").isNotEmpty();
      reader.interrupt();
      failed.await();
      assertThat(thrown.get()).isInstanceOf(io.delpha.sdk.core.ServiceUnavailableException.class)
          .hasMessageContaining("interrupted");
      assertThat(read.get()).as("the rows of the first page, no more").isEqualTo(job.rows);
      for (Thread t : downloads) {
        t.join(Duration.ofSeconds(60).toMillis());
        assertThat(t.isAlive()).as(() -> t.getName() + " ended while the stream is still open; it is at "
            + java.util.Arrays.toString(t.getStackTrace()).replace(", ", "\n  ")).isFalse();
      }
      release.countDown();
      reader.join();
    }
  }
}
