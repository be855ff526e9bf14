package io.delpha.sdk.changes;

import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceSession;
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
    return SalesforceSession.orgIdOf(identityUrl);
  }

  /**
   * @param session a {@link io.delpha.sdk.salesforce.SalesforceManager}'s session
   * @return the Pub/Sub session of the same login
   */
  public static PubSubSession of(SalesforceSession session) {
    return new PubSubSession(session.accessToken(), session.instanceUrl(), session.orgId());
  }

  @Override
  public String toString() {
    return "PubSubSession[accessToken=****, instanceUrl=" + instanceUrl + ", tenantId=" + tenantId + "]";
  }
}
