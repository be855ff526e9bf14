package io.delpha.sdk.examples;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DictionaryExporter;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.cassandra.SchemaCatalog;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.testing.CassandraServer;
import java.util.UUID;

/**
 * CassandraManager and DictionaryManager on an embedded Cassandra 5.0 node (started by the test
 * harness, stopped when the program exits).
 *
 * <pre>
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.CassandraQuickstart
 * </pre>
 */
public final class CassandraQuickstart {

  private CassandraQuickstart() {}

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    CassandraServer node = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder()
        .contactPoint(node.host(), node.port())
        .localDatacenter(node.localDatacenter())
        .build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS delpha_actions WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS delpha_actions.actions_conv_by_user ("
          + "user_id uuid, conv_id timeuuid, action text, PRIMARY KEY ((user_id), conv_id)) "
          + "WITH CLUSTERING ORDER BY (conv_id DESC)");
      UUID user = UUID.randomUUID();
      for (String action : new String[] {"open", "enrich", "close"}) {
        cass.execute("INSERT INTO delpha_actions.actions_conv_by_user (user_id, conv_id, action) "
            + "VALUES (?, now(), ?)", user, action);
      }
      cass.execute("SELECT action FROM delpha_actions.actions_conv_by_user WHERE user_id = ?", user)
          .forEach(r -> System.out.println("action: " + r.getString("action")));

      SchemaCatalog dict = new DictionaryManager(cass);      // hosts depend on the role interface
      System.out.println("keyspaces: " + dict.listKeyspaces());
      System.out.println("tables:    " + dict.listTables("delpha_actions"));
      TableDescription t = dict.describeTable("delpha_actions", "actions_conv_by_user");
      t.columns().forEach(c -> System.out.printf("  %-8s %-9s %s%n", c.name(), c.type(), c.kind()));
      DictionaryExporter ddl = new DictionaryManager(cass);
      System.out.println(ddl.ddl("delpha_actions"));
    }
    node.stop();
  }
}
