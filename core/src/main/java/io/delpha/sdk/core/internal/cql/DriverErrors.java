package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.InvalidKeyspaceException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.servererrors.AlreadyExistsException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.internal.Endpoints;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Maps driver exceptions to the library's hierarchy wherever the library calls the driver (the {@code cassandra}, {@code security}, {@code ingest} and {@code aws} packages). The driver's
 * messages carry server text and addresses, never the password (the driver never echoes it), so they
 * are kept, with addresses as {@link Endpoints} shows them. When every node failed ({@code AllNodesFailedException}),
 * the message names each node and what went wrong there in a few words ({@code 127.0.0.1:9042 (connection refused)})
 * instead of the driver's text, which shows one node of many and points at {@code getAllErrors()}.
 */
public final class DriverErrors {

  private static final Pattern UNKNOWN_KEYSPACE = Pattern.compile("(?i)keyspace '?([\\w\"]+)'? does not exist");
  private static final Pattern UNKNOWN_TABLE = Pattern.compile("(?i)(unconfigured table|table .* does not exist)");
  /** The driver's prefix naming its session and channel: {@code [s0|control|connecting...] }. */
  private static final Pattern CHANNEL_PREFIX = Pattern.compile("^\\[[^\\]]*\\]\\s*");

  private DriverErrors() {}

  /**
   * @param e a failure of a request
   * @return the library's exception for it
   */
  public static DelphaException onRequest(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof DelphaException d) {
      return d;
    }
    if (t instanceof SyntaxError s) {
      return new InvalidInputException("CQL syntax error: " + s.getMessage(), s);
    }
    if (t instanceof AlreadyExistsException a) {
      return new ConflictException(Objects.requireNonNullElse(a.getMessage(), a.toString()), a);
    }
    if (t instanceof InvalidKeyspaceException k) {
      return new NotFoundException(Objects.requireNonNullElse(k.getMessage(), k.toString()), k);
    }
    if (t instanceof InvalidQueryException q) {
      String m = q.getMessage() == null ? "" : q.getMessage();
      if (UNKNOWN_KEYSPACE.matcher(m).find() || UNKNOWN_TABLE.matcher(m).find()) {
        return new NotFoundException(m, q);
      }
      return new InvalidInputException("invalid query: " + m, q);
    }
    if (t instanceof UnauthorizedException u) {
      return new AccessDeniedException("the cluster refused the request: " + u.getMessage(), u);
    }
    if (t instanceof QueryExecutionException | t instanceof DriverTimeoutException
        | t instanceof NoNodeAvailableException | t instanceof ClosedConnectionException) {
      return new ServiceUnavailableException("Cassandra did not complete the request: " + message(t), t);
    }
    if (t instanceof AllNodesFailedException a) {
      boolean busy = a.getAllErrors().values().stream().flatMap(List::stream)
          .anyMatch(err -> hasCause(err, BusyConnectionException.class));
      return new ServiceUnavailableException(busy
          ? "every connection to Cassandra is busy (more requests in flight than the pool carries): " + triedNodes(a)
          : "no Cassandra node could complete the request: " + triedNodes(a), a);
    }
    if (t instanceof IllegalArgumentException) {
      return new InvalidInputException(Objects.requireNonNullElse(t.getMessage(), t.toString()), t);
    }
    if (t instanceof IllegalStateException) {
      // the driver's own state: a closed session, no control connection
      return new ServiceUnavailableException("Cassandra session unavailable: " + t.getMessage(), t);
    }
    if (t instanceof DriverException d) {
      return new ServiceUnavailableException("Cassandra request failed: " + message(d), d);
    }
    return new DelphaException("Cassandra request failed: " + t, t);
  }

  /**
   * The start of the driver's message when a schema refresh finds no control channel (an {@code
   * IllegalStateException} of its schema queries): the channel closed between the caller's look and the refresh.
   */
  static final String CONTROL_CHANNEL_GONE = "Control channel not available";

  /**
   * Whether a request's failure says only that the cluster was slow or out of reach for a moment, so that an
   * idempotent statement sent again later may succeed: a coordinator's write or read timeout (not of a lightweight
   * transaction), too few live replicas ({@code UnavailableException}), an overloaded or bootstrapping coordinator,
   * the driver's own timeout, a connection closed or convicted by its heartbeat (or broken under the request: an
   * {@code IOException} such as Netty's closed channel, TLS errors excepted), every connection busy, no node
   * available (or no connection to it: {@code NodeUnavailableException}), every node tried failing in one of these
   * ways ({@code AllNodesFailedException}), or a schema refresh started as the control connection closed (the
   * driver's {@value #CONTROL_CHANNEL_GONE}: read again once it reconnects). Looks through the
   * library's wrappers ({@link #onRequest}) to the driver's exception. Anything else is a genuine error that another
   * attempt would repeat (a syntax error, an invalid query, a refused permission, a replica's write failure, a closed
   * session or manager) and is not transient.
   *
   * @param e a failure of a request
   * @return whether it is transient
   */
  public static boolean transientFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AllNodesFailedException all) { // NoNodeAvailableException too: no node tried, none up
        return all.getAllErrors().values().stream().flatMap(List::stream).allMatch(DriverErrors::transientFailure);
      }
      if (t instanceof WriteTimeoutException w) {
        return w.getWriteType() != WriteType.CAS;
      }
      if (t instanceof ReadTimeoutException || t instanceof UnavailableException || t instanceof OverloadedException
          || t instanceof BootstrappingException || t instanceof DriverTimeoutException
          || t instanceof HeartbeatException || t instanceof ClosedConnectionException
          || t instanceof com.datastax.oss.driver.api.core.NodeUnavailableException
          || t instanceof BusyConnectionException) {
        return true;
      }
      if (t instanceof DriverException || t instanceof SSLException) {
        return false;
      }
      if (t instanceof IllegalStateException && t.getMessage() != null
          && t.getMessage().startsWith(CONTROL_CHANNEL_GONE)) {
        return true;
      }
      if (t instanceof java.io.IOException) {
        // the connection broke under the request: a write to a channel the heartbeat had just closed fails with
        // Netty's ClosedChannelException, reported by the driver as that node's error of an AllNodesFailedException
        return true;
      }
    }
    return false;
  }

  /**
   * @param e a failure to open a session
   * @param contactPoints the nodes dialled
   * @return the library's exception for it
   */
  public static DelphaException onConnect(Throwable e, List<InetSocketAddress> contactPoints) {
    String points = Endpoints.format(contactPoints);
    Throwable t = unwrap(e);
    if (t instanceof DelphaException d) {
      return d;
    }
    if (t instanceof InvalidKeyspaceException k) {
      return new NotFoundException(Objects.requireNonNullElse(k.getMessage(), k.toString()), k);
    }
    if (t instanceof AllNodesFailedException all) {
      for (List<Throwable> errors : all.getAllErrors().values()) {
        for (Throwable err : errors) {
          if (hasCause(err, AuthenticationException.class)) {
            return new io.delpha.sdk.core.AuthenticationException(
                "Cassandra refused the credentials (wrong user name or password) at " + points, null);
          }
        }
      }
      for (List<Throwable> errors : all.getAllErrors().values()) {
        for (Throwable err : errors) {
          if (hasCause(err, SSLException.class)) {
            return new TlsException("TLS handshake with Cassandra at " + points + " failed: "
                + rootMessage(err) + " (is the CA right, and does the certificate match the address?)", err);
          }
        }
      }
      return new ServiceUnavailableException("no Cassandra node reachable at " + triedNodes(all)
          + ": check that the nodes are up and the contact points right", all);
    }
    if (t instanceof AuthenticationException) {
      return new io.delpha.sdk.core.AuthenticationException(
          "Cassandra refused the credentials (wrong user name or password) at " + points, null);
    }
    if (hasCause(t, SSLException.class)) {
      return new TlsException("TLS handshake with Cassandra at " + points + " failed: " + rootMessage(t), t);
    }
    if (t instanceof ConnectionInitException || t instanceof DriverException) {
      return new ServiceUnavailableException("could not connect to Cassandra at " + points + ": " + message(t), t);
    }
    return new DelphaException("could not connect to Cassandra at " + points + ": " + Endpoints.clean(t.toString()), t);
  }

  /**
   * @param all every node the driver tried failed
   * @return each node and what went wrong there, {@code 127.0.0.1:9042 (connection refused)}, joined by {@code ", "}
   */
  static String triedNodes(AllNodesFailedException all) {
    if (all.getAllErrors().isEmpty()) {
      return "no node was available (" + message(all) + ")";
    }
    return all.getAllErrors().entrySet().stream()
        .map(node -> Endpoints.format(node.getKey().getEndPoint()) + " (" + reason(node.getValue()) + ")")
        .collect(Collectors.joining(", "));
  }

  /**
   * What went wrong at one node, in a few words: the socket's error when no connection was made (the driver
   * reports it as a suppressed exception of a closed channel's), else the driver's message.
   */
  private static String reason(List<Throwable> errors) {
    if (errors.isEmpty()) {
      return "no error recorded";
    }
    Deque<Throwable> pending = new ArrayDeque<>(List.of(errors.get(0)));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    while (!pending.isEmpty()) {
      Throwable c = pending.pop();
      if (!seen.add(c)) {
        continue;
      }
      if (c instanceof ConnectException) {
        // Netty's: "Connection refused: /127.0.0.1:9042", "connection timed out after 5000 ms: /10.0.0.5:9042"
        String m = c.getMessage() == null ? "connection refused" : c.getMessage().replaceFirst(":\\s*/?\\S*$", "");
        return m.toLowerCase(Locale.ROOT);
      }
      if (c instanceof UnknownHostException) {
        return "unknown host";
      }
      if (c instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (c.getCause() != null) {
        pending.add(c.getCause());
      }
      pending.addAll(List.of(c.getSuppressed()));
    }
    return message(errors.get(0));
  }

  /** The driver's message without its channel prefix, addresses as {@link Endpoints} shows them. */
  private static String message(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return Endpoints.clean(CHANNEL_PREFIX.matcher(m).replaceFirst(""));
  }

  /**
   * @param e a failure to open a session
   * @return what the node answered to the authentication, as the driver reports it (the server's reply, never
   *     what the client sent), or a placeholder if no node refused it
   */
  public static String authenticationReply(Throwable e) {
    Throwable t = unwrap(e);
    List<Throwable> candidates = new java.util.ArrayList<>();
    candidates.add(t);
    if (t instanceof AllNodesFailedException all) {
      all.getAllErrors().values().forEach(candidates::addAll);
    }
    for (Throwable candidate : candidates) {
      for (Throwable c = candidate; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof AuthenticationException && c.getMessage() != null) {
          return c.getMessage();
        }
      }
    }
    return "no reply recorded";
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
