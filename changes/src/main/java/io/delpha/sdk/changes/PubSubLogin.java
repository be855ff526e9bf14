package io.delpha.sdk.changes;

/**
 * How a {@link ChangeStream} logs in to the Pub/Sub API: called before each subscription, and {@link #loginAgain}
 * instead when the API answered that the session expired ({@code UNAUTHENTICATED}). A single-method seam, as the AWS
 * SDK's credentials provider: a host gives the session of its own Salesforce login (the access token, the instance URL
 * and the org id of the login's identity URL, {@link PubSubSession#orgIdOf(String)}), or gives its {@link
 * io.delpha.sdk.salesforce.SalesforceManager} to {@link SalesforceChangeStreamBuilder#salesforce(
 * io.delpha.sdk.salesforce.SalesforceManager)}, which logs in with the manager's session.
 */
@FunctionalInterface
public interface PubSubLogin {

  /**
   * @return a valid session; throws {@code AuthenticationException} when the credentials are refused
   */
  PubSubSession login();

  /**
   * The session to subscribe with after the Pub/Sub API refused {@code refused} as expired. A login that keeps its
   * session logs in anew here; the default calls {@link #login()}.
   *
   * @param refused the session the API refused
   * @return a valid session; throws {@code AuthenticationException} when the credentials are refused
   */
  default PubSubSession loginAgain(PubSubSession refused) {
    return login();
  }
}
