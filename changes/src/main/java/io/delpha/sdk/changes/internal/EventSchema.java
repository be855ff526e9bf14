package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.internal.http.Peers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.jspecify.annotations.Nullable;

/**
 * A change event's Avro schema, as the Pub/Sub API's {@code GetSchema} gives it, and the flat columns its fields are
 * stored as: a plain field is a column of its own name; a compound field (a record: an address, a person's name) is a
 * column per part, named as Salesforce names the flat fields ({@code BillingAddress.City} is {@code BillingCity},
 * {@code Name.FirstName} is {@code FirstName}, {@code Place__c.Street} is {@code Place__Street__s}). A field that is
 * either text or a compound ({@code Name}, a switchable person name) has both.
 */
public final class EventSchema {

  /** The header field every change event starts with. */
  static final String HEADER = "ChangeEventHeader";

  /**
   * A flat column.
   *
   * @param field the flat field's Salesforce name ({@code BillingCity})
   * @param kind its kind
   * @param type its Avro type (a union's branch)
   * @param cql the column's CQL name: the field's name in lower case (computed once, when the schema is parsed)
   */
  public record Column(String field, ColumnKind kind, Schema type, String cql) {
    /**
     * @param field the flat field's Salesforce name
     * @param kind its kind
     * @param type its Avro type
     */
    public Column(String field, ColumnKind kind, Schema type) {
      this(field, kind, type, field.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /**
   * A top-level field of the event.
   *
   * @param position its position in the schema (the bit of the changed/nulled bitmaps)
   * @param name its name
   * @param plain its column when it may hold a plain value, else {@code null}
   * @param compound its record's schema when it may hold a compound, else {@code null}
   * @param parts the columns of the compound's parts, by the part's position in the record
   */
  public record Field(int position, String name, @Nullable Column plain, @Nullable Schema compound,
      List<Column> parts) {}

  private final String id;
  private final Schema schema;
  private final List<Field> fields;
  private final Map<String, Column> columns;
  /** The columns' CQL names, in schema order: a column's slot is its place here. */
  private final String[] slotNames;
  private final Map<String, Integer> slots;

  private EventSchema(String id, Schema schema, List<Field> fields, Map<String, Column> columns) {
    this.id = id;
    this.schema = schema;
    this.fields = fields;
    this.columns = columns;
    this.slotNames = columns.keySet().toArray(String[]::new);
    Map<String, Integer> bySlot = new java.util.HashMap<>();
    for (int i = 0; i < slotNames.length; i++) {
      bySlot.put(slotNames[i], i);
    }
    this.slots = Map.copyOf(bySlot);
  }

  /**
   * @param id the schema id
   * @param json the schema's JSON, as {@code GetSchema} answers
   * @param maxChars the longest schema text accepted, and the largest {@code fixed} (an answer's bytes at most)
   * @param maxDepth the deepest JSON nesting accepted
   * @return the schema
   * @throws ResponseLimitException if the text is longer, nests deeper, or has a larger {@code fixed}
   * @throws DataFormatException if it is not a change event's Avro schema
   */
  public static EventSchema parse(String id, String json, long maxChars, int maxDepth) {
    if (json.length() > maxChars) {
      throw new ResponseLimitException("maxBodyBytes", "the Pub/Sub API's schema " + id + " is " + json.length()
          + " characters, more than the " + maxChars + " allowed", null);
    }
    int depth = depth(json);
    if (depth > maxDepth) {
      throw new ResponseLimitException("maxSchemaDepth", "the Pub/Sub API's schema " + id + " nests " + depth
          + " deep, more than the " + maxDepth + " allowed", null);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(json);
    } catch (SchemaParseException | IllegalArgumentException e) {
      throw new DataFormatException("the Pub/Sub API's schema " + id + " is not an Avro schema: " + e.getMessage(), e);
    }
    new TypeCheck(id, json.length(), maxDepth, maxChars).shape(schema, 1);
    if (schema.getType() != Schema.Type.RECORD || schema.getField(HEADER) == null
        || schema.getField(HEADER).pos() != 0 || nonNull(schema.getField(HEADER).schema()).getType()
            != Schema.Type.RECORD) {
      throw new DataFormatException("the Pub/Sub API's schema " + id + " (" + schema.getFullName()
          + ") is not a change event's: it does not start with a ChangeEventHeader record");
    }
    List<Field> fields = new ArrayList<>();
    Map<String, Column> columns = new LinkedHashMap<>();
    for (Schema.Field f : schema.getFields()) {
      if (f.pos() == 0) {
        continue;
      }
      Column plain = null;
      Schema compound = null;
      List<Column> parts = new ArrayList<>();
      for (Schema branch : branches(f.schema())) {
        if (branch.getType() == Schema.Type.RECORD) {
          compound = branch;
          for (Schema.Field part : branch.getFields()) {
            Schema partType = nonNull(part.schema());
            Column c = new Column(flatName(f.name(), part.name()), ColumnKind.of(partType, part.doc()), partType);
            parts.add(c);
            columns.putIfAbsent(c.cql(), c);
          }
        } else if (plain == null) {
          plain = new Column(f.name(), ColumnKind.of(branch, f.doc()), branch);
          columns.putIfAbsent(plain.cql(), plain);
        }
      }
      fields.add(new Field(f.pos(), f.name(), plain, compound, List.copyOf(parts)));
    }
    columns.remove("id");
    return new EventSchema(id, schema, List.copyOf(fields), Collections.unmodifiableMap(columns));
  }

  /**
   * The checks of a parsed schema that its text cannot show, because named types are referred to by name: how deep its
   * types nest ({@code maxSchemaDepth}) and how many types and fields there are once every reference is followed (no
   * more than the text has characters, {@code maxBodyBytes}: a named type used twice must not grow an event
   * exponentially; a type that refers to itself nests without end), and that no array's items can be encoded in zero bytes
   * nor hold a value that takes none, so an event's items, and the values in them, are at most its bytes ({@link
   * EventDecoder} holds the decoding to that). Each named type is walked once.
   */
  private static final class TypeCheck {

    /**
     * What a type is once its references are followed: how deep it nests, how many types and fields it has, whether
     * its value takes no bytes at all ({@code empty}) and whether some value inside it, below its top, takes none
     * ({@code free}: a {@code null} field, an empty record; a union's branch is paid for by its index byte).
     */
    private record Shape(int depth, long size, boolean empty, boolean free) {}

    private final String id;
    private final long maxSize;
    private final int maxDepth;
    /** The largest {@code fixed} accepted: an event's bytes at most (Avro allocates a fixed before it reads it). */
    private final long maxFixed;
    private final Map<Schema, Shape> named = new java.util.IdentityHashMap<>();
    private final java.util.Set<Schema> walking = Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    TypeCheck(String id, long maxSize, int maxDepth, long maxFixed) {
      this.id = id;
      this.maxSize = maxSize;
      this.maxDepth = maxDepth;
      this.maxFixed = maxFixed;
    }

    /** A type's shape; {@code level} is where it is reached, a breach of the depth thrown as soon as it is seen. */
    Shape shape(Schema type, int level) {
      if (walking.contains(type)) {
        throw new ResponseLimitException("maxSchemaDepth", "the Pub/Sub API's schema " + id + " nests without end: "
            + "its type " + Peers.echo(type.getFullName()) + " contains itself", null);
      }
      if (level > maxDepth) {
        throw new ResponseLimitException("maxSchemaDepth", "the Pub/Sub API's schema " + id + " nests deeper than the "
            + maxDepth + " allowed once its named types are followed", null);
      }
      Shape known = named.get(type);
      if (known != null) {
        if (level - 1 + known.depth() > maxDepth) {
          return shape(type, maxDepth + 1);
        }
        return known;
      }
      Shape s = switch (type.getType()) {
        case RECORD -> {
          walking.add(type);
          int depth = 0;
          long size = 1;
          boolean empty = true;
          boolean free = false;
          for (Schema.Field f : type.getFields()) {
            Shape field = shape(f.schema(), level + 1);
            depth = Math.max(depth, field.depth());
            size = Math.min(Long.MAX_VALUE / 2, size + field.size());
            empty &= field.empty();
            free |= field.empty() || field.free();
          }
          walking.remove(type);
          yield new Shape(depth + 1, size, empty, free);
        }
        case ARRAY, MAP -> {
          Shape items = shape(type.getType() == Schema.Type.ARRAY ? type.getElementType() : type.getValueType(),
              level + 1);
          if (items.empty() && type.getType() == Schema.Type.ARRAY) {
            throw new DataFormatException("the Pub/Sub API's schema " + id + " has an array of items that take no "
                + "bytes (" + Peers.echo(type.getElementType().toString()) + "), so a few bytes could claim any number "
                + "of them: no change event has one");
          }
          if (items.free()) {
            throw new DataFormatException("the Pub/Sub API's schema " + id + " has an array or map whose items hold "
                + "values that take no bytes (a null or an empty record outside a union), so each byte of an item "
                + "could decode to any number of values: no change event has one");
          }
          yield new Shape(items.depth() + 1, items.size() + 1, false, false);
        }
        case UNION -> {
          int depth = 0;
          long size = 1;
          boolean free = false;
          for (Schema b : type.getTypes()) {
            Shape branch = shape(b, level + 1);
            depth = Math.max(depth, branch.depth());
            size = Math.min(Long.MAX_VALUE / 2, size + branch.size());
            free |= branch.free();
          }
          yield new Shape(depth + 1, size, false, free); // the branch's index takes a byte
        }
        case NULL -> new Shape(1, 1, true, false);
        case FIXED -> {
          if (type.getFixedSize() > maxFixed) {
            throw new ResponseLimitException("maxBodyBytes", "the Pub/Sub API's schema " + id + " has a fixed of "
                + type.getFixedSize() + " bytes, more than the " + maxFixed + " bytes an answer may have", null);
          }
          yield new Shape(1, 1, type.getFixedSize() == 0, false);
        }
        default -> new Shape(1, 1, false, false); // an enum's index, a number, a boolean, a length: a byte at least
      };
      if (type.getType() == Schema.Type.RECORD) {
        named.put(type, s);
      }
      if (s.size() > maxSize) {
        throw new ResponseLimitException("maxBodyBytes", "the Pub/Sub API's schema " + id + " has more than "
            + maxSize + " types and fields once its named types are followed, more than its text may have", null);
      }
      return s;
    }
  }

  /** The flat field name of a compound's part, as Salesforce names it on the object. */
  static String flatName(String compound, String part) {
    if (compound.endsWith("__c")) {
      return compound.substring(0, compound.length() - 3) + "__" + part + "__s";
    }
    if (compound.equals("Name") || compound.equals("Address")) {
      return part;
    }
    if (compound.endsWith("Address")) {
      return compound.substring(0, compound.length() - "Address".length()) + part;
    }
    return compound + part;
  }

  /** The non-null branches of a type (itself when it is not a union). */
  static List<Schema> branches(Schema type) {
    if (type.getType() != Schema.Type.UNION) {
      return List.of(type);
    }
    List<Schema> out = new ArrayList<>();
    for (Schema b : type.getTypes()) {
      if (b.getType() != Schema.Type.NULL) {
        out.add(b);
      }
    }
    return out;
  }

  static Schema nonNull(Schema type) {
    List<Schema> b = branches(type);
    return b.isEmpty() ? type : b.get(0);
  }

  /** The deepest nesting of objects and arrays in a JSON text, strings skipped. */
  static int depth(String json) {
    int depth = 0;
    int max = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        max = Math.max(max, ++depth);
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return max;
  }

  /**
   * @return the schema id
   */
  public String id() {
    return id;
  }

  /**
   * @return the Avro schema
   */
  public Schema avro() {
    return schema;
  }

  /**
   * @return the top-level fields after the header, in schema order
   */
  public List<Field> fields() {
    return fields;
  }

  /**
   * @param position a position of the schema
   * @return the field there, or {@code null} for the header or a position outside the schema
   */
  public @Nullable Field field(int position) {
    return position < 1 || position > fields.size() ? null : fields.get(position - 1);
  }

  /**
   * @return the flat columns by CQL name, in schema order (no {@code id}: the record id is the key)
   */
  public Map<String, Column> columns() {
    return columns;
  }

  /**
   * @param cql a column's CQL name
   * @return its slot: its place among {@link #columns()}, or -1 if the schema has no such column ({@code id})
   */
  public int slot(String cql) {
    Integer slot = slots.get(cql);
    return slot == null ? -1 : slot;
  }

  /**
   * @param slot a column's slot, {@code 0 <= slot < columns().size()}
   * @return the column's CQL name
   */
  public String slotName(int slot) {
    return slotNames[slot];
  }
}
