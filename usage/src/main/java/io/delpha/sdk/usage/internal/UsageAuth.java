package io.delpha.sdk.usage.internal;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.Exchange;
import io.delpha.sdk.server.HttpService;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates usage requests by their {@code Authorization: Bearer <access key>} header: 401 with a {@code
 * WWW-Authenticate} challenge for a missing or unknown key, 503 when keys cannot be checked. Key checks run through
 * the server's bounds on password checks, with a back-off per client address and per key id.
 */
public final class UsageAuth {

  private final Function<String, KeyPrincipal> authenticator;
  private final Supplier<HttpService> server;

  /**
   * @param authenticator the access keys' check, a key to its principal
   * @param server the running server, whose password-check bound applies
   */
  public UsageAuth(Function<String, KeyPrincipal> authenticator, Supplier<HttpService> server) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.server = Objects.requireNonNull(server, "server");
  }

  /**
   * @param exchange the request
   * @return the caller
   * @throws HttpException 401 or 503
   */
  public KeyPrincipal authenticate(Exchange exchange) {
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new HttpException(401, "unauthorized", "send Authorization: Bearer <access key>",
          Map.of("WWW-Authenticate", "Bearer"));
    }
    try {
      String key = header.substring(7).trim();
      KeyPrincipal p = server.get().passwordCheck(exchange, keyId(key), () -> authenticator.apply(key));
      exchange.authenticated();
      return p;
    } catch (AccessDeniedException e) {
      throw new HttpException(401, "unauthorized", "the access key is not valid",
          Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    } catch (ServiceUnavailableException e) {
      throw new HttpException(503, "unavailable", "access keys cannot be checked right now; retry later");
    }
  }

  /** @return the public id of a key {@code dk_<id>_<secret>}, the account its back-off counts under, or null */
  private static @Nullable String keyId(String key) {
    int end = key.lastIndexOf('_');
    return key.startsWith("dk_") && end > 3 ? key.substring(3, end) : null;
  }
}
