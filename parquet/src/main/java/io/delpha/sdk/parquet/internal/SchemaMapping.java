package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapKeyValueTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * Maps a {@link RowSchema} to the Parquet schema we write, and a file's Parquet schema to the row model
 * (with the levels of every column, see {@link ParquetField}).
 *
 * <p>Reading follows the Parquet format's logical types and its backward-compatibility rules for LIST and
 * MAP (two-level lists, unannotated repeated fields, {@code MAP_KEY_VALUE}). Types that widen: INT_8/16 and
 * UINT_8/16 to INT, UINT_32 to LONG, UINT_64 to DECIMAL(20,0) (exact, as Spark reads it), FLOAT to DOUBLE.
 * INT96 is a TIMESTAMP (Julian day and nanosecond of day, as Spark, Hive and Impala write it); a timestamp
 * not adjusted to UTC is a LOCAL_TIMESTAMP.
 */
public final class SchemaMapping {

  private SchemaMapping() {}

  /** A file's schema in the row model, the fields that locate each column, and what to read. */
  record Mapping(RowSchema schema, List<ParquetField> fields, MessageType requested, boolean projected) {}

  // ---------------------------------------------------------------- writing

  /**
   * @param schema our schema
   * @return the Parquet schema we write for it
   */
  public static MessageType toParquet(RowSchema schema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column c : schema.columns()) {
      message.addField(toParquet(c.name(), c.type(), c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED));
    }
    return message.named("row");
  }

  private static Type toParquet(String name, ColumnType t, Repetition rep) {
    return switch (t.kind()) {
      case LIST -> Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
          .addField(Types.repeatedGroup().addField(toParquet("element", t.element().type(), repetition(t.element())))
              .named("list"))
          .named(name);
      case MAP -> Types.buildGroup(rep).as(LogicalTypeAnnotation.mapType())
          .addField(Types.repeatedGroup()
              .addField(toParquet("key", t.key().type(), Repetition.REQUIRED))
              .addField(toParquet("value", t.value().type(), repetition(t.value())))
              .named("key_value"))
          .named(name);
      case STRUCT -> {
        Types.GroupBuilder<GroupType> group = Types.buildGroup(rep);
        for (Column f : t.children()) {
          group.addField(toParquet(f.name(), f.type(), repetition(f)));
        }
        yield group.named(name);
      }
      case VARIANT -> Types.buildGroup(rep).as(LogicalTypeAnnotation.variantType((byte) 1))
          .addField(Types.required(PrimitiveType.PrimitiveTypeName.BINARY).named("metadata"))
          .addField(Types.required(PrimitiveType.PrimitiveTypeName.BINARY).named("value"))
          .named(name);
      default -> ScalarKind.of(t).parquetType(name, t, rep);
    };
  }

  /**
   * How the writer holds a column's values before it encodes them: the representation of
   * {@code Vector.allocate}, and the one a batch must have for the writer to take its vectors as they are.
   *
   * @param t a column type
   * @return its written representation (a nested type's own, its parts each have theirs)
   */
  public static Physical writtenPhysical(ColumnType t) {
    return switch (t.kind()) {
      case LIST -> Physical.LIST;
      case MAP -> Physical.MAP;
      case STRUCT -> Physical.STRUCT;
      default -> ScalarKind.of(t).writtenPhysical(t);
    };
  }

  /**
   * @param t a column type
   * @return the unit the writer holds and writes its values in: MICROS for times and timestamps (as
   *     {@link #toParquet(RowSchema)} declares them), {@code null} for the other types
   */
  public static @Nullable ChronoUnit writtenUnit(ColumnType t) {
    return t.kind().isNested() ? null : ScalarKind.of(t).writtenUnit();
  }

  private static Repetition repetition(Column c) {
    return c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
  }

  // ---------------------------------------------------------------- reading

  /**
   * @param parquet a file's schema
   * @param source the file or object, for messages
   * @param options columns to skip
   * @return the row-model view of the columns read
   * @throws DataFormatException naming the column, if one the caller did not skip has no row-model type,
   *     or if a skipped column does not exist; naming the file, if its schema is not one of rows (two columns or
   *     fields of one name)
   */
  static Mapping fromParquet(MessageType parquet, String source, ReadOptions options) {
    try {
      return map(parquet, source, options);
    } catch (DataFormatException e) {
      throw e; // already names the file and the column
    } catch (InvalidInputException e) {
      // the row model refuses what the file's schema names (the caller's options are checked as such above)
      throw new DataFormatException(source + ": its schema cannot be read as rows: " + e.getMessage(), e);
    }
  }

  private static Mapping map(MessageType parquet, String source, ReadOptions options) {
    Set<String> unknown = new HashSet<>(options.skipped());
    parquet.getFields().forEach(f -> unknown.remove(f.getName()));
    if (!unknown.isEmpty()) {
      throw new DataFormatException(source + " has no column " + unknown + " to skip; its columns are "
          + parquet.getFields().stream().map(Type::getName).toList());
    }
    List<Type> kept = new ArrayList<>();
    boolean pruned = false;
    List<Column> columns = new ArrayList<>();
    List<ParquetField> fields = new ArrayList<>();
    for (Type field : parquet.getFields()) {
      if (options.skipped().contains(field.getName())) {
        continue;
      }
      ParquetField f;
      List<String> variantPath = options.variantPaths().get(field.getName());
      Type read = variantPath == null || field.isPrimitive() ? field : onPath(field.asGroupType(), variantPath);
      try {
        f = options.variants().contains(field.getName()) && unannotatedGroup(field)
            ? variant(parquet, read.asGroupType(), field.getName(), field.isRepetition(Repetition.OPTIONAL),
                field.isRepetition(Repetition.OPTIONAL) ? 1 : 0, 0, 0, 0, List.of(field.getName()), field.getName())
            : build(parquet, read, field.getName(), false, 0, 0, 0, 0, new ArrayList<>(), false);
        if (options.variants().contains(field.getName()) && f.column.type().kind() != ColumnType.Kind.VARIANT) {
          throw new DataFormatException(source + ": column " + field.getName() + " was named to be read as a VARIANT, "
              + "but its Parquet type " + field + " is not a VARIANT group");
        }
        if (variantPath != null) {
          if (f.column.type().kind() != ColumnType.Kind.VARIANT) {
            throw new DataFormatException(source + ": column " + field.getName() + " was named to be read at a "
                + "VARIANT path, but its Parquet type " + field + " is not a VARIANT group");
          }
          f = f.atVariantPath(variantPath);
        }
      } catch (Unsupported e) {
        if (options.skipUnsupported()) {
          continue;
        }
        throw new DataFormatException(source + ": column " + e.path + " has Parquet type " + e.type + ", which has no "
            + "row-model type (" + e.reason + "); leave it out with ReadOptions.skipping(\"" + field.getName()
            + "\") or skippingUnsupported()");
      }
      kept.add(read);
      pruned |= read != field;
      columns.add(f.column);
      fields.add(f);
    }
    boolean projected = pruned || kept.size() != parquet.getFieldCount();
    MessageType requested = projected ? new MessageType(parquet.getName(), kept) : parquet;
    // a projection keeps each column's path and levels, and descriptors are equal by path
    return new Mapping(new RowSchema(columns), fields, requested, projected);
  }

  /**
   * A VARIANT group (or what may be one) pruned to a path of object field names: its {@code metadata} and {@code value}
   * kept, its {@code typed_value} down to the shredded field of each name on the path and whole under the last. A
   * {@code typed_value} that shreds no field of the path's next name (an array, a primitive, an object without it)
   * is dropped where a {@code value} remains: where it holds the row, the path finds no value. Anything that is not
   * such a group is returned as it is, for the mapping to judge.
   */
  private static Type onPath(GroupType g, List<String> path) {
    if (!g.containsField("metadata") || g.getType("metadata").isRepetition(Repetition.REPEATED)) {
      return g;
    }
    List<Type> fields = new ArrayList<>();
    for (Type f : g.getFields()) {
      if (!f.getName().equals("typed_value")) {
        fields.add(f);
      }
    }
    Type typed = g.containsField("typed_value") ? typedOnPath(g, path, 0) : null;
    if (typed != null) {
      fields.add(typed);
    }
    return g.withNewFields(fields);
  }

  /** The {@code typed_value} of a value group {@code g} pruned to {@code path[k..]}, or null where it may go. */
  private static @Nullable Type typedOnPath(GroupType g, List<String> path, int k) {
    Type typed = g.getType("typed_value");
    boolean valueKept = g.containsField("value");
    if (typed.isPrimitive() || typed.getLogicalTypeAnnotation() != null) {
      return valueKept ? null : typed;
    }
    GroupType object = typed.asGroupType();
    if (!object.containsField(path.get(k))) {
      return valueKept ? null : typed;
    }
    Type field = object.getType(path.get(k));
    if (k + 1 == path.size() || field.isPrimitive()) {
      return object.withNewFields(List.of(field));
    }
    GroupType fieldGroup = field.asGroupType();
    List<Type> parts = new ArrayList<>();
    for (Type part : fieldGroup.getFields()) {
      if (!part.getName().equals("typed_value")) {
        parts.add(part);
      }
    }
    Type below = fieldGroup.containsField("typed_value") ? typedOnPath(fieldGroup, path, k + 1) : null;
    if (below != null) {
      parts.add(below);
    }
    return object.withNewFields(List.of(fieldGroup.withNewFields(parts)));
  }

  /** @return whether {@code t} is a group without annotation, not repeated: how Delta writes a VARIANT */
  private static boolean unannotatedGroup(Type t) {
    return !t.isPrimitive() && t.getLogicalTypeAnnotation() == null && !t.isRepetition(Repetition.REPEATED);
  }

  /** A column the row model cannot hold. */
  private static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;
    final String path;
    final transient Type type;
    final String reason;

    Unsupported(String path, Type type, String reason) {
      super(reason, null, false, false);
      this.path = path;
      this.type = type;
      this.reason = reason;
    }
  }

  /**
   * @param name the row-model name of the field (the Parquet name, or element/key/value)
   * @param asRequired whether the Parquet node's repetition is accounted for by an enclosing list
   * @param path the Parquet names from the top, for messages and leaf lookup
   * @param keysAsData whether the field is part of a VARIANT group, whose groups' field names are a shredded object's
   *     keys (data: empty, differing only in case, any text the format holds), not row-model names: its STRUCT
   *     fields are then named by position, the keys read from the Parquet group ({@link VariantAssembly})
   */
  private static ParquetField build(MessageType message, Type t, String name, boolean asRequired, int parentDef,
      int parentRep, int slotDef, int slotRep, List<String> path, boolean keysAsData) throws Unsupported {
    List<String> here = new ArrayList<>(path);
    here.add(t.getName());
    String where = String.join(".", here);
    Repetition repetition = asRequired ? Repetition.REQUIRED : t.getRepetition();
    if (repetition == Repetition.REPEATED) {
      // a repeated field without a LIST annotation: a required list of required elements
      int elementDef = parentDef + 1;
      int repLevel = parentRep + 1;
      ParquetField element = build(message, t, "element", true, elementDef, repLevel, elementDef, repLevel, path, keysAsData);
      return ParquetField.nested(new Column(name, ColumnType.list(element.column.type(), false), false),
          ParquetField.Shape.LIST, parentDef, slotDef, slotRep, elementDef, repLevel, List.of(element));
    }
    boolean optional = repetition == Repetition.OPTIONAL;
    int def = parentDef + (optional ? 1 : 0);
    if (t.isPrimitive()) {
      ColumnDescriptor descriptor = message.getColumnDescription(here.toArray(new String[0]));
      if (descriptor.getMaxDefinitionLevel() != def || descriptor.getMaxRepetitionLevel() != parentRep) {
        throw new Unsupported(where, t, "unexpected levels " + descriptor);
      }
      PrimitiveType p = t.asPrimitiveType();
      LeafType leaf = leafType(p);
      if (leaf == null) {
        throw new Unsupported(where, t, p.getLogicalTypeAnnotation() instanceof DecimalLogicalTypeAnnotation
            ? "the row model's decimals hold at most " + MAX_DECIMAL_PRECISION + " digits" : "no matching type");
      }
      return ParquetField.leaf(new Column(name, leaf.type, optional), def, slotDef, slotRep, descriptor, leaf.physical,
          leaf.unit);
    }
    GroupType g = t.asGroupType();
    LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
    int elementDef = def + 1;
    int repLevel = parentRep + 1;
    if (a instanceof ListLogicalTypeAnnotation) {
      if (g.getFieldCount() != 1 || !g.getType(0).isRepetition(Repetition.REPEATED)) {
        throw new Unsupported(where, t, "a LIST must hold one repeated field");
      }
      Type repeated = g.getType(0);
      boolean twoLevel = repeated.isPrimitive() || repeated.asGroupType().getFieldCount() > 1
          || repeated.getName().equals("array") || repeated.getName().equals(g.getName() + "_tuple");
      ParquetField element = twoLevel
          ? build(message, repeated, "element", true, elementDef, repLevel, elementDef, repLevel, here, keysAsData)
          : build(message, repeated.asGroupType().getType(0), "element", false, elementDef, repLevel, elementDef, repLevel,
              append(here, repeated.getName()), keysAsData);
      return ParquetField.nested(new Column(name, ColumnType.list(element.column.type(), element.column.nullable()),
          optional), ParquetField.Shape.LIST, def, slotDef, slotRep, elementDef, repLevel, List.of(element));
    }
    if (a instanceof MapLogicalTypeAnnotation || a instanceof MapKeyValueTypeAnnotation) {
      if (g.getFieldCount() != 1 || g.getType(0).isPrimitive() || !g.getType(0).isRepetition(Repetition.REPEATED)) {
        throw new Unsupported(where, t, "a MAP must hold one repeated group");
      }
      GroupType entries = g.getType(0).asGroupType();
      List<String> entryPath = append(here, entries.getName());
      if (entries.getFieldCount() < 1 || entries.getFieldCount() > 2) {
        throw new Unsupported(where, t, "a MAP's entries must be a key and a value");
      }
      ParquetField key = build(message, entries.getType(0), "key", false, elementDef, repLevel, elementDef, repLevel,
          entryPath, keysAsData);
      if (entries.getFieldCount() == 1) {
        // a map without values is the list of its keys (as the Parquet test files document it)
        ParquetField element = build(message, entries.getType(0), "element", false, elementDef, repLevel, elementDef,
            repLevel, entryPath, keysAsData);
        return ParquetField.nested(new Column(name, ColumnType.list(element.column.type(), false), optional),
            ParquetField.Shape.LIST, def, slotDef, slotRep, elementDef, repLevel, List.of(element));
      }
      if (key.column.nullable()) {
        // keys declared optional (Presto wrote such maps; pyarrow and DuckDB read them): read as the required keys
        // they must be, and a null key found in the data is refused (see NestedAssembly)
        if (key.shape != ParquetField.Shape.LEAF) {
          throw new Unsupported(where, t, "its map keys are groups that may be null");
        }
        key = key.asRequired();
      }
      ParquetField value = build(message, entries.getType(1), "value", false, elementDef, repLevel, elementDef, repLevel,
          entryPath, keysAsData);
      return ParquetField.nested(new Column(name, ColumnType.map(key.column.type(), value.column.type(),
          value.column.nullable()), optional), ParquetField.Shape.MAP, def, slotDef, slotRep, elementDef, repLevel,
          List.of(key, value));
    }
    if (a instanceof LogicalTypeAnnotation.VariantLogicalTypeAnnotation) {
      return variant(message, g, name, optional, def, parentRep, slotDef, slotRep, here, where);
    }
    if (a != null) {
      throw new Unsupported(where, t, "group annotated " + a);
    }
    // in a VARIANT, the fields of a shredded object's typed_value group are its keys (data): named by position; the
    // fields of the groups under them (value, typed_value) keep the format's names, which messages then show
    boolean keys = keysAsData && g.getName().equals("typed_value");
    List<ParquetField> children = new ArrayList<>();
    for (int i = 0; i < g.getFieldCount(); i++) {
      Type child = g.getType(i);
      children.add(build(message, child, keys ? "#" + i : child.getName(), false, def, parentRep, slotDef, slotRep,
          here, keysAsData));
    }
    List<Column> fieldColumns = children.stream().map(c -> c.column).toList();
    return ParquetField.nested(new Column(name, ColumnType.struct(new RowSchema(fieldColumns)), optional),
        ParquetField.Shape.STRUCT, def, slotDef, slotRep, -1, -1, children);
  }

  /**
   * A group annotated VARIANT (VariantEncoding.md, "Variant in Parquet"), at the top or inside a LIST, MAP or STRUCT: a
   * required binary {@code metadata}, and a binary {@code value}, a {@code typed_value} or both, read as an internal
   * STRUCT of them and made into the VARIANT's values ({@link VariantAssembly}). That STRUCT may hold nulls even where
   * the VARIANT may not: a required VARIANT under a null STRUCT, LIST or MAP has no value, which its null slot says.
   */
  private static ParquetField variant(MessageType message, GroupType g, String name, boolean optional, int def,
      int parentRep, int slotDef, int slotRep, List<String> here, String where) throws Unsupported {
    if (!g.containsField("metadata") || g.getFieldCount() > 3 || !g.containsField("value")
        && !g.containsField("typed_value")) {
      throw new Unsupported(where, g, "a VARIANT group holds a binary metadata, and a binary value, a typed_value or "
          + "both");
    }
    for (Type f : g.getFields()) {
      if (!f.getName().equals("metadata") && !f.getName().equals("value") && !f.getName().equals("typed_value")) {
        throw new Unsupported(where, g, "a VARIANT group has no field " + f.getName());
      }
    }
    Type metadata = g.getType("metadata");
    if (!binary(metadata) || !metadata.isRepetition(Repetition.REQUIRED)
        || g.containsField("value") && (!binary(g.getType("value")) || g.getType("value").isRepetition(Repetition.REPEATED))) {
      throw new Unsupported(where, g, "a VARIANT's metadata is a required BINARY and its value a BINARY");
    }
    String wrongShredding = g.containsField("typed_value") ? shredding(g.getType("typed_value")) : null;
    if (wrongShredding != null) {
      throw new Unsupported(where, g, "a shredded VARIANT's " + wrongShredding);
    }
    List<ParquetField> parts = new ArrayList<>();
    for (Type child : g.getFields()) {
      parts.add(build(message, child, child.getName(), false, def, parentRep, slotDef, slotRep, here, true));
    }
    ParquetField struct = ParquetField.nested(new Column(name, ColumnType.struct(new RowSchema(parts.stream()
        .map(p -> p.column).toList())), true), ParquetField.Shape.STRUCT, def, slotDef, slotRep, -1, -1, parts);
    return ParquetField.variant(new Column(name, ColumnType.VARIANT, optional), def, slotDef, slotRep, struct, g);
  }

  /**
   * @param typed a {@code typed_value}
   * @return what in it VariantShredding.md does not allow (its types' table, objects of required groups of a
   *     {@code value} and a {@code typed_value}, lists of such elements), or {@code null}
   */
  private static @Nullable String shredding(Type typed) {
    if (typed.isPrimitive()) {
      PrimitiveType p = typed.asPrimitiveType();
      LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
      boolean ok = switch (p.getPrimitiveTypeName()) {
        case BOOLEAN, FLOAT, DOUBLE -> a == null;
        case INT32 -> a == null || a instanceof DecimalLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
            || a instanceof IntLogicalTypeAnnotation i && i.isSigned() && i.getBitWidth() <= 32;
        case INT64 -> a == null || a instanceof DecimalLogicalTypeAnnotation
            || a instanceof IntLogicalTypeAnnotation i && i.isSigned()
            || a instanceof TimeLogicalTypeAnnotation t && t.getUnit() == TimeUnit.MICROS && !t.isAdjustedToUTC()
            || a instanceof TimestampLogicalTypeAnnotation ts && ts.getUnit() != TimeUnit.MILLIS;
        case BINARY -> a == null || a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof DecimalLogicalTypeAnnotation;
        case FIXED_LEN_BYTE_ARRAY -> a instanceof DecimalLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation && p.getTypeLength() == 16;
        default -> false;
      };
      return ok ? null : "typed_value " + p + " is not a type VariantShredding.md allows";
    }
    GroupType g = typed.asGroupType();
    if (g.getLogicalTypeAnnotation() instanceof ListLogicalTypeAnnotation) {
      if (g.getFieldCount() != 1 || g.getType(0).isPrimitive() || g.getType(0).asGroupType().getFieldCount() != 1
          || g.getType(0).asGroupType().getType(0).isPrimitive()) {
        return "typed_value list " + g.getName() + " is not a three-level LIST of groups";
      }
      return shreddedField(g.getType(0).asGroupType().getType(0).asGroupType());
    }
    if (g.getLogicalTypeAnnotation() != null || g.getFieldCount() == 0) {
      return "typed_value group " + g.getName() + " is neither an object's fields nor a LIST";
    }
    for (Type f : g.getFields()) {
      if (f.isPrimitive() || !f.isRepetition(Repetition.REQUIRED)) {
        return "shredded field " + f.getName() + " is not a required group";
      }
      String wrong = shreddedField(f.asGroupType());
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  /** A shredded field or element: a {@code value}, a {@code typed_value} or both, and nothing else. */
  private static @Nullable String shreddedField(GroupType f) {
    for (Type part : f.getFields()) {
      if (!part.getName().equals("value") && !part.getName().equals("typed_value")) {
        return "field " + f.getName() + " has a part " + part.getName() + " (a value and a typed_value only)";
      }
    }
    if (f.containsField("value") && !binary(f.getType("value"))) {
      return "field " + f.getName() + "'s value is not a BINARY";
    }
    return f.containsField("typed_value") ? shredding(f.getType("typed_value"))
        : f.containsField("value") ? null : "field " + f.getName() + " has neither a value nor a typed_value";
  }

  private static boolean binary(Type t) {
    return t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
        && t.getLogicalTypeAnnotation() == null;
  }

  private static List<String> append(List<String> path, String name) {
    List<String> out = new ArrayList<>(path);
    out.add(name);
    return out;
  }

  /** The most digits of a row-model DECIMAL ({@link ColumnType#decimal}). */
  private static final int MAX_DECIMAL_PRECISION = 38;

  /** A leaf's row-model type, and how a vector holds its values. */
  record LeafType(ColumnType type, Physical physical, @Nullable ChronoUnit unit) {}

  /** @return the row-model type of a Parquet leaf, or {@code null} if the row model has none */
  static @Nullable LeafType leafType(PrimitiveType p) {
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.UnknownLogicalTypeAnnotation) {
      // the null type (every value null): the physical type's row-model type, as DuckDB reads it
      logical = null;
    }
    if (logical instanceof DecimalLogicalTypeAnnotation d) {
      if (d.getPrecision() > MAX_DECIMAL_PRECISION) {
        // pyarrow's decimal256 and arrow-rs write up to 76 digits: a column the row model has no type for (named,
        // and skippable), not a schema that is not one of rows
        return null;
      }
      ColumnType type = ColumnType.decimal(d.getPrecision(), d.getScale());
      return switch (p.getPrimitiveTypeName()) {
        case INT32 -> new LeafType(type, Physical.INT32, null);
        case INT64 -> new LeafType(type, Physical.INT64, null);
        case BINARY, FIXED_LEN_BYTE_ARRAY -> new LeafType(type, Physical.BINARY, null);
        default -> null;
      };
    }
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return logical == null ? new LeafType(ColumnType.BOOLEAN, Physical.BOOLEAN, null) : null;
      case INT32:
        if (logical == null) {
          return new LeafType(ColumnType.INT, Physical.INT32, null);
        }
        if (logical instanceof IntLogicalTypeAnnotation i) {
          return i.isSigned() || i.getBitWidth() < 32 ? new LeafType(ColumnType.INT, Physical.INT32, null)
              : new LeafType(ColumnType.LONG, Physical.UINT32, null);
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return new LeafType(ColumnType.DATE, Physical.INT32, null);
        }
        if (logical instanceof TimeLogicalTypeAnnotation t && t.getUnit() == TimeUnit.MILLIS) {
          return new LeafType(ColumnType.TIME, Physical.INT32, ChronoUnit.MILLIS);
        }
        return null;
      case INT64:
        if (logical == null) {
          return new LeafType(ColumnType.LONG, Physical.INT64, null);
        }
        if (logical instanceof IntLogicalTypeAnnotation i) {
          return i.isSigned() ? new LeafType(ColumnType.LONG, Physical.INT64, null)
              : new LeafType(ColumnType.decimal(20, 0), Physical.UINT64, null);
        }
        if (logical instanceof TimestampLogicalTypeAnnotation ts) {
          return new LeafType(ts.isAdjustedToUTC() ? ColumnType.TIMESTAMP : ColumnType.LOCAL_TIMESTAMP, Physical.INT64,
              unit(ts.getUnit()));
        }
        if (logical instanceof TimeLogicalTypeAnnotation t && t.getUnit() != TimeUnit.MILLIS) {
          return new LeafType(ColumnType.TIME, Physical.INT64, unit(t.getUnit()));
        }
        return null;
      case INT96:
        return logical == null ? new LeafType(ColumnType.TIMESTAMP, Physical.INT96, null) : null;
      case FLOAT:
      case DOUBLE:
        return logical == null ? new LeafType(ColumnType.DOUBLE, Physical.DOUBLE, null) : null;
      case BINARY:
        if (logical == null || logical instanceof LogicalTypeAnnotation.BsonLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.GeometryLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.GeographyLogicalTypeAnnotation) {
          // GEOMETRY and GEOGRAPHY hold well-known binary (WKB), as pyarrow and DuckDB without spatial read them
          return new LeafType(ColumnType.BYTES, Physical.BINARY, null);
        }
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return new LeafType(ColumnType.STRING, Physical.BINARY, null);
        }
        return null;
      case FIXED_LEN_BYTE_ARRAY:
        if (logical instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation && p.getTypeLength() == 2) {
          // IEEE 754 half precision widens exactly to a double, as FLOAT does
          return new LeafType(ColumnType.DOUBLE, Physical.DOUBLE, null);
        }
        if (logical == null || logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.IntervalLogicalTypeAnnotation) {
          // INTERVAL: its 12 bytes (months, days, milliseconds, little-endian), as pyarrow reads it
          return new LeafType(ColumnType.BYTES, Physical.BINARY, null);
        }
        return null;
      default:
        return null;
    }
  }

  private static ChronoUnit unit(TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> ChronoUnit.MILLIS;
      case MICROS -> ChronoUnit.MICROS;
      case NANOS -> ChronoUnit.NANOS;
    };
  }
}
