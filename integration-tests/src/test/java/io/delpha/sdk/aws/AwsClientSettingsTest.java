package io.delpha.sdk.aws;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.delpha.sdk.aws.AwsSecretsManagerProvider;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.S3Server;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.SnsPipelineListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.utils.AttributeMap;

@DisplayName("AwsClientSettings: one setup for every AWS client, one error mapping")
class AwsClientSettingsTest {

  static final String TOPIC = "arn:aws:sns:eu-west-2:123456789012:totesys-alerts";
  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSHAREDKEY";

  @RegisterExtension
  static WireMockExtension aws = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final CountingHttpClient http = new CountingHttpClient();

  @AfterEach
  void closeHttp() {
    http.close();
  }

  /** The SDK's own HTTP client, counting the requests of each endpoint it carries. */
  static final class CountingHttpClient implements SdkHttpClient {
    final SdkHttpClient delegate = ServiceLoader.load(SdkHttpService.class).findFirst().orElseThrow()
        .createHttpClientBuilder().buildWithDefaults(AttributeMap.empty());
    final Map<Integer, AtomicInteger> requestsByPort = new ConcurrentHashMap<>();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      requestsByPort.computeIfAbsent(request.httpRequest().port(), p -> new AtomicInteger()).incrementAndGet();
      return delegate.prepareRequest(request);
    }

    @Override
    public void close() {
      delegate.close();
    }

    int requestsTo(URI endpoint) {
      AtomicInteger n = requestsByPort.get(endpoint.getPort());
      return n == null ? 0 : n.get();
    }
  }

  static String resource(String path) {
    try (InputStream in = AwsClientSettingsTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers {@code failures} times with {@code status} and {@code errorBody}, then with {@code ok}. */
  static void flaky(String action, int failures, int status, String contentType, String errorBody, String ok) {
    String state = Scenario.STARTED;
    for (int i = 1; i <= failures; i++) {
      String next = "failed-" + i;
      aws.stubFor(post(urlEqualTo("/")).inScenario(action).whenScenarioStateIs(state).willSetStateTo(next)
          .withRequestBody(containing(action.equals("Publish") ? "Action=Publish" : "SecretId"))
          .willReturn(aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(errorBody)));
      state = next;
    }
    aws.stubFor(post(urlEqualTo("/")).inScenario(action).whenScenarioStateIs(state)
        .withRequestBody(containing(action.equals("Publish") ? "Action=Publish" : "SecretId"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(ok)));
  }

  static RunReport failedRun() {
    return new RunReport(Instant.parse("2024-11-15T10:00:00Z"), false, Map.of(), Map.of(), Map.of(), Map.of(), 0,
        Map.of(), RunReport.Step.LOAD, new ServiceUnavailableException("the warehouse went away"));
  }

  static final String SNS_INTERNAL_ERROR = "<ErrorResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\">"
      + "<Error><Type>Receiver</Type><Code>InternalError</Code><Message>Internal Error</Message></Error>"
      + "<RequestId>0f3a9c1e-1111-5b1a-9d7e-3c2f4e5a6b7c</RequestId></ErrorResponse>";

  @Test
  @DisplayName("one settings value gives S3, Secrets Manager and SNS the same credentials, default region, retries "
      + "and HTTP client")
  void oneSetupForEveryClient() {
    AwsClientSettings shared = AwsClientSettings.builder()
        .credentials("AKIDSHAREDEXAMPLE", Secret.of(SECRET_KEY))
        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(5)).build())
        .httpClient(http)
        .build();
    AwsClientSettings atWireMock = shared.toBuilder().endpointOverride(URI.create(aws.baseUrl())).build();

    // four failures in a row: the SDK's standard retries (3 attempts) would give up, the shared policy (5) does not
    flaky("GetSecretValue", 4, 500, "application/x-amz-json-1.1", resource("/secretsmanager/internal-service-error.json"),
        resource("/secretsmanager/get-secret-value-string.json"));
    try (AwsSecretsManagerProvider vault = AwsSecretsManagerProvider.builder().aws(atWireMock).build()) {
      assertThat(vault.secret("salesforce-token")).isEqualTo("00Dxx0000001gPL!token-value-7c1");
    }
    flaky("Publish", 4, 500, "text/xml", SNS_INTERNAL_ERROR, resource("/sns/publish-response.xml"));
    try (SnsPipelineListener alerts = SnsPipelineListener.builder().topicArn(TOPIC).aws(atWireMock).build()) {
      assertThat(alerts.publish(failedRun())).isEqualTo("567910cd-659e-55d4-8ccb-5aaf14679dc0");
    }
    aws.verify(5, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("SecretId"))
        .withHeader("Authorization", containing("Credential=AKIDSHAREDEXAMPLE/"))
        .withHeader("Authorization", containing("/us-east-1/secretsmanager/aws4_request")));
    aws.verify(5, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
        .withHeader("Authorization", containing("Credential=AKIDSHAREDEXAMPLE/"))
        .withHeader("Authorization", containing("/us-east-1/sns/aws4_request")));

    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("settings");
    try (S3ObjectStore lake = S3ObjectStore.builder().bucket(bucket).aws(shared.toBuilder()
        .credentials(s3.accessKey(), s3.secretKey()).endpointOverride(s3.endpoint()).build()).build()) {
      lake.put("shared.txt", "one setup".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(lake.getBytes("shared.txt"), StandardCharsets.UTF_8)).isEqualTo("one setup");
    }
    assertThat(http.requestsTo(URI.create(aws.baseUrl()))).isEqualTo(10);
    assertThat(http.requestsTo(s3.endpoint())).isGreaterThanOrEqualTo(2);
    assertThat(shared.toString()).doesNotContain(SECRET_KEY).doesNotContain("AKIDSHAREDEXAMPLE")
        .contains("StaticCredentialsProvider");
  }

  @Test
  @DisplayName("every service maps refused credentials, missing permissions and throttling the same way, "
      + "naming what it did and never the secret key")
  void oneErrorMapping() {
    AwsClientSettings settings = AwsClientSettings.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", SECRET_KEY).endpointOverride(URI.create(aws.baseUrl()))
        .retryPolicy(RetryPolicy.none()).build();
    try (AwsSecretsManagerProvider vault = AwsSecretsManagerProvider.builder().aws(settings).build();
        SnsPipelineListener alerts = SnsPipelineListener.builder().topicArn(TOPIC).aws(settings).build()) {
      aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("SecretId")).willReturn(aResponse().withStatus(400)
          .withHeader("Content-Type", "application/x-amz-json-1.1")
          .withBody(resource("/secretsmanager/unrecognized-client.json"))));
      aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=Publish")).willReturn(aResponse()
          .withStatus(403).withHeader("Content-Type", "text/xml")
          .withBody("<ErrorResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
              + "<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid."
              + "</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>")));
      assertThatThrownBy(() -> vault.secret("totesys-db")).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("Secrets Manager could not read secret 'totesys-db'")
          .hasMessageContaining("UnrecognizedClientException").hasMessageNotContaining(SECRET_KEY);
      assertThatThrownBy(() -> alerts.publish(failedRun())).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("SNS could not publish to " + TOPIC)
          .hasMessageContaining("InvalidClientTokenId").hasMessageNotContaining(SECRET_KEY);

      aws.resetAll();
      aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("SecretId")).willReturn(aResponse().withStatus(400)
          .withHeader("Content-Type", "application/x-amz-json-1.1")
          .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));
      aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=Publish")).willReturn(aResponse()
          .withStatus(400).withHeader("Content-Type", "text/xml")
          .withBody("<ErrorResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
              + "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
              + "<RequestId>5b0bd5a1-2b71-5c39-8a3f-1e2d3c4b5a69</RequestId></ErrorResponse>")));
      assertThatThrownBy(() -> vault.secret("totesys-db")).isInstanceOf(RateLimitedException.class)
          .hasMessageContaining("Rate exceeded");
      assertThatThrownBy(() -> alerts.publish(failedRun())).isInstanceOf(RateLimitedException.class)
          .hasMessageContaining("Rate exceeded");
    }
  }
}
