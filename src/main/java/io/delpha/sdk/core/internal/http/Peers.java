package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the library trusts of a remote peer and says about it: the text of a peer echoed in a message ({@link #echo}),
 * cut and cleaned, and where a credential may go ({@link #requireProtected}, {@link #check}): over TLS, or over plain
 * {@code http} only to loopback unless {@link ResponseLimits#credentialsOverPlainHttp()} says the host trusts its
 * network. {@link HttpCaller} checks every request it sends; builders check their endpoints when they build, so a
 * refusal comes before any call.
 */
public final class Peers {

  /** The most characters of a peer's text a message carries. */
  public static final int ECHO_CHARS = 200;

  /** Query parameters that make a URL a credential (a signed URL of S3, GCS or Azure, a token in the query). */
  private static final Pattern SIGNED = Pattern.compile(
      "(?i)(?:^|&)(?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|sig"
          + "|signature|token|access_token|key)=");

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
   * @param host a host as a URI gives it, may be {@code null}
   * @return whether it names this machine's loopback without a lookup: {@code localhost}, {@code 127.x.y.z}, {@code
   *     ::1}
   */
  public static boolean isLoopback(@Nullable String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
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
