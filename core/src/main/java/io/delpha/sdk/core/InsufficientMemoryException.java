package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;

/**
 * An operation would need more memory than the JVM's heap can still give, and the library refused it before
 * allocating, instead of failing with an {@link OutOfMemoryError} that leaves the JVM in doubt: a Parquet value,
 * page or dictionary larger than the heap's free room. The message names what was being read, the bytes it needs,
 * the bytes the heap can give, and the setting that helps (a larger {@code -Xmx}, or an option that leaves the
 * data out, such as {@code ReadOptions.skipping(...)}).
 *
 * <p>Nothing was left half-done by the refused allocation; the same call with the same heap fails the same way.
 */
public class InsufficientMemoryException extends DelphaException {

  private static final long serialVersionUID = 1L;

  private final long neededBytes;
  private final long availableBytes;

  /**
   * @param message what could not be read and what helps, for a human; never a secret
   * @param neededBytes the bytes the refused allocation needed
   * @param availableBytes the bytes the heap could give at that moment
   * @param cause the same refusal from a lower layer, may be {@code null}
   */
  public InsufficientMemoryException(String message, long neededBytes, long availableBytes, @Nullable Throwable cause) {
    super(message, cause);
    this.neededBytes = neededBytes;
    this.availableBytes = availableBytes;
  }

  /**
   * @return the bytes the refused allocation needed
   */
  public long neededBytes() {
    return neededBytes;
  }

  /**
   * @return the bytes the heap could give when the allocation was refused (after a full collection)
   */
  public long availableBytes() {
    return availableBytes;
  }
}
