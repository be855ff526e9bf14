package io.delpha.sdk.security.internal;

import io.delpha.sdk.cassandra.CqlExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver session per Cassandra login role, shared by every scoped session of that role and counted: it is
 * closed when the last session using it closes. A retired connection (the role's password changed, the key was
 * revoked, the store dropped) serves the sessions holding it until they close, and the next session of the role
 * logs in afresh.
 */
public final class RoleConnections {

  private static final Logger LOG = LoggerFactory.getLogger(RoleConnections.class);

  private static final class Shared {
    final String role;
    final CqlExecutor executor;
    int users;
    boolean retired;

    Shared(String role, CqlExecutor executor) {
      this.role = role;
      this.executor = executor;
    }
  }

  /** A session's use of a shared connection; closing it (once, idempotently) releases the use. */
  public final class Lease implements AutoCloseable {
    private final Shared shared;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(Shared shared) {
      this.shared = shared;
    }

    /**
     * @return the connection, logged in as the role
     */
    public CqlExecutor executor() {
      return shared.executor;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(shared);
      }
    }
  }

  private final Map<String, Shared> live = new HashMap<>();
  private int open;

  /**
   * @param role the login role
   * @param login logs in as the role (called when no live connection of the role exists; outside any lock)
   * @return a use of the role's connection; close it with the session
   */
  public Lease acquire(String role, Supplier<CqlExecutor> login) {
    synchronized (this) {
      Shared s = live.get(role);
      if (s != null) {
        s.users++;
        return new Lease(s);
      }
    }
    CqlExecutor fresh = login.get();
    CqlExecutor spare = null;
    Lease lease;
    synchronized (this) {
      Shared s = live.get(role);
      if (s == null) { // no one logged in meanwhile: this login is the role's connection
        s = new Shared(role, fresh);
        live.put(role, s);
        open++;
      } else {
        spare = fresh;
      }
      s.users++;
      lease = new Lease(s);
    }
    closeQuietly(spare);
    return lease;
  }

  /**
   * Retires the role's connection: sessions holding it keep it until they close; the next one logs in afresh.
   *
   * @param role the login role
   */
  public void retire(String role) {
    Shared closeNow = null;
    synchronized (this) {
      Shared s = live.remove(role);
      if (s != null) {
        s.retired = true;
        if (s.users == 0) {
          closeNow = s;
          open--;
        }
      }
    }
    if (closeNow != null) {
      closeQuietly(closeNow.executor);
    }
  }

  /** Retires every connection (a password rotation, the store dropped). */
  public void retireAll() {
    java.util.List<String> roles;
    synchronized (this) {
      roles = java.util.List.copyOf(live.keySet());
    }
    roles.forEach(this::retire);
  }

  /**
   * @return how many driver sessions this process holds open for roles (live and retired ones still in use)
   */
  public synchronized int openConnections() {
    return open;
  }

  private void release(Shared s) {
    boolean close;
    synchronized (this) {
      s.users--;
      close = s.users == 0;
      if (close) {
        open--;
        if (!s.retired) {
          live.remove(s.role);
        }
      }
    }
    if (close) {
      closeQuietly(s.executor);
    }
  }

  private static void closeQuietly(@Nullable CqlExecutor executor) {
    if (executor instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing a role's connection failed ({})", e.getClass().getSimpleName());
      }
    }
  }
}
