package io.delpha.sdk.examples;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.changes.ChangeStreamStatus;
import io.delpha.sdk.changes.PubSubSession;
import io.delpha.sdk.changes.ReplayPreset;
import io.delpha.sdk.changes.SalesforceChangeStream;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.testing.CassandraServer;
import java.util.List;
import java.util.Map;

/**
 * {@code SalesforceChangeStream} against a real Salesforce org: Account changes (Change Data Capture over the Pub/Sub
 * API) applied into a table of an embedded Cassandra node for a minute, the stream's status printed every five seconds,
 * then the table's rows. Change some Accounts in the org while it runs. It needs a connected app and a user (for the
 * REST re-reads) and the session the Pub/Sub API takes (an access token, the instance URL and the org id, e.g. from
 * {@code sf org display}); without them it prints what to set and exits.
 *
 * <pre>
 * export SALESFORCE_INSTANCE=mycompany SALESFORCE_CLIENT_ID=... SALESFORCE_CLIENT_SECRET=...
 * export SALESFORCE_USERNAME=... SALESFORCE_PASSWORD=... SALESFORCE_SECURITY_TOKEN=...
 * export SALESFORCE_ACCESS_TOKEN=... SALESFORCE_INSTANCE_URL=https://mycompany.my.salesforce.com SALESFORCE_ORG_ID=00D...
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.SalesforceChangesExample
 * </pre>
 */
public final class SalesforceChangesExample {

  private static final List<String> SETTINGS = List.of("SALESFORCE_INSTANCE", "SALESFORCE_CLIENT_ID",
      "SALESFORCE_CLIENT_SECRET", "SALESFORCE_USERNAME", "SALESFORCE_PASSWORD", "SALESFORCE_SECURITY_TOKEN",
      "SALESFORCE_ACCESS_TOKEN", "SALESFORCE_INSTANCE_URL", "SALESFORCE_ORG_ID");

  private SalesforceChangesExample() {}

  /**
   * @param args unused
   * @throws InterruptedException if interrupted while it waits
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    List<String> missing = SETTINGS.stream().filter(name -> env.getOrDefault(name, "").isBlank()).toList();
    if (!missing.isEmpty()) {
      System.out.println("""
          SalesforceChangesExample streams Account changes of a real Salesforce org into Cassandra; it has nothing to
          talk to without one. Set these environment variables (missing now: %s):

            SALESFORCE_INSTANCE, SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, SALESFORCE_USERNAME,
            SALESFORCE_PASSWORD, SALESFORCE_SECURITY_TOKEN   the REST login, as SalesforceExample
            SALESFORCE_ACCESS_TOKEN    an access token of the org (sf org display)
            SALESFORCE_INSTANCE_URL    its instance URL
            SALESFORCE_ORG_ID          the org id (00D...)

          Select Account for Change Data Capture in Setup first. Then run:
            mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.SalesforceChangesExample
          See docs/changes.md.
          """.formatted(String.join(", ", missing)));
      return;
    }
    CassandraServer node = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder().contactPoint(node.host(), node.port())
            .localDatacenter(node.localDatacenter()).build();
        SalesforceManager sf = SalesforceManager.builder().instance(env.get("SALESFORCE_INSTANCE"))
            .clientId(env.get("SALESFORCE_CLIENT_ID")).clientSecret(Secret.of(env.get("SALESFORCE_CLIENT_SECRET")))
            .username(env.get("SALESFORCE_USERNAME")).password(Secret.of(env.get("SALESFORCE_PASSWORD")))
            .securityToken(Secret.of(env.get("SALESFORCE_SECURITY_TOKEN"))).build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS changes_example WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      PubSubSession session = new PubSubSession(Secret.of(env.get("SALESFORCE_ACCESS_TOKEN")),
          env.get("SALESFORCE_INSTANCE_URL"), env.get("SALESFORCE_ORG_ID"));
      try (SalesforceChangeStream changes = SalesforceChangeStream.builder().topic("/data/AccountChangeEvent")
          .keyspace("changes_example").replayPreset(ReplayPreset.EARLIEST).cql(cass).salesforce(sf)
          .login(() -> session).build()) {
        changes.start();
        for (int i = 0; i < 12; i++) {
          Thread.sleep(5_000);
          ChangeStreamStatus s = changes.status();
          System.out.println(s.state() + ": " + s.eventsApplied() + " changes applied, last replay id "
              + s.lastReplayId() + ", lag " + s.lag() + ", " + s.gapsReread() + " records re-read, " + s.resyncs()
              + " re-syncs");
        }
        changes.stop();
      }
      cass.execute("SELECT id, name, billingcity, lastmodifieddate FROM changes_example.account LIMIT 10")
          .forEach(r -> System.out.println("  " + r.getString("id") + " " + r.getString("name") + " "
              + r.getString("billingcity") + " " + r.getInstant("lastmodifieddate")));
    }
  }
}
