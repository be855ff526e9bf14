package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.AuthenticationException;

/**
 * Salesforce answered 401 / {@code INVALID_SESSION_ID}: the access token expired or was revoked. The
 * request executor logs in again once and retries; if it escapes, it is still an authentication
 * error for the caller.
 */
public final class SessionExpiredException extends AuthenticationException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what Salesforce said, never the token
   */
  public SessionExpiredException(String message) {
    super(message);
  }
}
