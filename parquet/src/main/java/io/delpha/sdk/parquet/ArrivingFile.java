package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.parquet.internal.ArrivingInputFile;
import io.delpha.sdk.core.internal.ParquetMagic;
import org.apache.parquet.io.InputFile;

/**
 * A Parquet file read while it is still being downloaded into an array: its end (the footer, fetched first with a
 * ranged request) is in the array from the start, its front arrives in order and is told by {@link #arrived(int)}.
 * A reader of it ({@link ParquetRows#readBatches(ArrivingFile, String, ReadOptions)}) decodes each page as soon as its
 * bytes are in and waits for the others, so the decode of a file follows its download instead of starting after its
 * last byte. Once the download {@link #failed fails}, every read waiting or to come throws that failure as it is. The
 * bytes told as arrived, and the end, must not change until every reader is closed. Thread-safe: one thread tells the
 * arrival, readers read on others.
 */
public final class ArrivingFile {

  private final ArrivingInputFile input;

  /**
   * @param content the array the file arrives in; its bytes from {@code tailFrom} to {@code length} are there now
   * @param length the file's length
   * @param tailFrom where the end that is there from the start begins ({@code length} if none is)
   * @throws IllegalArgumentException if {@code length} is outside {@code 0..content.length}, or {@code tailFrom}
   *     outside {@code 0..length}
   */
  public ArrivingFile(byte[] content, int length, int tailFrom) {
    this.input = new ArrivingInputFile(content, length, tailFrom);
  }

  /**
   * @param end a file's last bytes, as {@link #holdsFooter} accepts them
   * @return how many of them are the footer: its length, the 4 bytes of that length and the magic
   * @throws IllegalArgumentException if they do not hold the footer
   */
  public static int footerBytes(byte[] end) {
    if (!holdsFooter(end)) {
      throw new IllegalArgumentException("the bytes do not hold a whole footer");
    }
    int n = end.length;
    return 8 + ((end[n - 8] & 0xff) | (end[n - 7] & 0xff) << 8 | (end[n - 6] & 0xff) << 16 | (end[n - 5] & 0xff) << 24);
  }

  /**
   * Waits until the whole file is there: what a reader of it does before it says it has read every row, so that a
   * download that fails, or whose end turns out not to be the file's, ends the read with that failure however
   * little of the file the read needed.
   *
   * @throws DelphaException the download's failure
   * @throws io.delpha.sdk.core.ServiceUnavailableException if the thread is interrupted while it waits
   */
  public void awaitWhole() {
    input.awaitWhole();
  }

  /**
   * @param end a file's last bytes
   * @return whether they hold its whole plain footer: the {@code PAR1} magic last, and before it the footer's length,
   *     which with those 8 bytes fits in {@code end} (so a reader of an {@code ArrivingFile} whose end is these bytes
   *     opens without waiting for its front)
   */
  public static boolean holdsFooter(byte[] end) {
    int n = end.length;
    if (n < 8 || !ParquetMagic.plain(end, n - ParquetMagic.LENGTH)) {
      return false;
    }
    long footer = (end[n - 8] & 0xffL) | (end[n - 7] & 0xffL) << 8 | (end[n - 6] & 0xffL) << 16
        | (end[n - 5] & 0xffL) << 24;
    return footer + 8 <= n;
  }

  /**
   * @param upTo the bytes {@code [0, upTo)} are in the array now; once they reach the end that was there from the
   *     start, every byte is there to read, and {@link #awaitWhole} returns once {@code upTo} is the file's length (a
   *     smaller count than told before changes nothing)
   */
  public void arrived(int upTo) {
    input.arrived(upTo);
  }

  /** @return how many bytes from the front were told as there */
  public int arrived() {
    return input.arrived();
  }

  /**
   * @param why why the rest of the file never comes: every read waiting for it, or to come, throws this
   */
  public void failed(DelphaException why) {
    input.failed(why);
  }

  /** @return the file's length */
  int length() {
    return (int) input.getLength();
  }

  /** @return the file as Parquet reads it */
  InputFile input() {
    return input;
  }

  @Override
  public String toString() {
    return "ArrivingFile[" + input.getLength() + " bytes, " + arrived() + " arrived]";
  }
}
