package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;

/**
 * A remote peer's answer broke one of the {@link ResponseLimits} (or a size the peer itself declared): it was
 * longer, deeper, more numerous or slower than allowed. Reading stopped at the limit, and nothing of the answer was
 * returned as if it were whole. Not retried: the same peer is expected to answer the same way. The message names
 * the limit, its value and the request (never a credential nor a signed URL's query).
 */
public class ResponseLimitException extends DataFormatException {

  private static final long serialVersionUID = 1L;

  private final String limit;

  /**
   * @param limit the limit broken, as its setting is named (e.g. {@code maxLineBytes}, {@code declared size})
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public ResponseLimitException(String limit, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.limit = limit;
  }

  /** @return the limit broken, as its setting is named (e.g. {@code maxLineBytes}) */
  public String limit() {
    return limit;
  }
}
