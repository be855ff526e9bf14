package io.delpha.sdk.changes;

import io.delpha.sdk.core.Secret;
import java.util.Objects;

/**
 * What the Pub/Sub API needs of a Salesforce login: the three headers of every call. Its {@code toString()} never
 * shows the token.
 *
 * @param accessToken the OAuth access token (header {@code accesstoken})
 * @param instanceUrl the org's instance URL (header {@code instanceurl}), e.g. {@code https://mycompany.my.salesforce.com}
 * @param tenantId the org id (header {@code tenantid}), the first id of the login's identity URL
 *     ({@code https://login.salesforce.com/id/<orgId>/<userId>})
 */
public record PubSubSession(Secret accessToken, String instanceUrl, String tenantId) {

  /**
   * @param accessToken the OAuth access token
   * @param instanceUrl the org's instance URL
   * @param tenantId the org id
   */
  public PubSubSession {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    Objects.requireNonNull(tenantId, "tenantId");
  }

  /**
   * The org id of an identity URL, the {@code id} of an OAuth token answer.
   *
   * @param identityUrl {@code https://login.salesforce.com/id/<orgId>/<userId>}
   * @return the org id
   * @throws io.delpha.sdk.core.InvalidInputException if the URL is not of that form
   */
  public static String orgIdOf(String identityUrl) {
    String[] parts = Objects.requireNonNull(identityUrl, "identityUrl").split("/");
    for (int i = 0; i + 2 < parts.length; i++) {
      if (parts[i].equals("id") && parts[i + 1].matches("[a-zA-Z0-9]{15,18}")) {
        return parts[i + 1];
      }
    }
    throw new io.delpha.sdk.core.InvalidInputException("'" + identityUrl + "' is not an identity URL "
        + "(https://login.salesforce.com/id/<orgId>/<userId>)");
  }

  @Override
  public String toString() {
    return "PubSubSession[accessToken=****, instanceUrl=" + instanceUrl + ", tenantId=" + tenantId + "]";
  }
}
