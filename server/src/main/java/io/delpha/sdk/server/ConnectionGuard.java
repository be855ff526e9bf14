package io.delpha.sdk.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection-level defences of a {@link JettyServer}, a Jetty {@link Connection.Listener} on its connector: the
 * cap on connections per client address ({@link ServerOptions#maxConnectionsPerAddress()}) and the header deadline
 * ({@link ServerOptions#headerTimeout()}). Jetty 12.0 has neither (its {@code ConnectionLimit} counts all addresses
 * together; its idle timeout restarts with every byte), so this listener watches what Jetty's connections count
 * themselves: wire bytes in ({@link Connection#getBytesIn()}) and requests whose headers completed ({@link
 * Connection#getMessagesIn()}). A sweep on the server's scheduler closes a connection that has waited longer than the
 * deadline for a request's headers.
 */
final class ConnectionGuard implements Connection.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  private final int perAddress;
  private final long headerTimeoutNanos;
  private final Map<String, AtomicLong> perAddressCount = new ConcurrentHashMap<>();
  private final Map<EndPoint, String> counted = new ConcurrentHashMap<>();
  private final Map<Connection, Watch> watched = new ConcurrentHashMap<>();
  private volatile Scheduler.@Nullable Task sweep;
  private volatile boolean stopped;

  ConnectionGuard(ServerOptions options) {
    this.perAddress = options.maxConnectionsPerAddress();
    this.headerTimeoutNanos = options.headerTimeout().toNanos();
  }

  /** Starts the sweeps of the header deadline, a few per deadline. */
  void start(Scheduler scheduler) {
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1),
        headerTimeoutNanos / 4));
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      if (stopped) {
        return;
      }
      sweep(System.nanoTime());
      sweep = scheduler.schedule(tick[0], period, TimeUnit.NANOSECONDS);
    };
    sweep = scheduler.schedule(tick[0], period, TimeUnit.NANOSECONDS);
  }

  void stop() {
    stopped = true;
    Scheduler.Task t = sweep;
    if (t != null) {
      t.cancel();
    }
  }

  @Override
  public void onOpened(Connection connection) {
    EndPoint endPoint = connection.getEndPoint();
    if (endPoint instanceof SelectableChannelEndPoint) { // the network's end, once per connection (TLS or not)
      String address = ClientAddress.key(endPoint.getRemoteSocketAddress());
      counted.put(endPoint, address);
      long n = perAddressCount.computeIfAbsent(address, a -> new AtomicLong()).incrementAndGet();
      if (n > perAddress) {
        LOG.debug("closing a connection from {}: {} open from that address, the limit is {}", address, n, perAddress);
        endPoint.close();
        return;
      }
    }
    if (connection instanceof ConnectionMetaData) { // the HTTP layer, whose counts say where a request stands
      watched.put(connection, new Watch(connection, System.nanoTime()));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    watched.remove(connection);
    String address = counted.remove(connection.getEndPoint());
    if (address != null) {
      perAddressCount.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  /** Notes a request the service handles, so that the deadline of the next one starts after it completes. */
  void handling(Request request) {
    Watch w = watched.get(request.getConnectionMetaData().getConnection());
    if (w != null) {
      Request.addCompletionListener(request, failure -> w.requestEnded());
    }
  }

  private void sweep(long now) {
    for (Watch w : watched.values()) {
      if (w.expired(now, headerTimeoutNanos)) {
        LOG.debug("closing a connection whose request headers did not arrive within {} ms",
            TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
        w.connection.getEndPoint().close(); // the end point, not the connection: that would answer an error page
      }
    }
  }

  /** Where one HTTP connection stands: in a request, or waiting for the headers of its next one since when. */
  private static final class Watch {
    final Connection connection;
    private long ended;
    private long bytesAtEnd;
    private long waitingSince; // 0: no byte of a next request yet

    Watch(Connection connection, long opened) {
      this.connection = connection;
      this.waitingSince = opened; // the first request's deadline runs from the connection's opening
    }

    synchronized void requestEnded() {
      ended++;
      bytesAtEnd = connection.getBytesIn();
      waitingSince = 0;
    }

    synchronized boolean expired(long now, long timeout) {
      if (connection.getMessagesIn() > ended) { // headers complete: a request is being handled
        waitingSince = 0;
        return false;
      }
      if (waitingSince == 0) {
        if (connection.getBytesIn() <= bytesAtEnd) {
          return false; // an idle kept-alive connection: the idle timeout's business
        }
        waitingSince = now;
      }
      return now - waitingSince >= timeout;
    }
  }
}
