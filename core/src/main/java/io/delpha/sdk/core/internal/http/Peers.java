package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the library trusts of a remote peer and says about it: the text of a peer echoed in a message ({@link #echo}),
 * cut and cleaned; where a credential may go ({@link #requireProtected}, {@link #check}): over TLS, or over plain
 * {@code http} only to loopback ({@link #isLoopback}: decided by the address, never by a name's spelling) unless
 * {@link ResponseLimits#credentialsOverPlainHttp()} says the host trusts its network; and which addresses no request
 * may reach ({@link #checkAddress}): link-local and cloud metadata addresses, unless {@link
 * ResponseLimits#linkLocalAddresses()}. {@link HttpCaller} checks every request it sends, each redirect hop it follows
 * included; builders check their endpoints' credentials when they build, so a refusal comes before any call.
 */
public final class Peers {

  /** The most characters of a peer's text a message carries. */
  public static final int ECHO_CHARS = 200;

  /** Query parameters that make a URL a credential (a signed URL of S3, GCS or Azure, a token in the query). */
  private static final Pattern SIGNED = Pattern.compile(
      "(?i)(?:^|&)(?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|sig"
          + "|signature|token|access_token|key)=");

  /** Four decimal octets, no leading zeros: the one IPv4 spelling taken as a literal without a lookup. */
  private static final Pattern IPV4 =
      Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** Cloud metadata services outside the link-local ranges: AWS over IPv6, Alibaba, Oracle. */
  private static final List<byte[]> METADATA = List.of(
      new byte[] {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54},
      new byte[] {100, 100, 100, (byte) 200},
      new byte[] {(byte) 192, 0, 0, (byte) 192});

  private Peers() {}

  /**
   * @param text what a peer sent (a page token, a header, an error body), may be {@code null}
   * @return at most {@value #ECHO_CHARS} characters of it, followed by {@code "... (N characters)"} when cut, every
   *     control character (line breaks, escapes a terminal would act on) shown as {@code ?}
   */
  public static String echo(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    String cut = text.length() > ECHO_CHARS ? text.substring(0, ECHO_CHARS) : text;
    StringBuilder b = new StringBuilder(cut.length() + 24);
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u202e' ? '?' : c);
    }
    if (cut.length() < text.length()) {
      b.append("... (").append(text.length()).append(" characters)");
    }
    return b.toString();
  }

  /**
   * Whether a host is this machine's loopback, decided by address and never by spelling: an IP literal ({@code
   * 127.x.y.z} in dotted-quad form, {@code [::1]}, an IPv4-mapped {@code [::ffff:127.x.y.z]}) is loopback by its
   * address, without a lookup; the name {@code localhost}, exactly, is loopback when every address this machine's
   * own resolver (its hosts file) gives it is; any other name is not, whatever it resolves to ({@code
   * x.attacker.localhost} is sent to DNS by most resolvers, so its answer is a peer's to choose).
   *
   * <p>Only literals and {@code localhost} are taken because the JDK client resolves a name again when it connects:
   * a name checked here could resolve elsewhere a moment later (DNS rebinding), a literal cannot, and {@code
   * localhost} is answered from the host's own files, not by a peer.
   *
   * @param host a host as a URI gives it, may be {@code null}
   * @return whether a request to it reaches this machine's loopback interface only
   */
  public static boolean isLoopback(@Nullable String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      try {
        InetAddress[] all = InetAddress.getAllByName(h);
        return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
      } catch (UnknownHostException e) {
        return false;
      }
    }
    InetAddress literal = literal(h);
    return literal != null && literal.isLoopbackAddress();
  }

  /**
   * @param host a host as a URI gives it (an IPv6 literal in brackets or not)
   * @return the address an IP literal in its canonical spelling denotes (IPv4 as four decimal octets without leading
   *     zeros; any IPv6 literal), or {@code null} for anything else, which would be resolved: a name, or an IPv4
   *     number spelt as the OS resolver also reads it ({@code 2852039166}, {@code 0251.0376.0251.0376}, {@code
   *     0xa9fea9fe}, a trailing dot)
   */
  static @Nullable InetAddress literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      if (h.indexOf(':') >= 0 && h.matches("[0-9a-fA-F:.]+(%[\\w.-]+)?")) {
        return InetAddress.getByName("[" + h + "]"); // an IPv6 literal is never looked up
      }
      if (IPV4.matcher(h).matches()) {
        return InetAddress.getByName(h); // four decimal octets: a literal, never looked up
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  /**
   * Why an address is one a request must not reach unless the host allows it ({@link
   * ResponseLimits#linkLocalAddresses()}): a link-local address ({@code 169.254.0.0/16}, {@code fe80::/10}), which
   * is where clouds put their metadata services ({@code 169.254.169.254}, {@code metadata.google.internal}'s
   * address); another cloud metadata address ({@code fd00:ec2::254} of AWS, {@code 100.100.100.200} of Alibaba,
   * {@code 192.0.0.192} of Oracle); the unspecified address ({@code 0.0.0.0}, {@code ::}, which reaches this
   * machine); a multicast address. An IPv4 address embedded in IPv6 (IPv4-compatible {@code ::a.b.c.d}, NAT64
   * {@code 64:ff9b::a.b.c.d}) is judged as that IPv4 address; an IPv4-mapped one ({@code ::ffff:a.b.c.d}) already
   * is one.
   *
   * @param address a resolved address
   * @return what kind of address it is, for the message, or {@code null} when a request may reach it
   */
  public static @Nullable String refusedAddress(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16 && isEmbeddingIpv4(b)) {
      try {
        String embedded = refusedAddress(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
        return embedded == null ? null : embedded + " (embedded in IPv6)";
      } catch (UnknownHostException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    for (byte[] metadata : METADATA) {
      if (Arrays.equals(b, metadata)) {
        return "a cloud metadata address";
      }
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local address (where clouds serve instance metadata and credentials)";
    }
    if (address.isAnyLocalAddress()) {
      return "the unspecified address";
    }
    if (address.isMulticastAddress()) {
      return "a multicast address";
    }
    return null;
  }

  /** IPv4-compatible {@code ::a.b.c.d} (not {@code ::} nor {@code ::1}) or NAT64 {@code 64:ff9b::a.b.c.d}. */
  private static boolean isEmbeddingIpv4(byte[] b) {
    boolean compatible = true;
    for (int i = 0; i < 12; i++) {
      compatible &= b[i] == 0;
    }
    if (compatible) {
      return (b[12] | b[13]) != 0 || (b[14] & 0xff) > 1;
    }
    byte[] nat64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    return Arrays.equals(Arrays.copyOf(b, 12), nat64);
  }

  /**
   * Checks, before a request is sent, every address its host resolves to here ({@link #refusedAddress}): the names
   * a peer gives (a storage URL, a redirect's {@code Location}, a profile's endpoint, an {@code instance_url}) are
   * judged by what they resolve to, so every spelling of an address ({@code 2852039166}, octal, hex, a trailing
   * dot, {@code ::ffff:169.254.169.254}, a name of the peer's DNS) is judged alike. The JDK client resolves the name
   * again when it connects; with the JVM's address cache ({@code networkaddress.cache.ttl}, 30 s unless the host
   * changed it) that is the answer checked here. A name that does not resolve here is left to the connection, which
   * fails the same way (or goes through the host's proxy, which then decides).
   *
   * @param uri where the request goes
   * @param allowed {@link ResponseLimits#linkLocalAddresses()} of the client
   * @param what the request, for the message
   * @throws ResponseLimitException ({@code linkLocalAddresses}) if an address is refused; nothing was sent
   */
  public static void checkAddress(URI uri, boolean allowed, String what) {
    String host = uri.getHost();
    if (allowed || host == null) {
      return;
    }
    InetAddress[] all;
    try {
      InetAddress literal = literal(host);
      all = literal != null ? new InetAddress[] {literal} : InetAddress.getAllByName(host);
    } catch (UnknownHostException | IllegalArgumentException e) {
      return;
    }
    for (InetAddress a : all) {
      String refused = refusedAddress(a);
      if (refused != null) {
        throw new ResponseLimitException("linkLocalAddresses", what + ": " + echo(host) + " is " + refused + " ("
            + a.getHostAddress() + "); it was not sent (ResponseLimits.linkLocalAddresses allows it for a host that "
            + "needs such an address)", null);
      }
    }
  }

  /**
   * @param uri a URL a credential would be sent to
   * @return whether the way there is protected: {@code https}, or plain {@code http} to loopback
   */
  public static boolean isProtected(URI uri) {
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    return scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()));
  }

  /**
   * Checks, when a client is built, an endpoint its credential will be sent to.
   *
   * @param uri the endpoint
   * @param limits the client's limits ({@link ResponseLimits#credentialsOverPlainHttp()})
   * @param what the endpoint, as the message names it (e.g. {@code "the profile's endpoint"})
   * @throws InvalidInputException if the credential would cross a network in clear text and the limits do not allow it
   */
  public static void requireProtected(URI uri, ResponseLimits limits, String what) {
    if (!limits.credentialsOverPlainHttp() && !isProtected(uri)) {
      throw new InvalidInputException(what + " " + echo(uri.getScheme() + "://" + uri.getRawAuthority())
          + " is plain http to a host that is not loopback: the credential would cross the network in clear text; "
          + "use https, or allow it for a trusted private network with "
          + "ResponseLimits.credentialsOverPlainHttp(true)");
    }
  }

  /**
   * Checks, before it is sent, that a request carrying a credential (an {@code Authorization}, {@code
   * Proxy-Authorization} or {@code Cookie} header, or a signed URL's query) goes over a protected way.
   *
   * @param request the request
   * @param allowed {@link ResponseLimits#credentialsOverPlainHttp()} of the client
   * @param what the request, for the message
   * @throws ResponseLimitException ({@code credentialsOverPlainHttp}) if it would not; nothing was sent
   */
  static void check(HttpRequest request, boolean allowed, String what) {
    if (allowed || isProtected(request.uri())) {
      return;
    }
    boolean credential = request.headers().firstValue("Authorization").isPresent()
        || request.headers().firstValue("Proxy-Authorization").isPresent()
        || request.headers().firstValue("Cookie").isPresent()
        || (request.uri().getRawQuery() != null && SIGNED.matcher(request.uri().getRawQuery()).find());
    if (credential) {
      throw new ResponseLimitException("credentialsOverPlainHttp", what + ": the request carries a credential and "
          + "would go over plain http to " + echo(request.uri().getHost()) + ", which is not loopback; it was not "
          + "sent (ResponseLimits.credentialsOverPlainHttp allows it on a trusted private network)", null);
    }
  }
}
