package io.delpha.sdk.ingest;

import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.InvalidInputException;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a customer may upload in one go (file count, sizes, extensions), read from a JSON configuration:
 *
 * <pre>{@code
 * IngestionConstraints c = IngestionConstraints.fromJson(
 *     "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}");
 * }</pre>
 *
 * @param formats the accepted file extensions, lower case with their dot, e.g. {@code .csv}
 * @param numberFiles the most files one upload may hold
 * @param maxFileKib the largest accepted file, in KiB ({@code data_sizes}: 4096 accepts files up to 4 MiB)
 */
public record IngestionConstraints(Set<String> formats, int numberFiles, long maxFileKib) {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** Validates and normalizes the extensions to lower case with a leading dot. */
  public IngestionConstraints {
    Objects.requireNonNull(formats, "formats");
    if (formats.isEmpty()) {
      throw new InvalidInputException("constraints need at least one format, e.g. [\".csv\"]");
    }
    Set<String> normalized = new LinkedHashSet<>();
    for (String f : formats) {
      if (f == null || f.isBlank() || !f.strip().replaceFirst("^\\.", "").matches("[A-Za-z0-9]+")) {
        throw new InvalidInputException("a format is a file extension such as \".csv\", got '" + f + "'");
      }
      String e = f.strip().toLowerCase(Locale.ROOT);
      normalized.add(e.startsWith(".") ? e : "." + e);
    }
    formats = Set.copyOf(normalized);
    if (numberFiles < 1) {
      throw new InvalidInputException("number_files must be at least 1, got " + numberFiles);
    }
    if (maxFileKib < 1) {
      throw new InvalidInputException("data_sizes (KiB) must be at least 1, got " + maxFileKib);
    }
  }

  /**
   * Reads the original service's JSON shape: {@code {"formats":[".csv"],"number_files":10,"data_sizes":4096}}.
   *
   * @param json the document
   * @return the constraints
   * @throws InvalidInputException if the document is not that shape
   */
  public static IngestionConstraints fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(Objects.requireNonNull(json, "json"));
    } catch (IOException e) {
      throw new InvalidInputException("constraints are not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("constraints must be a JSON object with formats, number_files, data_sizes");
    }
    JsonNode formats = root.get("formats");
    JsonNode count = root.get("number_files");
    JsonNode size = root.get("data_sizes");
    if (formats == null || !formats.isArray() || count == null || !count.canConvertToInt()
        || size == null || !size.canConvertToLong() || !count.isIntegralNumber() || !size.isIntegralNumber()) {
      throw new InvalidInputException("constraints need \"formats\" (array of extensions), \"number_files\" "
          + "(integer) and \"data_sizes\" (integer, KiB); got " + Peers.echo(root.toString()));
    }
    Set<String> f = new LinkedHashSet<>();
    formats.forEach(n -> f.add(n.asText()));
    return new IngestionConstraints(f, count.intValue(), size.longValue());
  }

  /**
   * @return the constraints in the original service's JSON shape
   */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode f = o.putArray("formats");
    formats.stream().sorted().forEach(f::add);
    o.put("number_files", numberFiles);
    o.put("data_sizes", maxFileKib);
    return o.toString();
  }

  /**
   * @return the largest accepted file in bytes, {@code Long.MAX_VALUE} when {@code maxFileKib} KiB are more (a
   *     limit that large is no limit; the product is never let overflow into a negative one)
   */
  public long maxFileBytes() {
    return maxFileKib > Long.MAX_VALUE / 1024 ? Long.MAX_VALUE : maxFileKib * 1024;
  }
}
