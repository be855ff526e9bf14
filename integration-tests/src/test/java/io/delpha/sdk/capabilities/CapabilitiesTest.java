package io.delpha.sdk.capabilities;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.aws.AppFlowStubs;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.salesforce.SalesforceStubs;
import java.io.InputStream;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.S3Server;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capabilities à la carte, as a host takes them: per capability, a child JVM whose class path is exactly the
 * library's published POM (the core's dependencies) plus that capability's snippet in docs/dependencies.md, resolved
 * by Maven as a host's build would ({@link CapabilityHosts}), runs the capability's happy path against real servers;
 * a core-only child gets the typed {@code MissingDependencyException} of every other capability.
 */
@DisplayName("Capabilities à la carte: the core alone, and the core plus one capability's documented dependencies")
class CapabilitiesTest {

  // the coordinates a refused capability names, with the versions written once, in the POM
  static final String AWS_S3 = PomProperties.coordinates("software.amazon.awssdk:s3", "aws-sdk.version");
  static final String AWS_SECRETS_MANAGER =
      PomProperties.coordinates("software.amazon.awssdk:secretsmanager", "aws-sdk.version");
  static final String AWS_SNS = PomProperties.coordinates("software.amazon.awssdk:sns", "aws-sdk.version");
  static final String AWS_APPFLOW = PomProperties.coordinates("software.amazon.awssdk:appflow", "aws-sdk.version");
  static final String POSTGRESQL = PomProperties.coordinates("org.postgresql:postgresql", "postgresql.version");
  static final String JETTY = PomProperties.coordinates("org.eclipse.jetty:jetty-server", "jetty.version");

  static Map<String, List<Path>> hosts;

  @TempDir Path tmp;

  /** The SaaS APIs (AWS SNS, Secrets Manager and AppFlow, Salesforce), answering as their references show. */
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static String resource(String path) throws Exception {
    try (InputStream in = CapabilitiesTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @BeforeAll
  static void resolveHosts() throws Exception {
    hosts = CapabilityHosts.resolve(List.of("core", "parquet", "aws-s3", "http-server", "postgresql", "aws-sns",
        "aws-secrets-manager", "aws-appflow"));
  }

  @Test
  @DisplayName("the core: 35 jars at most, no optional stack; Cassandra, the dictionary and keys run; every other "
      + "capability is refused with its Maven coordinates")
  void coreAlone() throws Exception {
    List<Path> jars = hosts.get("core");
    long bytes = 0;
    for (Path jar : jars) {
      bytes += jar.toFile().length();
    }
    assertThat(jars.size() + 1).as("jars of a core host, the SDK's included: %s", jars).isLessThanOrEqualTo(35);
    assertThat(bytes).as("bytes of the core's dependencies").isLessThan(20L * 1024 * 1024);
    assertThat(jars).noneMatch(j -> j.toString().matches(
        ".*/(software/amazon|org/apache/parquet|org/apache/hadoop|org/eclipse/jetty|org/postgresql|com/frejo"
            + "|io/micrometer|com/azure|com/github/luben|org/xerial|io/grpc|com/google/protobuf|org/apache/avro)/.*"));

    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    List<String> lines = run("core", server.host(), String.valueOf(server.port()), server.localDatacenter());

    assertThat(lines).contains("ROWS 1", "TABLES [readings]", "AUTHENTICATED core-org", "DENIED", "DONE");
    // the row model links and checks values without Parquet, for every scalar kind (each kind's class is loaded)
    long scalarKinds = java.util.Arrays.stream(io.delpha.sdk.parquet.ColumnType.Kind.values())
        .filter(k -> !k.isNested()).count();
    assertThat(lines).contains("EVERY KIND " + scalarKinds + "/" + scalarKinds + " 4.50 [11]");
    assertThat(lines).noneMatch(l -> l.startsWith("LINKAGE") || l.startsWith("UNEXPECTEDLY"));
    assertThat(lines).contains(
        "MISSING ParquetRows parquet " + Capability.named("parquet").missing("x").coordinates(),
        "MISSING S3ObjectStore aws-s3 [" + AWS_S3 + "]",
        "MISSING AwsSecretsManagerProvider aws-secrets-manager [" + AWS_SECRETS_MANAGER + "]",
        "MISSING AwsKmsClient aws-kms " + Capability.named("aws-kms").missing("x").coordinates(),
        "MISSING AzureKeyVaultProvider azure-key-vault " + Capability.named("azure-key-vault").missing("x").coordinates(),
        "MISSING SnsPipelineListener aws-sns [" + AWS_SNS + "]",
        "MISSING AWSManager aws-appflow [" + AWS_APPFLOW + "]",
        "MISSING TotesysPipeline postgresql [" + POSTGRESQL + "]",
        "MISSING SalesforceChangeStream salesforce-changes "
            + Capability.named("salesforce-changes").missing("x").coordinates(),
        "MISSING DeltaSharingClient parquet " + Capability.named("parquet").missing("x").coordinates(),
        "MISSING UsageAnalyticsServer http-server [" + JETTY + "]",
        "MISSING HttpService http-server [" + JETTY + "]",
        "MISSING BatchIngestor.uploadServer http-server [" + JETTY + "]");
  }

  @Test
  @DisplayName("parquet: every codec written and read back in a local lake")
  void parquet() throws Exception {
    List<String> lines = run("parquet", tmp.toString());

    for (String codec : List.of("SNAPPY", "ZSTD", "GZIP", "UNCOMPRESSED")) {
      assertThat(lines).contains("PARQUET " + codec + " 1000 4995.00");
    }
    assertThat(lines).contains("DONE");
  }

  @Test
  @DisplayName("aws-s3: an S3ObjectStore puts, lists and reads on a real S3 server")
  void s3() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("capability");

    List<String> lines = run("aws-s3", s3.endpoint().toString(), s3.accessKey(), s3.secretKey(), bucket);

    assertThat(lines).contains("LISTED [host/a.txt]", "READ hello", "DONE");
    assertThat(new String(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("host/a.txt")).asByteArray(),
        StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  @Test
  @DisplayName("http-server: a file uploaded to the endpoint and ingested into Cassandra")
  void httpServer() throws Exception {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);

    List<String> lines = run("http-server", server.host(), String.valueOf(server.port()), server.localDatacenter(),
        tmp.toString());

    assertThat(lines).contains("UPLOADED 1", "INGESTED 3 REJECTED 1", "OWN ROUTE 200 {\"pong\":\"host\"}", "ROWS 3",
        "DONE");
  }

  @Test
  @DisplayName("postgresql: the Totesys pipeline from PostgreSQL through a Parquet lake into the warehouse")
  void postgresql() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    DataSource source = pg.createDatabase("capability_src");
    long seeded = TotesysFixture.loadSeed(source).values().stream().mapToLong(Long::longValue).sum();
    String warehouse = "capability_dw_" + Long.toHexString(System.nanoTime());
    pg.createDatabaseNamed(warehouse);
    String sourceName;
    try (Connection c = source.getConnection()) {
      sourceName = c.getCatalog();
    }

    List<String> lines = run("postgresql", pg.jdbcUrl(sourceName), pg.jdbcUrl(warehouse), tmp.toString());

    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("RUN SUCCEEDED EXTRACTED " + seeded + " "));
    try (Connection c = pg.dataSource(warehouse).getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM dim_currency")) {
      rs.next();
      assertThat(rs.getLong(1)).isPositive();
    }
  }

  @Test
  @DisplayName("aws-sns: a failed run published to a topic (SNS Query API); Secrets Manager refused with its coordinates")
  void sns() throws Exception {
    String topic = "arn:aws:sns:eu-west-2:123456789012:totesys-alerts";
    wm.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
            .withBody(resource("/sns/publish-response.xml"))));

    List<String> lines = run("aws-sns", wm.baseUrl(), topic);

    assertThat(lines).contains("PUBLISHED 567910cd-659e-55d4-8ccb-5aaf14679dc0",
        "MISSING AwsSecretsManagerProvider aws-secrets-manager [" + AWS_SECRETS_MANAGER + "]", "DONE");
    wm.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("FAILED"))
        .withRequestBody(containing("TopicArn=" + topic.replace(":", "%3A"))));
  }

  @Test
  @DisplayName("aws-secrets-manager: a string and a JSON secret read (GetSecretValue, signed); SNS refused")
  void secretsManager() throws Exception {
    for (String[] secret : new String[][] {{"salesforce-token", "get-secret-value-string.json"},
        {"totesys-db", "get-secret-value-json.json"}}) {
      wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
          .withRequestBody(equalToJson("{\"SecretId\":\"" + secret[0] + "\"}"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
              .withHeader("x-amzn-RequestId", "c0ffee00-0000-4000-8000-000000000001")
              .withBody(resource("/secretsmanager/" + secret[1]))));
    }

    List<String> lines = run("aws-secrets-manager", wm.baseUrl());

    assertThat(lines).contains("SECRET LENGTH " + "00Dxx0000001gPL!token-value-7c1".length(),
        "JSON FIELDS [host, port, user, password, ssl]",
        "MISSING SnsPipelineListener aws-sns [" + AWS_SNS + "]", "DONE");
    wm.verify(2, postRequestedFor(urlEqualTo("/")).withHeader("Authorization", containing("AWS4-HMAC-SHA256")));
  }

  @Test
  @DisplayName("aws-appflow: the newest successful run's Parquet files read from a real S3 server; SNS refused")
  void appflow() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("capability-appflow");
    String flow = "contact-flow";
    String run = AppFlowStubs.NEWEST_SUCCESSFUL;
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      AppFlowStubs.writeAppFlowFile(store, "salesforce/" + flow + "/" + run + "/", AppFlowStubs.contacts(0, 4));
      AppFlowStubs.writeAppFlowFile(store, "salesforce/" + flow + "/" + run + "/", AppFlowStubs.contacts(4, 3));
    }
    AppFlowStubs.describe(wm, flow, bucket, "PARQUET", true);
    AppFlowStubs.ok(wm, "/describe-flow-execution-records", flow, AppFlowStubs.oneRecord(run, "Successful", 7, null));

    List<String> lines = run("aws-appflow", wm.baseUrl(), s3.endpoint().toString(), s3.accessKey(), s3.secretKey(),
        flow);

    assertThat(lines).contains("FLOW RUN " + run + " ROWS 7",
        "MISSING SnsPipelineListener aws-sns [" + AWS_SNS + "]", "DONE");
  }

  @Test
  @DisplayName("salesforce, on the core alone (no stack of its own): a username-password login and a two-page "
      + "query; S3 and Parquet refused")
  void salesforce() throws Exception {
    SalesforceStubs.stubPasswordLogin(wm, SalesforceStubs.TOKEN_A);
    String soql = "SELECT Id, Name FROM Contact";
    wm.stubFor(get(urlPathEqualTo(SalesforceStubs.API + "/query/")).withQueryParam("q", equalTo(soql))
        .willReturn(okJson(SalesforceStubs.fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(SalesforceStubs.API + "/query/01gD0000002HU6KIAW-2000"))
        .willReturn(okJson(SalesforceStubs.fixture("query-contacts-page2.json"))));

    List<String> lines = runOn("core", "salesforce", wm.baseUrl(), SalesforceStubs.CLIENT_ID, SalesforceStubs.CLIENT_SECRET,
        SalesforceStubs.USERNAME, SalesforceStubs.PASSWORD, SalesforceStubs.SECURITY_TOKEN);

    assertThat(lines).contains("QUERIED 5", "MISSING S3ObjectStore aws-s3 [" + AWS_S3 + "]",
        "MISSING ParquetRows parquet " + Capability.named("parquet").missing("x").coordinates(), "DONE");
    assertThat(String.join("\n", lines)).doesNotContain(SalesforceStubs.CLIENT_SECRET)
        .doesNotContain(SalesforceStubs.PASSWORD);
  }

  private List<String> run(String capability, String... args) throws Exception {
    return runOn(capability, capability, args);
  }

  /** Runs {@code what} of {@link CapabilityHostMain} on the class path of the host of {@code capability}. */
  private List<String> runOn(String capability, String what, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("-cp",
        CapabilityHosts.classPath(hosts.get(capability), CapabilityHostMain.class), CapabilityHostMain.class.getName(),
        what));
    cmd.addAll(List.of(args));
    return CapabilityHosts.runChild(cmd, Duration.ofMinutes(3), "NoClassDefFoundError", "ClassNotFoundException");
  }

}
