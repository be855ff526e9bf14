package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.HttpCaller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The OAuth 2.0 username-password flow: a form POST of {@code grant_type=password}, the connected app's id and
 * secret, the user name and the password followed by the security token (as Salesforce expects) to {@code
 * /services/oauth2/token}. It goes through the library's client ({@link TokenEndpoint}), which never follows a
 * redirect: a 307 from the login server would send the whole form, password included, to the host it names. Credentials are read from the supplier at every login, so a
 * rotated secret is picked up on the next re-login.
 */
public final class PasswordAuthenticator implements Authenticator {

  private final HttpCaller http;
  private final ResponseLimits limits;
  private final String loginUrl;
  private final Supplier<PasswordCredentials> credentials;

  /**
   * @param http the client layer (a client that does not follow redirects)
   * @param limits the bounds on the token answer
   * @param loginUrl e.g. {@code https://login.salesforce.com}
   * @param credentials where the credentials come from
   */
  public PasswordAuthenticator(HttpCaller http, ResponseLimits limits, String loginUrl,
      Supplier<PasswordCredentials> credentials) {
    this.http = http;
    this.limits = limits;
    this.loginUrl = loginUrl;
    this.credentials = credentials;
  }

  @Override
  public String flowName() {
    return "OAuth username-password";
  }

  @Override
  public Session login() {
    PasswordCredentials c = credentials.get();
    String form = "grant_type=password"
        + "&client_id=" + encode(c.clientId())
        + "&client_secret=" + encode(c.clientSecret().reveal())
        + "&username=" + encode(c.username())
        + "&password=" + encode(c.password().reveal() + c.securityToken().reveal());
    return TokenEndpoint.requestToken(http, limits, flowName(), loginUrl, c.username(), form);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
