package io.delpha.sdk.core.storage.internal;

import io.delpha.sdk.core.InvalidInputException;

/** Validation of object keys and prefixes, shared by every {@code ObjectStore}. */
public final class Keys {

  private Keys() {}

  /**
   * @param key a key
   * @return the key, if it is relative, {@code /}-separated, without empty, {@code .} or {@code ..}
   *     segments, backslashes or control characters
   * @throws InvalidInputException otherwise
   */
  public static String requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException("an object key must not be empty");
    }
    if (key.endsWith("/")) {
      throw new InvalidInputException("object key '" + key + "' ends with '/': that names a folder, not an object");
    }
    checkSegments(key, key);
    return key;
  }

  /**
   * @param prefix a listing prefix; empty means everything
   * @return the prefix, if it is safe (the same rules as keys; a trailing {@code /} is allowed)
   * @throws InvalidInputException otherwise
   */
  public static String requirePrefix(String prefix) {
    if (prefix == null) {
      throw new InvalidInputException("a prefix must not be null; use \"\" for every key");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (body.isEmpty()) {
      throw new InvalidInputException("prefix '/' is absolute; use \"\" for every key");
    }
    checkSegments(prefix, body);
    return prefix;
  }

  private static void checkSegments(String original, String body) {
    if (body.startsWith("/")) {
      throw new InvalidInputException("object key '" + original + "' is absolute; keys are relative to the store");
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        throw new InvalidInputException("object key '" + printable(original)
            + "' contains a backslash or control character");
      }
    }
    for (String segment : body.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidInputException("object key '" + original
            + "' has an empty, '.' or '..' segment; keys may not escape or alias the store's root");
      }
    }
  }

  private static String printable(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }
}
