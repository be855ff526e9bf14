package io.delpha.sdk.salesforce;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Settings;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SalesforceManager} connects, as its builder resolved it. Immutable, made only by a manager's builder
 * (no public constructor); equal when every setting is equal. Secrets are {@link Secret}s and {@link #toString()}
 * shows none of them.
 */
public final class SalesforceConfig {

  static final Settings SETTINGS = new Settings("SalesforceConfig");
  static final Settings.Setting<String> LOGIN_URL = SETTINGS.required("loginUrl");
  static final Settings.Setting<String> API_VERSION = SETTINGS.add("apiVersion", "v60.0");
  static final Settings.Setting<String> CLIENT_ID = SETTINGS.optional("clientId");
  static final Settings.Setting<Secret> CLIENT_SECRET = SETTINGS.optional("clientSecret");
  static final Settings.Setting<String> USERNAME = SETTINGS.optional("username");
  static final Settings.Setting<Secret> PASSWORD = SETTINGS.optional("password");
  static final Settings.Setting<Secret> SECURITY_TOKEN = SETTINGS.add("securityToken", Secret.of(""));
  static final Settings.Setting<Secret> PRIVATE_KEY_PEM = SETTINGS.optional("privateKeyPem");
  static final Settings.Setting<String> JWT_AUDIENCE = SETTINGS.optional("jwtAudience");
  static final Settings.Setting<String> CREDENTIALS_SECRET_NAME = SETTINGS.optional("credentialsSecretName");
  static final Settings.Setting<RetryPolicy> RETRY_POLICY = SETTINGS.add("retryPolicy", RetryPolicy.defaults());
  static final Settings.Setting<RetryPolicy> BULK_POLLING = SETTINGS.add("bulkPolling", RetryPolicy.builder()
      .initialDelay(Duration.ofMillis(500)).maxDelay(Duration.ofSeconds(15)).multiplier(1.5).build());
  static final Settings.Setting<Duration> BULK_TIMEOUT = SETTINGS.add("bulkTimeout", Duration.ofMinutes(30));
  static final Settings.Setting<Integer> BULK_PAGE_SIZE = SETTINGS.add("bulkPageSize", 0);
  static final Settings.Setting<Integer> BULK_PARALLEL_DOWNLOADS = SETTINGS.add("bulkParallelDownloads", 5);
  static final Settings.Setting<Boolean> BULK_LIMITS_CHECK = SETTINGS.add("bulkLimitsCheck", false);
  static final Settings.Setting<Duration> REQUEST_TIMEOUT = SETTINGS.add("requestTimeout", Duration.ofSeconds(120));
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());
  static final Settings.Setting<ResponseLimits> RESPONSE_LIMITS =
      SETTINGS.add("responseLimits", ResponseLimits.defaults());

  private final Settings.Values values;

  /** Made by {@link SalesforceManagerBuilder} only. */
  SalesforceConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return where to log in, e.g. {@code https://mycompany.my.salesforce.com}
   */
  public String loginUrl() {
    return values.get(LOGIN_URL);
  }

  /**
   * @return the REST API version, e.g. {@code v60.0}
   */
  public String apiVersion() {
    return values.get(API_VERSION);
  }

  /**
   * @return the connected app's consumer key ({@code null} when read from a secret provider)
   */
  public @Nullable String clientId() {
    return values.find(CLIENT_ID);
  }

  /**
   * @return the connected app's consumer secret ({@code null} for JWT or a secret provider)
   */
  public @Nullable Secret clientSecret() {
    return values.find(CLIENT_SECRET);
  }

  /**
   * @return the Salesforce user ({@code null} when read from a secret provider)
   */
  public @Nullable String username() {
    return values.find(USERNAME);
  }

  /**
   * @return the user's password ({@code null} for JWT or a secret provider)
   */
  public @Nullable Secret password() {
    return values.find(PASSWORD);
  }

  /**
   * @return the user's security token (empty when not needed)
   */
  public Secret securityToken() {
    return values.get(SECURITY_TOKEN);
  }

  /**
   * @return the JWT bearer flow's private key, PEM PKCS#8 ({@code null} for the password flow)
   */
  public @Nullable Secret privateKeyPem() {
    return values.find(PRIVATE_KEY_PEM);
  }

  /**
   * @return the JWT {@code aud} claim, or {@code null} without a private key
   */
  public @Nullable String jwtAudience() {
    return values.find(JWT_AUDIENCE);
  }

  /**
   * @return the secret provider entry holding the credentials, or {@code null}
   */
  public @Nullable String credentialsSecretName() {
    return values.find(CREDENTIALS_SECRET_NAME);
  }

  /**
   * @return retries of transient failures
   */
  public RetryPolicy retryPolicy() {
    return values.get(RETRY_POLICY);
  }

  /**
   * @return the delays between Bulk API 2.0 job state polls
   */
  public RetryPolicy bulkPolling() {
    return values.get(BULK_POLLING);
  }

  /**
   * @return how long to wait for a Bulk API 2.0 job
   */
  public Duration bulkTimeout() {
    return values.get(BULK_TIMEOUT);
  }

  /**
   * @return {@code maxRecords} per Bulk API 2.0 result page, 0 for Salesforce's choice
   */
  public int bulkPageSize() {
    return values.get(BULK_PAGE_SIZE);
  }

  /**
   * @return how many Bulk API 2.0 result pages are downloaded at once through {@code resultPages} (default 5); 1 for
   *     the sequential locator paging
   */
  public int bulkParallelDownloads() {
    return values.get(BULK_PARALLEL_DOWNLOADS);
  }

  /**
   * @return whether the org's Bulk API allowances ({@code GET /limits}) are read before a Bulk API 2.0 job is
   *     created, and a job they cannot cover is refused; {@code false} by default
   */
  public boolean bulkLimitsCheck() {
    return values.get(BULK_LIMITS_CHECK);
  }

  /**
   * @return the per-request timeout
   */
  public Duration requestTimeout() {
    return values.get(REQUEST_TIMEOUT);
  }

  /**
   * @return the bounds on what Salesforce sends (REST answers and query pages, login answers, Bulk API 2.0 result
   *     streams)
   */
  public ResponseLimits responseLimits() {
    return values.get(RESPONSE_LIMITS);
  }

  /**
   * @return where calls and records are metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
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
    Settings.Draft draft = values.toDraft();
    draft.setOrClear(CREDENTIALS_SECRET_NAME, null);
    return new SalesforceManagerBuilder(draft);
  }

  /**
   * @return {@code true} when the JWT bearer flow is used, {@code false} for username-password
   */
  public boolean jwtBearer() {
    return privateKeyPem() != null;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SalesforceConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name, never a secret. */
  @Override
  public String toString() {
    return values.toString();
  }
}
