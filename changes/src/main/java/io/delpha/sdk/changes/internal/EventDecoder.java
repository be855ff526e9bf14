package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.DataFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a change event's Avro payload into a {@link ChangeEvent}, as Salesforce documents the change types: a
 * {@code CREATE} or {@code UNDELETE} carries every field (an empty one is null); an {@code UPDATE} carries its changed
 * fields ({@code changedFields}), every other field being null whatever its value, and a changed field's null means
 * "set to null" only where {@code nulledFields} says so; a field sent as a diff ({@code diffFields}), or a changed
 * field that is null and not nulled, has no value to write, so the records are re-read; a {@code DELETE} carries none;
 * a gap event ({@code GAP_CREATE}, ...) carries none and asks for a re-read. Stateless and thread-safe.
 */
public final class EventDecoder {

  private EventDecoder() {}

  /**
   * Avro's reader with the event's arrays and maps held to its bytes: Avro sizes a collection from the count its block
   * claims (a few bytes may claim two billion items) before it reads one. Every item of an accepted schema takes a
   * byte at least ({@link EventSchema} refuses arrays of items that take none; a map entry has its key), so an event
   * whose collections claim more items, in all, than it has bytes is not one a writer made.
   */
  private static final class BoundedReader extends GenericDatumReader<GenericRecord> {
    /** Avro's generic model without its fast reader, which would read around these methods. */
    private static final GenericData DATA = slowReader();

    private final EventSchema schema;
    private final String schemaId;
    private int bytes;
    private long items;
    private @Nullable BinaryDecoder decoder;

    BoundedReader(EventSchema schema) {
      super(schema.avro(), schema.avro(), DATA);
      this.schema = schema;
      this.schemaId = schema.id();
    }

    /** Reads one event; a reader is reused for the next event of its schema (its caches kept, its count reset). */
    GenericRecord read(byte[] payload) throws IOException {
      bytes = payload.length;
      items = 0;
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(payload, decoder);
      decoder = in;
      GenericRecord record = read(null, in);
      if (!in.isEnd()) {
        throw new DataFormatException("a change event of schema " + schemaId + " has bytes after its last field");
      }
      return record;
    }

    /** A string as a {@code String}, as every reader of the event takes it (Avro's {@code Utf8} made one anyway). */
    @Override
    protected Object readString(@Nullable Object old, Schema expected, Decoder in) throws IOException {
      return in.readString();
    }

    private static GenericData slowReader() {
      GenericData data = new GenericData();
      data.setFastReaderEnabled(false);
      return data;
    }

    private void claim(long n) {
      items += n;
      if (items > bytes) {
        throw new DataFormatException("a change event of schema " + schemaId + " claims " + items
            + " array or map items or more in its " + bytes + " bytes, more than it can hold");
      }
    }

    @Override
    protected Object newArray(@Nullable Object old, int size, Schema schema) {
      claim(size < 0 ? Long.MAX_VALUE / 2 : size);
      items -= size; // counted again as each is added
      return super.newArray(old, size, schema);
    }

    @Override
    protected void addToArray(Object array, long pos, @Nullable Object e) {
      claim(1);
      super.addToArray(array, pos, e);
    }

    @Override
    protected Object newMap(@Nullable Object old, int size) {
      claim(size < 0 ? Long.MAX_VALUE / 2 : size);
      items -= size;
      return super.newMap(old, size);
    }

    @Override
    protected void addToMap(Object map, Object key, @Nullable Object value) {
      claim(1);
      super.addToMap(map, key, value);
    }
  }

  /** The reader of this thread's last event's schema: a stream's thread decodes its events one schema after another. */
  private static final ThreadLocal<@Nullable BoundedReader> READER = new ThreadLocal<>();

  /**
   * @param schema the event's schema
   * @param payload its Avro binary encoding
   * @return the event
   * @throws DataFormatException if the payload is not an event of the schema
   */
  public static ChangeEvent decode(EventSchema schema, byte[] payload) {
    GenericRecord record;
    try {
      BoundedReader reader = READER.get();
      if (reader == null || reader.schema != schema) {
        reader = new BoundedReader(schema);
        READER.set(reader);
      }
      record = reader.read(payload);
    } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException
        | NegativeArraySizeException | UnsupportedOperationException e) {
      // UnsupportedOperationException: Avro's own refusal of a collection of more than 2^31 - 9 items
      throw new DataFormatException("a change event is not of its schema " + schema.id() + ": " + e, e);
    }
    GenericRecord header = (GenericRecord) record.get(0);
    String entity = text(header, "entityName");
    String changeType = text(header, "changeType");
    List<String> ids = new ArrayList<>();
    for (Object id : list(header, "recordIds")) {
      ids.add(id.toString());
    }
    int fields = schema.avro().getFields().size();
    Map<String, @Nullable Object> values = new LinkedHashMap<>();
    boolean reread = changeType.startsWith("GAP_");
    switch (changeType) {
      case "CREATE", "UNDELETE" -> {
        for (EventSchema.Field f : schema.fields()) {
          putWhole(values, f, record.get(f.position()), true);
        }
      }
      case "UPDATE" -> {
        FieldBitmap changed = FieldBitmap.parse(strings(header, "changedFields"), fields, "changedFields");
        FieldBitmap nulled = FieldBitmap.parse(strings(header, "nulledFields"), fields, "nulledFields");
        FieldBitmap diff = FieldBitmap.parse(strings(header, "diffFields"), fields, "diffFields");
        reread = !diff.isEmpty() | putChanged(values, schema, record, changed, nulled, diff);
      }
      case "DELETE" -> { }
      default -> reread = true;
    }
    values.remove("id");
    return new ChangeEvent(entity, List.copyOf(ids), changeType, number(header, "commitTimestamp"),
        number(header, "commitNumber"), (int) number(header, "sequenceNumber"), text(header, "transactionKey"),
        Collections.unmodifiableMap(values), reread);
  }

  /** An update's changed fields into {@code values}; whether one of them has no value to write. */
  private static boolean putChanged(Map<String, @Nullable Object> values, EventSchema schema, GenericRecord record,
      FieldBitmap changed, FieldBitmap nulled, FieldBitmap diff) {
    boolean missing = false;
    for (EventSchema.Field f : schema.fields()) {
      int pos = f.position();
      Object v = record.get(pos);
      boolean partsNamed = changed.parts().containsKey(pos);
      if ((!changed.has(pos) && !partsNamed) || diff.has(pos)) {
        continue; // unchanged, or sent as a diff (re-read)
      }
      if (v instanceof GenericRecord || (f.plain() == null && f.compound() != null)) {
        GenericRecord c = v instanceof GenericRecord r ? r : null;
        for (int i = 0; i < f.parts().size(); i++) {
          if (!changed.hasPart(pos, i) || (diff.parts().containsKey(pos) && diff.hasPart(pos, i))) {
            continue;
          }
          EventSchema.Column part = f.parts().get(i);
          Object pv = c == null ? null : c.get(i);
          if (pv != null) {
            values.put(part.cql(), part.kind().fromAvro(pv, part.type()));
          } else if (nulled.hasPart(pos, i)) {
            values.put(part.cql(), null);
          } else if (partsNamed) {
            missing = true;
          }
        }
      } else if (v != null) {
        putWhole(values, f, v, false);
      } else if (nulled.has(pos)) {
        putWhole(values, f, null, false);
      } else {
        missing = true;
      }
    }
    return missing;
  }

  /** A field's value (or null) into its columns: its plain column, or each of its compound's parts. */
  private static void putWhole(Map<String, @Nullable Object> values, EventSchema.Field f, @Nullable Object v,
      boolean allColumns) {
    EventSchema.Column plain = f.plain();
    if (v instanceof GenericRecord compound) {
      for (int i = 0; i < f.parts().size(); i++) {
        EventSchema.Column part = f.parts().get(i);
        values.put(part.cql(), part.kind().fromAvro(compound.get(i), part.type()));
      }
      if (plain != null && allColumns) {
        values.put(plain.cql(), null);
      }
      return;
    }
    if (plain != null) {
      values.put(plain.cql(), v == null ? null : plain.kind().fromAvro(v, plain.type()));
    }
    if (v == null) {
      for (EventSchema.Column part : f.parts()) {
        values.put(part.cql(), null);
      }
    }
  }

  private static String text(GenericRecord header, String field) {
    Object v = field(header, field);
    if (v == null) {
      throw new DataFormatException("a change event header has no " + field);
    }
    return v.toString();
  }

  private static long number(GenericRecord header, String field) {
    Object v = field(header, field);
    if (!(v instanceof Number n)) {
      throw new DataFormatException("a change event header's " + field + " is not a number");
    }
    return n.longValue();
  }

  private static List<?> list(GenericRecord header, String field) {
    Object v = field(header, field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new DataFormatException("a change event header's " + field + " is not a list");
    }
    return l;
  }

  private static List<CharSequence> strings(GenericRecord header, String field) {
    List<CharSequence> out = new ArrayList<>();
    for (Object o : list(header, field)) {
      if (o != null) {
        out.add(o.toString());
      }
    }
    return out;
  }

  private static @Nullable Object field(GenericRecord header, String name) {
    Schema.Field f = header.getSchema().getField(name);
    return f == null ? null : header.get(f.pos());
  }
}
