package io.delpha.sdk.changes.internal;

import io.delpha.sdk.changes.ChangeStreamConfig;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads records, for what the stream did not carry: a gap event's records and a field sent as a diff (over REST),
 * and a whole object after an overflow or an expired replay id (over REST, or a Bulk API 2.0 query job for an object
 * of more than {@link ChangeStreamConfig#bulkRereadAbove()} records). A record's fields come as the table's columns
 * (the answer's flat fields, lower case), every column of the event schema set, a field the answer lacks set to null;
 * a Bulk CSV cell is converted as the same REST value ({@link ColumnKind#fromCsv}). Everything goes through the host's
 * {@link SalesforceClient}: its login, retries and response limits.
 */
public final class Rereads {

  private static final Logger log = LoggerFactory.getLogger(Rereads.class);

  private final SalesforceClient salesforce;
  /** Where it reads {@code bulkRereadAbove}. */
  private final ChangeStreamConfig config;

  /**
   * @param salesforce the host's client
   * @param config the stream's settings
   */
  public Rereads(SalesforceClient salesforce, ChangeStreamConfig config) {
    this.salesforce = salesforce;
    this.config = config;
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
    return columns(byColumn(fields), schema, REST);
  }

  /**
   * Reads every record of an object, one page in memory at a time: counted first ({@code SELECT COUNT()} over REST)
   * unless {@code bulkRereadAbove} is {@link Long#MAX_VALUE}, then read with a Bulk API 2.0 query job when there are
   * more records than that, else over REST. The count only chooses the way: a record deleted or created since is
   * simply absent or present in the read. A read that fails throws before its last record (the Bulk job failed or
   * aborted, a page cut short, a breach of the response limits): the caller never sees a partial read as whole.
   *
   * @param entity the object
   * @param schema the event schema whose columns the records fill (only flat fields: the parts of a compound address
   *     or geolocation, never the compound, which a Bulk query cannot select)
   * @param each given each record's id and columns
   */
  public void all(String entity, EventSchema schema, BiConsumer<String, Map<String, @Nullable Object>> each) {
    String soql = "SELECT Id" + schema.columns().values().stream().map(c -> ", " + c.field())
        .collect(Collectors.joining()) + " FROM " + entity;
    if (bulk(entity, schema)) {
      try (Stream<Map<String, String>> rows = salesforce.bulkQuery(soql)) {
        rows.forEach(r -> read(r, schema, each, CSV));
      }
      return;
    }
    try (Stream<Map<String, Object>> records = salesforce.stream(soql)) {
      records.forEach(r -> read(r, schema, each, REST));
    }
  }

  /** Whether an object is re-read with a Bulk API 2.0 query job: one of more records than the setting. */
  private boolean bulk(String entity, EventSchema schema) {
    long above = config.bulkRereadAbove();
    if (above == Long.MAX_VALUE) {
      return false;
    }
    if (schema.columns().values().stream().anyMatch(c -> c.kind() == ColumnKind.BLOB)) {
      log.info("re-reading {} over REST: a Bulk API 2.0 query cannot select its base64 fields", entity);
      return false;
    }
    long count = salesforce.query("SELECT COUNT() FROM " + entity).totalSize();
    boolean bulk = count > above;
    log.info("re-reading {} ({} records) over {}", entity, count, bulk ? "a Bulk API 2.0 query job" : "REST");
    return bulk;
  }

  /** How a field's value in one kind of answer becomes a column's. */
  private interface Converter<V> {
    @Nullable Object convert(ColumnKind kind, V value, String field);
  }

  /** A REST answer's JSON value; a compound's object (or a list) is no flat field's value. */
  private static final Converter<Object> REST = (kind, v, field) -> v instanceof Map || v instanceof List ? null
      : kind.fromRest(v, field);
  /** A Bulk API 2.0 CSV cell. */
  private static final Converter<String> CSV = ColumnKind::fromCsv;

  private static <V> void read(Map<String, V> record, EventSchema schema,
      BiConsumer<String, Map<String, @Nullable Object>> each, Converter<V> converter) {
    Map<String, V> fields = byColumn(record);
    V id = fields.get("id");
    if (id == null || id.toString().isEmpty()) {
      return;
    }
    each.accept(id.toString(), columns(fields, schema, converter));
  }

  /** The fields by column name: lower case. */
  private static <V> Map<String, V> byColumn(Map<String, V> fields) {
    Map<String, V> out = new LinkedHashMap<>();
    fields.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  private static <V> Map<String, @Nullable Object> columns(Map<String, V> byColumn, EventSchema schema,
      Converter<V> converter) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, EventSchema.Column> c : schema.columns().entrySet()) {
      V v = byColumn.get(c.getKey());
      out.put(c.getKey(), v == null ? null : converter.convert(c.getValue().kind(), v, c.getValue().field()));
    }
    return out;
  }
}
