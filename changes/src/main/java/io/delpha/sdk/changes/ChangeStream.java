package io.delpha.sdk.changes;

/**
 * A subscription to one Salesforce change event topic, applied into Cassandra: the role a host depends on.
 * {@link SalesforceChangeStream} is the implementation.
 *
 * <p>Contract: changes are written before the replay id that covers them is checkpointed, so a restart (after
 * {@link #stop()}, a crash or a dropped stream) resumes after the checkpoint and repeats at most the changes of one
 * answer, which are harmless to repeat (each write carries the timestamp of its change). Thread-safe.
 */
public interface ChangeStream extends AutoCloseable {

  /**
   * Starts the subscription on a thread of the stream's own, from the checkpoint if there is one. Calling it on a
   * running stream does nothing; a stopped or failed stream starts again from its checkpoint.
   */
  void start();

  /**
   * Stops the subscription: the answer being applied is finished and checkpointed, the rest is left for the next
   * start. Returns when the stream's thread has ended.
   */
  void stop();

  /**
   * @return where the stream is: its state, the last replay id applied and checkpointed, the lag, the counts
   */
  ChangeStreamStatus status();

  /** Stops the stream and releases its connection. Idempotent. */
  @Override
  void close();
}
