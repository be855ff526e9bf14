package io.delpha.sdk.salesforce.internal;

/**
 * One way of obtaining a {@link Session}: the OAuth username-password flow or the JWT bearer flow.
 * Implementations throw {@code AuthenticationException} when Salesforce refuses the credentials and
 * {@code ServiceUnavailableException} when it cannot be reached (the executor retries those).
 */
public interface Authenticator {

  /**
   * @return a fresh session
   */
  Session login();

  /**
   * @return the flow's name for logs and messages, e.g. {@code "OAuth username-password"}
   */
  String flowName();
}
