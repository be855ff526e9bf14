package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bulk API 2.0 ingest of any size: records cut into several jobs, one report across them. Answers shaped as
 * Salesforce's documentation shows them ("Create a Job", "Upload Job Data", "Close or Abort a Job", "Get Job Info").
 */
@DisplayName("SalesforceManager Bulk API 2.0 ingest: several jobs, one report")
class SalesforceBulkIngestTest {

  static final String INGEST = API + "/jobs/ingest";
  static final List<String> IDS = List.of("750R0000001Ing1IAA", "750R0000001Ing2IAA", "750R0000001Ing3IAA",
      "750R0000001Ing4IAA");
  static final String HEADER = "\"Name\",\"Ext__c\"\n";

  static final AtomicInteger CREATED = new AtomicInteger();

  /**
   * Answers each job creation with the next id: the jobs are created concurrently, and a scenario's states do not
   * move atomically under concurrent requests.
   */
  static final class NextJob implements ResponseDefinitionTransformerV2 {
    @Override
    public ResponseDefinition transform(ServeEvent event) {
      String id = IDS.get(CREATED.getAndIncrement() % IDS.size());
      return ResponseDefinitionBuilder.like(event.getResponseDefinition()).withBody(jobInfo(id, "Open", 0, 0, null))
          .build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return "next-ingest-job";
    }
  }

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().gzipDisabled(true).extensions(new NextJob())).build();

  private static ResponseDefinitionBuilder jsonOk(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  static String jobInfo(String id, String state, int processed, int failed, String errorMessage) {
    return "{\n  \"id\" : \"" + id + "\",\n  \"operation\" : \"upsert\",\n  \"object\" : \"Account\",\n"
        + "  \"createdById\" : \"005R0000000GiwjIAC\",\n  \"createdDate\" : \"2026-11-26T10:00:00.000+0000\",\n"
        + "  \"systemModstamp\" : \"2026-11-26T10:00:09.000+0000\",\n  \"state\" : \"" + state + "\",\n"
        + "  \"externalIdFieldName\" : \"Ext__c\",\n  \"concurrencyMode\" : \"Parallel\",\n"
        + "  \"contentType\" : \"CSV\",\n  \"apiVersion\" : 60.0,\n  \"jobType\" : \"V2Ingest\",\n"
        + "  \"lineEnding\" : \"LF\",\n  \"columnDelimiter\" : \"COMMA\",\n"
        + "  \"numberRecordsProcessed\" : " + processed + ",\n  \"numberRecordsFailed\" : " + failed + ",\n"
        + "  \"retries\" : 0,\n  \"totalProcessingTime\" : 886,\n  \"apiActiveProcessingTime\" : 813,\n"
        + "  \"apexProcessingTime\" : 0" + (errorMessage == null ? "" : ",\n  \"errorMessage\" : \"" + errorMessage
        + "\"") + "\n}";
  }

  static String line(int i) {
    return String.format("\"Acme %02d\",\"A-%02d\"%n", i, i).replace("\r\n", "\n");
  }

  static Stream<Map<String, Object>> records(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("Name", String.format("Acme %02d", i));
      r.put("Ext__c", String.format("A-%02d", i));
      return r;
    });
  }

  private static SalesforceManager manager(boolean limitsCheck) {
    stubPasswordLogin(wm, TOKEN_A);
    return builder(wm).bulkLimitsCheck(limitsCheck)
        .bulkPolling(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1))
            .jitter(false).build())
        .pauses(Clock.systemUTC(), d -> { })
        .ingestJobBytes(HEADER.length() + 3L * line(1).length()) // three records a job
        .build();
  }

  /** Four jobs: created in turn (whichever creation comes first gets the first id), each JobComplete with 3 processed and 1 failed, but the third, which fails. */
  private static void stubJobs() {
    wm.resetAll();
    CREATED.set(0);
    wm.stubFor(post(urlPathEqualTo(INGEST)).willReturn(jsonOk("{}").withTransformers("next-ingest-job")));
    for (int j = 0; j < IDS.size(); j++) {
      String id = IDS.get(j);
      wm.stubFor(put(urlPathEqualTo(INGEST + "/" + id + "/batches")).willReturn(aResponse().withStatus(201)));
      wm.stubFor(patch(urlPathEqualTo(INGEST + "/" + id)).willReturn(jsonOk(jobInfo(id, "UploadComplete", 0, 0,
          null))));
      wm.stubFor(get(urlPathEqualTo(INGEST + "/" + id)).willReturn(jsonOk(j == 2
          ? jobInfo(id, "Failed", 0, 0, "InvalidBatch : Field name not found : Nmae")
          : jobInfo(id, "JobComplete", 3, 1, null))));
    }
  }

  /** Upserts twelve records and checks the report's counts. */
  private static BulkIngestReport upsertTwelve(long successful, long failed, long unprocessed) {
    BulkIngestReport report;
    try (SalesforceManager sf = manager(false)) {
      report = sf.bulkIngest("Account", BulkOperation.UPSERT, "Ext__c", records(12));
    }
    assertThat(report.records()).isEqualTo(12);
    assertThat(report.successful()).isEqualTo(successful);
    assertThat(report.failed()).isEqualTo(failed);
    assertThat(report.unprocessed()).isEqualTo(unprocessed);
    return report;
  }

  @Test
  @DisplayName("twelve records, three a job: four jobs, one failing, and one report of 6 saved, 3 failed, 3 unprocessed")
  void splitIntoJobsWithOneReport() {
    stubJobs();
    BulkIngestReport report = upsertTwelve(6, 3, 3);
    assertThat(report.allSuccessful()).isFalse();
    assertThat(report.jobs()).hasSize(4).allSatisfy(j -> assertThat(j.records()).isEqualTo(3));
    assertThat(report.jobs()).extracting(BulkIngestReport.Job::id).containsExactlyInAnyOrderElementsOf(IDS);
    assertThat(report.jobs()).filteredOn(j -> j.state().equals("Failed")).singleElement()
        .satisfies(j -> assertThat(j.errorMessage()).contains("Field name not found : Nmae"));
    wm.verify(4, postRequestedFor(urlPathEqualTo(INGEST)).withRequestBody(equalToJson(
        "{\"object\":\"Account\",\"externalIdFieldName\":\"Ext__c\",\"contentType\":\"CSV\",\"operation\":\"upsert\","
            + "\"lineEnding\":\"LF\"}")));
    List<LoggedRequest> uploads = wm.findAll(putRequestedFor(urlPathMatching(INGEST + "/.*/batches"))
        .withHeader("Content-Type", equalTo("text/csv")));
    assertThat(uploads).hasSize(4);
    StringBuilder all = new StringBuilder();
    uploads.stream().map(r -> new String(r.getBody(), StandardCharsets.UTF_8)).sorted().forEach(body -> {
      assertThat(body).startsWith(HEADER);
      assertThat(body.split("\n")).hasSize(4);
      all.append(body.substring(HEADER.length()));
    });
    assertThat(all.toString()).isEqualTo(IntStream.rangeClosed(1, 12).mapToObj(SalesforceBulkIngestTest::line)
        .reduce("", String::concat));
    wm.verify(4, patchRequestedFor(urlPathMatching(INGEST + "/.*"))
        .withRequestBody(equalToJson("{\"state\":\"UploadComplete\"}")));
  }

  @Test
  @DisplayName("a job whose upload is refused is aborted, its records unprocessed; the other jobs go on")
  void refusedUploadAbortsItsJob() {
    stubJobs();
    String refused = IDS.get(1);
    wm.stubFor(put(urlPathEqualTo(INGEST + "/" + refused + "/batches")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("INVALIDJOB", "Found unsupported field Nmae in the header"))));
    wm.stubFor(get(urlPathEqualTo(INGEST + "/" + IDS.get(2))).willReturn(jsonOk(jobInfo(IDS.get(2), "JobComplete", 3,
        0, null))));
    BulkIngestReport report = upsertTwelve(7, 2, 3);
    assertThat(report.jobs()).filteredOn(j -> refused.equals(j.id())).singleElement().satisfies(j -> {
      assertThat(j.state()).isEqualTo("NotStarted");
      assertThat(j.errorMessage()).contains("unsupported field Nmae");
    });
    wm.verify(1, patchRequestedFor(urlPathEqualTo(INGEST + "/" + refused))
        .withRequestBody(equalToJson("{\"state\":\"Aborted\"}")));
    wm.verify(3, patchRequestedFor(urlPathMatching(INGEST + "/.*"))
        .withRequestBody(equalToJson("{\"state\":\"UploadComplete\"}")));
  }

  @Test
  @DisplayName("allowances: fewer DailyBulkApiBatches left than the jobs need refuses the ingest before any job")
  void limitsRefuseIngest() {
    stubJobs();
    wm.stubFor(get(urlPathEqualTo(API + "/limits")).willReturn(jsonOk(SalesforceBulkResultsTest.limits(9000, 976562,
        3))));
    try (SalesforceManager sf = manager(true)) {
      assertThatThrownBy(() -> sf.bulkIngest("Account", BulkOperation.UPSERT, "Ext__c", records(12)))
          .isInstanceOf(RateLimitedException.class).hasMessageContaining("DailyBulkApiBatches")
          .hasMessageContaining("needs 4");
    }
    wm.verify(0, postRequestedFor(urlPathEqualTo(INGEST)));
  }

  @Test
  @DisplayName("a record whose fields differ from the first's, or an upsert without its field: refused before any job")
  void inputRefused() {
    stubJobs();
    try (SalesforceManager sf = manager(false)) {
      Stream<Map<String, Object>> mixed = Stream.concat(records(2), Stream.of(Map.of("Name", "Odd")));
      assertThatThrownBy(() -> sf.bulkIngest("Account", BulkOperation.UPSERT, "Ext__c", mixed))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("record 3");
      assertThatThrownBy(() -> sf.bulkIngest("Account", BulkOperation.UPSERT, null, records(2)))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("external id");
      assertThatThrownBy(() -> sf.bulkIngest("Account/../x", BulkOperation.INSERT, null, records(2)))
          .isInstanceOf(InvalidInputException.class);
    }
    wm.verify(0, postRequestedFor(urlPathEqualTo(INGEST)));
    wm.verify(0, putRequestedFor(urlPathMatching(INGEST + ".*")).withRequestBody(containing("Acme")));
  }
}
