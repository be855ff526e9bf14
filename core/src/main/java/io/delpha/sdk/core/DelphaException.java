package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * The root of every exception the library throws: one unchecked hierarchy, each subclass named after
 * what went wrong for the caller.
 *
 * <p>Messages say what was wrong and what to do about it. They never contain a password, a key, a
 * token or any other secret, and neither does the cause chain the library builds: components map
 * foreign exceptions (driver, AWS SDK, JDBC, HTTP) to a subclass at their boundary and keep the
 * original as the cause only once they have checked it carries no secret.
 *
 * <pre>{@code
 * try {
 *   cass.execute("SELECT * FROM ks.t");
 * } catch (NotFoundException e) {          // unknown keyspace or table
 *   ...
 * } catch (DelphaException e) {            // anything else the library reports
 *   ...
 * }
 * }</pre>
 */
public class DelphaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public DelphaException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public DelphaException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
