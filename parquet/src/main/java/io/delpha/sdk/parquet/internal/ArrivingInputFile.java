package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A Parquet file held in an array whose bytes arrive in order while it is read (a download): its end, from {@code
 * tailFrom} on, is there from the start (the footer, fetched first), the rest arrives from the front, told by
 * {@link #arrived}. A read of bytes not yet there waits for them, so a reader decodes each page as soon as it is in;
 * once the arrival {@link #failed fails}, every read waiting or to come throws that failure (unchecked, as is), and
 * an interrupted wait throws a {@link ServiceUnavailableException}. The array is read as {@link ByteArrayInputFile}
 * reads it, in place. Thread-safe: one thread tells the arrival, others read (streams themselves are not thread-safe).
 */
public final class ArrivingInputFile implements InputFile {

  private final ByteArrayInputFile file;
  private final int length;
  private final int tailFrom;
  /**
   * Bytes {@code [0, arrived)} are there, and with the end all of them once the front reaches it; {@link #awaitWhole}
   * waits for the whole length to be told. Written under this.
   */
  private volatile int arrived;
  /** Why the rest never comes; guarded by this. */
  private @Nullable DelphaException failure;

  /**
   * @param bytes the array the file arrives in
   * @param length the file's length
   * @param tailFrom where its end, there from the start, begins ({@code length} if none is)
   */
  public ArrivingInputFile(byte[] bytes, int length, int tailFrom) {
    if (length < 0 || length > bytes.length || tailFrom < 0 || tailFrom > length) {
      throw new IllegalArgumentException("length " + length + " or tail " + tailFrom + " outside 0.." + bytes.length);
    }
    this.length = length;
    this.tailFrom = tailFrom;
    this.file = new ByteArrayInputFile(bytes, length, this::await);
  }

  /** @param upTo bytes {@code [0, upTo)} are there now (a smaller count than before changes nothing) */
  public synchronized void arrived(int upTo) {
    if (upTo > arrived) {
      arrived = Math.min(upTo, length);
      notifyAll();
    }
  }

  /** @param why why the rest of the file never comes: every read waiting or to come throws it */
  public synchronized void failed(DelphaException why) {
    if (failure == null) {
      failure = why;
    }
    notifyAll();
  }

  /** @return the bytes told as there from the front */
  public int arrived() {
    return arrived;
  }

  /** Waits until every byte is there, told by {@link #arrived}; throws the arrival's failure. */
  public void awaitWhole() {
    if (arrived >= length) {
      return;
    }
    synchronized (this) {
      while (arrived < length) {
        waitForMore();
      }
    }
  }

  /** Waits until bytes {@code [from, to)} are there: before the front, or in the end, or the front reached the end. */
  private void await(long from, long to) {
    int front = arrived;
    if (to <= front || from >= tailFrom || front >= tailFrom) {
      return;
    }
    synchronized (this) {
      while (!(to <= arrived || arrived >= tailFrom)) {
        waitForMore();
      }
    }
  }

  /** Holding this: throws the failure, or waits until the arrival is told more. */
  private void waitForMore() {
    if (failure != null) {
      throw failure;
    }
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while waiting for the rest of a download");
    }
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return file.newStream();
  }

  @Override
  public String toString() {
    return "ArrivingInputFile[" + length + " bytes, " + arrived + " arrived]";
  }
}
