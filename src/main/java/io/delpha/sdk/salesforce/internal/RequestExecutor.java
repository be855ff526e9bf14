package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.force.api.ApiConfig;
import com.force.api.ApiSession;
import com.force.api.ForceApi;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every Salesforce call with the house rules: log in lazily, log in again once when the
 * session expired ({@code INVALID_SESSION_ID}) and retry, retry transient failures (5xx, connection
 * problems) with the {@link RetryPolicy}'s backoff, and map everything to the library's exceptions.
 *
 * <p>Thread-safe: the current session is swapped atomically, and concurrent callers that see the
 * same expired session log in again only once.
 */
public final class RequestExecutor {

  private static final Logger log = LoggerFactory.getLogger(RequestExecutor.class);

  private final Authenticator authenticator;
  private final RetryPolicy retry;
  private final RestHttp http;
  private final ApiConfig forceConfig;
  private final Object loginLock = new Object();
  private volatile Connection connection;

  private record Connection(Session session, ForceApi api) {}

  /**
   * @param authenticator how to log in
   * @param retry the retry policy for transient failures
   * @param http the HttpClient side
   * @param mapper the JSON mapper force-rest-api uses for records
   * @param apiVersion e.g. {@code v60.0}
   * @param requestTimeout force-rest-api's connect and read timeout
   */
  public RequestExecutor(Authenticator authenticator, RetryPolicy retry, RestHttp http,
      ObjectMapper mapper, String apiVersion, Duration requestTimeout) {
    this.authenticator = authenticator;
    this.retry = retry;
    this.http = http;
    this.forceConfig = new ApiConfig()
        .setApiVersionString(apiVersion)
        .setObjectMapper(mapper)
        .setRequestTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
  }

  /** Logs in now (the manager's builder does, so bad credentials fail at {@code build()}). */
  public void login() {
    synchronized (loginLock) {
      connection = connect(loginWithRetry());
    }
  }

  /**
   * Runs a force-rest-api call.
   *
   * @param what what the call does, for messages
   * @param idempotent whether a transient failure may be retried (false for creates)
   * @param call the call
   * @param <T> its result
   * @return its result
   */
  public <T> T force(String what, boolean idempotent, Function<ForceApi, T> call) {
    return execute(what, idempotent, c -> {
      try {
        return call.apply(c.api());
      } catch (RuntimeException e) {
        throw SalesforceErrors.fromForceApi(what, e, () -> http.probeUsage(c.session()));
      }
    });
  }

  /**
   * Runs an HttpClient call (Bulk API 2.0, sObject Collections, limits).
   *
   * @param what what the call does, for messages
   * @param idempotent whether a transient failure may be retried
   * @param call the call, given the current session
   * @param <T> its result
   * @return its result
   */
  public <T> T http(String what, boolean idempotent, Function<Session, T> call) {
    return execute(what, idempotent, c -> call.apply(c.session()));
  }

  private <T> T execute(String what, boolean idempotent, Function<Connection, T> call) {
    boolean loggedInAgain = false;
    int attempt = 1;
    while (true) {
      Connection current = current();
      try {
        return call.apply(current);
      } catch (SessionExpiredException e) {
        if (loggedInAgain) {
          throw new AuthenticationException(e.getMessage()
              + "; it did so again right after a fresh login, so the user or app lost API access");
        }
        loggedInAgain = true;
        log.info("Salesforce session expired during '{}': logging in again ({})", what, authenticator.flowName());
        loginAgain(current);
      } catch (RateLimitedException e) {
        throw e;
      } catch (ServiceUnavailableException e) {
        if (!idempotent || !retry.canRetryAfter(attempt)) {
          throw attempt == 1 ? e : new ServiceUnavailableException(
              e.getMessage() + " (gave up after " + attempt + " attempts)", e.getCause());
        }
        log.warn("Salesforce call '{}' failed (attempt {} of {}), retrying: {}",
            what, attempt, retry.maxAttempts(), e.getMessage());
        retry.pauseAfter(attempt);
        attempt++;
      }
    }
  }

  private Connection current() {
    Connection c = connection;
    if (c != null) {
      return c;
    }
    synchronized (loginLock) {
      if (connection == null) {
        connection = connect(loginWithRetry());
      }
      return connection;
    }
  }

  private void loginAgain(Connection expired) {
    synchronized (loginLock) {
      if (connection == expired) {
        connection = connect(loginWithRetry());
      }
    }
  }

  private Session loginWithRetry() {
    int attempt = 1;
    while (true) {
      try {
        Session session = authenticator.login();
        log.info("Logged in to Salesforce instance {} ({})", session.instanceUrl(), authenticator.flowName());
        return session;
      } catch (RateLimitedException | AuthenticationException e) {
        throw e;
      } catch (ServiceUnavailableException e) {
        if (!retry.canRetryAfter(attempt)) {
          throw new ServiceUnavailableException(
              e.getMessage() + " (gave up after " + attempt + " attempts)", e.getCause());
        }
        log.warn("Salesforce login failed (attempt {} of {}), retrying: {}", attempt, retry.maxAttempts(), e.getMessage());
        retry.pauseAfter(attempt);
        attempt++;
      }
    }
  }

  private Connection connect(Session session) {
    ApiSession apiSession = new ApiSession(session.accessToken().reveal(), session.instanceUrl());
    return new Connection(session, new ForceApi(forceConfig, apiSession));
  }
}
