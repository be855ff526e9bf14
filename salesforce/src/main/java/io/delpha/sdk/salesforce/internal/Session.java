package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.Secret;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A logged-in session: the access token, the instance it is valid on and the identity URL of the user it stands for.
 *
 * @param accessToken the OAuth access token
 * @param instanceUrl the org's base URL, from the token response's {@code instance_url}
 * @param identityUrl the token response's {@code id} ({@code https://login.salesforce.com/id/<orgId>/<userId>}), or
 *     {@code null} when the answer named none
 */
public record Session(Secret accessToken, String instanceUrl, @Nullable String identityUrl) {

  /**
   * @param accessToken the OAuth access token
   * @param instanceUrl the base URL, without a trailing slash
   * @param identityUrl the identity URL, or {@code null}
   */
  public Session {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    instanceUrl = instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl;
  }
}
