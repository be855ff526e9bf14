package io.delpha.sdk.salesforce;

import java.util.List;
import java.util.Objects;

/**
 * One error Salesforce reported, as in its error bodies ({@code errorCode} or {@code statusCode},
 * {@code message}, {@code fields}).
 *
 * @param errorCode Salesforce's code, e.g. {@code REQUIRED_FIELD_MISSING}
 * @param message Salesforce's message
 * @param fields the fields concerned, possibly empty
 */
public record SalesforceError(String errorCode, String message, List<String> fields) {

  /**
   * @param errorCode Salesforce's code
   * @param message Salesforce's message
   * @param fields the fields concerned, copied
   */
  public SalesforceError {
    fields = fields == null ? List.of() : List.copyOf(fields);
    errorCode = Objects.requireNonNullElse(errorCode, "");
    message = Objects.requireNonNullElse(message, "");
  }
}
