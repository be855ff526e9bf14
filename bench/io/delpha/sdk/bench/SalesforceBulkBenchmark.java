package io.delpha.sdk.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceManagerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Bulk API 2.0 query results of ROWS rows over PAGES pages from a loopback JDK HttpServer shaped as Salesforce documents
 * it (a job created and complete, {@code GET .../results} with {@code Sforce-Locator} and {@code
 * Sforce-NumberOfRecords}, {@code GET .../resultPages} handing out five {@code resultUrl}s a list with {@code
 * nextRecordsUrl} and {@code done}), every request answered after LATENCY ms (the network's round trip to an org).
 * Four runs, each through {@code SalesforceManager.bulkQuery}: the sequential locator paging ({@code
 * bulkParallelDownloads(1)}) and the default settings (nothing set: the parallel {@code resultPages} read at the
 * default number of downloads, its pages parsed on the download threads), each with the server answering plain CSV
 * and gzip ({@code Content-Encoding: gzip} when asked), after two warm-up passes of the default's plain and gzip
 * runs. Every run counts its rows and checks a checksum of every value against the one computed when the pages were
 * made, before any figure is printed. Prints rows/s, the bytes the
 * server sent, and RESULT lines: the default against sequential (time ratio, goal at least 3), gzip against plain
 * (time and bytes).
 *
 * <pre>
 * bash bench/run-all.sh salesforce                      # or, by hand:
 * java -Xmx1g -cp "$CP" io.delpha.sdk.bench.SalesforceBulkBenchmark [rows] [pages] [latencyMs] [rounds]
 * </pre>
 */
public final class SalesforceBulkBenchmark {

  /** Warm-up passes of the default's plain and gzip runs before the measured rounds. */
  private static final int WARM_UPS = 2;

  private static final String API = "/services/data/v60.0";
  private static final String JOB_ID = "750R0000000zlh9IAA";
  private static final String JOB = API + "/jobs/query/" + JOB_ID;
  private static final int PER_LIST = 5;

  private final byte[][] plain;
  private final byte[][] gzipped;
  private final int[] records;
  private final long latencyMs;
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile boolean gzipOn;
  /** When the server answered the job's state JobComplete, the last time. */
  private volatile long jobCompleteAt;

  private SalesforceBulkBenchmark(int rows, int pages, long latencyMs) {
    this.latencyMs = latencyMs;
    plain = new byte[pages][];
    gzipped = new byte[pages][];
    records = new int[pages];
    int perPage = (rows + pages - 1) / pages;
    for (int p = 0; p < pages; p++) {
      int from = p * perPage;
      int to = Math.min(rows, from + perPage);
      StringBuilder csv = new StringBuilder((to - from) * 64).append("\"Id\",\"Name\",\"AnnualRevenue\"\n");
      for (int i = from; i < to; i++) {
        csv.append('"').append(id(i)).append("\",\"Account number ").append(i).append(", \"\"Ltd\"\"\",\"")
            .append(revenue(i)).append("\"\n");
      }
      plain[p] = csv.toString().getBytes(StandardCharsets.UTF_8);
      gzipped[p] = gzip(plain[p]);
      records[p] = to - from;
    }
  }


  static String id(int i) {
    return String.format("001%015d", i);
  }

  static long revenue(int i) {
    return (i * 7919L) % 1_000_000L;
  }

  /** What every run's rows must add up to: each id's number, name's length and revenue. */
  static long expectedChecksum(int rows) {
    long sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += i + ("Account number " + i + ", \"Ltd\"").length() + revenue(i);
    }
    return sum;
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
    try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try {
      Thread.sleep(latencyMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    String path = exchange.getRequestURI().getPath();
    String query = exchange.getRequestURI().getRawQuery();
    String locator = query == null ? null : query.replaceAll(".*locator=([^&]*).*", "$1");
    if (path.endsWith("/oauth2/token")) {
      String base = "http://127.0.0.1:" + exchange.getLocalAddress().getPort();
      json(exchange, "{\"access_token\":\"00Dbench!token\",\"instance_url\":\"" + base + "\",\"id\":\"" + base
          + "/id/00D/005\",\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\",\"signature\":\"x\"}");
    } else if (path.equals(API + "/jobs/query")) {
      json(exchange, "{\"id\":\"" + JOB_ID + "\",\"operation\":\"query\",\"object\":\"Account\",\"state\":"
          + "\"UploadComplete\",\"concurrencyMode\":\"Parallel\",\"contentType\":\"CSV\",\"apiVersion\":60.0,"
          + "\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\"}");
    } else if (path.equals(JOB)) {
      jobCompleteAt = System.nanoTime(); // the results start here, for every reader (a parallel one asks for a list)
      json(exchange, "{\"id\":\"" + JOB_ID + "\",\"operation\":\"query\",\"object\":\"Account\",\"state\":"
          + "\"JobComplete\",\"concurrencyMode\":\"Parallel\",\"contentType\":\"CSV\",\"apiVersion\":60.0,"
          + "\"jobType\":\"V2Query\",\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\",\"numberRecordsProcessed\":"
          + java.util.Arrays.stream(records).sum() + ",\"retries\":0,\"totalProcessingTime\":334}");
    } else if (path.equals(JOB + "/resultPages")) {
      int first = locator == null ? 0 : Integer.parseInt(locator.substring(4));
      int last = Math.min(plain.length, first + PER_LIST);
      StringBuilder list = new StringBuilder("{\"resultPages\":[");
      for (int p = first; p < last; p++) {
        list.append(p == first ? "" : ",").append("{\"resultUrl\":\"").append(JOB).append("/results?locator=page")
            .append(p).append("\"}");
      }
      boolean done = last >= plain.length;
      list.append("],\"nextRecordsUrl\":").append(done ? "null" : "\"" + JOB + "/resultPages?locator=list" + last
          + "\"").append(",\"done\":").append(done).append('}');
      json(exchange, list.toString());
    } else if (path.equals(JOB + "/results")) {
      int p = locator == null ? 0 : Integer.parseInt(locator.substring(4));
      String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
      boolean gzip = gzipOn && accept != null && accept.contains("gzip");
      byte[] body = gzip ? gzipped[p] : plain[p];
      exchange.getResponseHeaders().add("Content-Type", "text/csv; charset=UTF-8");
      if (gzip) {
        exchange.getResponseHeaders().add("Content-Encoding", "gzip");
      }
      exchange.getResponseHeaders().add("Sforce-Locator", p + 1 < plain.length ? "page" + (p + 1) : "null");
      exchange.getResponseHeaders().add("Sforce-NumberOfRecords", String.valueOf(records[p]));
      send(exchange, body);
    } else {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    }
  }

  private void json(HttpExchange exchange, String body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
    send(exchange, body.getBytes(StandardCharsets.UTF_8));
  }

  private void send(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Sforce-Limit-Info", "api-usage=1/5000000");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    bytesSent.addAndGet(body.length);
  }

  /**
   * One run's figures, after its rows were counted and checked.
   *
   * @param seconds the whole query: login, job created and polled, every row read
   * @param resultSeconds the results alone: from the server's answer that the job is complete to the last row (a
   *     parallel read's first list of pages is in it, though {@code bulkQuery} asks for it before returning)
   * @param bytes what the server sent
   */
  record Run(String name, double seconds, double resultSeconds, long bytes) {}

  /**
   * @param downloads {@code bulkParallelDownloads}, or {@code null} for the default
   */
  private Run run(String base, String name, @org.jspecify.annotations.Nullable Integer downloads, boolean gzip,
      int rows, long expected) {
    gzipOn = gzip;
    bytesSent.set(0);
    long cpuStart = ProcessCpu.nanos();
    long start = System.nanoTime();
    long results = 0;
    long count = 0;
    long checksum = 0;
    SalesforceManagerBuilder builder = SalesforceManager.builder().loginUrl(base).clientId("bench")
        .clientSecret("bench").username("bench@example.com").password("bench")
        .bulkPolling(p -> p.initialDelay(java.time.Duration.ofMillis(1)));
    if (downloads != null) {
      builder.bulkParallelDownloads(downloads);
    }
    try (SalesforceManager sf = builder.build();
        Stream<Map<String, String>> stream = sf.bulkQuery("SELECT Id, Name, AnnualRevenue FROM Account")) {
      results = jobCompleteAt;
      Iterator<Map<String, String>> it = stream.iterator();
      while (it.hasNext()) {
        Map<String, String> r = it.next();
        checksum += Long.parseLong(r.get("Id").substring(3)) + r.get("Name").length()
            + Long.parseLong(r.get("AnnualRevenue"));
        count++;
      }
    }
    long end = System.nanoTime();
    double cpu = (ProcessCpu.nanos() - cpuStart) / 1e9;
    double seconds = (end - start) / 1e9;
    double resultSeconds = (end - results) / 1e9;
    if (count != rows || checksum != expected) {
      throw new IllegalStateException(name + ": " + count + " rows, checksum " + checksum + "; expected " + rows
          + " rows, checksum " + expected);
    }
    long bytes = bytesSent.get();
    System.out.printf("%-28s %,d rows complete (checksum %d): %.2f s (results %.2f s), %,.0f rows/s, %,d bytes "
        + "sent, %.2f s of CPU (this JVM: client and server)%n", name, count, checksum, seconds, resultSeconds,
        count / seconds, bytes, cpu);
    return new Run(name, seconds, resultSeconds, bytes);
  }

  /**
   * @param args rows (1,000,000), pages (20), latency in ms (50), rounds (3: each measure's median round is kept)
   * @throws Exception if the loopback server cannot start or a run is incomplete
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int pages = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 50;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    SalesforceBulkBenchmark bench = new SalesforceBulkBenchmark(rows, pages, latency);
    long expected = expectedChecksum(rows);
    // without TCP_NODELAY, a small answer (a gzip page) waits for the client's delayed ACK (40 ms on Linux), a cost of
    // the JDK server and not of the client measured
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    ExecutorService threads = Executors.newFixedThreadPool(16);
    server.setExecutor(threads);
    server.createContext("/", bench::serve);
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    System.out.printf("%,d rows over %d pages, %d ms added to every request, %d rounds%n", rows, pages, latency,
        rounds);
    try {
      int defaults;
      try (SalesforceManager sf = SalesforceManager.builder().loginUrl(base).clientId("bench").clientSecret("bench")
          .username("bench@example.com").password("bench").build()) {
        defaults = sf.config().bulkParallelDownloads();
      }
      System.out.printf("default bulkParallelDownloads: %d; sequential: bulkParallelDownloads(1)%n", defaults);
      // the default's plain and gzip paths, twice each: after one run the JIT was still compiling the parallel path
      // in the first measured round (0.8 s against 0.5 s for the rounds after it)
      for (int w = 1; w <= WARM_UPS; w++) {
        bench.run(base, "warm-up " + w + ", plain", null, false, rows, expected);
        bench.run(base, "warm-up " + w + ", gzip", null, true, rows, expected);
      }
      double[][] t = new double[4][rounds];
      double[][] r = new double[4][rounds];
      long[] bytes = new long[4];
      String[] names = {"sequential, plain", "default (" + defaults + "), plain", "sequential, gzip",
          "default (" + defaults + "), gzip"};
      for (int k = 0; k < rounds; k++) {
        for (int m = 0; m < 4; m++) {
          Run run = bench.run(base, names[m] + " #" + (k + 1), m % 2 == 0 ? Integer.valueOf(1) : null, m >= 2, rows, expected);
          t[m][k] = run.seconds();
          r[m][k] = run.resultSeconds();
          bytes[m] = run.bytes();
        }
      }
      double[] median = new double[4];
      double[] resultMedian = new double[4];
      for (int m = 0; m < 4; m++) {
        java.util.Arrays.sort(t[m]);
        java.util.Arrays.sort(r[m]);
        median[m] = t[m][rounds / 2];
        resultMedian[m] = r[m][rounds / 2];
        System.out.printf("median %-20s %.2f s, %,.0f rows/s; results alone %.2f s%n", names[m], median[m],
            rows / median[m], resultMedian[m]);
      }
      System.out.printf("RESULT|results alone, default vs sequential (plain)|%.2f s|sequential|%.2f s|%.2f|>= 3%n",
          resultMedian[1], resultMedian[0], resultMedian[0] / resultMedian[1]);
      System.out.printf("RESULT|bulk results, default vs sequential (plain)|%.2f s|sequential|%.2f s|%.2f|>= 3%n",
          median[1], median[0], median[0] / median[1]);
      System.out.printf("RESULT|bulk results, default vs sequential (gzip)|%.2f s|sequential|%.2f s|%.2f|>= 3%n",
          median[3], median[2], median[2] / median[3]);
      System.out.printf("RESULT|bulk results, gzip vs plain, sequential (time)|%.2f s|plain|%.2f s|%.2f|%n",
          median[2], median[0], median[0] / median[2]);
      System.out.printf("RESULT|bulk results, gzip vs plain, default (time)|%.2f s|plain|%.2f s|%.2f|%n",
          median[3], median[1], median[1] / median[3]);
      System.out.printf("RESULT|bulk results, gzip vs plain (bytes moved)|%,d B|plain|%,d B|%.2f|%n",
          bytes[3], bytes[1], (double) bytes[1] / bytes[3]);
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
