package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sharing client's settings: one table, the client's {@code config()} and {@code toBuilder()}. */
class DeltaSharingClientConfigTest {

  private static final String TOKEN = "dapi-config-test-token-4b1d";
  private static final String ENDPOINT = "https://sharing.example.com/delta-sharing/";

  @Test
  @DisplayName("a builder's defaults are the documented ones, and from(builder) checks as build() does")
  void defaults() {
    DeltaSharingClientConfig c = DeltaSharingClientConfig.from(DeltaSharingClient.builder().endpoint(ENDPOINT)
        .bearerToken(Secret.of(TOKEN)));
    assertThat(c.endpoint()).isEqualTo(URI.create(ENDPOINT));
    assertThat(c.bearerToken()).isEqualTo(Secret.of(TOKEN));
    assertThat(c.expirationTime()).isNull();
    assertThat(c.bearerTokenSecrets()).isNull();
    assertThat(c.credentialsProfile()).isNull();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.urlExpiryMargin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.retryPolicy()).isEqualTo(RetryPolicy.defaults());
    assertThat(c.downloadParallelism()).isEqualTo(4);
    assertThat(c.listPageSize()).isNull();
    assertThat(c.queryPageSize()).isEqualTo(DeltaSharingClientBuilder.DEFAULT_QUERY_PAGE_SIZE);
    assertThat(c.asyncQueries()).isFalse();
    assertThat(c.asyncQueryTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.fileIdHash()).isNull();
    assertThat(c.metrics()).isSameAs(Metrics.none());
    assertThat(c.responseLimits()).isEqualTo(DeltaSharingClientBuilder.defaultLimits());

    assertThatThrownBy(() -> DeltaSharingClientConfig.from(DeltaSharingClient.builder()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> DeltaSharingClientConfig.from(DeltaSharingClient.builder()
        .endpoint("https://user:pw@sharing.example.com/ds/"))).isInstanceOf(InvalidInputException.class)
        .hasMessageNotContaining("pw");
  }

  @Test
  @DisplayName("a client rebuilt from toBuilder() has an equal config, and from(toBuilder()) equals it")
  void roundTrip() {
    DeltaSharingClientBuilder b = DeltaSharingClient.builder().endpoint(ENDPOINT).bearerToken(Secret.of(TOKEN))
        .connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(9)).downloadParallelism(2)
        .listPageSize(50).queryPageSize(7).asyncQueries(true).asyncQueryTimeout(Duration.ofMinutes(2))
        .fileIdHash("delta").urlExpiryMargin(Duration.ofSeconds(5)).responseLimits(l -> l.maxLines(1234));
    try (DeltaSharingClient client = b.build()) {
      DeltaSharingClientConfig c = client.config();
      assertThat(c).isEqualTo(DeltaSharingClientConfig.from(b));
      assertThat(c.listPageSize()).isEqualTo(50);
      assertThat(c.responseLimits().maxLines()).isEqualTo(1234);
      assertThat(DeltaSharingClientConfig.from(c.toBuilder())).isEqualTo(c).hasSameHashCodeAs(c);
      assertThat(DeltaSharingClientConfig.from(c.toBuilder().queryPageSize(8))).isNotEqualTo(c);
      try (DeltaSharingClient rebuilt = client.toBuilder().build()) {
        assertThat(rebuilt).isNotSameAs(client);
        assertThat(rebuilt.config()).isEqualTo(c).hasSameHashCodeAs(c).hasToString(c.toString());
        assertThat(rebuilt.downloadParallelism()).isEqualTo(2);
      }
      client.close();
      assertThat(client.config()).as("config() answers after close").isSameAs(c);
    }
  }

  @Test
  @DisplayName("toString names every setting and shows no credential: tokens as ****, providers unprinted")
  void toStringHidesSecrets() {
    SecretProvider provider = name -> TOKEN;
    DeltaSharingClientConfig fixed = DeltaSharingClientConfig.from(DeltaSharingClient.builder().endpoint(ENDPOINT)
        .bearerToken(Secret.of(TOKEN)));
    assertThat(fixed.toString()).startsWith("DeltaSharingClientConfig[endpoint=" + ENDPOINT)
        .contains("bearerToken=****", "downloadParallelism=4").doesNotContain(TOKEN);
    DeltaSharingClientConfig read = DeltaSharingClientConfig.from(DeltaSharingClient.builder().endpoint(ENDPOINT)
        .bearerToken(provider, "sharing/token"));
    assertThat(read.bearerTokenSecrets()).isSameAs(provider);
    assertThat(read.toString()).contains("bearerTokenSecretName=sharing/token").doesNotContain(TOKEN);
    assertThat(read.toBuilder().build().config()).isEqualTo(read);

    DeltaSharingProfile oauth = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": "
        + "\"oauth_client_credentials\", \"endpoint\": \"" + ENDPOINT + "\", \"tokenEndpoint\": "
        + "\"https://login.example.com/oauth2/token\", \"clientId\": \"c1\", \"clientSecret\": \"" + TOKEN + "\"}",
        "test");
    DeltaSharingClientConfig viaProfile = DeltaSharingClientConfig.from(DeltaSharingClient.builder()
        .bearerToken(Secret.of("an-earlier-token")).profile(oauth));
    assertThat(viaProfile.credentialsProfile()).isEqualTo(oauth);
    assertThat(viaProfile.bearerToken()).as("a profile's credentials replace the token").isNull();
    assertThat(viaProfile.toString()).contains("c1").doesNotContain(TOKEN, "an-earlier-token");
  }

  @Test
  @DisplayName("a bearer profile sets the endpoint, the token and its expiry, as before")
  void bearerProfile() {
    Instant expiry = Instant.parse("2099-01-01T00:00:00Z");
    DeltaSharingProfile profile = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"endpoint\": \""
        + ENDPOINT + "\", \"bearerToken\": \"" + TOKEN + "\", \"expirationTime\": \"" + expiry + "\"}", "test");
    DeltaSharingClientBuilder b = DeltaSharingClient.builder().profile(profile);
    try (DeltaSharingClient client = b.build()) {
      assertThat(client.config().endpoint()).isEqualTo(URI.create(ENDPOINT));
      assertThat(client.config().bearerToken()).isEqualTo(Secret.of(TOKEN));
      assertThat(client.config().expirationTime()).isEqualTo(expiry);
      assertThat(client.config().credentialsProfile()).isNull();
    }
  }
}
