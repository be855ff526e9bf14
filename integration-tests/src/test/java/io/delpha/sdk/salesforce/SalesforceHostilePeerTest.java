package io.delpha.sdk.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.salesforce.internal.SalesforceUrls;
import io.delpha.sdk.testing.HostilePeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Salesforce played by a hostile peer ({@link HostilePeer}, wire-level loopback) with a second peer, the thief,
 * standing for any other host: redirects anywhere, server-given paths that try to leave the instance, an
 * instance_url elsewhere, answers that never end, nest deep or trickle. Each case asserts the typed error and what
 * reached the thief (nothing), and that the session token went to the instance only.
 */
@Timeout(120)
@DisplayName("Salesforce facing a hostile peer: the token stays on its instance, every answer is bounded")
class SalesforceHostilePeerTest {

  private static final String API = "/services/data/v60.0";
  private static final String TOKEN = "00Dx0000000hostile!peerToken5521";
  private static final String JOB = "750R0000000zlh9IAA";
  private static final String SOQL = "SELECT Id FROM Contact";

  private HostilePeer salesforce;
  private HostilePeer thief;

  @BeforeEach
  void start() {
    salesforce = HostilePeer.start();
    thief = HostilePeer.start();
    login(salesforce.uri("").toString());
  }

  @AfterEach
  void stop() {
    salesforce.close();
    thief.close();
  }

  private void login(String instanceUrl) {
    salesforce.on("POST", "/services/oauth2/token", HostilePeer.json(200,
        "{\"access_token\":\"" + TOKEN + "\",\"instance_url\":\"" + instanceUrl + "\",\"token_type\":\"Bearer\"}"));
  }

  private SalesforceManagerBuilder builder() {
    return SalesforceManager.builder().loginUrl(salesforce.uri("").toString())
        .clientId(SalesforceStubs.CLIENT_ID).clientSecret(SalesforceStubs.CLIENT_SECRET)
        .username(SalesforceStubs.USERNAME).password(SalesforceStubs.PASSWORD)
        .securityToken(SalesforceStubs.SECURITY_TOKEN)
        .retryPolicy(SalesforceStubs.FAST_RETRY).requestTimeout(Duration.ofSeconds(10));
  }

  /** Nothing reached the thief, and no request anywhere but to the instance carried the token or a credential. */
  private void nothingStolen() {
    assertThat(thief.requests()).as("requests that reached the other host").isEmpty();
    for (HostilePeer.Request r : salesforce.requests()) {
      assertThat(r.target()).doesNotContain(TOKEN);
    }
  }

  private String thiefHost() {
    return "127.0.0.1:" + thief.port();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {301, 302, 303, 307, 308})
  @DisplayName("a Bulk API 2.0 job creation redirected to another host is a DataFormatException naming the status "
      + "and the host; the token is not sent there")
  void bulkRedirectIsNotFollowed(int status) {
    salesforce.on("POST", API + "/jobs/query", HostilePeer.redirect(status, thief.uri("/steal").toString()));
    try (SalesforceManager sf = builder().build()) {
      assertThatThrownBy(() -> sf.bulkQuery(SOQL))
          .isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("HTTP " + status).hasMessageContaining(thiefHost())
          .hasMessageNotContaining(TOKEN);
    }
    nothingStolen();
    assertThat(salesforce.targets()).containsExactly("POST /services/oauth2/token", "POST " + API + "/jobs/query");
  }

  @Test
  @DisplayName("REST calls redirected to https elsewhere, or with a header smuggled into Location, go nowhere")
  void restRedirectsOfEveryKindAreRefused() {
    salesforce.on("GET", API + "/limits", HostilePeer.redirect(302, "https://evil.example:8443/limits"));
    salesforce.on("POST", API + "/composite/sobjects",
        HostilePeer.redirect(307, thief.uri("/x").toString() + "\r\nAuthorization: Bearer injected"));
    salesforce.on("GET", API + "/query/", HostilePeer.redirect(308, "//127.0.0.1:" + thief.port() + "/q"));
    try (SalesforceManager sf = builder().build()) {
      assertThatThrownBy(sf::apiUsage).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("HTTP 302").hasMessageContaining("evil.example:8443");
      assertThatThrownBy(() -> sf.createAll("Contact", List.of(Map.of("LastName", "Doe"))))
          .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("HTTP 307");
      assertThatThrownBy(() -> sf.query(SOQL)).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("HTTP 308").hasMessageContaining(thiefHost());
    }
    nothingStolen();
  }

  @Test
  @DisplayName("the password login redirected (307 keeps the form) is refused: the password never reaches the other host")
  void loginRedirectIsNotFollowed() {
    salesforce.on("POST", "/services/oauth2/token", HostilePeer.redirect(307, thief.uri("/services/oauth2/token")
        .toString()));
    assertThatThrownBy(() -> builder().build()).isExactlyInstanceOf(DataFormatException.class)
        .hasMessageContaining("HTTP 307").hasMessageContaining(thiefHost())
        .hasMessageNotContaining(SalesforceStubs.PASSWORD);
    assertThat(thief.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "@127.0.0.1:THIEF/steal",
      "//127.0.0.1:THIEF/steal",
      "http://127.0.0.1:THIEF/services/data/v60.0/query/x",
      "/services/data/v60.0/../../steal",
      "/services/data/v60.0/query/%2e%2e/%2e%2e/x",
      "/services/data/v60.0/query/x\\r\\nHost: 127.0.0.1:THIEF",
      "/services/data/v60.0/query/x?y=z",
      "/services/data/v60.0//query/x",
      "/services/data/v60.0/query/x@127.0.0.1:THIEF",
      "query/01gD0000002HU6KIAW-2000"})
  @DisplayName("a nextRecordsUrl that is not a plain path under the API root is a DataFormatException; nothing is sent")
  void hostileNextRecordsUrlIsNotFollowed(String next) {
    String given = next.replace("THIEF", String.valueOf(thief.port()));
    salesforce.on("GET", API + "/query/", HostilePeer.json(200, "{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":\""
        + given + "\",\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003000000000001AAA\"}]}"));
    try (SalesforceManager sf = builder().build()) {
      assertThatThrownBy(() -> sf.query(SOQL)).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("not a plain path under " + API + "/")
          .hasMessageNotContaining("\r").hasMessageNotContaining("\n");
    }
    nothingStolen();
    assertThat(salesforce.requests()).hasSize(2); // the login and the first page
  }

  @Test
  @DisplayName("a well-formed nextRecordsUrl is followed on the instance, with the token")
  void aPlainNextRecordsUrlIsFollowed() {
    salesforce.on("GET", API + "/query/", HostilePeer.json(200, "{\"totalSize\":2,\"done\":false,\"nextRecordsUrl\":\""
        + API + "/query/01gD0000002HU6KIAW-2000\",\"records\":[{\"Id\":\"003000000000001AAA\"}]}"));
    salesforce.on("GET", API + "/query/01gD", HostilePeer.json(200,
        "{\"totalSize\":2,\"done\":true,\"records\":[{\"Id\":\"003000000000002AAA\"}]}"));
    try (SalesforceManager sf = builder().build()) {
      assertThat(sf.query(SOQL).records()).extracting(r -> r.get("Id"))
          .containsExactly("003000000000001AAA", "003000000000002AAA");
    }
    assertThat(salesforce.requests().get(2).header("Authorization")).isEqualTo("Bearer " + TOKEN);
    nothingStolen();
  }

  @Test
  @DisplayName("an instance_url on another host, or not https, is refused at login: no call is made with the token")
  void instanceUrlElsewhereIsRefused() {
    for (String instance : List.of(thief.uri("").toString(), "https://evil.example", "http://evil.example",
        salesforce.uri("").toString().replace("127.0.0.1", "127.0.0.1@127.0.0.1:" + thief.port()),
        salesforce.uri("/services/data").toString())) {
      login(instance);
      assertThatThrownBy(() -> builder().build()).as(instance).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("instance_url").hasMessageContaining("no call was made with the token")
          .hasMessageNotContaining(TOKEN);
    }
    nothingStolen();
    assertThat(salesforce.targets()).allMatch(t -> t.equals("POST /services/oauth2/token"));
  }

  @Test
  @DisplayName("a plain http login URL off loopback is refused at build() unless credentialsOverPlainHttp; an http "
      + "instance_url only where the login itself was allowed over http")
  void clearTextOnlyWhereAllowed() {
    SalesforceManagerBuilder offLoopback = builder().loginUrl("http://sf-proxy.internal:8080");
    assertThatThrownBy(() -> SalesforceConfig.from(offLoopback)).isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the login URL http://sf-proxy.internal:8080 is plain http")
        .hasMessageContaining("ResponseLimits.credentialsOverPlainHttp(true)")
        .hasMessageNotContaining(SalesforceStubs.PASSWORD);
    assertThatThrownBy(offLoopback::build).isExactlyInstanceOf(InvalidInputException.class);
    assertThat(SalesforceConfig.from(offLoopback.responseLimits(l -> l.credentialsOverPlainHttp(true))).loginUrl())
        .isEqualTo("http://sf-proxy.internal:8080");
    String flow = "OAuth username-password";
    assertThatThrownBy(() -> SalesforceUrls.requireInstanceUrl("http://sf-proxy.internal:8080",
        "http://sf-proxy.internal:8080", flow, false)).isExactlyInstanceOf(DataFormatException.class)
        .hasMessageContaining("clear text");
    assertThat(SalesforceUrls.requireInstanceUrl("http://sf-proxy.internal:8080", "http://sf-proxy.internal:8080",
        flow, true)).isEqualTo("http://sf-proxy.internal:8080");
    // the opt-in never downgrades an https login, nor sends the token to another http host
    assertThatThrownBy(() -> SalesforceUrls.requireInstanceUrl("https://login.salesforce.com",
        "http://na1.salesforce.com", flow, true)).isExactlyInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> SalesforceUrls.requireInstanceUrl("http://sf-proxy.internal:8080",
        "http://evil.example:8080", flow, true)).isExactlyInstanceOf(DataFormatException.class);
    assertThat(thief.requests()).isEmpty();
    assertThat(salesforce.requests()).isEmpty();
  }

  @Test
  @DisplayName("instance_url must be https and of the login's Salesforce domain (or the login host itself)")
  void instanceUrlFamilies() {
    String flow = "OAuth username-password";
    for (String[] ok : new String[][] {
        {"https://login.salesforce.com", "https://na1.salesforce.com"},
        {"https://login.salesforce.com", "https://acme.my.salesforce.com/"},
        {"https://test.salesforce.com", "https://acme--uat.sandbox.my.salesforce.com"},
        {"https://acme.my.salesforce.com", "https://acme.my.salesforce.com"},
        {"https://login.salesforce.mil", "https://acme.my.salesforce.mil"},
        {"https://sso.example.com", "https://sso.example.com"},
        {"http://127.0.0.1:8080", "http://127.0.0.1:8080"}}) {
      assertThatCode(() -> SalesforceUrls.requireInstanceUrl(ok[0], ok[1], flow)).as(ok[1]).doesNotThrowAnyException();
    }
    for (String[] refused : new String[][] {
        {"https://login.salesforce.com", "http://na1.salesforce.com"},
        {"https://login.salesforce.com", "https://salesforce.com.evil.example"},
        {"https://login.salesforce.com", "https://evilsalesforce.com"},
        {"https://login.salesforce.com", "https://acme.my.salesforce.com@evil.example"},
        {"https://login.salesforce.com", "https://evil.force.com"},
        {"https://login.salesforce.com", "https://acme.my.salesforce.mil"},
        {"https://login.salesforce.com", "https://na1.salesforce.com:8443"},
        {"https://login.salesforce.com", "https://na1.salesforce.com/services?x"},
        {"https://sso.example.com", "https://acme.my.salesforce.com"},
        {"https://acme.my.salesforce.com", "http://127.0.0.1"},
        {"http://127.0.0.1:8080", "http://127.0.0.1:8081"},
        {"http://127.0.0.1:8080", "http://evil.example:8080"}}) {
      assertThatThrownBy(() -> SalesforceUrls.requireInstanceUrl(refused[0], refused[1], flow)).as(refused[1])
          .isExactlyInstanceOf(DataFormatException.class);
    }
  }

  @Test
  @DisplayName("a query page whose records never end stops at maxBodyBytes (default 64 MiB) with a ResponseLimitException")
  void endlessPageStopsAtMaxBodyBytes() {
    salesforce.on("GET", API + "/query/", salesforce.endless(200, "application/json",
        "{\"totalSize\":5,\"done\":true,\"records\":[",
        "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"003000000000001AAA\"},", Map.of()));
    try (SalesforceManager sf = builder().build()) {
      assertThatThrownBy(() -> sf.query(SOQL)).isInstanceOfSatisfying(ResponseLimitException.class, e -> {
        assertThat(e.limit()).isEqualTo("maxBodyBytes");
        assertThat(e).hasMessageContaining(String.valueOf(64L << 20));
      });
      assertThatThrownBy(() -> sf.stream(SOQL).count()).isInstanceOf(ResponseLimitException.class);
    }
    salesforce.close();
    // reading stopped at the limit: twice the limit plus socket buffers went out, not more
    assertThat(salesforce.bytesSent()).isLessThan(2 * (64L << 20) + (32L << 20));
    nothingStolen();
  }

  @Test
  @DisplayName("a page nested 100,000 deep, a trickled page and an endless REST answer are ResponseLimitExceptions")
  void deepTrickledAndEndlessAnswers() {
    salesforce.on("GET", API + "/query/", HostilePeer.json(200,
        "{\"totalSize\":1,\"done\":true,\"records\":[" + "[".repeat(100_000) + "]".repeat(100_000) + "]}"));
    salesforce.on("GET", API + "/limits", salesforce.endless(200, "application/json", "{\"a\":[", "1,", Map.of()));
    salesforce.on("GET", API + "/queryAll/", salesforce.trickle(200, "application/json",
        "{\"totalSize\":0,\"done\":true,\"records\":[]}" + " ".repeat(10_000), Duration.ofMillis(20)));
    try (SalesforceManager sf = builder().responseLimits(l -> l.maxBodyBytes(1 << 20)).build()) {
      assertThatThrownBy(() -> sf.query(SOQL)).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));
      // an array of 2-byte elements reaches maxItems (100,000 elements, 200 KB) before maxBodyBytes (1 MiB)
      assertThatThrownBy(sf::apiUsage).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxItems"));
    }
    // the trickled page would take 200 s; the deadline is a separate manager's, so a loaded machine cannot make
    // the endless answer above meet it first
    try (SalesforceManager sf = builder().responseLimits(l -> l.bodyTimeout(Duration.ofMillis(500))).build()) {
      assertThatThrownBy(() -> sf.queryAll(SOQL)).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("bodyTimeout"));
    }
    nothingStolen();
  }

  private void bulkJob(HostilePeer.Answer results) {
    salesforce.on("POST", API + "/jobs/query", HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":\"UploadComplete\"}"));
    salesforce.on("GET", API + "/jobs/query/" + JOB, HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":\"JobComplete\"}"));
    salesforce.on("GET", API + "/jobs/query/" + JOB + "/results", results);
    // an org that does not offer resultPages: the default parallel read falls back to the streamed locator paging,
    // whose bounds this class attacks
    salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages", HostilePeer.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]"));
  }

  @Test
  @DisplayName("a Bulk API 2.0 result whose quoted field never ends stops at maxLineBytes; a stalled one at idleTimeout")
  void bulkResultsAreBounded() {
    bulkJob(salesforce.endless(200, "text/csv", "Id,Name\n001000000000001AAA,\"", "xxxxxxxx", Map.of()));
    try (SalesforceManager sf = builder().responseLimits(l -> l.maxLineBytes(256 * 1024)).build();
        Stream<Map<String, String>> rows = sf.bulkQuery(SOQL)) {
      assertThatThrownBy(() -> rows.count()).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxLineBytes"));
    }
    bulkJob(salesforce.trickle(200, "text/csv", "Id\n001000000000001AAA\n", Duration.ofMinutes(5)));
    try (SalesforceManager sf = builder().responseLimits(l -> l.idleTimeout(Duration.ofMillis(300))).build();
        Stream<Map<String, String>> rows = sf.bulkQuery(SOQL)) {
      assertThatThrownBy(() -> rows.count()).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("idleTimeout"));
    }
    nothingStolen();
  }

  @Test
  @DisplayName("a Bulk job id that would change the path ('../', '?', '@host') is a DataFormatException; not used")
  void hostileBulkJobId() {
    salesforce.on("POST", API + "/jobs/query", HostilePeer.json(200, "{\"id\":\"../../../@127.0.0.1:" + thief.port()
        + "/x?\",\"state\":\"UploadComplete\"}"));
    try (SalesforceManager sf = builder().build()) {
      assertThatThrownBy(() -> sf.bulkQuery(SOQL)).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("job id");
    }
    assertThat(salesforce.requests()).hasSize(2);
    nothingStolen();
  }

  @Test
  @DisplayName("describe and the single-record calls (get, create, update, delete, upsert) refuse every redirect: "
      + "nothing reaches the other host")
  void singleRecordCallsRefuseRedirects() {
    String id = "001000000000001AAA";
    String elsewhere = thief.uri("/steal").toString();
    salesforce.on("GET", API + "/sobjects/", HostilePeer.redirect(302, elsewhere));
    salesforce.on("GET", API + "/sobjects/Account/describe", HostilePeer.redirect(301, elsewhere));
    salesforce.on("GET", API + "/sobjects/Account/" + id, HostilePeer.redirect(307, elsewhere));
    salesforce.on("POST", API + "/sobjects/Account", HostilePeer.redirect(307, elsewhere));
    salesforce.on("PATCH", API + "/sobjects/Account/" + id, HostilePeer.redirect(308, elsewhere));
    salesforce.on("DELETE", API + "/sobjects/Account/" + id, HostilePeer.redirect(303, elsewhere));
    salesforce.on("PATCH", API + "/sobjects/Account/Ext__c/e-1", HostilePeer.redirect(307, elsewhere));
    try (SalesforceManager sf = builder().build()) {
      List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(sf::describeGlobal,
          () -> sf.describe("Account"), () -> sf.get("Account", id), () -> sf.create("Account", Map.of("Name", "x")),
          () -> sf.update("Account", id, Map.of("Name", "y")), () -> sf.delete("Account", id),
          () -> sf.upsert("Account", "Ext__c", "e-1", Map.of("Name", "z")));
      for (var call : calls) {
        assertThatThrownBy(call).isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("HTTP 30")
            .hasMessageContaining(thiefHost()).hasMessageNotContaining(TOKEN);
      }
    }
    nothingStolen();
  }

  @Test
  @DisplayName("an endless describe, a describe nested 100,000 deep and an endless record are ResponseLimitExceptions")
  void describeAndRecordAnswersAreBounded() {
    salesforce.on("GET", API + "/sobjects/", salesforce.endless(200, "application/json", "{\"sobjects\":[",
        "{\"name\":\"Account\"},", Map.of()));
    salesforce.on("GET", API + "/sobjects/Account/describe", HostilePeer.json(200,
        "{\"name\":\"Account\",\"fields\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
    salesforce.on("GET", API + "/sobjects/Account/001000000000001AAA", salesforce.endless(200, "application/json",
        "{\"Name\":\"", "x", Map.of()));
    try (SalesforceManager sf = builder().responseLimits(l -> l.maxBodyBytes(1 << 20)).build()) {
      assertThatThrownBy(sf::describeGlobal).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxBodyBytes"));
      assertThatThrownBy(() -> sf.describe("Account")).isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));
      assertThatThrownBy(() -> sf.get("Account", "001000000000001AAA"))
          .isInstanceOf(ResponseLimitException.class);
    }
    nothingStolen();
  }
}
