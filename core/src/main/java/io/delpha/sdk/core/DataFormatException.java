package io.delpha.sdk.core;

import org.jspecify.annotations.Nullable;
/**
 * Data read from a file, an object or a stream is not what it claims to be: a corrupt or truncated
 * Parquet file, a file that is not Parquet at all, a schema that does not match, a malformed CSV row.
 * The message names the object and what was wrong.
 */
public class DataFormatException extends InvalidInputException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, for a human; never a secret
   */
  public DataFormatException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, for a human; never a secret
   * @param cause the underlying failure, may be {@code null}
   */
  public DataFormatException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
