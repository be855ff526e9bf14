package io.delpha.sdk.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parquet's magic bytes, at both ends of a file: {@code PAR1}, or {@code PARE} for a file whose footer is encrypted
 * (modular encryption). The one place they are spelled: every check of a file's ends, and every sniff of a file's
 * first bytes (an upload's content), goes through here.
 */
public final class ParquetMagic {

  /** The magic's length in bytes. */
  public static final int LENGTH = 4;
  /** The fewest bytes a Parquet file has: the magic, a footer length, the magic. */
  public static final int MIN_FILE_BYTES = 12;

  private static final byte[] PLAIN = {'P', 'A', 'R', '1'};
  private static final byte[] ENCRYPTED = {'P', 'A', 'R', 'E'};

  private ParquetMagic() {}

  /**
   * @param bytes where to look
   * @param at the magic's first byte
   * @return whether {@code PAR1} is at {@code at} ({@code false} if the array ends before)
   */
  public static boolean plain(byte[] bytes, int at) {
    return is(PLAIN, bytes, at);
  }

  /**
   * @param bytes where to look
   * @param at the magic's first byte
   * @return whether {@code PARE} (an encrypted footer's file) is at {@code at} ({@code false} if the array ends
   *     before)
   */
  public static boolean encrypted(byte[] bytes, int at) {
    return is(ENCRYPTED, bytes, at);
  }

  private static boolean is(byte[] magic, byte[] bytes, int at) {
    return at >= 0 && at <= bytes.length - LENGTH && Arrays.equals(bytes, at, at + LENGTH, magic, 0, LENGTH);
  }

  /**
   * @param bytes a file's first or last four bytes
   * @return them as text, for a message
   */
  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
