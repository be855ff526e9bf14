package io.delpha.sdk.totesys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

@DisplayName("SnsPipelineListener against the SNS Query API (Publish)")
class SnsPipelineListenerTest {

  static final String TOPIC = "arn:aws:sns:eu-west-2:123456789012:totesys-alerts";

  @RegisterExtension
  static WireMockExtension sns = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path lake;

  static String body(String file) {
    try (InputStream in = SnsPipelineListenerTest.class.getResourceAsStream("/sns/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SnsPipelineListener listener(URI endpoint) {
    return SnsPipelineListener.builder().topicArn(TOPIC).region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .endpointOverride(endpoint).build();
  }

  static void stub(int status, String file) {
    sns.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body(file))));
  }

  static RunReport failedReport() {
    return new RunReport(Instant.parse("2024-11-15T10:00:00Z"), false, Map.of("sales_order", 3L), Map.of(), Map.of(),
        Map.of(), 1, Map.of(), RunReport.Step.LOAD, new ServiceUnavailableException("the warehouse went away"));
  }

  @Test
  @DisplayName("a failed pipeline run is published to the topic with the report as the message")
  void failedRunIsPublished() throws Exception {
    stub(200, "publish-response.xml");
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setServerNames(new String[] {"127.0.0.1"});
    try (ServerSocket closed = new ServerSocket(0)) {
      nowhere.setPortNumbers(new int[] {closed.getLocalPort()});
    }
    nowhere.setDatabaseName("totesys");
    try (SnsPipelineListener alerts = listener(URI.create(sns.baseUrl()))) {
      RunReport report = TotesysPipeline.builder().source(nowhere).ingestionZone(LocalObjectStore.at(lake.resolve("i")))
          .processedZone(LocalObjectStore.at(lake.resolve("p"))).warehouse(nowhere).listener(alerts).build().run();

      assertThat(report.error()).isInstanceOf(ServiceUnavailableException.class);
    }
    sns.verify(1, postRequestedFor(urlEqualTo("/"))
        .withRequestBody(containing("Action=Publish"))
        .withRequestBody(containing("TopicArn=" + TOPIC.replace(":", "%3A")))
        .withRequestBody(containing("FAILED"))
        .withRequestBody(containing("ServiceUnavailableException")));
  }

  @Test
  @DisplayName("publish returns the MessageId of the Publish response; successful runs are not published by default")
  void publishReturnsMessageId() {
    stub(200, "publish-response.xml");
    try (SnsPipelineListener alerts = listener(URI.create(sns.baseUrl()))) {
      assertThat(alerts.publish(failedReport())).isEqualTo("567910cd-659e-55d4-8ccb-5aaf14679dc0");
      alerts.onRunFinished(new RunReport(Instant.now(), true, Map.of(), Map.of(), Map.of(), Map.of(), 0, Map.of(),
          null, null));
    }
    sns.verify(1, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  @DisplayName("SnsTopic, the aws seam the listener publishes through: a host's own message, its subject cut to 100 "
      + "characters, errors typed without the secret, an ARN required")
  void topicOfTheHost() {
    stub(200, "publish-response.xml");
    String longSubject = "s".repeat(150);
    try (io.delpha.sdk.aws.SnsTopic topic = io.delpha.sdk.aws.SnsTopic.builder().topicArn(TOPIC).region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .endpointOverride(URI.create(sns.baseUrl())).build()) {
      assertThat(topic.publish(longSubject, "nightly load failed")).isEqualTo("567910cd-659e-55d4-8ccb-5aaf14679dc0");
      assertThat(topic.toString()).contains(TOPIC);
    }
    sns.verify(1, postRequestedFor(urlEqualTo("/"))
        .withRequestBody(containing("Subject=" + "s".repeat(100)))
        .withRequestBody(notContaining("s".repeat(101)))
        .withRequestBody(containing("Message=nightly+load+failed"))
        .withRequestBody(containing("TopicArn=" + TOPIC.replace(":", "%3A"))));
    stub(403, "authorization-error.xml");
    try (io.delpha.sdk.aws.SnsTopic topic = io.delpha.sdk.aws.SnsTopic.builder().topicArn(TOPIC).region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .endpointOverride(URI.create(sns.baseUrl())).build()) {
      assertThatThrownBy(() -> topic.publish("x", "y")).isInstanceOf(AccessDeniedException.class)
          .hasMessageNotContaining("wJalrXUtnFEMI");
    }
    assertThatThrownBy(() -> io.delpha.sdk.aws.SnsTopic.builder().topicArn("totesys-alerts").build())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("SNS errors are typed: AuthorizationError -> AccessDeniedException, NotFound -> NotFoundException; the listener itself never throws")
  void errorsAreTyped() {
    try (SnsPipelineListener alerts = listener(URI.create(sns.baseUrl()))) {
      stub(403, "authorization-error.xml");
      assertThatThrownBy(() -> alerts.publish(failedReport())).isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(TOPIC).hasMessageNotContaining("EXAMPLEKEY");
      alerts.onRunFinished(failedReport());

      stub(404, "not-found.xml");
      assertThatThrownBy(() -> alerts.publish(failedReport())).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  @DisplayName("SNS unreachable is a ServiceUnavailableException; a listener without a topic ARN is refused")
  void unreachableAndInvalid() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    try (SnsPipelineListener alerts = listener(URI.create("http://127.0.0.1:" + port))) {
      assertThatThrownBy(() -> alerts.publish(failedReport())).isInstanceOf(ServiceUnavailableException.class);
    }
    assertThatThrownBy(() -> SnsPipelineListener.builder().topicArn("totesys-alerts").build())
        .isInstanceOf(InvalidInputException.class);
  }
}
