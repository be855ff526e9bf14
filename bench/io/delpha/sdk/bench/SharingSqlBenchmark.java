package io.delpha.sdk.bench;

import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.sharing.AttachedTable;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingSql;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * SQL over a shared table: a {@code GROUP BY} day through the DuckDB view of {@link SharingSql} against the same
 * aggregation over {@code readTable}'s rows, on a Delta Sharing server on loopback (the JDK HttpServer answering the
 * protocol's version, metadata and query requests and serving the files) with 20 files x 100,000 rows (the schema of
 * {@link DeltaSharingBenchmark}, partitioned by day). Every answer is compared with the row aggregation, counts
 * first, before any figure is printed. Then the table moves to a version with two more files: a refresh must fetch
 * exactly those two (counted at the server). Asserts nothing about time.
 *
 * <pre>{@code
 * java -Xmx2g -cp target/test-classes:target/classes:$(cat cp.txt) io.delpha.sdk.bench.SharingSqlBenchmark [files] [rowsPerFile] [rounds]
 * }</pre>
 */
public final class SharingSqlBenchmark {

  private static final String QUERY =
      "SELECT usage_date, count(*) AS n, sum(events) AS events FROM usage GROUP BY usage_date ORDER BY usage_date";

  private SharingSqlBenchmark() {}

  /**
   * @param args optional file count (20), rows per file (100,000), rounds (4; the first warms up, medians of the
   *     others are reported)
   * @throws Exception on any failure, or when an answer differs
   */
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int added = 2;
    Path dir = Files.createTempDirectory("sharing-sql-bench");
    List<byte[]> data = new ArrayList<>();
    for (int f = 0; f < files + added; f++) {
      Path p = dir.resolve("part-" + f + ".parquet");
      try (RowWriter w = ParquetRows.writer(p, DeltaSharingBenchmark.FILE_SCHEMA, WriteOptions.defaults())) {
        for (int i = 0; i < rowsPerFile; i++) {
          long id = (long) f * rowsPerFile + i;
          w.write(Row.of(DeltaSharingBenchmark.FILE_SCHEMA, "org-" + (id % 50), id, id % 1000,
              BigDecimal.valueOf(id % 100_000, 2), Instant.ofEpochSecond(1_700_000_000L + id)));
        }
      }
      data.add(Files.readAllBytes(p));
      Files.delete(p);
    }
    AtomicIntegerArray gets = new AtomicIntegerArray(files + added);
    int[] version = {1};
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/files/", ex -> {
      String name = ex.getRequestURI().getPath().substring("/files/".length());
      int f = Integer.parseInt(name.substring(0, name.indexOf('.')));
      gets.incrementAndGet(f);
      byte[] body = data.get(f);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/ds/", ex -> {
      ex.getRequestBody().readAllBytes();
      int v;
      synchronized (version) {
        v = version[0];
      }
      String path = ex.getRequestURI().getPath();
      String head = "{\"protocol\":{\"minReaderVersion\":1}}\n"
          + "{\"metaData\":{\"id\":\"bench\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":"
          + com.fasterxml.jackson.databind.node.TextNode.valueOf(DeltaSharingBenchmark.SCHEMA_STRING)
          + ",\"partitionColumns\":[\"usage_date\"]}}\n";
      StringBuilder answer = new StringBuilder();
      if (path.endsWith("/query")) {
        answer.append(head);
        for (int f = 0; f < (v == 1 ? files : files + added); f++) {
          answer.append("{\"file\":{\"url\":\"").append(base).append("/files/").append(f).append(".parquet?sig=x\",")
              .append("\"id\":\"f").append(f).append("\",\"partitionValues\":{\"usage_date\":\"")
              .append(day(f)).append("\"},\"size\":").append(data.get(f).length)
              .append(",\"expirationTimestamp\":").append(System.currentTimeMillis() + 3_600_000).append("}}\n");
        }
      } else if (path.endsWith("/metadata")) {
        answer.append(head);
      }
      byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
      ex.getResponseHeaders().set("Delta-Table-Version", Integer.toString(v));
      ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    String table = "share.schema.usage";
    List<double[]> measured = new ArrayList<>(); // rows, attach, cold query, warm query
    try {
      DeltaSharingClient client = DeltaSharingClient.builder().endpoint(base + "/ds/")
          .bearerToken(Secret.of("bench-token")).downloadParallelism(4).build();
      Map<LocalDate, long[]> reference = null;
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        Map<LocalDate, long[]> fromRows = aggregateRows(client, table);
        double rowsSeconds = (System.nanoTime() - start) / 1e9;
        check("readTable", fromRows, (long) files * rowsPerFile);
        reference = fromRows;

        Path cache = Files.createTempDirectory(dir, "cache-");
        start = System.nanoTime();
        try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
          AttachedTable a = sql.attach(table, "usage");
          double attachSeconds = (System.nanoTime() - start) / 1e9;
          if (a.fetchedFiles() != files) {
            throw new IllegalStateException("attach fetched " + a.fetchedFiles() + " files, expected " + files);
          }
          start = System.nanoTime();
          Map<LocalDate, long[]> cold = aggregateSql(sql);
          double coldSeconds = (System.nanoTime() - start) / 1e9;
          same("cold view", cold, reference);
          double[] warm = new double[3];
          for (int q = 0; q < warm.length; q++) {
            start = System.nanoTime();
            Map<LocalDate, long[]> again = aggregateSql(sql);
            warm[q] = (System.nanoTime() - start) / 1e9;
            same("view", again, reference);
          }
          java.util.Arrays.sort(warm);
          System.out.printf(Locale.ROOT, "round %d: readTable + HashMap %.3f s; attach (fetch %d files, %.1f MB, "
                  + "view) %.3f s; first query %.3f s; query on the view %.4f s (median of 3); %,d rows, %d days%n",
              round, rowsSeconds, a.fetchedFiles(), a.fetchedBytes() / 1e6, attachSeconds, coldSeconds, warm[1],
              total(reference), reference.size());
          if (round > 1) {
            measured.add(new double[] {rowsSeconds, attachSeconds, coldSeconds, warm[1]});
          }
        }
      }

      // the version moves: two more files; a refresh fetches those two only
      Path cache = Files.createTempDirectory(dir, "cache-bump-");
      try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
        sql.attach(table, "usage");
        int[] before = new int[files + added];
        for (int f = 0; f < before.length; f++) {
          before[f] = gets.get(f);
        }
        synchronized (version) {
          version[0] = 2;
        }
        AttachedTable moved = sql.refresh("usage");
        int fetchedAtServer = 0;
        for (int f = 0; f < before.length; f++) {
          int delta = gets.get(f) - before[f];
          if (delta != (f >= files ? 1 : 0)) {
            throw new IllegalStateException("file " + f + " was downloaded " + delta + " times by the refresh");
          }
          fetchedAtServer += delta;
        }
        if (moved.fetchedFiles() != added || moved.version() != 2 || moved.files() != files + added) {
          throw new IllegalStateException("the refresh reported " + moved);
        }
        Map<LocalDate, long[]> expected = aggregateRows(client, table);
        check("readTable v2", expected, (long) (files + added) * rowsPerFile);
        same("view after refresh", aggregateSql(sql), expected);
        System.out.printf(Locale.ROOT, "version 1 -> 2 (+%d files): refresh fetched %d files (%d downloads counted at "
            + "the server), %.1f MB; the view answers as readTable does (%,d rows)%n", added, moved.fetchedFiles(),
            fetchedAtServer, moved.fetchedBytes() / 1e6, total(expected));
        System.out.printf(Locale.ROOT, "RESULT|SQL refresh after version bump (files fetched)|%d files|files added|%d "
            + "files|%.2f|<= %d%n", moved.fetchedFiles(), added, (double) added / moved.fetchedFiles(), added);
      }

      double rows = median(measured, 0);
      double attach = median(measured, 1);
      double cold = median(measured, 2);
      double warm = median(measured, 3);
      System.out.printf(Locale.ROOT, "median of %d rounds: readTable + HashMap %.3f s; DuckDB view query %.4f s "
          + "(%.1fx faster); attach (fetch + view) %.3f s + first query %.3f s = %.3f s (%.1fx faster)%n",
          measured.size(), rows, warm, rows / warm, attach, cold, attach + cold, rows / (attach + cold));
      System.out.printf(Locale.ROOT, "RESULT|SQL GROUP BY day %d x %,d rows, view (time)|%.4f s|readTable agg|%.3f s|"
          + "%.2f|>= 5%n", files, rowsPerFile, warm, rows, rows / warm);
      System.out.printf(Locale.ROOT, "RESULT|SQL attach + first GROUP BY (cold, time)|%.3f s|readTable agg|%.3f s|"
          + "%.2f|%n", attach + cold, rows, rows / (attach + cold));
    } catch (Throwable e) {
      // System.exit below would end the JVM with 0 and hide it: a failed check must fail bench/run-all.sh
      e.printStackTrace();
      System.exit(1);
    } finally {
      server.stop(0);
      try {
        io.delpha.sdk.testing.ServerSupport.deleteTree(dir); // the files and the caches, 140 MB a run
      } catch (RuntimeException e) {
        System.err.println("could not delete " + dir + ": " + e);
      }
      System.exit(0);
    }
  }

  static String day(int file) {
    return LocalDate.of(2024, 5, 1).plusDays(file % 28).toString();
  }

  static Map<LocalDate, long[]> aggregateRows(DeltaSharingClient client, String table) {
    Map<LocalDate, long[]> out = new HashMap<>();
    try (RowReader reader = client.readTable(table)) {
      while (reader.hasNext()) {
        Row r = reader.next();
        long[] v = out.computeIfAbsent(r.getDate("usage_date"), d -> new long[2]);
        v[0]++;
        v[1] += r.getLong("events");
      }
    }
    return new TreeMap<>(out);
  }

  static Map<LocalDate, long[]> aggregateSql(SharingSql sql) throws Exception {
    Map<LocalDate, long[]> out = new TreeMap<>();
    try (Statement st = sql.connection().createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
      while (rs.next()) {
        out.put(rs.getObject(1, LocalDate.class), new long[] {rs.getLong(2), rs.getLong(3)});
      }
    }
    return out;
  }

  static long total(Map<LocalDate, long[]> byDay) {
    return byDay.values().stream().mapToLong(v -> v[0]).sum();
  }

  static void check(String what, Map<LocalDate, long[]> byDay, long expectedRows) {
    if (total(byDay) != expectedRows) {
      throw new IllegalStateException(what + " saw " + total(byDay) + " rows, expected " + expectedRows
          + "; no figure is reported");
    }
  }

  /** Counts first, then every day's count and sum. */
  static void same(String what, Map<LocalDate, long[]> got, Map<LocalDate, long[]> expected) {
    if (total(got) != total(expected) || !got.keySet().equals(expected.keySet())) {
      throw new IllegalStateException(what + ": " + total(got) + " rows over " + got.size() + " days, expected "
          + total(expected) + " over " + expected.size() + "; no figure is reported");
    }
    for (Map.Entry<LocalDate, long[]> e : expected.entrySet()) {
      if (!java.util.Arrays.equals(e.getValue(), got.get(e.getKey()))) {
        throw new IllegalStateException(what + " differs on " + e.getKey() + ": "
            + java.util.Arrays.toString(got.get(e.getKey())) + " vs " + java.util.Arrays.toString(e.getValue()));
      }
    }
  }

  static double median(List<double[]> rounds, int figure) {
    double[] values = rounds.stream().mapToDouble(r -> r[figure]).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
