package io.delpha.sdk.azure;

import io.delpha.sdk.core.secrets.SecretProvider;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.SecretServiceVersion;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.core.internal.http.TrustedCa;
import io.delpha.sdk.azure.internal.AzureUserAgent;
import io.delpha.sdk.azure.internal.BoundedAzureTransport;
import io.delpha.sdk.core.internal.http.BoundedBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Secrets from Azure Key Vault ({@code GET /secrets/{name}}, the current version, REST API version 7.6), on Azure's
 * own SDK ({@code azure-security-keyvault-secrets}, {@code azure-identity}) over the JDK's HTTP client. The Azure SDK is an
 * <em>optional</em> dependency of the library: a host that uses this class adds it (docs/secrets.md). Wrap it in
 * {@link SecretProvider#cached(SecretProvider, java.time.Duration)} on hot paths.
 *
 * <pre>{@code
 * SecretProvider vault = AzureKeyVaultProvider.builder()
 *     .vaultName(System.getenv("KEY_VAULT_NAME"))          // https://{name}.vault.azure.net
 *     .build();                                             // credentials: DefaultAzureCredential
 * Map<String, String> oauth = vault.json("databricksToken");  // {"CLIENT_ID": ..., "CLIENT_SECRET": ...}
 * }</pre>
 *
 * <p>Credentials: a host-given {@link TokenCredential} ({@link Builder#credential}), an Entra application's client
 * secret ({@link Builder#clientSecret}), or by default Azure's {@code DefaultAzureCredential} chain (environment
 * variables {@code AZURE_TENANT_ID}/{@code AZURE_CLIENT_ID}/{@code AZURE_CLIENT_SECRET}, workload or managed
 * identity, the Azure CLI, ...). The client answers Key Vault's challenge (a first {@code 401} naming the tenant and
 * resource) before it sends a token, and refuses any vault URL that is not {@code https}.
 *
 * <p>Errors: {@code SecretNotFound} (404) is {@link NotFoundException} naming the secret; a rejected credential
 * or token (401, or Entra refusing the client) is {@link AuthenticationException}; a missing access policy or role
 * (403) is {@link io.delpha.sdk.core.AccessDeniedException}; throttling (429) is
 * {@link io.delpha.sdk.core.RateLimitedException}; an unreachable vault or identity endpoint, or a 5xx, is
 * {@link ServiceUnavailableException} ({@link TlsException} for an untrusted certificate). A secret name Key Vault
 * could not hold (other than 1 to 127 letters, digits and dashes) is {@link InvalidInputException} before any call.
 * No message carries a secret value or a credential. The provider is thread-safe.
 *
 * <p>The vault and the identity endpoint are not trusted further than the protocol needs. The Azure SDK runs on the
 * library's own transport (the JDK client): redirects are never followed (a 301, 302, 303, 307 or 308 from either is
 * a {@link DataFormatException} naming the status and where it pointed; the token or client secret went nowhere
 * else), every answer is read under the {@link Builder#responseLimits(ResponseLimits) ResponseLimits} before the SDK
 * parses it (a breach is a {@link ResponseLimitException}), and a token or secret answer the SDK would misread (a
 * token answer that is not a flat JSON object, a secret whose tags are not strings: the SDK never returns from
 * either) is a {@link DataFormatException}. None of these is retried. A host-given {@link TokenCredential} talks to
 * its own endpoint on its own transport: these bounds cover the vault only, then.
 */
public final class AzureKeyVaultProvider implements SecretProvider {

  /** How long a request to the vault or the identity endpoint waits for its answer's headers (Azure's default). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Key Vault's rule for object names. */
  private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");

  private final SecretClient client;
  private final String vaultUrl;

  private AzureKeyVaultProvider(SecretClient client, String vaultUrl) {
    this.client = client;
    this.vaultUrl = vaultUrl;
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    Capability.require("AzureKeyVaultProvider", "azure-key-vault");
    return new Builder();
  }

  @Override
  public String secret(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException("'" + name + "' is not a Key Vault secret name (1 to 127 letters, digits "
          + "and dashes)");
    }
    KeyVaultSecret secret;
    try {
      secret = client.getSecret(name);
    } catch (RuntimeException e) {
      throw translate(name, e);
    }
    String value = secret == null ? null : secret.getValue();
    if (value == null) {
      throw new NotFoundException("secret '" + name + "' exists in Key Vault " + vaultUrl + " but holds no value");
    }
    return value;
  }

  private DelphaException translate(String name, RuntimeException e) {
    String what = "read secret '" + name + "' from Key Vault " + vaultUrl;
    ResponseLimitException limit = BoundedBody.limitOf(e);
    if (limit != null) {
      return new ResponseLimitException(limit.limit(), "could not " + what + ": " + limit.getMessage(), e);
    }
    DataFormatException refused = causeOf(e, DataFormatException.class);
    if (refused != null) {
      return new DataFormatException("could not " + what + ": " + refused.getMessage(), e);
    }
    if (e instanceof ResourceNotFoundException) {
      DelphaException mapped = new NotFoundException("no secret '" + name + "' in Key Vault " + vaultUrl);
      mapped.initCause(e);
      return mapped;
    }
    if (e instanceof HttpResponseException http && http.getResponse() != null) {
      int status = http.getResponse().getStatusCode();
      String hint = switch (status) {
        case 401 -> "; the vault refused the token: check the credential's tenant and application";
        case 403 -> "; grant the identity 'get' on secrets (access policy) or the Key Vault Secrets User role";
        default -> "";
      };
      String retryAfter = http.getResponse().getHeaderValue(HttpHeaderName.RETRY_AFTER);
      return HttpStatus.exceptionFor(status, "could not " + what + ": HTTP " + status + hint,
          retryAfter == null ? null : HttpCaller.parseRetryAfter(retryAfter, Clock.systemUTC()).orElse(null), e);
    }
    IOException io = ioCause(e);
    if (io instanceof SSLException) {
      return new TlsException("could not " + what + ": TLS failed (" + io.getClass().getSimpleName()
          + "); is the server's certificate trusted?", e);
    }
    if (io != null) {
      return new ServiceUnavailableException("could not " + what + ": " + io.getClass().getSimpleName()
          + "; the vault or the identity endpoint is unreachable", e);
    }
    MsalServiceException entra = causeOf(e, MsalServiceException.class);
    if (entra != null) {
      Integer status = entra.statusCode();
      if (status != null && status >= 500) {
        return new ServiceUnavailableException("could not " + what + ": the identity endpoint answered HTTP "
            + status, e);
      }
      return new AuthenticationException("could not " + what + ": the identity endpoint refused the credential ("
          + firstLine(entra.getMessage()) + ")", e);
    }
    if (e instanceof ClientAuthenticationException) {
      return new AuthenticationException("could not " + what + ": the credential was refused or is unavailable ("
          + firstLine(e.getMessage()) + ")", e);
    }
    return new DelphaException("could not " + what + ": " + e.getClass().getSimpleName(), e);
  }

  private static <T extends Throwable> @Nullable T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static @Nullable IOException ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UncheckedIOException u) {
        return u.getCause();
      }
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  /** Entra's messages (AADSTS codes) name the problem on their first line; nothing after it is needed. */
  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  @Override
  public String toString() {
    return "AzureKeyVaultProvider[" + vaultUrl + "]";
  }

  /** Builds an {@link AzureKeyVaultProvider}; the vault is required, every other setting optional. */
  public static final class Builder implements ClientBuilder.WithResponseLimits<Builder> {
    private @Nullable URI vaultUrl;
    private @Nullable TokenCredential credential;
    private @Nullable String tenantId;
    private @Nullable String clientId;
    private @Nullable Secret clientSecret;
    private @Nullable URI authorityHost;
    private @Nullable Path trustedCa;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private boolean verifyChallengeResource = true;
    private ResponseLimits responseLimits = ResponseLimits.defaults();

    private Builder() {}

    /**
     * @param name the vault's name, as in {@code KEY_VAULT_NAME}
     * @return this builder, for the vault {@code https://{name}.vault.azure.net}
     */
    public Builder vaultName(String name) {
      Objects.requireNonNull(name, "name");
      if (!Pattern.matches("[0-9A-Za-z-]{3,24}", name)) {
        throw new InvalidInputException("'" + name + "' is not a Key Vault name (3 to 24 letters, digits and dashes)");
      }
      return vaultUrl(URI.create("https://" + name + ".vault.azure.net"));
    }

    /**
     * @param url the vault's URL ({@code https} only), e.g. a sovereign cloud's {@code https://x.vault.azure.cn}
     * @return this builder
     */
    public Builder vaultUrl(URI url) {
      Objects.requireNonNull(url, "url");
      if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
        throw new InvalidInputException("a Key Vault URL must be https://host, was " + url);
      }
      this.vaultUrl = url;
      return this;
    }

    /**
     * @param credential a credential the host built (managed identity, workload identity, a certificate, ...);
     *     replaces {@link #clientSecret}
     * @return this builder
     */
    public Builder credential(TokenCredential credential) {
      this.credential = Objects.requireNonNull(credential, "credential");
      this.clientSecret = null;
      return this;
    }

    /**
     * An Entra application's client secret, exchanged at the identity endpoint for tokens; replaces
     * {@link #credential}.
     *
     * @param tenantId the directory (tenant) id
     * @param clientId the application (client) id
     * @param secret the client secret
     * @return this builder
     */
    public Builder clientSecret(String tenantId, String clientId, Secret secret) {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(secret, "secret");
      if (tenantId.isBlank() || clientId.isBlank()) {
        throw new InvalidInputException("a client secret credential needs a tenant id and a client id");
      }
      if (secret.isEmpty()) {
        throw new InvalidInputException("a client secret credential needs a non-empty secret");
      }
      this.tenantId = tenantId;
      this.clientId = clientId;
      this.clientSecret = secret;
      this.credential = null;
      return this;
    }

    /**
     * @param host the Entra identity endpoint for {@link #clientSecret} and the default chain (default Azure's
     *     public cloud, {@code https://login.microsoftonline.com/}): {@code https} with a host and no user info;
     *     {@code null} for the default
     * @return this builder
     * @throws InvalidInputException if the endpoint is not {@code https://host} or carries user info (never echoed:
     *     it may hold a password)
     */
    public Builder authorityHost(@Nullable URI host) {
      if (host != null && host.getRawUserInfo() != null) {
        throw new InvalidInputException("the identity endpoint must not carry user info (user:password@)");
      }
      if (host != null && (!"https".equalsIgnoreCase(host.getScheme()) || host.getHost() == null)) {
        throw new InvalidInputException("the identity endpoint must be https://host, was " + host);
      }
      this.authorityHost = host;
      return this;
    }

    /**
     * @param caPem PEM certificates of the only CAs to trust for the vault and the identity endpoint (a TLS-inspecting
     *     proxy, a private endpoint's own CA); {@code null} for the JDK's trust store
     * @return this builder
     */
    public Builder trustedCa(@Nullable Path caPem) {
      this.trustedCa = caPem;
      return this;
    }

    /**
     * @param policy the SDK's retries of throttled, failed and unreachable calls, to the vault and to the identity
     *     endpoint of {@link #clientSecret} and the default chain (default {@link RetryPolicy#defaults()}; jitter is
     *     the SDK's own); a broken {@link #responseLimits limit}, a redirect or an answer refused as malformed is
     *     never retried
     * @return this builder
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param timeout the TCP connect timeout (default 10 s)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Whether the resource of Key Vault's challenge must be a parent domain of the vault's host (default
     * {@code true}, as Azure's SDK does). Turn it off only for a vault behind a host name of another domain (a
     * private endpoint's alias, a loopback test server), never to silence an unexpected failure.
     *
     * @param verify {@code false} to skip the check
     * @return this builder
     */
    public Builder verifyChallengeResource(boolean verify) {
      this.verifyChallengeResource = verify;
      return this;
    }

    /**
     * @param limits the bounds on every answer of the vault and of the identity endpoint, read whole before the Azure
     *     SDK parses it: at most {@code maxBodyBytes}, within {@code bodyTimeout}, each read within {@code
     *     idleTimeout}; a token or secret answer nested at most {@code maxJsonDepth} deep with strings of at most
     *     {@code maxStringChars} (default {@link ResponseLimits#defaults()}; the line and stream limits do not apply)
     * @return this builder
     */
    @Override
    public Builder responseLimits(ResponseLimits limits) {
      this.responseLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * @return the provider; nothing is called until the first secret is read
     * @throws InvalidInputException if no vault was given
     * @throws TlsException if {@link #trustedCa} cannot be read
     */
    public AzureKeyVaultProvider build() {
      Capability.require("AzureKeyVaultProvider", "azure-key-vault");
      if (vaultUrl == null) {
        throw new InvalidInputException("an Azure Key Vault provider needs vaultName(..) or vaultUrl(..)");
      }
      HttpClient http = new BoundedAzureTransport(HttpCaller.newClient(connectTimeout,
          java.net.http.HttpClient.Redirect.NEVER, trustedCa == null ? null : TrustedCa.sslContext(trustedCa)),
          REQUEST_TIMEOUT, responseLimits);
      SecretClientBuilder b = new SecretClientBuilder()
          .vaultUrl(vaultUrl.toString())
          .credential(credential(http))
          .httpClient(http)
          .addPolicy(AzureUserAgent.policy())
          .serviceVersion(SecretServiceVersion.V7_6)
          .retryOptions(retryOptions(retry));
      if (!verifyChallengeResource) {
        b.disableChallengeResourceVerification();
      }
      return new AzureKeyVaultProvider(b.buildClient(), vaultUrl.toString());
    }

    private TokenCredential credential(HttpClient http) {
      if (credential != null) {
        return credential;
      }
      if (clientSecret != null) {
        ClientSecretCredentialBuilder c = new ClientSecretCredentialBuilder().tenantId(tenantId).clientId(clientId)
            .clientSecret(clientSecret.reveal()).httpClient(http).addPolicy(AzureUserAgent.policy())
            .retryOptions(retryOptions(retry));
        if (authorityHost != null) {
          c.authorityHost(authorityHost.toString()).disableInstanceDiscovery();
        }
        return c.build();
      }
      DefaultAzureCredentialBuilder d = new DefaultAzureCredentialBuilder().httpClient(http)
          .addPolicy(AzureUserAgent.policy()).retryOptions(retryOptions(retry));
      if (authorityHost != null) {
        d.authorityHost(authorityHost.toString()).disableInstanceDiscovery();
      }
      return d.build();
    }

    private static RetryOptions retryOptions(RetryPolicy policy) {
      if (policy.maxAttempts() == 1) {
        return new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1)));
      }
      Duration base = policy.initialDelay().isZero() ? Duration.ofMillis(1) : policy.initialDelay();
      Duration max = policy.maxDelay().compareTo(base) < 0 ? base : policy.maxDelay();
      return new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(policy.maxAttempts() - 1)
          .setBaseDelay(base).setMaxDelay(max)).setShouldRetryCondition(BoundedAzureTransport::retryable);
    }
  }
}
