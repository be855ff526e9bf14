package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("SalesforceManager Bulk API 2.0 query jobs")
class SalesforceBulkQueryTest {

  static final String JOB = API + "/jobs/query/750R0000000zlh9IAA";
  static final String SOQL = "SELECT Id, Name, Description FROM Account";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static SalesforceManager bulkManager() {
    stubPasswordLogin(wm, TOKEN_A);
    return builder(wm).bulkPageSize(3)
        .bulkPolling(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).jitter(false).build())
        .build();
  }

  private static void stubJobStates(String... states) {
    wm.stubFor(post(urlPathEqualTo(API + "/jobs/query"))
        .withRequestBody(equalToJson("{\"operation\":\"query\",\"query\":\"" + SOQL + "\"}"))
        .willReturn(json(fixture("bulk-job-created.json"))));
    String state = Scenario.STARTED;
    for (int i = 0; i < states.length; i++) {
      String next = "poll" + (i + 1);
      wm.stubFor(get(urlPathEqualTo(JOB)).inScenario("job").whenScenarioStateIs(state).willSetStateTo(next)
          .willReturn(json(fixture("bulk-job-" + states[i] + ".json"))));
      state = next;
    }
  }

  @Test
  @DisplayName("a job is polled until JobComplete, then its CSV pages are read through Sforce-Locator until the literal null")
  void completesAndStreamsPages() {
    stubJobStates("inprogress", "inprogress", "jobcomplete");
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent())
        .withQueryParam("maxRecords", equalTo("3"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
            .withHeader("Sforce-Locator", "MTAwMDA").withHeader("Sforce-NumberOfRecords", "3")
            .withHeader("Sforce-Limit-Info", "api-usage=77/15000")
            .withBody(fixture("bulk-results-page1.csv"))));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo("MTAwMDA"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
            .withHeader("Sforce-Locator", "null").withHeader("Sforce-NumberOfRecords", "2")
            .withBody(fixture("bulk-results-page2.csv"))));

    List<Map<String, String>> rows;
    try (SalesforceManager sf = bulkManager(); Stream<Map<String, String>> stream = sf.bulkQuery(SOQL)) {
      rows = stream.toList();
    }
    assertThat(rows).extracting(r -> r.get("Name")).containsExactly("Acme", "Globex", "Initech", "Umbrella", "Hooli");
    assertThat(rows.get(0)).containsEntry("Id", "001R0000003sV2qIAE")
        .containsEntry("Description", "Makes anvils, rockets and \"dehydrated\" boulders");
    assertThat(rows.get(1).get("Description")).isEqualTo("Line one\nline two");
    assertThat(rows.get(2).get("Description")).isEmpty();
    wm.verify(3, getRequestedFor(urlPathEqualTo(JOB)));
    wm.verify(2, getRequestedFor(urlPathEqualTo(JOB + "/results")));
  }

  @Test
  @DisplayName("a results page with a CRLF multi-line field, a broken quote and a short record: the good rows, then a "
      + "DataFormatException naming the line")
  void malformedResultsPage() {
    stubJobStates("jobcomplete");
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/csv").withHeader("Sforce-Locator", "null")
        .withBody("\"Id\",\"Name\",\"Description\"\r\n"
            + "\"001R0000003sV2qIAE\",\"Acme\",\"one\r\ntwo, \"\"three\"\"\"\r\n"
            + "\r\n"
            + "\"001R0000003sV2rIAE\",Glo\"bex,\"x\"\r\n"
            + "\"001R0000003sV2sIAE\",\"Initech\"\r\n")));

    List<Map<String, String>> seen = new java.util.ArrayList<>();
    try (SalesforceManager sf = bulkManager(); Stream<Map<String, String>> stream = sf.bulkQuery(SOQL)) {
      assertThatThrownBy(() -> stream.forEach(seen::add)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("750R0000000zlh9IAA").hasMessageContaining("line 5")
          .hasMessageContaining("quote inside unquoted field 2");
    }
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).containsExactly(java.util.Map.entry("Id", "001R0000003sV2qIAE"),
        java.util.Map.entry("Name", "Acme"), java.util.Map.entry("Description", "one\r\ntwo, \"three\""));
  }

  @Test
  @DisplayName("the second results page is only requested once the first is used up")
  void pagesAreLazy() {
    stubJobStates("jobcomplete");
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent())
        .willReturn(aResponse().withStatus(200).withHeader("Sforce-Locator", "MTAwMDA")
            .withBody(fixture("bulk-results-page1.csv"))));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo("MTAwMDA"))
        .willReturn(aResponse().withStatus(200).withHeader("Sforce-Locator", "null")
            .withBody(fixture("bulk-results-page2.csv"))));
    try (SalesforceManager sf = bulkManager(); Stream<Map<String, String>> stream = sf.bulkQuery(SOQL)) {
      assertThat(stream.limit(2).toList()).hasSize(2);
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(JOB + "/results")));
  }

  @Test
  @DisplayName("a job that fails is an InvalidInputException with Salesforce's errorMessage")
  void failedJob() {
    stubJobStates("inprogress", "failed");
    try (SalesforceManager sf = bulkManager()) {
      assertThatThrownBy(() -> sf.bulkQuery(SOQL))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("750R0000000zlh9IAA")
          .hasMessageContaining("No such column 'Nmae'");
    }
    wm.verify(0, getRequestedFor(urlPathEqualTo(JOB + "/results")));
  }

  @Test
  @DisplayName("an aborted job is a DelphaException telling to run the query again")
  void abortedJob() {
    stubJobStates("inprogress");
    wm.stubFor(get(urlPathEqualTo(JOB)).inScenario("job").whenScenarioStateIs("poll1")
        .willReturn(json(fixture("bulk-job-inprogress.json").replace("\"InProgress\"", "\"Aborted\""))));
    try (SalesforceManager sf = bulkManager()) {
      assertThatThrownBy(() -> sf.bulkQuery(SOQL))
          .isExactlyInstanceOf(DelphaException.class).hasMessageContaining("aborted");
    }
  }

  @Test
  @DisplayName("malformed SOQL is refused at job creation as an InvalidInputException")
  void malformedAtCreation() {
    stubPasswordLogin(wm, TOKEN_A);
    wm.stubFor(post(urlPathEqualTo(API + "/jobs/query")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("INVALIDJOB", "unexpected token: FRM"))));
    try (SalesforceManager sf = builder(wm).build()) {
      assertThatThrownBy(() -> sf.bulkQuery("SELECT Id FRM Account"))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("unexpected token: FRM");
    }
  }
}
