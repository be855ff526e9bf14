package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.salesforce.SalesforceStubs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.testing.LogCapture;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("SalesforceManager login")
class SalesforceLoginTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  @DisplayName("the username-password flow posts the client credentials and password + security token")
  void passwordFlowSendsPasswordAndToken() {
    try (SalesforceManager sf = manager(wm)) {
      List<LoggedRequest> logins = wm.findAll(postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
      assertThat(logins).hasSize(1);
      Map<String, String> form = form(logins.get(0).getBodyAsString());
      assertThat(form).containsEntry("grant_type", "password")
          .containsEntry("client_id", CLIENT_ID)
          .containsEntry("client_secret", CLIENT_SECRET)
          .containsEntry("username", USERNAME)
          .containsEntry("password", PASSWORD + SECURITY_TOKEN);
      assertThat(sf.config().loginUrl()).isEqualTo(wm.baseUrl());
    }
  }

  @Test
  @DisplayName("config().toBuilder() logs in again with every setting, metrics included; Consumer overloads fill in retry policies")
  void configToBuilder() {
    stubPasswordLogin(wm, TOKEN_A);
    io.delpha.sdk.core.Metrics metrics = io.delpha.sdk.core.Metrics.micrometer(
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    try (SalesforceManager sf = builder(wm).apiVersion("v61.0").bulkPageSize(500)
        .retryPolicy(r -> r.maxAttempts(2).initialDelay(java.time.Duration.ofMillis(1)))
        .bulkPolling(p -> p.initialDelay(java.time.Duration.ofMillis(7)))
        .metrics(metrics).build();
        SalesforceManager copy = sf.config().toBuilder().build()) {
      assertThat(sf.config().retryPolicy().maxAttempts()).isEqualTo(2);
      assertThat(sf.config().bulkPolling().initialDelay()).isEqualTo(java.time.Duration.ofMillis(7));
      assertThat(copy.config()).isEqualTo(sf.config());
      assertThat(copy.config().metrics()).isSameAs(metrics);
    }
    List<LoggedRequest> logins = wm.findAll(postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
    assertThat(logins).hasSize(2);
    assertThat(form(logins.get(1).getBodyAsString())).containsEntry("password", PASSWORD + SECURITY_TOKEN)
        .containsEntry("client_secret", CLIENT_SECRET);
  }

  @Test
  @DisplayName("a wrong password fails build() with an AuthenticationException quoting Salesforce, never a secret")
  void wrongPassword() {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}")));
    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(() -> builder(wm).build())
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("invalid_grant")
          .hasMessageContaining("authentication failure")
          .hasMessageContaining(USERNAME)
          .satisfies(e -> assertNoSecret(e.toString() + e.getCause()));
      assertNoSecret(logs.text());
    }
    wm.verify(1, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
  }

  @Test
  @DisplayName("an unknown client id is an AuthenticationException telling to check the consumer key")
  void wrongClient() {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}")));
    assertThatThrownBy(() -> builder(wm).build())
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("consumer key");
  }

  @Test
  @DisplayName("the JWT bearer flow posts an RS256 assertion with iss, sub, aud and exp that verifies with the public key")
  void jwtBearerLogin() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
        .withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
        .withRequestBody(matching(".*assertion=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(tokenResponse(wm, TOKEN_A))));
    wm.stubFor(get(urlPathEqualTo(API + "/limits"))
        .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + TOKEN_A))
        .willReturn(aResponse().withStatus(200).withHeader("Sforce-Limit-Info", "api-usage=18/5000")
            .withHeader("Content-Type", "application/json").withBody("{}")));

    try (SalesforceManager sf = SalesforceManager.builder().loginUrl(wm.baseUrl())
        .clientId(CLIENT_ID).username(USERNAME).privateKeyPem(Secret.of(pem)).build()) {
      assertThat(sf.apiUsage()).isEqualTo(new ApiUsage(18, 5000));
      assertThat(sf.config().jwtBearer()).isTrue();
    }

    String assertion = form(wm.findAll(postRequestedFor(urlPathEqualTo("/services/oauth2/token")))
        .get(0).getBodyAsString()).get("assertion");
    String[] parts = assertion.split("\\.");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(Base64.getUrlDecoder().decode(parts[0])).get("alg").asText()).isEqualTo("RS256");
    JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(claims.get("iss").asText()).isEqualTo(CLIENT_ID);
    assertThat(claims.get("sub").asText()).isEqualTo(USERNAME);
    assertThat(claims.get("aud").asText()).isEqualTo("https://login.salesforce.com");
    assertThat(claims.get("exp").asLong()).isBetween(Instant.now().getEpochSecond(), Instant.now().plusSeconds(200).getEpochSecond());
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  @DisplayName("a JWT the connected app does not accept is an AuthenticationException")
  void jwtRefused() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----";
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved this consumer\"}")));
    assertThatThrownBy(() -> SalesforceManager.builder().loginUrl(wm.baseUrl())
            .clientId(CLIENT_ID).username(USERNAME).privateKeyPem(Secret.of(pem)).build())
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("user hasn't approved this consumer")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pem.substring(30, 60)));
  }

  @Test
  @DisplayName("a PKCS#1 private key is refused with how to convert it, without quoting the key")
  void pkcs1KeyRefused() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretkeymaterial\n-----END RSA PRIVATE KEY-----";
    assertThatThrownBy(() -> SalesforceManager.builder().loginUrl(wm.baseUrl())
            .clientId(CLIENT_ID).username(USERNAME).privateKeyPem(Secret.of(pem)).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("openssl pkcs8")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretkeymaterial"));
  }

  @Test
  @DisplayName("credentials can come from a SecretProvider's JSON secret")
  void credentialsFromSecretProvider() {
    stubPasswordLogin(wm, TOKEN_A);
    SecretProvider secrets = new SecretProvider() {
      @Override
      public String secret(String name) {
        throw new UnsupportedOperationException("only json() is used");
      }

      @Override
      public Map<String, String> json(String name) {
        assertThat(name).isEqualTo("salesforce-prod");
        return Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "username", USERNAME,
            "password", PASSWORD, "security_token", SECURITY_TOKEN);
      }
    };
    try (SalesforceManager sf = SalesforceManager.builder().loginUrl(wm.baseUrl())
        .credentials(secrets, "salesforce-prod").build()) {
      Map<String, String> form = form(wm.findAll(postRequestedFor(urlPathEqualTo("/services/oauth2/token")))
          .get(0).getBodyAsString());
      assertThat(form).containsEntry("password", PASSWORD + SECURITY_TOKEN).containsEntry("client_id", CLIENT_ID);
      assertThat(sf.config().toString()).contains("salesforce-prod");
    }
  }

  @Test
  @DisplayName("a secret without the password field is an InvalidInputException naming the field")
  void incompleteSecret() {
    SecretProvider secrets = new SecretProvider() {
      @Override
      public String secret(String name) {
        return "";
      }

      @Override
      public Map<String, String> json(String name) {
        return Map.of("client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "username", USERNAME);
      }
    };
    assertThatThrownBy(() -> SalesforceManager.builder().loginUrl(wm.baseUrl()).credentials(secrets, "sf").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'password'");
  }

  @Test
  @DisplayName("a login server that is not there is a ServiceUnavailableException after bounded retries")
  void unreachableLogin() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertThatThrownBy(() -> builder(wm).loginUrl("http://127.0.0.1:" + port).build())
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("gave up after 3 attempts");
  }

  @Test
  @DisplayName("instance(\"mycompany\") logs in at the My Domain URL; bad settings are InvalidInputExceptions")
  void settingsAreValidated() {
    assertThatThrownBy(() -> SalesforceManager.builder().instance("my company").build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> builder(wm).apiVersion("v55.0").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v60.0");
    assertThatThrownBy(() -> builder(wm).password((String) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("password");
    assertThatThrownBy(() -> builder(wm).instance("mycompany").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not both");
  }

  @Test
  @DisplayName("the configuration and the manager print no secret")
  void toStringHasNoSecret() {
    try (SalesforceManager sf = manager(wm)) {
      assertNoSecret(sf.toString());
      assertNoSecret(sf.config().toString());
      assertThat(sf.config().toString()).contains(USERNAME).contains("****");
      assertThat(sf.help()).contains("query(").contains("bulkQuery(");
    }
  }

  @Test
  @DisplayName("session() gives the login's token, instance URL and the org id of its identity URL; renewSession "
      + "logs in again once for a refused session, never printing the token")
  void sessionForOtherApis() {
    stubRenewedLogin(wm);
    try (LogCapture logs = new LogCapture(); SalesforceManager sf = builder(wm).build()) {
      SalesforceSession s = sf.session();
      assertThat(s.accessToken()).isEqualTo(Secret.of(TOKEN_A));
      assertThat(s.instanceUrl()).isEqualTo(wm.baseUrl());
      // token-response.json: "id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P"
      assertThat(s.orgId()).isEqualTo("00Dx0000000BV7z");
      assertThat(sf.session()).isEqualTo(s);
      wm.verify(1, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));

      SalesforceSession renewed = sf.renewSession(s);
      assertThat(renewed.accessToken()).isEqualTo(Secret.of(TOKEN_B));
      assertThat(renewed.orgId()).isEqualTo("00Dx0000000BV7z");
      // a second caller that saw the same refused session gets the renewed one without another login
      assertThat(sf.renewSession(s)).isEqualTo(renewed);
      assertThat(sf.session()).isEqualTo(renewed);
      wm.verify(2, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
      assertNoSecret(s + " " + renewed + " " + logs.text());
      assertThat(s.toString()).doesNotContain(TOKEN_A).contains("00Dx0000000BV7z");
    }
  }

  @Test
  @DisplayName("the org id is parsed from identity URLs of every login host; anything else is refused")
  void orgIdOfIdentityUrls() {
    assertThat(SalesforceSession.orgIdOf("https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P"))
        .isEqualTo("00Dx0000000BV7z");
    assertThat(SalesforceSession.orgIdOf("https://test.salesforce.com/id/00D5e000001ABCDEAA/0055e000004XYZQAA2"))
        .isEqualTo("00D5e000001ABCDEAA");
    assertThatThrownBy(() -> SalesforceSession.orgIdOf("https://login.salesforce.com/services/oauth2/token"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> SalesforceSession.orgIdOf("https://login.salesforce.com/id/00D!bad/005x00000012Q9P"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("a token answer without an identity URL still logs in; session() then says what is missing")
  void sessionWithoutIdentityUrl() {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"access_token\":\"" + TOKEN_A + "\",\"instance_url\":\"" + wm.baseUrl() + "\"}")));
    try (SalesforceManager sf = builder(wm).build()) {
      assertThatThrownBy(sf::session).isInstanceOf(io.delpha.sdk.core.DataFormatException.class)
          .hasMessageContaining("identity URL")
          .satisfies(e -> assertNoSecret(e.getMessage()));
    }
  }

  static void assertNoSecret(String text) {
    for (String secret : SECRETS) {
      assertThat(text).doesNotContain(secret);
    }
  }


  @Test
  @DisplayName("the builder refuses null in every setter, as the other managers' builders do")
  void builderRefusesNull() {
    SalesforceManagerBuilder b = SalesforceManager.builder();
    List<org.junit.jupiter.api.function.Executable> setters = List.of(() -> b.instance(null), () -> b.loginUrl(null),
        () -> b.apiVersion(null), () -> b.clientId(null), () -> b.clientSecret((String) null),
        () -> b.clientSecret((Secret) null), () -> b.username(null), () -> b.password((String) null),
        () -> b.password((Secret) null), () -> b.securityToken((String) null), () -> b.securityToken((Secret) null),
        () -> b.privateKeyPem(null), () -> b.jwtAudience(null), () -> b.credentials(null, "name"),
        () -> b.retryPolicy((io.delpha.sdk.core.RetryPolicy) null), () -> b.bulkTimeout(null), () -> b.requestTimeout(null));
    for (org.junit.jupiter.api.function.Executable setter : setters) {
      assertThatThrownBy(setter::execute).isInstanceOf(NullPointerException.class);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new java.util.HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }
}
