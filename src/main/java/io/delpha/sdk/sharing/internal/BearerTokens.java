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
import java.util.Base64;
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
    return new OAuthTokens(http, tokenEndpoint, clientId, clientSecret, scope, clock, limits);
  }

  /**
   * The OAuth client-credentials source. Its caller never follows redirects (the client's credentials go in the
   * request), and the answer is read under the client's {@link ResponseLimits}.
   */
  final class OAuthTokens implements BearerTokens {
    private final HttpCaller http;
    private final ResponseLimits limits;
    private final URI tokenEndpoint;
    private final String clientId;
    private final Secret clientSecret;
    private final @Nullable String scope;
    private final Clock clock;
    private @Nullable Secret token;
    private Instant renewAt = Instant.MIN;

    OAuthTokens(HttpCaller http, URI tokenEndpoint, String clientId, Secret clientSecret, @Nullable String scope,
        Clock clock, ResponseLimits limits) {
      this.http = http;
      this.limits = limits;
      this.tokenEndpoint = tokenEndpoint;
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      this.scope = scope;
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
      String basic = Base64.getEncoder().encodeToString(
          (clientId + ":" + clientSecret.reveal()).getBytes(StandardCharsets.UTF_8));
      String body = "grant_type=client_credentials"
          + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
      HttpRequest request = HttpCaller.request(tokenEndpoint, Duration.ofSeconds(30))
          .header("Accept", "application/json")
          .header("Authorization", "Basic " + basic)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      // not retried here: a token is fetched within an attempt of SharingHttp, whose retries cover it
      HttpResponse<InputStream> response = http.send("fetch an OAuth token from " + tokenEndpoint, request,
          HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status != 200) {
        HttpCaller.drain(response.body());
      }
      if (status == 400 || status == 401 || status == 403) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint + " rejected client "
            + clientId + " (HTTP " + status + "); check the profile's client credentials");
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
      if (access == null || !access.isTextual() || expiresIn == null || !expiresIn.canConvertToLong()) {
        throw new AuthenticationException("the OAuth token endpoint " + tokenEndpoint
            + " answered without access_token and expires_in");
      }
      long seconds = expiresIn.asLong();
      token = Secret.of(access.asText());
      // renew early: a token must not expire between being read and being checked by the server
      renewAt = clock.instant().plusSeconds(Math.max(0, seconds - Math.min(60, seconds / 10)));
    }
  }
}
