package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.changes.ChangeStream;
import io.delpha.sdk.changes.ChangeStreamStatus;
import io.delpha.sdk.changes.PubSubSession;
import io.delpha.sdk.changes.ReplayPreset;
import io.delpha.sdk.changes.SalesforceChangeStream;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceManagerBuilder;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Salesforce from the command line: SOQL through the REST or the Bulk API; changes streamed into Cassandra. */
@Command(name = "salesforce", mixinStandardHelpOptions = true,
    description = "Salesforce: run SOQL queries, streamed page by page (REST) or as a Bulk API 2.0 job; apply "
        + "Change Data Capture events into Cassandra.",
    subcommands = {SalesforceCommand.Query.class, SalesforceCommand.Changes.class})
final class SalesforceCommand {

  @Command(name = "query", mixinStandardHelpOptions = true,
      description = {"Run a SOQL query and print every record (related records flattened to Relation.Field columns).",
          "Credentials come from the secret --credentials-secret names: JSON {client_id, client_secret, username, "
              + "password, security_token}."},
      footer = {"", "Example:", "  delpha salesforce query \"SELECT Id, Name FROM Account\" --instance mycompany "
          + "--secrets aws --credentials-secret salesforce --bulk --format csv > accounts.csv"})
  static final class Query implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Parameters(index = "0", paramLabel = "SOQL")
    String soql;

    @Option(names = "--instance", paramLabel = "MYDOMAIN", description = "The org's My Domain name.")
    String instance;

    @Option(names = "--login-url", paramLabel = "URL", description = "Where to log in instead, e.g. https://test.salesforce.com.")
    String loginUrl;

    @Option(names = "--credentials-secret", required = true, paramLabel = "NAME", description = "The credentials' secret.")
    String credentialsSecret;

    @Option(names = "--bulk", description = "Run it as a Bulk API 2.0 query job (large results).")
    boolean bulk;

    @Option(names = "--all", description = "Include deleted and archived records (queryAll).")
    boolean all;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE}).")
    RecordPrinter.Format format;

    @Override
    public Integer call() {
      Usage.current(spec);
      if ((instance == null) == (loginUrl == null)) {
        throw Usage.error("give either --instance or --login-url");
      }
      SecretProvider secrets = aws.secretProvider();
      SalesforceManagerBuilder b = SalesforceManager.builder().credentials(secrets, credentialsSecret);
      if (instance != null) {
        b.instance(instance);
      } else {
        b.loginUrl(loginUrl);
      }
      long rows;
      try (SalesforceManager sf = b.build(); RecordPrinter w = new RecordPrinter(spec.commandLine().getOut(), format)) {
        if (bulk) {
          try (Stream<Map<String, String>> s = all ? sf.bulkQueryAll(soql) : sf.bulkQuery(soql)) {
            s.forEach(w::write);
          }
        } else {
          try (Stream<Map<String, Object>> s = all ? sf.streamAll(soql, Map.class).map(SalesforceCommand::cast)
              : sf.stream(soql)) {
            s.forEach(r -> w.write(RecordPrinter.flatten(r)));
          }
        }
        rows = w.rows();
      }
      System.err.println(rows + " records");
      return Delpha.OK;
    }
  }

  @Command(name = "changes", mixinStandardHelpOptions = true,
      description = {"Apply a change event topic (Change Data Capture over the Pub/Sub API) into the keyspace's tables "
          + "until interrupted (or for --seconds), printing the stream's progress; it resumes from its checkpoint.",
          "REST credentials (re-reads) come from the secret --credentials-secret names, as for query; the Pub/Sub "
              + "session from the secret --session-secret names: JSON {access_token, instance_url, org_id}, read again "
              + "at each subscription."},
      footer = {"", "Example:", "  delpha salesforce changes /data/AccountChangeEvent --keyspace org_acme --instance "
          + "mycompany --secrets aws --credentials-secret salesforce --session-secret salesforce-session"})
  static final class Changes implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Mixin
    CassandraOptions cassandra;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "/data/AccountChangeEvent, /data/ChangeEvents, ...")
    String topic;

    @Option(names = "--keyspace", required = true, paramLabel = "KS", description = "The organisation's keyspace.")
    String keyspace;

    @Option(names = "--table", paramLabel = "TABLE", description = "One table for every object (default: each "
        + "object's own, its name in lower case).")
    String table;

    @Option(names = "--instance", paramLabel = "MYDOMAIN", description = "The org's My Domain name.")
    String instance;

    @Option(names = "--login-url", paramLabel = "URL", description = "Where to log in instead, e.g. https://test.salesforce.com.")
    String loginUrl;

    @Option(names = "--credentials-secret", required = true, paramLabel = "NAME", description = "The credentials' secret.")
    String credentialsSecret;

    @Option(names = "--session-secret", required = true, paramLabel = "NAME",
        description = "The Pub/Sub session's secret: {access_token, instance_url, org_id}.")
    String sessionSecret;

    @Option(names = "--replay-preset", paramLabel = "PRESET", defaultValue = "LATEST",
        description = "Where a stream without a checkpoint starts: LATEST or EARLIEST (default: ${DEFAULT-VALUE}).")
    ReplayPreset replayPreset;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "0",
        description = "Stop after N seconds (default: run until interrupted).")
    long seconds;

    @Option(names = "--progress-seconds", paramLabel = "N", defaultValue = "10",
        description = "Print the stream's status every N seconds (default: ${DEFAULT-VALUE}).")
    long progressSeconds;

    @Override
    public Integer call() throws InterruptedException {
      Usage.current(spec);
      if ((instance == null) == (loginUrl == null)) {
        throw Usage.error("give either --instance or --login-url");
      }
      if (replayPreset == ReplayPreset.CUSTOM) {
        throw Usage.error("--replay-preset is LATEST or EARLIEST; a stream resumes from its checkpoint by itself");
      }
      SecretProvider secrets = aws.secretProvider();
      SalesforceManagerBuilder b = SalesforceManager.builder().credentials(secrets, credentialsSecret);
      if (instance != null) {
        b.instance(instance);
      } else {
        b.loginUrl(loginUrl);
      }
      try (SalesforceManager sf = b.build(); CassandraManager cass = cassandra.connect();
          ChangeStream stream = SalesforceChangeStream.builder().topic(topic).keyspace(keyspace).table(table)
              .replayPreset(replayPreset).cql(cass).salesforce(sf).login(() -> session(secrets)).build()) {
        Thread hook = new Thread(stream::stop, "delpha-changes-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stream.start();
        long end = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
        ChangeStreamStatus s = stream.status();
        while (System.nanoTime() < end && s.state() != ChangeStreamStatus.State.FAILED) {
          Thread.sleep(Math.max(1, Math.min(progressSeconds * 1000, (end - System.nanoTime()) / 1_000_000)));
          s = stream.status();
          System.err.printf("%s: %,d changes applied, last replay id %s, lag %s, %,d records re-read, %d re-syncs, "
              + "%d resubscribes%n", s.state(), s.eventsApplied(), s.lastReplayId(), s.lag(), s.gapsReread(),
              s.resyncs(), s.resubscribes());
        }
        stream.stop();
        Runtime.getRuntime().removeShutdownHook(hook);
        DelphaException failure = s.failure();
        if (failure != null) {
          throw failure;
        }
      }
      return Delpha.OK;
    }

    private PubSubSession session(SecretProvider secrets) {
      Map<String, String> s = secrets.json(sessionSecret);
      String token = s.get("access_token");
      String instanceUrl = s.get("instance_url");
      String orgId = s.get("org_id");
      if (token == null || instanceUrl == null || orgId == null) {
        throw new DataFormatException("secret " + sessionSecret + " must hold access_token, instance_url and org_id");
      }
      return new PubSubSession(Secret.of(token), instanceUrl, orgId);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
