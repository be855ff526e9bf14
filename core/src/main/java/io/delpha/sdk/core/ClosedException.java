package io.delpha.sdk.core;

/**
 * A component was used after its {@code close()}: the one exception every closeable component of the library throws
 * then (a manager, a pipeline, an ingestor). Closing is idempotent; a closed component stays closed, so the caller
 * builds a new one.
 */
public class ClosedException extends DelphaException {

  private static final long serialVersionUID = 1L;

  /**
   * @param component what was closed, e.g. {@code "this TotesysPipeline"}
   */
  public ClosedException(String component) {
    super(component + " is closed; build a new one");
  }
}
