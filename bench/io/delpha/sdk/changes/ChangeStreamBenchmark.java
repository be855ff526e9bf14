package io.delpha.sdk.changes;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import io.delpha.sdk.testing.CassandraServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * Issue 71: Salesforce Change Data Capture into Cassandra, against the raw driver writing the same rows. One JVM, one
 * Cassandra node of the harness (its own process), a {@link FakePubSub} on a loopback port (plaintext gRPC, answers of
 * up to 100 events) serving N AccountChangeEvents that {@link ChangeLog#generateAccountWrites} generated (CREATE 25%,
 * UPDATE 60% with changed and nulled fields, compound fields part by part, some of 2 or 3 records; DELETE 15%; in
 * transactions of 1 to 4 events). The fake stamps each event's {@code commitTimestamp} with the wall clock as it
 * sends it (the Avro long rewritten in place).
 *
 * <p>One stream ({@code SalesforceChangeStream}, topic {@code /data/AccountChangeEvent}, batchSize 100) runs on
 * through the whole benchmark, as a deployed stream does ({@link Live}); it creates its table at the warm-up's first
 * event (no DDL is timed) and a round's time runs from the round's first event sent to the moment its checkpoint holds
 * the round's last replay id (every write acknowledged). The anchor, the raw DataStax driver on a session of its own, writes the same writes (an INSERT of
 * the event's fields per record of a CREATE or UPDATE, a DELETE per record of a DELETE, each {@code USING TIMESTAMP}
 * in event order) from the generator's model: one prepared INSERT over every column, a write's other columns
 * left unset (a CREATE's empty fields too, as the stream leaves them), and one DELETE, both prepared before its clock
 * starts, unlogged batches of {@value #BATCH} consecutive writes at the stream's {@code LOCAL_QUORUM}, {@code
 * -Dchanges.anchorInFlight} batches in flight (default 256), into a table of the stream's columns.
 * Both tables are checked once the last round has run, before any figure is printed (every row equal to the model's:
 * the warm-up's and every round's records, and a CRC32 of it); not between rounds, where reading the tables through
 * the driver sent the JIT back to compiling in the next round.
 *
 * <p>Lag: from an event's commitTimestamp (set when the fake sends it) to the moment the stream's checkpoint covers it
 * (status().lastReplayId(), polled every 2 ms: a poller that spins takes a core from the stream on two), i.e. its write
 * acknowledged by Cassandra and the checkpoint saved.
 *
 * <p>Warm-up: both writers apply the warm-up's log again and again (a record's changes replayed end as they ended)
 * until a pass of both leaves the JIT quiet (under a tenth of the pass compiling), at most {@code
 * -Dchanges.warmupPasses} (default 20). Then {@code -Dchanges.rounds} rounds (default 3), each a log of its own records
 * (one seed, ids of its own) published to the running stream and written by the anchor, the stream first in odd
 * rounds and the anchor first in even ones; the RESULT lines are the round with the median ratio's. Each round prints
 * the CPU seconds of this JVM and of the node, and this JVM's threads by group.
 *
 * <p>Args: {@code [events] [warmupEvents] [batchSize]}; prints RESULT lines for {@code bench/run-all.sh changes}.
 */
public final class ChangeStreamBenchmark {

  static final int BATCH = 10;
  static final int IN_FLIGHT = Integer.getInteger("changes.anchorInFlight", 256);
  private static final String TOPIC = "/data/AccountChangeEvent";

  private ChangeStreamBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int rounds = Integer.getInteger("changes.rounds", 3);
    long t0 = System.nanoTime();
    // the warm-up's log and one per round: the rounds' logs are alike (one seed) but hold records of their own (ids
    // counted from their own number), so that one table takes them one after another, its rows the union of theirs
    ChangeLog warm = new ChangeLog(7).generateAccountWrites(warmup);
    List<ChangeLog> logs = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      logs.add(new ChangeLog(71, r * 100_000_000).generateAccountWrites(events));
    }
    ChangeLog log = logs.get(0);
    long writes = log.changes.stream().mapToLong(c -> c.ids().size()).sum();
    Map<String, Long> types = new TreeMap<>();
    log.changes.forEach(c -> types.merge(c.type(), 1L, Long::sum));
    System.out.printf(Locale.ROOT, "generated %,d events a round (%s), %,d row writes, %,d payload bytes, %,d rows at "
        + "the end; %d rounds and a warm-up of %,d, in %.1f s%n", events, types, writes,
        log.events.stream().mapToLong(e -> e.payload().length).sum(), log.expected("Account").size(), rounds, warmup,
        (System.nanoTime() - t0) / 1e9);
    // the Salesforce login the stream's re-read client needs (no event here makes it re-read)
    com.github.tomakehurst.wiremock.WireMockServer login = new com.github.tomakehurst.wiremock.WireMockServer(
        com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
    login.start();
    login.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/services/oauth2/token")).willReturn(
            com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(SalesforceStubs.fixture("token-response.json")
                    .replace("{{accessToken}}", SalesforceStubs.TOKEN_A).replace("{{baseUrl}}", login.baseUrl()))));
    try (CassandraServer server = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
        CassandraManager cass = CassandraManager.builder().contactPoint(server.host(), server.port())
            .localDatacenter(server.localDatacenter()).build();
        SalesforceManager sf = SalesforceManager.builder().loginUrl(login.baseUrl())
            .clientId(SalesforceStubs.CLIENT_ID).clientSecret(SalesforceStubs.CLIENT_SECRET)
            .username(SalesforceStubs.USERNAME).password(SalesforceStubs.PASSWORD).build();
        CqlSession raw = CqlSession.builder().addContactPoint(new java.net.InetSocketAddress(server.host(),
            server.port())).withLocalDatacenter(server.localDatacenter()).withConfigLoader(DriverConfigLoader
            .programmaticBuilder().withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(12))
            .withBoolean(DefaultDriverOption.REQUEST_LOG_WARNINGS, false).build()) // batches over 5 KiB: logged
            .build();
        Live live = new Live(cass, sf, "cdc_stream", batchSize)) {
      String ka = "cdc_anchor";
      for (String ks : List.of(live.keyspace, ka)) {
        cass.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      }
      // warm-up: the stream creates its table (the DDL the anchor's copies: no DDL is timed) and runs on; both
      // writers apply the warm-up's log again and again (the same final rows: each record's changes replayed end as
      // they ended) until a pass of both leaves the JIT quiet: on two cores its compilers fall behind, and compile
      // gRPC's, the stream's and the driver's hottest methods for tens of seconds, in every round otherwise
      Map<String, Map<String, Object>> expected = new TreeMap<>(warm.expected("Account"));
      java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
      long[] anchorTs = {1_000_000L};
      int maxPasses = Integer.getInteger("changes.warmupPasses", 20);
      for (int pass = 1; pass <= maxPasses; pass++) {
        long compiledBefore = jit.getTotalCompilationTime();
        long passStart = System.nanoTime();
        Run w = live.round(warm);
        if (pass == 1) {
          cass.execute(tableDdl(cass, live.keyspace, "account").replace("%KS%", ka));
        }
        double wa = anchor(raw, warm, ka, anchorTs);
        double passSeconds = (System.nanoTime() - passStart) / 1e9;
        double compiled = (jit.getTotalCompilationTime() - compiledBefore) / 1e3;
        System.out.printf(Locale.ROOT, "warm-up pass %d, %,d events: stream %.2f s, anchor %.2f s; the JIT compiled "
            + "for %.2f s of the pass's %.2f s%n", pass, warmup, w.seconds, wa, compiled, passSeconds);
        if (pass >= 2 && compiled < 0.1 * passSeconds) {
          break; // quiet: under a tenth of the pass in compiling
        }
      }
      // ROUNDS rounds, the order alternating (stream first in odd rounds): the JIT and the node's own work
      // (flushes, compactions) move a single run of either by a third
      List<double[]> results = new ArrayList<>(); // per round: ratio, ours, theirs, seconds, anchor seconds
      List<long[]> lags = new ArrayList<>();
      List<String> figures = new ArrayList<>(); // printed once the tables are checked
      for (int r = 1; r <= rounds; r++) {
        ChangeLog round = logs.get(r - 1);
        expected.putAll(round.expected("Account"));
        System.out.println("round " + r + ", load before: " + load());
        Run run = null;
        double anchorSeconds = 0;
        double[] cpuStream = new double[2];
        double[] cpuAnchor = new double[2];
        for (int k = 0; k < 2; k++) {
          boolean streamNow = (k == 0) == (r % 2 == 1);
          // the harness's garbage (the model, the tables read back) collected before the clock, not in either run
          System.gc();
          Map<String, Long> poolsBefore = POOLS ? pools(raw) : Map.of();
          double[] before = cpu(server);
          Map<String, ThreadCpu> threadsBefore = threadCpu();
          Map<String, ThreadCpu> nodeThreadsBefore = threadCpu(Long.toString(server.pid()));
          if (streamNow) {
            run = live.round(round);
          } else {
            anchorSeconds = anchor(raw, round, ka, anchorTs);
          }
          double[] after = cpu(server);
          System.out.println("round " + r + " thread CPU, " + (streamNow ? "stream" : "anchor") + " (s): "
              + threadCpuDelta(threadsBefore, threadCpu()));
          System.out.println("round " + r + " node thread CPU, " + (streamNow ? "stream" : "anchor") + " (s): "
              + threadCpuDelta(nodeThreadsBefore, threadCpu(Long.toString(server.pid()))));
          if (POOLS) {
            Map<String, Long> poolsAfter = pools(raw);
            StringBuilder b = new StringBuilder();
            poolsAfter.forEach((pool, done) -> {
              long d = done - poolsBefore.getOrDefault(pool, 0L);
              if (d > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(pool).append(' ').append(d);
              }
            });
            System.out.println("round " + r + " node tasks, " + (streamNow ? "stream" : "anchor") + ": " + b);
          }
          double[] into = streamNow ? cpuStream : cpuAnchor;
          into[0] = after[0] - before[0];
          into[1] = after[1] - before[1];
        }
        double ours = events / run.seconds;
        double theirs = events / anchorSeconds;
        figures.add(String.format(Locale.ROOT, "round %d (%s first): stream %,d events in %.2f s = %,.0f events/s "
            + "(%,.0f row writes/s); anchor %.2f s = %,.0f events/s (%,.0f row writes/s); ratio %.2f%n", r,
            r % 2 == 1 ? "stream" : "anchor", events, run.seconds, ours, writes / run.seconds, anchorSeconds, theirs,
            writes / anchorSeconds, ours / theirs));
        // where the machine's two cores went: this JVM (the fake Pub/Sub server and the stream, or the raw writer)
        // and the Cassandra node, CPU seconds over each run
        figures.add(String.format(Locale.ROOT, "round %d CPU, stream: this JVM %.2f s, node %.2f s; anchor: this JVM "
            + "%.2f s, node %.2f s%n", r, cpuStream[0], cpuStream[1], cpuAnchor[0], cpuAnchor[1]));
        results.add(new double[] {ours / theirs, ours, theirs, run.seconds, anchorSeconds});
        lags.add(run.lagMillis.clone());
      }
      // completeness first, once every round has run (a read of 30,000 rows through the driver between two rounds
      // sent the JIT back to compiling for up to 0.6 s of the next round): both tables equal to the model, the
      // warm-up's and every round's records (each round's records are its own ids, so none hides another's)
      long sumStream = check(cass, live.keyspace, expected);
      long sumAnchor = check(cass, ka, expected);
      System.out.printf(Locale.ROOT, "tables: %,d rows each, CRC32 stream %08x, anchor %08x, model %08x%n",
          expected.size(), sumStream, sumAnchor, checksum(expected));
      figures.forEach(System.out::print);
      System.out.println("load after: " + load());
      Integer[] order = new Integer[rounds];
      for (int i = 0; i < rounds; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Double.compare(results.get(x)[0], results.get(y)[0]));
      int median = order[(rounds - 1) / 2];
      double ours = results.get(median)[1];
      double theirs = results.get(median)[2];
      double runSeconds = results.get(median)[3];
      double anchorSeconds = results.get(median)[4];
      long[] lag = lags.get(median);
      Arrays.sort(lag);
      StringBuilder byRound = new StringBuilder();
      for (double[] x : results) {
        byRound.append(byRound.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x[0]));
      }
      System.out.printf(Locale.ROOT, "ratios by round: %s; the median round: %d%n", byRound, median + 1);
      System.out.printf(Locale.ROOT, "lag commit -> checkpointed (acknowledged), ms: p50 %d, p99 %d, max %d%n",
          pct(lag, 0.50), pct(lag, 0.99), lag[lag.length - 1]);
      Run run = new Run(runSeconds, lag);
      System.out.printf(Locale.ROOT, "RESULT|CDC %,d events -> Cassandra|%,.0f events/s|raw driver, batched|%,.0f events/s"
          + "|%.2f|>= 0.8%n", events, ours, theirs, ours / theirs);
      System.out.printf(Locale.ROOT, "RESULT|CDC row writes|%,.0f rows/s|raw driver, batched|%,.0f rows/s|%.2f|%n",
          writes / run.seconds, writes / anchorSeconds, ours / theirs);
      System.out.printf(Locale.ROOT, "RESULT|CDC lag commit->ack p50|%d ms||||%n", pct(lag, 0.50));
      System.out.printf(Locale.ROOT, "RESULT|CDC lag commit->ack p99|%d ms||||%n", pct(lag, 0.99));
      System.out.printf(Locale.ROOT, "RESULT|CDC lag commit->ack max|%d ms||||%n", lag[lag.length - 1]);
    } finally {
      login.stop();
    }
  }

  private static String load() {
    try {
      return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
          .split(" "), 3));
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static long pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /**
   * @param seconds from the first event of the round sent to the checkpoint holding its last
   * @param lagMillis each event's lag
   */
  private record Run(double seconds, long[] lagMillis) {}

  /** A thread's name and CPU nanoseconds, as {@code /proc} gives them. */
  record ThreadCpu(String name, long nanos) {}

  /**
   * CPU of this JVM's live threads by thread id, the JVM's own (the JIT's compilers, the collector's workers)
   * included: read from {@code /proc/self/task} (Linux); elsewhere an empty map.
   */
  static Map<String, ThreadCpu> threadCpu() {
    return threadCpu("self");
  }

  /** {@link #threadCpu()} of the process {@code pid} ("self" for this one). */
  static Map<String, ThreadCpu> threadCpu(String pid) {
    Map<String, ThreadCpu> out = new HashMap<>();
    java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
    if (tasks == null) {
      return out;
    }
    long tick = 10_000_000L; // USER_HZ 100: a clock tick is 10 ms
    for (java.io.File t : tasks) {
      try {
        String stat = java.nio.file.Files.readString(t.toPath().resolve("stat"));
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        out.put(t.getName(), new ThreadCpu(stat.substring(open + 1, close), ticks * tick));
      } catch (java.io.IOException | RuntimeException e) {
        // a thread that ended while read
      }
    }
    return out;
  }

  /**
   * The thread groups that used the most CPU between two {@link #threadCpu()}s, seconds, the largest first: each
   * thread's own difference, summed by its name at the end with its numbers as {@code N} (a pool's threads together).
   * Cassandra's shared workers (SEP) take the name of the stage they serve at the moment, so its request, mutation
   * and read stages are one group, "SEP workers".
   */
  static String threadCpuDelta(Map<String, ThreadCpu> before, Map<String, ThreadCpu> after) {
    Map<String, Long> groups = new HashMap<>();
    after.forEach((tid, now) -> {
      String name = now.name().replaceAll("[0-9]+", "N");
      if (name.startsWith("MutationStage") || name.startsWith("Native-Transpor") || name.startsWith("ReadStage")) {
        name = "SEP workers";
      }
      ThreadCpu then = before.get(tid);
      groups.merge(name, now.nanos() - (then == null ? 0 : then.nanos()), Long::sum);
    });
    List<Map.Entry<String, Long>> d = new ArrayList<>(groups.entrySet());
    d.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(10, d.size()) && d.get(i).getValue() > 20_000_000L; i++) {
      b.append(i == 0 ? "" : ", ").append(d.get(i).getKey())
          .append(String.format(Locale.ROOT, " %.2f", d.get(i).getValue() / 1e9));
    }
    return b.toString();
  }

  /**
   * One stream that runs on over every round, as a deployed stream does: a fake Pub/Sub server on a loopback port
   * (answers of up to 100 events, the API's most), the stream subscribed from {@code EARLIEST}; each round's events
   * are published to it (sent at once against the events the stream has asked for) and the round ends when its
   * checkpoint holds the round's last replay id.
   */
  private static final class Live implements AutoCloseable {
    final String keyspace;
    private final FakePubSub server = new FakePubSub();
    private final ChangeStream stream;
    /**
     * By event of the round (the server's log from {@link #firstOfRound}): where its commitTimestamp starts, its
     * length, when it was sent. A round's own arrays, not the whole log's grown at each round: copies of 1.6 million
     * entries were humongous objects, and starting G1's concurrent mark of the harness's heap in the stream's runs.
     */
    private volatile int[] offsets = new int[0];
    private volatile int[] lengths = new int[0];
    private volatile long[] committed = new long[0];
    private final Map<ChangeLog, int[][]> headers = new java.util.IdentityHashMap<>();
    private volatile long firstSent;
    private volatile int firstOfRound;

    Live(CassandraManager cass, SalesforceManager sf, String keyspace, int batchSize) {
      this.keyspace = keyspace;
      server.schemas.put(ChangeLog.ACCOUNT_SCHEMA, ChangeLog.schemaJson("AccountChangeEvent.avsc"));
      server.topics.put(TOPIC, ChangeLog.ACCOUNT_SCHEMA);
      server.maxPerAnswer = 100; // the API's most per FetchRequest
      server.payloadOnSend = (k, e) -> {
        long now = System.currentTimeMillis();
        int i = k - firstOfRound;
        if (i == 0) {
          firstSent = System.nanoTime();
        }
        if (i < 0 || i >= committed.length) {
          return e.payload(); // not this round's (none is sent again in a run without faults)
        }
        committed[i] = now;
        return stamp(e.payload(), offsets[i], lengths[i], now);
      };
      stream = SalesforceChangeStream.builder().topic(TOPIC).keyspace(keyspace).cql(cass).salesforce(sf)
          .login(() -> new PubSubSession(Secret.of("00Dx0000000BV7z!bench"), "https://bench.my.salesforce.com",
              "00Dx0000000BV7z"))
          .replayPreset(ReplayPreset.EARLIEST).endpoint(server.loopback()).batchSize(batchSize).build();
    }

    /** Publishes a round's events to the stream and waits until its checkpoint holds the last of them. */
    Run round(ChangeLog log) {
      int first = server.log.size();
      int last = first + log.events.size() - 1;
      int[][] h = headers.computeIfAbsent(log, l -> {
        int[][] out = new int[2][l.events.size()];
        for (int i = 0; i < out[0].length; i++) {
          byte[] p = l.events.get(i).payload();
          out[0][i] = commitTimestampOffset(p);
          out[1][i] = varintLength(p, out[0][i]);
        }
        return out;
      });
      committed = new long[h[0].length];
      offsets = h[0];
      lengths = h[1];
      firstOfRound = first;
      if (first == 0) {
        server.append(log.events);
        stream.start();
      } else {
        server.publish(log.events);
      }
      int seen = first - 1;
      long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      long end = 0;
      long[] lag = new long[log.events.size()];
      while (seen < last) {
        ChangeStreamStatus s = stream.status();
        if (s.state() == ChangeStreamStatus.State.FAILED || System.nanoTime() > deadline) {
          throw new IllegalStateException("the stream did not apply every event (" + (seen + 1 - first) + " of "
              + log.events.size() + "): no figure is reported; " + s);
        }
        String hex = s.lastReplayId();
        int at = hex == null ? -1 : (int) (java.nio.ByteBuffer.wrap(HexFormat.of().parseHex(hex)).getLong() - 1);
        if (at > seen) {
          long now = System.currentTimeMillis();
          end = System.nanoTime();
          for (int i = Math.max(seen + 1, first); i <= at; i++) {
            lag[i - first] = now - committed[i - first];
          }
          seen = at;
        } else {
          LockSupport.parkNanos(2_000_000);
        }
      }
      return new Run((end - firstSent) / 1e9, lag);
    }

    @Override
    public void close() {
      stream.close();
      server.close();
    }
  }

  /** Where the header's commitTimestamp starts: after entityName, recordIds, changeType, changeOrigin, transactionKey, sequenceNumber. */
  static int commitTimestampOffset(byte[] p) {
    int[] at = {0};
    skipString(p, at);
    long count;
    while ((count = readVarint(p, at)) != 0) {
      if (count < 0) {
        readVarint(p, at); // the block's size in bytes
        count = -count;
      }
      for (long k = 0; k < count; k++) {
        skipString(p, at);
      }
    }
    readVarint(p, at); // changeType
    skipString(p, at);
    skipString(p, at);
    readVarint(p, at); // sequenceNumber
    return at[0];
  }

  private static void skipString(byte[] p, int[] at) {
    long len = readVarint(p, at);
    at[0] += (int) len;
  }

  private static long readVarint(byte[] p, int[] at) {
    long raw = 0;
    int shift = 0;
    while (true) {
      byte b = p[at[0]++];
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  private static int varintLength(byte[] p, int at) {
    int i = at;
    while ((p[i] & 0x80) != 0) {
      i++;
    }
    return i - at + 1;
  }

  /** The payload with its commitTimestamp set to {@code millis}, in place of the generator's. */
  static byte[] stamp(byte[] payload, int offset, int length, long millis) {
    long z = (millis << 1) ^ (millis >> 63);
    byte[] v = new byte[10];
    int len = 0;
    while ((z & ~0x7fL) != 0) {
      v[len++] = (byte) ((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    v[len++] = (byte) z;
    byte[] out = new byte[payload.length - length + len];
    System.arraycopy(payload, 0, out, 0, offset);
    System.arraycopy(v, 0, out, offset, len);
    System.arraycopy(payload, offset + length, out, offset + len, payload.length - offset - length);
    return out;
  }

  /** The DDL of a table the stream created, with {@code %KS%} for the keyspace. */
  private static String tableDdl(CassandraManager cass, String ks, String table) {
    TableMetadata t = cass.schema().getKeyspace(ks).orElseThrow().getTable(table).orElseThrow();
    StringBuilder b = new StringBuilder("CREATE TABLE %KS%." + table + " (id text PRIMARY KEY");
    for (ColumnMetadata c : t.getColumns().values()) {
      if (!c.getName().asInternal().equals("id")) {
        b.append(", ").append(c.getName().asCql(true)).append(' ').append(c.getType().asCql(false, true));
      }
    }
    return b.append(')').toString();
  }

  /**
   * The raw driver writing the log's writes: one prepared INSERT over every column (unset where a write sets
   * nothing) and one DELETE, prepared before the clock starts, unlogged batches of {@link #BATCH}
   * consecutive writes, {@link #IN_FLIGHT} batches in flight; every write {@code USING TIMESTAMP} in event order.
   *
   * @return the seconds it took
   */
  @SuppressWarnings("unchecked")
  private static double anchor(CqlSession session, ChangeLog log, String ks, long[] timestamps)
      throws InterruptedException {
    // prepared before the clock starts: one DELETE, one INSERT over every column (a write leaves unset what it
    // does not set, which Cassandra does not write), as a writer who knows the driver writes varying column sets
    List<String> columns = new ArrayList<>();
    session.refreshSchema().getKeyspace(ks).orElseThrow().getTable("account").orElseThrow().getColumns().keySet()
        .forEach(c -> {
          if (!c.asInternal().equals("id")) {
            columns.add(c.asInternal());
          }
        });
    Map<String, Integer> index = new HashMap<>();
    StringBuilder names = new StringBuilder("id");
    for (String c : columns) {
      index.put(c, index.size() + 1);
      names.append(", \"").append(c).append('"');
    }
    PreparedStatement insert = session.prepare("INSERT INTO " + ks + ".account (" + names + ") VALUES (?"
        + ", ?".repeat(columns.size()) + ") USING TIMESTAMP ?");
    PreparedStatement delete = session.prepare("DELETE FROM " + ks + ".account USING TIMESTAMP ? WHERE id = ?");
    Semaphore permits = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<BoundStatement> group = new ArrayList<>(BATCH);
    long ts = timestamps[0];
    long t0 = System.nanoTime();
    for (ChangeLog.Change c : log.changes) {
      for (String id : c.ids()) {
        ts++;
        BoundStatement b;
        if (c.type().equals("DELETE")) {
          b = delete.bind(ts, id);
        } else {
          BoundStatementBuilder bb = insert.boundStatementBuilder().setString(0, id);
          boolean created = c.type().equals("CREATE");
          for (Map.Entry<String, Object> e : c.body().entrySet()) {
            int i = index.get(e.getKey().toLowerCase(Locale.ROOT));
            Object v = e.getValue();
            if (v == null && created) {
              continue; // a new record's empty field: no tombstone, as the stream writes it
            }
            bb = v == null ? bb.setToNull(i) : bb.set(i, v, (Class<Object>) v.getClass());
          }
          b = bb.setLong(columns.size() + 1, ts).build();
        }
        group.add(b.setIdempotent(true));
        if (group.size() == BATCH) {
          send(session, group, permits, failure);
          group = new ArrayList<>(BATCH);
        }
      }
    }
    if (!group.isEmpty()) {
      send(session, group, permits, failure);
    }
    timestamps[0] = ts;
    permits.acquire(IN_FLIGHT);
    double seconds = (System.nanoTime() - t0) / 1e9;
    permits.release(IN_FLIGHT);
    if (failure.get() != null) {
      throw new IllegalStateException("the raw writer failed: no figure is reported", failure.get());
    }
    return seconds;
  }

  private static void send(CqlSession session, List<BoundStatement> group, Semaphore permits,
      AtomicReference<Throwable> failure) throws InterruptedException {
    permits.acquire();
    session.executeAsync(BatchStatement.newInstance(BatchType.UNLOGGED, group.toArray(new BoundStatement[0]))
        .setConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_QUORUM)
        .setIdempotent(true)).whenComplete((AsyncResultSet rs, Throwable e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
          permits.release();
        });
  }

  /** Whether each run prints the node's tasks completed by thread pool ({@code -Dchanges.nodePools=true}). */
  private static final boolean POOLS = Boolean.getBoolean("changes.nodePools");

  /** The node's tasks completed so far, by thread pool ({@code system_views.thread_pools}). */
  private static Map<String, Long> pools(CqlSession session) {
    Map<String, Long> out = new TreeMap<>();
    for (com.datastax.oss.driver.api.core.cql.Row row
        : session.execute("SELECT name, completed_tasks FROM system_views.thread_pools")) {
      out.put(row.getString(0), row.getLong(1));
    }
    return out;
  }

  /** CPU seconds so far of this JVM and of the node's process. */
  private static double[] cpu(CassandraServer server) {
    double jvm = io.delpha.sdk.bench.ProcessCpu.nanos() / 1e9;
    double node = ProcessHandle.of(server.pid()).flatMap(h -> h.info().totalCpuDuration())
        .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    return new double[] {jvm, node};
  }

  /** Every row of ks.account equal to the model's; returns the table's checksum. */
  private static long check(CassandraManager cass, String ks, Map<String, Map<String, Object>> expected) {
    Map<String, Map<String, Object>> table = ChangeLog.rows(cass, ks, "account");
    if (!table.equals(expected)) {
      long differ = expected.keySet().stream().filter(id -> !expected.get(id).equals(table.get(id))).count();
      throw new IllegalStateException(ks + ".account holds " + table.size() + " rows, the model " + expected.size()
          + ", " + differ + " of the model's rows differ: no figure is reported");
    }
    return checksum(table);
  }

  private static long checksum(Map<String, Map<String, Object>> rows) {
    CRC32 crc = new CRC32();
    crc.update(rows.toString().getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
