package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.internal.core.channel.DriverChannel;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;

/**
 * Whether the driver's control connection is up. Driver 4.19 fails a schema refresh asked for while the
 * control channel is down in a way that leaves its refresh queue stuck for the rest of the session
 * (every later refresh waits forever), so schema reads check first. Uses the driver's internal API,
 * pinned by the version managed in the POM.
 */
public final class ControlChannel {

  private ControlChannel() {}

  /**
   * @param session a session
   * @return whether its control channel is open; if not, a reconnection is asked for at once
   */
  public static boolean isOpen(CqlSession session) {
    if (!(session.getContext() instanceof InternalDriverContext context)) {
      return true; // not the driver's own session type: nothing to check, let the refresh decide
    }
    DriverChannel channel = context.getControlConnection().channel();
    boolean open = channel != null && !channel.closeFuture().isDone();
    if (!open) {
      context.getControlConnection().reconnectNow();
    }
    return open;
  }
}
