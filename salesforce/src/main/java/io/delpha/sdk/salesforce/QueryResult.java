package io.delpha.sdk.salesforce;

import io.delpha.sdk.core.internal.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every record a SOQL query matched, all pages followed.
 *
 * <p>Each record is the JSON object Salesforce returned, as a map: field names to values (strings,
 * numbers, booleans, nested maps for relationships), including Salesforce's {@code attributes}
 * entry ({@code type}, {@code url}).
 *
 * @param records the records, in the order Salesforce returned them
 * @param totalSize the {@code totalSize} Salesforce reported for the query
 */
public record QueryResult(List<Map<String, Object>> records, int totalSize) {

  /**
   * @param records the records, copied
   * @param totalSize the {@code totalSize} Salesforce reported
   */
  public QueryResult {
    records = List.copyOf(Objects.requireNonNull(records, "records"));
  }

  /**
   * @return the number of records the query matched (Salesforce's {@code totalSize})
   */
  public int size() {
    return totalSize;
  }

  /**
   * The records' count and {@code totalSize}, then the first records as a table ({@code core}'s one table rendering:
   * at most 10 records, a dozen fields and 40 characters a value; the fields are those of the records shown, in the
   * order they first appear, without Salesforce's {@code attributes}), then how many records are not shown.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("QueryResult (").append(TextTable.count(records.size(), "record"))
        .append(", totalSize ").append(totalSize).append(')');
    List<Map<String, Object>> shown = records.subList(0, Math.min(records.size(), TextTable.MAX_ROWS));
    Set<String> fields = new LinkedHashSet<>();
    shown.forEach(r -> fields.addAll(r.keySet()));
    fields.remove("attributes");
    if (!fields.isEmpty()) {
      List<List<Object>> rows = new ArrayList<>(shown.size());
      for (Map<String, Object> r : shown) {
        rows.add(fields.stream().map(f -> (Object) String.valueOf(r.get(f))).toList());
      }
      out.append('\n').append(TextTable.render(List.copyOf(fields), rows));
    }
    if (records.size() > shown.size()) {
      out.append("\n... ").append(TextTable.count(records.size() - shown.size(), "more record"));
    }
    return out.toString();
  }
}
