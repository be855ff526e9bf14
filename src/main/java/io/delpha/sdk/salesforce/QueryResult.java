package io.delpha.sdk.salesforce;

import java.util.List;
import java.util.Map;
import java.util.Objects;

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
   * @return the number of records the query matched ({@code totalSize}), as the original
   *     Python client's {@code res, size = query(...)} returned it
   */
  public int size() {
    return totalSize;
  }
}
