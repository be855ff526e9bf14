package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every Salesforce call with the house rules: log in lazily, log in again once when the
 * session expired ({@code INVALID_SESSION_ID}) and retry, retry transient failures (5xx, connection
 * problems) with the {@link Retrier}'s backoff, and map everything to the library's exceptions.
 *
 * <p>Thread-safe: the current session is swapped atomically, and concurrent callers that see the
 * same expired session log in again only once.
 */
public final class RequestExecutor {

  private static final Logger log = LoggerFactory.getLogger(RequestExecutor.class);

  private final Authenticator authenticator;
  private final String loginUrl;
  private final Retrier retry;
  private final RestHttp http;
  private final Object loginLock = new Object();
  private volatile @Nullable Session connection;

  /**
   * @param authenticator how to log in
   * @param loginUrl where it logs in: the instance a login names must be of its domain ({@link
   *     SalesforceUrls#requireInstanceUrl})
   * @param retry the retries of transient failures
   * @param http the HttpClient side
   */
  public RequestExecutor(Authenticator authenticator, String loginUrl, Retrier retry, RestHttp http) {
    this.authenticator = authenticator;
    this.loginUrl = loginUrl;
    this.retry = retry;
    this.http = http;
  }

  /** Logs in now (the manager's builder does, so bad credentials fail at {@code build()}). */
  public void login() {
    synchronized (loginLock) {
      connection = loginWithRetry();
    }
  }

  /**
   * @return the current session, logged in first if there is none
   */
  public Session session() {
    return current();
  }

  /**
   * Logs in again if the current session is still the one whose token a peer refused, so callers that saw the same
   * expired token log in once between them.
   *
   * @param refused the access token a peer refused
   * @return the current session
   */
  public Session renew(Secret refused) {
    synchronized (loginLock) {
      Session c = connection;
      if (c == null || c.accessToken().equals(refused)) {
        log.info("the Salesforce session was refused: logging in again ({})", authenticator.flowName());
        connection = loginWithRetry();
      }
      return java.util.Objects.requireNonNull(connection);
    }
  }

  /**
   * Runs a call (REST, Bulk API 2.0, sObject Collections, limits) with the current session.
   *
   * @param what what the call does, for messages
   * @param idempotent whether a transient failure may be retried
   * @param call the call, given the current session
   * @param <T> its result
   * @return its result
   */
  public <T extends @Nullable Object> T http(String what, boolean idempotent, Function<Session, T> call) {
    return execute(what, idempotent, call);
  }

  private <T extends @Nullable Object> T execute(String what, boolean idempotent, Function<Session, T> call) {
    if (!idempotent) {
      return withFreshSession(what, call);
    }
    return retry.call("Salesforce call '" + what + "'", attempt -> withFreshSession(what, call),
        RequestExecutor::worthRetrying, RequestExecutor::gaveUp);
  }

  /** One attempt, logging in again once if the session expired during it. */
  private <T extends @Nullable Object> T withFreshSession(String what, Function<Session, T> call) {
    Session current = current();
    try {
      return call.apply(current);
    } catch (SessionExpiredException e) {
      log.info("Salesforce session expired during '{}': logging in again ({})", what, authenticator.flowName());
      loginAgain(current);
      try {
        return call.apply(current());
      } catch (SessionExpiredException again) {
        throw new AuthenticationException(again.getMessage()
            + "; it did so again right after a fresh login, so the user or app lost API access");
      }
    }
  }

  private static RuntimeException gaveUp(RuntimeException last, int attempts) {
    if (attempts == 1) {
      return last;
    }
    String message = last.getMessage() + " (gave up after " + attempts + " attempts)";
    return last instanceof RateLimitedException limited
        ? new RateLimitedException(message, limited.retryAfter().orElse(null), last.getCause())
        : new ServiceUnavailableException(message, last.getCause());
  }

  /**
   * Failures worth another attempt: Salesforce or the network failed, or a limit said when to come back
   * ({@code Retry-After}); not a quota without one, not the credentials.
   */
  private static boolean worthRetrying(RuntimeException e) {
    return HttpCaller.TRANSIENT.test(e) && !HttpCaller.isQuota(e);
  }

  private Session current() {
    Session c = connection;
    if (c != null) {
      return c;
    }
    synchronized (loginLock) {
      if (connection == null) {
        connection = loginWithRetry();
      }
      return connection;
    }
  }

  private void loginAgain(Session expired) {
    synchronized (loginLock) {
      if (connection == expired) {
        connection = loginWithRetry();
      }
    }
  }

  private Session loginWithRetry() {
    Session session = retry.call("Salesforce login", attempt -> {
      Session fresh = authenticator.login();
      // before the token is sent anywhere: the instance must be https and of the login's domain
      return new Session(fresh.accessToken(),
          SalesforceUrls.requireInstanceUrl(loginUrl, fresh.instanceUrl(), authenticator.flowName(),
              http.limits().credentialsOverPlainHttp()), fresh.identityUrl());
    }, RequestExecutor::worthRetrying, RequestExecutor::gaveUp);
    log.info("Logged in to Salesforce instance {} ({})", session.instanceUrl(), authenticator.flowName());
    return session;
  }

}
