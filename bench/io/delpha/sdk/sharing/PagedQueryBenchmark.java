package io.delpha.sdk.sharing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import io.delpha.sdk.sharing.internal.TableQuery;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files of a table of a million files, read through the query the client's readers take them from ({@link
 * TableQuery#pages()}, the {@code FileSource} of {@code readTable}), paged ({@code queryPageSize}, {@code
 * maxFiles}/{@code pageToken}) against one answer ({@code queryPageSize(0)}: the server sends every file line at
 * once). A loopback server (the JDK's {@code HttpServer}) writes the NDJSON lines as it goes, parquet format, each
 * file line shaped as a sharing server's (a 160-character presigned URL, a 64-character id, size, expiry). The files
 * are not downloaded: what paging changes is what the query holds, and a million downloads would measure the
 * loopback. Before any figure, the file count and the ids' distinctness are checked. Run each mode in its own JVM
 * so its peak heap is its own.
 *
 * <pre>{@code
 * java -Xmx2g -cp target/test-classes:target/classes:$(cat cp.txt) io.delpha.sdk.sharing.PagedQueryBenchmark paged 1000000 10000
 * java -Xmx2g -cp ... io.delpha.sdk.sharing.PagedQueryBenchmark whole 1000000
 * }</pre>
 */
public final class PagedQueryBenchmark {

  private static final AtomicLong CONSUMED = new AtomicLong();
  private static final AtomicLong MAX_AHEAD = new AtomicLong();
  private static final AtomicLong PAGES = new AtomicLong();

  private PagedQueryBenchmark() {}

  /**
   * @param args mode ({@code paged} or {@code whole}), file count (1,000,000), page size (10,000, paged only)
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "paged";
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int pageSize = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/sharing/", ex -> answer(ex, files));
    server.start();
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/sharing";
    try (DeltaSharingClient client = DeltaSharingClient.builder().endpoint(endpoint).bearerToken(Secret.of("t"))
        .queryPageSize(mode.equals("paged") ? pageSize : 0)
        .responseLimits(l -> l.maxLines(files + 10).maxStreamBytes(4L << 30)).build()) {
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      long t0 = System.nanoTime();
      TableQuery q = client.query("s.sc.t", QueryOptions.all());
      long count = 0;
      long idHash = 0;
      Set<String> sample = new HashSet<>();
      for (FileAction f = q.pages().next(); f != null; f = q.pages().next()) {
        count++;
        idHash += f.id().hashCode();
        if (count % 1000 == 0) {
          sample.add(f.id());
        }
        CONSUMED.set(count);
        q.pages().done(f); // as the read does once a file is downloaded
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      long expectedHash = 0;
      for (int i = 0; i < files; i++) {
        expectedHash += id(i).hashCode();
      }
      if (count != files || idHash != expectedHash || sample.size() != files / 1000) {
        throw new IllegalStateException("incomplete: " + count + " files of " + files + ", id checksum "
            + (idHash == expectedHash ? "ok" : "wrong"));
      }
      System.out.printf("FIGURE|%s|%.3f|%.0f|%d%n", mode, seconds, peak / 1048576.0, MAX_AHEAD.get());
      System.out.printf("%s: files %,d|pages %d|%.3f s|%,.0f files/s|peak heap %.0f MiB|max files fetched ahead"
          + " of the read %,d%n", mode, count, PAGES.get(), seconds, count / seconds, peak / 1048576.0, MAX_AHEAD.get());
    } finally {
      server.stop(0);
    }
  }

  private static String id(int i) {
    return String.format("%064x", (long) i * 0x9E3779B97F4A7C15L);
  }

  /** One query page (or the whole answer), written line by line as it goes. */
  private static void answer(HttpExchange ex, int files) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int maxFiles = field(body, "maxFiles", 0);
      int from = body.contains("\"pageToken\"") ? field(body, "pageToken", 0) : 0;
      int to = maxFiles > 0 ? Math.min(files, from + maxFiles) : files;
      PAGES.incrementAndGet();
      MAX_AHEAD.accumulateAndGet(to - CONSUMED.get(), Math::max);
      ex.getResponseHeaders().add("Content-Type", "application/x-ndjson; charset=utf-8");
      ex.getResponseHeaders().add("Delta-Table-Version", "7");
      ex.getResponseHeaders().add("delta-sharing-capabilities", "responseformat=parquet;includeendstreamaction=true");
      ex.sendResponseHeaders(200, 0);
      long expiry = System.currentTimeMillis() + 3_600_000;
      try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8),
          1 << 16)) {
        w.write("{\"protocol\":{\"minReaderVersion\":1}}\n");
        w.write("{\"metaData\":{\"id\":\"m\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":\"{\\\"type\\\":"
            + "\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"long\\\",\\\"nullable\\\":true,"
            + "\\\"metadata\\\":{}}]}\",\"partitionColumns\":[]}}\n");
        for (int i = from; i < to; i++) {
          String id = id(i);
          w.write("{\"file\":{\"url\":\"https://bucket.s3.eu-west-2.amazonaws.com/tables/t/part-" + id.substring(0, 40)
              + ".snappy.parquet?X-Amz-Expires=3600&X-Amz-Signature=" + id.substring(24) + "\",\"id\":\"" + id
              + "\",\"partitionValues\":{},\"size\":1048576,\"expirationTimestamp\":" + expiry + "}}\n");
        }
        w.write(to < files ? "{\"endStreamAction\":{\"nextPageToken\":\"" + to + "\"}}\n" : "{\"endStreamAction\":{}}\n");
      }
    }
  }

  private static int field(String json, String name, int otherwise) {
    int at = json.indexOf("\"" + name + "\":");
    if (at < 0) {
      return otherwise;
    }
    int i = at + name.length() + 3;
    while (json.charAt(i) == '"' || json.charAt(i) == ' ') {
      i++;
    }
    int j = i;
    while (j < json.length() && Character.isDigit(json.charAt(j))) {
      j++;
    }
    return Integer.parseInt(json.substring(i, j));
  }
}
