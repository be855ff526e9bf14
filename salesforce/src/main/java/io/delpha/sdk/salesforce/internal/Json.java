package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.internal.JsonSupport;
import org.jspecify.annotations.Nullable;

/** The Salesforce component's view of the library's JSON mapper (nulls left out of requests), and small helpers over JSON trees. */
public final class Json {

  private Json() {}

  /**
   * @return a mapper that ignores fields the caller's classes do not declare (Salesforce adds
   *     {@code attributes} to every record), knows {@code java.time}, and leaves {@code null} POJO
   *     properties out of requests (a map entry with a {@code null} value is still sent, to clear a
   *     field)
   */
  public static ObjectMapper newMapper() {
    return JsonSupport.MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  /**
   * @param node an object node
   * @param field a field name
   * @return the field's text, or {@code null} when absent or JSON null
   */
  public static @Nullable String text(@Nullable JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
