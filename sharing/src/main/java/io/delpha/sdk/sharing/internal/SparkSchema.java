package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.internal.engines.Spark;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Converts the protocol's {@code schemaString} (a Spark SQL struct in JSON, Delta's schema serialisation) to a
 * {@link RowSchema}: primitive types, structs, arrays and maps at any depth; {@code timestamp_ntz} is a
 * {@code LOCAL_TIMESTAMP}. Under column mapping the logical schema and the physical one (the names in the data
 * files) have the same shape. The JSON is the sharing server's: it is parsed under the client's {@link
 * ResponseLimits} (fields per struct at most {@code maxItems}, {@code maxTokens}, {@code maxJsonDepth}), and the
 * names and types a message quotes are quoted through {@link Peers#echo}.
 */
public final class SparkSchema {

  private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  private SparkSchema() {}

  /** The table property naming a table's column mapping mode ({@code none}, {@code name} or {@code id}). */
  public static final String MAPPING_MODE = "delta.columnMapping.mode";
  /** The field metadata key of a column's physical name under column mapping. */
  public static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

  /**
   * @param schemaString the struct JSON
   * @param table the table, for messages
   * @param limits the limits it is parsed under
   * @return the row schema in the table's logical names
   * @throws DataFormatException if it is not a struct, or a column has a type we cannot represent
   * @throws ResponseLimitException if the JSON breaks a limit
   */
  public static RowSchema toRowSchema(@Nullable String schemaString, String table, ResponseLimits limits) {
    return struct(root(schemaString, table, limits), table, false);
  }

  /**
   * The table's schema in the names its data files use: under column mapping ({@code name} or {@code id} mode)
   * each field's {@code delta.columnMapping.physicalName}, at every depth; otherwise the logical names. It has
   * the shape of {@link #toRowSchema}'s answer, field for field.
   *
   * @param schemaString the struct JSON
   * @param table the table, for messages
   * @param limits the limits it is parsed under
   * @return the physical schema
   * @throws DataFormatException as {@link #toRowSchema}, or if a mapped field has no physical name
   */
  public static RowSchema toPhysicalSchema(@Nullable String schemaString, String table, ResponseLimits limits) {
    return struct(root(schemaString, table, limits), table, true);
  }

  private static JsonNode root(@Nullable String schemaString, String table, ResponseLimits limits) {
    JsonNode root;
    try {
      root = BoundedBody.parseJson(schemaString == null ? "" : schemaString, "the schemaString of " + table, limits);
    } catch (ResponseLimitException e) {
      throw e;
    } catch (DataFormatException e) {
      throw new DataFormatException("the schemaString of " + table + " is not JSON", e);
    }
    if (root == null || !"struct".equals(root.path("type").asText()) || !root.path("fields").isArray()) {
      throw new DataFormatException("the schemaString of " + table + " is not a Spark struct type");
    }
    return root;
  }

  private static RowSchema struct(JsonNode struct, String table, boolean physical) {
    List<Column> columns = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode field : struct.get("fields")) {
      String name = field.path("name").asText(null);
      if (name == null || name.isEmpty()) {
        throw new DataFormatException("a field of " + table + "'s schema has no name");
      }
      if (physical) {
        String p = field.path("metadata").path(PHYSICAL_NAME).asText(null);
        if (p != null && !p.isEmpty()) {
          name = p;
        }
      }
      if (!seen.add(name)) {
        throw new DataFormatException("the schema of " + table + " names the field " + Peers.echo(name) + " twice");
      }
      JsonNode type = field.get("type");
      if (type == null) {
        throw new DataFormatException("column " + Peers.echo(name) + " of " + table + " has no type");
      }
      columns.add(new Column(name, type(type, name, table, physical), field.path("nullable").asBoolean(true)));
    }
    return new RowSchema(columns);
  }

  private static ColumnType type(JsonNode type, String column, String table, boolean physical) {
    if (type.isTextual()) {
      return columnType(type.asText(), column, table);
    }
    String kind = type.path("type").asText("");
    switch (kind) {
      case "struct":
        if (!type.path("fields").isArray() || type.get("fields").isEmpty()) {
          throw new DataFormatException("column " + Peers.echo(column) + " of " + table
              + " is a struct with no fields");
        }
        return ColumnType.struct(struct(type, table, physical));
      case "array": {
        JsonNode element = type.get("elementType");
        if (element == null) {
          throw new DataFormatException("column " + Peers.echo(column) + " of " + table
              + " is an array with no elementType");
        }
        return ColumnType.list(type(element, column, table, physical), type.path("containsNull").asBoolean(true));
      }
      case "map": {
        JsonNode key = type.get("keyType");
        JsonNode value = type.get("valueType");
        if (key == null || value == null) {
          throw new DataFormatException("column " + Peers.echo(column) + " of " + table
              + " is a map without keyType or valueType");
        }
        return ColumnType.map(type(key, column, table, physical), type(value, column, table, physical),
            type.path("valueContainsNull").asBoolean(true));
      }
      default:
        throw new DataFormatException("column " + Peers.echo(column) + " of " + table + " has the unsupported type '"
            + Peers.echo(kind.isEmpty() ? type.toString() : kind) + "'");
    }
  }

  /**
   * @param sparkType a primitive Spark type name
   * @param column the column, for messages
   * @param table the table, for messages
   * @return our column type
   */
  public static ColumnType columnType(String sparkType, String column, String table) {
    String t = sparkType.trim().toLowerCase(Locale.ROOT);
    @Nullable ColumnType alias = switch (t) { // Spark's narrower types, widened exactly, and its other names
      case "char", "varchar" -> ColumnType.STRING;
      case "short", "byte" -> ColumnType.INT;
      case "float" -> ColumnType.DOUBLE;
      case "decimal" -> ColumnType.decimal(10, 0); // Spark's default precision and scale
      default -> null;
    };
    if (alias != null) {
      return alias;
    }
    @Nullable ColumnType primitive = Spark.primitive(t);
    if (primitive != null) {
      return primitive;
    }
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      String what = "the precision or scale of column " + Peers.echo(column) + " of " + table;
      int precision = PeerNumbers.parseInt(m.group(1), 1, 38, what);
      int scale = PeerNumbers.parseInt(m.group(2), 0, 38, what);
      if (scale > precision) {
        throw new DataFormatException("column " + Peers.echo(column) + " of " + table + " has type "
            + Peers.echo(sparkType) + ": precision must be 1..38 and scale 0..precision");
      }
      return ColumnType.decimal(precision, scale);
    }
    throw new DataFormatException("column " + Peers.echo(column) + " of " + table + " has the unsupported type '"
        + Peers.echo(sparkType) + "'");
  }
}
