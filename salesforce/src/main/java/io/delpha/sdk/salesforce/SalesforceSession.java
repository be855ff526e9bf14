package io.delpha.sdk.salesforce;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.internal.SalesforceIds;
import java.util.Objects;

/**
 * A {@link SalesforceManager}'s current login, for a client of another Salesforce API that needs its session (the
 * Pub/Sub API's {@code accesstoken}, {@code instanceurl} and {@code tenantid}). Immutable; its {@code toString()} never
 * shows the token.
 *
 * @param accessToken the OAuth access token
 * @param instanceUrl the org's instance URL, without a trailing slash, e.g. {@code https://mycompany.my.salesforce.com}
 * @param orgId the org id, the first id of the login's identity URL ({@link #orgIdOf(String)})
 */
public record SalesforceSession(Secret accessToken, String instanceUrl, String orgId) {

  /**
   * @param accessToken the OAuth access token
   * @param instanceUrl the org's instance URL
   * @param orgId the org id
   */
  public SalesforceSession {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(instanceUrl, "instanceUrl");
    Objects.requireNonNull(orgId, "orgId");
  }

  /**
   * The org id of an identity URL, the {@code id} of an OAuth token answer.
   *
   * @param identityUrl {@code https://login.salesforce.com/id/<orgId>/<userId>}
   * @return the org id
   * @throws InvalidInputException if the URL is not of that form
   */
  public static String orgIdOf(String identityUrl) {
    String orgId = SalesforceIds.orgIdOf(Objects.requireNonNull(identityUrl, "identityUrl"));
    if (orgId == null) {
      throw new InvalidInputException("'" + identityUrl + "' is not an identity URL "
          + "(https://login.salesforce.com/id/<orgId>/<userId>)");
    }
    return orgId;
  }

  @Override
  public String toString() {
    return "SalesforceSession[accessToken=****, instanceUrl=" + instanceUrl + ", orgId=" + orgId + "]";
  }
}
