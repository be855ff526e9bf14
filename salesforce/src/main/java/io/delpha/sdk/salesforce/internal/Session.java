package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.Secret;
import java.util.Objects;

/**
 * A logged-in session: the access token and the instance it is valid on.
 *
 * @param accessToken the OAuth access token
 * @param instanceUrl the org's base URL, from the token response's {@code instance_url}
 */
public record Session(Secret accessToken, String instanceUrl) {

  /**
   * @param accessToken the OAuth access token
   * @param instanceUrl the base URL, without a trailing slash
   */
  public Session {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    instanceUrl = instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl;
  }
}
