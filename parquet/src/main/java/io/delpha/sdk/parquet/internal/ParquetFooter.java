package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.internal.ParquetMagic;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.internal.crypto.DecryptionFailure;
import io.delpha.sdk.parquet.internal.crypto.FileDecryptor;
import io.delpha.sdk.parquet.internal.crypto.ModuleCipher;
import io.delpha.sdk.parquet.internal.crypto.ModuleType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.parquet.SemanticVersion;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.schema.EdgeInterpolationAlgorithm;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnCryptoMetaData;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileCryptoMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.OriginalType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * Reads a file's footer the way readers of other engines do, where parquet-hadoop's own reading fails on
 * files that pyarrow and DuckDB read:
 * <ul>
 *   <li>a logical type this parquet-format version does not know (a Thrift union member it cannot name) is
 *       dropped, so the column reads as its physical type (parquet-hadoop's converter throws a
 *       NullPointerException on it);</li>
 *   <li>files of parquet-mr 1.2.8 and older (and those that name no version) left the dictionary page header
 *       out of a column chunk's size (PARQUET-816, IMPALA-694): as parquet-cpp does, each chunk is read up to
 *       100 bytes further, within the file;</li>
 *   <li>an encrypted file (Parquet modular encryption) is decrypted with the keys the read was given (its encrypted
 *       footer, or its plaintext footer's signature verified when the footer key is known, and the metadata of columns
 *       encrypted with keys of their own), or refused as such without keys, not as a corrupt one; a decrypted footer
 *       goes through the same bounds as a plaintext one;</li>
 *   <li>a footer whose Thrift encoding claims more than its bytes hold, or nests without end, is refused before
 *       parquet-format decodes it ({@link ThriftBounds});</li>
 *   <li>a schema of more than {@value #MAX_COLUMNS} leaf columns or {@value #MAX_SCHEMA_ELEMENTS} elements, or a
 *       row group listing more column chunks than the schema has leaf columns, is refused as such ({@link
 *       SchemaTooWideException}), counted by {@link ThriftBounds} on the footer's bytes before parquet-format makes
 *       an object of them: each column costs the reader objects and buffers of its own;</li>
 *   <li>a schema nesting more than {@value #MAX_SCHEMA_DEPTH} levels is refused as such ({@link
 *       SchemaTooDeepException}), checked on the footer's flat list of elements before any tree is built: every
 *       later step (the tree, parquet-column's own types, our mapping) recurses once per level.</li>
 * </ul>
 */
final class ParquetFooter {

  /** parquet-cpp's {@code kMaxDictHeaderSize}: the most a dictionary page header takes. */
  private static final int MAX_DICTIONARY_HEADER_BYTES = 100;
  private static final SemanticVersion PARQUET_816_FIXED = new SemanticVersion(1, 2, 9);

  /**
   * The most levels of nesting a file's schema may have (a top-level column is level 1, a field of a struct
   * column level 2, ...). Real files nest a few levels, rarely a few dozen; the deepest legitimate ones are
   * shredded VARIANT columns, whose 50 logical levels (Iceberg's and Paimon's cap) take up to about 160 group
   * levels (Doris raised its bound to 192 for them; Arrow C++ refuses beyond 100 by default). A schema nesting
   * thousands of groups is hostile: each level costs the reader and the row model stack frames (5,000 levels
   * overflowed a thread's default 1 MiB stack; rows 1,000 levels deep came within a few frames of it), so the bound
   * is 500, which reads with room to spare on the JVM's default stack.
   */
  static final int MAX_SCHEMA_DEPTH = 500;

  /**
   * The most leaf columns a file's schema may have. Real wide tables have a few thousand (Spark's and pandas' widest
   * feature tables, DuckDB's own tests of wide files); each leaf costs the reader a column descriptor, a leaf reader
   * with its buffers and a vector, so a footer of a few MB declaring 100,000 columns would take the heap of a small
   * JVM before the first row. Read with room to spare: 10,000.
   */
  static final int MAX_COLUMNS = 10_000;

  /**
   * The most elements (groups and leaves, the root included) a file's schema may have: ten per leaf column of
   * {@link #MAX_COLUMNS}, which no real nesting of lists, maps and structs approaches (a LIST of primitives takes 3
   * elements, a MAP 4, a struct one per field and one of its own).
   */
  static final int MAX_SCHEMA_ELEMENTS = 10 * MAX_COLUMNS;

  private ParquetFooter() {}

  /** A schema beyond one of this reader's ceilings, which it refuses rather than read. */
  abstract static class SchemaLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    SchemaLimitException(String message) {
      super(message);
    }
  }

  /**
   * A schema of more than {@link #MAX_COLUMNS} leaf columns or {@link #MAX_SCHEMA_ELEMENTS} elements, or a row group
   * of more column chunks than the schema has leaf columns.
   */
  static final class SchemaTooWideException extends SchemaLimitException {
    private static final long serialVersionUID = 1L;

    SchemaTooWideException(String message) {
      super(message);
    }
  }

  /** A schema nesting deeper than {@link #MAX_SCHEMA_DEPTH}. */
  static final class SchemaTooDeepException extends SchemaLimitException {
    private static final long serialVersionUID = 1L;

    SchemaTooDeepException(int depth) {
      super("its schema nests at least " + depth + " levels deep (groups within groups); this reader reads schemas "
          + "of at most " + MAX_SCHEMA_DEPTH + " levels");
    }
  }

  /** A file encrypted with Parquet modular encryption, read without keys. */
  static final class EncryptedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    EncryptedFileException(String what) {
      super(what + " (Parquet modular encryption); read it with its keys: ReadOptions.withDecryption(FileDecryption)");
    }
  }

  /**
   * A footer read.
   *
   * @param metadata the file's metadata, the metadata of encrypted columns decrypted where their keys are known
   * @param decryptor the file's decryption, if it is encrypted
   */
  record Read(FileMetaData metadata, @Nullable FileDecryptor decryptor) {}

  /**
   * Reads the footer of a file that is not encrypted (an encrypted one is refused).
   *
   * @see #read(InputFile, SeekableInputStream, FileDecryption)
   */
  static FileMetaData read(InputFile file, SeekableInputStream in) throws IOException {
    return read(file, in, null).metadata();
  }

  /**
   * @param file the file
   * @param in a stream over it
   * @param decryption the keys of an encrypted file, or {@code null}
   * @return its metadata, as written (Thrift), with the fixes above applied, and its decryption
   * @throws SchemaTooWideException if the schema has more leaf columns or elements than this reader reads, or a row
   *     group more column chunks than the schema has leaf columns
   * @throws io.delpha.sdk.core.InsufficientMemoryException if the footer is larger than the heap can give
   * @throws EncryptedFileException if the file is encrypted and no keys were given
   * @throws DecryptionFailure if the footer does not decrypt or its signature does not match, a key cannot be found,
   *     or the AAD prefix is not the file's
   * @throws IOException if the footer is missing, truncated or corrupt
   */
  static Read read(InputFile file, SeekableInputStream in, @Nullable FileDecryption decryption) throws IOException {
    long length = file.getLength();
    if (length < ParquetMagic.MIN_FILE_BYTES) {
      throw new IOException("a Parquet file has at least " + ParquetMagic.MIN_FILE_BYTES + " bytes, this one "
          + length);
    }
    byte[] tail = new byte[8];
    in.seek(length - 8);
    in.readFully(tail);
    byte[] magic = Arrays.copyOfRange(tail, 4, 8);
    boolean encryptedFooter = ParquetMagic.encrypted(magic, 0);
    if (!encryptedFooter && !ParquetMagic.plain(magic, 0)) {
      throw new IOException("no PAR1 magic at the end of the file");
    }
    byte[] head = new byte[ParquetMagic.LENGTH];
    in.seek(0);
    in.readFully(head);
    if (ParquetMagic.encrypted(head, 0) != encryptedFooter) {
      throw new IOException("the file starts with " + ParquetMagic.text(head) + " but ends with "
          + ParquetMagic.text(magic) + " (an encrypted footer's file has PARE at both ends)");
    }
    if (encryptedFooter && decryption == null) {
      throw new EncryptedFileException("the file's footer is encrypted");
    }
    long footerLength = (tail[0] & 0xffL) | (tail[1] & 0xffL) << 8 | (tail[2] & 0xffL) << 16 | (tail[3] & 0xffL) << 24;
    if (footerLength > length - 12) {
      throw new IOException("the footer claims " + footerLength + " bytes of a " + length + "-byte file");
    }
    if (footerLength > LittleEndian.MAX_ARRAY_BYTES) {
      throw new IOException("the footer claims " + footerLength + " bytes, more than one array holds");
    }
    HeapBudget.require(footerLength, "the footer");
    byte[] footer = new byte[(int) footerLength];
    in.seek(length - 8 - footerLength);
    in.readFully(footer);
    FileDecryptor decryptor = null;
    byte[] plainFooter = footer;
    if (encryptedFooter) {
      ThriftBounds.check(footer); // the crypto metadata's struct, first
      ByteArrayInputStream stream = new ByteArrayInputStream(footer);
      FileCryptoMetaData crypto = Util.readFileCryptoMetaData(stream);
      int at = footer.length - stream.available();
      if (crypto.getEncryption_algorithm() == null) {
        throw new IOException("the file's crypto metadata names no encryption algorithm");
      }
      decryptor = FileDecryptor.of(crypto.getEncryption_algorithm(), crypto.getKey_metadata(),
          Objects.requireNonNull(decryption, "checked above"), keyMaterialFile(file, decryption));
      int moduleLength = moduleLength(footer, at, footer.length - at, "the encrypted footer");
      plainFooter = decryptor.decryptFooter(footer, at + ModuleCipher.LENGTH_BYTES, moduleLength);
    }
    checkCounts(ThriftBounds.check(plainFooter));
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(plainFooter));
    if (!encryptedFooter && metadata.isSetEncryption_algorithm()) {
      if (decryption == null) {
        throw new EncryptedFileException("the file's columns are encrypted");
      }
      int signed = footer.length - ModuleCipher.NONCE_BYTES - ModuleCipher.TAG_BYTES;
      if (signed < 0) {
        throw new IOException("the plaintext footer of an encrypted file has no room for its signature");
      }
      decryptor = FileDecryptor.of(Objects.requireNonNull(metadata.getEncryption_algorithm(), "checked as set"),
          metadata.getFooter_signing_key_metadata(), decryption, keyMaterialFile(file, decryption));
      decryptor.verifyFooter(Arrays.copyOf(footer, signed), Arrays.copyOfRange(footer, signed, footer.length));
    }
    if (decryptor != null) {
      decryptColumnMetadata(metadata, decryptor);
    }
    if (metadata.getSchema() == null || metadata.getRow_groups() == null) {
      throw new IOException("the footer has no schema or no row groups");
    }
    for (SchemaElement e : metadata.getSchema()) {
      if (e.isSetLogicalType()
          && Objects.requireNonNull(e.getLogicalType(), "a set logical type").getSetField() == null) {
        e.unsetLogicalType();
      }
    }
    if (omitsDictionaryHeaderSize(metadata.getCreated_by())) {
      long dataEnd = length - 8 - footerLength;
      for (RowGroup group : metadata.getRow_groups()) {
        for (ColumnChunk chunk : Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks")) {
          ColumnMetaData c = chunk.getMeta_data();
          if (c != null) {
            long start = c.isSetDictionary_page_offset() && c.getDictionary_page_offset() > 0
                && c.getDictionary_page_offset() < c.getData_page_offset()
                ? c.getDictionary_page_offset() : c.getData_page_offset();
            long room = dataEnd - (start + c.getTotal_compressed_size());
            c.setTotal_compressed_size(c.getTotal_compressed_size() + Math.max(0, Math.min(MAX_DICTIONARY_HEADER_BYTES, room)));
          }
        }
      }
    }
    return new Read(metadata, decryptor);
  }

  /**
   * @param file the file read
   * @param decryption the keys it is read with
   * @return the file's external key material: the one given, or the {@code _KEY_MATERIAL_FOR_<name>.json} beside a
   *     local file, or {@code null}
   */
  private static @Nullable Path keyMaterialFile(InputFile file, FileDecryption decryption) {
    Path given = decryption.keyMaterialFile();
    if (given != null) {
      return given;
    }
    Path local = LocalFiles.pathOf(file);
    Path name = local == null ? null : local.getFileName();
    return local == null || name == null ? null : local.resolveSibling("_KEY_MATERIAL_FOR_" + name + ".json");
  }

  /**
   * @param bytes bytes holding a module
   * @param at where its 4-byte length starts
   * @param room the bytes it may take, its length included
   * @param what the module, for messages
   * @return the length of its buffer, checked to fill the room exactly
   * @throws IOException if it does not
   */
  static int moduleLength(byte[] bytes, int at, int room, String what) throws IOException {
    if (room < ModuleCipher.LENGTH_BYTES) {
      throw new IOException(what + " has no room for its length");
    }
    long length = Integer.toUnsignedLong((int) LittleEndian.INT.get(bytes, at));
    if (length != room - ModuleCipher.LENGTH_BYTES) {
      throw new IOException(what + " claims " + length + " bytes where " + (room - ModuleCipher.LENGTH_BYTES)
          + " follow its length");
    }
    return (int) length;
  }

  /**
   * Decrypts the metadata of each column chunk encrypted with a key of its own whose key is known, in place of what
   * the footer holds of it (nothing in an encrypted footer, the metadata stripped of its statistics in a plaintext
   * one). A chunk whose key is not known keeps what the footer holds: reading its column fails, naming it.
   */
  private static void decryptColumnMetadata(FileMetaData metadata, FileDecryptor decryptor) throws IOException {
    List<RowGroup> groups = metadata.getRow_groups();
    if (groups == null) {
      return;
    }
    for (int g = 0; g < groups.size(); g++) {
      RowGroup group = groups.get(g);
      int ordinal = group.isSetOrdinal() ? group.getOrdinal() : g;
      List<ColumnChunk> chunks = Objects.requireNonNullElse(group.getColumns(), List.<ColumnChunk>of());
      for (int c = 0; c < chunks.size(); c++) {
        ColumnChunk chunk = chunks.get(c);
        ColumnCryptoMetaData crypto = chunk.getCrypto_metadata();
        byte[] encrypted = chunk.getEncrypted_column_metadata();
        if (crypto == null || encrypted == null) {
          continue;
        }
        String path = columnPath(chunk);
        if (!decryptor.hasKey(crypto, path)) {
          continue;
        }
        int length = moduleLength(encrypted, 0, encrypted.length, "the encrypted metadata of column " + path);
        byte[] plain = decryptor.column(crypto, path, ordinal, c).decrypt(ModuleType.COLUMN_META_DATA, 0, encrypted,
            ModuleCipher.LENGTH_BYTES, length);
        ThriftBounds.check(plain);
        chunk.setMeta_data(Util.readColumnMetaData(new ByteArrayInputStream(plain), null, null));
      }
    }
  }

  /**
   * @param chunk a column chunk
   * @return its column's dotted path: from its crypto metadata (a column with a key of its own) or its metadata
   * @throws IOException if it names none
   */
  static String columnPath(ColumnChunk chunk) throws IOException {
    ColumnCryptoMetaData crypto = chunk.getCrypto_metadata();
    List<String> path = crypto != null && crypto.isSetENCRYPTION_WITH_COLUMN_KEY()
        ? crypto.getENCRYPTION_WITH_COLUMN_KEY().getPath_in_schema()
        : chunk.getMeta_data() == null ? null : chunk.getMeta_data().getPath_in_schema();
    if (path == null) {
      throw new IOException("a column chunk names no column");
    }
    return String.join(".", path);
  }

  /**
   * Refuses a footer whose schema is beyond this reader's ceilings, on the counts of its bytes, before parquet-format
   * decodes it into objects.
   *
   * @throws SchemaTooWideException naming the count and the ceiling
   */
  private static void checkCounts(ThriftBounds.Counts counts) throws SchemaTooWideException {
    if (counts.leafColumns() > MAX_COLUMNS) {
      throw new SchemaTooWideException(String.format(Locale.ROOT, "its schema has %,d leaf columns; this reader reads "
          + "schemas of at most %,d columns", counts.leafColumns(), MAX_COLUMNS));
    }
    if (counts.schemaElements() > MAX_SCHEMA_ELEMENTS) {
      throw new SchemaTooWideException(String.format(Locale.ROOT, "its schema has %,d elements (groups and columns); "
          + "this reader reads schemas of at most %,d elements", counts.schemaElements(), MAX_SCHEMA_ELEMENTS));
    }
    if (counts.mostChunksInARowGroup() > counts.leafColumns()) {
      throw new SchemaTooWideException(String.format(Locale.ROOT, "a row group lists %,d column chunks where the schema "
          + "has %,d leaf columns", counts.mostChunksInARowGroup(), counts.leafColumns()));
    }
  }

  /**
   * The file's schema as parquet-column's {@link MessageType}, built as parquet-hadoop's metadata converter
   * builds it (the same rules, including a converted type that disagrees with the logical type winning, as
   * parquet-hadoop decides), without its footer type: {@code ParquetMetadata} initialises a JSON mapper of
   * about 370 classes the first time a JVM reads a file. Column orders are not read (they only order
   * statistics, which this reader does not use).
   *
   * @param metadata the footer
   * @return the schema
   * @throws SchemaTooDeepException if the schema nests more than {@link #MAX_SCHEMA_DEPTH} levels
   * @throws IOException if the schema's elements do not form a tree, or a type is invalid
   */
  static MessageType schema(FileMetaData metadata) throws IOException {
    List<SchemaElement> elements = Objects.requireNonNull(metadata.getSchema(), "a footer read has a schema");
    if (elements.isEmpty()) {
      throw new IOException("the footer's schema is empty");
    }
    checkDepth(elements);
    Iterator<SchemaElement> it = elements.iterator();
    SchemaElement root = it.next();
    Types.MessageTypeBuilder builder = Types.buildMessage();
    if (root.isSetField_id()) {
      builder.id(root.getField_id());
    }
    try {
      children(builder, it, root.getNum_children());
      if (it.hasNext()) {
        throw new IOException("the footer's schema has elements outside its tree");
      }
      return builder.named(root.getName() == null ? "schema" : root.getName());
    } catch (NoSuchElementException e) {
      throw new IOException("the footer's schema names more children than it has elements", e);
    }
  }

  /**
   * Walks the footer's flat list of schema elements (depth first, each group followed by its children) without
   * recursion, keeping the children still to come of each open group: a stack of at most {@link
   * #MAX_SCHEMA_DEPTH} entries.
   *
   * @throws SchemaTooDeepException if a group opens a level beyond {@link #MAX_SCHEMA_DEPTH}
   */
  private static void checkDepth(List<SchemaElement> elements) throws SchemaTooDeepException {
    int[] remaining = new int[MAX_SCHEMA_DEPTH];
    int open = 0; // levels open: remaining[open - 1] counts the children still to come at level `open`
    if (elements.get(0).getNum_children() > 0) {
      remaining[open++] = elements.get(0).getNum_children();
    }
    for (int i = 1; i < elements.size(); i++) {
      while (open > 0 && remaining[open - 1] == 0) {
        open--;
      }
      if (open == 0) {
        return; // elements outside the tree: schema() says so
      }
      remaining[open - 1]--;
      SchemaElement e = elements.get(i);
      if (e.getType() == null && e.getNum_children() > 0) {
        if (open == MAX_SCHEMA_DEPTH) {
          throw new SchemaTooDeepException(open + 1);
        }
        remaining[open++] = e.getNum_children();
      }
    }
  }

  @SuppressWarnings("deprecation") // OriginalType: parquet-hadoop's own rule for a converted type
  private static void children(Types.GroupBuilder<?> builder, Iterator<SchemaElement> it, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      SchemaElement e = it.next();
      if (e.getRepetition_type() == null) {
        throw new IOException("schema element " + e.getName() + " has no repetition");
      }
      Type.Repetition repetition = Type.Repetition.valueOf(e.getRepetition_type().name());
      Types.Builder<?, ?> child;
      if (e.getType() != null) {
        Types.PrimitiveBuilder<?> p = builder.primitive(primitive(e.getType()), repetition);
        if (e.isSetType_length()) {
          p.length(e.getType_length());
        }
        if (e.isSetPrecision()) {
          p.precision(e.getPrecision());
        }
        if (e.isSetScale()) {
          p.scale(e.getScale());
        }
        child = p;
      } else {
        if (e.getNum_children() <= 0) {
          throw new IOException("schema element " + e.getName() + " is a group of no fields");
        }
        Types.GroupBuilder<?> g = builder.group(repetition);
        children(g, it, e.getNum_children());
        child = g;
      }
      LogicalTypeAnnotation logical = e.isSetLogicalType()
          ? logical(Objects.requireNonNull(e.getLogicalType(), "a set logical type")) : null;
      if (logical != null) {
        child.as(logical);
      }
      if (e.isSetConverted_type()) {
        OriginalType converted = OriginalType.valueOf(
            Objects.requireNonNull(e.getConverted_type(), "a set converted type").name());
        if (logical == null || !converted.equals(logical.toOriginalType())) {
          child.as(converted);
        }
      }
      if (e.isSetField_id()) {
        child.id(e.getField_id());
      }
      child.named(e.getName());
    }
  }

  private static PrimitiveTypeName primitive(org.apache.parquet.format.Type type) {
    return switch (type) {
      case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
      case INT32 -> PrimitiveTypeName.INT32;
      case INT64 -> PrimitiveTypeName.INT64;
      case INT96 -> PrimitiveTypeName.INT96;
      case FLOAT -> PrimitiveTypeName.FLOAT;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case BYTE_ARRAY -> PrimitiveTypeName.BINARY;
      case FIXED_LEN_BYTE_ARRAY -> PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    };
  }

  private static @Nullable LogicalTypeAnnotation logical(LogicalType type) throws IOException {
    LogicalType._Fields set = type.getSetField();
    if (set == null) {
      return null;
    }
    return switch (set) {
      case STRING -> LogicalTypeAnnotation.stringType();
      case MAP -> LogicalTypeAnnotation.mapType();
      case LIST -> LogicalTypeAnnotation.listType();
      case ENUM -> LogicalTypeAnnotation.enumType();
      case DECIMAL -> LogicalTypeAnnotation.decimalType(type.getDECIMAL().getScale(), type.getDECIMAL().getPrecision());
      case DATE -> LogicalTypeAnnotation.dateType();
      case TIME -> LogicalTypeAnnotation.timeType(type.getTIME().isIsAdjustedToUTC(), unit(type.getTIME().getUnit()));
      case TIMESTAMP -> LogicalTypeAnnotation.timestampType(type.getTIMESTAMP().isIsAdjustedToUTC(),
          unit(type.getTIMESTAMP().getUnit()));
      case INTEGER -> LogicalTypeAnnotation.intType(type.getINTEGER().getBitWidth(), type.getINTEGER().isIsSigned());
      case UNKNOWN -> LogicalTypeAnnotation.unknownType();
      case JSON -> LogicalTypeAnnotation.jsonType();
      case BSON -> LogicalTypeAnnotation.bsonType();
      case UUID -> LogicalTypeAnnotation.uuidType();
      case FLOAT16 -> LogicalTypeAnnotation.float16Type();
      case VARIANT -> LogicalTypeAnnotation.variantType(type.getVARIANT().isSetSpecification_version()
          ? type.getVARIANT().getSpecification_version() : 1);
      case GEOMETRY -> LogicalTypeAnnotation.geometryType(type.getGEOMETRY().getCrs());
      case GEOGRAPHY -> type.getGEOGRAPHY().isSetAlgorithm()
          ? LogicalTypeAnnotation.geographyType(type.getGEOGRAPHY().getCrs(),
              EdgeInterpolationAlgorithm.valueOf(
                  Objects.requireNonNull(type.getGEOGRAPHY().getAlgorithm(), "a set algorithm").name()))
          : LogicalTypeAnnotation.geographyType(type.getGEOGRAPHY().getCrs(), null);
    };
  }

  private static LogicalTypeAnnotation.TimeUnit unit(@Nullable TimeUnit unit) throws IOException {
    if (unit == null) {
      throw new IOException("a TIME or TIMESTAMP logical type names no unit");
    }
    if (unit.isSetMILLIS()) {
      return LogicalTypeAnnotation.TimeUnit.MILLIS;
    }
    if (unit.isSetMICROS()) {
      return LogicalTypeAnnotation.TimeUnit.MICROS;
    }
    if (unit.isSetNANOS()) {
      return LogicalTypeAnnotation.TimeUnit.NANOS;
    }
    throw new IOException("a TIME or TIMESTAMP logical type names an unknown unit");
  }

  /** parquet-cpp's rule: a parquet-mr writer older than 1.2.9, or one that names no version. */
  private static boolean omitsDictionaryHeaderSize(@Nullable String createdBy) {
    if (createdBy == null || !createdBy.startsWith("parquet-mr")) {
      return false;
    }
    try {
      VersionParser.ParsedVersion version = VersionParser.parse(createdBy);
      return !version.hasSemanticVersion() || version.getSemanticVersion().compareTo(PARQUET_816_FIXED) < 0;
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      return true;
    }
  }
}
