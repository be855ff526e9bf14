package io.delpha.sdk.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.testing.CassandraServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Concurrent admin issuance")
class AdminIssuanceTest {

  private static final int THREADS = 8;
  private static final int ROUNDS = 3;
  static CassandraManager cass;

  @BeforeAll
  static void connect() {
    cass = SecurityTesting.connect();
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("8 threads of this process and a second JVM race for the admin key: exactly one wins, every round")
  void exactlyOneAdmin() throws Exception {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        AdminIssuerProcess.class.getName(), server.host(), String.valueOf(server.port()), server.localDatacenter())
        .redirectErrorStream(true).start();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
      awaitLine(out, "READY");
      for (int round = 0; round < ROUNDS; round++) {
        AccessKeys keys = AccessKeys.on(cass).keyspace("sec_race").build();
        // each round starts with no admin key
        cass.execute("DELETE FROM sec_race.admin_slot WHERE slot = 'admin'");
        for (Row r : cass.execute("SELECT key_id, role FROM sec_race.access_keys")) {
          cass.execute("UPDATE sec_race.access_keys SET revoked_at = toTimestamp(now()) WHERE key_id = ?", r.getString(0));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          results.add(pool.submit(() -> {
            start.await();
            try {
              return keys.issueAdmin().id();
            } catch (ConflictException e) {
              return null;
            }
          }));
        }
        in.write("go sec_race\n");
        in.flush();
        start.countDown();
        List<String> winners = new ArrayList<>();
        for (Future<String> f : results) {
          String id = f.get(60, TimeUnit.SECONDS);
          if (id != null) {
            winners.add(id);
          }
        }
        String childResult = awaitLine(out, "RESULT ");
        if (childResult.startsWith("RESULT ISSUED ")) {
          winners.add(childResult.substring("RESULT ISSUED ".length()));
        }
        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(keys.adminKeyId()).contains(winners.get(0));
        List<String> live = new ArrayList<>();
        for (Row r : cass.execute("SELECT key_id, role, revoked_at FROM sec_race.access_keys")) {
          if ("ADMIN".equals(r.getString("role")) && r.getInstant("revoked_at") == null) {
            live.add(r.getString("key_id"));
          }
        }
        assertThat(live).containsExactly(winners.get(0));
      }
    } finally {
      pool.shutdownNow();
      child.destroy();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String awaitLine(BufferedReader out, String prefix) throws Exception {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new AssertionError("the second process ended before printing " + prefix);
  }
}
