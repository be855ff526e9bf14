package io.delpha.sdk.sharing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * What deletion vectors cost a reader: the same files read as a table version without vectors and as the next
 * version, where a vector deletes every tenth row of every file (the worst case: a deleted row in every batch).
 * Both versions are served by the loopback {@link DeltaLogServer} in the delta format and read with {@code
 * readTableBatches} (summing a column) and {@code readTable}; the row counts are checked before any time is printed.
 * Goal (issue 37): the version with vectors costs at most 1.2x.
 *
 * <pre>
 * java -Xmx2g -cp target/test-classes:target/classes:$(cat cp.txt) io.delpha.sdk.sharing.DeletionVectorBenchmark 8 500000 11
 * </pre>
 */
public final class DeletionVectorBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    Path root = Files.createTempDirectory("dv-bench");
    Path table = root.resolve("bench");
    long deleted = write(table, files, rowsPerFile);
    long all = (long) files * rowsPerFile;
    try (DeltaLogServer server = new DeltaLogServer(root, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = DeltaSharingClient.builder().endpoint(server.endpoint())
            .bearerToken(Secret.of(DeltaLogServer.TOKEN)).build()) {
      String name = DeltaLogServer.SHARE + "." + DeltaLogServer.SCHEMA + ".bench";
      // counts first
      check(batches(client, name, 0)[0], all, "version 0, batches");
      check(batches(client, name, 1)[0], all - deleted, "version 1, batches");
      check(rows(client, name, 0), all, "version 0, rows");
      check(rows(client, name, 1), all - deleted, "version 1, rows");
      int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 11;
      long[][] t = new long[4][rounds];
      for (int r = 0; r < rounds; r++) {
        t[0][r] = time(() -> batches(client, name, 0));
        t[1][r] = time(() -> batches(client, name, 1));
        t[2][r] = time(() -> rows(client, name, 0));
        t[3][r] = time(() -> rows(client, name, 1));
      }
      System.out.printf("%d files x %,d rows, every tenth row deleted by a vector in version 1 (%,d of %,d)%n",
          files, rowsPerFile, deleted, all);
      print("readTableBatches", t[0], t[1], all, all - deleted);
      print("readTable", t[2], t[3], all, all - deleted);
    } finally {
      try (var s = Files.walk(root)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void print(String what, long[] plain, long[] withDv, long rows, long kept) {
    long a = median(plain);
    long b = median(withDv);
    System.out.printf("%-17s without vectors %6d ms (%5.1fM rows/s), with vectors %6d ms (%5.1fM rows/s): %.2fx%n",
        what, a, rows / (a * 1000.0), b, kept / (b * 1000.0), (double) b / a);
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private interface Work {
    void run() throws Exception;
  }

  private static long time(Work w) throws Exception {
    long start = System.nanoTime();
    w.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void check(long got, long expected, String what) {
    if (got != expected) {
      throw new IllegalStateException(what + ": read " + got + " rows, expected " + expected);
    }
  }

  private static long[] batches(DeltaSharingClient client, String name, long version) {
    long n = 0;
    long sum = 0;
    try (ColumnBatchReader r = client.readTableBatches(name, QueryOptions.builder().version(version).build())) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        long[] ids = b.column("id").longs();
        for (int i = 0; i < b.rowCount(); i++) {
          sum += ids[i];
        }
        n += b.rowCount();
      }
    }
    return new long[] {n, sum};
  }

  private static long rows(DeltaSharingClient client, String name, long version) {
    long n = 0;
    try (RowReader r = client.readTable(name, QueryOptions.builder().version(version).build())) {
      while (r.hasNext()) {
        Row row = r.next();
        if (row.getLong("id") >= 0) {
          n++;
        }
      }
    }
    return n;
  }

  /** Writes the files, version 0 (plain adds) and version 1 (each file with a vector); @return rows deleted */
  private static long write(Path table, int files, int rowsPerFile) throws Exception {
    Files.createDirectories(table.resolve("_delta_log"));
    RowSchema schema = new RowSchema(List.of(Column.required("id", ColumnType.LONG),
        Column.nullable("name", ColumnType.STRING), Column.nullable("amount", ColumnType.DOUBLE)));
    String schemaString = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,"
        + "\"metadata\":{}},{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
        + "{\"name\":\"amount\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}]}";
    StringBuilder v0 = new StringBuilder();
    v0.append("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
        + "\"writerFeatures\":[\"deletionVectors\"]}}\n");
    ObjectNode meta = JSON.createObjectNode();
    ObjectNode m = meta.putObject("metaData");
    m.put("id", UUID.randomUUID().toString());
    m.putObject("format").put("provider", "parquet");
    m.put("schemaString", schemaString);
    m.putArray("partitionColumns");
    m.putObject("configuration");
    v0.append(meta).append('\n');
    StringBuilder v1 = new StringBuilder();
    UUID dvId = UUID.randomUUID();
    ByteArrayOutputStream dvFile = new ByteArrayOutputStream();
    dvFile.write(1); // the format version
    long deleted = 0;
    List<String> paths = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      String path = "part-" + f + ".parquet";
      paths.add(path);
      try (RowWriter w = ParquetRows.writer(table.resolve(path), schema, WriteOptions.defaults())) {
        ColumnBatch.Appender batch = ColumnBatch.appender(schema);
        for (int i = 0; i < rowsPerFile; i++) {
          long id = (long) f * rowsPerFile + i;
          batch.appendRow(Row.of(schema, id, "name-" + (id % 1000), id * 0.5));
          if (batch.rowCount() == 8192) {
            w.write(batch.batch());
            batch.clear();
          }
        }
        w.write(batch.batch());
      }
      long size = Files.size(table.resolve(path));
      ObjectNode add = JSON.createObjectNode();
      ObjectNode a = add.putObject("add");
      a.put("path", path).put("size", size).put("modificationTime", 0).put("dataChange", true)
          .put("stats", "{\"numRecords\":" + rowsPerFile + "}");
      a.putObject("partitionValues");
      v0.append(add).append('\n');
      // version 1: every tenth row deleted
      Roaring64NavigableMap bitmap = new Roaring64NavigableMap();
      for (long i = 0; i < rowsPerFile; i += 10) {
        bitmap.addLong(i);
      }
      deleted += bitmap.getLongCardinality();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1681511377).array());
      bitmap.serializePortable(new DataOutputStream(bytes));
      byte[] serialised = bytes.toByteArray();
      int offset = dvFile.size();
      DataOutputStream out = new DataOutputStream(dvFile);
      out.writeInt(serialised.length);
      out.write(serialised);
      CRC32 crc = new CRC32();
      crc.update(serialised);
      out.writeInt((int) crc.getValue());
      out.flush();
      ObjectNode remove = JSON.createObjectNode();
      remove.putObject("remove").put("path", path).put("dataChange", true).put("size", size)
          .putObject("partitionValues");
      ObjectNode added = add.deepCopy();
      ObjectNode dv = ((ObjectNode) added.get("add")).putObject("deletionVector");
      dv.put("storageType", "u").put("pathOrInlineDv", DeltaLogServer.z85(uuidBytes(dvId))).put("offset", offset)
          .put("sizeInBytes", serialised.length).put("cardinality", bitmap.getLongCardinality());
      v1.append(added).append('\n').append(remove).append('\n');
    }
    Files.write(table.resolve("deletion_vector_" + dvId + ".bin"), dvFile.toByteArray());
    Files.writeString(table.resolve("_delta_log").resolve("00000000000000000000.json"), v0);
    Files.writeString(table.resolve("_delta_log").resolve("00000000000000000001.json"), v1);
    return deleted;
  }

  private static byte[] uuidBytes(UUID u) {
    return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
  }
}
