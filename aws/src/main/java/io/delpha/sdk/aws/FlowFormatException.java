package io.delpha.sdk.aws;

import io.delpha.sdk.core.DataFormatException;

/**
 * A flow does not write Parquet with the source types kept, so its files are not typed rows Spark (or
 * this library) can read. {@link AWSManager#convertToParquet(String)} fixes the flow's configuration.
 */
public class FlowFormatException extends DataFormatException {

  private static final long serialVersionUID = 1L;

  private final String flowName;
  private final transient FlowDestination destination;

  /**
   * @param message what the flow writes and how to fix it
   * @param flowName the flow
   * @param destination its S3 destination as configured
   */
  public FlowFormatException(String message, String flowName, FlowDestination destination) {
    super(message);
    this.flowName = flowName;
    this.destination = destination;
  }

  /**
   * @return the flow
   */
  public String flowName() {
    return flowName;
  }

  /**
   * @return the flow's S3 destination, with the file type it writes
   */
  public FlowDestination destination() {
    return destination;
  }
}
