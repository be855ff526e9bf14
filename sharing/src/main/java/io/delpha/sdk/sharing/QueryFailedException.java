package io.delpha.sdk.sharing;

import io.delpha.sdk.core.DelphaException;

/**
 * An asynchronous table query ({@link DeltaSharingClientBuilder#asyncQueries(boolean)}) that the sharing server
 * reported as failed while the client polled it: nothing of it was read. The message quotes the server's reason
 * (cut short, control characters replaced); {@link #queryId()} is the server's id of the query, for its operators.
 */
public class QueryFailedException extends DelphaException {

  private static final long serialVersionUID = 1L;

  private final String queryId;

  /**
   * @param message what failed, with the server's reason
   * @param queryId the server's id of the query
   */
  public QueryFailedException(String message, String queryId) {
    super(message);
    this.queryId = queryId;
  }

  /** @return the server's id of the query (opaque; empty if it named none) */
  public String queryId() {
    return queryId;
  }
}
