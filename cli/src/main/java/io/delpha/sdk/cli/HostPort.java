package io.delpha.sdk.cli;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} as the command line writes it ({@code [::1]:9042} for IPv6). */
record HostPort(String host, int port) {

  static HostPort parse(String text, String option, int defaultPort) {
    String s = text.trim();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0) {
        throw Usage.error(option + ": '" + text + "' is not HOST:PORT");
      }
      host = s.substring(1, end);
      if (end + 1 < s.length()) {
        if (s.charAt(end + 1) != ':') {
          throw Usage.error(option + ": '" + text + "' is not HOST:PORT");
        }
        port = s.substring(end + 2);
      }
    } else {
      int colon = s.lastIndexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw Usage.error(option + ": '" + text + "' has no host");
    }
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 0 || p > 65535) {
        throw Usage.error(option + ": '" + port + "' is not a port number");
      }
    }
    return new HostPort(host, p);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }
}
