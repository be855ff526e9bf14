package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.secrets.EnvironmentSecretProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSharingProfileTest {

  static final String TOKEN = "faaie590d541265bcab1f2de9813274bf233";

  @TempDir
  Path dir;

  @Test
  @DisplayName("a version 1 profile gives endpoint, bearer token and expiration; toString shows no token")
  void versionOne() {
    DeltaSharingProfile p = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"endpoint\": "
        + "\"https://sharing.delta.io/delta-sharing/\", \"bearerToken\": \"" + TOKEN + "\", "
        + "\"expirationTime\": \"2021-11-12T00:12:29.0Z\"}", "config.share");
    assertThat(p.version()).isEqualTo(1);
    assertThat(p.endpoint().toString()).isEqualTo("https://sharing.delta.io/delta-sharing/");
    assertThat(p.type()).isEqualTo(DeltaSharingProfile.AuthType.BEARER_TOKEN);
    assertThat(p.bearerToken().reveal()).isEqualTo(TOKEN);
    assertThat(p.expirationTime()).isEqualTo(Instant.parse("2021-11-12T00:12:29Z"));
    assertThat(p.toString()).doesNotContain(TOKEN);
  }

  @Test
  @DisplayName("a version 2 profile is bearer_token or oauth_client_credentials")
  void versionTwo() {
    DeltaSharingProfile bearer = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": \"bearer_token\","
        + " \"endpoint\": \"https://s.example.com/ds\", \"bearerToken\": \"" + TOKEN + "\"}", "v2");
    assertThat(bearer.type()).isEqualTo(DeltaSharingProfile.AuthType.BEARER_TOKEN);
    assertThat(bearer.expirationTime()).isNull();
    DeltaSharingProfile oauth = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": "
        + "\"oauth_client_credentials\", \"endpoint\": \"https://s.example.com/ds\", \"tokenEndpoint\": "
        + "\"https://login.example.com/oauth2/token\", \"clientId\": \"c1\", \"clientSecret\": \"" + TOKEN + "\"}", "v2");
    assertThat(oauth.type()).isEqualTo(DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS);
    assertThat(oauth.clientId()).isEqualTo("c1");
    assertThat(oauth.scope()).isNull();
    assertThat(oauth.toString()).doesNotContain(TOKEN).contains("c1");
  }

  @Test
  @DisplayName("malformed profiles are DataFormatExceptions naming the problem and never quoting the token")
  void malformed() {
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"bearerToken\": \"" + TOKEN + "\"", "p"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("not valid JSON").hasMessageNotContaining(TOKEN)
        .hasNoCause();
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"endpoint\": \"https://x/\", \"bearerToken\": \"t\"}", "p"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("shareCredentialsVersion");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 3, \"endpoint\": \"https://x/\","
        + " \"bearerToken\": \"t\"}", "p")).isInstanceOf(DataFormatException.class).hasMessageContaining("upgrade");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"bearerToken\": \""
        + TOKEN + "\"}", "p")).isInstanceOf(DataFormatException.class).hasMessageContaining("'endpoint'")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"endpoint\": \"https://x/\"}",
        "p")).isInstanceOf(DataFormatException.class).hasMessageContaining("'bearerToken'");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"endpoint\": \"not a url\","
        + " \"bearerToken\": \"t\"}", "p")).isInstanceOf(DataFormatException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": \"kerberos\","
        + " \"endpoint\": \"https://x/\"}", "p")).isInstanceOf(DataFormatException.class).hasMessageContaining("kerberos");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"type\": "
        + "\"oauth_client_credentials\", \"endpoint\": \"https://x/\", \"tokenEndpoint\": \"https://t/\", "
        + "\"clientId\": \"c\", \"clientSecret\": \"s\"}", "p"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("shareCredentialsVersion 2");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": "
        + "\"oauth_client_credentials\", \"endpoint\": \"https://x/\", \"clientId\": \"c\", \"clientSecret\": \"s\"}", "p"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("tokenEndpoint");
    assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"endpoint\": \"https://x/\","
        + " \"bearerToken\": \"t\", \"expirationTime\": \"tomorrow\"}", "p"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("expirationTime");
  }

  @Test
  @DisplayName("a missing profile file is NotFound; an expired bearer token fails when the client is built")
  void missingAndExpired() throws Exception {
    assertThatThrownBy(() -> DeltaSharingClient.fromProfile(dir.resolve("nope.share")))
        .isInstanceOf(NotFoundException.class);
    Path expired = dir.resolve("expired.share");
    Files.writeString(expired, "{\"shareCredentialsVersion\": 1, \"endpoint\": \"https://x.example.com/ds/\","
        + " \"bearerToken\": \"" + TOKEN + "\", \"expirationTime\": \"2021-11-12T00:12:29.0Z\"}");
    assertThatThrownBy(() -> DeltaSharingClient.fromProfile(expired)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("2021-11-12T00:12:29Z").hasMessageNotContaining(TOKEN);
  }

  @Test
  @DisplayName("fromSecret: a token is a bearer profile; the seed's {CLIENT_ID, CLIENT_SECRET} an OAuth one; "
      + "malformed secrets are typed errors that quote no value")
  void fromSecret() {
    URI endpoint = URI.create("https://adb-1234.azuredatabricks.net/api/2.0/delta-sharing/metastores/ms-1/");
    SecretProvider secrets = EnvironmentSecretProvider.of(Map.of(
        "token", "  " + TOKEN + "\n",
        "sp", "{\"CLIENT_ID\": \"sp-1\", \"CLIENT_SECRET\": \"sp-s3cr3t\", \"SCOPE\": \"all-apis\"}",
        "noSecret", "{\"CLIENT_ID\": \"sp-1\", \"client_secret\": \"sp-s3cr3t\"}",
        "broken", "{\"CLIENT_ID\": \"sp-1\", \"CLIENT_SECRET\": \"sp-s3cr3t\""));

    DeltaSharingProfile bearer = DeltaSharingProfile.fromSecret(endpoint, secrets, "token", null);
    assertThat(bearer.type()).isEqualTo(DeltaSharingProfile.AuthType.BEARER_TOKEN);
    assertThat(bearer.bearerToken().reveal()).isEqualTo(TOKEN);

    DeltaSharingProfile oauth = DeltaSharingProfile.fromSecret(endpoint, secrets, "sp", null);
    assertThat(oauth.version()).isEqualTo(2);
    assertThat(oauth.type()).isEqualTo(DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS);
    assertThat(oauth.clientId()).isEqualTo("sp-1");
    assertThat(oauth.clientSecret().reveal()).isEqualTo("sp-s3cr3t");
    assertThat(oauth.scope()).isEqualTo("all-apis");
    assertThat(oauth.tokenEndpoint()).hasToString("https://adb-1234.azuredatabricks.net/oidc/v1/token");
    assertThat(oauth.toString()).doesNotContain("sp-s3cr3t");
    assertThat(DeltaSharingProfile.fromSecret(endpoint, secrets, "sp", URI.create("https://idp.example/token"))
        .tokenEndpoint()).hasToString("https://idp.example/token");

    for (String name : new String[] {"noSecret", "broken"}) {
      assertThatThrownBy(() -> DeltaSharingProfile.fromSecret(endpoint, secrets, name, null)).as(name)
          .isInstanceOf(DataFormatException.class).hasMessageContaining(name)
          .satisfies(e -> {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            assertThat(w.toString()).doesNotContain("sp-s3cr3t");
          });
    }
    assertThatThrownBy(() -> DeltaSharingProfile.fromSecret(endpoint, secrets, "absent", null))
        .isInstanceOf(NotFoundException.class);
  }
}
