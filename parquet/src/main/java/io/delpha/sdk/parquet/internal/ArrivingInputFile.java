package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A Parquet file held in an array whose bytes arrive in order while it is read (a download): its end, from {@code
 * tailFrom} on, is there from the start (the footer, fetched first), the rest arrives from the front, told by
 * {@link #arrived}. A read of bytes not yet there waits for them, so a reader decodes each page as soon as it is in;
 * once the arrival {@link #failed fails}, every read waiting or to come throws that failure (unchecked, as is), and
 * an interrupted wait throws a {@link ServiceUnavailableException}. The array is neither copied nor changed here.
 * Thread-safe: one thread tells the arrival, others read (streams themselves are not thread-safe).
 */
public final class ArrivingInputFile implements InputFile {

  private final byte[] bytes;
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
    this.bytes = bytes;
    this.length = length;
    this.tailFrom = tailFrom;
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
    }
  }

  /** Waits until bytes {@code [from, to)} are there. */
  private void await(long from, long to) {
    int front = arrived;
    if (to > length || to <= front || from >= tailFrom || front >= tailFrom) {
      return; // there (or past the end, which the read itself refuses)
    }
    synchronized (this) {
      while (!(to <= arrived || from >= tailFrom || arrived >= tailFrom)) {
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
    }
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new SeekableInputStream() {
      private int pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void seek(long newPos) throws IOException {
        if (newPos < 0 || newPos > length) {
          throw new EOFException("seek to " + newPos + " outside 0.." + length);
        }
        pos = (int) newPos;
      }

      @Override
      public int read() {
        if (pos >= length) {
          return -1;
        }
        await(pos, pos + 1L);
        return bytes[pos++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        int n = Math.min(len, length - pos);
        if (n <= 0) {
          return -1;
        }
        await(pos, (long) pos + n);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
      }

      @Override
      public void readFully(byte[] b, int off, int len) throws IOException {
        if (len > length - pos) {
          throw new EOFException("reading " + len + " bytes at " + pos + " of " + length);
        }
        await(pos, (long) pos + len);
        System.arraycopy(bytes, pos, b, off, len);
        pos += len;
      }

      @Override
      public int read(ByteBuffer buf) {
        int n = Math.min(buf.remaining(), length - pos);
        if (n <= 0) {
          return buf.hasRemaining() ? -1 : 0;
        }
        await(pos, (long) pos + n);
        buf.put(bytes, pos, n);
        pos += n;
        return n;
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        if (n > length - pos) {
          throw new EOFException("reading " + n + " bytes at " + pos + " of " + length);
        }
        await(pos, (long) pos + n);
        buf.put(bytes, pos, n);
        pos += n;
      }
    };
  }

  @Override
  public String toString() {
    return "ArrivingInputFile[" + length + " bytes]";
  }
}
