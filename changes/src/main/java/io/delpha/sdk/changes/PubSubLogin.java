package io.delpha.sdk.changes;

/**
 * How a {@link ChangeStream} logs in to the Pub/Sub API: called before each subscription and again when the API
 * answers that the session expired ({@code UNAUTHENTICATED}). A single-method seam, as the AWS SDK's credentials
 * provider: a host gives the session of its own Salesforce login (the access token, the instance URL and the org id
 * of the login's identity URL, {@link PubSubSession#orgIdOf(String)}).
 */
@FunctionalInterface
public interface PubSubLogin {

  /**
   * @return a valid session; throws {@code AuthenticationException} when the credentials are refused
   */
  PubSubSession login();
}
