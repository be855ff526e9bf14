package io.delpha.sdk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.FileDecryption;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * The keys of an encrypted Parquet file, from a file the user names ({@code --keys FILE}), never from the command line
 * (where other users' {@code ps} and the shell's history see them). A properties file:
 * <pre>
 * footer = text:0123456789012345
 * column.customer.ssn = base64:MTIzNDU2Nzg5MDEyMzQ1MA==
 * aad_prefix = text:tester
 * </pre>
 * or the same as a JSON object: {@code {"footer": "...", "columns": {"customer.ssn": "..."}, "aad_prefix": "..."}}.
 * Each value says its encoding: {@code text:} (UTF-8), {@code hex:} or {@code base64:}. Keys of 16, 24 or 32 bytes.
 * Messages name the file and the entry, never a value.
 */
final class KeyFile {

  /** The largest key file read: a key takes under 100 bytes of it. */
  private static final long MAX_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyFile() {}

  /**
   * @param file the key file
   * @return the keys it gives
   * @throws picocli.CommandLine.ParameterException if it cannot be read or an entry is not a key
   */
  static FileDecryption read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw Usage.error("--keys: " + file + " has more than " + MAX_BYTES + " bytes; a key file is small");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw Usage.error("--keys: no file " + file);
    } catch (IOException e) {
      throw Usage.error("--keys: cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    return parse(text, "--keys: " + file);
  }

  /**
   * @param secrets where the secret lives
   * @param name the secret's name, its value a key file's content
   * @return the keys it gives
   * @throws picocli.CommandLine.ParameterException if an entry is not a key (the message never shows a value)
   */
  static FileDecryption fromSecret(io.delpha.sdk.core.secrets.SecretProvider secrets, String name) {
    String text = secrets.secret(name);
    if (text.length() > MAX_BYTES) {
      throw Usage.error("--keys-secret: the secret " + name + " has more than " + MAX_BYTES + " characters");
    }
    return parse(text, "--keys-secret: the secret " + name);
  }

  /** The keys a key file's text gives; {@code where} names it in messages (a file, or a secret). */
  private static FileDecryption parse(String text, String where) {
    FileDecryption.Builder keys = FileDecryption.builder();
    boolean any = false;
    if (text.stripLeading().startsWith("{")) {
      JsonNode root;
      try {
        root = JSON.readTree(text);
      } catch (IOException e) {
        throw Usage.error(where + " starts like JSON but is not a JSON object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        switch (e.getKey()) {
          case "footer" -> keys.footerKey(key(where, "footer", string(where, "footer", e.getValue())));
          case "aad_prefix" -> keys.aadPrefix(bytes(where, "aad_prefix", string(where, "aad_prefix", e.getValue())));
          case "columns" -> {
            if (!e.getValue().isObject()) {
              throw Usage.error(where + ": columns is not an object of column path to key");
            }
            for (Iterator<Map.Entry<String, JsonNode>> c = e.getValue().fields(); c.hasNext();) {
              Map.Entry<String, JsonNode> column = c.next();
              String entry = "columns." + column.getKey();
              keys.columnKey(column.getKey(), key(where, entry, string(where, entry, column.getValue())));
            }
          }
          default -> throw Usage.error(where + " has an entry '" + e.getKey() + "'; the entries are "
              + "footer, columns and aad_prefix");
        }
        any = true;
      }
    } else {
      Properties p = new Properties();
      try {
        p.load(new StringReader(text));
      } catch (IOException | IllegalArgumentException e) {
        throw Usage.error(where + " is not a properties file (or a JSON object)");
      }
      for (String name : p.stringPropertyNames()) {
        String value = p.getProperty(name).strip();
        if (name.equals("footer")) {
          keys.footerKey(key(where, name, value));
        } else if (name.equals("aad_prefix")) {
          keys.aadPrefix(bytes(where, name, value));
        } else if (name.startsWith("column.") && name.length() > "column.".length()) {
          keys.columnKey(name.substring("column.".length()), key(where, name, value));
        } else {
          throw Usage.error(where + " has an entry '" + name + "'; the entries are footer, "
              + "column.<dotted path> and aad_prefix");
        }
        any = true;
      }
    }
    if (!any) {
      throw Usage.error(where + " gives no key");
    }
    return keys.build();
  }

  private static String string(String where, String entry, JsonNode value) {
    if (!value.isTextual()) {
      throw Usage.error(where + ": " + entry + " is not a string");
    }
    return value.asText();
  }

  private static byte[] key(String where, String entry, String value) {
    byte[] key = bytes(where, entry, value);
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw Usage.error(where + ": " + entry + " is a key of " + key.length + " bytes; an AES key has 16, "
          + "24 or 32");
    }
    return key;
  }

  private static byte[] bytes(String where, String entry, String value) {
    try {
      if (value.startsWith("text:")) {
        return value.substring(5).getBytes(StandardCharsets.UTF_8);
      }
      if (value.startsWith("hex:")) {
        return HexFormat.of().parseHex(value.substring(4));
      }
      if (value.startsWith("base64:")) {
        return Base64.getDecoder().decode(value.substring(7));
      }
    } catch (IllegalArgumentException e) {
      throw Usage.error(where + ": " + entry + " is not valid " + value.substring(0, value.indexOf(':')));
    } catch (InvalidInputException e) {
      throw Usage.error(where + ": " + entry + ": " + e.getMessage());
    }
    throw Usage.error(where + ": " + entry + " says no encoding: write text:, hex: or base64: before it");
  }
}
