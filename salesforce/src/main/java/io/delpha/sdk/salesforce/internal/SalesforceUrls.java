package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.http.Redirects;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the component accepts of the URLs and paths Salesforce's answers carry, so that the session token goes to
 * the org's instance and nowhere else:
 * <ul>
 *   <li>the login's {@code instance_url} must be {@code https} (plain {@code http} only when the login URL itself is
 *       {@code http} on loopback, as tests are, or on a network the host trusts with {@link
 *       ResponseLimits#credentialsOverPlainHttp()}) with no user info, path, query or fragment, and its host must
 *       belong to the login host's Salesforce domain ({@code *.salesforce.com} for {@code login.salesforce.com},
 *       {@code test.salesforce.com} and {@code *.my.salesforce.com}, sandboxes {@code *.sandbox.my.salesforce.com}
 *       included; {@code *.salesforce.mil} and {@code *.sfcrmproducts.cn} for those clouds) or be the login host
 *       itself (same scheme, host and port), else {@link #requireInstanceUrl} refuses it before any call;</li>
 *   <li>a path the server gives ({@code nextRecordsUrl}) must be a plain relative path under {@code
 *       /services/data/<version>/}: letters, digits, {@code - _ .} and {@code /} only, no empty, {@code .} or {@code
 *       ..} segment; so no {@code @host} user info, {@code //host}, scheme, percent-encoding, query, fragment,
 *       backslash or CR/LF ever reaches a URL; a Bulk API 2.0 {@code Sforce-Locator} must be at most 2,048
 *       printable ASCII characters ({@link #requireLocator}), URL-encoded into the next page's query;</li>
 *   <li>a redirect is never followed (the component's {@code HttpClient} is built with {@code Redirect.NEVER}): it is
 *       a {@link DataFormatException} naming the status and the host it pointed to ({@link #redirected}).</li>
 * </ul>
 * {@code *.force.com} and Salesforce Sites domains are not accepted as instances: the token responses Salesforce
 * sends name {@code *.salesforce.com} hosts, and those domains also serve code the org's customers write.
 */
public final class SalesforceUrls {

  /** Salesforce's own registrable domains, one per cloud: an instance must be in its login host's. */
  private static final List<String> FAMILIES = List.of("salesforce.com", "salesforce.mil", "sfcrmproducts.cn");
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/-]+");
  private static final int MAX_PATH = 2048;

  private SalesforceUrls() {}

  /**
   * As {@link #requireInstanceUrl(String, String, String, boolean)} with the default limits: plain {@code http} only
   * on loopback.
   *
   * @param loginUrl the login URL the credentials were sent to
   * @param instanceUrl the {@code instance_url} the token response names
   * @param flow the login flow, for messages
   * @return the instance URL, {@code scheme://host[:port]}
   * @throws DataFormatException if the instance is not one the token may be sent to
   */
  public static String requireInstanceUrl(String loginUrl, String instanceUrl, String flow) {
    return requireInstanceUrl(loginUrl, instanceUrl, flow, false);
  }

  /**
   * @param loginUrl the login URL the credentials were sent to
   * @param instanceUrl the {@code instance_url} the token response names
   * @param flow the login flow, for messages
   * @param credentialsOverPlainHttp {@link ResponseLimits#credentialsOverPlainHttp()}: a plain {@code http} login URL
   *     off loopback was allowed, so the same origin over {@code http} is too
   * @return the instance URL, {@code scheme://host[:port]}
   * @throws DataFormatException if the instance is not one the token may be sent to
   */
  public static String requireInstanceUrl(String loginUrl, String instanceUrl, String flow,
      boolean credentialsOverPlainHttp) {
    URI login = URI.create(loginUrl);
    String refused = flow + " login at " + loginUrl + ": the token response's instance_url '"
        + Peers.echo(instanceUrl) + "' ";
    URI instance;
    try {
      instance = new URI(instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl);
    } catch (URISyntaxException e) {
      throw new DataFormatException(refused + "is not a URL; no call was made with the token");
    }
    String scheme = String.valueOf(instance.getScheme()).toLowerCase(Locale.ROOT);
    String host = instance.getHost() == null ? null : instance.getHost().toLowerCase(Locale.ROOT);
    // plain http only where the login itself was allowed over it (loopback, or the host's opt-in); the instance is
    // then the login's own origin, since only https hosts of Salesforce's domains are taken otherwise
    boolean httpLogin = "http".equalsIgnoreCase(login.getScheme())
        && (Peers.isLoopback(login.getHost()) || credentialsOverPlainHttp);
    if (host == null || instance.getRawUserInfo() != null || !instance.getRawPath().isEmpty()
        || instance.getRawQuery() != null || instance.getRawFragment() != null) {
      throw new DataFormatException(refused + "is not a plain https://host URL; no call was made with the token");
    }
    if (!"https".equals(scheme) && !("http".equals(scheme) && httpLogin)) {
      throw new DataFormatException(refused + "is not https (the token would travel in clear text); no call was "
          + "made with the token");
    }
    String loginHost = login.getHost().toLowerCase(Locale.ROOT);
    boolean sameOrigin = host.equals(loginHost) && scheme.equalsIgnoreCase(login.getScheme())
        && port(instance) == port(login);
    String family = familyOf(loginHost);
    boolean inFamily = family != null && "https".equals(scheme) && instance.getPort() < 0
        && host.endsWith("." + family);
    if (!sameOrigin && !inFamily) {
      throw new DataFormatException(refused + "names host " + host + ", which is not "
          + (family == null ? "the login host " + loginHost : "a host of the login's domain " + family)
          + "; no call was made with the token");
    }
    return scheme + "://" + host + (instance.getPort() < 0 ? "" : ":" + instance.getPort());
  }

  /**
   * @param given a path the server sent (a query page's {@code nextRecordsUrl})
   * @param apiRoot the versioned REST root, e.g. {@code /services/data/v60.0}
   * @param what the request, for messages
   * @return the path below the root, starting with {@code /}
   * @throws DataFormatException if it is not a plain path under the root
   */
  public static String requireApiPath(String given, String apiRoot, String what) {
    String prefix = apiRoot + "/";
    boolean plain = given.length() <= MAX_PATH && given.startsWith(prefix) && SAFE_PATH.matcher(given).matches();
    if (plain) {
      for (String segment : given.substring(1).split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          plain = false;
          break;
        }
      }
    }
    if (!plain) {
      throw new DataFormatException(what + ": Salesforce sent the path '" + Peers.echo(given) + "', which is not a "
          + "plain path under " + prefix + "; it was not followed");
    }
    return given.substring(apiRoot.length());
  }

  /**
   * @param given a Bulk API 2.0 {@code Sforce-Locator} (Salesforce's are a few characters of base64)
   * @param what the request, for messages
   * @return the locator, to be URL-encoded into the next page's query string
   * @throws DataFormatException if it is longer than 2,048 characters or holds anything but printable ASCII (no
   *     space, no control character)
   */
  public static String requireLocator(String given, String what) {
    boolean plain = given.length() <= MAX_PATH;
    for (int i = 0; plain && i < given.length(); i++) {
      char c = given.charAt(i);
      plain = c > ' ' && c < 0x7f;
    }
    if (!plain) {
      throw new DataFormatException(what + ": Salesforce sent the locator '" + Peers.echo(given) + "', which is not "
          + "a plain locator (at most " + MAX_PATH + " printable ASCII characters); it was not followed");
    }
    return given;
  }

  /**
   * @param what the request
   * @param response an answer with a 3xx status other than 300 and 304
   * @return the error to throw: the redirect was not followed, the token went nowhere
   */
  public static DataFormatException redirected(String what, HttpResponse<?> response) {
    return new DataFormatException(what + ": Salesforce answered HTTP " + response.statusCode() + " redirecting to "
        + Peers.echo(Redirects.target(response)) + "; redirects are not followed, so the session token was sent nowhere else");
  }

  private static @Nullable String familyOf(String host) {
    for (String family : FAMILIES) {
      if (host.equals(family) || host.endsWith("." + family)) {
        return family;
      }
    }
    return null;
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
