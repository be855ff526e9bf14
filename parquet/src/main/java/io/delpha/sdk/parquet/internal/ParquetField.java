package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.Physical;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.jspecify.annotations.Nullable;

/**
 * One column of the row model laid over the Parquet schema: the Dremel levels that locate its values.
 *
 * <p>A value of a node exists in a (repetition, definition) level pair of one of its leaf columns when
 * {@code rep <= slotRep && def >= slotDef}: {@code slotRep} is the repetition level of the nearest
 * enclosing list (0 at the top), {@code slotDef} the definition level at which that list has an element.
 * The value is non-null when {@code def >= presentDef}; a LIST or MAP has at least one entry when {@code
 * def >= elementDef}, and its entries repeat at level {@code repLevel}.
 */
final class ParquetField {


  /**
   * LEAF, LIST, MAP, STRUCT as in the row model; VARIANT: a group annotated VARIANT (a column, or inside a LIST, MAP or
   * STRUCT), whose one child is the group read as a STRUCT of its {@code metadata}, {@code value} and {@code
   * typed_value} (what {@code NestedAssembly} fills in the VARIANT's place), made into the VARIANT's BINARY vector by
   * {@code VariantAssembly}.
   */
  enum Shape { LEAF, LIST, MAP, STRUCT, VARIANT }

  final Column column;
  final Shape shape;
  final int presentDef;
  final int slotDef;
  final int slotRep;
  final int elementDef;
  final int repLevel;
  final List<ParquetField> children;
  /** The leaf's column, physical type and time unit: {@code null} for a LIST, MAP or STRUCT. */
  final @Nullable ColumnDescriptor descriptor;
  final @Nullable Physical physical;
  final @Nullable ChronoUnit unit;
  /** A VARIANT's Parquet group (its shredding's types), else {@code null}. */
  final @Nullable GroupType variantGroup;
  /**
   * The object field names of the one value a VARIANT column is read as ({@code ReadOptions.readingVariantPath}), its
   * group then holding only the columns on that path; {@code null} for the whole variant.
   */
  final @Nullable List<String> variantPath;

  private ParquetField(Column column, Shape shape, int presentDef, int slotDef, int slotRep, int elementDef, int repLevel,
      List<ParquetField> children, @Nullable ColumnDescriptor descriptor, @Nullable Physical physical,
      @Nullable ChronoUnit unit) {
    this(column, shape, presentDef, slotDef, slotRep, elementDef, repLevel, children, descriptor, physical, unit, null,
        null);
  }

  private ParquetField(Column column, Shape shape, int presentDef, int slotDef, int slotRep, int elementDef, int repLevel,
      List<ParquetField> children, @Nullable ColumnDescriptor descriptor, @Nullable Physical physical,
      @Nullable ChronoUnit unit, @Nullable GroupType variantGroup, @Nullable List<String> variantPath) {
    this.variantGroup = variantGroup;
    this.variantPath = variantPath == null ? null : List.copyOf(variantPath);
    this.column = column;
    this.shape = shape;
    this.presentDef = presentDef;
    this.slotDef = slotDef;
    this.slotRep = slotRep;
    this.elementDef = elementDef;
    this.repLevel = repLevel;
    this.children = List.copyOf(children);
    this.descriptor = descriptor;
    this.physical = physical;
    this.unit = unit;
  }

  static ParquetField leaf(Column column, int presentDef, int slotDef, int slotRep, ColumnDescriptor descriptor,
      Physical physical, @Nullable ChronoUnit unit) {
    return new ParquetField(column, Shape.LEAF, presentDef, slotDef, slotRep, -1, -1, List.of(), descriptor, physical, unit);
  }

  static ParquetField nested(Column column, Shape shape, int presentDef, int slotDef, int slotRep, int elementDef,
      int repLevel, List<ParquetField> children) {
    return new ParquetField(column, shape, presentDef, slotDef, slotRep, elementDef, repLevel, children, null, null, null);
  }

  /**
   * @return this leaf with a column that may not hold nulls, its levels unchanged: a value absent at its level
   *     is then an error in the data, not a null
   */
  static ParquetField variant(Column column, int presentDef, int slotDef, int slotRep, ParquetField struct,
      GroupType group) {
    return new ParquetField(column, Shape.VARIANT, presentDef, slotDef, slotRep, -1, -1, List.of(struct), null, null,
        null, group, null);
  }

  /**
   * @param path object field names
   * @return this VARIANT read as the value at the path of its variants: a column that may hold nulls (a variant may
   *     have no value there), its group the one it was made of (pruned to the path by the caller)
   */
  ParquetField atVariantPath(List<String> path) {
    return new ParquetField(new Column(column.name(), column.type(), true), shape, presentDef, slotDef, slotRep,
        elementDef, repLevel, children, descriptor, physical, unit, variantGroup, path);
  }

  ParquetField asRequired() {
    return new ParquetField(new Column(column.name(), column.type(), false), shape, presentDef, slotDef, slotRep,
        elementDef, repLevel, children, descriptor, physical, unit, variantGroup, variantPath);
  }

  /**
   * @return whether this is a primitive column that never repeats: for a top-level field, the fast path; a leaf
   *     under a STRUCT is one too, but is read through its struct's assembly
   */
  boolean isFlat() {
    return shape == Shape.LEAF
        && Objects.requireNonNull(descriptor, "a leaf has a descriptor").getMaxRepetitionLevel() == 0;
  }

  /** @return a vector tree for this field's values */
  Vector newVector() {
    if (shape == Shape.LEAF) {
      return Vector.leaf(column, Objects.requireNonNull(physical, "a leaf has a physical type"), unit);
    }
    if (shape == Shape.VARIANT) {
      return Vector.leaf(column, Physical.BINARY, null); // the metadata followed by the value
    }
    List<Vector> parts = new ArrayList<>(children.size());
    for (ParquetField c : children) {
      parts.add(c.newVector());
    }
    return Vector.nested(column, parts);
  }

  /** @param out receives the leaves under this field, in schema order */
  void collectLeaves(List<ParquetField> out) {
    if (shape == Shape.LEAF) {
      out.add(this);
    } else {
      for (ParquetField c : children) {
        c.collectLeaves(out);
      }
    }
  }
}
