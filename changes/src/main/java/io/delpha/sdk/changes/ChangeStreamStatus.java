package io.delpha.sdk.changes;

import io.delpha.sdk.core.DelphaException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link ChangeStream}.
 *
 * @param state what the stream is doing
 * @param topic the topic subscribed to
 * @param lastReplayId the last replay id applied and checkpointed, in hex, or {@code null} before the first
 * @param lastCommit the commit time of the last change applied, or {@code null} before the first
 * @param lag how far the last change applied is behind the stream's clock, or {@code null} before the first
 * @param eventsApplied change events applied since the stream was built (a redelivered one counts again)
 * @param gapsReread records re-read over REST for gap events, diff fields and overflows
 * @param resyncs whole-object re-reads (an overflow, or a checkpoint older than the event bus keeps)
 * @param resubscribes subscriptions made again after a dropped stream or an expired session
 * @param failure why the stream failed, when {@code state} is {@link State#FAILED}
 */
public record ChangeStreamStatus(State state, String topic, @Nullable String lastReplayId, @Nullable Instant lastCommit,
    @Nullable Duration lag, long eventsApplied, long gapsReread, long resyncs, long resubscribes,
    @Nullable DelphaException failure) {

  /**
   * @param state what the stream is doing
   * @param topic the topic
   * @param lastReplayId the last replay id checkpointed
   * @param lastCommit the commit time of the last change applied
   * @param lag the lag
   * @param eventsApplied events applied
   * @param gapsReread records re-read
   * @param resyncs whole-object re-reads
   * @param resubscribes subscriptions made again
   * @param failure why the stream failed
   */
  public ChangeStreamStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(topic, "topic");
  }

  /** What a stream is doing. */
  public enum State {
    /** built, not started */
    NEW,
    /** subscribed (or subscribing again after a dropped stream), applying changes */
    RUNNING,
    /** re-reading a whole object (an overflow, or a checkpoint too old), then going on */
    RESYNCING,
    /** stopped by the host; {@code start()} resumes from the checkpoint */
    STOPPED,
    /** stopped by an error that a new subscription would not cure ({@code failure} says which) */
    FAILED
  }
}
