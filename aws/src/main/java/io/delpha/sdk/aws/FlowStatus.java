package io.delpha.sdk.aws;

import org.jspecify.annotations.Nullable;
/** The state of a flow itself (not of one run), as AppFlow reports it. */
public enum FlowStatus {
  /** AppFlow {@code Active}. */
  ACTIVE("Active"),
  /** AppFlow {@code Deprecated}. */
  DEPRECATED("Deprecated"),
  /** AppFlow {@code Deleted}. */
  DELETED("Deleted"),
  /** AppFlow {@code Draft}. */
  DRAFT("Draft"),
  /** AppFlow {@code Errored}. */
  ERRORED("Errored"),
  /** AppFlow {@code Suspended}. */
  SUSPENDED("Suspended"),
  /** A status this library does not know yet, or none was reported. */
  UNKNOWN("unknown");

  private final String wireName;

  FlowStatus(String wireName) {
    this.wireName = wireName;
  }

  /**
   * @param wireName the status as the AppFlow API spells it, e.g. {@code Active}; may be {@code null}
   * @return the status, {@link #UNKNOWN} for anything else
   */
  public static FlowStatus fromWire(@Nullable String wireName) {
    for (FlowStatus s : values()) {
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
}
