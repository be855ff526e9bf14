package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.HttpCaller;
import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.delpha.sdk.core.internal.Jwt;
import io.delpha.sdk.core.internal.PeerNumbers;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Where the bearer token for the sharing server comes from. Implementations are thread-safe. */
public interface BearerTokens {

  /**
   * @return the token to send now
   * @throws AuthenticationException if no valid token can be had
   */
  Secret current();

  /** Forgets a cached token after the server rejected it, so {@link #current()} fetches a new one. */
  default void invalidate() {}

  /**
   * @return the {@code Authorization} header's value for the next request: {@code Bearer} and {@link #current()},
   *     unless the source sends other credentials (HTTP Basic)
   */
  default String authorization() {
    return "Bearer " + current().reveal();
  }

  /**
   * HTTP Basic credentials on every request (a {@code basic} profile).
   *
   * @param username the user name
   * @param password the password
   * @return the source: {@link #authorization()} is {@code Basic base64(username:password)}
   */
  static BearerTokens basic(String username, Secret password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    return new BearerTokens() {
      @Override
      public Secret current() {
        return Secret.of(Base64.getEncoder().encodeToString(
            (username + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
      }

      @Override
      public String authorization() {
        return "Basic " + current().reveal();
      }
    };
  }

  /**
   * OAuth 2.0 JWT bearer with a private key ({@code oauth_jwt_bearer_private_key_jwt}): signs an assertion with the
   * key (read through {@code keys} on every fetch, so a rotated key is picked up) and POSTs {@code
   * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=...} to the token endpoint; the access token is
   * cached as for client credentials.
   *
   * @param http the HTTP client
   * @param tokenEndpoint the token endpoint
   * @param clientId the client id (the assertion's {@code iss})
   * @param jwt the assertion's settings
   * @param scope the scope, may be {@code null}
   * @param keys where the PEM-encoded PKCS#8 private key is read
   * @param keyName the key's name in {@code keys}
   * @param clock the clock ({@code iat}, {@code exp}, the token's expiry)
   * @param limits how much of the token endpoint's answer is read
   * @return the source
   */
  static BearerTokens oauthPrivateKeyJwt(HttpCaller http, URI tokenEndpoint, String clientId,
      io.delpha.sdk.sharing.DeltaSharingProfile.PrivateKeyJwt jwt, @Nullable String scope, SecretProvider keys,
      String keyName, Clock clock, ResponseLimits limits) {
    Grant grant = new Grant() {
      @Override
      public String form() {
        PrivateKey key;
        try {
          key = Jwt.readPkcs8Pem(Secret.of(keys.secret(keyName)));
        } catch (io.delpha.sdk.core.NotFoundException e) {
          throw new AuthenticationException("the private key of the Delta Sharing profile (" + keyName
              + ") cannot be read: " + e.getMessage(), e);
        }
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", jwt.issuer());
        claims.put("iss", clientId);
        claims.put("iat", now);
        claims.put("exp", now + 120);
        claims.put("jti", UUID.randomUUID().toString());
        if (scope != null) {
          claims.put("scope", scope);
        }
        if (jwt.audience() != null) {
          claims.put("resource", jwt.audience());
        }
        String assertion = Jwt.sign(jwt.algorithm(), Map.of("kid", jwt.keyId()), claims, key);
        return "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&assertion=" + assertion;
      }

      @Override
      public @Nullable String basic() {
        return null;
      }

      @Override
      public String rejected() {
        return "check the profile's clientId, issuer, keyId and private key";
      }
    };
    return new OAuthTokens(http, tokenEndpoint, clientId, grant, clock, limits);
  }

  /** What a token request sends: its form, and its HTTP Basic client authentication if any. */
  interface Grant {
    /** @return the form body, {@code grant_type} first */
    String form();

    /** @return the {@code Basic} credentials (base64), {@code null} for none */
    @Nullable String basic();

    /** @return what a 400/401/403 tells the user to check */
    String rejected();
  }

  /**
   * @param token a fixed token
   * @param expiresAt when it expires, {@code null} if never
   * @param clock the clock to check expiry against
   * @return a source that always gives {@code token}, failing once it has expired
   */
  static BearerTokens fixed(Secret token, @Nullable Instant expiresAt, Clock clock) {
    Objects.requireNonNull(token, "token");
    return () -> {
      if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
        throw new AuthenticationException("the Delta Sharing bearer token expired at " + expiresAt
            + "; ask the data provider for a new profile");
      }
      return token;
    };
  }

  /**
   * @param secrets a secret provider (wrap it in {@link SecretProvider#cached} to limit look-ups)
   * @param name the secret holding the token
   * @return a source that asks the provider for every request, so a rotated token is picked up
   */
  static BearerTokens fromSecret(SecretProvider secrets, String name) {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(name, "name");
    return () -> Secret.of(secrets.secret(name));
  }

  /**
   * OAuth 2.0 client credentials: POSTs {@code grant_type=client_credentials} with HTTP Basic client
   * authentication to the token endpoint and caches the access token until shortly before it expires.
   *
   * @param http the HTTP client
   * @param tokenEndpoint the token endpoint
   * @param clientId the client id
   * @param clientSecret the client secret
   * @param scope the scope, may be {@code null}
   * @param clock the clock
   * @param limits how much of the token endpoint's answer is read ({@code maxBodyBytes}, depth, strings, deadlines)
   * @return the source
   */
  static BearerTokens oauthClientCredentials(HttpCaller http, URI tokenEndpoint, String clientId,
      Secret clientSecret, @Nullable String scope, Clock clock, ResponseLimits limits) {
    Grant grant = new Grant() {
      @Override
      public String form() {
        return "grant_type=client_credentials"
            + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
      }

      @Override
      public String basic() {
        return Base64.getEncoder().encodeToString(
            (clientId + ":" + clientSecret.reveal()).getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public String rejected() {
        return "check the profile's client credentials";
      }
    };
    return new OAuthTokens(http, tokenEndpoint, clientId, grant, clock, limits);
  }

  /**
   * The OAuth client-credentials source. Its caller never follows redirects (the client's credentials go in the
   * request), and the answer is read under the client's {@link ResponseLimits}.
   */
  final class OAuthTokens implements BearerTokens {
    /**
     * The longest an answer's {@code expires_in} is believed: a token is renewed at least this often, so a
     * lifetime of {@code Long.MAX_VALUE} seconds costs a renewal a day, not an overflow.
     */
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(1);
    private final HttpCaller http;
    private final ResponseLimits limits;
    private final URI tokenEndpoint;
    private final String clientId;
    private final Grant grant;
    private final Clock clock;
    private @Nullable Secret token;
    private Instant renewAt = Instant.MIN;

    OAuthTokens(HttpCaller http, URI tokenEndpoint, String clientId, Grant grant, Clock clock, ResponseLimits limits) {
      this.http = http;
      this.limits = limits;
      this.tokenEndpoint = tokenEndpoint;
      this.clientId = clientId;
      this.grant = grant;
      this.clock = clock;
    }

    @Override
    public synchronized Secret current() {
      if (token == null || !clock.instant().isBefore(renewAt)) {
        fetch();
      }
      return Objects.requireNonNull(token, "fetch() sets the token");
    }

    @Override
    public synchronized void invalidate() {
      token = null;
    }

    private void fetch() {
      String basic = grant.basic();
      HttpRequest.Builder builder = HttpCaller.request(tokenEndpoint, Duration.ofSeconds(30))
          .header("Accept", "application/json")
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(grant.form()));
      if (basic != null) {
        builder.header("Authorization", "Basic " + basic);
      }
      HttpRequest request = builder.build();
      // not retried here: a token is fetched within an attempt of SharingHttp, whose retries cover it
      HttpResponse<InputStream> response = http.send("fetch an OAuth token from " + tokenEndpoint, request,
          HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status != 200) {
        HttpCaller.drain(response.body());
      }
      if (status == 400 || status == 401 || status == 403) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint + " rejected client "
            + clientId + " (HTTP " + status + "); " + grant.rejected());
      }
      if (status >= 300 && status < 400) {
        throw new DataFormatException("the OAuth token endpoint " + tokenEndpoint + " answered with a redirect "
            + "(HTTP " + status + "), which this client never follows: it would carry the client's credentials "
            + "elsewhere; check the profile's tokenEndpoint");
      }
      if (status != 200) {
        throw HttpCaller.failure(response, "the OAuth token endpoint " + tokenEndpoint + " answered HTTP " + status);
      }
      JsonNode json;
      try {
        json = BoundedBody.readJson(response.body(), "the OAuth token endpoint's answer", limits);
      } catch (ResponseLimitException e) {
        throw e;
      } catch (DataFormatException e) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint + " did not answer JSON");
      }
      JsonNode access = json.get("access_token");
      JsonNode expiresIn = json.get("expires_in");
      if (access == null || !access.isTextual() || expiresIn == null || expiresIn.isNull()) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint
            + " answered without access_token and expires_in");
      }
      long seconds;
      try {
        seconds = PeerNumbers.lifetime(PeerNumbers.jsonLong(expiresIn, 0, Long.MAX_VALUE, "expires_in"),
            MAX_TOKEN_LIFETIME, "expires_in").toSeconds();
      } catch (DataFormatException e) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint + " answered an unusable "
            + "lifetime: " + e.getMessage());
      }
      token = Secret.of(access.asText());
      // renew early: a token must not expire between being read and being checked by the server
      renewAt = PeerNumbers.plusSaturated(clock.instant(),
          Duration.ofSeconds(seconds - Math.min(60, seconds / 10)));
    }
  }
}
