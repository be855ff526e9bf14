package io.delpha.sdk.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cli.CliProcess;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.S3Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code delpha appflow start|await|latest|load} as processes: AppFlow's API answered by WireMock as the AppFlow API
 * reference shows, the flow's Parquet in the harness's real S3 server, the rows loaded into real Cassandra.
 */
@Tag("process")
class AppFlowCliTest {

  static final String FLOW = "contact-flow";
  static final String RUN = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";

  @RegisterExtension
  static WireMockExtension appflow = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static S3Server s3;
  static String bucket;
  static CassandraServer server;
  static CassandraManager cass;
  static final List<Row> expected = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    s3 = S3Server.startNew();
    bucket = s3.createBucket("appflow-cli");
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      for (int part = 0; part < 3; part++) {
        List<Row> rows = AppFlowStubs.contacts(part * 40, 40);
        AppFlowStubs.writeAppFlowFile(store, "salesforce/" + FLOW + "/" + RUN + "/", rows);
        expected.addAll(rows);
      }
    }
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  @AfterAll
  static void tearDown() {
    cass.close();
    s3.stop();
  }

  static Map<String, String> awsEnv(String secretKey) {
    return Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", secretKey);
  }

  static String[] appflow(String... args) {
    List<String> a = new ArrayList<>(List.of("appflow"));
    a.addAll(List.of(args));
    a.addAll(List.of("--region", "eu-west-1", "--aws-endpoint", appflow.baseUrl(), "--s3-endpoint",
        s3.endpoint().toString()));
    return a.toArray(String[]::new);
  }

  @Test
  void latestThenLoadIntoCassandraTwiceHoldsEveryRowOnce() {
    AppFlowStubs.describe(appflow, FLOW, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", FLOW,
        AppFlowStubs.oneRecord(RUN, "Successful", expected.size(), null));
    String ks = "cli_appflow_" + UUID.randomUUID().toString().substring(0, 8);
    cass.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");

    CliProcess.Result latest = CliProcess.run(awsEnv(s3.secretKey()), appflow("latest", FLOW));
    assertThat(latest.exitCode()).as(latest.all()).isZero();
    assertThat(latest.out()).contains(RUN).contains("SUCCESSFUL").contains(expected.size() + " records");

    for (int round = 0; round < 2; round++) {
      CliProcess.Result load = CliProcess.run(awsEnv(s3.secretKey()), appflow("load", FLOW, "--keyspace", ks,
          "--table", "contacts", "--primary-key", "Id", "--contact-point", server.host() + ":" + server.port(),
          "--local-dc", server.localDatacenter()));
      assertThat(load.exitCode()).as(load.all()).isZero();
      assertThat(load.out()).contains("loaded 120 rows from 3 files of " + RUN + " into " + ks + ".contacts");
      assertThat(load.out() + load.err()).doesNotContain(s3.secretKey());
    }
    assertThat(cass.execute("SELECT COUNT(*) FROM " + ks + ".contacts").one().getLong(0)).isEqualTo(expected.size());
    Row last = expected.get(expected.size() - 1);
    var stored = cass.execute("SELECT firstname, email FROM " + ks + ".contacts WHERE id = ?", last.getString("Id")).one();
    assertThat(stored).isNotNull();
    assertThat(stored.getString("firstname")).isEqualTo(last.getString("FirstName"));
    assertThat(stored.getString("email")).isEqualTo(last.getString("Email"));
  }

  @Test
  void unknownFlowAndWrongS3KeyExitOneWithoutSecrets() {
    AppFlowStubs.error(appflow, "/start-flow", "unknown-flow", "ResourceNotFoundException", 404);
    CliProcess.Result unknown = CliProcess.run(awsEnv(s3.secretKey()), appflow("start", "unknown-flow"));
    assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(1);
    assertThat(unknown.err()).contains("error: ").contains("unknown-flow").doesNotContain("\tat ");

    AppFlowStubs.describe(appflow, FLOW, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", FLOW,
        AppFlowStubs.oneRecord(RUN, "Successful", expected.size(), null));
    String wrongSecret = "wrong-" + UUID.randomUUID();
    String ks = "cli_appflow_" + UUID.randomUUID().toString().substring(0, 8);
    cass.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    CliProcess.Result refused = CliProcess.run(awsEnv(wrongSecret), appflow("load", FLOW, "--keyspace", ks, "--table",
        "contacts", "--primary-key", "Id", "--contact-point", server.host() + ":" + server.port(), "--local-dc",
        server.localDatacenter()));
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    assertThat(refused.err()).contains("error: ").doesNotContain("\tat ");
    assertThat(refused.out() + refused.err()).doesNotContain(wrongSecret);
    boolean tableExists = cass.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", ks)
        .one() != null;
    if (tableExists) {
      assertThat(cass.execute("SELECT COUNT(*) FROM " + ks + ".contacts").one().getLong(0)).isZero();
    }
  }

  @Test
  void startThenAwaitExitsZeroOnSuccessAndOneOnAFailedRun() {
    String flow = "await-flow";
    String run = "11111111-2222-4333-8444-555555555555";
    AppFlowStubs.ok(appflow, "/start-flow", flow, AppFlowStubs.body("start-flow.json",
        Map.of("flow", flow, "executionId", run)));
    // AppFlow's own status words: in progress when started and at the first poll, successful at the second
    String records = "/describe-flow-execution-records";
    appflow.stubFor(WireMock.post(WireMock.urlEqualTo(records)).withRequestBody(AppFlowStubs.flow(flow))
        .inScenario(flow).whenScenarioStateIs(Scenario.STARTED)
        .willReturn(WireMock.okJson(AppFlowStubs.oneRecord(run, "InProgress", 0, null))).willSetStateTo("polled"));
    appflow.stubFor(WireMock.post(WireMock.urlEqualTo(records)).withRequestBody(AppFlowStubs.flow(flow))
        .inScenario(flow).whenScenarioStateIs("polled")
        .willReturn(WireMock.okJson(AppFlowStubs.oneRecord(run, "InProgress", 3, null))).willSetStateTo("done"));
    appflow.stubFor(WireMock.post(WireMock.urlEqualTo(records)).withRequestBody(AppFlowStubs.flow(flow))
        .inScenario(flow).whenScenarioStateIs("done")
        .willReturn(WireMock.okJson(AppFlowStubs.oneRecord(run, "Successful", 9, null))));
    CliProcess.Result started = CliProcess.run(awsEnv(s3.secretKey()), appflow("start", flow));
    assertThat(started.exitCode()).as(started.all()).isZero();
    assertThat(started.out().strip()).isEqualTo(run);

    CliProcess.Result done = CliProcess.run(awsEnv(s3.secretKey()), appflow("await", flow, started.out().strip(),
        "--timeout", "2m"));
    assertThat(done.exitCode()).as(done.all()).isZero();
    assertThat(done.out()).contains(run + " SUCCESSFUL, 9 records, 6300 bytes written");
    appflow.verify(3, WireMock.postRequestedFor(WireMock.urlEqualTo(records))
        .withRequestBody(AppFlowStubs.flow(flow)));

    String broken = "broken-flow";
    String failed = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    AppFlowStubs.ok(appflow, records, broken,
        AppFlowStubs.oneRecord(failed, "Error", 0, "Connector profile delpha-salesforce: session expired"));
    CliProcess.Result error = CliProcess.run(awsEnv(s3.secretKey()), appflow("await", broken, failed));
    assertThat(error.exitCode()).as(error.all()).isEqualTo(1);
    assertThat(error.out()).contains(failed + " ERROR").contains("session expired");
    assertThat(error.all()).doesNotContain(s3.secretKey());

    CliProcess.Result usage = CliProcess.run(awsEnv(s3.secretKey()), appflow("await", broken));
    assertThat(usage.exitCode()).as(usage.all()).isEqualTo(2);
  }
}
