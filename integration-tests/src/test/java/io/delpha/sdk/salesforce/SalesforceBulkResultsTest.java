package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bulk API 2.0 results at its 2026 frontier: {@code resultPages} downloaded in parallel, gzip-compressed pages, and
 * the org's allowances read before a job. Answers shaped as Salesforce's documentation shows them ("Get Parallel
 * Results for a Query Job", "Use Compression for Bulk API 2.0 Query Responses", the {@code limits} resource).
 */
@DisplayName("SalesforceManager Bulk API 2.0 results: parallel pages, gzip, allowances")
class SalesforceBulkResultsTest {

  static final String JOB_ID = "750R0000000zlh9IAA";
  static final String JOB = API + "/jobs/query/" + JOB_ID;
  static final String SOQL = "SELECT Id, Name FROM Account";
  static final int PAGES = 6;
  static final int ROWS_PER_PAGE = 3;

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().gzipDisabled(true)).build();

  private static ResponseDefinitionBuilder jsonOk(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** A manager whose retries and polls never wait on the wall clock. */
  private static SalesforceManager manager(int downloads, UnaryOperator<SalesforceManagerBuilder> more) {
    stubPasswordLogin(wm, TOKEN_A);
    SalesforceManagerBuilder b = builder(wm).bulkParallelDownloads(downloads)
        .bulkPolling(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1))
            .jitter(false).build())
        .pauses(Clock.systemUTC(), d -> { });
    return more.apply(b).build();
  }

  private static void stubCompleteJob() {
    wm.resetAll();
    wm.stubFor(post(urlPathEqualTo(API + "/jobs/query")).willReturn(jsonOk(fixture("bulk-job-created.json"))));
    wm.stubFor(get(urlPathEqualTo(JOB)).willReturn(jsonOk(fixture("bulk-job-jobcomplete.json"))));
  }

  static String page(int n) {
    StringBuilder csv = new StringBuilder("\"Id\",\"Name\"\n");
    for (int r = 0; r < ROWS_PER_PAGE; r++) {
      csv.append("\"001R00000").append(String.format("%02d%02d", n, r)).append("AAE\",\"Account ").append(n)
          .append('-').append(r).append(", \"\"quoted\"\"\"\n");
    }
    return csv.toString();
  }

  static String locator(int n) {
    return "MTAwMDA" + n + "4N";
  }

  static String resultUrl(int n) {
    return "{\"resultUrl\":\"" + JOB + "/results?locator=" + locator(n) + "\"}";
  }

  private static ResponseDefinitionBuilder csv(int n) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/csv; charset=UTF-8")
        .withHeader("Sforce-NumberOfRecords", String.valueOf(ROWS_PER_PAGE))
        .withHeader("Sforce-Locator", n < PAGES ? locator(n + 1) : "null").withBody(page(n));
  }

  /**
   * Pages 1..6 both ways: the locator paging (no locator, then locators 2..6), and resultPages listing locators 1..5,
   * then a second list (its nextRecordsUrl) with locator 6.
   */
  private static void stubPages() {
    stubCompleteJob();
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent()).willReturn(csv(1)));
    for (int n = 1; n <= PAGES; n++) {
      wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(n)))
          .willReturn(csv(n)));
    }
    wm.stubFor(get(urlPathEqualTo(JOB + "/resultPages")).withQueryParam("locator", absent()).willReturn(jsonOk(
        "{\n  \"resultPages\": [" + resultUrl(1) + "," + resultUrl(2) + "," + resultUrl(3) + "," + resultUrl(4) + ","
            + resultUrl(5) + "],\n  \"nextRecordsUrl\": \"" + JOB + "/resultPages?locator=cmVzdWx0UGFnZXMy\",\n"
            + "  \"done\": false\n}")));
    wm.stubFor(get(urlPathEqualTo(JOB + "/resultPages")).withQueryParam("locator", equalTo("cmVzdWx0UGFnZXMy"))
        .willReturn(jsonOk("{\"resultPages\": [" + resultUrl(6) + "], \"nextRecordsUrl\": null, \"done\": true}")));
  }

  private static List<Map<String, String>> rows(SalesforceManager sf) {
    try (Stream<Map<String, String>> s = sf.bulkQuery(SOQL)) {
      return s.toList();
    }
  }

  @Test
  @DisplayName("resultPages: six pages over two lists, three at a time, give the locator paging's rows in its order")
  void parallelMatchesSequential() {
    stubPages();
    List<Map<String, String>> sequential;
    try (SalesforceManager sf = manager(1, b -> b)) {
      sequential = rows(sf);
    }
    wm.verify(0, getRequestedFor(urlPathEqualTo(JOB + "/resultPages")));
    wm.resetRequests();
    List<Map<String, String>> parallel;
    try (SalesforceManager sf = manager(3, b -> b)) {
      parallel = rows(sf);
    }
    assertThat(sequential).hasSize(PAGES * ROWS_PER_PAGE);
    assertThat(parallel).isEqualTo(sequential);
    assertThat(parallel.get(0)).containsEntry("Name", "Account 1-0, \"quoted\"");
    assertThat(parallel.get(PAGES * ROWS_PER_PAGE - 1)).containsEntry("Name", "Account 6-2, \"quoted\"");
    wm.verify(2, getRequestedFor(urlPathEqualTo(JOB + "/resultPages")));
    wm.verify(0, getRequestedFor(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent()));
    for (int n = 1; n <= PAGES; n++) {
      wm.verify(1, getRequestedFor(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(n)))
          .withHeader("Accept-Encoding", equalTo("gzip")));
    }
  }

  @Test
  @DisplayName("a page that fails once (500) is fetched again alone; every other page is fetched once")
  void failedPageRetriedAlone() {
    stubPages();
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(3)))
        .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed once")
        .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
            .withBody(errorBody("UNKNOWN_EXCEPTION", "An unexpected error occurred"))));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(3)))
        .inScenario("flaky").whenScenarioStateIs("failed once").willReturn(csv(3)));
    List<Map<String, String>> rows;
    try (SalesforceManager sf = manager(5, b -> b)) {
      rows = rows(sf);
    }
    assertThat(rows).extracting(r -> r.get("Name")).startsWith("Account 1-0, \"quoted\"")
        .endsWith("Account 6-2, \"quoted\"").hasSize(PAGES * ROWS_PER_PAGE).doesNotHaveDuplicates();
    for (int n = 1; n <= PAGES; n++) {
      wm.verify(n == 3 ? 2 : 1,
          getRequestedFor(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(n))));
    }
  }

  @Test
  @DisplayName("a 404 on resultPages falls back to the locator paging")
  void notOfferedFallsBack() {
    stubPages();
    wm.stubFor(get(urlPathEqualTo(JOB + "/resultPages")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("NOT_FOUND", "The requested resource does not exist"))));
    List<Map<String, String>> rows;
    try (SalesforceManager sf = manager(5, b -> b)) {
      rows = rows(sf);
    }
    assertThat(rows).hasSize(PAGES * ROWS_PER_PAGE);
    wm.verify(1, getRequestedFor(urlPathEqualTo(JOB + "/resultPages")));
    wm.verify(1, getRequestedFor(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent()));
  }

  @Test
  @DisplayName("a resultUrl naming another job's path is refused before anything is sent to it")
  void foreignResultUrlRefused() {
    stubPages();
    wm.stubFor(get(urlPathEqualTo(JOB + "/resultPages")).willReturn(jsonOk("{\"resultPages\": [{\"resultUrl\": \""
        + API + "/jobs/query/750R0000000zlh9XXX/results?locator=abc\"}], \"done\": true}")));
    try (SalesforceManager sf = manager(5, b -> b)) {
      assertThatThrownBy(() -> rows(sf)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("was not followed");
    }
    wm.verify(0, getRequestedFor(urlPathEqualTo(JOB + "/results")));
  }

  @Test
  @DisplayName("resultPages lists that name the same next list forever end in a ResponseLimitException")
  void loopingListsEnd() {
    stubPages();
    String again = "{\"resultPages\": [" + resultUrl(1) + "], \"nextRecordsUrl\": \"" + JOB
        + "/resultPages?locator=bG9vcA\", \"done\": false}";
    wm.stubFor(get(urlPathEqualTo(JOB + "/resultPages")).willReturn(jsonOk(again)));
    try (SalesforceManager sf = manager(2, b -> b)) {
      assertThatThrownBy(() -> rows(sf)).isInstanceOf(ResponseLimitException.class)
          .hasMessageContaining("already read");
    }
    wm.verify(2, getRequestedFor(urlPathEqualTo(JOB + "/resultPages"))); // the repeat is refused unsent
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ResponseDefinitionBuilder gzipped(byte[] body, String nextLocator, int records) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/csv; charset=UTF-8")
        .withHeader("Content-Encoding", "gzip").withHeader("Sforce-NumberOfRecords", String.valueOf(records))
        .withHeader("Sforce-Locator", nextLocator).withBody(gzip(body));
  }

  @Test
  @DisplayName("gzip: pages sent with Content-Encoding: gzip are inflated, by the locator paging and by resultPages")
  void gzipResults() {
    stubPages();
    for (int n = 1; n <= PAGES; n++) {
      ResponseDefinitionBuilder page = gzipped(page(n).getBytes(StandardCharsets.UTF_8),
          n < PAGES ? locator(n + 1) : "null", ROWS_PER_PAGE);
      wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(n)))
          .withHeader("Accept-Encoding", equalTo("gzip")).willReturn(page));
      if (n == 1) {
        wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent())
            .withHeader("Accept-Encoding", equalTo("gzip")).willReturn(page));
      }
    }
    List<Map<String, String>> sequential;
    List<Map<String, String>> parallel;
    try (SalesforceManager sf = manager(1, b -> b)) {
      sequential = rows(sf);
    }
    try (SalesforceManager sf = manager(4, b -> b)) {
      parallel = rows(sf);
    }
    assertThat(sequential).hasSize(PAGES * ROWS_PER_PAGE).isEqualTo(parallel);
    assertThat(sequential.get(4)).containsEntry("Name", "Account 2-1, \"quoted\"");
  }

  /** A CSV page of a header and one field of {@code bytes} letters: a few KB once compressed. */
  static byte[] bomb(int bytes) {
    byte[] page = new byte[bytes];
    byte[] header = "\"Id\"\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, page, 0, header.length);
    java.util.Arrays.fill(page, header.length, bytes, (byte) 'a');
    return page;
  }

  @Test
  @DisplayName("a gzip bomb (a few KB inflating past the byte budget) is a ResponseLimitException, both ways")
  void gzipBomb() {
    stubPages();
    ResponseDefinitionBuilder bomb = gzipped(bomb(3 << 20), "null", 1);
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent()).willReturn(bomb));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo(locator(2)))
        .willReturn(bomb));
    try (SalesforceManager sf = manager(3, b -> b.responseLimits(l -> l.maxBodyBytes(1 << 20)))) {
      assertThatThrownBy(() -> rows(sf)).isInstanceOf(ResponseLimitException.class)
          .hasMessageContaining("maxBodyBytes");
    }
    try (SalesforceManager sf = manager(1, b -> b.responseLimits(l -> l.maxStreamBytes(1 << 20)))) {
      assertThatThrownBy(() -> rows(sf)).isInstanceOf(ResponseLimitException.class)
          .hasMessageContaining("maxStreamBytes");
    }
  }

  @Test
  @DisplayName("a page that says gzip and is not is a DataFormatException")
  void notGzip() {
    stubPages();
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent()).willReturn(
        aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(page(1))));
    try (SalesforceManager sf = manager(1, b -> b)) {
      assertThatThrownBy(() -> rows(sf)).isInstanceOf(DataFormatException.class).hasMessageContaining("not");
    }
  }

  static String limits(long queryJobsLeft, long storageLeft, long batchesLeft) {
    return "{\n"
        + "  \"DailyApiRequests\" : {\"Max\" : 15000, \"Remaining\" : 14998},\n"
        + "  \"DailyBulkApiBatches\" : {\"Max\" : 15000, \"Remaining\" : " + batchesLeft + "},\n"
        + "  \"DailyBulkV2QueryFileStorageMB\" : {\"Max\" : 976562, \"Remaining\" : " + storageLeft + "},\n"
        + "  \"DailyBulkV2QueryJobs\" : {\"Max\" : 10000, \"Remaining\" : " + queryJobsLeft + "}\n"
        + "}";
  }

  @Test
  @DisplayName("allowances: no query job left for today is a RateLimitedException before any job is created")
  void limitsRefuseQueryJob() {
    stubPages();
    wm.stubFor(get(urlPathEqualTo(API + "/limits")).willReturn(jsonOk(limits(0, 976562, 15000))));
    try (SalesforceManager sf = manager(1, b -> b.bulkLimitsCheck(true))) {
      assertThatThrownBy(() -> sf.bulkQuery(SOQL)).isInstanceOf(RateLimitedException.class)
          .hasMessageContaining("DailyBulkV2QueryJobs").hasMessageContaining("0 of 10000");
    }
    wm.verify(0, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));
    wm.stubFor(get(urlPathEqualTo(API + "/limits")).willReturn(jsonOk(limits(9000, 976562, 15000))));
    try (SalesforceManager sf = manager(1, b -> b.bulkLimitsCheck(true))) {
      assertThat(rows(sf)).hasSize(PAGES * ROWS_PER_PAGE);
    }
    wm.verify(1, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));
  }
}
