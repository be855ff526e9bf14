package io.delpha.sdk.sharing.internal;

import java.nio.ByteBuffer;

/**
 * The tests' Z85 encoder (ZeroMQ RFC 32), written from the RFC apart from the library's decoder: the text of
 * Delta's inline deletion vectors and UUIDs, as a sharing server sends them.
 */
public final class Z85Text {

  private static final String ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

  private Z85Text() {}

  /** Encodes bytes as Delta's inline vectors do: padded with zeros to a multiple of 4, then Z85. */
  public static String encode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.allocate((bytes.length + 3) / 4 * 4).put(bytes);
    b.rewind();
    StringBuilder out = new StringBuilder();
    while (b.hasRemaining()) {
      long v = Integer.toUnsignedLong(b.getInt());
      char[] five = new char[5];
      for (int i = 4; i >= 0; i--) {
        five[i] = ALPHABET.charAt((int) (v % 85));
        v /= 85;
      }
      out.append(five);
    }
    return out.toString();
  }

  /** @return the value of one Z85 character, or -1 if it is not one */
  public static int digit(char c) {
    return ALPHABET.indexOf(c);
  }
}
