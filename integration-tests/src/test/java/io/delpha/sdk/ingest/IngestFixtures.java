package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Tables, generated CSV files and their comparison with what Cassandra holds. */
final class IngestFixtures {

  private IngestFixtures() {}

  static CassandraManager connect(CassandraServer server) {
    return CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  static void createOrders(CassandraManager cass, String ks) {
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("DROP TABLE IF EXISTS " + ks + ".orders");
    cass.execute("CREATE TABLE " + ks + ".orders (id bigint PRIMARY KEY, name text, amount decimal, "
        + "placed_at timestamp, paid boolean)");
  }

  static String name(long i) {
    return i % 7 == 0 ? "name " + i + ", with \"quotes\" and a comma" : "name " + i;
  }

  static BigDecimal amount(long i) {
    return BigDecimal.valueOf(i * 37 % 100_000, 2);
  }

  static Instant placedAt(long i) {
    return Instant.ofEpochSecond(1_700_000_000L + i, (i % 1000) * 1_000_000);
  }

  /** Rows {@code from..to-1} in the orders shape, some names quoted. */
  static Path writeOrders(Path file, long from, long to) throws IOException {
    Files.createDirectories(file.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,name,amount,placed_at,paid\n");
      for (long i = from; i < to; i++) {
        String n = name(i);
        w.write(i + "," + (n.contains(",") ? "\"" + n.replace("\"", "\"\"") + "\"" : n) + "," + amount(i).toPlainString()
            + "," + placedAt(i) + "," + (i % 2 == 0) + "\n");
      }
    }
    return file;
  }

  /** Asserts the table holds exactly rows {@code from..to-1}, value by value. */
  static void assertOrders(CassandraManager cass, String ks, long from, long to) {
    Map<Long, Row> rows = new HashMap<>();
    for (Row r : cass.execute("SELECT * FROM " + ks + ".orders")) {
      rows.put(r.getLong("id"), r);
    }
    assertThat(rows).hasSize((int) (to - from));
    for (long i = from; i < to; i++) {
      Row r = rows.get(i);
      assertThat(r).as("row %d", i).isNotNull();
      assertThat(r.getString("name")).isEqualTo(name(i));
      assertThat(r.getBigDecimal("amount")).isEqualTo(amount(i));
      assertThat(r.getInstant("placed_at")).isEqualTo(placedAt(i));
      assertThat(r.getBoolean("paid")).isEqualTo(i % 2 == 0);
    }
  }
}
