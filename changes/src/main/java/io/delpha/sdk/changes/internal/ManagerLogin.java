package io.delpha.sdk.changes.internal;

import io.delpha.sdk.changes.PubSubLogin;
import io.delpha.sdk.changes.PubSubSession;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceSession;

/**
 * The Pub/Sub login of a {@link SalesforceManager}: its current session, renewed by the manager when the Pub/Sub API
 * refused it, so the stream and the re-reads share one login.
 *
 * @param manager the host's manager
 */
public record ManagerLogin(SalesforceManager manager) implements PubSubLogin {

  @Override
  public PubSubSession login() {
    return PubSubSession.of(manager.session());
  }

  @Override
  public PubSubSession loginAgain(PubSubSession refused) {
    return PubSubSession.of(manager.renewSession(
        new SalesforceSession(refused.accessToken(), refused.instanceUrl(), refused.tenantId())));
  }

  @Override
  public String toString() {
    return "the session of " + manager;
  }
}
