package io.delpha.sdk.parquet.internal.engines;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * DuckDB and the row model: each column type's DuckDB type, the expressions and reads that give its values back
 * exactly, and SQL text made from our values (quoted identifiers, string and typed literals). A scalar kind's part is
 * its declaration's ({@code ScalarKind#duckDbType}, {@code duckDbSelect}, {@code duckDbValue}); LIST, MAP and STRUCT
 * are composed here.
 */
public final class DuckDbSql {

  private static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private DuckDbSql() {}

  /**
   * @param type a column type of the core row model
   * @param column the column, for messages
   * @param table the table, for messages
   * @return the DuckDB type that holds it exactly (TIMESTAMP, an instant, is {@code TIMESTAMPTZ})
   */
  public static String type(ColumnType type, String column, String table) {
    return switch (type.kind()) {
      case LIST -> type(type.element().type(), column, table) + "[]";
      case MAP -> "MAP(" + type(type.key().type(), column, table) + ", " + type(type.value().type(), column, table)
          + ")";
      case STRUCT -> {
        StringBuilder b = new StringBuilder("STRUCT(");
        for (int i = 0; i < type.fields().size(); i++) {
          b.append(i == 0 ? "" : ", ").append(identifier(type.fields().column(i).name())).append(' ')
              .append(type(type.fields().column(i).type(), column, table));
        }
        yield b.append(')').toString();
      }
      default -> ScalarKind.of(type).duckDbType(type);
    };
  }

  /**
   * What to select from a DuckDB column so that {@link #value} gives back the row model's value exactly: the
   * column itself, dates as their ISO text, timestamps as epoch microseconds.
   *
   * @param type the column's type
   * @param column the column's DuckDB identifier
   * @return the expression, or {@code null} for a type whose values are not read back exactly from DuckDB here
   *     (times, binary and nested values: read them otherwise)
   */
  public static @Nullable String exactSelect(ColumnType type, String column) {
    return type.kind().isNested() ? null : ScalarKind.of(type).duckDbSelect(column);
  }

  /**
   * @param rs a result positioned on a row
   * @param i the position of an {@link #exactSelect} expression
   * @param type the selected column's type
   * @return the value as the row model holds it, {@code null} for SQL NULL
   * @throws SQLException if DuckDB cannot give the value
   */
  public static @Nullable Object value(ResultSet rs, int i, ColumnType type) throws SQLException {
    if (type.kind().isNested()) {
      throw new IllegalStateException("not read exactly from DuckDB: " + type);
    }
    return ScalarKind.of(type).duckDbValue(rs, i, type);
  }

  /**
   * @param value a typed value of the core row model, may be {@code null}
   * @param type its column's type
   * @return a DuckDB expression of exactly that value and type
   */
  public static String literal(@Nullable Object value, ColumnType type) {
    if (type.kind().isNested() || type.kind() == ColumnType.Kind.VARIANT) {
      throw new DataFormatException("a " + type + " value has no DuckDB literal here (partition values are scalars)");
    }
    String sqlType = type(type, "?", "?");
    if (value == null) {
      return "CAST(NULL AS " + sqlType + ")";
    }
    if (value instanceof byte[] bytes) {
      return "encode(" + string(new String(bytes, StandardCharsets.UTF_8)) + ")";
    }
    String text = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    return "CAST(" + string(text) + " AS " + sqlType + ")";
  }

  /**
   * @param text any text
   * @return a single-quoted SQL string literal of it
   */
  public static String string(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * @param name any name
   * @return a double-quoted SQL identifier of it
   */
  public static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * @param view a view name to check
   * @return the name
   * @throws InvalidInputException unless it is a letter or underscore followed by letters, digits and underscores
   *     (at most 63)
   */
  public static String viewName(String view) {
    if (view == null || !VIEW_NAME.matcher(view).matches()) {
      throw new InvalidInputException("a view name is a letter or _ followed by letters, digits and _ (at most 63), "
          + "got '" + view + "'");
    }
    return view;
  }
}
