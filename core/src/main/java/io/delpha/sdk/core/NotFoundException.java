package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * What the caller named does not exist: a keyspace, a table, an object key, a secret, a flow, a
 * Salesforce record. The message names what was asked for and, where it helps, what exists nearby.
 */
public class NotFoundException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public NotFoundException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public NotFoundException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
