package io.delpha.sdk.salesforce;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SalesforceManager} connects, as its builder resolved it. Secrets are {@link Secret}s
 * and {@link #toString()} shows none of them.
 *
 * @param loginUrl where to log in, e.g. {@code https://mycompany.my.salesforce.com}
 * @param apiVersion the REST API version, e.g. {@code v60.0}
 * @param clientId the connected app's consumer key ({@code null} when read from a secret provider)
 * @param clientSecret the connected app's consumer secret ({@code null} for JWT or a secret provider)
 * @param username the Salesforce user ({@code null} when read from a secret provider)
 * @param password the user's password ({@code null} for JWT or a secret provider)
 * @param securityToken the user's security token (empty when not needed)
 * @param privateKeyPem the JWT bearer flow's private key, PEM PKCS#8 ({@code null} for the password flow)
 * @param jwtAudience the JWT {@code aud} claim, or {@code null} without a private key
 * @param credentialsSecretName the secret provider entry holding the credentials, or {@code null}
 * @param retryPolicy retries of transient failures
 * @param bulkPolling the delays between Bulk API 2.0 job state polls
 * @param bulkTimeout how long to wait for a Bulk API 2.0 job
 * @param bulkPageSize {@code maxRecords} per Bulk API 2.0 result page, 0 for Salesforce's choice
 * @param requestTimeout the per-request timeout
 * @param metrics where calls and records are metered ({@link Metrics#none()} for nowhere)
 */
public record SalesforceConfig(
    String loginUrl,
    String apiVersion,
    @Nullable String clientId,
    @Nullable Secret clientSecret,
    @Nullable String username,
    @Nullable Secret password,
    Secret securityToken,
    @Nullable Secret privateKeyPem,
    @Nullable String jwtAudience,
    @Nullable String credentialsSecretName,
    RetryPolicy retryPolicy,
    RetryPolicy bulkPolling,
    Duration bulkTimeout,
    int bulkPageSize,
    Duration requestTimeout,
    Metrics metrics) {

  /** Checks that metrics are given. */
  public SalesforceConfig {
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The settings without metrics ({@link Metrics#none()}), as before metrics were part of the config.
   *
   * @param loginUrl see the record
   * @param apiVersion see the record
   * @param clientId see the record
   * @param clientSecret see the record
   * @param username see the record
   * @param password see the record
   * @param securityToken see the record
   * @param privateKeyPem see the record
   * @param jwtAudience see the record
   * @param credentialsSecretName see the record
   * @param retryPolicy see the record
   * @param bulkPolling see the record
   * @param bulkTimeout see the record
   * @param bulkPageSize see the record
   * @param requestTimeout see the record
   * @deprecated use the canonical constructor, or {@link SalesforceManager#builder()}
   */
  @Deprecated
  public SalesforceConfig(String loginUrl, String apiVersion, @Nullable String clientId,
      @Nullable Secret clientSecret, @Nullable String username, @Nullable Secret password, Secret securityToken,
      @Nullable Secret privateKeyPem, @Nullable String jwtAudience, @Nullable String credentialsSecretName,
      RetryPolicy retryPolicy, RetryPolicy bulkPolling, Duration bulkTimeout, int bulkPageSize,
      Duration requestTimeout) {
    this(loginUrl, apiVersion, clientId, clientSecret, username, password, securityToken, privateKeyPem,
        jwtAudience, credentialsSecretName, retryPolicy, bulkPolling, bulkTimeout, bulkPageSize, requestTimeout,
        Metrics.none());
  }

  /**
   * A builder of another manager with these settings, credentials and metrics included. The one thing it cannot
   * carry is a {@code SecretProvider} (it is not a setting): for a config read from one ({@link
   * #credentialsSecretName()} set), call {@link SalesforceManager.Builder#credentials} again.
   *
   * @return a builder holding every setting of this config
   */
  public SalesforceManager.Builder toBuilder() {
    SalesforceManager.Builder b = SalesforceManager.builder().loginUrl(loginUrl).apiVersion(apiVersion)
        .securityToken(securityToken).retryPolicy(retryPolicy).bulkPolling(bulkPolling).bulkTimeout(bulkTimeout)
        .bulkPageSize(bulkPageSize).requestTimeout(requestTimeout).metrics(metrics);
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
  public String toString() {
    return "SalesforceConfig[loginUrl=" + loginUrl + ", apiVersion=" + apiVersion
        + ", flow=" + (jwtBearer() ? "jwt-bearer" : "username-password")
        + ", username=" + username + ", clientId=" + clientId
        + (credentialsSecretName == null ? "" : ", credentialsSecret=" + credentialsSecretName)
        + ", secrets=****, retryPolicy=" + retryPolicy + ", bulkTimeout=" + bulkTimeout
        + ", bulkPageSize=" + bulkPageSize + ", requestTimeout=" + requestTimeout + "]";
  }
}
