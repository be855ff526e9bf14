package io.delpha.sdk.sharing;

import io.delpha.sdk.core.InvalidInputException;
import org.jspecify.annotations.Nullable;

/**
 * A shared table, named {@code share.schema.table}.
 *
 * @param name the table's name
 * @param schema its schema
 * @param share its share
 * @param id the server's identifier of the table, {@code null} when the server does not send one
 */
public record SharedTable(String name, String schema, String share, @Nullable String id) {

  /**
   * Parses {@code share.schema.table}.
   *
   * @param coordinates three non-blank names separated by dots
   * @return the table (without id)
   * @throws InvalidInputException if the text is not three non-blank dot-separated names
   */
  public static SharedTable parse(String coordinates) {
    if (coordinates == null) {
      throw new InvalidInputException("a table is named share.schema.table, got null");
    }
    String[] parts = coordinates.split("\\.", -1);
    if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
      throw new InvalidInputException("a table is named share.schema.table, got '" + coordinates + "'");
    }
    return new SharedTable(parts[2], parts[1], parts[0], null);
  }

  /**
   * @return {@code share.schema.table}
   */
  public String coordinates() {
    return share + "." + schema + "." + name;
  }

  @Override
  public String toString() {
    return coordinates();
  }
}
