package io.delpha.sdk.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProviderTest;
import io.delpha.sdk.testing.HostilePeer;
import io.delpha.sdk.testing.TlsMaterial;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AzureKeyVaultProvider} (Azure's real {@code SecretClient} and {@code ClientSecretCredential}, MSAL included)
 * against a Key Vault and an Entra token endpoint that misbehave on purpose (issue 48): wire-level {@link
 * HostilePeer}s over HTTPS on the harness's certificate, answering the REST shapes of Azure's docs, and two "thieves"
 * on other ports (one HTTPS, one plain HTTP) that redirects point at. Each case asserts the typed error, that no
 * token and no client secret reached a thief (checked after every test), and what the client took in. The Azure
 * SDK reads the answers itself; what it would misread or read without end is refused by the provider's transport
 * first (see {@code BoundedAzureTransport}).
 *
 * <p>The tests run in a thread of their own under the timeout: two of the answers below make the Azure SDK spin
 * forever without the provider's checks, and a regression must fail, not hang the suite.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@DisplayName("AzureKeyVaultProvider against a hostile Key Vault and Entra endpoint")
class AzureKeyVaultHostilePeerTest {

  static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  static final String CLIENT_ID = "0d9f1a3b-6c2e-4b7a-8f51-3e9d2c1b0a74";
  static final String CLIENT_SECRET = "kv~reader~Q8s7Ja.b3Xy_secret-value";
  static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.kv-hostile-token-7.signature";
  static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
  static final String SECRET_JSON = "{\"value\":\"dapi-0a1b2c3d4e5f-kv-token\",\"id\":\"https://myvault.vault.azure.net"
      + "/secrets/s/4387e9f3d6e14c459867679a90fd0f79\",\"attributes\":{\"enabled\":true,\"created\":1493938410,"
      + "\"updated\":1493938410,\"recoveryLevel\":\"Recoverable+Purgeable\"},\"tags\":{}}";
  static final String TOKEN_JSON = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
      + "\"access_token\":\"" + TOKEN + "\"}";
  static final String DEEP = "[".repeat(100_000) + "]".repeat(100_000);

  private SSLContext tls;
  private HostilePeer vault;
  private HostilePeer entra;
  private HostilePeer thief;
  private HostilePeer plainThief;
  /** What the vault answers a request that carries a token; a request without one gets Key Vault's challenge. */
  private volatile HostilePeer.Answer authorized;

  @BeforeEach
  void start() {
    tls = TlsMaterial.shared().serverContext();
    entra = HostilePeer.startHttps(tls);
    thief = HostilePeer.startHttps(tls);
    plainThief = HostilePeer.start();
    vault = vault();
    entra.on("POST", TOKEN_PATH, HostilePeer.json(200, TOKEN_JSON));
  }

  @AfterEach
  void stop() {
    vault.close();
    entra.close();
    thief.close();
    plainThief.close();
    assertThat(thief.requests()).as("nothing reaches the other host").isEmpty();
    assertThat(plainThief.requests()).as("nothing reaches the other host").isEmpty();
    assertThat(vault.requests()).as("the vault sees the token, never the client secret").allSatisfy(r -> {
      assertThat(r.header("Authorization")).isIn(null, "Bearer " + TOKEN);
      assertThat(r.headers().toString() + r.bodyText()).doesNotContain(CLIENT_SECRET);
    });
  }

  /** A fresh vault: the Azure SDK caches each vault's challenge for the JVM, so a new port starts unauthorised. */
  private HostilePeer vault() {
    HostilePeer v = HostilePeer.startHttps(tls);
    authorized = HostilePeer.json(200, SECRET_JSON);
    String challenge = "Bearer authorization=\"" + entra.uri("/" + TENANT) + "\", resource=\"https://vault.azure.net\"";
    byte[] refusal = "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is missing a Bearer or PoP token.\"}}"
        .getBytes(StandardCharsets.UTF_8);
    v.on("GET", "/secrets/", (request, out) -> {
      if (request.header("Authorization") != null) {
        authorized.write(request, out);
        return;
      }
      HostilePeer.head(out, 401, Map.of("WWW-Authenticate", challenge, "Content-Type", "application/json",
          "Content-Length", String.valueOf(refusal.length)));
      out.write(refusal);
    });
    return v;
  }

  private AzureKeyVaultProvider provider(Consumer<ResponseLimits.Builder> limits) {
    return AzureKeyVaultProvider.builder().vaultUrl(vault.uri(""))
        .clientSecret(TENANT, CLIENT_ID, Secret.of(CLIENT_SECRET)).authorityHost(entra.uri(""))
        .trustedCa(TlsMaterial.shared().caPem()).verifyChallengeResource(false)
        .retry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))
            .build())
        .responseLimits(limits).build();
  }

  private AzureKeyVaultProvider provider() {
    return provider(l -> { });
  }

  private long authorizedRequests() {
    return vault.requests().stream().filter(r -> r.header("Authorization") != null).count();
  }

  private long tokenRequests() {
    return entra.requests().stream().filter(r -> r.target().startsWith(TOKEN_PATH)).count();
  }

  @Test
  @DisplayName("the well-behaved peers are read (the fixture speaks Key Vault's and Entra's protocols)")
  void wellBehaved() {
    assertThat(provider().secret("s")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    assertThat(authorizedRequests()).isEqualTo(1);
    assertThat(entra.requests()).singleElement().satisfies(r ->
        assertThat(URLDecoder.decode(r.bodyText(), StandardCharsets.UTF_8))
            .contains("client_secret=" + CLIENT_SECRET, "grant_type=client_credentials"));
  }

  // ---- no token and no client secret leaves its origin ----

  @Test
  @DisplayName("a 301/302/303/307/308 from the vault, to an https or a plain-http host or with CR/LF in its "
      + "Location, is a DataFormatException naming the status; it is not followed and not retried")
  void vaultRedirects() {
    List<String> locations = List.of(thief.uri("/steal").toString(), plainThief.uri("/steal").toString(),
        thief.uri("/steal").toString() + "\r\nAuthorization: Bearer injected");
    AzureKeyVaultProvider kv = provider();
    for (int status : List.of(301, 302, 303, 307, 308)) {
      for (String location : locations) {
        authorized = HostilePeer.redirect(status, location);
        long before = authorizedRequests();
        assertThatThrownBy(() -> kv.secret("s")).as(status + " " + location)
            .isExactlyInstanceOf(DataFormatException.class)
            .hasMessageContaining("'s'").hasMessageContaining("HTTP " + status).hasMessageContaining("redirect")
            .hasMessageContaining("127.0.0.1:" + (location.startsWith("http:") ? plainThief : thief).port())
            .hasMessageNotContaining("injected").hasMessageNotContaining(TOKEN);
        assertThat(authorizedRequests() - before).as("not retried").isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("a redirect instead of Key Vault's challenge is refused before any token is asked for")
  void redirectBeforeTheChallenge() {
    vault.on("GET", "/secrets/", HostilePeer.redirect(307, thief.uri("/secrets/s").toString()));
    assertThatThrownBy(() -> provider().secret("s")).isExactlyInstanceOf(DataFormatException.class)
        .hasMessageContaining("HTTP 307");
    assertThat(entra.requests()).isEmpty();
    assertThat(vault.requests()).hasSize(1);
  }

  @Test
  @DisplayName("a 301/302/303/307/308 from the token endpoint is a DataFormatException naming the status: the client "
      + "secret is not sent again elsewhere, and the vault gets no token")
  void tokenEndpointRedirects() {
    for (int status : List.of(301, 302, 303, 307, 308)) {
      entra.on("POST", TOKEN_PATH, HostilePeer.redirect(status, (status % 2 == 0 ? plainThief : thief)
          .uri("/token").toString()));
      long before = tokenRequests();
      assertThatThrownBy(() -> provider().secret("s")).as(String.valueOf(status))
          .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("HTTP " + status)
          .hasMessageContaining("redirect").hasMessageContaining("'s'")
          .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(CLIENT_SECRET));
      assertThat(tokenRequests() - before).as("not retried").isEqualTo(1);
    }
    assertThat(authorizedRequests()).isZero();
  }

  @Test
  @DisplayName("a wrong client secret is an AuthenticationException (Entra's code, never the secret); a token the "
      + "vault refuses likewise")
  void wrongCredentials() {
    entra.on("POST", TOKEN_PATH, HostilePeer.json(401, "{\"error\":\"invalid_client\",\"error_description\":"
        + "\"AADSTS7000215: Invalid client secret provided.\",\"error_codes\":[7000215]}"));
    assertThatThrownBy(() -> provider().secret("s")).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("AADSTS7000215")
        .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(CLIENT_SECRET));
    assertThat(authorizedRequests()).isZero();

    entra.on("POST", TOKEN_PATH, HostilePeer.json(200, TOKEN_JSON));
    vault.close();
    vault = vault();
    authorized = HostilePeer.json(401, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10022: Invalid "
        + "audience.\"}}");
    assertThatThrownBy(() -> provider().secret("s")).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("HTTP 401").hasMessageNotContaining(TOKEN);
  }

  // ---- what the vault and Entra send is bounded ----

  @Test
  @DisplayName("an answer padded with whitespace forever, from the vault or the token endpoint, delivers nothing and "
      + "stops at maxBodyBytes: typed, not retried")
  void paddedAnswers() {
    authorized = vault.padded(200, "application/json", "{\"value\":\"v\",", " \r\n", HostilePeer.Wire.PLAIN,
        Duration.ZERO, Map.of());
    assertThatThrownBy(() -> provider(l -> l.maxBodyBytes(1 << 20)).secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxBodyBytes"));
    assertThat(authorizedRequests()).as("not retried").isEqualTo(1);
    vault.close();
    long sent = vault.bytesSent();

    entra.on("POST", TOKEN_PATH, entra.padded(200, "application/json", "{\"token_type\":\"Bearer\",", " ",
        HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
    vault = vault();
    assertThatThrownBy(() -> provider(l -> l.maxBodyBytes(1 << 20)).secret("s"))
        .satisfies(e -> assertThat(HostilePeer.limitIn(e).limit()).isEqualTo("maxBodyBytes"));
    assertThat(authorizedRequests()).isZero();
    entra.close();
    assertThat(sent + entra.bytesSent()).isLessThan(2 * (17L << 20));
  }

  @Test
  @DisplayName("an answer that never ends, from the vault or the token endpoint, stops at maxBodyBytes: typed, not "
      + "retried, and the client took in about the limit")
  void endlessAnswers() {
    authorized = vault.endless(200, "application/json", "{\"value\":\"", "v".repeat(64), Map.of());
    assertThatThrownBy(() -> provider(l -> l.maxBodyBytes(1 << 20)).secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxBodyBytes");
          assertThat(e).hasMessageContaining("'s'").hasMessageContaining("1048576");
        });
    assertThat(authorizedRequests()).as("not retried").isEqualTo(1);
    vault.close();
    long sent = vault.bytesSent();

    entra.on("POST", TOKEN_PATH, entra.endless(200, "application/json", "{\"access_token\":\"", "t".repeat(64),
        Map.of()));
    vault = vault();
    long before = tokenRequests();
    assertThatThrownBy(() -> provider(l -> l.maxBodyBytes(1 << 20)).secret("s"))
        .satisfies(e -> assertThat(HostilePeer.limitIn(e).limit()).isEqualTo("maxBodyBytes"))
        .isInstanceOf(ResponseLimitException.class);
    assertThat(tokenRequests() - before).as("not retried").isEqualTo(1);
    assertThat(authorizedRequests()).isZero();
    entra.close();
    // two reads stopped at 1 MiB each: the peers got out that much plus what socket buffers took
    assertThat(sent + entra.bytesSent()).isLessThan(2 * (17L << 20));
  }

  @Test
  @DisplayName("JSON nested 100,000 deep, in a secret or a token answer, is refused by maxJsonDepth before the "
      + "Azure SDK parses it")
  void deepNesting() {
    authorized = HostilePeer.json(200, "{\"value\":\"v\",\"x\":" + DEEP + "}");
    assertThatThrownBy(() -> provider().secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));

    entra.on("POST", TOKEN_PATH, HostilePeer.json(200, "{\"x\":" + DEEP + ",\"access_token\":\"" + TOKEN
        + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"));
    vault.close();
    vault = vault();
    assertThatThrownBy(() -> provider().secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));
    assertThat(authorizedRequests()).isZero();
  }

  @Test
  @DisplayName("error answers nested 100,000 deep, which the Azure SDK parses itself, still end in the error their "
      + "status types")
  void deepErrorAnswers() {
    authorized = HostilePeer.json(404, "{\"error\":{\"code\":\"SecretNotFound\",\"innererror\":" + DEEP + "}}");
    assertThatThrownBy(() -> provider().secret("s")).isExactlyInstanceOf(NotFoundException.class)
        .hasMessageContaining("'s'");
    authorized = HostilePeer.json(403, "{\"error\":" + DEEP + "}");
    assertThatThrownBy(() -> provider().secret("s")).isExactlyInstanceOf(AccessDeniedException.class);

    entra.on("POST", TOKEN_PATH, HostilePeer.json(401, "{\"error\":\"invalid_client\",\"error_codes\":" + DEEP
        + "}"));
    vault.close();
    vault = vault();
    assertThatThrownBy(() -> provider().secret("s")).isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(SecretProviderTest.stackText(e)).doesNotContain(CLIENT_SECRET));
    assertThat(authorizedRequests()).isZero();
  }

  @Test
  @DisplayName("answers the Azure SDK never returns from (tags that are not strings, a token answer that is not flat) "
      + "and secrets of the wrong shape are DataFormatExceptions")
  void answersTheSdkMisreads() {
    for (String secret : List.of("{\"value\":\"v\",\"tags\":{\"a\":[1,2,3]}}", "{\"value\":\"v\",\"tags\":{\"a\":"
        + "[[[[[[[[[[1]]]]]]]]]]}}", "{\"value\":\"v\",\"tags\":[\"a\"]}", "{\"value\":[\"v\"]}",
        "{\"value\":{\"a\":1}}", "{\"value\":\"v\",\"attributes\":[1]}", "[\"v\"]", "not json")) {
      authorized = HostilePeer.json(200, secret);
      assertThatThrownBy(() -> provider().secret("s")).as(secret).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("'s'");
    }
    for (String token : List.of("{\"x\":[{\"y\":1}],\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599}",
        "{\"x\":[[[[[[[[[[1]]]]]]]]]],\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599}", "[]")) {
      entra.on("POST", TOKEN_PATH, HostilePeer.json(200, token));
      vault.close();
      vault = vault();
      assertThatThrownBy(() -> provider().secret("s")).as(token).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("'s'").hasMessageContaining("token");
      assertThat(authorizedRequests()).isZero();
    }
  }

  @Test
  @DisplayName("a token answer whose lifetime no token has (Long.MAX_VALUE, negative, a fraction, 1e400, junk) is a "
      + "DataFormatException before MSAL adds it to the clock; a day's lifetime, as a number or a string, is used")
  void tokenLifetimesNoTokenHas() {
    for (String lifetime : List.of("9223372036854775807", "\"9223372036854775807\"", "-1", "1.5", "1e400",
        "\"\u0661\u0662\"", "\"" + "9".repeat(5000) + "\"", "31708800")) {
      for (String field : List.of("expires_in", "ext_expires_in")) {
        String answer = TOKEN_JSON.replace("\"" + field + "\":3599", "\"" + field + "\":" + lifetime);
        entra.on("POST", TOKEN_PATH, HostilePeer.json(200, answer));
        vault.close();
        vault = vault();
        assertThatThrownBy(() -> provider().secret("s")).as(field + " " + lifetime)
            .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining(field)
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
        assertThat(authorizedRequests()).isZero();
      }
    }
    for (String lifetime : List.of("86400", "\"86400\"")) {
      entra.on("POST", TOKEN_PATH, HostilePeer.json(200, TOKEN_JSON.replace("\"expires_in\":3599",
          "\"expires_in\":" + lifetime)));
      vault.close();
      vault = vault();
      assertThat(provider().secret("s")).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    }
  }

  @Test
  @DisplayName("a token answer's expires_on in epoch seconds beyond any token (past a long, negative, years ahead) is a "
      + "DataFormatException before MSAL parses it; a real instant, or App Service's date spelling, is used")
  void tokenExpiriesNoTokenHas() {
    long yearsAhead = java.time.Instant.now().plus(Duration.ofDays(800)).getEpochSecond();
    for (String expiresOn : List.of("99999999999999999999", "\"99999999999999999999\"", "-1", "\"-1\"",
        String.valueOf(yearsAhead), "\"" + yearsAhead + "\"", "\"" + "9".repeat(5000) + "\"")) {
      entra.on("POST", TOKEN_PATH, HostilePeer.json(200, TOKEN_JSON.replace("\"token_type\"",
          "\"expires_on\":" + expiresOn + ",\"token_type\"")));
      vault.close();
      vault = vault();
      assertThatThrownBy(() -> provider().secret("s")).as(expiresOn)
          .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("expires_on")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
      assertThat(authorizedRequests()).isZero();
    }
    long inAnHour = java.time.Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    for (String expiresOn : List.of(String.valueOf(inAnHour), "\"" + inAnHour + "\"",
        "\"11/27/2026 10:00:00 AM +00:00\"")) {
      entra.on("POST", TOKEN_PATH, HostilePeer.json(200, TOKEN_JSON.replace("\"token_type\"",
          "\"expires_on\":" + expiresOn + ",\"token_type\"")));
      vault.close();
      vault = vault();
      assertThat(provider().secret("s")).as(expiresOn).isEqualTo("dapi-0a1b2c3d4e5f-kv-token");
    }
  }

  @Test
  @DisplayName("a secret trickled a byte at a time meets bodyTimeout; a stalled secret or token answer meets "
      + "idleTimeout (Azure's own read timeout is per read, 60 s)")
  void trickledAndStalledAnswers() {
    authorized = vault.trickle(200, "application/json", SECRET_JSON.repeat(100), Duration.ofMillis(5));
    assertThatThrownBy(() -> provider(l -> l.bodyTimeout(Duration.ofSeconds(2))).secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("bodyTimeout"));

    authorized = vault.stall(200, Map.of("Content-Type", "application/json"), "{\"value\":", 1000);
    assertThatThrownBy(() -> provider(l -> l.idleTimeout(Duration.ofSeconds(1))).secret("s"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("idleTimeout"));

    // a stalled answer holds its connection until its own peer closes
    entra.on("POST", TOKEN_PATH, entra.stall(200, Map.of("Content-Type", "application/json"), "{\"value\":", 1000));
    vault.close();
    vault = vault();
    assertThatThrownBy(() -> provider(l -> l.idleTimeout(Duration.ofSeconds(1))).secret("s"))
        .satisfies(e -> assertThat(HostilePeer.limitIn(e).limit()).isEqualTo("idleTimeout"))
        .isInstanceOf(ResponseLimitException.class);
    assertThat(authorizedRequests()).isZero();
  }

  @Test
  @DisplayName("an identity endpoint that is not an https URL with a host and no user info is an "
      + "InvalidInputException that never echoes a password")
  void badAuthorityHosts() {
    for (String host : List.of("http://127.0.0.1:" + entra.port() + "/", "file:///etc/passwd", "ftp://login.example/",
        "https:///no-host", "https://user:hunter2@login.example/")) {
      assertThatThrownBy(() -> AzureKeyVaultProvider.builder().authorityHost(URI.create(host))).as(host)
          .isExactlyInstanceOf(InvalidInputException.class).hasMessageContaining("identity endpoint")
          .hasMessageNotContaining("hunter2");
    }
    assertThat(entra.requests()).isEmpty();
  }
}
