package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.ParquetMagic;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet file held in memory: the first {@code length} bytes of an array, read in place (the array is
 * neither copied nor changed). The caller must leave the array alone until every reader of this file is
 * closed. Streams are not thread-safe; the file may open several. A file still arriving in the array ({@link
 * ArrivingInputFile}) gives a {@link Bytes} that each read waits on first.
 */
public final class ByteArrayInputFile implements InputFile {

  /** What a read waits for before it copies bytes out: nothing for a file held whole. */
  @FunctionalInterface
  interface Bytes {

    /**
     * Returns once bytes {@code [from, to)} of the file are in the array ({@code to} at most the length).
     *
     * @param from the first byte
     * @param to past the last byte
     */
    void await(long from, long to);
  }

  private static final Bytes THERE = (from, to) -> { };

  private final byte[] bytes;
  private final int length;
  private final Bytes there;

  /**
   * @param bytes the array holding the file
   * @param length how many bytes of it the file is
   */
  public ByteArrayInputFile(byte[] bytes, int length) {
    this(bytes, length, THERE);
  }

  /**
   * @param bytes the array holding the file
   * @param length how many bytes of it the file is
   * @param there what each read waits on before it copies
   */
  ByteArrayInputFile(byte[] bytes, int length, Bytes there) {
    if (length < 0 || length > bytes.length) {
      throw new IllegalArgumentException("length " + length + " outside 0.." + bytes.length);
    }
    this.bytes = bytes;
    this.length = length;
    this.there = there;
  }

  /**
   * The same as the constructor, typed as Parquet's {@code InputFile}: a class that only passes the file on (as
   * {@code ParquetRows} does) then links without Parquet on the class path until it is called, where a variable of
   * this class would make the verifier load {@code InputFile} to check the assignment.
   *
   * @param bytes the array holding the file
   * @param length how many bytes of it the file is
   * @return the file
   */
  public static InputFile of(byte[] bytes, int length) {
    return new ByteArrayInputFile(bytes, length);
  }

  /**
   * @param source the file or object, for the message
   * @param size its size in bytes
   * @return the error for content that does not start with Parquet's magic bytes
   */
  public static DataFormatException notParquet(String source, long size) {
    return new DataFormatException(source + " is not a Parquet file (" + size + " bytes, no PAR1 magic at the start)");
  }

  /** @return whether the content is long enough for Parquet and starts with its magic bytes */
  public boolean startsWithMagic() {
    return length >= ParquetMagic.MIN_FILE_BYTES && ParquetMagic.plain(bytes, 0);
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
        there.await(pos, pos + 1L);
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
        there.await(pos, (long) pos + n);
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
        there.await(pos, (long) pos + len);
        System.arraycopy(bytes, pos, b, off, len);
        pos += len;
      }

      @Override
      public int read(ByteBuffer buf) {
        int n = Math.min(buf.remaining(), length - pos);
        if (n <= 0) {
          return buf.hasRemaining() ? -1 : 0;
        }
        there.await(pos, (long) pos + n);
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
        there.await(pos, (long) pos + n);
        buf.put(bytes, pos, n);
        pos += n;
      }
    };
  }

  @Override
  public String toString() {
    return "ByteArrayInputFile[" + length + " bytes]";
  }
}
