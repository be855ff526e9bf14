package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.salesforce.SalesforceError;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns a refused or failed token request into the library's exceptions, never quoting a secret. */
final class LoginFailures {

  private LoginFailures() {}

  /**
   * @param flow the login flow, for messages
   * @param loginUrl the login URL
   * @param username the user, for messages
   * @param status the answer's status
   * @param body the answer's first 64 KiB
   * @param retryAfter its {@code Retry-After}, {@code null} when it had none
   * @param limits the limits the body is parsed under
   * @return the exception to throw: Salesforce's {@code error} and {@code error_description} echoed ({@link
   *     Peers#echo}), never a secret
   */
  static DelphaException refused(String flow, String loginUrl, String username, int status, String body,
      @Nullable Duration retryAfter, ResponseLimits limits) {
    if (status >= 500 || status == 429) {
      return HttpStatus.exceptionFor(status,
          flow + " login at " + loginUrl + " failed: Salesforce answered HTTP " + status, retryAfter);
    }
    List<SalesforceError> errors = SalesforceErrors.parse(body, limits);
    String said = errors.isEmpty()
        ? "HTTP " + status
        : Peers.echo(errors.get(0).errorCode()) + " (" + Peers.echo(errors.get(0).message()) + ")";
    return new AuthenticationException("Salesforce refused the " + flow + " login of user '" + username
        + "' at " + loginUrl + ": " + said + ". " + hint(errors.isEmpty() ? "" : errors.get(0).errorCode()));
  }

  private static String hint(String error) {
    return switch (error) {
      case "invalid_client_id" -> "Check the connected app's consumer key (client id).";
      case "invalid_client" -> "Check the connected app's consumer key and secret.";
      case "invalid_grant" -> "Check the user name and password (+ security token), that the user is "
          + "not locked, and for JWT that the app is pre-authorised for the user and holds the "
          + "certificate matching the private key.";
      case "unsupported_grant_type" -> "The org may block this OAuth flow: enable it on the connected "
          + "app, or use the JWT bearer flow.";
      default -> "Check the credentials and the connected app's settings.";
    };
  }
}
