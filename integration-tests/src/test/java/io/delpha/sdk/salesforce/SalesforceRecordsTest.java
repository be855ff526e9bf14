package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("SalesforceManager describe, records and sObject Collections")
class SalesforceRecordsTest {

  static final String ACCOUNT_ID = "001D000000IqhSLIAZ";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=UTF-8")
        .withHeader("Sforce-Limit-Info", "api-usage=42/15000").withBody(body);
  }

  @Test
  @DisplayName("describe global lists the org's objects; describe sObject gives the fields")
  void describe() {
    wm.stubFor(get(urlPathEqualTo(API + "/sobjects/")).willReturn(json(200, fixture("describe-global.json"))));
    wm.stubFor(get(urlPathEqualTo(API + "/sobjects/Account/describe")).willReturn(json(200, fixture("describe-account.json"))));
    try (SalesforceManager sf = manager(wm)) {
      assertThat(sf.describeGlobal()).containsExactly(
          new SObjectSummary("Account", "Account", false, true, true, "001"),
          new SObjectSummary("Invoice__c", "Invoice", true, true, true, "a00"));
      SObjectDescription account = sf.describe("Account");
      assertThat(account.fields()).extracting(FieldDescription::name).containsExactly("Id", "Name", "ParentId", "Delpha_Id__c");
      assertThat(account.field("delpha_id__c")).hasValueSatisfying(f -> assertThat(f.externalId()).isTrue());
      assertThat(account.field("ParentId").orElseThrow().referenceTo()).containsExactly("Account");
      assertThat(account.deletable()).isTrue();
    }
  }

  @Test
  @DisplayName("get, create, update and delete one record")
  void crud() {
    String recordUrl = API + "/sobjects/Account/" + ACCOUNT_ID;
    wm.stubFor(post(urlPathEqualTo(API + "/sobjects/Account")).withRequestBody(equalToJson("{\"Name\":\"Acme\"}"))
        .willReturn(json(201, "{\"id\":\"" + ACCOUNT_ID + "\",\"errors\":[],\"success\":true}")));
    wm.stubFor(get(urlPathEqualTo(recordUrl)).willReturn(json(200,
        "{\"attributes\":{\"type\":\"Account\",\"url\":\"" + recordUrl + "\"},\"Id\":\"" + ACCOUNT_ID + "\",\"Name\":\"Acme\"}")));
    wm.stubFor(patch(urlPathEqualTo(recordUrl))
        .withRequestBody(equalToJson("{\"Phone\":\"+44 20 7946 0000\"}")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(delete(urlPathEqualTo(recordUrl)).willReturn(aResponse().withStatus(204)));
    try (SalesforceManager sf = manager(wm)) {
      assertThat(sf.create("Account", Map.of("Name", "Acme"))).isEqualTo(ACCOUNT_ID);
      assertThat(sf.get("Account", ACCOUNT_ID)).containsEntry("Name", "Acme");
      sf.update("Account", ACCOUNT_ID, Map.of("Phone", "+44 20 7946 0000"));
      sf.delete("Account", ACCOUNT_ID);
    }
    wm.verify(1, deleteRequestedFor(urlPathEqualTo(recordUrl)));
    wm.verify(1, patchRequestedFor(urlPathEqualTo(recordUrl)));
  }

  @Test
  @DisplayName("a record that does not exist is a NotFoundException; a malformed id never reaches Salesforce")
  void notFound() {
    wm.stubFor(get(urlPathEqualTo(API + "/sobjects/Account/001D000000IqhSLXXX")).willReturn(json(404,
        "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")));
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.get("Account", "001D000000IqhSLXXX"))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("does not exist");
      assertThatThrownBy(() -> sf.get("Account", "../limits"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> sf.describe("Account/../../x"))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  @DisplayName("upsert by external id reports CREATED on 201 and UPDATED on 200 (API v46+)")
  void upsert() {
    String path = API + "/sobjects/Account/Delpha_Id__c/A%2042";
    wm.stubFor(patch(urlPathEqualTo(path)).inScenario("upsert")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("exists")
        .willReturn(json(201, "{\"id\":\"" + ACCOUNT_ID + "\",\"success\":true,\"errors\":[],\"created\":true}")));
    wm.stubFor(patch(urlPathEqualTo(path)).inScenario("upsert")
        .whenScenarioStateIs("exists")
        .willReturn(json(200, "{\"id\":\"" + ACCOUNT_ID + "\",\"success\":true,\"errors\":[],\"created\":false}")));
    try (SalesforceManager sf = manager(wm)) {
      assertThat(sf.upsert("Account", "Delpha_Id__c", "A 42", Map.of("Name", "Acme"))).isEqualTo(UpsertOutcome.CREATED);
      assertThat(sf.upsert("Account", "Delpha_Id__c", "A 42", Map.of("Name", "Acme Ltd"))).isEqualTo(UpsertOutcome.UPDATED);
    }
  }

  @Test
  @DisplayName("createAll sends 200 records per request and reports each record's result in order")
  void createAllInChunks() throws Exception {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      records.add(i == 205 ? Map.of("Phone", "no name") : Map.of("Name", "Account " + i));
    }
    String[] states = {Scenario.STARTED, "second", "third"};
    int[] sizes = {200, 200, 50};
    for (int chunk = 0; chunk < 3; chunk++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < sizes[chunk]; i++) {
        int index = chunk * 200 + i;
        body.append(i == 0 ? "" : ",").append(index == 205
            ? "{\"success\":false,\"errors\":[{\"statusCode\":\"REQUIRED_FIELD_MISSING\",\"message\":\"Required fields are missing: [Name]\",\"fields\":[\"Name\"]}]}"
            : "{\"id\":\"001RM" + String.format("%013d", index) + "\",\"success\":true,\"errors\":[]}");
      }
      wm.stubFor(post(urlPathEqualTo(API + "/composite/sobjects")).inScenario("chunks")
          .whenScenarioStateIs(states[chunk]).willSetStateTo(chunk < 2 ? states[chunk + 1] : "done")
          .willReturn(json(200, body.append("]").toString())));
    }
    List<RecordResult> results;
    try (SalesforceManager sf = manager(wm)) {
      results = sf.createAll("Account", records);
    }
    assertThat(results).hasSize(450);
    assertThat(results).filteredOn(r -> !r.success()).singleElement().satisfies(r -> {
      assertThat(r.index()).isEqualTo(205);
      assertThat(r.errors()).containsExactly(new SalesforceError("REQUIRED_FIELD_MISSING",
          "Required fields are missing: [Name]", List.of("Name")));
    });
    assertThat(results.get(449).id()).isEqualTo("001RM0000000000449");
    List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlPathEqualTo(API + "/composite/sobjects")));
    ObjectMapper mapper = new ObjectMapper();
    assertThat(requests).extracting(r -> json(mapper, r).get("records").size()).containsExactly(200, 200, 50);
    JsonNode first = json(mapper, requests.get(0));
    assertThat(first.get("allOrNone").asBoolean()).isFalse();
    assertThat(first.get("records").get(0).get("attributes").get("type").asText()).isEqualTo("Account");
  }

  @Test
  @DisplayName("updateAll refuses records without an Id before calling Salesforce")
  void updateAllNeedsIds() {
    try (SalesforceManager sf = manager(wm)) {
      assertThatThrownBy(() -> sf.updateAll("Account", List.of(Map.of("Name", "x"))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("record 0 has no Id");
    }
    wm.verify(0, patchRequestedFor(urlPathEqualTo(API + "/composite/sobjects")));
  }

  @Test
  @DisplayName("upsertAll and deleteAll report per-record results")
  void upsertAllAndDeleteAll() {
    wm.stubFor(patch(urlPathEqualTo(API + "/composite/sobjects/Account/Delpha_Id__c")).willReturn(json(200,
        "[{\"id\":\"001RM000003oLnnYAE\",\"success\":true,\"errors\":[],\"created\":true},"
            + "{\"id\":\"001RM000003oLnoYAE\",\"success\":true,\"errors\":[],\"created\":false}]")));
    wm.stubFor(delete(urlPathEqualTo(API + "/composite/sobjects"))
        .withQueryParam("ids", equalTo("001RM000003oLnnYAE,001RM000003oLnoYAE"))
        .withQueryParam("allOrNone", equalTo("false"))
        .willReturn(json(200, "[{\"id\":\"001RM000003oLnnYAE\",\"success\":true,\"errors\":[]},"
            + "{\"success\":false,\"errors\":[{\"statusCode\":\"ENTITY_IS_DELETED\",\"message\":\"entity is deleted\",\"fields\":[]}]}]")));
    try (SalesforceManager sf = manager(wm)) {
      List<RecordResult> upserted = sf.upsertAll("Account", "Delpha_Id__c",
          List.of(Map.of("Delpha_Id__c", "A-1", "Name", "One"), Map.of("Delpha_Id__c", "A-2", "Name", "Two")));
      assertThat(upserted).extracting(RecordResult::created).containsExactly(true, false);
      List<RecordResult> deleted = sf.deleteAll(List.of("001RM000003oLnnYAE", "001RM000003oLnoYAE"));
      assertThat(deleted).extracting(RecordResult::success).containsExactly(true, false);
      assertThat(deleted.get(1).errors().get(0).errorCode()).isEqualTo("ENTITY_IS_DELETED");
    }
  }

  @Test
  @DisplayName("apiUsage reads the Sforce-Limit-Info header")
  void apiUsage() {
    wm.stubFor(get(urlPathEqualTo(API + "/limits")).willReturn(json(200,
        "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14958}}")));
    try (SalesforceManager sf = manager(wm)) {
      ApiUsage usage = sf.apiUsage();
      assertThat(usage).isEqualTo(new ApiUsage(42, 15000));
      assertThat(usage.remaining()).isEqualTo(14958);
    }
  }

  private static JsonNode json(ObjectMapper mapper, LoggedRequest request) {
    try {
      return mapper.readTree(request.getBodyAsString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
