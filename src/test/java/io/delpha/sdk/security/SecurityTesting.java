package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import java.time.Duration;

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

  static void createKeyspace(CassandraManager cass, String ks) {
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  }
}
