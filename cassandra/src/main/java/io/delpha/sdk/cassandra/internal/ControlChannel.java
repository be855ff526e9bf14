package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.internal.core.channel.DriverChannel;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether the driver's control connection (the one channel that reads the schema and hears of topology changes) is
 * up, and a bounded wait for it to come back. Driver 4.19 fails a schema refresh asked for while the control channel
 * is down in a way that leaves its refresh queue stuck for the rest of the session (every later refresh waits
 * forever), so schema reads check first. When the node under the control connection dies or hangs, the driver
 * reconnects it to another live node (at once when asked: {@link #isOpen} asks); {@link #awaitOpen} lets a schema
 * read wait for that instead of failing. Uses the driver's internal API, pinned by the version managed in the POM.
 */
public final class ControlChannel {

  /** How often a waiting schema read looks at the control channel again: well under one reconnection. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private ControlChannel() {}

  /**
   * @param session a session
   * @return whether its control channel is open; if not, a reconnection is asked for at once
   */
  public static boolean isOpen(CqlSession session) {
    boolean open = open(session);
    if (!open && session.getContext() instanceof InternalDriverContext context) {
      context.getControlConnection().reconnectNow();
    }
    return open;
  }

  private static boolean open(CqlSession session) {
    if (!(session.getContext() instanceof InternalDriverContext context)) {
      return true; // not the driver's own session type: nothing to check, let the refresh decide
    }
    DriverChannel channel = context.getControlConnection().channel();
    return channel != null && !channel.closeFuture().isDone();
  }

  /**
   * Waits until the session's control channel is open. If it is not, asks the driver once to reconnect it at once
   * (the driver tries the live nodes in its load-balancing order, a connection attempt to a hung node giving up after
   * the session's control-connection timeout, then goes on by its reconnection schedule), and watches the channel.
   * Returns at once when it is open.
   *
   * @param session a session
   * @param deadlineNanos the {@link System#nanoTime()} after which to give up
   * @return whether the channel is open
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public static boolean awaitOpen(CqlSession session, long deadlineNanos) throws InterruptedException {
    if (isOpen(session)) {
      return true;
    }
    while (!open(session)) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, POLL_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for the control connection");
      }
    }
    return true;
  }
}
