package io.delpha.sdk.aws;

import io.delpha.sdk.core.secrets.SecretProviderTest;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("AwsSecretsManagerProvider against the GetSecretValue JSON 1.1 protocol")
class AwsSecretsManagerProviderTest {

  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @RegisterExtension
  static WireMockExtension aws = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  AwsSecretsManagerProvider provider;

  @BeforeEach
  void open() {
    provider = providerAt(URI.create(aws.baseUrl()));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  static AwsSecretsManagerProvider providerAt(URI endpoint) {
    return AwsSecretsManagerProvider.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", SECRET_KEY).endpointOverride(endpoint).build();
  }

  static String body(String file) {
    try (InputStream in = AwsSecretsManagerProviderTest.class.getResourceAsStream("/secretsmanager/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void stub(String secretId, int status, String file) {
    aws.stubFor(post(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
        .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
        .withRequestBody(equalToJson("{\"SecretId\":\"" + secretId + "\"}"))
        .willReturn(aResponse().withStatus(status)
            .withHeader("Content-Type", "application/x-amz-json-1.1")
            .withHeader("x-amzn-RequestId", "c0ffee00-0000-4000-8000-000000000001")
            .withBody(body(file))));
  }

  @Test
  @DisplayName("a string secret is returned as is; a JSON secret as its fields")
  void stringAndJson() {
    stub("salesforce-token", 200, "get-secret-value-string.json");
    stub("totesys-db", 200, "get-secret-value-json.json");
    assertThat(provider.secret("salesforce-token")).isEqualTo("00Dxx0000001gPL!token-value-7c1");
    assertThat(provider.json("totesys-db")).containsExactly(
        org.assertj.core.api.Assertions.entry("host", "db.example.com"),
        org.assertj.core.api.Assertions.entry("port", "5432"),
        org.assertj.core.api.Assertions.entry("user", "etl"),
        org.assertj.core.api.Assertions.entry("password", "s3cr3t-PW-9f2"),
        org.assertj.core.api.Assertions.entry("ssl", "true"));
    aws.verify(2, postRequestedFor(urlEqualTo("/")).withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.containing("AWS4-HMAC-SHA256")));
  }

  @Test
  @DisplayName("a binary secret is decoded from base64 as UTF-8 text")
  void binary() {
    stub("binary-key", 200, "get-secret-value-binary.json");
    assertThat(provider.secret("binary-key")).isEqualTo("binary-secret-value");
  }

  @Test
  @DisplayName("ResourceNotFoundException is NotFoundException naming the secret")
  void notFound() {
    stub("missing", 400, "resource-not-found.json");
    assertThatThrownBy(() -> provider.secret("missing"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("'missing'");
  }

  @Test
  @DisplayName("an invalid key is AuthenticationException that shows no credential")
  void wrongCredentials() {
    stub("totesys-db", 400, "unrecognized-client.json");
    assertThatThrownBy(() -> provider.json("totesys-db"))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("totesys-db")
        .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(SECRET_KEY));
  }

  @Test
  @DisplayName("AccessDeniedException maps to AccessDeniedException")
  void accessDenied() {
    stub("payroll", 400, "access-denied.json");
    assertThatThrownBy(() -> provider.secret("payroll")).isInstanceOf(AccessDeniedException.class);
  }

  @Test
  @DisplayName("a failing or unreachable service is ServiceUnavailableException")
  void unavailable() throws IOException {
    stub("totesys-db", 500, "internal-service-error.json");
    assertThatThrownBy(() -> provider.secret("totesys-db")).isInstanceOf(ServiceUnavailableException.class);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (AwsSecretsManagerProvider down = providerAt(URI.create("http://127.0.0.1:" + closedPort))) {
      assertThatThrownBy(() -> down.secret("totesys-db"))
          .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("totesys-db");
    }
  }

  @Test
  @DisplayName("a JSON secret's value never appears in a parse error or in toString")
  void noLeaks() {
    stub("salesforce-token", 200, "get-secret-value-string.json");
    assertThatThrownBy(() -> provider.json("salesforce-token"))
        .isInstanceOf(io.delpha.sdk.core.DataFormatException.class)
        .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain("token-value-7c1"));
    assertThat(provider.toString()).doesNotContain(SECRET_KEY).contains("eu-west-2");
  }
}
