package io.delpha.sdk.cli;

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

/** Salesforce from the command line: SOQL through the REST or the Bulk API. */
@Command(name = "salesforce", mixinStandardHelpOptions = true,
    description = "Salesforce: run SOQL queries, streamed page by page (REST) or as a Bulk API 2.0 job.",
    subcommands = {SalesforceCommand.Query.class})
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
