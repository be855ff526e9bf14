package io.delpha.sdk.core.internal;

import com.datastax.oss.driver.api.core.metadata.EndPoint;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A network endpoint as the library's logs and errors show it: {@code host:port}, the host as the caller wrote it
 * (no DNS lookup), an IPv6 literal in brackets ({@code [::1]:9042}). {@link InetSocketAddress#toString()} shows
 * {@code 127.0.0.1/<unresolved>:9042} for the unresolved contact points the driver is given, and {@code
 * /127.0.0.1:9042} for a resolved literal: neither is what a user typed or can paste back.
 */
public final class Endpoints {

  /** {@code host/<unresolved>:port} and {@code host/address:port} (the host may be empty) in a driver's text. */
  private static final Pattern JDK_FORM = Pattern.compile("(?<![\\w.:\\]/])([\\w.\\-]*)/(?:<unresolved>"
      + "|(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\\]?)):(\\d{1,5})\\b");

  private Endpoints() {}

  /**
   * @param address an address, resolved or not
   * @return {@code host:port}
   */
  public static String format(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * @param addresses addresses, resolved or not
   * @return each as {@link #format(InetSocketAddress)}, joined by {@code ", "}
   */
  public static String format(Collection<? extends InetSocketAddress> addresses) {
    return addresses.stream().map(Endpoints::format).collect(Collectors.joining(", "));
  }

  /**
   * @param endPoint a driver node's endpoint
   * @return its address as {@link #format(InetSocketAddress)}, or the endpoint's own text for one that is not an
   *     internet address (a proxy's SNI endpoint)
   */
  public static String format(EndPoint endPoint) {
    SocketAddress a = endPoint.resolve();
    return a instanceof InetSocketAddress inet ? format(inet) : clean(endPoint.toString());
  }

  /**
   * Rewrites the JDK's forms of an address in another library's message ({@code 127.0.0.1/<unresolved>:9042},
   * {@code db1/10.0.0.5:9042}, {@code /127.0.0.1:9042}) as {@code host:port}.
   *
   * @param text a message, e.g. the driver's
   * @return the message with every such address as {@link #format(InetSocketAddress)} shows it
   */
  public static String clean(String text) {
    return JDK_FORM.matcher(text).replaceAll(m -> {
      String host = m.group(1).isEmpty() && m.group(2) != null ? m.group(2) : m.group(1);
      boolean v6 = host.indexOf(':') >= 0 && !host.startsWith("[");
      return Matcher.quoteReplacement((v6 ? "[" + host + "]" : host) + ":" + m.group(3));
    });
  }
}
