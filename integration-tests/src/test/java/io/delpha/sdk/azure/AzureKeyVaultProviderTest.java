package io.delpha.sdk.azure;

import io.delpha.sdk.core.secrets.SecretProviderTest;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.internal.http.HttpCaller;
import java.util.Comparator;
import java.util.List;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.DeltaSharingProfile;
import io.delpha.sdk.sharing.Share;
import io.delpha.sdk.testing.LogCapture;
import io.delpha.sdk.testing.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Azure SDK client (challenge-based bearer auth, ClientSecretCredential, the JDK HTTP client) against two
 * loopback HTTPS servers shaped like Azure's REST docs: Key Vault ({@code GET /secrets/{name}?api-version=7.6}) and
 * the Entra token endpoint ({@code POST /{tenant}/oauth2/v2.0/token}), both on the harness's TLS certificate.
 */
@DisplayName("AzureKeyVaultProvider against Key Vault's and Entra's REST APIs over HTTPS")
class AzureKeyVaultProviderTest {

  static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  static final String CLIENT_ID = "0d9f1a3b-6c2e-4b7a-8f51-3e9d2c1b0a74";
  static final String CLIENT_SECRET = "kv~reader~Q8s7Ja.b3Xy_secret-value";
  static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.kv-access-token-1.signature";
  static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
  static final RetryPolicy NO_RETRY = RetryPolicy.none();

  static WireMockConfiguration https() {
    TlsMaterial tls = TlsMaterial.shared();
    return wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
        .keystorePath(tls.serverP12().toString()).keystoreType("PKCS12")
        .keystorePassword(TlsMaterial.STORE_PASSWORD).keyManagerPassword(TlsMaterial.STORE_PASSWORD);
  }

  @RegisterExtension
  static WireMockExtension vault = WireMockExtension.newInstance().options(https()).build();

  @RegisterExtension
  static WireMockExtension entra = WireMockExtension.newInstance().options(https()).build();

  @BeforeEach
  void stubs() {
    // Key Vault answers a request without a token with its challenge: the tenant's authority and the resource
    vault.stubFor(get(urlPathMatching("/secrets/.*")).withHeader("Authorization", absent()).atPriority(1)
        .willReturn(aResponse().withStatus(401)
            .withHeader("WWW-Authenticate", "Bearer authorization=\"" + url(entra) + "/" + TENANT
                + "\", resource=\"https://vault.azure.net\"")
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("unauthorized-no-token.json"))));
    // any token but the one Entra issued is refused
    vault.stubFor(get(urlPathMatching("/secrets/.*")).atPriority(9)
        .willReturn(aResponse().withStatus(401)
            .withHeader("WWW-Authenticate", "Bearer authorization=\"" + url(entra) + "/" + TENANT
                + "\", resource=\"https://vault.azure.net\"")
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("unauthorized-invalid-token.json"))));
    stubSecret("databricksToken", 200, "get-secret.json");
    stubSecret("databricksServicePrincipal", 200, "get-secret-oauth.json");
    stubSecret("missing", 404, "secret-not-found.json");
    stubSecret("payroll", 403, "forbidden.json");
    stubSecret("flaky", 503, "service-unavailable.json");

    entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).atPriority(9)
        .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("entra-invalid-client.json"))));
    entra.stubFor(post(urlPathEqualTo(TOKEN_PATH)).atPriority(1)
        .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
        .withFormParam("grant_type", equalTo("client_credentials"))
        .withFormParam("client_id", equalTo(CLIENT_ID))
        .withFormParam("client_secret", equalTo(CLIENT_SECRET))
        .withFormParam("scope", containing("https://vault.azure.net/.default"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("entra-token.json"))));
  }

  static void stubSecret(String name, int status, String file) {
    // the SDK asks for the current version as /secrets/{name}/ (an empty {secret-version} segment)
    vault.stubFor(get(urlPathMatching("/secrets/" + name + "/?")).atPriority(2)
        .withQueryParam("api-version", equalTo("7.6"))
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
            .withHeader("x-ms-request-id", "5f0c3a1e-8d7b-4c6a-9e2f-1b0a9c8d7e6f")
            .withBody(body(file))));
  }

  /** The server's certificate names IP 127.0.0.1, not localhost (WireMock's own base URL). */
  static String url(WireMockExtension server) {
    return "https://127.0.0.1:" + server.getHttpsPort();
  }

  static String body(String file) {
    try (InputStream in = AzureKeyVaultProviderTest.class.getResourceAsStream("/keyvault/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static AzureKeyVaultProvider.Builder providerAt(String vaultUrl, String clientSecret) {
    return AzureKeyVaultProvider.builder().vaultUrl(URI.create(vaultUrl))
        .clientSecret(TENANT, CLIENT_ID, Secret.of(clientSecret))
        .authorityHost(URI.create(url(entra)))
        .trustedCa(TlsMaterial.shared().caPem())
        .verifyChallengeResource(false)
        .retry(NO_RETRY);
  }

  static AzureKeyVaultProvider provider() {
    return providerAt(url(vault), CLIENT_SECRET).build();
  }

  @Test
  @DisplayName("a secret is read after Key Vault's challenge and an Entra token; the token, never the client "
      + "secret, goes to the vault")
  void readsAfterChallenge() {
    AzureKeyVaultProvider kv = provider();
    assertThat(kv.secret("databricksToken")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    assertThat(kv.secret("databricksToken")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    vault.verify(getRequestedFor(urlPathMatching("/secrets/databricksToken/?"))
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
    entra.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    assertThat(vault.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().toString())
        .doesNotContain(CLIENT_SECRET));
    assertThat(kv.toString()).isEqualTo("AzureKeyVaultProvider[" + url(vault) + "]")
        .doesNotContain(CLIENT_SECRET);
  }

  @Test
  @DisplayName("a JSON secret is read as its fields")
  void json() {
    assertThat(provider().json("databricksServicePrincipal")).containsExactly(
        entry("CLIENT_ID", "4e1c9f0a-7d3b-4a52-9c61-2f8e0b7a5d13"), entry("CLIENT_SECRET", "dose-sp-secret-7f3a9c"));
  }

  @Test
  @DisplayName("SecretNotFound (404) is NotFoundException naming the secret and the vault")
  void missing() {
    assertThatThrownBy(() -> provider().secret("missing"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("'missing'").hasMessageContaining(url(vault));
  }

  @Test
  @DisplayName("a wrong client secret is refused by Entra: AuthenticationException, no secret in message or logs, "
      + "nothing asked of the vault with a token")
  void wrongClientSecret() {
    String wrong = "kv~reader~WRONG-secret-value";
    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(() -> providerAt(url(vault), wrong).build().secret("databricksToken"))
          .isInstanceOf(AuthenticationException.class).hasMessageContaining("databricksToken")
          .hasMessageContaining("AADSTS7000215")
          .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(wrong, CLIENT_SECRET));
      assertThat(logs.text()).doesNotContain(wrong, CLIENT_SECRET);
    }
    vault.verify(0, getRequestedFor(anyUrl()).withHeader("Authorization", containing("Bearer")));
  }

  @Test
  @DisplayName("a token the vault refuses (401 after the challenge) is AuthenticationException")
  void tokenRefused() {
    vault.stubFor(get(urlPathMatching("/secrets/databricksToken/?")).atPriority(1)
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(401)
            .withHeader("WWW-Authenticate", "Bearer authorization=\"" + url(entra) + "/" + TENANT
                + "\", resource=\"https://vault.azure.net\"")
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("unauthorized-invalid-token.json"))));
    assertThatThrownBy(() -> provider().secret("databricksToken"))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("HTTP 401")
        .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(CLIENT_SECRET));
  }

  @Test
  @DisplayName("a missing access policy (403) is AccessDeniedException saying what to grant")
  void forbidden() {
    assertThatThrownBy(() -> provider().secret("payroll"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("Key Vault Secrets User");
  }

  @Test
  @DisplayName("a 503 is retried as the policy says, then ServiceUnavailableException")
  void unavailable() {
    AzureKeyVaultProvider retrying = providerAt(url(vault), CLIENT_SECRET)
        .retry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).build()).build();
    assertThatThrownBy(() -> retrying.secret("flaky"))
        .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("HTTP 503");
    vault.verify(3, getRequestedFor(urlPathMatching("/secrets/flaky/?"))
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
  }

  @Test
  @DisplayName("a vault that is gone, before or between reads, is ServiceUnavailableException")
  void serverGone() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> providerAt("https://127.0.0.1:" + closedPort, CLIENT_SECRET).build().secret("x-1"))
        .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("'x-1'");

    WireMockServer doomed = new WireMockServer(https());
    doomed.start();
    try {
      doomed.stubFor(get(urlPathMatching("/secrets/databricksToken/?")).withHeader("Authorization", absent())
          .willReturn(aResponse().withStatus(401)
              .withHeader("WWW-Authenticate", "Bearer authorization=\"" + url(entra) + "/" + TENANT
                  + "\", resource=\"https://vault.azure.net\"")
              .withBody(body("unauthorized-no-token.json"))));
      doomed.stubFor(get(urlPathMatching("/secrets/databricksToken/?"))
          .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
          .willReturn(okJson(body("get-secret.json"))));
      AzureKeyVaultProvider kv = providerAt("https://127.0.0.1:" + doomed.httpsPort(), CLIENT_SECRET).build();
      assertThat(kv.secret("databricksToken")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
      doomed.stop();
      assertThatThrownBy(() -> kv.secret("databricksToken")).isInstanceOf(ServiceUnavailableException.class);
    } finally {
      doomed.stop();
    }
  }

  @Test
  @DisplayName("a vault whose certificate is not signed by the trusted CA is TlsException; nothing is sent")
  void untrustedCertificate() {
    AzureKeyVaultProvider kv = providerAt(url(vault), CLIENT_SECRET)
        .trustedCa(TlsMaterial.shared().otherCaPem()).build();
    assertThatThrownBy(() -> kv.secret("databricksToken")).isInstanceOf(TlsException.class);
    vault.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  @DisplayName("by default a challenge for a resource outside the vault's domain is refused: no token is requested")
  void foreignChallengeRefused() {
    // a vault of its own: the SDK caches each vault's challenge for the JVM, and this one must be seen
    WireMockServer impostor = new WireMockServer(https());
    impostor.start();
    try {
      impostor.stubFor(get(urlPathMatching("/secrets/.*")).willReturn(aResponse().withStatus(401)
          .withHeader("WWW-Authenticate", "Bearer authorization=\"" + url(entra) + "/" + TENANT
              + "\", resource=\"https://vault.azure.net\"")
          .withBody(body("unauthorized-no-token.json"))));
      AzureKeyVaultProvider strict = providerAt("https://127.0.0.1:" + impostor.httpsPort(), CLIENT_SECRET).verifyChallengeResource(true)
          .build();
      assertThatThrownBy(() -> strict.secret("databricksToken")).isInstanceOf(DelphaException.class)
          .hasMessageContaining("databricksToken")
          .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(CLIENT_SECRET));
      entra.verify(0, postRequestedFor(anyUrl()));
      assertThat(impostor.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization"))
          .isNull());
    } finally {
      impostor.stop();
    }
  }

  @Test
  @DisplayName("names Key Vault cannot hold, a plain-HTTP vault and a missing vault are refused before any call")
  void hostileInput() {
    AzureKeyVaultProvider kv = provider();
    for (String name : new String[] {"", "../keys/master", "a b", "name?api-version=1.0", "x".repeat(128),
        "databricks%2FToken"}) {
      assertThatThrownBy(() -> kv.secret(name)).as(name).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> AzureKeyVaultProvider.builder().vaultUrl(URI.create("http://127.0.0.1:1")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("https");
    assertThatThrownBy(() -> AzureKeyVaultProvider.builder().vaultName("bad.name/x"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> AzureKeyVaultProvider.builder().build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("vaultName");
    assertThatThrownBy(() -> AzureKeyVaultProvider.builder().clientSecret(TENANT, CLIENT_ID, Secret.of("")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(AzureKeyVaultProvider.builder().vaultName("myvault").build().toString())
        .isEqualTo("AzureKeyVaultProvider[https://myvault.vault.azure.net]");
    vault.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  @DisplayName("a host-given TokenCredential is used as is")
  void hostCredential() {
    AzureKeyVaultProvider kv = AzureKeyVaultProvider.builder().vaultUrl(URI.create(url(vault)))
        .credential(request -> reactor.core.publisher.Mono.just(new com.azure.core.credential.AccessToken(
            ACCESS_TOKEN, java.time.OffsetDateTime.now().plusHours(1))))
        .trustedCa(TlsMaterial.shared().caPem()).verifyChallengeResource(false).retry(NO_RETRY).build();
    assertThat(kv.secret("databricksToken")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    entra.verify(0, postRequestedFor(anyUrl()));
  }

  @Test
  @DisplayName("seed 001: the vault's {CLIENT_ID, CLIENT_SECRET} secret becomes Delta Sharing OAuth client "
      + "credentials that a sharing server accepts")
  void seedSecretAsSharingCredentials() {
    WireMockServer sharing = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    sharing.start();
    try {
      String spId = "4e1c9f0a-7d3b-4a52-9c61-2f8e0b7a5d13";
      String spSecret = "dose-sp-secret-7f3a9c";
      sharing.stubFor(post(urlPathEqualTo("/oidc/v1/token"))
          .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder()
              .encodeToString((spId + ":" + spSecret).getBytes(StandardCharsets.UTF_8))))
          .withRequestBody(containing("grant_type=client_credentials"))
          .willReturn(okJson("{\"access_token\":\"dbx-oauth-access-1\",\"scope\":\"all-apis\","
              + "\"token_type\":\"Bearer\",\"expires_in\":3600}")));
      sharing.stubFor(get(urlPathEqualTo("/api/2.0/delta-sharing/metastores/ms-1/shares"))
          .withHeader("Authorization", equalTo("Bearer dbx-oauth-access-1"))
          .willReturn(okJson("{\"items\":[{\"name\":\"usage_share\",\"id\":\"0b7c5d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e\"}]}")));
      URI endpoint = URI.create(sharing.baseUrl() + "/api/2.0/delta-sharing/metastores/ms-1/");

      DeltaSharingProfile profile = DeltaSharingProfile.fromSecret(endpoint, provider(),
          "databricksServicePrincipal", URI.create(sharing.baseUrl() + "/oidc/v1/token"));
      assertThat(profile.type()).isEqualTo(DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS);
      assertThat(profile.clientId()).isEqualTo(spId);
      assertThat(profile.toString()).doesNotContain(spSecret);
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(profile).build()) {
        assertThat(client.listShares()).extracting(Share::name).containsExactly("usage_share");
      }

      DeltaSharingProfile bearer = DeltaSharingProfile.fromSecret(endpoint, provider(), "databricksToken", null);
      assertThat(bearer.type()).isEqualTo(DeltaSharingProfile.AuthType.BEARER_TOKEN);
      assertThat(bearer.bearerToken().reveal()).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    } finally {
      sharing.stop();
    }
  }

  @Test
  @DisplayName("every request, to the vault and to Entra, carries the library's User-Agent before the Azure SDK's")
  void userAgent() {
    assertThat(provider().secret("databricksToken")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    assertThat(vault.getAllServeEvents()).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getHeader("User-Agent")).startsWith(HttpCaller.USER_AGENT + " azsdk-java-"));
    assertThat(entra.getAllServeEvents()).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getHeader("User-Agent")).startsWith(HttpCaller.USER_AGENT));
  }

  @Test
  @DisplayName("a 429 with Retry-After is tried again no sooner than asked (WireMock's journal), then read")
  void retryAfter() {
    vault.stubFor(get(urlPathMatching("/secrets/throttled/?")).atPriority(2).inScenario("throttled")
        .whenScenarioStateIs(Scenario.STARTED)
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":{\"code\":\"Throttled\",\"message\":\"Request was not processed because too many "
                + "requests were received. Reason: VaultRequestTypeLimitReached\"}}"))
        .willSetStateTo("served"));
    vault.stubFor(get(urlPathMatching("/secrets/throttled/?")).atPriority(2).inScenario("throttled")
        .whenScenarioStateIs("served")
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody(body("get-secret.json"))));
    AzureKeyVaultProvider kv = providerAt(url(vault), CLIENT_SECRET)
        .retry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofSeconds(5)).build()).build();

    assertThat(kv.secret("throttled")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");

    List<ServeEvent> calls = vault.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith("/secrets/throttled")
            && e.getRequest().containsHeader("Authorization"))
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    assertThat(calls).extracting(e -> e.getResponse().getStatus()).containsExactly(429, 200);
    assertThat(calls.get(1).getRequest().getLoggedDate().getTime() - calls.get(0).getRequest().getLoggedDate().getTime())
        .isGreaterThanOrEqualTo(1000);
  }

  @Test
  @DisplayName("a 409 is a ConflictException and a 429 left after the retries a RateLimitedException with its Retry-After")
  void conflictAndRateLimit() {
    vault.stubFor(get(urlPathMatching("/secrets/deleted/?")).atPriority(2)
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":{\"code\":\"Conflict\",\"message\":\"Secret deleted is currently in a deleted but "
                + "recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or "
                + "purged.\"}}")));
    vault.stubFor(get(urlPathMatching("/secrets/busy/?")).atPriority(2)
        .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":{\"code\":\"Throttled\",\"message\":\"Request was not processed\"}}")));
    AzureKeyVaultProvider kv = provider();

    assertThatThrownBy(() -> kv.secret("deleted")).isInstanceOf(ConflictException.class)
        .hasMessageContaining("HTTP 409").hasMessageNotContaining(ACCESS_TOKEN).hasMessageNotContaining(CLIENT_SECRET);
    assertThatThrownBy(() -> kv.secret("busy")).isInstanceOfSatisfying(RateLimitedException.class, e ->
        assertThat(e.retryAfter()).contains(Duration.ZERO));
  }
}
