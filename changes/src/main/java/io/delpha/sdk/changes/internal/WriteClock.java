package io.delpha.sdk.changes.internal;

/**
 * The timestamps of the writes, microseconds: each change's is its commit time with its place in its transaction
 * ({@code commitTimestamp * 1000 + sequenceNumber}), raised above the previous one when it is not already, so writes
 * are ordered as the stream delivers the changes (which is commit order) and a later change always wins. Re-reads get
 * the next timestamp in the same order. The last one is checkpointed with the replay id, so changes applied again
 * after a restart get the timestamps they had: the same writes, harmless to repeat. Not thread-safe.
 */
public final class WriteClock {

  private long last;

  /**
   * @param last the last timestamp given (from the checkpoint), or 0
   */
  public WriteClock(long last) {
    this.last = last;
  }

  /**
   * @param commitTimestamp the change's commit time, epoch milliseconds
   * @param sequenceNumber its place in its transaction
   * @return its write timestamp
   */
  public long next(long commitTimestamp, int sequenceNumber) {
    long base = Math.multiplyExact(commitTimestamp, 1000L) + Math.min(Math.max(sequenceNumber, 0), 999);
    last = Math.max(last + 1, base);
    return last;
  }

  /**
   * @param nowMillis the time of a re-read, epoch milliseconds
   * @return its write timestamp: after every change applied, and not before the time of the read
   */
  public long reread(long nowMillis) {
    last = Math.max(last + 1, Math.multiplyExact(nowMillis, 1000L));
    return last;
  }

  /**
   * @return the last timestamp given
   */
  public long last() {
    return last;
  }
}
