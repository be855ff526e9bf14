package io.delpha.sdk.core.internal.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/**
 * The one reading of a redirect answer for the library's clients, which never follow one that could carry a
 * credential elsewhere (Salesforce, Delta Sharing, the upload client, Azure Key Vault): what counts as a redirect and
 * where it pointed, for the typed error each client throws.
 */
public final class Redirects {

  private Redirects() {}

  /**
   * @param status an answer's status
   * @return whether it is a redirect the JDK client would follow (301, 302, 303, 307, 308)
   */
  public static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * @param response a redirect answer
   * @return where its {@code Location} points, resolved against the request's URL, or {@code null} when it has none
   *     or it is not a URL
   */
  public static @Nullable URI location(HttpResponse<?> response) {
    String location = response.headers().firstValue("Location").orElse(null);
    if (location == null) {
      return null;
    }
    try {
      return response.request().uri().resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * @param response a redirect answer
   * @return where its {@code Location} points, resolved against the request: {@code scheme://host[:port]} (never a
   *     path, a query or user info, which may carry what the peer wants echoed), {@code no host}, or {@code an
   *     unreadable location}
   */
  public static String target(HttpResponse<?> response) {
    String location = response.headers().firstValue("Location").orElse("");
    try {
      URI to = response.request().uri().resolve(new URI(location));
      return to.getHost() == null ? "no host" : to.getScheme() + "://" + to.getHost()
          + (to.getPort() < 0 ? "" : ":" + to.getPort());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return "an unreadable location";
    }
  }
}
