package io.delpha.sdk.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.salesforce.SalesforceManager;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Streams 1,000,000 records (2,000 per page, Salesforce's page size) through
 * {@link SalesforceManager#stream(String)} from a loopback JDK HttpServer that generates Salesforce
 * query pages ({@code totalSize}, {@code done}, {@code nextRecordsUrl}, records with
 * {@code attributes}) on the fly. Prints records/s and the heap used after GC at each quarter: it must
 * stay flat, since the stream holds one page at a time.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -cp target/classes:target/test-classes:$(cat target/cp.txt) io.delpha.sdk.bench.SalesforceStreamBenchmark [records]
 * </pre>
 */
public final class SalesforceStreamBenchmark {

  private static final int PAGE = 2_000;
  private static final String API = "/services/data/v60.0";

  private SalesforceStreamBenchmark() {}

  /**
   * @param args optional: the number of records (default 1,000,000)
   * @throws Exception if the loopback server cannot start
   */
  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    AtomicInteger pagesServed = new AtomicInteger();
    server.createContext("/services/oauth2/token", exchange -> send(exchange,
        "{\"access_token\":\"00Dbench!token\",\"instance_url\":\"" + base + "\",\"id\":\"" + base
            + "/id/00D/005\",\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\",\"signature\":\"x\"}"));
    server.createContext(API + "/query/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      int offset = path.endsWith("/query/") ? 0 : Integer.parseInt(path.substring(path.lastIndexOf('-') + 1));
      pagesServed.incrementAndGet();
      send(exchange, page(offset, total));
    });
    server.start();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (SalesforceManager sf = SalesforceManager.builder().loginUrl(base)
        .clientId("bench").clientSecret("bench").username("bench@example.com").password("bench").build()) {
      long baseline = usedAfterGc(memory);
      System.out.printf("heap used after GC before streaming: %.1f MB%n", baseline / 1e6);
      long start = System.nanoTime();
      long gcPauses = 0;
      long count = 0;
      long checksum = 0;
      try (Stream<Map<String, Object>> records = sf.stream("SELECT Id, Name, AnnualRevenue FROM Account")) {
        var it = records.iterator();
        while (it.hasNext()) {
          Map<String, Object> r = it.next();
          checksum += ((String) r.get("Id")).length();
          count++;
          if (count % (total / 4) == 0) {
            long t = System.nanoTime();
            long used = usedAfterGc(memory);
            gcPauses += System.nanoTime() - t;
            System.out.printf("after %,d records: heap used after GC %.1f MB (growth %+.1f MB)%n",
                count, used / 1e6, (used - baseline) / 1e6);
          }
        }
      }
      double seconds = (System.nanoTime() - start - gcPauses) / 1e9;
      System.out.printf("streamed %,d records in %d pages in %.2f s: %,.0f records/s (checksum %d)%n",
          count, pagesServed.get(), seconds, count / seconds, checksum);
    } finally {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static String page(int offset, int total) {
    int end = Math.min(total, offset + PAGE);
    StringBuilder json = new StringBuilder(PAGE * 200);
    json.append("{\"totalSize\":").append(total).append(",\"done\":").append(end >= total);
    if (end < total) {
      json.append(",\"nextRecordsUrl\":\"").append(API).append("/query/01gBENCH0000001AAA-").append(end).append('"');
    }
    json.append(",\"records\":[");
    for (int i = offset; i < end; i++) {
      String id = String.format("001%015d", i);
      json.append(i == offset ? "" : ",")
          .append("{\"attributes\":{\"type\":\"Account\",\"url\":\"").append(API).append("/sobjects/Account/")
          .append(id).append("\"},\"Id\":\"").append(id).append("\",\"Name\":\"Account number ").append(i)
          .append("\",\"AnnualRevenue\":").append(i * 10.5).append('}');
    }
    return json.append("]}").toString();
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
    exchange.getResponseHeaders().add("Sforce-Limit-Info", "api-usage=1/5000000");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
