package io.delpha.sdk.core.secrets.internal;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses JSON secrets without ever putting their text into an exception. */
public final class SecretJson {

  private static final ObjectMapper MAPPER = JsonSupport.MAPPER;

  private SecretJson() {}

  /**
   * @param text JSON text
   * @param what what the text is, for messages (a secret's name, a file), never the text itself
   * @return the parsed tree
   * @throws DataFormatException if the text is not JSON; the message and cause never quote it
   */
  public static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // no cause: Jackson's messages quote the offending input, which is a secret
      throw new DataFormatException(what + " is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    }
  }

  /**
   * @param text a JSON object's text
   * @param name the secret's name, for messages
   * @return its top-level fields: strings as they are, other values as their JSON text
   * @throws DataFormatException if the text is not a JSON object
   */
  public static Map<String, String> flatten(String text, String name) {
    JsonNode node = parse(text, "secret '" + name + "'");
    if (!node.isObject()) {
      throw new DataFormatException("secret '" + name + "' is JSON but not an object (it is a "
          + node.getNodeType().name().toLowerCase() + ")");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> fields.put(e.getKey(), text(e.getValue())));
    return Collections.unmodifiableMap(fields);
  }

  /**
   * @param value a JSON value
   * @return a string's content, or any other value's JSON text
   */
  public static String text(JsonNode value) {
    return value.isTextual() ? value.textValue() : value.toString();
  }
}
