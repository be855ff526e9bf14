package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.internal.http.Redirects;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.HttpCaller;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The OAuth token request both login flows make: a form POST to {@code <loginUrl>/services/oauth2/token} on the
 * component's client, which never follows redirects (a 307 or 308 would send the form, credentials and all, to the
 * host it names): a redirect is a {@link DataFormatException}. The answer, an error answer's first 64 KiB
 * included, is read under the {@link ResponseLimits}.
 * The {@code instance_url} it names is checked by {@link RequestExecutor} before the token is used; its {@code id}, the
 * identity URL, is kept for the org id ({@link SalesforceIds#orgIdOf}).
 */
final class TokenEndpoint {

  private TokenEndpoint() {}

  /**
   * @param http the client layer
   * @param limits the bounds on the answer
   * @param flow the flow's name, for messages
   * @param loginUrl the login URL
   * @param username the user, for messages
   * @param form the form, URL-encoded
   * @return the session the answer names
   */
  static Session requestToken(HttpCaller http, ResponseLimits limits, String flow, String loginUrl, String username,
      String form) {
    HttpRequest request = http.request(URI.create(loginUrl + "/services/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    String what = flow + " login at " + loginUrl;
    HttpResponse<InputStream> response = http.send(what, request, HttpResponse.BodyHandlers.ofInputStream());
    if (Redirects.isRedirect(response.statusCode())) {
      RestHttp.discard(response.body());
      throw SalesforceUrls.redirected(what, response);
    }
    if (response.statusCode() != 200) {
      throw LoginFailures.refused(flow, loginUrl, username, response.statusCode(),
          RestHttp.errorBody(what, response.body(), limits), HttpCaller.retryAfter(response.headers()).orElse(null),
          limits);
    }
    JsonNode token = BoundedBody.readJson(response.body(), what, limits);
    String accessToken = Json.text(token, "access_token");
    String instanceUrl = Json.text(token, "instance_url");
    if (accessToken == null || instanceUrl == null) {
      throw new DataFormatException(what + ": the token response has no access_token or instance_url");
    }
    JsonNode identity = token.path("id");
    return new Session(Secret.of(accessToken), instanceUrl, identity.isTextual() ? identity.asText() : null);
  }
}
