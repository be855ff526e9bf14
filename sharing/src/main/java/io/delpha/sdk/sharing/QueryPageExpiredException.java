package io.delpha.sdk.sharing;

import io.delpha.sdk.core.InvalidInputException;
import org.jspecify.annotations.Nullable;

/**
 * The sharing server refused the page token of a paged query (HTTP 400 to a request naming a {@code pageToken}):
 * the token expired (the read took longer than the server keeps a query's pages) or is not one it knows. The read
 * ends with it; the message names the page, the table and the token (as a peer's text is quoted: cut short, control
 * characters replaced). Reading the table again starts a new query.
 */
public class QueryPageExpiredException extends InvalidInputException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the page, the table, the token and the server's answer
   * @param cause the server's 400, as the client maps it
   */
  public QueryPageExpiredException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
