package io.delpha.sdk.parquet.internal.variant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** UTF-8 checks: the format requires every string and key to be valid UTF-8. */
public final class Utf8 {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** The high bit of each of eight bytes: zero in all eight when they are ASCII. */
  private static final long ASCII_MASK = 0x8080808080808080L;

  private Utf8() {}

  /**
   * @param b bytes
   * @param from the first index
   * @param to the index after the last
   * @return whether {@code b[from, to)} is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
   *     above U+10FFFF)
   */
  public static boolean isValid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      // eight ASCII bytes at a time: most keys and strings are ASCII
      while (to - i >= Long.BYTES && ((long) LONGS.get(b, i) & ASCII_MASK) == 0) {
        i += Long.BYTES;
      }
      if (i == to) {
        break;
      }
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      int cp;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
        cp = c & 0x1F;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
        cp = c & 0x0F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
        cp = c & 0x07;
      } else {
        return false;
      }
      if (to - i <= n) { // fewer continuation bytes than the lead byte announces
        return false;
      }
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  /**
   * @param b bytes
   * @param from the first index
   * @param to the index after the last
   * @return whether every byte of {@code b[from, to)} is ASCII (below 0x80), so that any range within it is valid
   *     UTF-8
   */
  public static boolean isAscii(byte[] b, int from, int to) {
    int i = from;
    long high = 0;
    for (; to - i >= Long.BYTES; i += Long.BYTES) {
      high |= (long) LONGS.get(b, i);
    }
    for (; i < to; i++) {
      high |= b[i];
    }
    return (high & ASCII_MASK) == 0;
  }

  /**
   * @param s a string
   * @return its UTF-8 bytes, or {@code null} when it holds an unpaired surrogate (which no valid UTF-8 holds)
   */
  public static byte @Nullable [] encode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return null;
      }
      if (Character.isLowSurrogate(c)) {
        return null;
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param s a string
   * @return the string in quotes, cut to 40 characters, for a message
   */
  static String excerpt(String s) {
    return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
  }
}
