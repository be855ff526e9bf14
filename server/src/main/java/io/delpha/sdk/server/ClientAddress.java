package io.delpha.sdk.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** How the service names a client by its address, for the limits per address (connections, password back-off). */
final class ClientAddress {

  private ClientAddress() {}

  /**
   * @return the key a client address counts under: the address itself, but an IPv6 address's /64 network (one host
   *     commonly holds a whole /64)
   */
  static String key(@Nullable SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return String.valueOf(remote);
    }
    InetAddress a = inet.getAddress();
    if (a instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(a.getAddress(), 8);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        s.append(Integer.toHexString(((prefix[i] & 0xff) << 8) | (prefix[i + 1] & 0xff))).append(':');
      }
      return s.append(":/64").toString();
    }
    return a.getHostAddress();
  }
}
