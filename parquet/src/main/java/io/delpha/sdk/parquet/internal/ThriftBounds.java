package io.delpha.sdk.parquet.internal;

import java.io.IOException;

/**
 * Checks a footer's Thrift compact encoding before parquet-format decodes it, which it does trusting every count:
 * a list that claims two billion elements is allocated as such ({@code OutOfMemoryError} from a 20-byte footer), and
 * an unknown field is skipped by a recursion as deep as its structs nest ({@code StackOverflowError}). This walk is
 * iterative and refuses, before anything is allocated:
 * <ul>
 *   <li>structs, lists, sets and maps nested more than {@value #MAX_NESTING} deep (a real footer nests about ten:
 *       file, row groups, row group, columns, column chunk, column metadata, statistics, ...; Thrift C++ refuses
 *       beyond 64 by default);</li>
 *   <li>a list, set or map claiming more elements than the bytes left could hold (every element takes at least one
 *       byte, a double eight), and a string or binary longer than the bytes left;</li>
 *   <li>a footer that ends inside its struct.</li>
 * </ul>
 * The walk also counts what the footer holds (its {@link Counts}: schema elements, leaf columns, column chunks per row
 * group), so that {@code ParquetFooter} can refuse a schema beyond its ceilings before parquet-format makes one object
 * of it. The counts are of elements the walk has read, not of what a list's header claims.
 */
final class ThriftBounds {

  /** The deepest nesting of structs and containers a footer may have. */
  static final int MAX_NESTING = 64;

  private static final int STOP = 0;
  private static final int TRUE = 1;
  private static final int FALSE = 2;
  private static final int BYTE = 3;
  private static final int I16 = 4;
  private static final int I32 = 5;
  private static final int I64 = 6;
  private static final int DOUBLE = 7;
  private static final int BINARY = 8;
  private static final int LIST = 9;
  private static final int SET = 10;
  private static final int MAP = 11;
  private static final int STRUCT = 12;
  private static final int UUID = 13;

  /** FileMetaData's fields: {@code 2: list<SchemaElement> schema}, {@code 4: list<RowGroup> row_groups}. */
  private static final int FILE_SCHEMA = 2;
  private static final int FILE_ROW_GROUPS = 4;
  /** SchemaElement's {@code 1: optional Type type}: set on a leaf column only. */
  private static final int ELEMENT_TYPE = 1;
  /** RowGroup's {@code 1: list<ColumnChunk> columns}. */
  private static final int ROW_GROUP_COLUMNS = 1;

  /** What an open level is, for the counts: nothing counted, or one of these. */
  private static final int OTHER = 0;
  private static final int SCHEMA_LIST = 1;
  private static final int SCHEMA_ELEMENT = 2;
  private static final int ROW_GROUP_LIST = 3;
  private static final int ROW_GROUP = 4;

  /**
   * What a footer holds, counted as its bytes were walked.
   *
   * @param schemaElements the elements of the schema (groups and leaves, the root included)
   * @param leafColumns the schema elements with a physical type: the file's leaf columns
   * @param rowGroups the row groups
   * @param mostChunksInARowGroup the most column chunks one row group lists
   */
  record Counts(long schemaElements, long leafColumns, long rowGroups, long mostChunksInARowGroup) {}

  private final byte[] bytes;
  private int pos;
  private long schemaElements;
  private long leafColumns;
  private long rowGroups;
  private long mostChunks;

  private ThriftBounds(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * @param footer the footer's bytes (a {@code FileMetaData} struct, compact protocol)
   * @return what it holds
   * @throws IOException naming what is out of bounds
   */
  static Counts check(byte[] footer) throws IOException {
    ThriftBounds walk = new ThriftBounds(footer);
    walk.walk();
    return new Counts(walk.schemaElements, walk.leafColumns, walk.rowGroups, walk.mostChunks);
  }

  private void walk() throws IOException {
    // per open level: for a struct, -1; for a container, the elements still to read (a map counts keys and values)
    long[] remaining = new long[MAX_NESTING + 1];
    int[] elementType = new int[MAX_NESTING + 1]; // a container's element type; a map's value type in valueType
    int[] valueType = new int[MAX_NESTING + 1];
    int[] lastField = new int[MAX_NESTING + 1]; // in a struct: the id of its last field (ids may come as deltas)
    int[] role = new int[MAX_NESTING + 1]; // what the level is, for the counts
    int depth = 0;
    remaining[0] = -1; // the FileMetaData struct
    // every step reads a byte or opens or closes a level, and a level is opened at most once per byte read: a walk
    // longer than this is a bug in the walk, reported as a refused footer rather than a spinning thread
    long steps = 0;
    long maxSteps = 4L * bytes.length + 2L * MAX_NESTING + 16;
    while (depth >= 0) {
      if (++steps > maxSteps) {
        throw new IOException("the footer's Thrift encoding could not be walked in " + maxSteps + " steps");
      }
      int type;
      int field = -1; // the field's id, for a struct's field
      if (remaining[depth] < 0) { // in a struct: the next field's header
        int header = next();
        if (header == STOP) {
          depth--;
          continue;
        }
        type = header & 0x0f;
        if ((header & 0xf0) == 0) {
          long zigzag = varint(); // a field id that is not a small delta: an i16, zigzag-encoded
          field = (int) (zigzag >>> 1 ^ -(zigzag & 1));
        } else {
          field = lastField[depth] + (header >>> 4);
        }
        lastField[depth] = field;
        if (type == STOP) {
          depth--; // as Thrift reads it: a field of type STOP ends the struct, whatever its id
          continue;
        }
        if (role[depth] == SCHEMA_ELEMENT && field == ELEMENT_TYPE) {
          leafColumns++;
        }
        if (type == TRUE || type == FALSE) {
          continue; // a struct field's boolean is its type
        }
      } else if (remaining[depth] == 0) {
        depth--;
        continue;
      } else {
        long left = remaining[depth]--;
        type = valueType[depth] >= 0 && left % 2 == 1 ? valueType[depth] : elementType[depth];
        if (type == TRUE || type == FALSE) {
          next(); // a container's boolean is one byte
          continue;
        }
      }
      switch (type) {
        case BYTE -> skip(1);
        case I16, I32, I64 -> varint();
        case DOUBLE -> skip(8);
        case UUID -> skip(16);
        case BINARY -> {
          long length = varint();
          if (length < 0 || length > bytes.length - pos) { // a varint past 2^63 reads negative
            throw new IOException("the footer's Thrift encoding holds a string of " + length + " bytes where "
                + (bytes.length - pos) + " are left");
          }
          skip((int) length);
        }
        case STRUCT, LIST, SET, MAP -> {
          if (depth + 1 > MAX_NESTING) {
            throw new IOException("the footer's Thrift encoding nests structs and lists more than " + MAX_NESTING
                + " deep");
          }
          int parent = role[depth];
          depth++;
          role[depth] = roleOf(parent, depth, field, type);
          if (type == STRUCT) {
            remaining[depth] = -1;
            lastField[depth] = 0;
            if (role[depth] == SCHEMA_ELEMENT) {
              schemaElements++;
            } else if (role[depth] == ROW_GROUP) {
              rowGroups++;
            }
            continue;
          }
          long count;
          if (type == MAP) {
            count = varint();
            int kinds = count == 0 ? 0 : next();
            elementType[depth] = kinds >> 4 & 0x0f;
            valueType[depth] = kinds & 0x0f;
          } else {
            int header = next();
            count = header >> 4 & 0x0f;
            if (count == 15) {
              count = varint();
            }
            elementType[depth] = header & 0x0f;
            valueType[depth] = -1;
          }
          if (count != 0) {
            int minBytes = minBytes(elementType[depth]) + (type == MAP ? minBytes(valueType[depth]) : 0);
            if (count < 0 || count > (bytes.length - pos) / minBytes) {
              throw new IOException("the footer's Thrift encoding holds a list or map claiming " + count
                  + " elements where " + (bytes.length - pos) + " bytes are left");
            }
          }
          remaining[depth] = type == MAP ? 2 * count : count;
          if (parent == ROW_GROUP && field == ROW_GROUP_COLUMNS) {
            mostChunks = Math.max(mostChunks, count);
          }
        }
        default -> throw new IOException("the footer's Thrift encoding holds an unknown type " + type);
      }
    }
  }

  /**
   * @param parent the role of the level a struct or container opens in
   * @param depth the new level's depth (1: a field of FileMetaData)
   * @param field the struct field it is the value of, or -1 for a container's element
   * @param type its Thrift type
   * @return its role
   */
  private static int roleOf(int parent, int depth, int field, int type) {
    if (depth == 1 && type == LIST) {
      return field == FILE_SCHEMA ? SCHEMA_LIST : field == FILE_ROW_GROUPS ? ROW_GROUP_LIST : OTHER;
    }
    if (type == STRUCT && field < 0) {
      return parent == SCHEMA_LIST ? SCHEMA_ELEMENT : parent == ROW_GROUP_LIST ? ROW_GROUP : OTHER;
    }
    return OTHER;
  }

  private static int minBytes(int type) throws IOException {
    return switch (type) {
      case TRUE, FALSE, BYTE, I16, I32, I64, BINARY, LIST, SET, MAP, STRUCT -> 1;
      case DOUBLE -> 8;
      case UUID -> 16;
      default -> throw new IOException("the footer's Thrift encoding holds a list of unknown type " + type);
    };
  }

  private int next() throws IOException {
    if (pos >= bytes.length) {
      throw new IOException("the footer ends inside its Thrift struct");
    }
    return bytes[pos++] & 0xff;
  }

  private void skip(int n) throws IOException {
    if (n < 0 || n > bytes.length - pos) { // never backwards: a negative length would walk the same bytes forever
      throw new IOException("the footer ends inside its Thrift struct");
    }
    pos += n;
  }

  /** An unsigned LEB128 varint of at most 10 bytes (zigzag decoding does not matter for bounds but for sign). */
  private long varint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = next();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("the footer's Thrift encoding holds a varint longer than 10 bytes");
  }
}
