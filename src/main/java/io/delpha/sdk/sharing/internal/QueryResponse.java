package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.TableMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed metadata, query or changes answer in the parquet response format.
 *
 * @param metadata the table's metadata
 * @param files the file actions ({@code file}, or {@code add}/{@code cdf}/{@code remove} for changes)
 */
public record QueryResponse(TableMetadata metadata, List<FileAction> files) {

  /** The reader version of the protocol this client implements. */
  public static final int READER_VERSION = 1;

  /**
   * A data file to download.
   *
   * @param kind {@code file}, {@code add}, {@code cdf} or {@code remove}
   * @param url the presigned URL
   * @param id the file's stable identifier
   * @param partitionValues partition column to serialised value
   * @param size bytes
   * @param expirationTimestamp when the URL expires (epoch ms), {@code null} if unknown
   * @param version the table version of the change, {@code null} outside change data feed
   * @param timestamp the commit time of the change (epoch ms), {@code null} outside change data feed
   */
  public record FileAction(String kind, String url, String id, Map<String, String> partitionValues, long size,
      @Nullable Long expirationTimestamp, @Nullable Long version, @Nullable Long timestamp) {

    /**
     * @param url a fresh presigned URL
     * @param expirationTimestamp its expiry, may be {@code null}
     * @return this file with the new URL
     */
    public FileAction withUrl(String url, Long expirationTimestamp) {
      return new FileAction(kind, url, id, partitionValues, size, expirationTimestamp, version, timestamp);
    }

    @Override
    public String toString() {
      return kind + " " + id; // the URL carries a signature: keep it out of logs and messages
    }
  }

  /**
   * @param answer the NDJSON answer
   * @param table the table, for messages
   * @return the parsed answer
   * @throws DataFormatException if the answer is in delta format, needs a newer reader, or is malformed
   * @throws DelphaException the typed error an {@code endStreamAction} reports
   */
  public static QueryResponse parse(SharingHttp.NdJson answer, String table) {
    String format = answer.capabilities().getOrDefault("responseformat", "parquet");
    if (!format.equals("parquet")) {
      throw new DataFormatException("the sharing server answered " + table + " in responseformat=" + format
          + " although parquet was requested; this client reads the parquet format only");
    }
    boolean endPromised = "true".equals(answer.capabilities().get("includeendstreamaction"));
    TableMetadata metadata = null;
    List<FileAction> files = new ArrayList<>();
    boolean ended = false;
    for (Iterator<JsonNode> it = answer.lines().iterator(); it.hasNext(); ) {
      JsonNode line = it.next();
      if (line.has("protocol")) {
        JsonNode protocol = line.get("protocol");
        if (protocol.has("deltaProtocol")) {
          throw new DataFormatException("the sharing server answered " + table
              + " in delta format although parquet was requested");
        }
        int min = protocol.path("minReaderVersion").asInt(1);
        if (min > READER_VERSION) {
          throw new DataFormatException(table + " needs a Delta Sharing reader of version " + min
              + "; this client implements version " + READER_VERSION);
        }
      } else if (line.has("metaData")) {
        JsonNode m = line.get("metaData");
        if (m.has("deltaMetadata")) {
          throw new DataFormatException("the sharing server answered " + table
              + " in delta format although parquet was requested");
        }
        if (metadata == null) { // later metaData lines are historical (change data feed)
          metadata = metadata(m, answer.version(), table);
        }
      } else if (line.has("endStreamAction")) {
        JsonNode end = line.get("endStreamAction");
        String error = text(end, "errorMessage");
        if (error != null) {
          int status = end.path("httpStatusErrorCode").asInt(500);
          throw SharingHttp.error(status, "{\"errorCode\":\"END_STREAM_ERROR\",\"message\":"
              + com.fasterxml.jackson.databind.node.TextNode.valueOf(error) + "}",
              "the query of " + table + " (reported mid-stream)",
              java.net.http.HttpHeaders.of(java.util.Map.of(), (name, value) -> true), 1);
        }
        ended = true;
      } else {
        for (String kind : List.of("file", "add", "cdf", "remove")) {
          if (line.has(kind)) {
            files.add(file(kind, line.get(kind), table));
          }
        }
      }
    }
    if (metadata == null) {
      throw new DataFormatException("the sharing server's answer for " + table + " has no metaData line");
    }
    if (endPromised && !ended) {
      throw new ServiceUnavailableException("the sharing server's answer for " + table
          + " ended without its endStreamAction: the response was cut short");
    }
    return new QueryResponse(metadata, files);
  }

  private static TableMetadata metadata(JsonNode m, long version, String table) {
    String provider = m.path("format").path("provider").asText("parquet");
    if (!provider.equals("parquet")) {
      throw new DataFormatException(table + " stores its files as " + provider + "; only parquet is supported");
    }
    RowSchema schema = SparkSchema.toRowSchema(text(m, "schemaString"), table);
    List<String> partitions = new ArrayList<>();
    m.path("partitionColumns").forEach(p -> partitions.add(p.asText()));
    for (String p : partitions) {
      if (schema.indexOf(p).isEmpty()) {
        throw new DataFormatException("partition column " + p + " of " + table + " is not in its schema");
      }
    }
    Map<String, String> configuration = new HashMap<>();
    m.path("configuration").fields().forEachRemaining(e -> configuration.put(e.getKey(), e.getValue().asText()));
    String id = text(m, "id");
    if (id == null) {
      throw new DataFormatException("the metaData line of " + table + " has no id");
    }
    return new TableMetadata(id, text(m, "name"), text(m, "description"), schema, partitions,
        configuration, m.has("version") ? m.get("version").asLong() : version);
  }

  private static FileAction file(String kind, JsonNode f, String table) {
    String url = text(f, "url");
    String id = text(f, "id");
    if (url == null || id == null) {
      throw new DataFormatException("a " + kind + " line of " + table + " has no url or id");
    }
    Map<String, String> partitions = new HashMap<>();
    f.path("partitionValues").fields().forEachRemaining(e ->
        partitions.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    return new FileAction(kind, url, id, partitions, f.path("size").asLong(-1),
        f.hasNonNull("expirationTimestamp") ? f.get("expirationTimestamp").asLong() : null,
        f.hasNonNull("version") ? f.get("version").asLong() : null,
        f.hasNonNull("timestamp") ? f.get("timestamp").asLong() : null);
  }

  /**
   * @param node a JSON object
   * @param field a field name
   * @return the field's text, or {@code null} when it is missing or JSON null
   */
  public static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
