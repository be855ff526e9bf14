package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Z85, the base-85 encoding the Delta protocol uses for deletion vectors stored inline and for the UUIDs that
 * name deletion vector files (ZeroMQ RFC 32: every 5 characters stand for 4 bytes, big-endian).
 */
final class Z85 {

  private static final String ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  private static final byte[] DIGITS = new byte[128];

  static {
    java.util.Arrays.fill(DIGITS, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      DIGITS[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  /** The length of an encoded UUID. */
  static final int UUID_LENGTH = 20;

  private Z85() {}

  /**
   * @param encoded Z85 text whose length is a multiple of 5
   * @param length how many of the decoded bytes to keep (the encoder pads its input to a multiple of 4)
   * @return the bytes
   * @throws DataFormatException if the text is not Z85 or holds fewer than {@code length} bytes
   */
  static byte[] decode(String encoded, int length) {
    if (encoded.length() % 5 != 0) {
      throw new DataFormatException("a Z85 text has a length that is not a multiple of 5: " + encoded.length());
    }
    int decoded = encoded.length() / 5 * 4;
    if (length < 0 || length > decoded) {
      throw new DataFormatException("a Z85 text of " + encoded.length() + " characters holds " + decoded
          + " bytes, not " + length);
    }
    ByteBuffer out = ByteBuffer.allocate(decoded);
    for (int i = 0; i < encoded.length(); i += 5) {
      long value = 0;
      for (int j = i; j < i + 5; j++) {
        char c = encoded.charAt(j);
        int digit = c < 128 ? DIGITS[c] : -1;
        if (digit < 0) {
          throw new DataFormatException("a Z85 text holds a character outside its alphabet at " + j);
        }
        value = value * 85 + digit;
      }
      if (value > 0xFFFF_FFFFL) {
        throw new DataFormatException("a Z85 block decodes beyond 32 bits at " + i);
      }
      out.putInt((int) value);
    }
    byte[] all = out.array();
    return length == decoded ? all : java.util.Arrays.copyOf(all, length);
  }

  /**
   * @param encoded 20 Z85 characters
   * @return the UUID they encode (most significant bits first)
   */
  static UUID decodeUuid(String encoded) {
    if (encoded.length() != UUID_LENGTH) {
      throw new DataFormatException("an encoded UUID has " + UUID_LENGTH + " characters, not " + encoded.length());
    }
    ByteBuffer b = ByteBuffer.wrap(decode(encoded, 16));
    return new UUID(b.getLong(), b.getLong());
  }
}
