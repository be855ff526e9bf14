package io.delpha.sdk.sharing;

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
 * Version 2 adds {@code type}: {@code bearer_token} (same fields as version 1) or {@code
 * oauth_client_credentials} ({@code tokenEndpoint}, {@code clientId}, {@code clientSecret}, optional
 * {@code scope}); the client then obtains its bearer tokens from the token endpoint.
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
    @Nullable String scope) {

  /** The newest {@code shareCredentialsVersion} this client reads. */
  public static final int NEWEST_VERSION = 2;

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** How a profile authenticates to the sharing server. */
  public enum AuthType {
    /** A long-lived bearer token in the profile. */
    BEARER_TOKEN,
    /** OAuth 2.0 client credentials exchanged for short-lived bearer tokens. */
    OAUTH_CLIENT_CREDENTIALS
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
    int version = versionNode.asInt();
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
      default -> throw new DataFormatException("the Delta Sharing profile " + source + " has an unknown type '"
          + typeText + "'; expected bearer_token or oauth_client_credentials");
    };
    if (type == AuthType.OAUTH_CLIENT_CREDENTIALS && version < 2) {
      throw new DataFormatException("the Delta Sharing profile " + source
          + ": oauth_client_credentials needs shareCredentialsVersion 2");
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
        + "]";
  }
}
