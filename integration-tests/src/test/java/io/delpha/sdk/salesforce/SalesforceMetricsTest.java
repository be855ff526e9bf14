package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.API;
import static io.delpha.sdk.salesforce.SalesforceStubs.SECRETS;
import static io.delpha.sdk.salesforce.SalesforceStubs.TOKEN_A;
import static io.delpha.sdk.salesforce.SalesforceStubs.builder;
import static io.delpha.sdk.salesforce.SalesforceStubs.fixture;
import static io.delpha.sdk.salesforce.SalesforceStubs.json;
import static io.delpha.sdk.salesforce.SalesforceStubs.stubPasswordLogin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.metrics.MeterChecks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("SalesforceManager metrics: calls by operation and outcome, records read")
class SalesforceMetricsTest {

  static final String SOQL = "SELECT Id, Name FROM Contact";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  @DisplayName("a query, a stream and a missing record move the call timer and the record counter")
  void queriesAndFailures() {
    wm.stubFor(get(urlPathEqualTo(API + "/query/")).withQueryParam("q", equalTo(SOQL))
        .willReturn(json(200, fixture("query-contacts-page1.json"))));
    wm.stubFor(get(urlPathEqualTo(SalesforceQueryTest.NEXT)).willReturn(json(200, fixture("query-contacts-page2.json"))));
    wm.stubFor(get(urlPathEqualTo(API + "/sobjects/Account/001D000000IqhSLXXX")).willReturn(json(404,
        "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    stubPasswordLogin(wm, TOKEN_A);
    try (SalesforceManager sf = builder(wm).metrics(Metrics.micrometer(registry)).build()) {
      assertThat(sf.query(SOQL).size()).isEqualTo(5);
      try (Stream<Map<String, Object>> s = sf.stream(SOQL)) {
        assertThat(s.limit(3).count()).isEqualTo(3);
      }
      assertThatThrownBy(() -> sf.get("Account", "001D000000IqhSLXXX")).isInstanceOf(NotFoundException.class);
    }
    assertThat(MeterChecks.calls(registry, "salesforce", "query", "success")).isEqualTo(1);
    assertThat(MeterChecks.calls(registry, "salesforce", "get", "not_found")).isEqualTo(1);
    assertThat(MeterChecks.count(registry, "delpha.client.records", "service", "salesforce", "operation", "query"))
        .isEqualTo(5);
    assertThat(MeterChecks.count(registry, "delpha.client.records", "service", "salesforce", "operation", "stream"))
        .isEqualTo(3);
    MeterChecks.assertBoundedTags(registry, false, SECRETS.toArray(String[]::new));
    MeterChecks.assertBoundedTags(registry, false, "Contact", "001D000000IqhSLXXX", "SELECT");
  }
}
