package io.delpha.sdk.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.core.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Salesforce-shaped WireMock stubs and the credentials the tests use. */
public final class SalesforceStubs {

  public static final String API = "/services/data/v60.0";
  public static final String CLIENT_ID = "3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3X";
  public static final String CLIENT_SECRET = "cl1ent-S3cret-4729";
  public static final String USERNAME = "integration@delpha.example";
  public static final String PASSWORD = "Pa55w0rd-Very-S3cret";
  public static final String SECURITY_TOKEN = "secTok5544XYZ";
  public static final String TOKEN_A = "00DE0X0A0M0PeLE!AQcAQH0dMHEXAMPLEzmpkb58urFRkgeBGsxL_tokenA";
  public static final String TOKEN_B = "00DE0X0A0M0PeLE!AQcAQH0dMHEXAMPLEzmpkb58urFRkgeBGsxL_tokenB";
  static final List<String> SECRETS = List.of(CLIENT_SECRET, PASSWORD, SECURITY_TOKEN, TOKEN_A, TOKEN_B);

  /** Fast, deterministic retries so tests never wait long. */
  static final RetryPolicy FAST_RETRY = RetryPolicy.builder()
      .maxAttempts(3).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).jitter(false).build();

  private SalesforceStubs() {}

  /** A JSON answer of the REST API, with the {@code Sforce-Limit-Info} header Salesforce sends. */
  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=UTF-8")
        .withHeader("Sforce-Limit-Info", "api-usage=120/15000").withBody(body);
  }

  public static String fixture(String name) {
    try (InputStream in = SalesforceStubs.class.getResourceAsStream("/salesforce/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String tokenResponse(WireMockExtension wm, String accessToken) {
    return fixture("token-response.json")
        .replace("{{accessToken}}", accessToken)
        .replace("{{baseUrl}}", wm.baseUrl());
  }

  public static void stubPasswordLogin(WireMockExtension wm, String accessToken) {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
        .withRequestBody(containing("grant_type=password"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(tokenResponse(wm, accessToken))));
  }

  /** The username-password login, answering {@link #TOKEN_A} first and {@link #TOKEN_B} from the second on. */
  public static void stubRenewedLogin(WireMockExtension wm) {
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("renewed login")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("renewed")
        .withRequestBody(containing("grant_type=password"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(tokenResponse(wm, TOKEN_A))));
    wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("renewed login")
        .whenScenarioStateIs("renewed")
        .withRequestBody(containing("grant_type=password"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(tokenResponse(wm, TOKEN_B))));
  }

  static SalesforceManagerBuilder builder(WireMockExtension wm) {
    return SalesforceManager.builder()
        .loginUrl(wm.baseUrl())
        .clientId(CLIENT_ID).clientSecret(CLIENT_SECRET)
        .username(USERNAME).password(PASSWORD).securityToken(SECURITY_TOKEN)
        .retryPolicy(FAST_RETRY)
        .requestTimeout(Duration.ofSeconds(10));
  }

  static SalesforceManager manager(WireMockExtension wm) {
    stubPasswordLogin(wm, TOKEN_A);
    return builder(wm).build();
  }

  static String errorBody(String errorCode, String message) {
    return "[{\"message\":\"" + message + "\",\"errorCode\":\"" + errorCode + "\",\"fields\":[]}]";
  }
}
