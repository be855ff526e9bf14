package io.delpha.sdk.sharing;

import io.delpha.sdk.core.DataFormatException;

/**
 * A shared table needs a Delta reader feature (or reader version) this client does not read, so reading it
 * would give wrong rows. {@link #feature()} names it as the Delta protocol does (for example {@code typeWidening});
 * docs/sharing.md lists the features the client reads and what a server answers for the others.
 */
public class UnsupportedTableFeatureException extends DataFormatException {

  private static final long serialVersionUID = 1L;

  private final String feature;

  /**
   * @param message what the table needs and what the client reads
   * @param feature the Delta reader feature's name
   */
  public UnsupportedTableFeatureException(String message, String feature) {
    super(message);
    this.feature = feature;
  }

  /** @return the Delta reader feature the table needs, as the protocol names it */
  public String feature() {
    return feature;
  }
}
