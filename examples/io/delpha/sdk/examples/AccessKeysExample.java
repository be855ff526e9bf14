package io.delpha.sdk.examples;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.security.ScopedSession;
import io.delpha.sdk.testing.CassandraServer;

/**
 * Organisation-bound access keys ({@code io.delpha.sdk.security}) on an embedded Cassandra 5.0 node:
 * an admin key, two organisations each owning one keyspace, a scoped session that reads its own
 * organisation's table and is refused the other's, and a revoked key that no longer opens a session.
 *
 * <pre>
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.AccessKeysExample
 * </pre>
 */
public final class AccessKeysExample {

  private AccessKeysExample() {}

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    CassandraServer node = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder()
        .contactPoint(node.host(), node.port())
        .localDatacenter(node.localDatacenter())
        .build()) {
      for (String ks : new String[] {"acme_data", "globex_data"}) {
        cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = "
            + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".events (id int PRIMARY KEY, what text)");
        cass.execute("INSERT INTO " + ks + ".events (id, what) VALUES (?, ?)", 1, "first event of " + ks);
      }

      AccessKeys keys = AccessKeys.on(cass).build();
      IssuedKey admin = keys.issueAdmin();
      System.out.println("admin key:  " + admin);
      keys.assignKeyspace("acme", "acme_data");
      keys.assignKeyspace("globex", "globex_data");
      IssuedKey acme = keys.issue("acme");
      IssuedKey globex = keys.issue("globex");
      System.out.println("acme key:   " + acme);
      System.out.println("globex key: " + globex);
      System.out.println("acme owns " + keys.keyspacesOf("acme") + ", globex owns " + keys.keyspacesOf("globex"));

      // The secret (dk_<id>_<secret>) is handed over once; only its hash is stored.
      try (ScopedSession acmeSession = keys.open(acme.secret())) {
        acmeSession.execute("SELECT what FROM acme_data.events WHERE id = ?", 1)
            .forEach(r -> System.out.println("acme reads its own table: " + r.getString("what")));
        try {
          acmeSession.execute("SELECT what FROM globex_data.events WHERE id = ?", 1);
          throw new IllegalStateException("acme read globex's table");
        } catch (AccessDeniedException e) {
          System.out.println("acme reading globex_data.events: " + e);
        }
      }

      keys.revoke(acme.id());
      System.out.println("revoked " + acme.id());
      try {
        keys.open(acme.secret()).close();
        throw new IllegalStateException("a revoked key opened a session");
      } catch (AccessDeniedException e) {
        System.out.println("open() with the revoked key: " + e);
      }
      try (ScopedSession globexSession = keys.open(globex.secret())) {
        System.out.println("globex still works: " + globexSession.principal());
      }
    }
    node.stop();
  }
}
