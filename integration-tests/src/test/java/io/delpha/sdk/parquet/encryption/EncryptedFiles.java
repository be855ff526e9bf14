package io.delpha.sdk.parquet.encryption;

import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.ColumnDecryptionProperties;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Encrypted Parquet for the tests: the keys apache/parquet-testing's data/README.md gives for its encrypted files, and
 * rows in one canonical text form, read by our reader and by parquet-java's own {@code ParquetFileReader} with its
 * {@code FileDecryptionProperties} (the oracle).
 */
final class EncryptedFiles {

  static final byte[] FOOTER_KEY = bytes("0123456789012345");
  static final byte[] DOUBLE_KEY = bytes("1234567890123450");
  static final byte[] FLOAT_KEY = bytes("1234567890123451");
  /** data/aes256: the footer key, then the column keys kc1..kc8 (double, float, boolean, int32, ba, flba, int64, int96). */
  static final byte[] FOOTER_KEY_256 = bytes("01234567890123456789012345678901");
  static final Map<String, byte[]> COLUMN_KEYS_256 = Map.of(
      "double_field", bytes("12345678901234567890123456789012"),
      "float_field", bytes("12345678901234567890123456789013"),
      "boolean_field", bytes("12345678901234567890123456789014"),
      "int32_field", bytes("12345678901234567890123456789015"),
      "ba_field", bytes("12345678901234567890123456789016"),
      "flba_field", bytes("12345678901234567890123456789017"),
      "int64_field.list.element", bytes("12345678901234567890123456789018"),
      "int96_field", bytes("12345678901234567890123456789019"));
  static final byte[] AAD_PREFIX = bytes("tester");

  /** Keys of the files parquet-java writes at test time: 256, 128 and 192 bits. */
  static final byte[] WRITE_FOOTER_KEY = bytes("abcdefghijklmnopqrstuvwxyz012345");
  static final byte[] ID_KEY = bytes("idkey-0123456789");
  static final byte[] AMOUNT_KEY = bytes("amountkey-0123456789abcd");

  static final MessageType SCHEMA = org.apache.parquet.schema.Types.buildMessage()
      .required(PrimitiveType.PrimitiveTypeName.INT64).named("id")
      .optional(PrimitiveType.PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("name")
      .required(PrimitiveType.PrimitiveTypeName.DOUBLE).named("amount")
      .optionalGroup().as(LogicalTypeAnnotation.listType()).repeatedGroup()
      .required(PrimitiveType.PrimitiveTypeName.INT32).named("element").named("list").named("tags")
      .named("m");

  /**
   * How parquet-java encrypts a file written at test time.
   *
   * @param cipher the algorithm
   * @param encryptedFooter an encrypted footer, else a signed plaintext one
   * @param perColumn id and amount on keys of their own, tags on the footer key, name in clear; else every column on
   *     the footer key
   * @param aadPrefix the AAD prefix, or null
   * @param storeAad whether the prefix is stored in the file
   * @param v2 data pages v2
   */
  record Setup(org.apache.parquet.crypto.ParquetCipher cipher, boolean encryptedFooter, boolean perColumn,
      byte[] aadPrefix, boolean storeAad, boolean v2) {

    @Override
    public String toString() {
      return cipher + (encryptedFooter ? ", encrypted footer" : ", plaintext footer")
          + (perColumn ? ", per-column keys" : ", uniform") + (aadPrefix == null ? "" : storeAad ? ", aad stored"
              : ", aad not stored") + (v2 ? ", v2 pages" : "");
    }

    /** @return the keys that read it, ours */
    io.delpha.sdk.parquet.FileDecryption keys() {
      io.delpha.sdk.parquet.FileDecryption.Builder b = io.delpha.sdk.parquet.FileDecryption.builder()
          .footerKey(WRITE_FOOTER_KEY).columnKey("id", ID_KEY).columnKey("amount", AMOUNT_KEY);
      if (aadPrefix != null && !storeAad) {
        b.aadPrefix(aadPrefix);
      }
      return b.build();
    }

    /** @return the keys that read it, parquet-java's */
    FileDecryptionProperties javaKeys() {
      return EncryptedFiles.javaKeys(WRITE_FOOTER_KEY, perColumn ? Map.of("id", ID_KEY, "amount", AMOUNT_KEY)
          : Map.of(), aadPrefix != null && !storeAad ? aadPrefix : null);
    }
  }

  /**
   * Writes rows with parquet-java's own writer, encrypted: uncompressed, pages of at most 100 rows, row groups of about
   * 16 KiB (several of each), the name column dictionary-encoded.
   */
  static void writeParquetJava(Path file, Setup setup, int rows) throws IOException {
    writeParquetJava(file, setup, rows, null, null, null);
  }

  /**
   * As {@link #writeParquetJava(Path, Setup, int)}, with the keys' {@code key_metadata} given (null: none, or the id
   * column's key id "id-key").
   */
  static void writeParquetJava(Path file, Setup setup, int rows, byte[] footerMetadata, byte[] idMetadata,
      byte[] amountMetadata) throws IOException {
    org.apache.parquet.crypto.FileEncryptionProperties.Builder b =
        org.apache.parquet.crypto.FileEncryptionProperties.builder(WRITE_FOOTER_KEY).withAlgorithm(setup.cipher());
    if (footerMetadata != null) {
      b.withFooterKeyMetadata(footerMetadata);
    }
    if (setup.perColumn()) {
      Map<ColumnPath, org.apache.parquet.crypto.ColumnEncryptionProperties> columns = new java.util.HashMap<>();
      columns.put(ColumnPath.get("id"), org.apache.parquet.crypto.ColumnEncryptionProperties
          .builder(ColumnPath.get("id")).withKey(ID_KEY)
          .withKeyMetaData(idMetadata != null ? idMetadata : bytes("id-key")).build());
      org.apache.parquet.crypto.ColumnEncryptionProperties.Builder amount = org.apache.parquet.crypto
          .ColumnEncryptionProperties.builder(ColumnPath.get("amount")).withKey(AMOUNT_KEY);
      if (amountMetadata != null) {
        amount.withKeyMetaData(amountMetadata);
      }
      columns.put(ColumnPath.get("amount"), amount.build());
      columns.put(ColumnPath.get("tags", "list", "element"), org.apache.parquet.crypto.ColumnEncryptionProperties
          .builder(ColumnPath.get("tags", "list", "element")).build());
      b.withEncryptedColumns(columns);
    }
    if (!setup.encryptedFooter()) {
      b.withPlaintextFooter();
    }
    if (setup.aadPrefix() != null) {
      b.withAADPrefix(setup.aadPrefix());
      if (!setup.storeAad()) {
        b.withoutAADPrefixStorage();
      }
    }
    org.apache.parquet.example.data.simple.SimpleGroupFactory groups =
        new org.apache.parquet.example.data.simple.SimpleGroupFactory(SCHEMA);
    try (org.apache.parquet.hadoop.ParquetWriter<Group> w = org.apache.parquet.hadoop.example.ExampleParquetWriter
        .builder(new org.apache.parquet.io.LocalOutputFile(file)).withConf(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE).withType(SCHEMA).withEncryption(b.build())
        .withCompressionCodec(org.apache.parquet.hadoop.metadata.CompressionCodecName.UNCOMPRESSED)
        .withPageRowCountLimit(100).withPageSize(4096).withRowGroupSize(16L * 1024).withDictionaryEncoding(true)
        .withWriterVersion(setup.v2() ? org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_2_0
            : org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup().append("id", (long) i).append("amount", i * 0.5);
        if (i % 13 != 0) {
          g.append("name", "n" + i % 7);
        }
        if (i % 5 != 0) {
          Group tags = g.addGroup("tags");
          tags.addGroup("list").append("element", i);
          tags.addGroup("list").append("element", -i);
        }
        w.write(g);
      }
    }
  }

  private EncryptedFiles() {}

  /** Asserts the rows equal, naming the first row that differs (a whole-list diff of thousands of rows tells little). */
  static void assertSameRows(List<List<String>> actual, List<List<String>> expected) {
    org.assertj.core.api.Assertions.assertThat(actual).as("rows").hasSameSizeAs(expected).isNotEmpty();
    for (int i = 0; i < expected.size(); i++) {
      org.assertj.core.api.Assertions.assertThat(actual.get(i)).as("row " + i).isEqualTo(expected.get(i));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** @return every row of the file as our reader reads it, each column in canonical text */
  static List<List<String>> ours(Path file, ReadOptions options) {
    List<List<String>> rows = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file, options)) {
      while (r.hasNext()) {
        Row row = r.next();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < row.schema().size(); i++) {
          values.add(canon(row.get(i)));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  /** @return every row of the file as parquet-java reads it with these keys, in the same canonical text */
  static List<List<String>> parquetJava(Path file, FileDecryptionProperties keys) throws IOException {
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE).withDecryption(keys).build();
    List<List<String>> rows = new ArrayList<>();
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), options)) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      for (PageReadStore pages = r.readNextRowGroup(); pages != null; pages = r.readNextRowGroup()) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = records.read();
          List<String> values = new ArrayList<>();
          for (int f = 0; f < schema.getFieldCount(); f++) {
            values.add(field(g, schema, f));
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  /** @return parquet-java's decryption properties of these explicit keys */
  static FileDecryptionProperties javaKeys(byte[] footer, Map<String, byte[]> columns, byte[] aadPrefix) {
    FileDecryptionProperties.Builder b = FileDecryptionProperties.builder().withFooterKey(footer);
    if (!columns.isEmpty()) {
      Map<ColumnPath, ColumnDecryptionProperties> map = new java.util.HashMap<>();
      columns.forEach((path, key) -> map.put(ColumnPath.fromDotString(path),
          ColumnDecryptionProperties.builder(path).withKey(key).build()));
      b.withColumnKeys(map);
    }
    if (aadPrefix != null) {
      b.withAADPrefix(aadPrefix);
    }
    return b.build();
  }

  private static String field(Group g, GroupType type, int f) {
    Type t = type.getType(f);
    int n = g.getFieldRepetitionCount(f);
    if (t.isRepetition(Type.Repetition.REPEATED)) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(value(g, t, f, i));
      }
      return "[" + String.join(",", all) + "]";
    }
    return n == 0 ? "null" : value(g, t, f, 0);
  }

  private static String value(Group g, Type t, int f, int i) {
    if (!t.isPrimitive()) {
      Group child = g.getGroup(f, i);
      GroupType gt = t.asGroupType();
      if (gt.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
        GroupType repeated = gt.getType(0).asGroupType();
        List<String> all = new ArrayList<>();
        for (int k = 0; k < child.getFieldRepetitionCount(0); k++) {
          all.add(field(child.getGroup(0, k), repeated, 0));
        }
        return "[" + String.join(",", all) + "]";
      }
      List<String> all = new ArrayList<>();
      for (int k = 0; k < gt.getFieldCount(); k++) {
        all.add(field(child, gt, k));
      }
      return "{" + String.join(",", all) + "}";
    }
    PrimitiveType p = t.asPrimitiveType();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> Boolean.toString(g.getBoolean(f, i));
      case INT32 -> logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation
          ? "t" + g.getInteger(f, i) : Integer.toString(g.getInteger(f, i));
      case INT64 -> Long.toString(g.getLong(f, i));
      case FLOAT -> Double.toString(g.getFloat(f, i)); // the row model holds a FLOAT as a double
      case DOUBLE -> Double.toString(g.getDouble(f, i));
      case INT96 -> int96(g.getInt96(f, i)).toString();
      case BINARY, FIXED_LEN_BYTE_ARRAY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
          ? g.getString(f, i) : "0x" + HexFormat.of().formatHex(g.getBinary(f, i).getBytes());
    };
  }

  private static Instant int96(Binary b) {
    ByteBuffer buf = ByteBuffer.wrap(b.getBytes()).order(ByteOrder.LITTLE_ENDIAN);
    long nanos = buf.getLong();
    long julian = buf.getInt() & 0xffffffffL;
    return Instant.ofEpochSecond((julian - 2_440_588L) * 86_400L).plusNanos(nanos);
  }

  static String canon(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof byte[] b) {
      return "0x" + HexFormat.of().formatHex(b);
    }
    if (v instanceof List<?> list) {
      return "[" + String.join(",", list.stream().map(EncryptedFiles::canon).toList()) + "]";
    }
    if (v instanceof LocalTime t) {
      return "t" + t.toNanoOfDay() / 1_000_000;
    }
    if (v instanceof Row r) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < r.schema().size(); i++) {
        all.add(canon(r.get(i)));
      }
      return "{" + String.join(",", all) + "}";
    }
    return String.valueOf(v);
  }
}
