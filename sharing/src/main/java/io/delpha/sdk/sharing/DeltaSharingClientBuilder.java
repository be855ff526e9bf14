package io.delpha.sdk.sharing;

import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.sharing.internal.BearerTokens;
import io.delpha.sdk.sharing.internal.DownloadSpace;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link DeltaSharingClient}: {@link DeltaSharingClient#builder()}, or {@link
 * DeltaSharingClient#fromProfile} for a profile file's server and credentials; {@link
 * DeltaSharingClientConfig#toBuilder()} starts one holding a config's settings, which each setter writes. Not
 * thread-safe.
 */
public final class DeltaSharingClientBuilder implements ClientBuilder<DeltaSharingClientBuilder, DeltaSharingClient>,
    ClientBuilder.WithClock<DeltaSharingClientBuilder>, ClientBuilder.WithRetries<DeltaSharingClientBuilder>,
    ClientBuilder.WithRequestTimeout<DeltaSharingClientBuilder>, ClientBuilder.WithResponseLimits<DeltaSharingClientBuilder> {
  /** The default of {@link #queryPageSize(int)}. */
  public static final int DEFAULT_QUERY_PAGE_SIZE = 10_000;

  private final Settings.Draft draft;
  // test hooks, not settings: the pauses of retries and polls, and where downloads spool
  private Pause.Sleeper sleeper = Pause.REAL;
  private @Nullable Path spoolDirectory;
  private int maxFileBytesInMemory = DownloadSpace.DEFAULT_MAX_FILE_BYTES;

  DeltaSharingClientBuilder() {
    this(DeltaSharingClientConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link DeltaSharingClientConfig#toBuilder()}. */
  DeltaSharingClientBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> DeltaSharingClientBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, value);
    return this;
  }

  /**
   * How much of what the sharing server, its storage and its OAuth token endpoint send is read before it is
   * refused with a {@link io.delpha.sdk.core.ResponseLimitException} (typed, never retried, nothing partial
   * used): a JSON answer (a list page, a token) at most {@code maxBodyBytes}; a metadata, query or changes answer
   * at most {@code maxStreamBytes} in all, {@code maxLines} lines of at most {@code maxLineBytes} each, each line
   * nested at most {@code maxJsonDepth} deep with strings of at most {@code maxStringChars}; each answer within
   * {@code bodyTimeout}; each read of any body, data files included, within {@code idleTimeout}, and at least
   * {@code minBytesPerSecond} once {@code rateWindow} of waiting has passed; every JSON document or line at most
   * {@code maxItems} items per container and {@code maxTokens} tokens; a list at most {@code maxPages} pages,
   * {@code maxRequests} requests, {@code maxEmptyPages} empty pages in a row and {@code maxItems} items over all its
   * pages, each page token new. A data file's declared {@code size} is at most {@code maxDeclaredBytes}, and one to
   * be spooled to disk must leave {@code minFreeDiskBytes} free, else it is refused before it is fetched; the file is
   * read to its declared size and refused one byte past it; a deletion vector file is read whole up to {@code
   * maxBodyBytes}. The bearer token and the OAuth client credentials go over plain {@code http} only to loopback
   * unless {@code credentialsOverPlainHttp} (checked at {@link #build()} and before each request). Default:
   * {@link ResponseLimits#defaults()} with {@code maxStreamBytes} at most a quarter of the JVM's maximum heap
   * (docs/sharing.md lists the figures): an answer's file actions (one page of a paged query, every page of a
   * change data feed) are kept while its files are read, about as many bytes as the answer had, so an answer that
   * fills its bound still leaves the heap room.
   *
   * @param limits the limits
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder responseLimits(ResponseLimits limits) {
    return set(DeltaSharingClientConfig.RESPONSE_LIMITS, Objects.requireNonNull(limits, "limits"));
  }

  /**
   * Like {@link #responseLimits(ResponseLimits)}, with a builder the consumer fills in, starting from this client's
   * defaults ({@link ResponseLimits#defaults()} with {@code maxStreamBytes} bounded by the heap, not from the current
   * setting):
   * {@code .responseLimits(l -> l.maxLines(1_000_000).maxStreamBytes(1L << 30))}.
   *
   * @param limits fills in the limits
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder responseLimits(Consumer<ResponseLimits.Builder> limits) {
    ResponseLimits.Builder b = defaultLimits().toBuilder();
    Objects.requireNonNull(limits, "limits").accept(b);
    return responseLimits(b.build());
  }

  /**
   * @return {@link ResponseLimits#defaults()}, with {@code maxStreamBytes} at most a quarter of the maximum heap
   *     (and at least 16 MiB): measured at {@code -Xmx256m}, a query answer of file lines holding 1,300-character
   *     URLs ran out of memory after about 230 MB had arrived, since its actions are kept (docs/sharing.md)
   */
  static ResponseLimits defaultLimits() {
    ResponseLimits defaults = ResponseLimits.defaults();
    long quarter = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
    return quarter >= defaults.maxStreamBytes() ? defaults : defaults.toBuilder().maxStreamBytes(quarter).build();
  }

  /**
   * @param metrics where calls to the sharing server are metered, timed by operation and outcome
   *     (docs/metrics.md); default {@link Metrics#none()}
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder metrics(Metrics metrics) {
    return set(DeltaSharingClientConfig.METRICS, Objects.requireNonNull(metrics, "metrics"));
  }

  /**
   * Takes the endpoint and credentials of a profile.
   *
   * @param profile a profile
   * @return this builder
   */
  public DeltaSharingClientBuilder profile(DeltaSharingProfile profile) {
    draft.set(DeltaSharingClientConfig.ENDPOINT, profile.endpoint());
    if (profile.type() == DeltaSharingProfile.AuthType.BEARER_TOKEN) {
      draft.setOrClear(DeltaSharingClientConfig.BEARER_TOKEN, profile.bearerToken());
      draft.setOrClear(DeltaSharingClientConfig.EXPIRATION_TIME, profile.expirationTime());
      draft.setOrClear(DeltaSharingClientConfig.CREDENTIALS_PROFILE, null);
    } else {
      draft.set(DeltaSharingClientConfig.CREDENTIALS_PROFILE, profile);
      draft.setOrClear(DeltaSharingClientConfig.BEARER_TOKEN, null);
    }
    return this;
  }

  /**
   * @param endpoint the sharing server's URL, the protocol's {@code {prefix}}
   * @return this builder
   */
  public DeltaSharingClientBuilder endpoint(URI endpoint) {
    return set(DeltaSharingClientConfig.ENDPOINT, Objects.requireNonNull(endpoint, "endpoint"));
  }

  /**
   * @param endpoint the sharing server's URL
   * @return this builder
   * @throws InvalidInputException if it is not a URL
   */
  public DeltaSharingClientBuilder endpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    try {
      return endpoint(new URI(endpoint));
    } catch (URISyntaxException e) {
      throw new InvalidInputException("the Delta Sharing endpoint is not a URL (" + e.getReason() + ")", e);
    }
  }

  /**
   * @param token the bearer token
   * @return this builder
   */
  public DeltaSharingClientBuilder bearerToken(Secret token) {
    draft.set(DeltaSharingClientConfig.BEARER_TOKEN, Objects.requireNonNull(token, "token"));
    draft.setOrClear(DeltaSharingClientConfig.BEARER_TOKEN_SECRETS, null);
    draft.setOrClear(DeltaSharingClientConfig.CREDENTIALS_PROFILE, null);
    return this;
  }

  /**
   * The bearer token kept in a vault: asked for on every request, so a rotated token is picked up
   * (wrap the provider with {@link SecretProvider#cached} to limit look-ups).
   *
   * @param secrets the provider
   * @param name the secret's name
   * @return this builder
   */
  public DeltaSharingClientBuilder bearerToken(SecretProvider secrets, String name) {
    draft.set(DeltaSharingClientConfig.BEARER_TOKEN_SECRETS, Objects.requireNonNull(secrets, "secrets"));
    draft.set(DeltaSharingClientConfig.BEARER_TOKEN_SECRET_NAME, Objects.requireNonNull(name, "name"));
    draft.setOrClear(DeltaSharingClientConfig.BEARER_TOKEN, null);
    draft.setOrClear(DeltaSharingClientConfig.CREDENTIALS_PROFILE, null);
    return this;
  }

  /**
   * @param timeout the TCP connect timeout (default 10 s)
   * @return this builder
   */
  public DeltaSharingClientBuilder connectTimeout(Duration timeout) {
    return set(DeltaSharingClientConfig.CONNECT_TIMEOUT, Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * @param timeout how long to wait for an answer's headers (default 60 s)
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder requestTimeout(Duration timeout) {
    return set(DeltaSharingClientConfig.REQUEST_TIMEOUT, Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * @param policy retries of 429, 5xx and connection failures (default {@link RetryPolicy#defaults()})
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder retryPolicy(RetryPolicy policy) {
    return set(DeltaSharingClientConfig.RETRY_POLICY, Objects.requireNonNull(policy, "policy"));
  }

  /**
   * @param files how many files a read downloads at once (default 4); it holds at most twice that many,
   *     downloading, downloaded and waiting for a decoder, or being decoded (each in memory up to 32 MiB, larger
   *     ones spooled to disk). The decoders are as many as the cores, but one fewer than this, at least one; with
   *     1, one file downloads while one decodes
   * @return this builder
   */
  public DeltaSharingClientBuilder downloadParallelism(int files) {
    if (files < 1 || files > 64) {
      throw new InvalidInputException("downloadParallelism must be 1..64, was " + files);
    }
    return set(DeltaSharingClientConfig.DOWNLOAD_PARALLELISM, files);
  }

  /**
   * @param items {@code maxResults} of list requests (default: the server's choice)
   * @return this builder
   */
  public DeltaSharingClientBuilder listPageSize(int items) {
    if (items < 1) {
      throw new InvalidInputException("listPageSize must be >= 1, was " + items);
    }
    return set(DeltaSharingClientConfig.LIST_PAGE_SIZE, items);
  }

  /**
   * How many files a table query asks for per page ({@code maxFiles}; default {@value #DEFAULT_QUERY_PAGE_SIZE}):
   * a table is read page by page, its files flowing into the read as the pages arrive, so the client holds the file
   * actions of about one page, not of the table. A page's answer is bounded as any answer ({@code maxStreamBytes},
   * {@code maxLines}), the pages of one query by {@code maxPages} and {@code maxRequests} of the {@link
   * #responseLimits(ResponseLimits)}; a page token seen twice ends the read with a {@link
   * io.delpha.sdk.core.ResponseLimitException}. {@code 0} sends no {@code maxFiles}: the server chooses (one answer,
   * unless it pages by itself; a {@code nextPageToken} is followed either way). The same page size goes to change
   * data feed queries, whose pages are all read before the first row (a change needs the other actions of its
   * version).
   *
   * @param files files per page, 0 for the server's choice
   * @return this builder
   */
  public DeltaSharingClientBuilder queryPageSize(int files) {
    if (files < 0) {
      throw new InvalidInputException("queryPageSize must be >= 0 (0: the server's choice), was " + files);
    }
    return set(DeltaSharingClientConfig.QUERY_PAGE_SIZE, files);
  }

  /**
   * Asks the server to run table queries asynchronously ({@code asyncquery=true}, default off): a server that
   * supports it answers with a query id at once, and the client polls the query (pausing between polls per the
   * {@link #retryPolicy(RetryPolicy)}'s growing delays) until its files are ready, then reads them page by page; a
   * server that does not answers at once as usual. Each query carries an {@code idempotencyKey}, the same on every
   * retry of its submission, so a retry never starts a second query. A pending query is also polled when the server
   * chooses to answer asynchronously without being asked. A query the server reports failed is a {@link
   * QueryFailedException}; one still pending after {@link #asyncQueryTimeout(Duration)} a {@link
   * io.delpha.sdk.core.ServiceUnavailableException}.
   *
   * @param async whether to ask for async queries
   * @return this builder
   */
  public DeltaSharingClientBuilder asyncQueries(boolean async) {
    return set(DeltaSharingClientConfig.ASYNC_QUERIES, async);
  }

  /**
   * @param timeout how long a pending async query is polled at most (default 10 minutes)
   * @return this builder
   */
  public DeltaSharingClientBuilder asyncQueryTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidInputException("asyncQueryTimeout must be positive, was " + timeout);
    }
    return set(DeltaSharingClientConfig.ASYNC_QUERY_TIMEOUT, timeout);
  }

  /**
   * Asks for file ids in one scheme ({@code fileidhash} header: {@code parquet} or {@code delta}, case-insensitive;
   * default: none sent, the server's own ids) on table and change data feed queries, and checks that every answer
   * echoes it: an answer without the header, or with another scheme, is a {@link
   * io.delpha.sdk.core.DataFormatException} (its ids could not be trusted as cache keys).
   *
   * @param scheme {@code parquet} or {@code delta}
   * @return this builder
   */
  public DeltaSharingClientBuilder fileIdHash(String scheme) {
    Objects.requireNonNull(scheme, "scheme");
    String s = scheme.trim().toLowerCase(java.util.Locale.ROOT);
    if (!s.equals("parquet") && !s.equals("delta")) {
      throw new InvalidInputException("fileIdHash must be parquet or delta");
    }
    return set(DeltaSharingClientConfig.FILE_ID_HASH, s);
  }

  /**
   * Where the private key of an {@code oauth_jwt_bearer_private_key_jwt} profile is read (PEM-encoded PKCS#8 RSA,
   * asked for at every token fetch, so a rotated key is picked up): a vault secret instead of the profile's {@code
   * privateKeyFile}. Without it the file {@code privateKeyFile} names is read. A key that cannot be read is an
   * {@link io.delpha.sdk.core.AuthenticationException} at the first request; one that is not PKCS#8 RSA an {@link
   * InvalidInputException}; neither message quotes the key.
   *
   * @param secrets where the key lives
   * @param name the secret holding the PEM text
   * @return this builder
   */
  public DeltaSharingClientBuilder privateKey(SecretProvider secrets, String name) {
    draft.set(DeltaSharingClientConfig.PRIVATE_KEY_SECRETS, Objects.requireNonNull(secrets, "secrets"));
    return set(DeltaSharingClientConfig.PRIVATE_KEY_NAME, Objects.requireNonNull(name, "name"));
  }

  /**
   * @param margin a presigned URL expiring sooner than this is refreshed before use (default 30 s)
   * @return this builder
   */
  public DeltaSharingClientBuilder urlExpiryMargin(Duration margin) {
    return set(DeltaSharingClientConfig.URL_EXPIRY_MARGIN, Objects.requireNonNull(margin, "margin"));
  }

  /**
   * @param clock the clock URL and token expiry are checked against
   * @return this builder
   */
  @Override
  public DeltaSharingClientBuilder clock(Clock clock) {
    return set(DeltaSharingClientConfig.CLOCK, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * @param sleeper how retries pause: the test seam, so tests never wait on the wall clock
   * @return this builder
   */
  DeltaSharingClientBuilder sleeper(Pause.Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * Where a read's data files too large to hold in memory are spooled, and how large that is: the test seam, so
   * that a test sees its own spool files alone.
   *
   * @param directory the spool folder ({@code null}: the system's temporary folder)
   * @param maxFileBytesInMemory the largest file held in memory
   * @return this builder
   */
  DeltaSharingClientBuilder spool(@Nullable Path directory, int maxFileBytesInMemory) {
    this.spoolDirectory = directory;
    this.maxFileBytesInMemory = maxFileBytesInMemory;
    return this;
  }

  /**
   * @return the client
   * @throws InvalidInputException if no endpoint or no credentials were given, or the endpoint (or an OAuth
   *     profile's token endpoint) is plain {@code http} to a host that is not loopback and the limits do not
   *     allow it ({@link ResponseLimits#credentialsOverPlainHttp()}): the credential would cross the network in
   *     clear text
   * @throws io.delpha.sdk.core.AuthenticationException if the profile's token has already expired
   */
  @Override
  public DeltaSharingClient build() {
    Capability.require("DeltaSharingClient", "parquet");
    DeltaSharingClientConfig config = settings();
    ResponseLimits responseLimits = config.responseLimits();
    Clock clock = config.clock();
    DeltaSharingProfile oauthProfile = config.credentialsProfile();
    Retrier retries = new Retrier(config.retryPolicy(), clock, sleeper);
    HttpCaller sharing = new HttpCaller(HttpCaller.newClient(config.connectTimeout(), HttpClient.Redirect.NEVER, null),
        "the Delta Sharing server", config.requestTimeout(), retries, responseLimits);
    // storage's redirects are followed hop by hop by FileDownloader (HttpCaller.sendFollowingRedirects), each checked
    HttpCaller storage = new HttpCaller(HttpCaller.newClient(config.connectTimeout(), HttpClient.Redirect.NEVER, null),
        "the table's storage", config.requestTimeout(), retries, responseLimits);
    Secret bearerToken = config.bearerToken();
    SecretProvider secrets = config.bearerTokenSecrets();
    String secretName = config.bearerTokenSecretName();
    BearerTokens tokens;
    if (bearerToken != null) {
      tokens = BearerTokens.fixed(bearerToken, config.expirationTime(), clock);
      tokens.current(); // fail now, not at the first read, if the profile's token has expired
    } else if (secrets != null && secretName != null) { // set together by bearerToken(secrets, name)
      tokens = BearerTokens.fromSecret(secrets, secretName);
    } else if (oauthProfile != null && oauthProfile.type() == DeltaSharingProfile.AuthType.BASIC) {
      tokens = BearerTokens.basic(Objects.requireNonNull(oauthProfile.username(), "username"),
          Objects.requireNonNull(oauthProfile.password(), "password"));
    } else if (oauthProfile != null && oauthProfile.privateKeyJwt() != null) {
      DeltaSharingProfile.PrivateKeyJwt jwt = Objects.requireNonNull(oauthProfile.privateKeyJwt(), "privateKeyJwt");
      SecretProvider keys = config.privateKeySecrets();
      String name = config.privateKeyName();
      if (keys == null || name == null) {
        String file = jwt.privateKeyFile();
        if (file == null) {
          throw new InvalidInputException("the oauth_jwt_bearer_private_key_jwt profile names no privateKeyFile: "
              + "give the key with privateKey(secrets, name)");
        }
        keys = DeltaSharingClientBuilder::readKeyFile;
        name = file;
      }
      tokens = BearerTokens.oauthPrivateKeyJwt(sharing,
          Objects.requireNonNull(oauthProfile.tokenEndpoint(), "tokenEndpoint"),
          Objects.requireNonNull(oauthProfile.clientId(), "clientId"), jwt, oauthProfile.scope(), keys, name, clock,
          responseLimits);
    } else if (oauthProfile != null) {
      // an OAUTH_CLIENT_CREDENTIALS profile has all three (checked by DeltaSharingProfile's constructor)
      tokens = BearerTokens.oauthClientCredentials(sharing,
          Objects.requireNonNull(oauthProfile.tokenEndpoint(), "tokenEndpoint"),
          Objects.requireNonNull(oauthProfile.clientId(), "clientId"),
          Objects.requireNonNull(oauthProfile.clientSecret(), "clientSecret"), oauthProfile.scope(), clock,
          responseLimits);
    } else {
      throw new InvalidInputException("a Delta Sharing client needs credentials: a bearer token, a "
          + "SecretProvider and secret name, or a profile");
    }
    return new DeltaSharingClient(config, tokens, sharing, storage, retries, spoolDirectory, maxFileBytesInMemory);
  }

  /**
   * The settings {@link #build()} uses, checked as it checks them ({@link DeltaSharingClientConfig#from}) before it
   * asks for a token: the endpoint and the peers the credentials go to.
   */
  DeltaSharingClientConfig settings() {
    URI endpoint = draft.find(DeltaSharingClientConfig.ENDPOINT);
    if (endpoint == null) {
      throw new InvalidInputException("a Delta Sharing client needs an endpoint (or a profile)");
    }
    String scheme = endpoint.getScheme();
    if (endpoint.getRawUserInfo() != null) {
      // never echoed: user info may hold a password
      throw new InvalidInputException("the Delta Sharing endpoint must not carry user info (user:password@); "
          + "give the credentials as a bearer token or a profile");
    }
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || endpoint.getHost() == null) {
      throw new InvalidInputException("the Delta Sharing endpoint must be an absolute http(s) URL: " + endpoint);
    }
    ResponseLimits responseLimits = Objects.requireNonNull(draft.find(DeltaSharingClientConfig.RESPONSE_LIMITS));
    Peers.requireProtected(endpoint, responseLimits, "the Delta Sharing endpoint");
    DeltaSharingProfile oauthProfile = draft.find(DeltaSharingClientConfig.CREDENTIALS_PROFILE);
    URI tokenEndpoint = oauthProfile == null ? null : oauthProfile.tokenEndpoint();
    if (tokenEndpoint != null) {
      Peers.requireProtected(tokenEndpoint, responseLimits, "the profile's OAuth tokenEndpoint");
    }
    return new DeltaSharingClientConfig(draft.freeze());
  }

  private static String readKeyFile(String file) {
    try {
      return java.nio.file.Files.readString(Path.of(file), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new io.delpha.sdk.core.NotFoundException("no private key file at " + file);
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      throw new io.delpha.sdk.core.NotFoundException("the private key file " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
