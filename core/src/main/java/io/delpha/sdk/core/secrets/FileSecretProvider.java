package io.delpha.sdk.core.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.secrets.internal.SecretJson;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Secrets from a local file, read once when the provider is made: a JSON object ({@code .json}), whose
 * string fields are secrets and whose object fields are JSON secrets, or a Java properties file (any
 * other name).
 *
 * <pre>{@code
 * // secrets.json: {"salesforce-token": "...", "totesys-db": {"user": "...", "password": "..."}}
 * SecretProvider file = SecretProvider.fromFile(Path.of("secrets.json"));
 * Map<String, String> db = file.json("totesys-db");
 * }</pre>
 */
public final class FileSecretProvider implements SecretProvider {

  private final Path file;
  private final Map<String, String> secrets;

  private FileSecretProvider(Path file, Map<String, String> secrets) {
    this.file = file;
    this.secrets = secrets;
  }

  /**
   * @param file a {@code .json} or properties file
   * @return a provider over its secrets
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it cannot be parsed (the message never quotes its content)
   */
  public static FileSecretProvider of(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("secrets file " + file + " does not exist");
    } catch (IOException e) {
      throw new DelphaException("cannot read secrets file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    if (file.getFileName().toString().toLowerCase().endsWith(".json")) {
      JsonNode root = SecretJson.parse(text, "secrets file " + file);
      if (!root.isObject()) {
        throw new DataFormatException("secrets file " + file + " must hold a JSON object of named secrets");
      }
      root.fields().forEachRemaining(e -> secrets.put(e.getKey(), SecretJson.text(e.getValue())));
    } else {
      Properties properties = new Properties();
      try (Reader reader = new StringReader(text)) {
        properties.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        throw new DataFormatException("secrets file " + file + " is not a valid properties file");
      }
      properties.stringPropertyNames().forEach(k -> secrets.put(k, properties.getProperty(k)));
    }
    return new FileSecretProvider(file, Map.copyOf(secrets));
  }

  @Override
  public String secret(String name) {
    String value = secrets.get(name);
    if (value == null) {
      throw new NotFoundException("no secret '" + name + "' in secrets file " + file);
    }
    return value;
  }

  @Override
  public String toString() {
    return "FileSecretProvider[" + file + ", " + secrets.size() + " secrets]";
  }
}
