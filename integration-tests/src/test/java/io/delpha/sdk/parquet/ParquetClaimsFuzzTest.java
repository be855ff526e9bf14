package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.parquet.internal.Codecs;
import io.delpha.sdk.parquet.internal.PrivateValuesWriters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of the claims a Parquet file's footer and page headers make (issue 58). It starts from valid small
 * files, written by this library's writer and by parquet-mr's own column writers (an independent writer: data pages
 * v1 and v2, dictionaries, DELTA encodings, nested lists, several pages and row groups), and two of VARIANT columns
 * (ours, unshredded at the top level and inside lists, maps and structs; parquet-mr's copy of a shredded case of
 * parquet-testing inside a LIST, a STRUCT, a MAP and a LIST of LISTs), takes each apart into its
 * footer and its pages (Thrift headers and bodies), changes one to three claims with a seeded {@link Random} and puts
 * the file together again (every offset and chunk size made true again, then the footer's mutations applied):
 * <ul>
 *   <li>in the footer: schema element and child counts, elements added or taken away (up to 20,000 more columns),
 *       a FIXED_LEN_BYTE_ARRAY's length, row counts, a chunk's value count, sizes and page offsets, column chunks
 *       taken away or added (up to 20,000);</li>
 *   <li>in a page header: its sizes, a data page's value count, a v2 page's nulls, rows, level lengths and compressed
 *       flag, a dictionary's entry count, and a page's encoding.</li>
 * </ul>
 * Each mutated file is read every way (rows, batches, the footer's metadata): it must give the unmutated file's rows
 * exactly, or end in a {@link DelphaException} whose message names the file and stays short; never another exception
 * nor an {@code Error} ({@code OutOfMemoryError}, {@code StackOverflowError}, ...), and never other rows, but where
 * the mutation changes what bytes mean rather than how many there are (an encoding, a fixed length: then any rows or
 * a typed exception).
 *
 * <p>{@code -Dfuzz.seed=N} is the first seed, {@code -Dfuzz.count=M} the cases (300 by default, a few seconds;
 * {@code -Dfuzz.count=100000} for a long run). A failing seed prints the command that replays it; the seed being read
 * is also written to {@code target/parquet-claims-fuzz.seed} before each case, for a JVM ended by an {@code Error}
 * the test cannot catch (the suite runs with {@code -XX:+ExitOnOutOfMemoryError}).
 */
class ParquetClaimsFuzzTest {

  private static final Path SEED_FILE = Path.of("target", "parquet-claims-fuzz.seed");

  /** A page as stored: its header, then its body. */
  private record Page(PageHeader header, byte[] body) {}

  /** A file taken apart: its footer, and each row group's column chunks' pages. */
  private record Parts(String name, FileMetaData footer, List<List<List<Page>>> chunks, List<Row> rows) {}

  private static final List<Parts> ORIGINALS = new ArrayList<>();

  @BeforeAll
  static void originals(@TempDir Path tmp) throws IOException {
    Path ours = ourFile(tmp.resolve("ours.parquet"), Compression.SNAPPY);
    Path oursPlain = ourFile(tmp.resolve("ours-uncompressed.parquet"), Compression.UNCOMPRESSED);
    Path mrV2 = parquetMrFile(tmp.resolve("mr-v2.parquet"), ParquetProperties.WriterVersion.PARQUET_2_0,
        CompressionCodecName.ZSTD);
    Path mrV1 = parquetMrFile(tmp.resolve("mr-v1.parquet"), ParquetProperties.WriterVersion.PARQUET_1_0,
        CompressionCodecName.GZIP);
    Path variants = VariantNestedTest.write(tmp.resolve("ours-variants.parquet"), VariantNestedTest.rows(59_400L, 150),
        WriteOptions.defaults().withCompression(Compression.SNAPPY));
    Path shreddedVariants = VariantNestedTest.nest(VariantShreddedCasesTest.DIR.resolve("case-045.parquet"),
        tmp.resolve("mr-shredded-variants.parquet"));
    for (Path file : List.of(ours, oursPlain, mrV2, mrV1, variants, shreddedVariants)) {
      List<Row> rows = ParquetClaimsTest.readRows(file);
      Parts parts = parts(file.getFileName().toString(), Files.readAllBytes(file), rows);
      // the file put together again, unmutated, reads as written: the fuzzer's oracle is sound
      Path again = Files.write(tmp.resolve("again-" + file.getFileName()), assemble(parts, new Random(0), 0));
      assertThat(ParquetClaimsTest.readRows(again)).as(file.getFileName().toString()).isEqualTo(rows);
      assertThat(batchRows(again)).isEqualTo(rows);
      ORIGINALS.add(parts);
    }
    assertThat(ORIGINALS.get(2).chunks()).as("row groups of parquet-mr's file").hasSize(2);
    assertThat(ORIGINALS.get(2).chunks().get(0).get(0)).as("pages of its first chunk").hasSizeGreaterThan(3);
  }

  @Test
  @DisplayName("seeded: footers and page headers claiming other counts, sizes and offsets read the same rows or end in "
      + "a DelphaException, never another exception nor an Error")
  void mutatedClaims(@TempDir Path tmp) throws IOException {
    long first = Long.getLong("fuzz.seed", 20261126L);
    int count = Integer.getInteger("fuzz.count", 300);
    List<String> failures = new ArrayList<>();
    int[] outcomes = new int[3]; // same rows, other rows (a reinterpreting mutation), refused
    Files.createDirectories(SEED_FILE.toAbsolutePath().getParent());
    for (long seed = first; seed < first + count && failures.size() < 10; seed++) {
      Files.writeString(SEED_FILE, Long.toString(seed));
      Random random = new Random(seed);
      Parts original = ORIGINALS.get(random.nextInt(ORIGINALS.size()));
      Path file = tmp.resolve("m" + seed + ".parquet");
      Mutations mutations = new Mutations();
      try {
        Files.write(file, assemble(original, random, 1 + random.nextInt(3), mutations));
        outcomes[readEveryWay(file, original.rows(), mutations.reinterprets)]++;
      } catch (RuntimeException | Error e) {
        failures.add("seed " + seed + " (" + original.name() + "; " + mutations.done + "): " + e + where(e)
            + "\n  replay: mvn -q test -Dtest=ParquetClaimsFuzzTest -Dfuzz.seed=" + seed + " -Dfuzz.count=1");
      } finally {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(SEED_FILE);
    assertThat(failures).as("failing seeds").isEmpty();
    assertThat(outcomes[0] + outcomes[1] + outcomes[2]).isEqualTo(count);
    if (count >= 100) {
      assertThat(outcomes[0]).as("cases read as the unmutated file").isPositive();
      assertThat(outcomes[2]).as("cases refused").isPositive();
    }
  }

  /** @return where {@code e} was thrown: its first frames (not an assertion's own) */
  private static String where(Throwable e) {
    if (e instanceof AssertionError) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    StackTraceElement[] frames = e.getStackTrace();
    for (int i = 0; i < Math.min(6, frames.length); i++) {
      out.append("\n    at ").append(frames[i]);
    }
    return out.toString();
  }

  /**
   * @return 0 if every way read the original rows, 1 if other rows were read (allowed for a reinterpreting mutation
   *     only), 2 if every way was refused with a DelphaException
   * @throws AssertionError naming what went wrong otherwise
   */
  private static int readEveryWay(Path file, List<Row> expected, boolean reinterprets) {
    String name = file.getFileName().toString();
    try {
      ParquetRows.metadata(file);
    } catch (DelphaException e) {
      checkMessage(e, name);
    }
    List<Row> rows = null;
    List<Row> batches = null;
    try {
      rows = ParquetClaimsTest.readRows(file);
    } catch (DelphaException e) {
      checkMessage(e, name);
    }
    try {
      batches = batchRows(file);
    } catch (DelphaException e) {
      checkMessage(e, name);
    }
    if (rows == null && batches == null) {
      return 2;
    }
    if (rows != null && batches != null && !rows.equals(batches)) {
      throw new AssertionError("rows and batches read other rows");
    }
    List<Row> read = rows != null ? rows : batches;
    if (rows == null || batches == null) {
      // the row reader reads through the batch reader's footer and page code: one refusing what the other reads
      // would be a path that checks less
      throw new AssertionError((rows == null ? "rows were refused, batches read " : "batches were refused, rows read ")
          + read.size() + " rows");
    }
    if (read.equals(expected)) {
      return 0;
    }
    if (reinterprets) {
      read.forEach(r -> r.values().forEach(String::valueOf));
      return 1;
    }
    throw new AssertionError("read " + read.size() + " rows other than the file's " + expected.size());
  }

  @Test
  @DisplayName("seeded: bytes of the first page's header and body changed at random give the file's rows, or a "
      + "DelphaException whose text is the same on every read of those bytes (no object's identity in it)")
  void changedBytesGiveOneMessage(@TempDir Path tmp) throws IOException {
    RowSchema schema = RowSchema.builder().required("a", ColumnType.LONG).nullable("b", ColumnType.STRING).build();
    Path good = tmp.resolve("good.parquet");
    try (RowWriter w = ParquetRows.writer(good, schema, WriteOptions.defaults())) {
      for (int i = 0; i < 1_000; i++) {
        w.write(Row.of(schema, (long) i, i % 5 == 0 ? null : "v" + i % 7));
      }
    }
    byte[] bytes = Files.readAllBytes(good);
    long first = Long.getLong("fuzz.seed", 20261129L);
    int count = Integer.getInteger("fuzz.count", 300);
    Path bad = tmp.resolve("changed.parquet");
    int refused = 0;
    int thrift = 0;
    for (long seed = first; seed < first + count; seed++) {
      String replay = "replay: mvn -q test -Dtest=ParquetClaimsFuzzTest#changedBytesGiveOneMessage -Dfuzz.seed=" + seed
          + " -Dfuzz.count=1";
      Random random = new Random(seed);
      byte[] changed = bytes.clone();
      int at = 4 + random.nextInt(48);
      for (int k = 1 + random.nextInt(2); k > 0; k--) {
        changed[at + random.nextInt(4)] = (byte) random.nextInt(256);
      }
      Files.write(bad, changed);
      String once = refusal(bad);
      assertThat(refusal(bad)).as(replay).isEqualTo(once);
      if (once != null) {
        refused++;
        assertThat(once).as(replay).contains("changed.parquet").doesNotContainPattern("@[0-9a-f]{5,}");
        thrift += once.contains("was not found in serialized data") ? 1 : 0;
      }
    }
    if (count >= 100) {
      assertThat(refused).as("cases refused").isPositive();
      assertThat(thrift).as("cases refused by Thrift, for a required field missing from a page header").isPositive();
    }
  }

  /** @return the refusal's message of a read of every row, {@code null} if the read succeeds */
  private static String refusal(Path file) {
    try (RowReader r = ParquetRows.read(file)) {
      while (r.hasNext()) {
        r.next();
      }
      return null;
    } catch (DelphaException e) {
      return e.getMessage();
    }
  }

  private static void checkMessage(DelphaException e, String name) {
    assertThat(e.getMessage()).contains(name).doesNotContain(": null");
    assertThat(e.getMessage().length()).as("message length: " + e.getMessage()).isLessThan(1_200);
  }

  private static List<Row> batchRows(Path file) {
    List<Row> rows = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          Row row = b.row(i);
          rows.add(Row.of(row.schema(), row.values()));
        }
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- taking a file apart and putting it together

  private static Parts parts(String name, byte[] file, List<Row> rows) throws IOException {
    int n = file.length;
    int length = file[n - 8] & 0xff | (file[n - 7] & 0xff) << 8 | (file[n - 6] & 0xff) << 16 | (file[n - 5] & 0xff) << 24;
    FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(file, n - 8 - length, length));
    List<List<List<Page>>> groups = new ArrayList<>();
    for (RowGroup group : footer.getRow_groups()) {
      List<List<Page>> chunks = new ArrayList<>();
      for (ColumnChunk chunk : group.getColumns()) {
        ColumnMetaData meta = chunk.getMeta_data();
        long start = meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
            && meta.getDictionary_page_offset() < meta.getData_page_offset()
            ? meta.getDictionary_page_offset() : meta.getData_page_offset();
        int pos = (int) start;
        int end = (int) (start + meta.getTotal_compressed_size());
        List<Page> pages = new ArrayList<>();
        while (pos < end) {
          ByteArrayInputStream in = new ByteArrayInputStream(file, pos, end - pos);
          PageHeader header = Util.readPageHeader(in);
          int body = pos + (end - pos - in.available());
          pages.add(new Page(header, Arrays.copyOfRange(file, body, body + header.getCompressed_page_size())));
          pos = body + header.getCompressed_page_size();
        }
        chunks.add(pages);
      }
      groups.add(chunks);
    }
    return new Parts(name, footer, groups, rows);
  }

  /** What a case changed, for its message, and whether a change reinterprets bytes rather than counts them. */
  private static final class Mutations {
    final List<String> done = new ArrayList<>();
    boolean reinterprets;
  }

  private static byte[] assemble(Parts parts, Random random, int mutations) {
    return assemble(parts, random, mutations, new Mutations());
  }

  /**
   * Puts the file together: each chunk's pages (their headers copied and, for page mutations, changed), the
   * footer's offsets and sizes made true, then the footer mutations.
   */
  private static byte[] assemble(Parts parts, Random random, int mutations, Mutations done) {
    FileMetaData footer = parts.footer().deepCopy();
    List<List<List<PageHeader>>> headers = new ArrayList<>();
    for (List<List<Page>> group : parts.chunks()) {
      List<List<PageHeader>> g = new ArrayList<>();
      for (List<Page> chunk : group) {
        g.add(new ArrayList<>(chunk.stream().map(p -> p.header().deepCopy()).toList()));
      }
      headers.add(g);
    }
    List<Runnable> footerMutations = new ArrayList<>();
    for (int m = 0; m < mutations; m++) {
      if (random.nextBoolean()) {
        footerMutations.add(footerMutation(footer, random, done));
      } else {
        List<List<PageHeader>> group = headers.get(random.nextInt(headers.size()));
        List<PageHeader> chunk = group.get(random.nextInt(group.size()));
        pageMutation(chunk.get(random.nextInt(chunk.size())), random, done);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
    for (int g = 0; g < parts.chunks().size(); g++) {
      RowGroup group = footer.getRow_groups().get(g);
      for (int c = 0; c < parts.chunks().get(g).size(); c++) {
        ColumnChunk chunk = group.getColumns().get(c);
        ColumnMetaData meta = chunk.getMeta_data();
        long start = out.size();
        long dataOffset = -1;
        List<Page> pages = parts.chunks().get(g).get(c);
        for (int p = 0; p < pages.size(); p++) {
          PageHeader header = headers.get(g).get(c).get(p);
          if (dataOffset < 0 && parts.chunks().get(g).get(c).get(p).header().getType() != PageType.DICTIONARY_PAGE) {
            dataOffset = out.size();
          }
          try {
            Util.writePageHeader(header, out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          out.writeBytes(pages.get(p).body());
        }
        meta.setData_page_offset(dataOffset < 0 ? start : dataOffset);
        if (pages.get(0).header().getType() == PageType.DICTIONARY_PAGE) {
          meta.setDictionary_page_offset(start);
        } else {
          meta.unsetDictionary_page_offset();
        }
        meta.setTotal_compressed_size(out.size() - start);
        meta.unsetIndex_page_offset();
        meta.unsetBloom_filter_offset();
        meta.unsetBloom_filter_length();
        chunk.setFile_offset(start);
        chunk.unsetColumn_index_offset();
        chunk.unsetColumn_index_length();
        chunk.unsetOffset_index_offset();
        chunk.unsetOffset_index_length();
      }
      group.unsetFile_offset();
      group.unsetTotal_compressed_size();
    }
    footerMutations.forEach(Runnable::run);
    ByteArrayOutputStream footerBytes = new ByteArrayOutputStream();
    try {
      Util.writeFileMetaData(footer, footerBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] framed = HostileSchemaTest.withFooter(footerBytes.toByteArray());
    out.write(framed, 4, framed.length - 4);
    return out.toByteArray();
  }

  /**
   * Chooses a footer mutation now (so that the seed decides it), to run once the footer's offsets are made true.
   */
  private static Runnable footerMutation(FileMetaData footer, Random random, Mutations done) {
    List<SchemaElement> schema = footer.getSchema();
    RowGroup group = footer.getRow_groups().get(random.nextInt(footer.getRow_groups().size()));
    ColumnChunk chunk = group.getColumns().get(random.nextInt(group.getColumns().size()));
    ColumnMetaData meta = chunk.getMeta_data();
    int kind = random.nextInt(13);
    int element = 1 + random.nextInt(schema.size() - 1);
    long big = claimLong(random, 0);
    int copies = switch (random.nextInt(4)) {
      case 0 -> 1;
      case 1 -> 2 + random.nextInt(50);
      case 2 -> 10_000 + random.nextInt(10);
      default -> 20_000;
    };
    return switch (kind) {
      case 0 -> () -> {
        int to = claim(random, schema.get(0).getNum_children());
        done.done.add("root's num_children " + schema.get(0).getNum_children() + " -> " + to);
        schema.get(0).setNum_children(to);
      };
      case 1 -> () -> {
        SchemaElement e = schema.get(Math.min(element, schema.size() - 1));
        if (e.isSetType() && e.getType() == org.apache.parquet.format.Type.FIXED_LEN_BYTE_ARRAY
            && random.nextBoolean()) {
          int to = claim(random, e.getType_length());
          done.done.add("type_length of " + e.getName() + " -> " + to);
          done.reinterprets = true;
          e.setType_length(to);
        } else {
          int to = claim(random, e.getNum_children());
          done.done.add("num_children of " + e.getName() + " " + e.getNum_children() + " -> " + to);
          e.setNum_children(to);
        }
      };
      case 2 -> () -> {
        // more columns: copies of a leaf, the root claiming them
        SchemaElement leaf = schema.get(firstLeaf(schema, element));
        for (int i = 0; i < copies; i++) {
          SchemaElement copy = leaf.deepCopy();
          copy.setName(leaf.getName() + "_" + i);
          schema.add(1, copy);
        }
        schema.get(0).setNum_children(schema.get(0).getNum_children() + copies);
        done.done.add(copies + " more columns");
      };
      case 3 -> () -> {
        int at = Math.min(element, schema.size() - 1); // an earlier mutation may have taken elements out
        if (at > 0) {
          done.done.add("schema element " + schema.get(at).getName() + " taken out");
          schema.remove(at);
        }
      };
      case 4 -> () -> {
        long to = claimLong(random, group.getNum_rows());
        done.done.add("a row group's num_rows " + group.getNum_rows() + " -> " + to);
        group.setNum_rows(to);
      };
      case 5 -> () -> {
        done.done.add("the file's num_rows -> " + big);
        footer.setNum_rows(big);
      };
      case 6 -> () -> {
        long to = claimLong(random, meta.getNum_values());
        done.done.add("a chunk's num_values " + meta.getNum_values() + " -> " + to);
        meta.setNum_values(to);
      };
      case 7 -> () -> {
        long to = claimLong(random, meta.getTotal_compressed_size());
        done.done.add("a chunk's total_compressed_size " + meta.getTotal_compressed_size() + " -> " + to);
        meta.setTotal_compressed_size(to);
      };
      case 8 -> () -> {
        long to = claimLong(random, meta.getTotal_uncompressed_size());
        done.done.add("a chunk's total_uncompressed_size -> " + to);
        meta.setTotal_uncompressed_size(to);
      };
      case 9 -> () -> {
        long to = claimLong(random, meta.getData_page_offset());
        done.done.add("a chunk's data_page_offset " + meta.getData_page_offset() + " -> " + to);
        meta.setData_page_offset(to);
      };
      case 10 -> () -> {
        long to = claimLong(random, meta.isSetDictionary_page_offset() ? meta.getDictionary_page_offset()
            : meta.getData_page_offset());
        done.done.add("a chunk's dictionary_page_offset -> " + to);
        meta.setDictionary_page_offset(to);
      };
      case 11 -> () -> {
        if (random.nextBoolean() && group.getColumns().size() > 1) {
          group.getColumns().remove(random.nextInt(group.getColumns().size()));
          done.done.add("a column chunk taken out of a row group");
        } else {
          for (int i = 0; i < copies; i++) {
            group.getColumns().add(chunk.deepCopy());
          }
          done.done.add(copies + " more column chunks in a row group");
        }
      };
      default -> () -> {
        done.done.add("a row group's total_byte_size -> " + big);
        group.setTotal_byte_size(big);
      };
    };
  }

  private static int firstLeaf(List<SchemaElement> schema, int from) {
    for (int i = from; i < schema.size(); i++) {
      if (schema.get(i).isSetType()) {
        return i;
      }
    }
    return schema.size() - 1;
  }

  private static void pageMutation(PageHeader header, Random random, Mutations done) {
    String type = header.getType().name();
    switch (random.nextInt(6)) {
      case 0 -> {
        int to = claim(random, header.getUncompressed_page_size());
        done.done.add(type + " uncompressed_page_size " + header.getUncompressed_page_size() + " -> " + to);
        header.setUncompressed_page_size(to);
      }
      case 1 -> {
        int to = claim(random, header.getCompressed_page_size());
        done.done.add(type + " compressed_page_size " + header.getCompressed_page_size() + " -> " + to);
        header.setCompressed_page_size(to);
      }
      case 2, 3 -> {
        if (header.isSetData_page_header()) {
          int to = claim(random, header.getData_page_header().getNum_values());
          done.done.add("DATA_PAGE num_values " + header.getData_page_header().getNum_values() + " -> " + to);
          header.getData_page_header().setNum_values(to);
        } else if (header.isSetDictionary_page_header()) {
          int to = claim(random, header.getDictionary_page_header().getNum_values());
          done.done.add("DICTIONARY_PAGE num_values " + header.getDictionary_page_header().getNum_values() + " -> "
              + to);
          header.getDictionary_page_header().setNum_values(to);
        } else if (header.isSetData_page_header_v2()) {
          v2Mutation(header.getData_page_header_v2(), random, done);
        }
      }
      case 4 -> {
        if (header.isSetData_page_header_v2()) {
          v2Mutation(header.getData_page_header_v2(), random, done);
        } else if (header.isSetDictionary_page_header()) {
          int to = claim(random, header.getDictionary_page_header().getNum_values());
          done.done.add("DICTIONARY_PAGE num_values -> " + to);
          header.getDictionary_page_header().setNum_values(to);
        }
      }
      default -> {
        Encoding to = Encoding.values()[random.nextInt(Encoding.values().length)];
        done.done.add(type + " encoding -> " + to);
        done.reinterprets = true;
        if (header.isSetData_page_header()) {
          header.getData_page_header().setEncoding(to);
        } else if (header.isSetData_page_header_v2()) {
          header.getData_page_header_v2().setEncoding(to);
        } else if (header.isSetDictionary_page_header()) {
          header.getDictionary_page_header().setEncoding(to);
        }
      }
    }
  }

  private static void v2Mutation(DataPageHeaderV2 h, Random random, Mutations done) {
    switch (random.nextInt(6)) {
      case 0 -> {
        int to = claim(random, h.getNum_values());
        done.done.add("DATA_PAGE_V2 num_values " + h.getNum_values() + " -> " + to);
        h.setNum_values(to);
      }
      case 1 -> {
        int to = claim(random, h.getNum_nulls());
        done.done.add("DATA_PAGE_V2 num_nulls " + h.getNum_nulls() + " -> " + to);
        h.setNum_nulls(to);
      }
      case 2 -> {
        int to = claim(random, h.getNum_rows());
        done.done.add("DATA_PAGE_V2 num_rows " + h.getNum_rows() + " -> " + to);
        h.setNum_rows(to);
      }
      case 3 -> {
        int to = claim(random, h.getDefinition_levels_byte_length());
        done.done.add("DATA_PAGE_V2 definition_levels_byte_length -> " + to);
        h.setDefinition_levels_byte_length(to);
      }
      case 4 -> {
        int to = claim(random, h.getRepetition_levels_byte_length());
        done.done.add("DATA_PAGE_V2 repetition_levels_byte_length -> " + to);
        h.setRepetition_levels_byte_length(to);
      }
      default -> {
        done.done.add("DATA_PAGE_V2 is_compressed -> " + !h.isIs_compressed());
        h.setIs_compressed(!h.isIs_compressed());
      }
    }
  }

  /** Another count for {@code was}: near it, far from it, or at a type's edge. */
  private static int claim(Random random, int was) {
    return switch (random.nextInt(12)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> was + 1;
      case 3 -> was - 1;
      case 4 -> was * 2;
      case 5 -> was / 2;
      case 6 -> Integer.MAX_VALUE;
      case 7 -> Integer.MIN_VALUE;
      case 8 -> 1 << (10 + random.nextInt(21));
      case 9 -> was + 1 + random.nextInt(64);
      case 10 -> Math.max(0, was - 1 - random.nextInt(64));
      default -> random.nextInt();
    };
  }

  private static long claimLong(Random random, long was) {
    return switch (random.nextInt(14)) {
      case 0 -> Long.MAX_VALUE;
      case 1 -> Long.MIN_VALUE;
      case 2 -> 1L << (20 + random.nextInt(43));
      case 3 -> random.nextLong();
      default -> claim(random, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, was)));
    };
  }

  // ---------------------------------------------------------------- the valid files

  /** 300 rows of this library's writer: a dictionary column, nulls, a list, a decimal, an instant. */
  private static Path ourFile(Path file, Compression codec) {
    RowSchema schema = RowSchema.builder()
        .required("id", ColumnType.LONG)
        .nullable("name", ColumnType.STRING)
        .nullable("ratio", ColumnType.DOUBLE)
        .required("flag", ColumnType.BOOLEAN)
        .nullable("price", ColumnType.decimal(10, 2))
        .nullable("at", ColumnType.TIMESTAMP)
        .nullable("tags", ColumnType.list(ColumnType.INT, true))
        .build();
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withCompression(codec))) {
      for (int i = 0; i < 300; i++) {
        w.write(Row.of(schema, (long) i * 7 - 1000, i % 4 == 0 ? null : "name-" + i % 9, i % 5 == 0 ? null : i / 3.0,
            i % 3 == 0, i % 6 == 0 ? null : BigDecimal.valueOf(i * 101L, 2),
            i % 7 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + i * 3600L),
            i % 8 == 0 ? null : i % 8 == 1 ? List.of() : Arrays.asList(i, null, i + 1)));
      }
    }
    return file;
  }

  /**
   * 600 rows in two row groups by parquet-mr's column writers: pages of at most 64 rows, a string dictionary that
   * falls back to plain mid-chunk, DELTA encodings (format v2), a list, a FIXED_LEN_BYTE_ARRAY.
   */
  private static Path parquetMrFile(Path file, ParquetProperties.WriterVersion version, CompressionCodecName codec)
      throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType(
        "message m { required int64 id; optional binary s (STRING); optional int32 small;"
            + " optional fixed_len_byte_array(4) f;"
            + " optional group l (LIST) { repeated group list { optional int64 element; } } }");
    ParquetProperties properties = ParquetProperties.builder()
        .withWriterVersion(version)
        .withDictionaryEncoding("id", false)
        .withDictionaryPageSize(512)
        .withPageRowCountLimit(64)
        .withMinRowCountForPageSizeCheck(1)
        .withValuesWriterFactory(new PrivateValuesWriters())
        .build();
    ParquetFileWriter writer = new ParquetFileWriter(new LocalOutputFile(file), schema, ParquetFileWriter.Mode.CREATE,
        1 << 20, 0);
    writer.start();
    for (int group = 0; group < 2; group++) {
      ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(Codecs.INSTANCE.getCompressor(codec), schema,
          new HeapByteBufferAllocator(), 64, true);
      ColumnWriteStore store = properties.newColumnWriteStore(schema, pages, pages);
      ColumnWriter id = store.getColumnWriter(schema.getColumnDescription(new String[] {"id"}));
      ColumnWriter s = store.getColumnWriter(schema.getColumnDescription(new String[] {"s"}));
      ColumnWriter small = store.getColumnWriter(schema.getColumnDescription(new String[] {"small"}));
      ColumnWriter f = store.getColumnWriter(schema.getColumnDescription(new String[] {"f"}));
      ColumnWriter element = store.getColumnWriter(schema.getColumnDescription(new String[] {"l", "list", "element"}));
      for (int r = 0; r < 300; r++) {
        int i = group * 300 + r;
        id.write(i * 1_000_003L - 2_000_000_000L, 0, 0);
        if (i % 5 == 0) {
          s.writeNull(0, 0);
        } else {
          s.write(Binary.fromString(i < 200 ? "v" + i % 13 : "unique-" + i), 0, 1);
        }
        if (i % 3 == 0) {
          small.writeNull(0, 0);
        } else {
          small.write(i % 17 - 8, 0, 1);
        }
        if (i % 4 == 0) {
          f.writeNull(0, 0);
        } else {
          f.write(Binary.fromConstantByteArray(new byte[] {(byte) i, 1, 2, (byte) (i >> 8)}), 0, 1);
        }
        int kind = i % 6;
        if (kind == 0) {
          element.writeNull(0, 0);
        } else if (kind == 1) {
          element.writeNull(0, 1);
        } else {
          for (int j = 0; j < kind; j++) {
            if (j == 1) {
              element.writeNull(1, 2);
            } else {
              element.write((long) i * j, j == 0 ? 0 : 1, 3);
            }
          }
        }
        store.endRecord();
      }
      writer.startBlock(300);
      store.flush();
      pages.flushToFileWriter(writer);
      writer.endBlock();
      store.close();
    }
    writer.end(Map.of());
    return file;
  }
}
