package io.delpha.sdk.salesforce;

import io.delpha.sdk.testing.MutableClock;
import io.delpha.sdk.core.RetryPolicy;
import java.time.Duration;
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

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.LogCapture;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("SalesforceManager queries")
class SalesforceQueryTest {

  static final String SOQL = "SELECT Id, Name FROM Contact";
  static final String NEXT = API + "/query/01gD0000002HU6KIAW-2000";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** A Contact as a host application would type it. */
  public record Contact(String Id, String Name) {}

  private static void stubPages(String resource) {
    wm.stubFor(get(urlPathEqualTo(API + "/" + resource + "/")).withQueryParam("q", equalTo(SOQL))
        .willReturn(json(200, fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(NEXT)).willReturn(json(200, fixture("query-contacts-page2.json"))));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=UTF-8")
        .withHeader("Sforce-Limit-Info", "api-usage=120/15000").withBody(body);
  }

  @Test
  @DisplayName("query follows nextRecordsUrl to the end: every record, size() is totalSize")
  void multiPageQuery() {
    stubPages("query");
    try (SalesforceManager sf = manager(wm)) {
      QueryResult r = sf.query(SOQL);
      assertThat(r.size()).isEqualTo(5);
      assertThat(r.records()).extracting(m -> m.get("Name"))
          .containsExactly("Rose Gonzalez", "Sean Forbes", "Jack Rogers", "Pat Stumuller", "Andy Young");
      assertThat(r.records().get(0).get("attributes")).isEqualTo(Map.of("type", "Contact",
          "url", "/services/data/v60.0/sobjects/Contact/003D000000QV9n2IAD"));
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(NEXT)));
  }

  @Test
  @DisplayName("a query's result prints its records as a table, without Salesforce's attributes, at most ten of them")
  void resultPrintsItsRecords() {
    stubPages("query");
    try (SalesforceManager sf = manager(wm)) {
      assertThat(sf.query(SOQL)).hasToString("""
          QueryResult (5 records, totalSize 5)
          Id                 | Name
          -------------------+--------------
          003D000000QV9n2IAD | Rose Gonzalez
          003D000000QV9n3IAD | Sean Forbes
          003D000000QV9n4IAD | Jack Rogers
          003D000000QV9n5IAD | Pat Stumuller
          003D000000QV9n6IAD | Andy Young""");
    }
    List<Map<String, Object>> many = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Map<String, Object> r = new java.util.LinkedHashMap<>();
      r.put("Id", "id" + i);
      r.put("Description", i == 0 ? null : "d".repeat(5_000));
      many.add(r);
    }
    String shown = new QueryResult(many, 2_000).toString();
    assertThat(shown.lines()).hasSize(14);
    assertThat(shown).startsWith("QueryResult (2000 records, totalSize 2000)\nId  | Description\n")
        .contains("\nid0 | null\n").endsWith("\n... 1990 more records");
    assertThat(new QueryResult(List.of(), 0)).hasToString("QueryResult (no records, totalSize 0)");
  }

  @Test
  @DisplayName("queryAll asks the queryAll resource, so deleted and archived records come too")
  void queryAll() {
    stubPages("queryAll");
    try (SalesforceManager sf = manager(wm)) {
      assertThat(sf.queryAll(SOQL).records()).hasSize(5);
      assertThat(sf.streamAll(SOQL, Contact.class).map(Contact::Name).toList()).hasSize(5);
    }
  }

  @Test
  @DisplayName("records map to a class with Jackson, the attributes entry ignored")
  void typedRecords() {
    stubPages("query");
    try (SalesforceManager sf = manager(wm)) {
      List<Contact> contacts = sf.query(SOQL, Contact.class);
      assertThat(contacts).hasSize(5).first().isEqualTo(new Contact("003D000000QV9n2IAD", "Rose Gonzalez"));
    }
  }

  @Test
  @DisplayName("the stream fetches the next page only when it reaches it")
  void streamIsLazy() {
    stubPages("query");
    try (SalesforceManager sf = manager(wm); Stream<Map<String, Object>> records = sf.stream(SOQL)) {
      Iterator<Map<String, Object>> it = records.iterator();
      for (int i = 0; i < 3; i++) {
        assertThat(it.next()).containsKey("Name");
      }
      wm.verify(0, getRequestedFor(urlPathEqualTo(NEXT)));
      assertThat(it.next().get("Name")).isEqualTo("Pat Stumuller");
      wm.verify(1, getRequestedFor(urlPathEqualTo(NEXT)));
    }
  }

  @Test
  @DisplayName("a session that expires mid-stream is renewed by one new login and the page is fetched again")
  void sessionExpiresMidStream() {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("login")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
        .willReturn(json(200, tokenResponse(wm, TOKEN_A))));
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("login")
        .whenScenarioStateIs("second")
        .willReturn(json(200, tokenResponse(wm, TOKEN_B))));
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).withHeader("Authorization", equalTo("Bearer " + TOKEN_A))
        .willReturn(json(200, fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(NEXT)).withHeader("Authorization", equalTo("Bearer " + TOKEN_A))
        .willReturn(json(401, errorBody("INVALID_SESSION_ID", "Session expired or invalid"))));
    wm.stubFor(get(urlPathEqualTo(NEXT)).withHeader("Authorization", equalTo("Bearer " + TOKEN_B))
        .willReturn(json(200, fixture("query-contacts-page2.json"))));

    try (LogCapture logs = new LogCapture();
        SalesforceManager sf = builder(wm).build();
        Stream<Contact> contacts = sf.stream(SOQL, Contact.class)) {
      assertThat(contacts.map(Contact::Name).toList()).hasSize(5).endsWith("Andy Young");
      assertThat(logs.text()).contains("session expired");
      SalesforceLoginTest.assertNoSecret(logs.text());
    }
    wm.verify(2, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
  }

  @Test
  @DisplayName("a session refused again right after a new login is an AuthenticationException, not a loop")
  void sessionRefusedTwice() {
    stubPasswordLogin(wm, TOKEN_A);
    wm.stubFor(get(urlPathEqualTo(API + "/query/"))
        .willReturn(json(401, errorBody("INVALID_SESSION_ID", "Session expired or invalid"))));
    try (SalesforceManager sf = builder(wm).build()) {
      assertThatThrownBy(() -> sf.query(SOQL))
          .isInstanceOf(io.delpha.sdk.core.AuthenticationException.class)
          .hasMessageContaining("INVALID_SESSION_ID");
    }
    wm.verify(2, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "/query/")));
  }

  @Test
  @DisplayName("malformed SOQL is an InvalidInputException carrying Salesforce's message, not retried")
  void malformedSoql() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(json(400,
        errorBody("MALFORMED_QUERY", "unexpected token: FRM"))));
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.query("SELECT Id FRM Contact"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("MALFORMED_QUERY")
          .hasMessageContaining("unexpected token: FRM");
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "/query/")));
  }

  @Test
  @DisplayName("an unknown field is an InvalidInputException with the field Salesforce names")
  void invalidField() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(json(400, errorBody("INVALID_FIELD",
        "No such column 'Nmae' on entity 'Contact'."))));
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.stream("SELECT Nmae FROM Contact").count())
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("Nmae");
    }
  }

  @Test
  @DisplayName("REQUEST_LIMIT_EXCEEDED is a RateLimitedException carrying the API usage, without retries")
  void rateLimited() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))));
    wm.stubFor(get(urlPathEqualTo(API + "/limits")).willReturn(aResponse().withStatus(403)
        .withHeader("Sforce-Limit-Info", "api-usage=15023/15000")
        .withHeader("Content-Type", "application/json")
        .withBody(errorBody("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))));
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.query(SOQL))
          .isInstanceOf(RateLimitedException.class)
          .hasMessageContaining("TotalRequests Limit exceeded.")
          .hasMessageContaining("api-usage=15023/15000");
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "/query/")));
  }

  @Test
  @DisplayName("HTTP 503 is retried after the policy's pause (taken on the test clock) and the query then succeeds")
  void transientFailureRetried() {
    stubPasswordLogin(wm, TOKEN_A);
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("ok").willReturn(json(503, errorBody("SERVER_UNAVAILABLE", "Server temporarily unavailable"))));
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).inScenario("flaky").whenScenarioStateIs("ok")
        .willReturn(json(200, fixture("query-contacts-page2.json"))));
    MutableClock clock = new MutableClock();
    try (SalesforceManager sf = builder(wm).retryPolicy(RetryPolicy.builder().maxAttempts(3)
        .initialDelay(Duration.ofSeconds(5)).jitter(false).build()).pauses(clock, clock::sleep).build()) {
      assertThat(sf.query(SOQL).records()).hasSize(2);
    }
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "/query/")));
    assertThat(clock.slept()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("a server that keeps answering 500 is a ServiceUnavailableException after the bounded retries")
  void retriesAreBounded() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(json(500,
        errorBody("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId: 1234"))));
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.query(SOQL))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("UNKNOWN_EXCEPTION")
          .hasMessageContaining("gave up after 3 attempts");
    }
    wm.verify(3, getRequestedFor(urlPathEqualTo(API + "/query/")));
  }

  @Test
  @DisplayName("a server that goes away mid-stream is a ServiceUnavailableException; re-running the query then returns every record")
  void serverGoesAwayMidStream() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).willReturn(json(200, fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(NEXT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (SalesforceManager sf = manager(wm)) {
      Iterator<Map<String, Object>> it = sf.stream(SOQL).iterator();
      for (int i = 0; i < 3; i++) {
        it.next();
      }
      // over plain http the JDK client asks for HTTP/2 and WireMock's Jetty answers a reset fault on such a
      // connection with a 500: either way a failure of the server, retried, then a ServiceUnavailableException
      assertThatThrownBy(it::next).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("gave up after 3 attempts");
      wm.verify(com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly(3), getRequestedFor(urlPathEqualTo(NEXT)));

      wm.stubFor(get(urlPathEqualTo(NEXT)).willReturn(json(200, fixture("query-contacts-page2.json"))));
      assertThat(sf.query(SOQL).records()).hasSize(5);
    }
  }

  @Test
  @DisplayName("an empty query is refused before any call")
  void emptyQuery() {
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.query(" ")).isInstanceOf(InvalidInputException.class);
    }
    wm.verify(0, getRequestedFor(urlPathEqualTo(API + "/query/")));
  }
}
