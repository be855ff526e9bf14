package io.delpha.sdk.changes;

/**
 * Where a subscription without a checkpoint starts (the Pub/Sub API's {@code ReplayPreset}). A stream that has a
 * checkpoint always resumes after it, whatever the preset.
 */
public enum ReplayPreset {
  /** At the tip of the stream: only changes committed from now on. */
  LATEST,
  /** At the oldest change the event bus still keeps (72 hours). */
  EARLIEST,
  /** Just after the replay id given to the builder ({@code replayId}). */
  CUSTOM
}
