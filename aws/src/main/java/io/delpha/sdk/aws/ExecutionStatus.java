package io.delpha.sdk.aws;

import org.jspecify.annotations.Nullable;
/** Where one run (execution) of a flow stands, as AppFlow reports it. */
public enum ExecutionStatus {
  /** AppFlow {@code InProgress}: still transferring. */
  IN_PROGRESS("InProgress"),
  /** AppFlow {@code Successful}: finished, its data is in the destination. */
  SUCCESSFUL("Successful"),
  /** AppFlow {@code Error}: failed; see {@link FlowExecution#errorMessage()}. */
  ERROR("Error"),
  /** AppFlow {@code CancelStarted}: being cancelled. */
  CANCEL_STARTED("CancelStarted"),
  /** AppFlow {@code Canceled}: cancelled before it finished. */
  CANCELED("Canceled"),
  /** A status this library does not know yet (a newer API). */
  UNKNOWN("unknown");

  private final String wireName;

  ExecutionStatus(String wireName) {
    this.wireName = wireName;
  }

  /**
   * @param wireName the status as the AppFlow API spells it, e.g. {@code Successful}; may be {@code null}
   * @return the status, {@link #UNKNOWN} for anything else
   */
  public static ExecutionStatus fromWire(@Nullable String wireName) {
    for (ExecutionStatus s : values()) {
      if (s.wireName.equals(wireName)) {
        return s;
      }
    }
    return UNKNOWN;
  }

  /**
   * @return the status as the AppFlow API spells it
   */
  public String wireName() {
    return wireName;
  }

  /**
   * @return whether the execution will not change any more (successful, failed or cancelled)
   */
  public boolean isFinal() {
    return this == SUCCESSFUL || this == ERROR || this == CANCELED;
  }
}
