package io.delpha.sdk.aws;

import io.delpha.sdk.testing.MutableClock;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.aws.AppFlowStubs.FAILED;
import static io.delpha.sdk.aws.AppFlowStubs.NEWEST_SUCCESSFUL;
import static io.delpha.sdk.aws.AppFlowStubs.OLDER_SUCCESSFUL;
import static io.delpha.sdk.aws.AppFlowStubs.OLDER_WITH_DATA;
import static io.delpha.sdk.aws.AppFlowStubs.EMPTY_NEWEST;
import static io.delpha.sdk.aws.AppFlowStubs.REQUEST_ID;
import static io.delpha.sdk.aws.AppFlowStubs.RUNNING;
import static io.delpha.sdk.aws.AppFlowStubs.contacts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.S3Server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("AWSManager: AppFlow (WireMock, rest-json) landing Parquet in S3 (s3proxy)")
class AWSManagerTest {

  static final String FLOW = "contact-flow";

  @RegisterExtension
  static WireMockExtension appflow = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static S3Server s3;
  static String bucket;
  static List<Row> newestRows = new ArrayList<>();
  static List<String> newestFiles = new ArrayList<>();

  AWSManager aws;
  final MutableClock clock = new MutableClock(Instant.parse("2024-11-15T12:00:00Z"));

  @BeforeAll
  static void land() {
    s3 = S3Server.shared();
    bucket = s3.createBucket("appflow");
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      String newest = "salesforce/" + FLOW + "/" + NEWEST_SUCCESSFUL + "/";
      for (List<Row> part : List.of(contacts(0, 3), contacts(3, 2), contacts(5, 2))) {
        newestFiles.add(AppFlowStubs.writeAppFlowFile(store, newest, part));
        newestRows.addAll(part);
      }
      AppFlowStubs.writeAppFlowFile(store, "salesforce/" + FLOW + "/" + OLDER_SUCCESSFUL + "/", contacts(100, 2));
      AppFlowStubs.writeAppFlowFile(store, "salesforce/" + FLOW + "/" + FAILED + "/", contacts(200, 1));
      AppFlowStubs.writeAppFlowFile(store, "salesforce/account-flow/" + OLDER_WITH_DATA + "/", contacts(300, 3));
      AppFlowStubs.writeAppFlowFile(store, "salesforce/mixed-flow/run-1/", contacts(400, 2));
      store.put("salesforce/mixed-flow/run-1/8c1d2e3f-csv-output", "Id,FirstName\n003A,Ann\n".getBytes());
      AppFlowStubs.writeAppFlowFile(store, "salesforce/schema-flow/run-1/", contacts(500, 2));
      RowSchema other = RowSchema.builder().required("Id", ColumnType.STRING).nullable("Phone", ColumnType.STRING).build();
      ParquetRows.write(store, "salesforce/schema-flow/run-1/ffffffff-last", other, List.of(Row.of(other, "003Z", "555")));
    }
  }

  @AfterEach
  void close() {
    if (aws != null) {
      aws.close();
    }
  }

  AWSManager manager(String secret) {
    aws = builder(secret).build();
    return aws;
  }

  AWSManagerBuilder builder(String secret) {
    return AWSManager.builder()
        .credentials(s3.accessKey(), secret)
        .region("eu-west-1")
        .flowType(FlowType.CONTACT)
        .endpointOverride(URI.create(appflow.baseUrl()))
        .s3EndpointOverride(s3.endpoint())
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).build())
        .pollBackoff(RetryPolicy.builder().initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(30))
            .multiplier(2).jitter(false).build())
        .clock(clock)
        .sleeper(clock::sleep);
  }

  AWSManager manager() {
    return manager(s3.secretKey());
  }

  static void contactFlow(String fileType, boolean typed) {
    AppFlowStubs.describe(appflow, FLOW, bucket, fileType, typed);
    AppFlowStubs.pagedHistory(appflow, FLOW);
  }

  static String stackText(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  @DisplayName("startFlow returns the flow status, the new run id and the newest record across every page")
  void startFlow() {
    AppFlowStubs.ok(appflow, "/start-flow", FLOW, AppFlowStubs.body("start-flow.json",
        Map.of("flow", FLOW, "executionId", RUNNING)));
    AppFlowStubs.pagedHistory(appflow, FLOW);
    FlowRun run = manager().startFlow(FLOW);
    assertThat(run.status()).isEqualTo(FlowStatus.ACTIVE);
    assertThat(run.executionId()).isEqualTo(RUNNING);
    assertThat(run.flowArn()).isEqualTo("arn:aws:appflow:eu-west-1:123456789012:flow/contact-flow");
    assertThat(run.lastExecution()).get().satisfies(e -> {
      assertThat(e.executionId()).isEqualTo(RUNNING);
      assertThat(e.status()).isEqualTo(ExecutionStatus.IN_PROGRESS);
    });
    // the SDK adds an idempotency token, so its own retries of StartFlow never start a second run
    appflow.verify(1, postRequestedFor(urlEqualTo("/start-flow"))
        .withRequestBody(matchingJsonPath("$.flowName", equalTo(FLOW)))
        .withRequestBody(matchingJsonPath("$.clientToken")));
    appflow.verify(2, postRequestedFor(urlEqualTo("/describe-flow-execution-records")));
    assertThat(aws.executions(FLOW)).extracting(FlowExecution::executionId)
        .containsExactly(RUNNING, FAILED, NEWEST_SUCCESSFUL, OLDER_SUCCESSFUL, "0f1e2d3c-4b5a-4968-8776-655443322110");
    assertThat(aws.executions(FLOW).get(1).error()).contains("Salesforce request failed: INVALID_SESSION_ID");
  }

  @Test
  @DisplayName("awaitCompletion polls with growing pauses until the run is final, without sleeping for real")
  void awaitCompletion() {
    String run = "11111111-2222-4333-8444-555555555555";
    AppFlowStubs.ok(appflow, "/start-flow", "poll-flow", AppFlowStubs.body("start-flow.json",
        Map.of("flow", "poll-flow", "executionId", run)));
    String records = "/describe-flow-execution-records";
    appflow.stubFor(WireMock.post(urlEqualTo(records)).inScenario("run").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(json(AppFlowStubs.oneRecord(run, "InProgress", 0, null))).willSetStateTo("started"));
    appflow.stubFor(WireMock.post(urlEqualTo(records)).inScenario("run").whenScenarioStateIs("started")
        .willReturn(json(AppFlowStubs.oneRecord(run, "InProgress", 3, null))).willSetStateTo("still"));
    appflow.stubFor(WireMock.post(urlEqualTo(records)).inScenario("run").whenScenarioStateIs("still")
        .willReturn(json(AppFlowStubs.oneRecord(run, "InProgress", 5, null))).willSetStateTo("done"));
    appflow.stubFor(WireMock.post(urlEqualTo(records)).inScenario("run").whenScenarioStateIs("done")
        .willReturn(json(AppFlowStubs.oneRecord(run, "Successful", 9, null))));
    FlowRun started = manager().startFlow("poll-flow");
    FlowExecution done = aws.awaitCompletion(started.executionId(), Duration.ofMinutes(10));
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCESSFUL);
    assertThat(done.recordsProcessed()).isEqualTo(9);
    assertThat(done.bytesWritten()).isEqualTo(6300);
    assertThat(clock.slept()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  @DisplayName("awaitCompletion returns a failed run with its error info, and times out on a run that never ends")
  void awaitFailureAndTimeout() {
    String failed = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "broken-flow",
        AppFlowStubs.oneRecord(failed, "Error", 0, "Connector profile delpha-salesforce: session expired"));
    String stuck = "ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "stuck-flow",
        AppFlowStubs.oneRecord(stuck, "InProgress", 1, null));
    FlowExecution error = manager().awaitCompletion("broken-flow", failed, Duration.ofMinutes(1));
    assertThat(error.status()).isEqualTo(ExecutionStatus.ERROR);
    assertThat(error.errorMessage()).isEqualTo("Connector profile delpha-salesforce: session expired");
    assertThat(error.putFailuresCount()).isEqualTo(1);
    assertThatThrownBy(() -> aws.awaitCompletion("stuck-flow", stuck, Duration.ofSeconds(20)))
        .isInstanceOf(FlowTimeoutException.class)
        .hasMessageContaining("stuck-flow").hasMessageContaining(stuck).hasMessageContaining("IN_PROGRESS")
        .satisfies(e -> assertThat(((FlowTimeoutException) e).lastSeen()).get()
            .extracting(FlowExecution::recordsProcessed).isEqualTo(1L));
    assertThat(clock.totalSlept()).isEqualTo(Duration.ofSeconds(20));
    assertThatThrownBy(() -> aws.awaitCompletion("not-started-here", Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("awaitCompletion(flowName");
  }

  @Test
  @DisplayName("getLastFlowId is the newest successful run by start time, ignoring the newer failed run's folder")
  void lastFlowId() {
    contactFlow("PARQUET", true);
    assertThat(manager().getLastFlowId(FLOW)).isEqualTo(NEWEST_SUCCESSFUL);
    assertThat(aws.getLastFlowId()).isEqualTo(NEWEST_SUCCESSFUL);
  }

  @Test
  @DisplayName("getFlowParquetData streams every extension-less Parquet file of that run as typed rows")
  void flowData() {
    contactFlow("PARQUET", true);
    try (FlowData data = manager().getFlowParquetData(FLOW)) {
      assertThat(data.execution().executionId()).isEqualTo(NEWEST_SUCCESSFUL);
      assertThat(data.execution().recordsProcessed()).isEqualTo(7);
      assertThat(data.files()).containsExactlyInAnyOrderElementsOf(newestFiles);
      assertThat(data.schema()).isEqualTo(AppFlowStubs.CONTACT);
      List<Row> rows = data.stream().toList();
      assertThat(rows).containsExactlyInAnyOrderElementsOf(newestRows);
      assertThat(rows.get(0).get("AnnualRevenue")).isInstanceOf(java.math.BigDecimal.class);
      assertThat(data.rowsRead()).isEqualTo(7);
    }
  }

  @Test
  @DisplayName("ensureSparkFormat accepts typed Parquet and reports CSV with a typed error; convertToParquet sends UpdateFlow")
  void sparkFormat() {
    AppFlowStubs.describe(appflow, FLOW, bucket, "PARQUET", true);
    assertThat(manager().ensureSparkFormat(FLOW)).isEqualTo(new FlowDestination(bucket, "salesforce", "PARQUET", true));
    assertThat(aws.convertToParquet(FLOW).isSparkReady()).isTrue();
    appflow.verify(0, postRequestedFor(urlEqualTo("/update-flow")));

    AppFlowStubs.describe(appflow, FLOW, bucket, "CSV", false);
    assertThatThrownBy(() -> aws.ensureSparkFormat(FLOW)).isInstanceOf(FlowFormatException.class)
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("'contact-flow' writes CSV").hasMessageContaining("convertToParquet")
        .satisfies(e -> assertThat(((FlowFormatException) e).destination().fileType()).isEqualTo("CSV"));

    AppFlowStubs.ok(appflow, "/update-flow", FLOW, AppFlowStubs.body("update-flow.json", Map.of()));
    FlowDestination fixed = aws.convertToParquet(FLOW);
    assertThat(fixed).isEqualTo(new FlowDestination(bucket, "salesforce", "PARQUET", true));
    String s3 = "$.destinationFlowConfigList[0].destinationConnectorProperties.S3";
    appflow.verify(1, postRequestedFor(urlEqualTo("/update-flow"))
        .withRequestBody(matchingJsonPath("$.flowName", equalTo(FLOW)))
        .withRequestBody(matchingJsonPath(s3 + ".s3OutputFormatConfig.fileType", equalTo("PARQUET")))
        .withRequestBody(matchingJsonPath(s3 + ".s3OutputFormatConfig.preserveSourceDataTyping", equalTo("true")))
        .withRequestBody(matchingJsonPath(s3 + ".bucketName", equalTo(bucket)))
        .withRequestBody(matchingJsonPath(s3 + ".bucketPrefix", equalTo("salesforce")))
        .withRequestBody(matchingJsonPath("$.triggerConfig.triggerType", equalTo("OnDemand")))
        .withRequestBody(matchingJsonPath("$.sourceFlowConfig.sourceConnectorProperties.Salesforce.object", equalTo("Contact")))
        .withRequestBody(matchingJsonPath("$.tasks[1].destinationField", equalTo("Id"))));
  }

  @Test
  @DisplayName("a newest successful run without data is reported with the run that has data, which can be read by id")
  void emptyNewestRun() {
    AppFlowStubs.describe(appflow, "account-flow", bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "account-flow",
        AppFlowStubs.body("records-empty-newest.json", Map.of()));
    assertThatThrownBy(() -> manager().getLastFlowId("account-flow"))
        .isInstanceOf(NoFlowDataException.class).isInstanceOf(NotFoundException.class)
        .hasMessageContaining(EMPTY_NEWEST).hasMessageContaining("processed no records")
        .hasMessageContaining("the newest run with data is " + OLDER_WITH_DATA)
        .satisfies(e -> assertThat(((NoFlowDataException) e).executionId()).contains(EMPTY_NEWEST));
    try (FlowData data = aws.getFlowParquetData("account-flow", OLDER_WITH_DATA)) {
      assertThat(data.stream().toList()).containsExactlyElementsOf(contacts(300, 3));
    }
    assertThatThrownBy(() -> aws.getFlowParquetData("account-flow", "no-such-run"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-run");
  }

  @Test
  @DisplayName("a flow that never succeeded is reported as having no data")
  void neverSucceeded() {
    AppFlowStubs.describe(appflow, "new-flow", bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "new-flow",
        AppFlowStubs.oneRecord("12121212-3434-4565-8787-909090909090", "Error", 0, "Invalid credentials"));
    assertThatThrownBy(() -> manager().getFlowParquetData("new-flow"))
        .isInstanceOf(NoFlowDataException.class).hasMessageContaining("no successful run")
        .hasMessageContaining("Invalid credentials");
  }

  @Test
  @DisplayName("a non-Parquet object in the run folder is a DataFormatException naming it, before any row")
  void nonParquetFile() {
    AppFlowStubs.describe(appflow, "mixed-flow", bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "mixed-flow",
        AppFlowStubs.oneRecord("run-1", "Successful", 3, null));
    assertThatThrownBy(() -> manager().getFlowParquetData("mixed-flow"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("salesforce/mixed-flow/run-1/8c1d2e3f-csv-output").hasMessageContaining("PAR1");
  }

  @Test
  @DisplayName("a file whose schema differs from the run's first file is a DataFormatException naming it")
  void schemaDrift() {
    AppFlowStubs.describe(appflow, "schema-flow", bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", "schema-flow",
        AppFlowStubs.oneRecord("run-1", "Successful", 3, null));
    try (FlowData data = manager().getFlowParquetData("schema-flow")) {
      assertThatThrownBy(() -> data.stream().count()).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("ffffffff-last").hasMessageContaining("schema");
    }
  }

  @Test
  @DisplayName("metrics: each AppFlow call timed by operation and outcome, with bounded tags")
  void metrics() {
    contactFlow("PARQUET", true);
    AppFlowStubs.error(appflow, "/start-flow", "unknown-flow", "ResourceNotFoundException", 404);
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    aws = builder(s3.secretKey()).metrics(io.delpha.sdk.core.Metrics.micrometer(registry)).build();
    try (FlowData data = aws.getFlowParquetData(FLOW)) {
      assertThat(data.stream().count()).isEqualTo(7);
    }
    assertThatThrownBy(() -> aws.startFlow("unknown-flow")).isInstanceOf(NotFoundException.class);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "appflow", "describe_flow", "success")).isEqualTo(1);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "appflow", "describe_flow_execution_records", "success")).isEqualTo(2);
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "appflow", "start_flow", "not_found")).isEqualTo(1);
    io.delpha.sdk.metrics.MeterChecks.assertBoundedTags(registry, false, FLOW, "unknown-flow", s3.secretKey(),
        NEWEST_SUCCESSFUL);
  }

  @Test
  @DisplayName("AppFlow errors are typed, name the flow and the AWS request id, and never show the secret")
  void appflowErrors() {
    manager();
    AppFlowStubs.error(appflow, "/start-flow", "unknown-flow", "ResourceNotFoundException", 404);
    assertThatThrownBy(() -> aws.startFlow("unknown-flow")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'unknown-flow'").hasMessageContaining(REQUEST_ID)
        .hasMessageContaining("Flow with name unknown-flow does not exist");
    AppFlowStubs.error(appflow, "/start-flow", "bad-flow", "ValidationException", 400);
    assertThatThrownBy(() -> aws.startFlow("bad-flow")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'bad-flow'").hasMessageContaining(REQUEST_ID);
    AppFlowStubs.error(appflow, "/start-flow", FLOW, "ConflictException", 409);
    assertThatThrownBy(() -> aws.startFlow(FLOW)).isInstanceOf(ConflictException.class)
        .hasMessageContaining("already running").hasMessageContaining(REQUEST_ID);
    AppFlowStubs.error(appflow, "/start-flow", "quota-flow", "ServiceQuotaExceededException", 402);
    assertThatThrownBy(() -> aws.startFlow("quota-flow")).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("quota");
    AppFlowStubs.error(appflow, "/start-flow", "denied-flow", "AccessDeniedException", 403);
    assertThatThrownBy(() -> aws.startFlow("denied-flow")).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("'denied-flow'").hasMessageContaining(REQUEST_ID);
    AppFlowStubs.error(appflow, "/describe-flow", "key-flow", "UnrecognizedClientException", 403);
    assertThatThrownBy(() -> aws.ensureSparkFormat("key-flow")).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("credentials")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(s3.secretKey()));
  }

  @Test
  @DisplayName("throttling is retried by the SDK, then surfaces as RateLimitedException")
  void throttling() {
    manager();
    AppFlowStubs.error(appflow, "/start-flow", "busy-flow", "ThrottlingException", 429);
    assertThatThrownBy(() -> aws.startFlow("busy-flow")).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("'busy-flow'").hasMessageContaining("Rate exceeded").hasMessageContaining(REQUEST_ID);
    appflow.verify(3, postRequestedFor(urlEqualTo("/start-flow")));
  }

  @Test
  @DisplayName("a wrong S3 secret is AuthenticationException that shows no secret")
  void wrongS3Secret() {
    contactFlow("PARQUET", true);
    String wrong = "wrong-" + s3.secretKey();
    assertThatThrownBy(() -> manager(wrong).getFlowParquetData(FLOW)).isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(wrong).doesNotContain(s3.secretKey()));
  }

  @Test
  @DisplayName("an unreachable AppFlow endpoint is ServiceUnavailableException")
  void unreachableAppflow() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    aws = AWSManager.builder().credentials("AKIAIOSFODNN7EXAMPLE", "secret").region("eu-west-1")
        .endpointOverride(URI.create("http://127.0.0.1:" + port)).s3EndpointOverride(s3.endpoint())
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1)).build()).build();
    assertThatThrownBy(() -> aws.startFlow(FLOW)).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("cannot reach AppFlow");
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(body);
  }
}
