package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Physical;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.Type;

/**
 * Rebuilds the vectors of a LIST, MAP or STRUCT column from the levels of one of its leaf columns (Dremel
 * record assembly, column at a time). Every leaf fills its own vector; the structure above it (null flags
 * and entry offsets) is filled by the first leaf under each node, since all leaves under a node agree on
 * it. Walking the path from the top for each (repetition, definition) pair, a node gets a new slot when
 * {@code rep <= slotRep && def >= slotDef} (see {@link ParquetField}). The leaves of a VARIANT group fill the STRUCT of
 * its parts in the VARIANT's place ({@link VariantAssembly.Parts}).
 */
final class NestedAssembly {


  private final ParquetField[] path;
  private final Vector[] vectors;
  private final boolean[] owns;
  private final LeafReader leaf;
  /**
   * Whether this leaf fills a vector above its own (it is the first leaf of a group on its path): else it fills its
   * own vector alone, and an unrepeated leaf's levels of one definition level are taken a run at a time.
   */
  private final boolean ownsAbove;
  /**
   * Whether every node above the leaf is a STRUCT (a VARIANT's parts are one): the slots of the vectors this leaf owns
   * above it then hold a null flag only, and a run of rows of one definition level opens them all at once.
   */
  private final boolean structsAbove;
  /**
   * For a repeated leaf, per (repetition, definition) pair ({@code rep * (maxDef + 1) + def}): the positions on the
   * path that pair acts on, in path order: the nodes this leaf owns that it opens a slot in, and the leaf itself when
   * it opens one there. The walk of every pair over the whole path, made once.
   */
  private final int[][] acts;
  private final int maxDef;

  /**
   * @param top a column's field
   * @param topVector its vector tree
   * @param leaf a leaf under it
   * @param variants the VARIANT groups under it: the leaves of each fill its parts, not its vector
   */
  NestedAssembly(ParquetField top, Vector topVector, LeafReader leaf, List<VariantAssembly.Parts> variants) {
    List<ParquetField> fields = new ArrayList<>();
    List<Vector> vectorPath = new ArrayList<>();
    if (!find(top, topVector, leaf.field, variants, fields, vectorPath)) {
      throw new IllegalArgumentException(leaf.field.column + " is not under " + top.column);
    }
    this.path = fields.toArray(new ParquetField[0]);
    this.vectors = vectorPath.toArray(new Vector[0]);
    this.owns = new boolean[path.length];
    for (int k = 0; k < path.length; k++) {
      owns[k] = firstLeaf(path[k]) == leaf.field;
    }
    this.leaf = leaf;
    boolean above = false;
    for (int k = 0; k < path.length - 1; k++) {
      above |= owns[k];
    }
    this.ownsAbove = above;
    boolean structs = true;
    for (int k = 0; k < path.length - 1; k++) {
      structs &= path[k].shape == ParquetField.Shape.STRUCT;
    }
    this.structsAbove = structs;
    ColumnDescriptor d = Objects.requireNonNull(leaf.field.descriptor, "a leaf has a descriptor");
    this.maxDef = d.getMaxDefinitionLevel();
    int maxRep = d.getMaxRepetitionLevel();
    this.acts = new int[(maxRep + 1) * (maxDef + 1)][];
    int last = path.length - 1;
    for (int r = 0; r <= maxRep; r++) {
      for (int def = 0; def <= maxDef; def++) {
        int[] ks = new int[path.length];
        int n = 0;
        for (int k = 0; k <= last; k++) {
          ParquetField f = path[k];
          if (r <= f.slotRep && def >= f.slotDef && (k == last || owns[k])) {
            ks[n++] = k;
          }
        }
        acts[r * (maxDef + 1) + def] = Arrays.copyOf(ks, n);
      }
    }
  }

  private static boolean find(ParquetField f, Vector v, ParquetField target, List<VariantAssembly.Parts> variants,
      List<ParquetField> fields, List<Vector> vectors) {
    if (f.shape == ParquetField.Shape.VARIANT) {
      for (VariantAssembly.Parts p : variants) {
        if (p.field() == f) {
          return find(f.children.get(0), p.parts(), target, variants, fields, vectors);
        }
      }
      throw new IllegalArgumentException("no parts for the VARIANT " + f.column);
    }
    fields.add(f);
    vectors.add(v);
    if (f == target) {
      return true;
    }
    for (int i = 0; i < f.children.size(); i++) {
      if (find(f.children.get(i), v.child(i), target, variants, fields, vectors)) {
        return true;
      }
    }
    fields.remove(fields.size() - 1);
    vectors.remove(vectors.size() - 1);
    return false;
  }

  private static ParquetField firstLeaf(ParquetField f) {
    return f.shape == ParquetField.Shape.LEAF ? f : firstLeaf(f.children.get(0));
  }

  /**
   * Reads the leaf's part of the next {@code rows} rows.
   *
   * @throws ParquetDecodingException if the leaf holds fewer rows
   */
  void read(int rows) throws IOException {
    if (!leaf.repeats()) {
      readUnrepeated(rows);
      return;
    }
    int started = 0;
    int last = path.length - 1;
    Vector leafVector = vectors[last];
    // the leaf's present values come in runs, each decoded at once, as readUnrepeated does: a run ends at an absent
    // value (whose slot needs the values before it) and at the end of a window of levels (all of one page)
    int runStart = leafVector.size();
    int run = 0;
    while (leaf.hasLevel()) {
      int r = leaf.rep();
      int d = leaf.def();
      if (r == 0) {
        if (started == rows) {
          break;
        }
        started++;
      }
      // the levels were checked against the column's maximums as their window was decoded
      for (int k : acts[r * (maxDef + 1) + d]) {
        ParquetField f = path[k];
        Vector v = vectors[k];
        if (k == last) {
          if (d >= f.presentDef) {
            int slot = v.size();
            if (run == 0) {
              runStart = slot;
            }
            run++;
            v.ensureCapacity(slot + 1);
            boolean[] nulls = v.nulls();
            if (nulls != null) {
              nulls[slot] = false;
            }
            v.setSize(slot + 1); // its value decoded with the run's
            continue;
          }
          flush(leafVector, runStart, run);
          run = 0;
          refuseNull(f, d);
          v.appendAbsent();
        } else {
          openSlot(v, f, d >= f.presentDef, vectors[k + 1]);
        }
      }
      leaf.advance();
      if (run > 0 && leaf.windowLeft() == 0) {
        flush(leafVector, runStart, run);
        run = 0;
      }
    }
    flush(leafVector, runStart, run);
    if (started != rows) {
      throw new ParquetDecodingException("column " + leaf.field.column.name() + " holds " + started + " rows where "
          + rows + " were expected");
    }
  }

  /**
   * {@link #read} for a leaf under STRUCTs (and VARIANT groups) only, which no LIST or MAP repeats: one level pair a
   * row, each opening a slot in every vector of the path. The structure above the leaf is filled a row at a time as
   * {@link #read} fills it; the leaf's present values come in runs, each decoded at once (a run ends at a null and at
   * the end of a window of levels, whose values are all on one page), not one call a value.
   */
  private void readUnrepeated(int rows) throws IOException {
    int last = path.length - 1;
    ParquetField leafField = path[last];
    Vector leafVector = vectors[last];
    int started = 0;
    while (started < rows && leaf.hasLevel()) {
      int n = Math.min(rows - started, leaf.windowLeft());
      int runStart = leafVector.size();
      int run = 0;
      if (!ownsAbove || structsAbove) {
        // a run of equal definition levels at once (a field always present, or always null, as a shredding writer's
        // typed_value and value columns mostly are): the slots of the STRUCTs this leaf owns above it, then its own
        for (int j = 0; j < n; ) {
          int d = leaf.def();
          int same = leaf.sameDefs(n - j);
          if (ownsAbove) {
            for (int k = 0; k < last; k++) {
              ParquetField f = path[k];
              if (owns[k] && d >= f.slotDef) {
                openStructSlots(vectors[k], same, d >= f.presentDef);
              }
            }
          }
          if (d >= leafField.slotDef) {
            if (d >= leafField.presentDef) {
              run += same;
            } else {
              flush(leafVector, runStart, run);
              refuseNull(leafField, d);
              leafVector.appendAbsent(same);
              runStart = leafVector.size();
              run = 0;
            }
          }
          leaf.advance(same);
          j += same;
        }
        flush(leafVector, runStart, run);
        started += n;
        continue;
      }
      for (int j = 0; j < n; j++) {
        int d = leaf.def();
        for (int k = 0; k < last; k++) {
          ParquetField f = path[k];
          if (owns[k] && d >= f.slotDef) {
            openSlot(vectors[k], f, d >= f.presentDef, vectors[k + 1]);
          }
        }
        if (d >= leafField.slotDef) {
          if (d >= leafField.presentDef) {
            run++;
          } else {
            flush(leafVector, runStart, run);
            refuseNull(leafField, d);
            leafVector.appendAbsent();
            runStart = leafVector.size();
            run = 0;
          }
        }
        leaf.advance();
      }
      flush(leafVector, runStart, run);
      started += n;
    }
    if (started != rows) {
      throw new ParquetDecodingException("column " + leaf.field.column.name() + " holds " + started + " rows where "
          + rows + " were expected");
    }
  }

  /** Decodes a run of {@code run} present values into the slots from {@code at}, the next ones of {@code v}. */
  private void flush(Vector v, int at, int run) {
    if (run == 0) {
      return;
    }
    v.ensureCapacity(at + run);
    leaf.readValues(v, at, run);
    boolean[] nulls = v.nulls();
    if (nulls != null) {
      Arrays.fill(nulls, at, at + run, false);
    }
    v.setSize(at + run);
  }

  /** Opens {@code n} slots of a STRUCT's vector, all present or all null. */
  private static void openStructSlots(Vector v, int n, boolean present) {
    int slot = v.size();
    v.ensureCapacity(slot + n);
    boolean[] nulls = v.nulls();
    if (nulls != null) {
      Arrays.fill(nulls, slot, slot + n, !present);
    }
    v.setSize(slot + n);
  }

  /**
   * @param first the vector filled in place of the first child's: the child's own, or a VARIANT's parts (whose slots
   *     become the VARIANT's values once the batch is read)
   */
  private static void openSlot(Vector v, ParquetField f, boolean present, Vector first) {
    int slot = v.size();
    v.ensureCapacity(slot + 1);
    if (f.shape != ParquetField.Shape.STRUCT) {
      int[] offsets = v.offsets();
      offsets[slot] = first.size();
      offsets[slot + 1] = offsets[slot];
    }
    boolean[] nulls = v.nulls();
    if (nulls != null) {
      nulls[slot] = !present;
    }
    v.setSize(slot + 1);
  }

  /**
   * Refuses a leaf's null where the row model has none: a leaf declared optional but read as required (a map key)
   * whose definition level says it is null.
   *
   * @throws ParquetDecodingException if it is such a null
   */
  private static void refuseNull(ParquetField f, int d) {
    if (d == f.presentDef - 1 && !f.column.nullable()
        && Objects.requireNonNull(f.descriptor, "a leaf has a descriptor").getPrimitiveType()
            .isRepetition(Type.Repetition.OPTIONAL)) {
      throw new ParquetDecodingException("a " + f.column.name() + " is null, which the row model does not allow");
    }
  }
}
