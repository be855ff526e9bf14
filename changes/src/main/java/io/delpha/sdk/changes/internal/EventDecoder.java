package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.DataFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
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
   * Avro's reader of one schema, with the event's arrays, maps, strings and bytes held to its bytes: Avro sizes a
   * collection from the count its block claims (a few bytes may claim two billion items) before it reads one, and a
   * string from its length before it reads it. Every item of an accepted
   * schema takes a byte at least ({@link EventSchema} refuses arrays of items that take none; a map entry has its key),
   * so an event whose collections claim more items, in all, than it has bytes is not one a writer made: the decoder
   * Avro reads from ({@link Bounded}) refuses the claim before Avro sees it. Avro's fast reader (a reader compiled for
   * the schema once) reads the event. Also holds, for its schema, the header's field positions and each field's column
   * slots.
   */
  private static final class SchemaReader {
    private final EventSchema schema;
    private final GenericDatumReader<GenericRecord> avro;
    private final Bounded in = new Bounded();
    private @Nullable BinaryDecoder decoder;
    /** By field (its place in {@link EventSchema#fields()}), the slot of its plain column, -1 without one. */
    private final int[] plainSlots;
    /** By field, the slots of its compound's parts. */
    private final int[][] partSlots;
    private @Nullable Schema headerSchema;
    private int[] headerPositions = new int[0];

    SchemaReader(EventSchema schema) {
      this.schema = schema;
      this.avro = new GenericDatumReader<>(schema.avro(), schema.avro(), DATA);
      List<EventSchema.Field> fields = schema.fields();
      plainSlots = new int[fields.size()];
      partSlots = new int[fields.size()][];
      for (int f = 0; f < fields.size(); f++) {
        EventSchema.Column plain = fields.get(f).plain();
        plainSlots[f] = plain == null ? -1 : schema.slot(plain.cql());
        List<EventSchema.Column> parts = fields.get(f).parts();
        partSlots[f] = new int[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
          partSlots[f][i] = schema.slot(parts.get(i).cql());
        }
      }
    }

    /** Reads one event; a reader is reused for the next event of its schema. */
    GenericRecord read(byte[] payload) throws IOException {
      BinaryDecoder binary = DecoderFactory.get().binaryDecoder(payload, decoder);
      decoder = binary;
      in.start(binary, payload.length, schema.id());
      GenericRecord record = avro.read(null, in);
      if (!binary.isEnd()) {
        throw new DataFormatException("a change event of schema " + schema.id() + " has bytes after its last field");
      }
      return record;
    }

    /** The positions of the header fields ({@link #HEADER_FIELDS}) in a header's schema, -1 for one it lacks. */
    int[] headerPositions(Schema header) {
      if (header != headerSchema) {
        int[] positions = new int[HEADER_FIELDS.size()];
        for (int i = 0; i < positions.length; i++) {
          Schema.Field f = header.getField(HEADER_FIELDS.get(i));
          positions[i] = f == null ? -1 : f.pos();
        }
        headerPositions = positions;
        headerSchema = header;
      }
      return headerPositions;
    }
  }

  /** The header fields read, in the order of their indexes below. */
  private static final List<String> HEADER_FIELDS = List.of("entityName", "changeType", "recordIds", "changedFields",
      "nulledFields", "diffFields", "commitTimestamp", "commitNumber", "sequenceNumber", "transactionKey");
  private static final int ENTITY = 0;
  private static final int CHANGE_TYPE = 1;
  private static final int RECORD_IDS = 2;
  private static final int CHANGED = 3;
  private static final int NULLED = 4;
  private static final int DIFF = 5;
  private static final int COMMIT_TIMESTAMP = 6;
  private static final int COMMIT_NUMBER = 7;
  private static final int SEQUENCE_NUMBER = 8;
  private static final int TRANSACTION_KEY = 9;

  /** Avro's generic model, its fast reader on. */
  private static final GenericData DATA = fastReader();

  private static GenericData fastReader() {
    GenericData data = new GenericData();
    data.setFastReaderEnabled(true);
    return data;
  }

  /**
   * The binary decoder Avro reads an event from, refusing collection blocks that claim more items, over the event, than
   * it has bytes, and strings or bytes values longer than the event (before Avro allocates for them).
   */
  private static final class Bounded extends Decoder {
    private BinaryDecoder in = DecoderFactory.get().binaryDecoder(new byte[0], null);
    private int bytes;
    private long items;
    private String schemaId = "";

    void start(BinaryDecoder in, int bytes, String schemaId) {
      this.in = in;
      this.bytes = bytes;
      this.items = 0;
      this.schemaId = schemaId;
    }

    private long claim(long n) {
      items += n;
      if (n < 0 || items > bytes) {
        throw new DataFormatException("a change event of schema " + schemaId + " claims " + items
            + " array or map items or more in its " + bytes + " bytes, more than it can hold");
      }
      return n;
    }

    @Override
    public long readArrayStart() throws IOException {
      return claim(in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
      return claim(in.arrayNext());
    }

    @Override
    public long readMapStart() throws IOException {
      return claim(in.readMapStart());
    }

    @Override
    public long mapNext() throws IOException {
      return claim(in.mapNext());
    }

    @Override
    public long skipArray() throws IOException {
      return in.skipArray();
    }

    @Override
    public long skipMap() throws IOException {
      return in.skipMap();
    }

    @Override
    public void readNull() throws IOException {
      in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
      return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
      return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
      return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
      return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
      return in.readDouble();
    }

    /**
     * A string's or bytes' length, read and held to the event's bytes: Avro allocates what a length claims before it
     * reads (up to 2 GiB for a few bytes), so a length beyond the event is refused first.
     */
    private int length(String what) throws IOException {
      long n = in.readLong();
      if (n < 0 || n > bytes) {
        throw new DataFormatException("a change event of schema " + schemaId + " claims a " + what + " of " + n
            + " bytes in its " + bytes + " bytes");
      }
      return (int) n;
    }

    @Override
    public Utf8 readString(@Nullable Utf8 old) throws IOException {
      int length = length("string");
      Utf8 result = old != null ? old : new Utf8();
      result.setByteLength(length);
      if (length != 0) {
        in.readFixed(result.getBytes(), 0, length);
      }
      return result;
    }

    @Override
    public String readString() throws IOException {
      return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
      in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(@Nullable ByteBuffer old) throws IOException {
      int length = length("bytes value");
      ByteBuffer result = old != null && length <= old.capacity() ? old.clear() : ByteBuffer.allocate(length);
      in.readFixed(result.array(), result.position(), length);
      result.limit(length);
      return result;
    }

    @Override
    public void skipBytes() throws IOException {
      in.skipFixed(length("bytes value"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
      in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
      in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
      return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
      return in.readIndex();
    }
  }

  /** The reader of this thread's last event's schema: a stream's thread decodes its events one schema after another. */
  private static final ThreadLocal<@Nullable SchemaReader> READER = new ThreadLocal<>();

  /**
   * @param schema the event's schema
   * @param payload its Avro binary encoding
   * @return the event
   * @throws DataFormatException if the payload is not an event of the schema
   */
  public static ChangeEvent decode(EventSchema schema, byte[] payload) {
    SchemaReader reader = reader(schema);
    GenericRecord record = read(reader, payload);
    GenericRecord header = (GenericRecord) record.get(0);
    int[] at = reader.headerPositions(header.getSchema());
    String entity = text(header, at, ENTITY);
    String changeType = text(header, at, CHANGE_TYPE);
    List<String> ids = new ArrayList<>();
    for (Object id : list(header, at, RECORD_IDS)) {
      ids.add(id.toString());
    }
    int fields = schema.avro().getFields().size();
    EventValues values = new EventValues(schema);
    boolean reread = changeType.startsWith("GAP_");
    switch (changeType) {
      case "CREATE", "UNDELETE" -> {
        List<EventSchema.Field> all = schema.fields();
        for (int f = 0; f < all.size(); f++) {
          putWhole(values, reader, f, all.get(f), record.get(all.get(f).position()), true);
        }
      }
      case "UPDATE" -> {
        FieldBitmap changed = FieldBitmap.parse(strings(header, at, CHANGED), fields, "changedFields");
        FieldBitmap nulled = FieldBitmap.parse(strings(header, at, NULLED), fields, "nulledFields");
        FieldBitmap diff = FieldBitmap.parse(strings(header, at, DIFF), fields, "diffFields");
        reread = !diff.isEmpty() | putChanged(values, reader, schema, record, changed, nulled, diff);
      }
      case "DELETE" -> { }
      default -> reread = true;
    }
    return new ChangeEvent(entity, List.copyOf(ids), changeType, number(header, at, COMMIT_TIMESTAMP),
        number(header, at, COMMIT_NUMBER), (int) number(header, at, SEQUENCE_NUMBER),
        text(header, at, TRANSACTION_KEY), values, reread);
  }

  /**
   * The event's Avro record, as Avro's generic reader reads it, its collections held to the payload's bytes; leaves
   * the schema's reader as this thread's.
   *
   * @param schema the event's schema
   * @param payload its Avro binary encoding
   * @return the record
   * @throws DataFormatException if the payload is not an event of the schema, has bytes after it, or claims more
   *     collection items than it has bytes
   */
  public static GenericRecord record(EventSchema schema, byte[] payload) {
    return read(reader(schema), payload);
  }

  /** This thread's reader of the schema, made (and kept as this thread's) if its last one was of another. */
  private static SchemaReader reader(EventSchema schema) {
    SchemaReader reader = READER.get();
    if (reader == null || reader.schema != schema) {
      reader = new SchemaReader(schema);
      READER.set(reader);
    }
    return reader;
  }

  private static GenericRecord read(SchemaReader reader, byte[] payload) {
    try {
      return reader.read(payload);
    } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException
        | NegativeArraySizeException | UnsupportedOperationException e) {
      // UnsupportedOperationException: Avro's own refusal of a collection of more than 2^31 - 9 items
      throw new DataFormatException("a change event is not of its schema " + reader.schema.id() + ": " + e, e);
    }
  }

  /** An update's changed fields into {@code values}; whether one of them has no value to write. */
  private static boolean putChanged(EventValues values, SchemaReader reader, EventSchema schema,
      GenericRecord record, FieldBitmap changed, FieldBitmap nulled, FieldBitmap diff) {
    boolean missing = false;
    boolean anyParts = !changed.parts().isEmpty();
    List<EventSchema.Field> fields = schema.fields();
    for (int n = 0; n < fields.size(); n++) {
      EventSchema.Field f = fields.get(n);
      int pos = f.position();
      boolean partsNamed = anyParts && changed.parts().containsKey(pos);
      if ((!changed.has(pos) && !partsNamed) || diff.has(pos)) {
        continue; // unchanged, or sent as a diff (re-read)
      }
      Object v = record.get(pos);
      if (v instanceof GenericRecord || (f.plain() == null && f.compound() != null)) {
        GenericRecord c = v instanceof GenericRecord r ? r : null;
        int[] slots = reader.partSlots[n];
        for (int i = 0; i < f.parts().size(); i++) {
          if (!changed.hasPart(pos, i) || (diff.parts().containsKey(pos) && diff.hasPart(pos, i))) {
            continue;
          }
          EventSchema.Column part = f.parts().get(i);
          Object pv = c == null ? null : c.get(i);
          if (pv != null) {
            put(values, slots[i], part.kind().fromAvro(pv, part.type()));
          } else if (nulled.hasPart(pos, i)) {
            put(values, slots[i], null);
          } else if (partsNamed) {
            missing = true;
          }
        }
      } else if (v != null) {
        putWhole(values, reader, n, f, v, false);
      } else if (nulled.has(pos)) {
        putWhole(values, reader, n, f, null, false);
      } else {
        missing = true;
      }
    }
    return missing;
  }

  /**
   * A field's value (or null) into its columns: its plain column, or each of its compound's parts.
   *
   * @param n the field's place in {@link EventSchema#fields()}
   */
  private static void putWhole(EventValues values, SchemaReader reader, int n, EventSchema.Field f,
      @Nullable Object v, boolean allColumns) {
    EventSchema.Column plain = f.plain();
    int[] slots = reader.partSlots[n];
    if (v instanceof GenericRecord compound) {
      for (int i = 0; i < f.parts().size(); i++) {
        EventSchema.Column part = f.parts().get(i);
        put(values, slots[i], part.kind().fromAvro(compound.get(i), part.type()));
      }
      if (plain != null && allColumns) {
        put(values, reader.plainSlots[n], null);
      }
      return;
    }
    if (plain != null) {
      put(values, reader.plainSlots[n], v == null ? null : plain.kind().fromAvro(v, plain.type()));
    }
    if (v == null) {
      for (int slot : slots) {
        put(values, slot, null);
      }
    }
  }

  /** A column's value into its slot; a column without one (the record's {@code id}) is not a value to write. */
  private static void put(EventValues values, int slot, @Nullable Object v) {
    if (slot >= 0) {
      values.set(slot, v);
    }
  }

  private static String text(GenericRecord header, int[] at, int field) {
    Object v = field(header, at, field);
    if (v == null) {
      throw new DataFormatException("a change event header has no " + HEADER_FIELDS.get(field));
    }
    return v.toString();
  }

  private static long number(GenericRecord header, int[] at, int field) {
    Object v = field(header, at, field);
    if (!(v instanceof Number n)) {
      throw new DataFormatException("a change event header's " + HEADER_FIELDS.get(field) + " is not a number");
    }
    return n.longValue();
  }

  private static List<?> list(GenericRecord header, int[] at, int field) {
    Object v = field(header, at, field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new DataFormatException("a change event header's " + HEADER_FIELDS.get(field) + " is not a list");
    }
    return l;
  }

  private static List<CharSequence> strings(GenericRecord header, int[] at, int field) {
    List<?> items = list(header, at, field);
    if (items.isEmpty()) {
      return List.of();
    }
    List<CharSequence> out = new ArrayList<>(items.size());
    for (Object o : items) {
      if (o != null) {
        out.add(o.toString());
      }
    }
    return out;
  }

  private static @Nullable Object field(GenericRecord header, int[] at, int field) {
    int pos = at[field];
    return pos < 0 ? null : header.get(pos);
  }
}
