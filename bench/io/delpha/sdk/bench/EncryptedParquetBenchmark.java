package io.delpha.sdk.bench;

import io.delpha.sdk.bench.ParquetBenchmark.Checksum;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.DirectByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Encrypted Parquet against the same file in clear, in one JVM (issue 72: goal >= 0.8x the plaintext speed): {@link
 * ParquetBenchmark}'s 1 million rows of 6 columns (SNAPPY, the columnar writer and reader, the caller's thread),
 * written and read in clear, encrypted with {@code AES_GCM_V1} (every module authenticated) and with {@code
 * AES_GCM_CTR_V1} (pages CTR), uniform encryption with a 256-bit footer key and an encrypted footer; and the GCM
 * file read by parquet-java's {@code ParquetFileReader} with its {@code FileDecryptionProperties} (parquet-hadoop
 * {@value ParquetBenchmark#PARQUET_JAVA}, its own snappy-java codec factory, every value through its column readers:
 * its fastest public path, no record assembly). Every file's read, ours and parquet-java's, is checked (row count and
 * a checksum of every column against the values generated) before any figure. Best of several runs after a warm-up;
 * asserts nothing about time.
 *
 * <pre>{@code
 * bench/run-all.sh encrypted        # or, by hand, after mvn test-compile:
 * java -Xmx3g -cp ... io.delpha.sdk.bench.EncryptedParquetBenchmark [rows] [repetitions]
 * }</pre>
 */
public final class EncryptedParquetBenchmark {

  private static final byte[] KEY = "bench-footer-key-0123456789abcde".getBytes(StandardCharsets.US_ASCII);

  private EncryptedParquetBenchmark() {}

  /**
   * @param args optional row count (default 1,000,000) and repetitions (default 5)
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("encrypted-bench");
    Checksum expected = Checksum.expected(rows);
    List<ColumnBatch> batches = ParquetBenchmark.batches(rows);
    WriteOptions clear = WriteOptions.defaults();
    WriteOptions gcm = clear.withEncryption(FileEncryption.builder().footerKey(KEY).build());
    WriteOptions ctr = clear.withEncryption(FileEncryption.builder().footerKey(KEY)
        .algorithm(FileEncryption.Algorithm.AES_GCM_CTR_V1).build());
    ReadOptions keys = ReadOptions.defaults().withDecryption(FileDecryption.builder().footerKey(KEY).build());
    FileDecryptionProperties javaKeys = FileDecryptionProperties.builder().withFooterKey(KEY).build();
    Path clearFile = dir.resolve("clear.parquet");
    Path gcmFile = dir.resolve("gcm.parquet");
    Path ctrFile = dir.resolve("ctr.parquet");

    // warm-up: JIT, AES intrinsics, codecs; every read checked
    List<ColumnBatch> some = batches.subList(0, Math.min(batches.size(), 60));
    Checksum someExpected = Checksum.expected(Math.min(rows, 60 * 4096));
    for (int k = 0; k < 3; k++) {
      for (WriteOptions o : List.of(clear, gcm, ctr)) {
        Path warm = dir.resolve("warm.parquet");
        Files.deleteIfExists(warm);
        ParquetBenchmark.writeColumnar(warm, some, o);
        read(warm, o == clear ? ReadOptions.defaults() : keys).require(someExpected, "warm-up read");
        if (o == gcm) {
          readParquetJava(warm, javaKeys).require(someExpected, "warm-up parquet-java read");
        }
        Files.delete(warm);
      }
    }

    double writeClear = Double.MAX_VALUE;
    double writeGcm = Double.MAX_VALUE;
    double writeCtr = Double.MAX_VALUE;
    double readClear = Double.MAX_VALUE;
    double readGcm = Double.MAX_VALUE;
    double readCtr = Double.MAX_VALUE;
    double readJava = Double.MAX_VALUE;
    for (int r = 0; r < repetitions; r++) {
      Files.deleteIfExists(clearFile);
      writeClear = Math.min(writeClear, time(() -> ParquetBenchmark.writeColumnar(clearFile, batches, clear)));
      Files.deleteIfExists(gcmFile);
      writeGcm = Math.min(writeGcm, time(() -> ParquetBenchmark.writeColumnar(gcmFile, batches, gcm)));
      Files.deleteIfExists(ctrFile);
      writeCtr = Math.min(writeCtr, time(() -> ParquetBenchmark.writeColumnar(ctrFile, batches, ctr)));
      Checksum[] got = new Checksum[4];
      readClear = Math.min(readClear, time(() -> got[0] = read(clearFile, ReadOptions.defaults())));
      readGcm = Math.min(readGcm, time(() -> got[1] = read(gcmFile, keys)));
      readCtr = Math.min(readCtr, time(() -> got[2] = read(ctrFile, keys)));
      readJava = Math.min(readJava, time(() -> got[3] = readParquetJava(gcmFile, javaKeys)));
      got[0].require(expected, "our read of the clear file");
      got[1].require(expected, "our read of the AES_GCM_V1 file");
      got[2].require(expected, "our read of the AES_GCM_CTR_V1 file");
      got[3].require(expected, "parquet-java's read of the AES_GCM_V1 file");
    }
    System.out.printf("files: clear %d bytes, AES_GCM_V1 %d, AES_GCM_CTR_V1 %d; %d rows, every read checked%n",
        Files.size(clearFile), Files.size(gcmFile), Files.size(ctrFile), rows);
    result("write AES_GCM_V1 (columnar)", rows / writeGcm, "same, in clear", rows / writeClear, ">= 0.8");
    result("write AES_GCM_CTR_V1 (columnar)", rows / writeCtr, "same, in clear", rows / writeClear, ">= 0.8");
    result("read AES_GCM_V1 (columnar)", rows / readGcm, "same, in clear", rows / readClear, ">= 0.8");
    result("read AES_GCM_CTR_V1 (columnar)", rows / readCtr, "same, in clear", rows / readClear, ">= 0.8");
    result("read AES_GCM_V1 (columnar)", rows / readGcm, "parquet-java " + ParquetBenchmark.PARQUET_JAVA,
        rows / readJava, "");
    for (Path f : List.of(clearFile, gcmFile, ctrFile)) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }

  private static Checksum read(Path file, ReadOptions options) {
    try (ColumnBatchReader reader = ParquetRows.readBatches(file, options)) {
      return ParquetBenchmark.sum(reader);
    }
  }

  /** parquet-java's read of every value, through its column readers (no record assembly), with its own codecs. */
  static Checksum readParquetJava(Path file, FileDecryptionProperties keys) throws Exception {
    CodecFactory codecs = CodecFactory.createDirectCodecFactory(null, new DirectByteBufferAllocator(),
        ParquetWriter.DEFAULT_PAGE_SIZE);
    long rows = 0;
    long[] sums = new long[6];
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions
        .builder(new PlainParquetConfiguration()).withCodecFactory(codecs).withDecryption(keys).build())) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
      List<ColumnDescriptor> columns = schema.getColumns();
      for (PageReadStore pages = r.readNextRowGroup(); pages != null; pages = r.readNextRowGroup()) {
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new GroupRecordConverter(schema)
            .getRootConverter(), schema, createdBy);
        rows += pages.getRowCount();
        for (int c = 0; c < columns.size(); c++) {
          ColumnDescriptor d = columns.get(c);
          ColumnReader cr = store.getColumnReader(d);
          int maxDef = d.getMaxDefinitionLevel();
          long sum = 0;
          for (long v = cr.getTotalValueCount(); v > 0; v--) {
            if (cr.getCurrentDefinitionLevel() == maxDef) {
              sum += switch (c) {
                case 0, 2 -> cr.getLong();
                case 1 -> cr.getBinary().length();
                case 3 -> cr.getLong() - ParquetBenchmark.EPOCH_SECOND * 1_000_000L;
                case 4 -> cr.getBoolean() ? 1 : 0;
                default -> cr.getInteger();
              };
            }
            cr.consume();
          }
          sums[c] += sum;
        }
      }
    } finally {
      codecs.release();
    }
    return new Checksum(rows, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]);
  }

  private static void result(String what, double ours, String anchor, double theirs, String goal) {
    System.out.printf("RESULT|%s|%.0f rows/s|%s|%.0f rows/s|%.2f|%s%n", what, ours, anchor, theirs, ours / theirs, goal);
  }

  private interface Action {
    void run() throws Exception;
  }

  private static double time(Action action) throws Exception {
    long t0 = System.nanoTime();
    action.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
