package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.salesforce.SalesforceClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Re-reads records over REST, for what the stream did not carry: a gap event's records, a field sent as a diff, and a
 * whole object after an overflow or an expired replay id. A record's fields come as the table's columns (the REST
 * answer's flat fields, lower case), every column of the event schema set, a field the answer lacks set to null.
 * Everything goes through the host's {@link SalesforceClient}: its login, retries and response limits.
 */
public final class Rereads {

  private final SalesforceClient salesforce;

  /**
   * @param salesforce the host's client
   */
  public Rereads(SalesforceClient salesforce) {
    this.salesforce = salesforce;
  }

  /**
   * @param entity the object
   * @param id a record id
   * @param schema the event schema whose columns the record fills
   * @return the record's columns, or {@code null} when the record no longer exists
   */
  public @Nullable Map<String, @Nullable Object> record(String entity, String id, EventSchema schema) {
    Map<String, Object> fields;
    try {
      fields = salesforce.get(entity, id);
    } catch (NotFoundException e) {
      return null;
    }
    return columns(fields, schema);
  }

  /**
   * Reads every record of an object, one page in memory at a time.
   *
   * @param entity the object
   * @param schema the event schema whose columns the records fill
   * @param each given each record's id and columns
   */
  public void all(String entity, EventSchema schema, BiConsumer<String, Map<String, @Nullable Object>> each) {
    String soql = "SELECT Id" + schema.columns().values().stream().map(c -> ", " + c.field())
        .collect(Collectors.joining()) + " FROM " + entity;
    try (Stream<Map<String, Object>> records = salesforce.stream(soql)) {
      records.forEach(r -> {
        Object id = r.get("Id");
        if (id != null) {
          each.accept(id.toString(), columns(r, schema));
        }
      });
    }
  }

  private static Map<String, @Nullable Object> columns(Map<String, Object> fields, EventSchema schema) {
    Map<String, Object> byColumn = new LinkedHashMap<>();
    fields.forEach((k, v) -> byColumn.put(k.toLowerCase(Locale.ROOT), v));
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, EventSchema.Column> c : schema.columns().entrySet()) {
      Object v = byColumn.get(c.getKey());
      out.put(c.getKey(), v instanceof Map || v instanceof List ? null
          : c.getValue().kind().fromRest(v, c.getValue().field()));
    }
    return out;
  }
}
