package io.delpha.sdk.bench;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How long a refused key takes to answer, by what is wrong with it (issue 33's timing oracle): an unknown key id, a
 * real id of another organisation with a wrong secret, a wrong secret for one's own id, a revoked key, an expired
 * key and a throttled key, each {@code tries} times (default 400), interleaved (each round in a new random order) so that
 * drift of the machine falls on every kind alike, after a warm-up. Prints per kind the median and the interquartile range (µs),
 * and the noise: the spread of the medians of four independent quarters of each kind's tries; then each kind's
 * difference to the unknown id's try of the same round (paired, so drift cancels), median and per quarter. A figure for
 * docs/security.md, never a test assertion.
 *
 * <p>{@code java -cp target/test-classes:target/classes:$(cat target/bench/classpath.txt)
 * io.delpha.sdk.bench.KeyTimingBenchmark [tries]}
 */
public final class KeyTimingBenchmark {

  private KeyTimingBenchmark() {}

  public static void main(String[] args) {
    int tries = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build()) {
      MutableClock clock = new MutableClock(Instant.now());
      String store = "sec_timing";
      // failures never throttle here (each kind is measured as itself); a second instance throttles at once
      AccessKeys keys = AccessKeys.on(cass).keyspace(store).clock(clock).throttle(1_000_000, Duration.ofDays(1))
          .build();
      AccessKeys throttling = AccessKeys.on(cass).keyspace(store).clock(clock).throttle(1, Duration.ofDays(1)).build();
      IssuedKey mine = keys.issue("timing_a");
      IssuedKey theirs = keys.issue("timing_b");
      IssuedKey revoked = keys.issue("timing_a");
      keys.revoke(revoked.id());
      IssuedKey expired = keys.issue("timing_a", clock.instant().plusSeconds(1));
      IssuedKey throttled = keys.issue("timing_a");
      clock.advance(Duration.ofSeconds(2));
      SecureRandom random = new SecureRandom();
      String wrongSecret = "A".repeat(43);
      refuse(() -> throttling.authenticate("dk_" + throttled.id() + "_" + wrongSecret));

      Map<String, Supplier<String>> kinds = new LinkedHashMap<>();
      kinds.put("unknown id", () -> "dk_" + HexFormat.of().formatHex(bytes(random, 10)) + "_" + wrongSecret);
      kinds.put("other organisation's id", () -> "dk_" + theirs.id() + "_" + wrongSecret);
      kinds.put("wrong secret", () -> "dk_" + mine.id() + "_" + wrongSecret);
      kinds.put("revoked", revoked::secret);
      kinds.put("expired", expired::secret);
      kinds.put("throttled", () -> "dk_" + throttled.id() + "_" + wrongSecret);
      Map<String, long[]> nanos = new LinkedHashMap<>();
      kinds.keySet().forEach(k -> nanos.put(k, new long[tries]));
      List<Map.Entry<String, Supplier<String>>> order = new ArrayList<>(kinds.entrySet());
      java.util.Random shuffle = new java.util.Random(33);
      for (int round = -200; round < tries; round++) {
        java.util.Collections.shuffle(order, shuffle); // no kind always follows another
        for (Map.Entry<String, Supplier<String>> kind : order) {
          String presented = kind.getValue().get();
          AccessKeys via = kind.getKey().equals("throttled") ? throttling : keys;
          long t0 = System.nanoTime();
          refuse(() -> via.authenticate(presented));
          long t = System.nanoTime() - t0;
          if (round >= 0) {
            nanos.get(kind.getKey())[round] = t;
          }
        }
      }
      System.out.printf("%-26s %10s %10s %10s   %s%n", "kind (" + tries + " tries)", "median µs", "p25 µs",
          "p75 µs", "medians of the four quarters µs");
      List<Double> medians = new ArrayList<>();
      double widestQuarterSpread = 0;
      for (Map.Entry<String, long[]> e : nanos.entrySet()) {
        long[] all = e.getValue().clone();
        Arrays.sort(all);
        List<String> quarters = new ArrayList<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        int q = tries / 4;
        for (int i = 0; i < 4; i++) {
          long[] part = Arrays.copyOfRange(e.getValue(), i * q, (i + 1) * q);
          Arrays.sort(part);
          double m = part[part.length / 2] / 1000.0;
          lo = Math.min(lo, m);
          hi = Math.max(hi, m);
          quarters.add(String.format("%.0f", m));
        }
        widestQuarterSpread = Math.max(widestQuarterSpread, hi - lo);
        double median = all[all.length / 2] / 1000.0;
        medians.add(median);
        System.out.printf("%-26s %10.0f %10.0f %10.0f   %s%n", e.getKey(), median, all[all.length / 4] / 1000.0,
            all[3 * all.length / 4] / 1000.0, quarters);
      }
      // paired with the unknown id's try of the same round: drift of the machine cancels out
      long[] unknown = nanos.get("unknown id");
      System.out.printf("%n%-26s %14s   %s%n", "kind minus unknown id", "median diff µs", "quarters µs");
      for (Map.Entry<String, long[]> e : nanos.entrySet()) {
        if (e.getValue() == unknown) {
          continue;
        }
        long[] diff = new long[tries];
        for (int i = 0; i < tries; i++) {
          diff[i] = e.getValue()[i] - unknown[i];
        }
        List<String> quarters = new ArrayList<>();
        int q = tries / 4;
        for (int i = 0; i < 4; i++) {
          long[] part = Arrays.copyOfRange(diff, i * q, (i + 1) * q);
          Arrays.sort(part);
          quarters.add(String.format("%+.0f", part[part.length / 2] / 1000.0));
        }
        long[] sorted = diff.clone();
        Arrays.sort(sorted);
        System.out.printf("%-26s %+14.0f   %s%n", e.getKey(), sorted[tries / 2] / 1000.0, quarters);
      }
      double spread = medians.stream().mapToDouble(Double::doubleValue).max().orElse(0)
          - medians.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      System.out.printf("RESULT|spread of the kinds' medians|%.0f µs|noise (widest spread of one kind's quarter "
          + "medians)|%.0f µs%n", spread, widestQuarterSpread);
      keys.close();
      throttling.close();
      cass.execute("DROP KEYSPACE IF EXISTS " + store);
    }
    System.exit(0);
  }

  private static byte[] bytes(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static void refuse(Runnable call) {
    try {
      call.run();
      throw new IllegalStateException("a key that should be refused was accepted");
    } catch (AccessDeniedException expected) {
      // the answer every kind gets
    }
  }
}
