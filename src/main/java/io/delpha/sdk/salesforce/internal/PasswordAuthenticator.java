package io.delpha.sdk.salesforce.internal;

import com.force.api.ApiConfig;
import com.force.api.ApiSession;
import com.force.api.Auth;
import com.force.api.AuthException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The OAuth 2.0 username-password flow, through force-rest-api's {@link Auth#oauthLoginPasswordFlow}.
 * The password sent is the user's password followed by the security token, as Salesforce expects.
 * Credentials are read from the supplier at every login, so a rotated secret is picked up on the
 * next re-login.
 */
public final class PasswordAuthenticator implements Authenticator {

  private final String loginUrl;
  private final Supplier<PasswordCredentials> credentials;

  /**
   * @param loginUrl e.g. {@code https://login.salesforce.com}
   * @param credentials where the credentials come from
   */
  public PasswordAuthenticator(String loginUrl, Supplier<PasswordCredentials> credentials) {
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
    ApiConfig config = new ApiConfig()
        .setLoginEndpoint(loginUrl)
        .setClientId(c.clientId())
        .setClientSecret(c.clientSecret().reveal())
        .setUsername(c.username())
        .setPassword(c.password().reveal() + c.securityToken().reveal());
    ApiSession session;
    try {
      session = Auth.oauthLoginPasswordFlow(config);
    } catch (AuthException e) {
      String body = e.getMessage() == null ? "" : e.getMessage();
      int json = body.indexOf('{');
      throw LoginFailures.refused(flowName(), loginUrl, c.username(), e.getCode(),
          json >= 0 ? body.substring(json) : "");
    } catch (RuntimeException e) {
      if (e.getCause() instanceof IOException io) {
        throw new ServiceUnavailableException(flowName() + " login at " + loginUrl
            + " failed: could not reach Salesforce (" + io.getClass().getSimpleName() + ")", io);
      }
      throw new DataFormatException(flowName() + " login at " + loginUrl
          + " failed: the token response could not be read (" + e.getClass().getSimpleName() + ")");
    }
    if (session == null || session.getAccessToken() == null || session.getApiEndpoint() == null) {
      throw new DataFormatException(flowName() + " login at " + loginUrl
          + ": the token response has no access_token or instance_url");
    }
    return new Session(Secret.of(session.getAccessToken()), session.getApiEndpoint());
  }
}
