package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.API;
import static io.delpha.sdk.salesforce.SalesforceStubs.CLIENT_ID;
import static io.delpha.sdk.salesforce.SalesforceStubs.CLIENT_SECRET;
import static io.delpha.sdk.salesforce.SalesforceStubs.PASSWORD;
import static io.delpha.sdk.salesforce.SalesforceStubs.SECRETS;
import static io.delpha.sdk.salesforce.SalesforceStubs.SECURITY_TOKEN;
import static io.delpha.sdk.salesforce.SalesforceStubs.TOKEN_A;
import static io.delpha.sdk.salesforce.SalesforceStubs.USERNAME;
import static io.delpha.sdk.salesforce.SalesforceStubs.fixture;
import static io.delpha.sdk.salesforce.SalesforceStubs.stubPasswordLogin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.cli.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delpha salesforce query} as a process against WireMock answering as Salesforce's REST and Bulk API 2.0
 * documentation shows: the credentials come from a JSON secret and never appear in the output.
 */
class SalesforceCliTest {

  static final String JOB = API + "/jobs/query/750R0000000zlh9IAA";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  Path secrets;

  @BeforeEach
  void writeSecret() throws Exception {
    secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{\"salesforce\": {\"client_id\": \"" + CLIENT_ID + "\", \"client_secret\": \""
        + CLIENT_SECRET + "\", \"username\": \"" + USERNAME + "\", \"password\": \"" + PASSWORD
        + "\", \"security_token\": \"" + SECURITY_TOKEN + "\"}}");
  }

  CliProcess.Result query(String... more) {
    String[] head = {"salesforce", "query", "--login-url", wm.baseUrl(), "--secrets", "file:" + secrets,
        "--credentials-secret", "salesforce"};
    String[] all = new String[head.length + more.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(more, 0, all, head.length, more.length);
    return CliProcess.run(Map.of(), all);
  }

  static void assertNoSecret(CliProcess.Result r) {
    for (String s : SECRETS) {
      assertThat(r.out() + r.err()).doesNotContain(s);
    }
  }

  @Test
  void restQueryFollowsEveryPageIntoCsv() {
    stubPasswordLogin(wm, TOKEN_A);
    String soql = "SELECT Id, Name FROM Contact";
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).withQueryParam("q", equalTo(soql))
        .willReturn(json(fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(API + "/query/01gD0000002HU6KIAW-2000"))
        .willReturn(json(fixture("query-contacts-page2.json"))));

    CliProcess.Result r = query(soql, "--format", "csv");

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.out().lines().toList()).hasSize(6).first().isEqualTo("Id,Name");
    assertThat(r.out()).contains("003D000000QV9n2IAD,Rose Gonzalez").contains("003D000000QV9n6IAD,Andy Young")
        .doesNotContain("attributes");
    assertThat(r.err()).contains("5 records");
    assertNoSecret(r);
  }

  @Test
  void bulkQueryReadsEveryResultPageIntoJson() throws Exception {
    stubPasswordLogin(wm, TOKEN_A);
    String soql = "SELECT Id, Name, Description FROM Account";
    wm.stubFor(post(urlPathEqualTo(API + "/jobs/query"))
        .withRequestBody(equalToJson("{\"operation\":\"query\",\"query\":\"" + soql + "\"}"))
        .willReturn(json(fixture("bulk-job-created.json"))));
    wm.stubFor(get(urlPathEqualTo(JOB)).inScenario("job").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
        .willReturn(json(fixture("bulk-job-inprogress.json"))));
    wm.stubFor(get(urlPathEqualTo(JOB)).inScenario("job").whenScenarioStateIs("done")
        .willReturn(json(fixture("bulk-job-jobcomplete.json"))));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", absent())
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
            .withHeader("Sforce-Locator", "MTAwMDA").withBody(fixture("bulk-results-page1.csv"))));
    wm.stubFor(get(urlPathEqualTo(JOB + "/results")).withQueryParam("locator", equalTo("MTAwMDA"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/csv")
            .withHeader("Sforce-Locator", "null").withBody(fixture("bulk-results-page2.csv"))));

    CliProcess.Result r = query(soql, "--bulk", "--format", "json");

    assertThat(r.exitCode()).as(r.all()).isZero();
    ObjectMapper mapper = new ObjectMapper();
    java.util.List<JsonNode> rows = new java.util.ArrayList<>();
    for (String line : r.out().lines().toList()) {
      rows.add(mapper.readTree(line));
    }
    assertThat(rows).hasSize(5);
    assertThat(rows).extracting(n -> n.get("Name").asText())
        .containsExactly("Acme", "Globex", "Initech", "Umbrella", "Hooli");
    assertThat(rows.get(0).get("Description").asText()).isEqualTo("Makes anvils, rockets and \"dehydrated\" boulders");
    assertThat(rows.get(1).get("Description").asText()).isEqualTo("Line one\nline two");
    wm.verify(2, getRequestedFor(urlPathEqualTo(JOB + "/results")));
    assertNoSecret(r);
  }

  @Test
  void refusedLoginAndMalformedSoqlExitOneWithTheTypedMessage() {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}")));
    CliProcess.Result refused = query("SELECT Id FROM Account");
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    assertThat(refused.err()).contains("error: ").contains("invalid_grant").doesNotContain("\tat ");
    assertNoSecret(refused);

    wm.resetAll();
    stubPasswordLogin(wm, TOKEN_A);
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(SalesforceStubs.errorBody("MALFORMED_QUERY", "unexpected token: FORM"))));
    CliProcess.Result malformed = query("SELECT Id FORM Account");
    assertThat(malformed.exitCode()).as(malformed.all()).isEqualTo(1);
    assertThat(malformed.err()).contains("MALFORMED_QUERY").doesNotContain("\tat ");
    assertNoSecret(malformed);

    CliProcess.Result usage = query("SELECT Id FROM Account", "--format", "xml");
    assertThat(usage.exitCode()).as(usage.all()).isEqualTo(2);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=UTF-8").withBody(body);
  }
}
