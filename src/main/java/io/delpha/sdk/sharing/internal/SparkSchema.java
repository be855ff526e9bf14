package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Converts the protocol's {@code schemaString} (a Spark SQL struct in JSON) to a {@link RowSchema}. */
public final class SparkSchema {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  private SparkSchema() {}

  /**
   * @param schemaString the struct JSON
   * @param table the table, for messages
   * @return the row schema
   * @throws DataFormatException if it is not a struct, or a column has a type we cannot represent
   *     (struct, array, map)
   */
  public static RowSchema toRowSchema(@Nullable String schemaString, String table) {
    JsonNode root;
    try {
      root = JSON.readTree(schemaString == null ? "" : schemaString);
    } catch (JsonProcessingException e) {
      throw new DataFormatException("the schemaString of " + table + " is not JSON", e);
    }
    if (root == null || !"struct".equals(root.path("type").asText()) || !root.path("fields").isArray()) {
      throw new DataFormatException("the schemaString of " + table + " is not a Spark struct type");
    }
    List<Column> columns = new ArrayList<>();
    for (JsonNode field : root.get("fields")) {
      String name = field.path("name").asText(null);
      if (name == null || name.isEmpty()) {
        throw new DataFormatException("a field of " + table + "'s schema has no name");
      }
      JsonNode type = field.get("type");
      if (type == null || !type.isTextual()) {
        String kind = type == null ? "no" : type.path("type").asText("an unknown");
        throw new DataFormatException("column " + name + " of " + table + " has " + kind
            + " type; only primitive columns are supported (no struct, array or map)");
      }
      columns.add(new Column(name, columnType(type.asText(), name, table), field.path("nullable").asBoolean(true)));
    }
    return new RowSchema(columns);
  }

  /**
   * @param sparkType a primitive Spark type name
   * @param column the column, for messages
   * @param table the table, for messages
   * @return our column type
   */
  public static ColumnType columnType(String sparkType, String column, String table) {
    String t = sparkType.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "string":
      case "char":
      case "varchar":
        return ColumnType.STRING;
      case "long":
        return ColumnType.LONG;
      case "integer":
      case "short":
      case "byte":
        return ColumnType.INT;
      case "double":
      case "float":
        return ColumnType.DOUBLE;
      case "boolean":
        return ColumnType.BOOLEAN;
      case "date":
        return ColumnType.DATE;
      case "timestamp":
      case "timestamp_ntz":
        return ColumnType.TIMESTAMP;
      case "binary":
        return ColumnType.BYTES;
      case "decimal":
        return ColumnType.decimal(10, 0); // Spark's default precision and scale
      default:
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
          int precision = Integer.parseInt(m.group(1));
          int scale = Integer.parseInt(m.group(2));
          if (precision < 1 || precision > 38 || scale > precision) {
            throw new DataFormatException("column " + column + " of " + table + " has type " + sparkType
                + ": precision must be 1..38 and scale 0..precision");
          }
          return ColumnType.decimal(precision, scale);
        }
        throw new DataFormatException("column " + column + " of " + table + " has the unsupported type '"
            + sparkType + "'");
    }
  }
}
