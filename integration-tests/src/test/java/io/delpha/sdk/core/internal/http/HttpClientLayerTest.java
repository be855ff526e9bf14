package io.delpha.sdk.core.internal.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.UploadClient;
import io.delpha.sdk.salesforce.ApiUsage;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.Share;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one HTTP client layer ({@link HttpCaller}) as every client of a SaaS API uses it: Salesforce's REST side,
 * the Delta Sharing client and the upload client, each against a WireMock server answering as the real API does.
 * The same status gives the same exception type from each; a 429 or 503 with {@code Retry-After} is tried again
 * no sooner than asked (measured on WireMock's journal, not the wall clock); every request carries the library's
 * {@code User-Agent}; and no credential reaches an exception, even from a server that echoes it back.
 */
class HttpClientLayerTest {

  static final String SF_TOKEN = "00DE0X0A0M0PeLE!AQcAQH0dMHEXAMPLE_layer_token_Zq81";
  static final String SF_PASSWORD = "Pa55w0rd-Layer-S3cret";
  static final String SF_CLIENT_SECRET = "cl1ent-Layer-S3cret-0042";
  static final String SHARING_TOKEN = "dapi-layer-bearer-7f3e9a1c5b2d";
  static final String UPLOAD_PASSWORD = "upl0ad-Layer-pw-9931";
  static final List<String> SECRETS = List.of(SF_TOKEN, SF_PASSWORD, SF_CLIENT_SECRET, SHARING_TOKEN, UPLOAD_PASSWORD);

  static final RetryPolicy RETRY = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1))
      .maxDelay(Duration.ofSeconds(5)).jitter(false).build();

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @TempDir
  static Path emptyDir;

  /** One client of the layer: the path its call reaches, its answers' shapes, and the call. */
  record Client(String name, String path, String okBody, Map<String, String> okHeaders,
      ErrorBody errorBody, Supplier<Object> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface ErrorBody {
    /** The API's error body for a status, with a message that echoes {@code echoed}. */
    String of(int status, String echoed);
  }

  static Stream<Client> clients() {
    return Stream.of(salesforce(), sharing(), upload());
  }

  static Client salesforce() {
    return new Client("Salesforce", "/services/data/v60.0/limits",
        "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14982}}", Map.of("Sforce-Limit-Info", "api-usage=18/15000"),
        (status, echoed) -> "[{\"message\":\"" + switch (status) {
          case 401 -> "Session expired or invalid " + echoed;
          case 403 -> "The REST API is not enabled for this Organization. " + echoed;
          case 404 -> "The requested resource does not exist " + echoed;
          case 409 -> "duplicate value found: " + echoed;
          default -> "An unexpected error occurred. Please include this ErrorId: 1204567-81 " + echoed;
        } + "\",\"errorCode\":\"" + switch (status) {
          case 401 -> "INVALID_SESSION_ID";
          case 403 -> "API_DISABLED_FOR_ORG";
          case 404 -> "NOT_FOUND";
          case 409 -> "DUPLICATE_VALUE";
          case 503 -> "SERVER_UNAVAILABLE";
          default -> "UNKNOWN_EXCEPTION";
        } + "\"}]",
        () -> {
          wm.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(200)
              .withHeader("Content-Type", "application/json")
              .withBody("{\"access_token\":\"" + SF_TOKEN + "\",\"instance_url\":\"" + wm.baseUrl() + "\","
                  + "\"id\":\"https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P\","
                  + "\"token_type\":\"Bearer\",\"issued_at\":\"1278448832702\"}")));
          try (SalesforceManager sf = SalesforceManager.builder().loginUrl(wm.baseUrl())
              .clientId("3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhq").clientSecret(SF_CLIENT_SECRET)
              .username("integration@delpha.example").password(SF_PASSWORD).retryPolicy(RETRY)
              .requestTimeout(Duration.ofSeconds(10)).build()) {
            ApiUsage usage = sf.apiUsage();
            assertThat(usage.used()).isEqualTo(18);
            return usage;
          }
        });
  }

  static Client sharing() {
    return new Client("Delta Sharing", "/delta-sharing/shares",
        "{\"items\":[{\"name\":\"vaccine_share\",\"id\":\"edacc4a7-6600-4fbb-85f3-a62a5ce6761f\"}]}",
        Map.of("Content-Type", "application/json; charset=utf-8"),
        (status, echoed) -> "{\"errorCode\":\"" + switch (status) {
          case 401 -> "UNAUTHENTICATED";
          case 403 -> "PERMISSION_DENIED";
          case 404 -> "RESOURCE_DOES_NOT_EXIST";
          case 409 -> "RESOURCE_ALREADY_EXISTS";
          case 429 -> "RESOURCE_EXHAUSTED";
          case 503 -> "TEMPORARILY_UNAVAILABLE";
          default -> "INTERNAL_ERROR";
        } + "\",\"message\":\"the request with token " + echoed + " failed\"}",
        () -> {
          try (DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/delta-sharing")
              .bearerToken(Secret.of(SHARING_TOKEN)).retryPolicy(RETRY).build()) {
            List<Share> shares = client.listShares();
            assertThat(shares).extracting(Share::name).containsExactly("vaccine_share");
            return shares;
          }
        });
  }

  static Client upload() {
    return new Client("upload", "/constraints", "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}",
        Map.of("Content-Type", "application/json"),
        (status, echoed) -> "{\"error\":\"" + switch (status) {
          case 401 -> "unauthorized";
          case 403 -> "forbidden";
          case 404 -> "not_found";
          case 409 -> "conflict";
          case 429 -> "rate_limited";
          case 503 -> "unavailable";
          default -> "internal";
        } + "\",\"message\":\"refused the password " + echoed + "\"}",
        () -> {
          FetchReport report = UploadClient.to(URI.create(wm.baseUrl() + "/"))
              .fetch("customer-7", UPLOAD_PASSWORD, emptyDir);
          assertThat(report.accepted()).isEmpty();
          return report;
        });
  }

  static Stream<Arguments> statuses() {
    List<Arguments> all = new ArrayList<>();
    clients().forEach(c -> {
      all.add(Arguments.of(c, 401, AuthenticationException.class));
      all.add(Arguments.of(c, 403, AccessDeniedException.class));
      all.add(Arguments.of(c, 404, NotFoundException.class));
      all.add(Arguments.of(c, 409, ConflictException.class));
      all.add(Arguments.of(c, 429, RateLimitedException.class));
      all.add(Arguments.of(c, 500, ServiceUnavailableException.class));
      all.add(Arguments.of(c, 503, ServiceUnavailableException.class));
    });
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: HTTP {1} -> {2}")
  @MethodSource("statuses")
  @DisplayName("a status maps to the same exception type from every client, without the credentials it echoes")
  void sameTypedExceptionFromEveryClient(Client client, int status, Class<? extends DelphaException> expected) {
    wm.resetAll();
    String echoed = client.name().equals("Salesforce") ? SF_TOKEN
        : client.name().equals("upload") ? UPLOAD_PASSWORD : SHARING_TOKEN;
    wm.stubFor(get(urlPathEqualTo(client.path())).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(client.errorBody().of(status, echoed))));

    Throwable thrown = catchThrowable(client.call()::get);

    assertThat(thrown).isInstanceOf(expected);
    assertNoSecretIn(thrown);
    assertThat(wm.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith(client.path()))
        .isNotEmpty();
  }

  static Stream<Arguments> throttles() {
    return clients().flatMap(c -> Stream.of(Arguments.of(c, 429), Arguments.of(c, 503)));
  }

  @ParameterizedTest(name = "{0}: HTTP {1} with Retry-After: 1")
  @MethodSource("throttles")
  @DisplayName("a 429 or 503 with Retry-After is tried again, no sooner than the server asked")
  void retryAfterIsHonoured(Client client, int status) {
    wm.resetAll();
    wm.stubFor(get(urlPathEqualTo(client.path())).inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(status).withHeader("Retry-After", "1")
            .withHeader("Content-Type", "application/json").withBody(client.errorBody().of(status, "")))
        .willSetStateTo("served"));
    var ok = aResponse().withStatus(200).withBody(client.okBody());
    client.okHeaders().forEach(ok::withHeader);
    wm.stubFor(get(urlPathEqualTo(client.path())).inScenario("throttled").whenScenarioStateIs("served")
        .willReturn(ok));

    assertThat(client.call().get()).isNotNull();

    List<ServeEvent> calls = wm.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith(client.path()))
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
        .toList();
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getResponse().getStatus()).isEqualTo(status);
    assertThat(calls.get(1).getResponse().getStatus()).isEqualTo(200);
    long gapMillis = calls.get(1).getRequest().getLoggedDate().getTime() - calls.get(0).getRequest().getLoggedDate().getTime();
    assertThat(gapMillis).as("pause between the throttled request and the next").isGreaterThanOrEqualTo(1000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  @DisplayName("a 429 that keeps asking to retry is a RateLimitedException with the server's Retry-After once the "
      + "retries run out")
  void throttledToTheEnd(Client client) {
    wm.resetAll();
    wm.stubFor(get(urlPathEqualTo(client.path())).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
        .withHeader("Content-Type", "application/json").withBody(client.errorBody().of(429, ""))));

    Throwable thrown = catchThrowable(client.call()::get);

    assertThat(thrown).isInstanceOfSatisfying(RateLimitedException.class, e ->
        assertThat(e.retryAfter()).contains(Duration.ZERO));
    assertThat(wm.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith(client.path()))
        .hasSizeGreaterThan(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  @DisplayName("every request carries User-Agent: delpha-data-sdk/<version>")
  void userAgent(Client client) {
    wm.resetAll();
    var ok = aResponse().withStatus(200).withBody(client.okBody());
    client.okHeaders().forEach(ok::withHeader);
    wm.stubFor(get(urlPathEqualTo(client.path())).willReturn(ok));

    client.call().get();

    List<ServeEvent> calls = wm.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith(client.path())).toList();
    assertThat(calls).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getHeader("User-Agent")).isEqualTo(HttpCaller.USER_AGENT));
    assertThat(HttpCaller.USER_AGENT).matches("delpha-data-sdk/\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  @DisplayName("a Retry-After longer than the policy's longest delay waits the longest delay, not what was asked")
  void retryAfterIsCappedByThePolicy() {
    List<Duration> pauses = new ArrayList<>();
    HttpCaller caller = new HttpCaller(HttpClient.newHttpClient(), "a service", Duration.ofSeconds(1),
        new Retrier(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofSeconds(3)).build(), Clock.systemUTC(), pauses::add));
    AtomicInteger attempts = new AtomicInteger();

    String result = caller.retrying("capped", HttpCaller.TRANSIENT, n -> {
      if (attempts.incrementAndGet() == 1) {
        throw new RateLimitedException("slow down", Duration.ofDays(3), null);
      }
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(pauses).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  @DisplayName("Retry-After is read as delay-seconds or an HTTP-date; anything else is ignored")
  void retryAfterForms() {
    Clock at = Clock.fixed(Instant.parse("2026-11-23T15:00:00Z"), ZoneOffset.UTC);
    assertThat(HttpCaller.parseRetryAfter("120", at)).contains(Duration.ofSeconds(120));
    assertThat(HttpCaller.parseRetryAfter(" 7 ", at)).contains(Duration.ofSeconds(7));
    assertThat(HttpCaller.parseRetryAfter("Mon, 23 Nov 2026 15:00:30 GMT", at)).contains(Duration.ofSeconds(30));
    assertThat(HttpCaller.parseRetryAfter("Mon, 23 Nov 2026 14:00:00 GMT", at)).contains(Duration.ZERO);
    assertThat(HttpCaller.parseRetryAfter("99999999999999999999", at)).hasValueSatisfying(d ->
        assertThat(d).isGreaterThan(Duration.ofDays(365)));
    assertThat(HttpCaller.parseRetryAfter("-5", at)).isEmpty();
    assertThat(HttpCaller.parseRetryAfter("soon", at)).isEmpty();
    assertThat(HttpCaller.parseRetryAfter("", at)).isEmpty();
  }

  static void assertNoSecretIn(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = t + " " + t.getMessage();
      for (String secret : SECRETS) {
        assertThat(text).as("%s must not carry a credential", t.getClass().getSimpleName()).doesNotContain(secret);
      }
    }
  }
}
