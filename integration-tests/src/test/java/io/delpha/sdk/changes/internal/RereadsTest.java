package io.delpha.sdk.changes.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.changes.ChangeStreamConfig;
import io.delpha.sdk.changes.SalesforceChangeStream;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole object re-read over REST and over a Bulk API 2.0 query job gives the same columns: every column kind (text,
 * boolean, int, bigint, double, DateTime, Date, Time), the parts of a compound address, and nulls (an empty CSV cell).
 * The REST answer and the CSV are written as Salesforce writes them for the same records.
 */
@DisplayName("Rereads: a whole object over REST or Bulk API 2.0, the same values of every column kind")
class RereadsTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String API = "/services/data/v60.0";
  private static final String JOB = "750R0000000zlh9IAA";
  private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1))
      .maxDelay(Duration.ofMillis(5)).jitter(false).build();

  private static final String SCHEMA = """
      {"type":"record","name":"Thing__ChangeEvent","namespace":"com.sforce.eventbus","fields":[
       {"name":"ChangeEventHeader","type":{"type":"record","name":"ChangeEventHeader","fields":[
         {"name":"entityName","type":"string"}]}},
       {"name":"Name","type":["null","string"],"doc":"Data:Text","default":null},
       {"name":"Flag__c","type":["null","boolean"],"doc":"Data:Checkbox","default":null},
       {"name":"Count__c","type":["null","int"],"doc":"Data:Integer","default":null},
       {"name":"Big__c","type":["null","long"],"doc":"Data:Number","default":null},
       {"name":"Amount__c","type":["null","double"],"doc":"Data:Currency","default":null},
       {"name":"When__c","type":["null","long"],"doc":"Data:DateTime","default":null},
       {"name":"Day__c","type":["null","long"],"doc":"Data:Date","default":null},
       {"name":"At__c","type":["null","long"],"doc":"Data:Time","default":null},
       {"name":"BillingAddress","type":["null",{"type":"record","name":"Address","fields":[
         {"name":"Street","type":["null","string"],"doc":"Data:TextArea","default":null},
         {"name":"Latitude","type":["null","double"],"doc":"Data:Double","default":null}]}],
        "doc":"Data:Address","default":null}]}""";

  /** {@code SELECT Id, ... FROM Thing__c} as the REST query API answers it: flat fields, and the compound. */
  private static final String REST = """
      {"totalSize":3,"done":true,"records":[
       {"attributes":{"type":"Thing__c","url":"/services/data/v60.0/sobjects/Thing__c/a01R0000001AAAAIA1"},
        "Id":"a01R0000001AAAAIA1","Name":"Acme, \\"quoted\\" ✓","Flag__c":true,"Count__c":42,
        "Big__c":9007199254740993,"Amount__c":1250000.25,"When__c":"2024-05-01T10:15:30.120+0000",
        "Day__c":"2024-05-01","At__c":"10:15:30.000Z","BillingStreet":"1 Main St\\nFloor 2",
        "BillingLatitude":51.507351,"BillingAddress":{"street":"1 Main St\\nFloor 2","latitude":51.507351}},
       {"attributes":{"type":"Thing__c","url":"/services/data/v60.0/sobjects/Thing__c/a01R0000001AAABIA1"},
        "Id":"a01R0000001AAABIA1","Name":"Globex","Flag__c":false,"Count__c":-7,"Big__c":0,
        "Amount__c":1.0E7,"When__c":"1969-12-31T23:59:59.000+0000","Day__c":"1999-12-31",
        "At__c":"23:59:59.999Z","BillingStreet":null,"BillingLatitude":-33.8688,"BillingAddress":null},
       {"attributes":{"type":"Thing__c","url":"/services/data/v60.0/sobjects/Thing__c/a01R0000001AAACIA1"},
        "Id":"a01R0000001AAACIA1","Name":null,"Flag__c":false,"Count__c":null,"Big__c":null,"Amount__c":null,
        "When__c":null,"Day__c":null,"At__c":null,"BillingStreet":null,"BillingLatitude":null,
        "BillingAddress":null}]}""";

  /** The same records as a Bulk API 2.0 query job's CSV: every value quoted, nulls empty, DateTimes with Z. */
  private static final String CSV = """
      "Id","Name","Flag__c","Count__c","Big__c","Amount__c","When__c","Day__c","At__c","BillingStreet","BillingLatitude"
      "a01R0000001AAAAIA1","Acme, ""quoted"" ✓","true","42","9007199254740993","1250000.25","2024-05-01T10:15:30.120Z","2024-05-01","10:15:30.000Z","1 Main St
      Floor 2","51.507351"
      "a01R0000001AAABIA1","Globex","false","-7","0","1.0E7","1969-12-31T23:59:59.000Z","1999-12-31","23:59:59.999Z","","-33.8688"
      "a01R0000001AAACIA1","","false","","","","","","","",""
      """;

  private static ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  private static void stubs(String csv, int claimed) {
    wm.resetAll();
    SalesforceStubs.stubPasswordLogin(wm, SalesforceStubs.TOKEN_A);
    wm.stubFor(get(urlPathMatching(API + "/query/?")).withQueryParam("q", matching("SELECT Id, .* FROM Thing__c"))
        .willReturn(json(REST)));
    wm.stubFor(get(urlPathMatching(API + "/query/?")).withQueryParam("q", equalTo("SELECT COUNT() FROM Thing__c"))
        .willReturn(json("{\"totalSize\":3,\"done\":true,\"records\":[]}")));
    wm.stubFor(post(urlPathEqualTo(API + "/jobs/query")).willReturn(json(SalesforceStubs.fixture(
        "bulk-job-created.json").replace("\"Account\"", "\"Thing__c\""))));
    wm.stubFor(get(urlPathEqualTo(API + "/jobs/query/" + JOB)).willReturn(json(SalesforceStubs.fixture(
        "bulk-job-jobcomplete.json").replace("\"Account\"", "\"Thing__c\"")
        .replace("\"numberRecordsProcessed\": 5", "\"numberRecordsProcessed\": 3"))));
    wm.stubFor(get(urlPathEqualTo(API + "/jobs/query/" + JOB + "/resultPages")).willReturn(json(
        "{\"resultPages\":[{\"resultUrl\":\"" + API + "/jobs/query/" + JOB + "/results?locator=MTAwMDA\"}],"
            + "\"nextRecordsUrl\":null,\"done\":true}")));
    wm.stubFor(get(urlPathEqualTo(API + "/jobs/query/" + JOB + "/results")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/csv").withHeader("Sforce-Locator", "null")
        .withHeader("Sforce-NumberOfRecords", String.valueOf(claimed)).withBody(csv)));
  }

  private static SalesforceManager salesforce() {
    return SalesforceManager.builder().loginUrl(wm.baseUrl()).clientId(SalesforceStubs.CLIENT_ID)
        .clientSecret(SalesforceStubs.CLIENT_SECRET).username(SalesforceStubs.USERNAME)
        .password(SalesforceStubs.PASSWORD).securityToken(SalesforceStubs.SECURITY_TOKEN).retryPolicy(FAST)
        .bulkPolling(FAST).requestTimeout(Duration.ofSeconds(10)).build();
  }

  private static ChangeStreamConfig config(long bulkAbove) {
    return ChangeStreamConfig.from(SalesforceChangeStream.builder().topic("/data/Thing__ChangeEvent").keyspace("k")
        .bulkRereadAbove(bulkAbove));
  }

  private static Map<String, Map<String, Object>> readAll(SalesforceManager sf, long bulkAbove) {
    EventSchema schema = EventSchema.parse("s", SCHEMA, 1 << 20, 16);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    new Rereads(sf, config(bulkAbove)).all("Thing__c", schema, (id, columns) -> out.put(id, new TreeMap<>(columns)));
    return out;
  }

  @Test
  @DisplayName("every column kind, compound parts and nulls: the Bulk CSV gives what the REST answer gives")
  void bulkEqualsRest() {
    stubs(CSV, 3);
    try (SalesforceManager sf = salesforce()) {
      Map<String, Map<String, Object>> rest = readAll(sf, Long.MAX_VALUE);
      wm.verify(0, getRequestedFor(urlPathMatching(API + "/query/?")).withQueryParam("q", matching("SELECT COUNT.*")));
      wm.verify(0, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));
      Map<String, Map<String, Object>> bulk = readAll(sf, 2);
      wm.verify(1, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));

      assertThat(rest).hasSize(3);
      Map<String, Object> acme = rest.get("a01R0000001AAAAIA1");
      assertThat(acme).containsEntry("name", "Acme, \"quoted\" ✓").containsEntry("flag__c", true)
          .containsEntry("count__c", 42).containsEntry("big__c", 9007199254740993L)
          .containsEntry("amount__c", 1250000.25).containsEntry("when__c", Instant.parse("2024-05-01T10:15:30.120Z"))
          .containsEntry("day__c", LocalDate.of(2024, 5, 1)).containsEntry("at__c", LocalTime.of(10, 15, 30))
          .containsEntry("billingstreet", "1 Main St\nFloor 2").containsEntry("billinglatitude", 51.507351);
      assertThat(rest.get("a01R0000001AAABIA1")).containsEntry("amount__c", 1.0E7).containsEntry("count__c", -7)
          .containsEntry("when__c", Instant.parse("1969-12-31T23:59:59Z")).containsEntry("billingstreet", null);
      assertThat(rest.get("a01R0000001AAACIA1")).containsEntry("flag__c", false).containsEntry("name", null)
          .containsEntry("when__c", null).containsEntry("day__c", null).containsEntry("at__c", null);
      assertThat(bulk).isEqualTo(rest);
    }
  }

  @Test
  @DisplayName("an object of no more records than bulkRereadAbove is read over REST, after the count")
  void smallObjectOverRest() {
    stubs(CSV, 3);
    try (SalesforceManager sf = salesforce()) {
      assertThat(readAll(sf, 3)).hasSize(3);
      wm.verify(1, getRequestedFor(urlPathMatching(API + "/query/?")).withQueryParam("q", matching("SELECT COUNT.*")));
      wm.verify(0, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));
    }
  }

  @Test
  @DisplayName("a CSV value not of its column's kind, or a page cut short, fails the read typed")
  void badBulkValues() {
    stubs(CSV.replace("\"-7\"", "\"seven\""), 3);
    try (SalesforceManager sf = salesforce()) {
      assertThatThrownBy(() -> readAll(sf, 0)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("Count__c");
    }
    stubs(CSV, 4);
    try (SalesforceManager sf = salesforce()) {
      assertThatThrownBy(() -> readAll(sf, 0)).isInstanceOf(DataFormatException.class);
    }
  }

  @Test
  @DisplayName("a base64 column keeps the object on REST: a Bulk query cannot select it")
  void base64StaysOnRest() {
    stubs(CSV, 3);
    EventSchema schema = EventSchema.parse("s", SCHEMA.replace("{\"name\":\"Name\",", "{\"name\":\"Body\","
        + "\"type\":[\"null\",\"bytes\"],\"doc\":\"Data:Base64\",\"default\":null},\n {\"name\":\"Name\","), 1 << 20, 16);
    assertThat(schema.columns().get("body").kind()).isEqualTo(ColumnKind.BLOB);
    try (SalesforceManager sf = salesforce()) {
      Map<String, ByteBuffer> bodies = new TreeMap<>();
      new Rereads(sf, config(0)).all("Thing__c", schema, (id, columns) -> bodies.put(id, (ByteBuffer) columns.get("body")));
      assertThat(bodies).hasSize(3);
      wm.verify(0, postRequestedFor(urlPathEqualTo(API + "/jobs/query")));
    }
  }
}
