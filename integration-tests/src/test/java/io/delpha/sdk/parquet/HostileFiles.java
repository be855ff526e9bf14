package io.delpha.sdk.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * Parquet files built byte by byte, with footers and page headers that claim what their bytes cannot hold: written
 * with parquet-format's own Thrift classes (as parquet-mr writes them), so that every byte but the claim under test is
 * what a writer writes. {@link HostileSchemaTest#withFooter} frames a footer.
 */
public final class HostileFiles {

  private HostileFiles() {}

  /**
   * A file of no rows whose schema has {@code columns} optional INT32 leaf columns, and whose one row group lists a
   * column chunk for each: about 42 bytes of footer a column (100,000 columns: 4.2 MB).
   *
   * @param columns the leaf columns
   * @return the file's bytes
   */
  public static byte[] wideFile(int columns) {
    List<SchemaElement> schema = new ArrayList<>();
    SchemaElement root = new SchemaElement("schema");
    root.setNum_children(columns);
    schema.add(root);
    List<ColumnChunk> chunks = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      schema.add(leaf("c" + i, Type.INT32, FieldRepetitionType.OPTIONAL));
      chunks.add(chunk(new ColumnMetaData(Type.INT32, List.of(Encoding.PLAIN), List.of("c" + i),
          CompressionCodec.UNCOMPRESSED, 0, 0, 0, 4)));
    }
    return HostileSchemaTest.withFooter(footer(new FileMetaData(1, schema, 0, List.of(new RowGroup(chunks, 0, 0)))));
  }

  /**
   * A file of no rows whose root holds {@code leaves} INT32 columns and {@code groups} more elements (groups of no
   * fields, which a schema may not have: the count is refused before that would be found).
   */
  public static byte[] manyElementsFile(int leaves, int groups) {
    List<SchemaElement> schema = new ArrayList<>();
    SchemaElement root = new SchemaElement("schema");
    root.setNum_children(leaves + groups);
    schema.add(root);
    for (int i = 0; i < leaves; i++) {
      schema.add(leaf("c" + i, Type.INT32, FieldRepetitionType.OPTIONAL));
    }
    for (int i = 0; i < groups; i++) {
      SchemaElement group = new SchemaElement("g" + i);
      group.setRepetition_type(FieldRepetitionType.OPTIONAL);
      schema.add(group);
    }
    return HostileSchemaTest.withFooter(footer(new FileMetaData(1, schema, 0, List.of())));
  }

  /**
   * A file of one required INT32 column {@code c} of {@code rows} rows (all 7), UNCOMPRESSED: a dictionary page of
   * 16 bytes (the values 7, 8, 9, 10) whose header claims {@code claimed} entries, then one data page of ids (bit width
   * 2, one RLE run of id 0). With {@code claimed} 4 it reads as {@code rows} rows of 7.
   *
   * @param claimed the entries the dictionary page's header claims
   * @param rows the rows
   * @return the file's bytes
   */
  public static byte[] dictionaryClaimFile(int claimed, int rows) {
    byte[] dictionary = littleEndianInts(7, 8, 9, 10);
    PageHeader dictionaryHeader = new PageHeader(PageType.DICTIONARY_PAGE, dictionary.length, dictionary.length);
    dictionaryHeader.setDictionary_page_header(new DictionaryPageHeader(claimed, Encoding.PLAIN));
    ByteArrayOutputStream ids = new ByteArrayOutputStream();
    ids.write(2); // bit width
    rleRun(ids, rows, 0, 1);
    byte[] data = ids.toByteArray();
    PageHeader dataHeader = new PageHeader(PageType.DATA_PAGE, data.length, data.length);
    dataHeader.setData_page_header(new DataPageHeader(rows, Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.RLE));
    return oneColumnFile(leaf("c", Type.INT32, FieldRepetitionType.REQUIRED), List.of(), rows, rows,
        CompressionCodec.UNCOMPRESSED, true, page(dictionaryHeader, dictionary), page(dataHeader, data));
  }

  /**
   * A file of one row whose one column, a nullable {@code list<long>} {@code l}, holds {@code elements} null
   * elements: two RLE runs of repetition levels and one of definition levels, about 30 bytes of page however many
   * elements it claims.
   *
   * @param elements the null elements of the row's list
   * @return the file's bytes
   */
  public static byte[] nullElementsFile(int elements) {
    ByteArrayOutputStream reps = new ByteArrayOutputStream();
    rleRun(reps, 1, 0, 1); // the row starts
    rleRun(reps, elements - 1L, 1, 1); // the list goes on
    ByteArrayOutputStream defs = new ByteArrayOutputStream();
    rleRun(defs, elements, 2, 1); // an element, null
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(lengthPrefixed(reps.toByteArray()));
    body.writeBytes(lengthPrefixed(defs.toByteArray()));
    byte[] page = body.toByteArray();
    PageHeader header = new PageHeader(PageType.DATA_PAGE, page.length, page.length);
    header.setData_page_header(new DataPageHeader(elements, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
    SchemaElement list = new SchemaElement("l");
    list.setRepetition_type(FieldRepetitionType.OPTIONAL);
    list.setNum_children(1);
    list.setConverted_type(org.apache.parquet.format.ConvertedType.LIST);
    SchemaElement entry = new SchemaElement("list");
    entry.setRepetition_type(FieldRepetitionType.REPEATED);
    entry.setNum_children(1);
    return oneColumnFile(leaf("element", Type.INT64, FieldRepetitionType.OPTIONAL), List.of(list, entry), 1, elements,
        CompressionCodec.UNCOMPRESSED, false, page(header, page));
  }

  /**
   * A file of one row whose one column holds a VARIANT of {@code elements} elements, null or the variant null, in
   * pages of about 30 bytes however many it claims: a top-level VARIANT shredded as an array (a {@code typed_value}
   * LIST of elements of a binary {@code value}, each null: a missing element, the variant null), or a LIST of
   * unshredded VARIANTs, each null.
   *
   * @param elements the elements
   * @param shredded which of the two
   * @return the file's bytes
   */
  public static byte[] variantElementsFile(int elements, boolean shredded) {
    List<SchemaElement> schema = new ArrayList<>();
    SchemaElement root = new SchemaElement("schema");
    root.setNum_children(1);
    schema.add(root);
    List<Chunk> chunks = new ArrayList<>();
    byte[] emptyMetadata = {1, 0, 0}; // version 1, no field names
    if (shredded) {
      schema.add(variantGroup("v", FieldRepetitionType.OPTIONAL, 3));
      schema.add(leaf("metadata", Type.BYTE_ARRAY, FieldRepetitionType.REQUIRED));
      schema.add(leaf("value", Type.BYTE_ARRAY, FieldRepetitionType.OPTIONAL));
      schema.add(listGroup("typed_value", FieldRepetitionType.OPTIONAL));
      schema.add(group("list", FieldRepetitionType.REPEATED, 1));
      schema.add(group("element", FieldRepetitionType.REQUIRED, 1));
      schema.add(leaf("value", Type.BYTE_ARRAY, FieldRepetitionType.OPTIONAL));
      chunks.add(levelsChunk(List.of("v", "metadata"), 1, 0, 0, 1, 1, plainBinary(emptyMetadata)));
      chunks.add(levelsChunk(List.of("v", "value"), 1, 0, 0, 2, 1, new byte[0]));
      chunks.add(levelsChunk(List.of("v", "typed_value", "list", "element", "value"), elements, 1, elements, 4, 3,
          new byte[0]));
    } else {
      schema.add(listGroup("l", FieldRepetitionType.OPTIONAL));
      schema.add(group("list", FieldRepetitionType.REPEATED, 1));
      schema.add(variantGroup("element", FieldRepetitionType.OPTIONAL, 2));
      schema.add(leaf("metadata", Type.BYTE_ARRAY, FieldRepetitionType.REQUIRED));
      schema.add(leaf("value", Type.BYTE_ARRAY, FieldRepetitionType.REQUIRED));
      for (String part : List.of("metadata", "value")) {
        chunks.add(levelsChunk(List.of("l", "list", "element", part), elements, 1, elements, 3, 2, new byte[0]));
      }
    }
    return columnsFile(schema, 1, CompressionCodec.UNCOMPRESSED, chunks);
  }

  /** A group annotated VARIANT (specification version 1) of {@code children} fields. */
  public static SchemaElement variantGroup(String name, FieldRepetitionType repetition, int children) {
    SchemaElement g = group(name, repetition, children);
    org.apache.parquet.format.LogicalType variant = new org.apache.parquet.format.LogicalType();
    variant.setVARIANT(new org.apache.parquet.format.VariantType());
    g.setLogicalType(variant);
    return g;
  }

  /** A group annotated LIST, of one child. */
  public static SchemaElement listGroup(String name, FieldRepetitionType repetition) {
    SchemaElement g = group(name, repetition, 1);
    g.setConverted_type(org.apache.parquet.format.ConvertedType.LIST);
    return g;
  }

  /** A group's schema element. */
  public static SchemaElement group(String name, FieldRepetitionType repetition, int children) {
    SchemaElement g = new SchemaElement(name);
    g.setRepetition_type(repetition);
    g.setNum_children(children);
    return g;
  }

  /**
   * A chunk of one data page (v1, PLAIN) whose levels are RLE runs: a row starts (repetition 0), then {@code values -
   * 1} repeated values (repetition {@code rep}); every value at definition level {@code def}.
   *
   * @param path the leaf's path
   * @param values the values the page counts
   * @param rep the repetition level after the first value (0 for a leaf that does not repeat)
   * @param repeated how many values the repetition levels hold (0: none, the leaf does not repeat)
   * @param maxDef the leaf's maximum definition level
   * @param def every value's definition level
   * @param plainValues the non-null values, PLAIN encoded
   */
  private static Chunk levelsChunk(List<String> path, int values, int rep, int repeated, int maxDef, int def,
      byte[] plainValues) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (repeated > 0) {
      ByteArrayOutputStream reps = new ByteArrayOutputStream();
      rleRun(reps, 1, 0, 1);
      if (repeated > 1) {
        rleRun(reps, repeated - 1L, rep, 1);
      }
      body.writeBytes(lengthPrefixed(reps.toByteArray()));
    }
    if (maxDef > 0) {
      ByteArrayOutputStream defs = new ByteArrayOutputStream();
      rleRun(defs, values, def, 1);
      body.writeBytes(lengthPrefixed(defs.toByteArray()));
    }
    body.writeBytes(plainValues);
    byte[] page = body.toByteArray();
    PageHeader header = new PageHeader(PageType.DATA_PAGE, page.length, page.length);
    header.setData_page_header(new DataPageHeader(values, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
    return new Chunk(path, Type.BYTE_ARRAY, values, false, List.of(page(header, page)));
  }

  /** @return one BINARY value, PLAIN: its length (4 bytes, little-endian), then its bytes */
  public static byte[] plainBinary(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(littleEndianInts(value.length));
    out.writeBytes(value);
    return out.toByteArray();
  }

  /**
   * A column chunk of {@link #columnsFile}.
   *
   * @param path the leaf's path
   * @param type its physical type
   * @param values the values the chunk counts
   * @param dictionaryFirst whether the first page is a dictionary page
   * @param pages the pages, each a header and its body ({@link #page})
   */
  public record Chunk(List<String> path, Type type, long values, boolean dictionaryFirst, List<byte[]> pages) {}

  /**
   * A file of one leaf column in one row group.
   *
   * @param leaf the leaf's schema element
   * @param groups the groups above it, outermost first (each of one child; their names make the leaf's path)
   * @param rows the row group's rows
   * @param values the column chunk's value count
   * @param codec its codec
   * @param dictionaryFirst whether the first page is a dictionary page
   * @param pages the chunk's pages, each a header and its body ({@link #page})
   * @return the file's bytes
   */
  public static byte[] oneColumnFile(SchemaElement leaf, List<SchemaElement> groups, long rows, long values,
      CompressionCodec codec, boolean dictionaryFirst, byte[]... pages) {
    List<SchemaElement> schema = new ArrayList<>();
    SchemaElement root = new SchemaElement("schema");
    root.setNum_children(1);
    schema.add(root);
    List<String> path = new ArrayList<>();
    for (SchemaElement g : groups) {
      schema.add(g);
      path.add(g.getName());
    }
    schema.add(leaf);
    path.add(leaf.getName());
    return columnsFile(schema, rows, codec, List.of(new Chunk(path, leaf.getType(), values, dictionaryFirst,
        List.of(pages))));
  }

  /**
   * A file of one row group.
   *
   * @param schema its schema elements, the root first
   * @param rows the row group's rows
   * @param codec the chunks' codec
   * @param chunks a chunk per leaf, in the schema's order
   * @return the file's bytes
   */
  public static byte[] columnsFile(List<SchemaElement> schema, long rows, CompressionCodec codec, List<Chunk> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'P', 'A', 'R', '1'});
    List<ColumnChunk> metas = new ArrayList<>();
    long total = 0;
    for (Chunk c : chunks) {
      long start = out.size();
      for (byte[] p : c.pages()) {
        out.writeBytes(p);
      }
      long chunkBytes = out.size() - start;
      total += chunkBytes;
      ColumnMetaData meta = new ColumnMetaData(c.type(), List.of(Encoding.PLAIN, Encoding.RLE,
          Encoding.RLE_DICTIONARY), c.path(), codec, c.values(), chunkBytes, chunkBytes,
          c.dictionaryFirst() ? start + c.pages().get(0).length : start);
      if (c.dictionaryFirst()) {
        meta.setDictionary_page_offset(start);
      }
      metas.add(chunk(meta));
    }
    byte[] footer = footer(new FileMetaData(1, schema, rows, List.of(new RowGroup(metas, total, rows))));
    byte[] body = out.toByteArray();
    byte[] framed = HostileSchemaTest.withFooter(footer);
    // withFooter starts with its own magic: the pages go between it and the footer
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(body);
    file.write(framed, 4, framed.length - 4);
    return file.toByteArray();
  }

  /** A leaf's schema element. */
  public static SchemaElement leaf(String name, Type type, FieldRepetitionType repetition) {
    SchemaElement e = new SchemaElement(name);
    e.setType(type);
    e.setRepetition_type(repetition);
    return e;
  }

  /** A page: its Thrift header, then its body. */
  public static byte[] page(PageHeader header, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Util.writePageHeader(header, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Appends an RLE run of {@code count} times {@code value}, stored in {@code valueBytes} bytes. */
  public static void rleRun(ByteArrayOutputStream out, long count, int value, int valueBytes) {
    varint(out, count << 1);
    for (int i = 0; i < valueBytes; i++) {
      out.write(value >>> (8 * i));
    }
  }

  /** Appends an unsigned LEB128 varint. */
  public static void varint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** @return the bytes with their length before them (4 bytes, little-endian): a v1 page's RLE levels */
  public static byte[] lengthPrefixed(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(littleEndianInts(bytes.length));
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  /** @return the values, 4 bytes each, little-endian */
  public static byte[] littleEndianInts(int... values) {
    byte[] out = new byte[4 * values.length];
    for (int i = 0; i < values.length; i++) {
      for (int k = 0; k < 4; k++) {
        out[4 * i + k] = (byte) (values[i] >>> (8 * k));
      }
    }
    return out;
  }

  private static ColumnChunk chunk(ColumnMetaData meta) {
    ColumnChunk chunk = new ColumnChunk(meta.getData_page_offset());
    chunk.setMeta_data(meta);
    return chunk;
  }

  private static byte[] footer(FileMetaData metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Util.writeFileMetaData(metadata, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
