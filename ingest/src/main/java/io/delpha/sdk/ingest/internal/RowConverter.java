package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.ColumnKind;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.DataFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Text fields to the values of one table's columns: the one conversion every ingest path uses (the CSV app and
 * customers' programs), so a value means the same whichever way it arrives. Each field goes through {@link
 * CqlValues#converter} for its column's CQL type; an absent field ({@code null}) leaves the column unset, and a
 * row without a value for a primary-key column is refused.
 */
public final class RowConverter {

  private final List<ColumnDescription> columns;
  private final List<Function<String, Object>> converters;

  private RowConverter(List<ColumnDescription> columns, List<Function<String, Object>> converters) {
    this.columns = columns;
    this.converters = converters;
  }

  /**
   * @param table the table
   * @param columns the columns each row gives, in order
   * @param source what reads the rows, for messages (e.g. "the CSV app")
   * @return the converter
   * @throws DataFormatException if a column's type has no text form (collections, user types)
   */
  public static RowConverter of(TableDescription table, List<ColumnDescription> columns, String source) {
    List<Function<String, Object>> converters = new ArrayList<>();
    for (ColumnDescription c : columns) {
      @Nullable Function<String, Object> f = CqlValues.converter(c.type());
      if (f == null) {
        throw new DataFormatException("column " + c.name() + " of " + table.keyspace() + "." + table.name()
            + " has type " + c.type() + ", which " + source + " cannot read from text");
      }
      converters.add(f);
    }
    return new RowConverter(List.copyOf(columns), converters);
  }

  /**
   * @return the columns, in row order
   */
  public List<ColumnDescription> columns() {
    return columns;
  }

  /**
   * Converts one row.
   *
   * @param texts one field per column, {@code null} for a column left unset
   * @param values receives the converted values (same length)
   * @return {@code null} if the row converted, else why it is refused (for the bad-records file)
   */
  public @Nullable String convert(@Nullable String[] texts, @Nullable Object[] values) {
    for (int i = 0; i < texts.length; i++) {
      ColumnDescription c = columns.get(i);
      String text = texts[i];
      if (text == null) {
        values[i] = null;
      } else {
        try {
          values[i] = converters.get(i).apply(text);
        } catch (RuntimeException e) {
          return "column " + c.name() + " (" + c.type() + "): " + describe(e);
        }
      }
      if (values[i] == null && (c.kind() == ColumnKind.PARTITION_KEY || c.kind() == ColumnKind.CLUSTERING)) {
        return "missing value for key column " + c.name();
      }
    }
    return null;
  }

  /**
   * @param table a table
   * @param columns columns a row gives
   * @return the table's primary-key columns that are not among them
   */
  public static List<String> missingKeys(TableDescription table, List<ColumnDescription> columns) {
    return table.columns().stream()
        .filter(c -> c.kind() == ColumnKind.PARTITION_KEY || c.kind() == ColumnKind.CLUSTERING)
        .filter(c -> !columns.contains(c)).map(ColumnDescription::name).toList();
  }

  private static String describe(RuntimeException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }
}
