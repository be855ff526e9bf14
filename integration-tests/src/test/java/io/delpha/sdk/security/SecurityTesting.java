package io.delpha.sdk.security;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.testing.CassandraServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Connections to the shared plain node for the security tests. */
final class SecurityTesting {

  private SecurityTesting() {}

  static CassandraManager connect() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    return CassandraManager.builder()
        .contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter())
        .requestTimeout(Duration.ofSeconds(20))
        .build();
  }

  /**
   * Creates tenant keyspaces, each with a table {@code events (id int PRIMARY KEY, v text)} holding rows 1..n
   * whose value is the keyspace's name and the id.
   */
  static void tenantKeyspaces(CqlExecutor cass, int n, String... keyspaces) {
    for (String ks : keyspaces) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
          + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".events (id int PRIMARY KEY, v text)");
      for (int i = 1; i <= n; i++) {
        cass.execute("INSERT INTO " + ks + ".events (id, v) VALUES (?, ?)", i, ks + i);
      }
    }
  }

  /** A keyspace's events as {@code id=v@writetime}, sorted: what "unchanged" is judged by. */
  static List<String> rows(CqlExecutor cass, String ks) {
    List<String> out = new ArrayList<>();
    for (Row r : cass.execute("SELECT id, v, writetime(v) FROM " + ks + ".events")) {
      out.add(r.getInt(0) + "=" + r.getString(1) + "@" + r.getLong(2));
    }
    out.sort(String::compareTo);
    return out;
  }

  static void createKeyspace(CassandraManager cass, String ks) {
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  }
}
