package io.delpha.sdk.sharing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds Delta Sharing protocol answers exactly as PROTOCOL.md shapes them (one JSON object per
 * NDJSON line: {@code protocol}, {@code metaData} with a Spark {@code schemaString}, {@code file}), and
 * Parquet data files written by our own writer.
 */
public final class SharingFixture {

  public static final ObjectMapper JSON = new ObjectMapper();

  private SharingFixture() {}

  /** A Spark struct field. */
  public record Field(String name, String type, boolean nullable) {}

  public static String schemaString(List<Field> fields) {
    ObjectNode root = JSON.createObjectNode().put("type", "struct");
    ArrayNode array = root.putArray("fields");
    for (Field f : fields) {
      array.addObject().put("name", f.name()).put("type", f.type()).put("nullable", f.nullable())
          .putObject("metadata");
    }
    return root.toString();
  }

  public static String protocolLine() {
    return "{\"protocol\":{\"minReaderVersion\":1}}";
  }

  public static String metadataLine(String schemaString, List<String> partitionColumns) {
    ObjectNode m = JSON.createObjectNode();
    ObjectNode meta = m.putObject("metaData");
    meta.put("id", "f8d5c169-3d01-4ca3-ad9e-7dc3355aedb2");
    meta.putObject("format").put("provider", "parquet");
    meta.put("schemaString", schemaString);
    ArrayNode parts = meta.putArray("partitionColumns");
    partitionColumns.forEach(parts::add);
    meta.putObject("configuration").put("enableChangeDataFeed", "true");
    return m.toString();
  }

  public static String fileLine(String kind, String url, String id, Map<String, String> partitionValues, long size,
      Long expirationTimestamp, Long version, Long timestamp, Long numRecords) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode f = line.putObject(kind);
    f.put("url", url).put("id", id);
    ObjectNode pv = f.putObject("partitionValues");
    partitionValues.forEach(pv::put);
    f.put("size", size);
    if (numRecords != null) {
      f.put("stats", "{\"numRecords\":" + numRecords + "}");
    }
    if (expirationTimestamp != null) {
      f.put("expirationTimestamp", expirationTimestamp);
    }
    if (version != null) {
      f.put("version", version);
    }
    if (timestamp != null) {
      f.put("timestamp", timestamp);
    }
    return line.toString();
  }

  public static String endStreamLine(String errorMessage, Integer status) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode end = line.putObject("endStreamAction");
    end.putNull("refreshToken");
    end.putNull("nextPageToken");
    end.put("minUrlExpirationTimestamp", System.currentTimeMillis() + 3_600_000);
    if (errorMessage != null) {
      end.put("errorMessage", errorMessage);
      end.put("httpStatusErrorCode", status);
    }
    return line.toString();
  }

  public static String ndjson(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  public static String error(String code, String message) {
    return JSON.createObjectNode().put("errorCode", code).put("message", message).toString();
  }

  public static String page(String itemsField, List<Map<String, String>> items, String nextPageToken) {
    ObjectNode page = JSON.createObjectNode();
    if (itemsField != null) {
      ArrayNode array = page.putArray(itemsField);
      for (Map<String, String> item : items) {
        ObjectNode o = array.addObject();
        item.forEach(o::put);
      }
    }
    if (nextPageToken != null) {
      page.put("nextPageToken", nextPageToken);
    }
    return page.toString();
  }

  public static byte[] parquet(Path dir, RowSchema schema, List<Row> rows) {
    try {
      Path file = Files.createTempFile(dir, "part-", ".parquet");
      Files.delete(file);
      try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
        rows.forEach(w::write);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  public static <T> List<T> drain(java.util.Iterator<T> it) {
    List<T> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
