package io.delpha.sdk.sharing;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link DeltaSharingClient} connects and reads, as its builder resolved it. Immutable, made only by its builder
 * (no public constructor); equal when every setting is equal. Credentials are {@link Secret}s (a profile's too) and
 * {@link #toString()} shows none of them; the secret providers are not printed, their entries' names are.
 */
public final class DeltaSharingClientConfig {

  static final Settings SETTINGS = new Settings("DeltaSharingClientConfig");
  static final Settings.Setting<URI> ENDPOINT = SETTINGS.required("endpoint");
  static final Settings.Setting<Secret> BEARER_TOKEN = SETTINGS.optional("bearerToken");
  static final Settings.Setting<Instant> EXPIRATION_TIME = SETTINGS.optional("expirationTime");
  static final Settings.Setting<SecretProvider> BEARER_TOKEN_SECRETS =
      SETTINGS.<SecretProvider>optional("bearerTokenSecrets").unprinted();
  static final Settings.Setting<String> BEARER_TOKEN_SECRET_NAME = SETTINGS.optional("bearerTokenSecretName");
  static final Settings.Setting<DeltaSharingProfile> CREDENTIALS_PROFILE = SETTINGS.optional("credentialsProfile");
  static final Settings.Setting<SecretProvider> PRIVATE_KEY_SECRETS =
      SETTINGS.<SecretProvider>optional("privateKeySecrets").unprinted();
  static final Settings.Setting<String> PRIVATE_KEY_NAME = SETTINGS.optional("privateKeyName");
  static final Settings.Setting<Duration> CONNECT_TIMEOUT = SETTINGS.add("connectTimeout", Duration.ofSeconds(10));
  static final Settings.Setting<Duration> REQUEST_TIMEOUT = SETTINGS.add("requestTimeout", Duration.ofSeconds(60));
  static final Settings.Setting<Duration> URL_EXPIRY_MARGIN = SETTINGS.add("urlExpiryMargin", Duration.ofSeconds(30));
  static final Settings.Setting<RetryPolicy> RETRY_POLICY = SETTINGS.add("retryPolicy", RetryPolicy.defaults());
  static final Settings.Setting<Integer> DOWNLOAD_PARALLELISM = SETTINGS.add("downloadParallelism", 4);
  static final Settings.Setting<Integer> LIST_PAGE_SIZE = SETTINGS.optional("listPageSize");
  static final Settings.Setting<Integer> QUERY_PAGE_SIZE =
      SETTINGS.add("queryPageSize", DeltaSharingClientBuilder.DEFAULT_QUERY_PAGE_SIZE);
  static final Settings.Setting<Boolean> ASYNC_QUERIES = SETTINGS.add("asyncQueries", false);
  static final Settings.Setting<Duration> ASYNC_QUERY_TIMEOUT =
      SETTINGS.add("asyncQueryTimeout", Duration.ofMinutes(10));
  static final Settings.Setting<String> FILE_ID_HASH = SETTINGS.optional("fileIdHash");
  static final Settings.Setting<Clock> CLOCK = SETTINGS.add("clock", Clock.systemUTC());
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());
  static final Settings.Setting<ResponseLimits> RESPONSE_LIMITS =
      SETTINGS.add("responseLimits", DeltaSharingClientBuilder.defaultLimits());

  private final Settings.Values values;

  /** Made by {@link DeltaSharingClientBuilder} only. */
  DeltaSharingClientConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the sharing server's endpoint, an absolute {@code http(s)} URL
   */
  public URI endpoint() {
    return values.get(ENDPOINT);
  }

  /**
   * @return the bearer token given (or a bearer profile's), or {@code null} for other credentials
   */
  public @Nullable Secret bearerToken() {
    return values.find(BEARER_TOKEN);
  }

  /**
   * @return when a bearer profile's token expires, or {@code null} when it does not say
   */
  public @Nullable Instant expirationTime() {
    return values.find(EXPIRATION_TIME);
  }

  /**
   * @return the provider the bearer token is read from at each use, or {@code null}
   */
  public @Nullable SecretProvider bearerTokenSecrets() {
    return values.find(BEARER_TOKEN_SECRETS);
  }

  /**
   * @return the entry of {@link #bearerTokenSecrets()} holding the token, or {@code null}
   */
  public @Nullable String bearerTokenSecretName() {
    return values.find(BEARER_TOKEN_SECRET_NAME);
  }

  /**
   * @return the profile whose OAuth or basic credentials the client uses, or {@code null} for a bearer token
   */
  public @Nullable DeltaSharingProfile credentialsProfile() {
    return values.find(CREDENTIALS_PROFILE);
  }

  /**
   * @return the provider holding a private-key-JWT profile's key, or {@code null} for the profile's key file
   */
  public @Nullable SecretProvider privateKeySecrets() {
    return values.find(PRIVATE_KEY_SECRETS);
  }

  /**
   * @return the entry of {@link #privateKeySecrets()} holding the key's PEM text, or {@code null}
   */
  public @Nullable String privateKeyName() {
    return values.find(PRIVATE_KEY_NAME);
  }

  /**
   * @return the TCP connect timeout (default 10 s)
   */
  public Duration connectTimeout() {
    return values.get(CONNECT_TIMEOUT);
  }

  /**
   * @return the per-request timeout (default 60 s)
   */
  public Duration requestTimeout() {
    return values.get(REQUEST_TIMEOUT);
  }

  /**
   * @return how soon before its expiry a presigned URL is refreshed (default 30 s)
   */
  public Duration urlExpiryMargin() {
    return values.get(URL_EXPIRY_MARGIN);
  }

  /**
   * @return retries of transient failures, and the pauses between polls of an async query
   */
  public RetryPolicy retryPolicy() {
    return values.get(RETRY_POLICY);
  }

  /**
   * @return how many files a read downloads at once (default 4)
   */
  public int downloadParallelism() {
    return values.get(DOWNLOAD_PARALLELISM);
  }

  /**
   * @return {@code maxResults} of list requests, or {@code null} for the server's choice
   */
  public @Nullable Integer listPageSize() {
    return values.find(LIST_PAGE_SIZE);
  }

  /**
   * @return files per query page, 0 for the server's choice (default {@value
   *     DeltaSharingClientBuilder#DEFAULT_QUERY_PAGE_SIZE})
   */
  public int queryPageSize() {
    return values.get(QUERY_PAGE_SIZE);
  }

  /**
   * @return whether queries ask to run asynchronously (default {@code false})
   */
  public boolean asyncQueries() {
    return values.get(ASYNC_QUERIES);
  }

  /**
   * @return how long a pending async query is polled at most (default 10 minutes)
   */
  public Duration asyncQueryTimeout() {
    return values.get(ASYNC_QUERY_TIMEOUT);
  }

  /**
   * @return the {@code fileidhash} asked for ({@code parquet} or {@code delta}), or {@code null} for none
   */
  public @Nullable String fileIdHash() {
    return values.find(FILE_ID_HASH);
  }

  /**
   * @return the clock of token expiry and presigned URLs
   */
  public Clock clock() {
    return values.get(CLOCK);
  }

  /**
   * @return where calls to the sharing server are metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * @return the bounds on what the sharing server, its storage and its token endpoint send
   */
  public ResponseLimits responseLimits() {
    return values.get(RESPONSE_LIMITS);
  }

  /**
   * The settings a builder holds, without building the client (nothing fetched, no token asked for): the same
   * checks of the settings as {@code build()}.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give the client
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong, as {@code build()} would say
   */
  public static DeltaSharingClientConfig from(DeltaSharingClientBuilder settings) {
    return settings.settings();
  }

  /**
   * @return a builder with the default settings: {@link DeltaSharingClient#builder()}
   */
  public static DeltaSharingClientBuilder builder() {
    return DeltaSharingClient.builder();
  }

  /**
   * @return a builder holding every setting of this config, credentials and metrics included
   */
  public DeltaSharingClientBuilder toBuilder() {
    return new DeltaSharingClientBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DeltaSharingClientConfig c && values.equals(c.values);
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
