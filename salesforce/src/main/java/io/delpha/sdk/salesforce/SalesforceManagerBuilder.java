package io.delpha.sdk.salesforce;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.salesforce.internal.Authenticator;
import io.delpha.sdk.salesforce.internal.BulkIngest;
import io.delpha.sdk.salesforce.internal.Json;
import io.delpha.sdk.salesforce.internal.JwtBearerAuthenticator;
import io.delpha.sdk.salesforce.internal.PasswordAuthenticator;
import io.delpha.sdk.salesforce.internal.PasswordCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link SalesforceManager}. Give either {@code instance} (My Domain name) or
 * {@code loginUrl}; then the password flow's {@code clientId, clientSecret, username, password,
 * securityToken}, or the JWT flow's {@code clientId, username, privateKeyPem}, or
 * {@code credentials(provider, name)}. Every setter refuses {@code null} ({@link NullPointerException}); leave a
 * setting out instead (no security token: do not call {@code securityToken}). {@link SalesforceManager#builder()}
 * starts one, {@link SalesforceConfig#toBuilder()} one holding a config's settings. Not thread-safe.
 */
public final class SalesforceManagerBuilder implements ClientBuilder<SalesforceManagerBuilder, SalesforceManager>,
    ClientBuilder.WithRetries<SalesforceManagerBuilder>, ClientBuilder.WithRequestTimeout<SalesforceManagerBuilder>,
    ClientBuilder.WithResponseLimits<SalesforceManagerBuilder> {
  private static final Pattern API_VERSION = Pattern.compile("v\\d{2,3}\\.0");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(\\.[A-Za-z0-9-]+)*");

  private @Nullable String instance;
  private @Nullable SecretProvider secretProvider;
  private Clock clock = Clock.systemUTC();
  private Pause.Sleeper sleeper = Pause.REAL;
  private long ingestJobBytes = BulkIngest.MAX_JOB_BYTES;
  private final Settings.Draft draft;

  SalesforceManagerBuilder() {
    this(SalesforceConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link SalesforceConfig#toBuilder()}. */
  SalesforceManagerBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> SalesforceManagerBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, value);
    return this;
  }

  /**
   * @param metrics where calls (timed by operation and outcome) and records read or written are metered
   *     (docs/metrics.md); default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public SalesforceManagerBuilder metrics(Metrics metrics) {
    return set(SalesforceConfig.METRICS, metrics);
  }

  /**
   * The clock and sleeper of retries and Bulk API polls: the test seam, so tests never wait on the wall
   * clock.
   *
   * @param clock the clock poll deadlines and JWT claims are measured on
   * @param sleeper how retries and polls pause
   * @return this builder
   */
  SalesforceManagerBuilder pauses(Clock clock, Pause.Sleeper sleeper) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * The most CSV bytes of one Bulk API 2.0 ingest job (default 100 MB): the test seam that makes small inputs several
   * jobs. Not a setting: Salesforce's bound is not the host's to change.
   *
   * @param bytes the most CSV bytes of a job, its header included
   * @return this builder
   */
  SalesforceManagerBuilder ingestJobBytes(long bytes) {
    this.ingestJobBytes = bytes;
    return this;
  }

  /**
   * @param myDomain the org's My Domain name, e.g. {@code mycompany} for
   *     {@code https://mycompany.my.salesforce.com}
   * @return this builder
   */
  public SalesforceManagerBuilder instance(String myDomain) {
    this.instance = Objects.requireNonNull(myDomain, "myDomain");
    return this;
  }

  /**
   * @param loginUrl where to log in, e.g. {@code https://login.salesforce.com} or
   *     {@code https://test.salesforce.com}
   * @return this builder
   */
  public SalesforceManagerBuilder loginUrl(String loginUrl) {
    return set(SalesforceConfig.LOGIN_URL, loginUrl);
  }

  /**
   * @param apiVersion the REST API version, {@code v60.0} (the default) or newer
   * @return this builder
   */
  public SalesforceManagerBuilder apiVersion(String apiVersion) {
    return set(SalesforceConfig.API_VERSION, apiVersion);
  }

  /**
   * @param clientId the connected app's consumer key
   * @return this builder
   */
  public SalesforceManagerBuilder clientId(String clientId) {
    return set(SalesforceConfig.CLIENT_ID, clientId);
  }

  /**
   * @param clientSecret the connected app's consumer secret
   * @return this builder
   */
  public SalesforceManagerBuilder clientSecret(String clientSecret) {
    return clientSecret(Secret.of(Objects.requireNonNull(clientSecret, "clientSecret")));
  }

  /**
   * @param clientSecret the connected app's consumer secret
   * @return this builder
   */
  public SalesforceManagerBuilder clientSecret(Secret clientSecret) {
    return set(SalesforceConfig.CLIENT_SECRET, clientSecret);
  }

  /**
   * @param username the Salesforce user name
   * @return this builder
   */
  public SalesforceManagerBuilder username(String username) {
    return set(SalesforceConfig.USERNAME, username);
  }

  /**
   * @param password the user's password
   * @return this builder
   */
  public SalesforceManagerBuilder password(String password) {
    return password(Secret.of(Objects.requireNonNull(password, "password")));
  }

  /**
   * @param password the user's password
   * @return this builder
   */
  public SalesforceManagerBuilder password(Secret password) {
    return set(SalesforceConfig.PASSWORD, password);
  }

  /**
   * @param securityToken the user's security token (appended to the password)
   * @return this builder
   */
  public SalesforceManagerBuilder securityToken(String securityToken) {
    return securityToken(Secret.of(Objects.requireNonNull(securityToken, "securityToken")));
  }

  /**
   * @param securityToken the user's security token (appended to the password)
   * @return this builder
   */
  public SalesforceManagerBuilder securityToken(Secret securityToken) {
    return set(SalesforceConfig.SECURITY_TOKEN, securityToken);
  }

  /**
   * Selects the JWT bearer flow (with {@code clientId} and {@code username}).
   *
   * @param pem the connected app certificate's RSA private key, PEM-encoded PKCS#8
   *     ({@code -----BEGIN PRIVATE KEY-----})
   * @return this builder
   */
  public SalesforceManagerBuilder privateKeyPem(Secret pem) {
    draft.set(SalesforceConfig.PRIVATE_KEY_PEM, Objects.requireNonNull(pem, "pem"));
    return this;
  }

  /**
   * @param audience the JWT {@code aud} claim; defaults to {@code https://test.salesforce.com} for
   *     sandboxes and {@code https://login.salesforce.com} otherwise
   * @return this builder
   */
  public SalesforceManagerBuilder jwtAudience(String audience) {
    draft.set(SalesforceConfig.JWT_AUDIENCE, Objects.requireNonNull(audience, "audience"));
    return this;
  }

  /**
   * Reads the username-password flow's credentials from a secret holding the JSON object
   * {@code {client_id, client_secret, username, password, security_token}}, at every login (so a
   * rotated password is picked up when the session is renewed).
   *
   * @param provider the secret provider
   * @param secretName the secret's name
   * @return this builder
   */
  public SalesforceManagerBuilder credentials(SecretProvider provider, String secretName) {
    this.secretProvider = Objects.requireNonNull(provider, "provider");
    return set(SalesforceConfig.CREDENTIALS_SECRET_NAME, Objects.requireNonNull(secretName, "secretName"));
  }

  /**
   * @param policy retries of transient failures (default: 5 attempts, 200 ms doubling to 10 s)
   * @return this builder
   */
  @Override
  public SalesforceManagerBuilder retryPolicy(RetryPolicy policy) {
    draft.set(SalesforceConfig.RETRY_POLICY, Objects.requireNonNull(policy, "policy"));
    return this;
  }

  /**
   * @param polling the delays between Bulk API 2.0 job state polls (default 0.5 s growing to 15 s)
   * @return this builder
   */
  public SalesforceManagerBuilder bulkPolling(RetryPolicy polling) {
    draft.set(SalesforceConfig.BULK_POLLING, Objects.requireNonNull(polling, "polling"));
    return this;
  }

  /**
   * Like {@link #bulkPolling(RetryPolicy)}, with a new {@code RetryPolicy.Builder} the consumer fills in (as the AWS SDK's
   * {@code Consumer<Builder>} overloads, it starts from {@code RetryPolicy.builder()}, not from the current setting).
   *
   * @param polling fills in the polling delays
   * @return this builder
   */
  public SalesforceManagerBuilder bulkPolling(Consumer<RetryPolicy.Builder> polling) {
    RetryPolicy.Builder b = RetryPolicy.builder();
    Objects.requireNonNull(polling, "polling").accept(b);
    return bulkPolling(b.build());
  }

  /**
   * @param timeout how long to wait for a Bulk API 2.0 job to complete (default 30 minutes)
   * @return this builder
   */
  public SalesforceManagerBuilder bulkTimeout(Duration timeout) {
    draft.set(SalesforceConfig.BULK_TIMEOUT, Objects.requireNonNull(timeout, "timeout"));
    return this;
  }

  /**
   * @param maxRecords records per Bulk API 2.0 result page ({@code maxRecords}); 0, the default,
   *     lets Salesforce choose
   * @return this builder
   */
  public SalesforceManagerBuilder bulkPageSize(int maxRecords) {
    return set(SalesforceConfig.BULK_PAGE_SIZE, maxRecords);
  }

  /**
   * Downloads a Bulk API 2.0 query's result pages in parallel: through {@code GET .../resultPages} (API 58.0+), at
   * most {@code downloads} requests out at once (the next list of pages included), each page parsed by the thread
   * that downloaded it and its rows handed out in Salesforce's order. Each page is read whole into memory (at most
   * {@code ResponseLimits.maxBodyBytes}, inflated); at most {@code downloads} pages are ahead of the reader, fewer
   * when their parsed rows weigh {@code downloads x maxBodyBytes}. Salesforce sizes these pages ({@link
   * #bulkPageSize} applies to the locator paging only), so raise {@code maxBodyBytes} for larger ones. A page that
   * fails is retried alone. Where Salesforce answers {@code resultPages} with 404, the read falls back to the
   * sequential locator paging.
   *
   * <p>The default, 5, is the five result URLs Salesforce hands out a list, and keeps a read within the concurrent API
   * request limit of a Developer Edition org (5 requests of 20 s or longer; 25 in production orgs and sandboxes).
   *
   * @param downloads pages downloaded at once, 1 to 16, default 5; 1 reads them one at a time through the {@code
   *     Sforce-Locator} paging, streamed, with no per-page byte bound
   * @return this builder
   */
  public SalesforceManagerBuilder bulkParallelDownloads(int downloads) {
    return set(SalesforceConfig.BULK_PARALLEL_DOWNLOADS, downloads);
  }

  /**
   * Reads the org's Bulk API allowances ({@code GET /limits}: {@code DailyBulkV2QueryJobs}, {@code
   * DailyBulkV2QueryFileStorageMB}, {@code DailyBulkApiBatches}) before each Bulk API 2.0 job, and refuses a job they
   * cannot cover with a {@link io.delpha.sdk.core.RateLimitedException} before anything is created. Off by default:
   * it costs one more API request per job, and Salesforce refuses an exhausted allowance on its own.
   *
   * @param check whether to read the allowances first (default {@code false})
   * @return this builder
   */
  public SalesforceManagerBuilder bulkLimitsCheck(boolean check) {
    return set(SalesforceConfig.BULK_LIMITS_CHECK, check);
  }

  /**
   * @param timeout the per-request timeout (default 120 s)
   * @return this builder
   */
  @Override
  public SalesforceManagerBuilder requestTimeout(Duration timeout) {
    draft.set(SalesforceConfig.REQUEST_TIMEOUT, Objects.requireNonNull(timeout, "timeout"));
    return this;
  }

  /**
   * The budget of what Salesforce sends, applied while reading (docs/salesforce.md, "The budget"): a REST answer, a
   * query page or a login answer at most {@code maxBodyBytes} (default 64 MiB; Salesforce's pages of up to 2,000
   * records are a few MB), JSON nested at most {@code maxJsonDepth} (256) with strings of at most {@code
   * maxStringChars} (16 Mi characters), containers of at most {@code maxItems} (100,000: a record's fields, a page's
   * records, a Bulk API 2.0 CSV header's or record's columns) and at most {@code maxTokens} per answer or per record of
   * a query page (2,000,000), read within {@code bodyTimeout} (5 minutes); a Bulk API 2.0 result record at most {@code
   * maxLineBytes} characters (16 Mi), each read of any answer waiting at most {@code idleTimeout} (2 minutes) and every
   * answer arriving at least at {@code minBytesPerSecond} after {@code rateWindow}; a query or a Bulk API 2.0 job's
   * results at most {@code maxPages} pages and {@code maxRequests} requests, every page naming a next page not seen
   * before in that read, and at most {@code maxEmptyPages} empty pages in a row. A breach is a {@link
   * io.delpha.sdk.core.ResponseLimitException} naming the limit, not retried. {@code credentialsOverPlainHttp} allows a
   * plain {@code http} login URL off loopback (a trusted private network); without it such a URL is refused at {@code
   * build()}.
   *
   * @param limits the bounds (default {@link ResponseLimits#defaults()})
   * @return this builder
   */
  @Override
  public SalesforceManagerBuilder responseLimits(ResponseLimits limits) {
    draft.set(SalesforceConfig.RESPONSE_LIMITS, Objects.requireNonNull(limits, "limits"));
    return this;
  }

  /**
   * Validates the settings and logs in.
   *
   * @return a logged-in manager
   * @throws InvalidInputException if a setting is missing or malformed, or the login URL is plain {@code http} to a
   *     host that is not loopback without {@link ResponseLimits#credentialsOverPlainHttp()}
   * @throws io.delpha.sdk.core.AuthenticationException if Salesforce refuses the credentials
   * @throws io.delpha.sdk.core.ServiceUnavailableException if Salesforce cannot be reached
   */
  @Override
  public SalesforceManager build() {
    SalesforceConfig config = settings();
    String url = config.loginUrl();
    Duration requestTimeout = config.requestTimeout();
    ResponseLimits responseLimits = config.responseLimits();
    ObjectMapper mapper = Json.newMapper();
    // Redirect.NEVER: a redirect would carry the session token (or the login's credentials) to whatever host it
    // names; a redirect is an error instead (SalesforceUrls.redirected)
    HttpCaller client = new HttpCaller(HttpCaller.newClient(requestTimeout, HttpClient.Redirect.NEVER, null),
        "Salesforce", requestTimeout, new Retrier(config.retryPolicy(), clock, sleeper), responseLimits);
    Authenticator authenticator;
    Secret key = config.privateKeyPem();
    SecretProvider provider = secretProvider;
    if (key != null) {
      authenticator = new JwtBearerAuthenticator(client, mapper, responseLimits, url,
          require(config.jwtAudience(), "jwtAudience"), require(config.clientId(), "clientId"),
          require(config.username(), "username"), key, clock);
    } else if (provider != null) {
      String name = require(config.credentialsSecretName(), "the credentials secret's name");
      Supplier<PasswordCredentials> fromProvider = () -> fromSecret(provider, name);
      authenticator = new PasswordAuthenticator(client, responseLimits, url, fromProvider);
    } else {
      PasswordCredentials fixed = new PasswordCredentials(require(config.clientId(), "clientId"),
          requireSecret(config.clientSecret(), "clientSecret"), require(config.username(), "username"),
          requireSecret(config.password(), "password"), config.securityToken());
      authenticator = new PasswordAuthenticator(client, responseLimits, url, () -> fixed);
    }
    SalesforceManager manager = new SalesforceManager(config, authenticator, client, mapper, clock, sleeper,
        Recorder.of(config.metrics()), ingestJobBytes);
    manager.logIn();
    return manager;
  }

  /**
   * The settings {@link #build()} logs in with, checked as it checks them ({@link SalesforceConfig#from}): the login
   * URL resolved, the API version and sizes, the chosen flow's credentials present, the JWT audience defaulted.
   */
  SalesforceConfig settings() {
    Settings.Draft d = draft.copy();
    String url = resolveLoginUrl();
    d.set(SalesforceConfig.LOGIN_URL, url);
    // the login form carries the password (or the signed assertion), and the session comes back in the answer
    ResponseLimits responseLimits = Objects.requireNonNull(d.find(SalesforceConfig.RESPONSE_LIMITS));
    Peers.requireProtected(URI.create(url), responseLimits, "the login URL");
    String apiVersion = Objects.requireNonNull(d.find(SalesforceConfig.API_VERSION));
    if (!API_VERSION.matcher(apiVersion).matches()
        || Integer.parseInt(apiVersion.substring(1, apiVersion.indexOf('.'))) < 60) {
      throw new InvalidInputException("apiVersion must look like v60.0 (v60.0 or newer), was '" + apiVersion + "'");
    }
    Duration bulkTimeout = Objects.requireNonNull(d.find(SalesforceConfig.BULK_TIMEOUT));
    Duration requestTimeout = Objects.requireNonNull(d.find(SalesforceConfig.REQUEST_TIMEOUT));
    if (Objects.requireNonNull(d.find(SalesforceConfig.BULK_PAGE_SIZE)) < 0 || bulkTimeout.isNegative()
        || requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new InvalidInputException("bulkPageSize and timeouts must be positive");
    }
    int downloads = Objects.requireNonNull(d.find(SalesforceConfig.BULK_PARALLEL_DOWNLOADS));
    if (downloads < 1 || downloads > 16) {
      throw new InvalidInputException("bulkParallelDownloads must be 1 to 16, was " + downloads);
    }
    if (d.find(SalesforceConfig.PRIVATE_KEY_PEM) != null) {
      require(d.find(SalesforceConfig.CLIENT_ID), "clientId (the connected app's consumer key)");
      require(d.find(SalesforceConfig.USERNAME), "username");
      if (d.find(SalesforceConfig.JWT_AUDIENCE) == null) {
        d.set(SalesforceConfig.JWT_AUDIENCE, url.contains("test.salesforce.com") || url.contains(".sandbox.")
            ? "https://test.salesforce.com" : "https://login.salesforce.com");
      }
    } else if (secretProvider != null) {
      require(d.find(SalesforceConfig.CREDENTIALS_SECRET_NAME), "the credentials secret's name");
    } else {
      require(d.find(SalesforceConfig.CLIENT_ID), "clientId (the connected app's consumer key)");
      requireSecret(d.find(SalesforceConfig.CLIENT_SECRET), "clientSecret (the connected app's consumer secret)");
      require(d.find(SalesforceConfig.USERNAME), "username");
      requireSecret(d.find(SalesforceConfig.PASSWORD), "password");
    }
    return new SalesforceConfig(d.freeze());
  }

  private String resolveLoginUrl() {
    String loginUrl = draft.find(SalesforceConfig.LOGIN_URL);
    if (instance != null && loginUrl != null) {
      throw new InvalidInputException("give either instance(\"mycompany\") or loginUrl(...), not both");
    }
    if (instance != null) {
      if (!INSTANCE.matcher(instance).matches()) {
        throw new InvalidInputException("instance must be a My Domain name such as 'mycompany', was '" + instance + "'");
      }
      return instance.contains(".") ? "https://" + instance : "https://" + instance + ".my.salesforce.com";
    }
    if (loginUrl == null) {
      throw new InvalidInputException("give instance(\"mycompany\") or loginUrl(\"https://login.salesforce.com\")");
    }
    URI uri;
    try {
      uri = URI.create(loginUrl);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("loginUrl is not a URL: '" + loginUrl + "'");
    }
    if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw new InvalidInputException("loginUrl must be an http(s) URL such as https://login.salesforce.com, was '" + loginUrl + "'");
    }
    return loginUrl.endsWith("/") ? loginUrl.substring(0, loginUrl.length() - 1) : loginUrl;
  }

  private static PasswordCredentials fromSecret(SecretProvider provider, String name) {
    Map<String, String> fields = provider.json(name);
    List<String> values = new ArrayList<>();
    for (String field : List.of("client_id", "client_secret", "username", "password")) {
      String value = fields.get(field);
      if (value == null || value.isEmpty()) {
        throw new InvalidInputException("the secret '" + name + "' has no '" + field + "' field; it needs "
            + "{client_id, client_secret, username, password, security_token}");
      }
      values.add(value);
    }
    return new PasswordCredentials(values.get(0), Secret.of(values.get(1)),
        values.get(2), Secret.of(values.get(3)),
        Secret.of(Objects.requireNonNullElse(fields.get("security_token"), "")));
  }

  private static String require(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("missing " + what);
    }
    return value;
  }

  private static Secret requireSecret(@Nullable Secret value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("missing " + what);
    }
    return value;
  }
}
