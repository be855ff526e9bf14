package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.internal.Jwt;
import io.delpha.sdk.core.internal.http.HttpCaller;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 JWT bearer flow: an RS256-signed assertion ({@code iss} = consumer key, {@code sub}
 * = user name, {@code aud} = login URL, {@code exp} = now + 3 minutes) posted to
 * {@code /services/oauth2/token}. It uses the JDK
 * {@link HttpCaller} and {@link Signature}; the request never follows a redirect ({@link TokenEndpoint}).
 */
public final class JwtBearerAuthenticator implements Authenticator {

  private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(3);

  private final HttpCaller http;
  private final ObjectMapper mapper;
  private final ResponseLimits limits;
  private final String loginUrl;
  private final String audience;
  private final String clientId;
  private final String username;
  private final PrivateKey privateKey;
  private final Clock clock;

  /**
   * @param http the HTTP client layer (its request timeout applies)
   * @param mapper the JSON mapper
   * @param limits the bounds on the token answer
   * @param loginUrl where the token endpoint is
   * @param audience the {@code aud} claim, e.g. {@code https://login.salesforce.com}
   * @param clientId the connected app's consumer key
   * @param username the Salesforce user name
   * @param privateKeyPem the RSA private key, PEM-encoded PKCS#8
   * @param clock the clock for {@code exp}
   */
  public JwtBearerAuthenticator(HttpCaller http, ObjectMapper mapper, ResponseLimits limits, String loginUrl,
      String audience, String clientId, String username, Secret privateKeyPem, Clock clock) {
    this.http = http;
    this.mapper = mapper;
    this.limits = limits;
    this.loginUrl = loginUrl;
    this.audience = audience;
    this.clientId = clientId;
    this.username = username;
    this.privateKey = readPkcs8Pem(privateKeyPem);
    this.clock = clock;
  }

  @Override
  public String flowName() {
    return "OAuth JWT bearer";
  }

  /**
   * Reads an RSA private key in PEM-encoded PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
   *
   * @param pem the PEM text
   * @return the key
   * @throws InvalidInputException if it is not a PKCS#8 RSA key (the message never quotes it)
   */
  public static PrivateKey readPkcs8Pem(Secret pem) {
    return Jwt.readPkcs8Pem(pem);
  }

  String assertion() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", clientId);
    claims.put("sub", username);
    claims.put("aud", audience);
    claims.put("exp", clock.instant().plus(ASSERTION_LIFETIME).getEpochSecond());
    return Jwt.sign("RS256", Map.of(), claims, privateKey);
  }

  @Override
  public Session login() {
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&assertion=" + assertion();
    return TokenEndpoint.requestToken(http, limits, flowName(), loginUrl, username, form);
  }
}
