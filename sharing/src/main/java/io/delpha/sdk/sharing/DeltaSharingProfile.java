package io.delpha.sdk.sharing;

import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.secrets.internal.SecretJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Delta Sharing profile file ({@code config.share}), the credentials a provider hands a recipient.
 *
 * <p>Version 1 holds {@code endpoint}, {@code bearerToken} and an optional {@code expirationTime}.
 * Version 2 adds {@code type}, as the reference connector reads it: {@code bearer_token} (same fields as version
 * 1); {@code oauth_client_credentials} ({@code tokenEndpoint}, {@code clientId}, {@code clientSecret}, optional
 * {@code scope}), the client then obtains its bearer tokens from the token endpoint; {@code
 * oauth_jwt_bearer_private_key_jwt} (an {@code auth} object: {@code tokenEndpoint}, {@code issuer}, {@code
 * clientId}, {@code audience}, optional {@code scope}, and {@code privateKey}: {@code privateKeyFile}, {@code keyId},
 * optional {@code algorithm}, default {@code RS256}), the client signs a JWT assertion with the private key and
 * exchanges it at the token endpoint ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}) for bearer
 * tokens; {@code basic} ({@code username}, {@code password}), every request carries HTTP Basic credentials.
 *
 * <pre>{@code
 * {"shareCredentialsVersion": 1, "endpoint": "https://sharing.example.com/delta-sharing/",
 *  "bearerToken": "...", "expirationTime": "2030-11-12T00:12:29.0Z"}
 * }</pre>
 *
 * <p>Secrets are {@link Secret}s: {@link #toString()} shows none, and parse errors never quote the file.
 *
 * @param version the {@code shareCredentialsVersion}, 1 or 2
 * @param endpoint the sharing server's URL (the protocol's {@code {prefix}})
 * @param type how the client authenticates
 * @param bearerToken the bearer token, for {@link AuthType#BEARER_TOKEN}; {@code null} otherwise
 * @param expirationTime when the bearer token expires, {@code null} if it never does
 * @param tokenEndpoint the OAuth token endpoint, for {@link AuthType#OAUTH_CLIENT_CREDENTIALS}; {@code null} otherwise
 * @param clientId the OAuth client id, for {@link AuthType#OAUTH_CLIENT_CREDENTIALS}; {@code null} otherwise
 * @param clientSecret the OAuth client secret, for {@link AuthType#OAUTH_CLIENT_CREDENTIALS}; {@code null} otherwise
 * @param scope the OAuth scope, may be {@code null}
 * @param username the user name, for {@link AuthType#BASIC}; {@code null} otherwise
 * @param password the password, for {@link AuthType#BASIC}; {@code null} otherwise
 * @param privateKeyJwt the JWT assertion's settings, for {@link AuthType#OAUTH_JWT_BEARER_PRIVATE_KEY_JWT} (with
 *     {@code tokenEndpoint} and {@code clientId}); {@code null} otherwise
 */
public record DeltaSharingProfile(
    int version,
    URI endpoint,
    AuthType type,
    @Nullable Secret bearerToken,
    @Nullable Instant expirationTime,
    @Nullable URI tokenEndpoint,
    @Nullable String clientId,
    @Nullable Secret clientSecret,
    @Nullable String scope,
    @Nullable String username,
    @Nullable Secret password,
    @Nullable PrivateKeyJwt privateKeyJwt) {

  /**
   * The JWT assertion of an {@code oauth_jwt_bearer_private_key_jwt} profile: claims {@code aud} = {@code issuer},
   * {@code iss} = the profile's {@code clientId}, {@code iat}, {@code exp} (two minutes on), {@code jti}, and when
   * set {@code scope} and {@code resource} = {@code audience}; header {@code kid} = {@code keyId}. The private key
   * (PEM-encoded PKCS#8 RSA) is read through a {@link SecretProvider} when a token is fetched: by default the file
   * {@code privateKeyFile} names, or the secret {@link DeltaSharingClientBuilder#privateKey} names.
   *
   * @param issuer the authorization server's issuer (the assertion's {@code aud})
   * @param audience the resource the token is for, may be {@code null}
   * @param privateKeyFile the PEM file of the private key, may be {@code null} when the key comes from a secret
   * @param keyId the key's id ({@code kid})
   * @param algorithm {@code RS256}, {@code RS384} or {@code RS512}
   */
  public record PrivateKeyJwt(String issuer, @Nullable String audience, @Nullable String privateKeyFile,
      String keyId, String algorithm) {
    /** Checks the algorithm. */
    public PrivateKeyJwt {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(algorithm, "algorithm");
      if (!io.delpha.sdk.core.internal.Jwt.ALGORITHMS.contains(algorithm.toUpperCase(Locale.ROOT))) {
        throw new DataFormatException("the private key JWT algorithm must be RS256, RS384 or RS512");
      }
    }
  }

  /**
   * A profile of the types before {@link AuthType#BASIC} and {@link AuthType#OAUTH_JWT_BEARER_PRIVATE_KEY_JWT}.
   *
   * @param version the {@code shareCredentialsVersion}
   * @param endpoint the sharing server's URL
   * @param type how the client authenticates
   * @param bearerToken the bearer token
   * @param expirationTime when it expires
   * @param tokenEndpoint the OAuth token endpoint
   * @param clientId the OAuth client id
   * @param clientSecret the OAuth client secret
   * @param scope the OAuth scope
   */
  public DeltaSharingProfile(int version, URI endpoint, AuthType type, @Nullable Secret bearerToken,
      @Nullable Instant expirationTime, @Nullable URI tokenEndpoint, @Nullable String clientId,
      @Nullable Secret clientSecret, @Nullable String scope) {
    this(version, endpoint, type, bearerToken, expirationTime, tokenEndpoint, clientId, clientSecret, scope, null,
        null, null);
  }

  /** The newest {@code shareCredentialsVersion} this client reads. */
  public static final int NEWEST_VERSION = 2;

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** How a profile authenticates to the sharing server. */
  public enum AuthType {
    /** A long-lived bearer token in the profile. */
    BEARER_TOKEN,
    /** OAuth 2.0 client credentials exchanged for short-lived bearer tokens. */
    OAUTH_CLIENT_CREDENTIALS,
    /** An OAuth 2.0 JWT bearer assertion, signed by a private key, exchanged for short-lived bearer tokens. */
    OAUTH_JWT_BEARER_PRIVATE_KEY_JWT,
    /** HTTP Basic credentials on every request. */
    BASIC
  }

  /** Checks the fields each type needs. */
  public DeltaSharingProfile {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(type, "type");
    if (type == AuthType.BEARER_TOKEN && (bearerToken == null || bearerToken.isEmpty())) {
      throw new DataFormatException("a bearer_token profile needs a non-empty bearerToken");
    }
    if (type == AuthType.OAUTH_CLIENT_CREDENTIALS
        && (tokenEndpoint == null || blank(clientId) || clientSecret == null || clientSecret.isEmpty())) {
      throw new DataFormatException(
          "an oauth_client_credentials profile needs tokenEndpoint, clientId and clientSecret");
    }
    if (type == AuthType.OAUTH_JWT_BEARER_PRIVATE_KEY_JWT
        && (tokenEndpoint == null || blank(clientId) || privateKeyJwt == null)) {
      throw new DataFormatException("an oauth_jwt_bearer_private_key_jwt profile needs tokenEndpoint, clientId, "
          + "issuer and keyId");
    }
    if (type == AuthType.BASIC && (blank(username) || password == null || password.isEmpty())) {
      throw new DataFormatException("a basic profile needs a non-empty username and password");
    }
  }

  /**
   * Reads a profile file.
   *
   * @param file the profile file
   * @return the profile
   * @throws NotFoundException if there is no such file
   * @throws DataFormatException if it is not a valid profile (the message names the field, never a value)
   */
  public static DeltaSharingProfile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no Delta Sharing profile file at " + file);
    } catch (IOException e) {
      throw new DelphaException("cannot read the Delta Sharing profile " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses a profile's JSON text (e.g. one kept in a key vault).
   *
   * @param json the profile JSON
   * @param source what the text is, for messages
   * @return the profile
   * @throws DataFormatException if it is not a valid profile (the message never quotes the text)
   */
  public static DeltaSharingProfile parse(String json, String source) {
    JsonNode node;
    try {
      node = JSON.readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      // the parser's message may quote the token: keep neither message nor cause
      throw new DataFormatException("the Delta Sharing profile " + source + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new DataFormatException("the Delta Sharing profile " + source + " is not a JSON object");
    }
    JsonNode versionNode = node.get("shareCredentialsVersion");
    if (versionNode == null || !versionNode.canConvertToInt()) {
      throw new DataFormatException("the Delta Sharing profile " + source
          + " has no integer 'shareCredentialsVersion' field");
    }
    int version = (int) PeerNumbers.jsonLong(versionNode, Integer.MIN_VALUE, Integer.MAX_VALUE,
        "the Delta Sharing profile " + source + "'s shareCredentialsVersion");
    if (version < 1) {
      throw new DataFormatException("the Delta Sharing profile " + source + " has shareCredentialsVersion "
          + version + "; versions start at 1");
    }
    if (version > NEWEST_VERSION) {
      throw new DataFormatException("the Delta Sharing profile " + source + " has shareCredentialsVersion "
          + version + ", newer than this client reads (" + NEWEST_VERSION + " and below): upgrade the SDK");
    }
    URI endpoint = uri(requiredText(node, "endpoint", source), "endpoint", source);
    String typeText = optionalText(node, "type", source);
    AuthType type = typeText == null ? AuthType.BEARER_TOKEN : switch (typeText.toLowerCase(Locale.ROOT)) {
      case "bearer_token" -> AuthType.BEARER_TOKEN;
      case "oauth_client_credentials" -> AuthType.OAUTH_CLIENT_CREDENTIALS;
      case "oauth_jwt_bearer_private_key_jwt" -> AuthType.OAUTH_JWT_BEARER_PRIVATE_KEY_JWT;
      case "basic" -> AuthType.BASIC;
      default -> throw new DataFormatException("the Delta Sharing profile " + source + " has an unknown type '"
          + typeText + "'; expected bearer_token, oauth_client_credentials, oauth_jwt_bearer_private_key_jwt or "
          + "basic");
    };
    if (type != AuthType.BEARER_TOKEN && version < 2) {
      throw new DataFormatException("the Delta Sharing profile " + source
          + ": " + type.name().toLowerCase(Locale.ROOT) + " needs shareCredentialsVersion 2");
    }
    if (type == AuthType.BASIC) {
      return new DeltaSharingProfile(version, endpoint, type, null, null, null, null, null, null,
          requiredText(node, "username", source), Secret.of(requiredText(node, "password", source)), null);
    }
    if (type == AuthType.OAUTH_JWT_BEARER_PRIVATE_KEY_JWT) {
      JsonNode auth = node.get("auth");
      if (auth == null || !auth.isObject()) {
        throw new DataFormatException("the Delta Sharing profile " + source + " has no 'auth' object");
      }
      String where = source + " (auth)";
      JsonNode key = auth.get("privateKey");
      if (key == null || !key.isObject()) {
        throw new DataFormatException("the Delta Sharing profile " + where + " has no 'privateKey' object");
      }
      String keyWhere = source + " (auth.privateKey)";
      String algorithm = optionalText(key, "algorithm", keyWhere);
      if (algorithm != null && !io.delpha.sdk.core.internal.Jwt.ALGORITHMS.contains(algorithm.toUpperCase(Locale.ROOT))) {
        throw new DataFormatException("the Delta Sharing profile " + keyWhere + " has algorithm '" + algorithm
            + "'; this client signs with RS256, RS384 or RS512");
      }
      PrivateKeyJwt jwt = new PrivateKeyJwt(requiredText(auth, "issuer", where), optionalText(auth, "audience", where),
          optionalText(key, "privateKeyFile", keyWhere), requiredText(key, "keyId", keyWhere),
          algorithm == null ? "RS256" : algorithm.toUpperCase(Locale.ROOT));
      return new DeltaSharingProfile(version, endpoint, type, null, null,
          uri(requiredText(auth, "tokenEndpoint", where), "tokenEndpoint", where), requiredText(auth, "clientId", where),
          null, optionalText(auth, "scope", where), null, null, jwt);
    }
    if (type == AuthType.BEARER_TOKEN) {
      String token = requiredText(node, "bearerToken", source);
      String expiration = optionalText(node, "expirationTime", source);
      Instant expires = null;
      if (expiration != null) {
        try {
          expires = Instant.parse(expiration);
        } catch (DateTimeParseException e) {
          throw new DataFormatException("the Delta Sharing profile " + source
              + " has an expirationTime that is not ISO 8601: '" + expiration + "'");
        }
      }
      return new DeltaSharingProfile(version, endpoint, type, Secret.of(token), expires, null, null, null, null);
    }
    URI tokenEndpoint = uri(requiredText(node, "tokenEndpoint", source), "tokenEndpoint", source);
    return new DeltaSharingProfile(version, endpoint, type, null, null, tokenEndpoint,
        requiredText(node, "clientId", source), Secret.of(requiredText(node, "clientSecret", source)),
        optionalText(node, "scope", source));
  }

  /**
   * The credentials of a sharing server kept as one vault secret: either the bearer token itself, or a JSON object {@code {"CLIENT_ID": ...,
   * "CLIENT_SECRET": ...}} (optional {@code "SCOPE"}) of OAuth client credentials, e.g. a Databricks service
   * principal's. Works with any {@link SecretProvider}: Azure Key Vault, AWS Secrets Manager, a file, the
   * environment.
   *
   * <pre>{@code
   * DeltaSharingProfile profile = DeltaSharingProfile.fromSecret(endpoint, vault, "databricksToken", null);
   * DeltaSharingClient client = DeltaSharingClient.builder().profile(profile).build();
   * }</pre>
   *
   * @param endpoint the sharing server's URL
   * @param secrets where the secret lives
   * @param name the secret's name
   * @param tokenEndpoint the OAuth token endpoint for client credentials; {@code null} for Databricks' own, {@code
   *     https://{endpoint's host}/oidc/v1/token}
   * @return a version 1 bearer-token profile, or a version 2 {@code oauth_client_credentials} one
   * @throws io.delpha.sdk.core.NotFoundException if there is no such secret
   * @throws DataFormatException if the secret is JSON but not an object holding non-empty {@code CLIENT_ID} and
   *     {@code CLIENT_SECRET} strings (the message names the fields, never a value)
   */
  public static DeltaSharingProfile fromSecret(URI endpoint, SecretProvider secrets, String name,
      @Nullable URI tokenEndpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String value = secrets.secret(name).trim();
    if (!value.startsWith("{")) {
      return new DeltaSharingProfile(1, endpoint, AuthType.BEARER_TOKEN, Secret.of(value), null, null, null, null,
          null);
    }
    Map<String, String> fields = SecretJson.flatten(value, name);
    String clientId = fields.get("CLIENT_ID");
    String clientSecret = fields.get("CLIENT_SECRET");
    if (blank(clientId) || clientSecret == null || clientSecret.isEmpty()) {
      throw new DataFormatException("secret '" + name + "' is a JSON object without non-empty CLIENT_ID and "
          + "CLIENT_SECRET fields (it has " + fields.keySet() + ")");
    }
    URI tokens = tokenEndpoint != null ? tokenEndpoint : URI.create("https://" + endpoint.getRawAuthority()
        + "/oidc/v1/token");
    return new DeltaSharingProfile(2, endpoint, AuthType.OAUTH_CLIENT_CREDENTIALS, null, null, tokens, clientId,
        Secret.of(clientSecret), fields.get("SCOPE"));
  }

  private static String requiredText(JsonNode node, String field, String source) {
    String value = optionalText(node, field, source);
    if (value == null) {
      throw new DataFormatException("the Delta Sharing profile " + source + " has no '" + field + "' field");
    }
    return value;
  }

  private static @Nullable String optionalText(JsonNode node, String field, String source) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
      return null;
    }
    if (!value.isTextual()) {
      throw new DataFormatException("the Delta Sharing profile " + source + ": '" + field + "' must be a string");
    }
    return value.asText();
  }

  private static URI uri(String text, String field, String source) {
    try {
      URI uri = new URI(text);
      if (uri.getRawUserInfo() != null) {
        // never echoed: user info may hold a password
        throw new DataFormatException("the Delta Sharing profile " + source + ": '" + field
            + "' must not carry user info (user:password@); the profile's credentials go in their own fields");
      }
      if (uri.getScheme() == null || uri.getHost() == null
          || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
        throw new URISyntaxException(text, "not an absolute http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new DataFormatException("the Delta Sharing profile " + source + ": '" + field
          + "' is not an absolute http(s) URL" + (text.indexOf('@') < 0 ? ": '" + text + "'" : ""));
    }
  }

  private static boolean blank(@Nullable String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "DeltaSharingProfile[version=" + version + ", endpoint=" + endpoint + ", type=" + type
        + (expirationTime == null ? "" : ", expirationTime=" + expirationTime)
        + (tokenEndpoint == null ? "" : ", tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId)
        + (username == null ? "" : ", username=" + username)
        + (privateKeyJwt == null ? "" : ", " + privateKeyJwt)
        + "]";
  }
}
