package io.delpha.sdk.salesforce;

import static io.delpha.sdk.core.internal.ConfigValues.setting;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.ConfigValues;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SalesforceManager} connects, as its builder resolved it. Immutable, made only by a manager's builder
 * (no public constructor); equal when every setting is equal. Secrets are {@link Secret}s and {@link #toString()}
 * shows none of them.
 */
public final class SalesforceConfig {

  private static final ConfigValues<SalesforceConfig> VALUES = ConfigValues.of(SalesforceConfig.class,
      setting("loginUrl", SalesforceConfig::loginUrl),
      setting("apiVersion", SalesforceConfig::apiVersion),
      setting("clientId", SalesforceConfig::clientId),
      setting("clientSecret", SalesforceConfig::clientSecret),
      setting("username", SalesforceConfig::username),
      setting("password", SalesforceConfig::password),
      setting("securityToken", SalesforceConfig::securityToken),
      setting("privateKeyPem", SalesforceConfig::privateKeyPem),
      setting("jwtAudience", SalesforceConfig::jwtAudience),
      setting("credentialsSecretName", SalesforceConfig::credentialsSecretName),
      setting("retryPolicy", SalesforceConfig::retryPolicy),
      setting("bulkPolling", SalesforceConfig::bulkPolling),
      setting("bulkTimeout", SalesforceConfig::bulkTimeout),
      setting("bulkPageSize", SalesforceConfig::bulkPageSize),
      setting("requestTimeout", SalesforceConfig::requestTimeout),
      setting("metrics", SalesforceConfig::metrics),
      setting("responseLimits", SalesforceConfig::responseLimits));

  private final String loginUrl;
  private final String apiVersion;
  private final @Nullable String clientId;
  private final @Nullable Secret clientSecret;
  private final @Nullable String username;
  private final @Nullable Secret password;
  private final Secret securityToken;
  private final @Nullable Secret privateKeyPem;
  private final @Nullable String jwtAudience;
  private final @Nullable String credentialsSecretName;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy bulkPolling;
  private final Duration bulkTimeout;
  private final int bulkPageSize;
  private final Duration requestTimeout;
  private final Metrics metrics;
  private final ResponseLimits responseLimits;

  /** Made by {@link SalesforceManagerBuilder} only. */
  SalesforceConfig(String loginUrl, String apiVersion, @Nullable String clientId, @Nullable Secret clientSecret,
      @Nullable String username, @Nullable Secret password, Secret securityToken, @Nullable Secret privateKeyPem,
      @Nullable String jwtAudience, @Nullable String credentialsSecretName, RetryPolicy retryPolicy,
      RetryPolicy bulkPolling, Duration bulkTimeout, int bulkPageSize, Duration requestTimeout, Metrics metrics,
      ResponseLimits responseLimits) {
    Objects.requireNonNull(metrics, "metrics");
    this.responseLimits = Objects.requireNonNull(responseLimits, "responseLimits");

    this.loginUrl = loginUrl;
    this.apiVersion = apiVersion;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.username = username;
    this.password = password;
    this.securityToken = securityToken;
    this.privateKeyPem = privateKeyPem;
    this.jwtAudience = jwtAudience;
    this.credentialsSecretName = credentialsSecretName;
    this.retryPolicy = retryPolicy;
    this.bulkPolling = bulkPolling;
    this.bulkTimeout = bulkTimeout;
    this.bulkPageSize = bulkPageSize;
    this.requestTimeout = requestTimeout;
    this.metrics = metrics;
  }

  /**
   * @return where to log in, e.g. {@code https://mycompany.my.salesforce.com}
   */
  public String loginUrl() {
    return loginUrl;
  }

  /**
   * @return the REST API version, e.g. {@code v60.0}
   */
  public String apiVersion() {
    return apiVersion;
  }

  /**
   * @return the connected app's consumer key ({@code null} when read from a secret provider)
   */
  public @Nullable String clientId() {
    return clientId;
  }

  /**
   * @return the connected app's consumer secret ({@code null} for JWT or a secret provider)
   */
  public @Nullable Secret clientSecret() {
    return clientSecret;
  }

  /**
   * @return the Salesforce user ({@code null} when read from a secret provider)
   */
  public @Nullable String username() {
    return username;
  }

  /**
   * @return the user's password ({@code null} for JWT or a secret provider)
   */
  public @Nullable Secret password() {
    return password;
  }

  /**
   * @return the user's security token (empty when not needed)
   */
  public Secret securityToken() {
    return securityToken;
  }

  /**
   * @return the JWT bearer flow's private key, PEM PKCS#8 ({@code null} for the password flow)
   */
  public @Nullable Secret privateKeyPem() {
    return privateKeyPem;
  }

  /**
   * @return the JWT {@code aud} claim, or {@code null} without a private key
   */
  public @Nullable String jwtAudience() {
    return jwtAudience;
  }

  /**
   * @return the secret provider entry holding the credentials, or {@code null}
   */
  public @Nullable String credentialsSecretName() {
    return credentialsSecretName;
  }

  /**
   * @return retries of transient failures
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * @return the delays between Bulk API 2.0 job state polls
   */
  public RetryPolicy bulkPolling() {
    return bulkPolling;
  }

  /**
   * @return how long to wait for a Bulk API 2.0 job
   */
  public Duration bulkTimeout() {
    return bulkTimeout;
  }

  /**
   * @return {@code maxRecords} per Bulk API 2.0 result page, 0 for Salesforce's choice
   */
  public int bulkPageSize() {
    return bulkPageSize;
  }

  /**
   * @return the per-request timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * @return the bounds on what Salesforce sends (REST answers and query pages, login answers, Bulk API 2.0 result
   *     streams)
   */
  public ResponseLimits responseLimits() {
    return responseLimits;
  }

  /**
   * @return where calls and records are metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * The settings a builder holds, without building the manager (no connection, no login): for a host's test double
   * of the manager, whose {@code config()} must return one. The same checks as {@code build()} before it logs in.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the manager
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static SalesforceConfig from(SalesforceManagerBuilder settings) {
    return settings.settings();
  }

  /**
   * The builder of a manager, whose {@code build()} makes the config with the manager: this is {@link
   * SalesforceManager#builder()}.
   *
   * @return a builder of a new manager with the default settings
   */
  public static SalesforceManagerBuilder builder() {
    return SalesforceManager.builder();
  }

  /**
   * A builder of another manager with these settings, credentials and metrics included. The one thing it cannot
   * carry is a {@code SecretProvider} (it is not a setting): for a config read from one ({@link
   * #credentialsSecretName()} set), call {@link SalesforceManagerBuilder#credentials} again.
   *
   * @return a builder holding every setting of this config
   */
  public SalesforceManagerBuilder toBuilder() {
    SalesforceManagerBuilder b = SalesforceManager.builder().loginUrl(loginUrl).apiVersion(apiVersion)
        .securityToken(securityToken).retryPolicy(retryPolicy).bulkPolling(bulkPolling).bulkTimeout(bulkTimeout)
        .bulkPageSize(bulkPageSize).requestTimeout(requestTimeout).metrics(metrics).responseLimits(responseLimits);
    ifSet(jwtAudience, b::jwtAudience);
    ifSet(clientId, b::clientId);
    ifSet(clientSecret, b::clientSecret);
    ifSet(username, b::username);
    ifSet(password, b::password);
    ifSet(privateKeyPem, b::privateKeyPem);
    return b;
  }

  /** The builder refuses null: a setting this config does not have is left out. */
  private static <T> void ifSet(@Nullable T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /**
   * @return {@code true} when the JWT bearer flow is used, {@code false} for username-password
   */
  public boolean jwtBearer() {
    return privateKeyPem != null;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return VALUES.equal(this, o);
  }

  @Override
  public int hashCode() {
    return VALUES.hash(this);
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return VALUES.show(this);
  }
}
