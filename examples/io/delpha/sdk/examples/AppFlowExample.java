package io.delpha.sdk.examples;

import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.FlowRun;
import io.delpha.sdk.aws.FlowType;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.cassandra.CassandraManager;
import java.time.Duration;
import java.util.Map;

/**
 * {@code AWSManager} against a real Amazon AppFlow flow (Salesforce to S3 as Parquet): start the flow,
 * wait for the run, find the newest successful run, read its rows, and optionally load them into a
 * Cassandra table. It needs an AWS account with such a flow, read from the environment; without one it
 * prints what to set and exits (there is no embedded AppFlow).
 *
 * <pre>
 * export AWS_REGION=eu-west-1 APPFLOW_FLOW_NAME=contact-flow     # credentials: the default AWS chain
 * export CASSANDRA_CONTACT_POINT=10.0.0.5:9042 CASSANDRA_LOCAL_DC=dc1 CASSANDRA_TABLE=crm.contacts   # optional
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.AppFlowExample
 * </pre>
 */
public final class AppFlowExample {

  private AppFlowExample() {}

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    String region = env.getOrDefault("AWS_REGION", "");
    String flow = env.getOrDefault("APPFLOW_FLOW_NAME", "");
    if (region.isBlank() || flow.isBlank()) {
      System.out.println("""
          AppFlowExample starts a real Amazon AppFlow flow (Salesforce -> S3, Parquet); it has nothing to
          talk to without an AWS account. Set these environment variables:

            AWS_REGION                the flow's region, e.g. eu-west-1                       (required)
            APPFLOW_FLOW_NAME         the flow to run, e.g. contact-flow or account-flow      (required)
            APPFLOW_FLOW_TYPE         CONTACT or ACCOUNT (default CONTACT)
            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)   credentials, read by the
                                      default AWS credentials chain
            CASSANDRA_CONTACT_POINT   host:port, to also load the rows into Cassandra          (optional)
            CASSANDRA_LOCAL_DC        the node's datacenter (default datacenter1)
            CASSANDRA_TABLE           keyspace.table to load into, created if missing (default crm.contacts)

          then run:
            mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.AppFlowExample

          It calls startFlow, awaitCompletion (30 min at most), getLastFlowId, getFlowParquetData and,
          with a contact point, loadIntoCassandra (primary key Id). The flow must write Parquet with
          source data types (see AWSManager.ensureSparkFormat); see docs/aws.md.
          """);
      return;
    }
    try (AWSManager aws = AWSManager.builder()
        .region(region)
        .flowType(FlowType.valueOf(env.getOrDefault("APPFLOW_FLOW_TYPE", "CONTACT")))
        .build()) {
      System.out.println("destination: " + aws.ensureSparkFormat(flow));
      FlowRun run = aws.startFlow(flow);
      System.out.println("started: " + run);
      FlowExecution done = aws.awaitCompletion(run, Duration.ofMinutes(30));
      System.out.println("finished: " + done);
      System.out.println("newest successful run: " + aws.getLastFlowId(flow));
      try (FlowData rows = aws.getFlowParquetData(flow)) {
        System.out.println("schema: " + rows.schema() + " in " + rows.files().size() + " file(s)");
        rows.stream().limit(10).forEach(r -> System.out.println("  " + r));
      }
      String contactPoint = env.getOrDefault("CASSANDRA_CONTACT_POINT", "");
      if (!contactPoint.isBlank()) {
        String[] hostPort = contactPoint.split(":");
        String[] table = env.getOrDefault("CASSANDRA_TABLE", "crm.contacts").split("\\.");
        try (CassandraManager cass = CassandraManager.builder()
            .contactPoint(hostPort[0], hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 9042)
            .localDatacenter(env.getOrDefault("CASSANDRA_LOCAL_DC", "datacenter1"))
            .build()) {
          LoadReport report = aws.loadIntoCassandra(flow, cass, table[0], table[1],
              LoadOptions.builder().createTable(true).primaryKey("Id").build());
          System.out.println("loaded: " + report);
        }
      }
    }
  }
}
