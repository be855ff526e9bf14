package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.sharing.internal.DeletionVector.DeletedRows;
import io.delpha.sdk.sharing.internal.DeltaFileReader.RowSelection;
import io.delpha.sdk.testing.HostileAnswers;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * Issue 68, "memory from a few bytes": a deletion vector is held in what its bytes cost and every position is checked
 * against its file's rows. A seeded generator writes random valid bitmaps with the RoaringBitmap library (the writer
 * Delta on Spark and Databricks use; run, array and bitmap containers, positions past 2^32) and checks the cursor
 * against a model set; hostile ones (bytes flipped, cut, counts and keys lied about) must be a typed error or a bitmap
 * that is still well-formed. Cost is judged by the bytes the reading thread allocates, not by time.
 *
 * <p>{@code -Dhostile.dv.count=N} runs N seeds (the hostile profile runs more); a failure prints its replay command.
 */
@DisplayName("deletion vectors: a cursor over the serialized bitmap, every position checked against the file's rows")
class DeletionVectorHostileAnswersTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @TempDir
  Path dir;

  @Test
  @DisplayName("random valid bitmaps read exactly as the model set: positions, count, membership, last")
  void validBitmapsReadAsTheirModel() {
    HostileAnswers.run(getClass(), "validBitmapsReadAsTheirModel", "hostile.dv.seed", "hostile.dv.count", 40,
        random -> {
          TreeSet<Long> model = new TreeSet<>();
          Roaring64NavigableMap map = randomBitmap(random, model);
          byte[] bytes = portable(map);
          long rows = model.isEmpty() ? random.nextInt(10) : model.last() + 1 + random.nextInt(3);
          DeletionBitmap bitmap = new DeletionBitmap(bytes, 0, bytes.length, random.nextBoolean() ? rows : -1, "f");
          assertThat(bitmap.cardinality()).isEqualTo(model.size());
          assertThat(bitmap.last()).isEqualTo(model.isEmpty() ? -1 : model.last());
          PrimitiveIterator.OfLong it = bitmap.ascending();
          for (long expected : model) {
            assertThat(it.hasNext()).isTrue();
            assertThat(it.nextLong()).isEqualTo(expected);
          }
          assertThat(it.hasNext()).isFalse();
          for (int i = 0; i < 200; i++) {
            long probe = model.isEmpty() || random.nextBoolean() ? random.nextLong() & Long.MAX_VALUE
                : model.ceiling(random.nextLong(model.last() + 1)) + random.nextInt(3) - 1;
            assertThat(bitmap.contains(probe)).as("position %d", probe).isEqualTo(model.contains(probe));
          }
          if (!model.isEmpty()) {
            assertThatThrownBy(() -> new DeletionBitmap(bytes, 0, bytes.length, model.last(), "f"))
                .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("position " + model.last());
          }
          // through Delta's framing: magic number, then the inline Z85 text of an 'i' descriptor
          DeletedRows rowsOf = inline(map, model.size(), null).load(null, l -> {
            throw new AssertionError("an inline vector fetches nothing");
          }, "f");
          assertThat(rowsOf.count()).isEqualTo(model.size());
        });
  }

  @Test
  @DisplayName("hostile bitmaps (bytes flipped, cut, grown; counts and keys lied about) are a typed error or still "
      + "well-formed, and reading one allocates a small multiple of its bytes")
  void hostileBitmapsAreTypedOrWellFormed() {
    HostileAnswers.run(getClass(), "hostileBitmapsAreTypedOrWellFormed", "hostile.dv.seed", "hostile.dv.count", 60,
        random -> {
          TreeSet<Long> model = new TreeSet<>();
          byte[] bytes = portable(randomBitmap(random, model));
          byte[] hostile = mutate(random, bytes);
          long rows = random.nextBoolean() ? -1 : random.nextInt(1 << 20);
          long before = THREADS.getCurrentThreadAllocatedBytes();
          DeletionBitmap read;
          try {
            read = new DeletionBitmap(hostile, 0, hostile.length, rows, "f");
          } catch (DataFormatException e) {
            assertThat(e.getMessage()).startsWith("the deletion vector of f ").hasSizeLessThan(400);
            return;
          }
          // one pass of the cursor, judged in primitives (an assertion per position would allocate itself)
          long previous = -1;
          long n = 0;
          long disorder = 0;
          long beyond = 0;
          long missing = 0;
          for (PrimitiveIterator.OfLong it = read.ascending(); it.hasNext() && n <= 5_000_000; n++) {
            long p = it.nextLong();
            disorder += p <= previous ? 1 : 0;
            beyond += rows >= 0 && p >= rows ? 1 : 0;
            missing += (n & 1023) == 0 && !read.contains(p) ? 1 : 0;
            previous = p;
          }
          long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
          assertThat(disorder).as("positions not strictly ascending").isZero();
          assertThat(beyond).as("positions at or beyond the file's rows").isZero();
          assertThat(missing).as("positions the bitmap says it does not hold").isZero();
          if (n <= 5_000_000) { // past that, a valid dense bitmap: its cost is judged below, not its length
            assertThat(n).isEqualTo(read.cardinality());
          }
          assertThat(allocated).as("bytes allocated reading it").isLessThan(64L * hostile.length + (1 << 20));
        });
  }

  @Test
  @DisplayName("issue 68: 5 KB deleting positions 0..25M and 64 KB deleting 0..300M of a 3-row file, and a vector past "
      + "2^32: refused by the file's numRecords when the stats give it, else at the file's end; never expanded")
  void hugeClaimsAgainstASmallFile() throws IOException {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).build();
    Path file = dir.resolve("three.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      for (long i = 0; i < 3; i++) {
        w.write(Row.of(schema, i));
      }
    }
    for (long[] range : new long[][] {{0, 25_000_000L}, {0, 300_000_000L}, {(1L << 32) - 5, (1L << 32) + 5},
        {2, 1L << 33}}) {
      Roaring64NavigableMap map = new Roaring64NavigableMap();
      map.addRange(range[0], range[1]);
      map.runOptimize();
      long cardinality = range[1] - range[0];
      byte[] serialized = portable(map);
      if (range[1] <= 300_000_000L) {
        assertThat(serialized.length).as("the vector's bytes, as the issue's attack sends them").isLessThan(1 << 17);
      }

      // the stats say 3 rows: refused as it is parsed
      assertThatThrownBy(() -> DeletionVector.parse(descriptor(map, cardinality), null, 3L, "s.d.t"))
          .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("deletes " + cardinality + " rows");

      // no stats: loaded as a cursor (its bytes, not its cardinality), refused at the file's end
      DeletionVector vector = inline(map, cardinality, null);
      DeletionVector empty = inline(new Roaring64NavigableMap(), 0, null);
      long before = THREADS.getCurrentThreadAllocatedBytes();
      DeletedRows deleted = vector.load(null, l -> new byte[0], "f");
      RowSelection dropping = DeltaFileReader.notDeleted(deleted);
      RowSelection keeping = RowSelection.keeping(deleted.minus(empty.load(null, l -> new byte[0], "f")));
      for (RowSelection selection : List.of(dropping, keeping)) {
        try (ColumnBatchReader read = DeltaFileReader.wrap(ParquetRows.readBatches(file), schema, schema, selection,
            "file three")) {
          assertThatThrownBy(() -> drain(read)).isExactlyInstanceOf(DataFormatException.class)
              .hasMessageContaining("and the file has 3 rows");
        }
      }
      assertThat(deleted.count()).isEqualTo(cardinality);
      // the vector's bytes a few times over and two Parquet readers' buffers; 25M positions as longs are 200 MB
      assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
          .as("bytes allocated, for %s", java.util.Arrays.toString(range))
          .isLessThan(16L * serialized.length + (24L << 20));
    }
  }

  @Test
  @DisplayName("a valid vector over a real file keeps exactly the rows it does not delete, and the change feed's "
      + "difference of two vectors reads exactly the newly deleted rows")
  void validVectorsOverARealFile() throws IOException {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).build();
    Path file = dir.resolve("many.parquet");
    int rows = 70_000;
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      for (long i = 0; i < rows; i++) {
        w.write(Row.of(schema, i));
      }
    }
    Random random = new Random(68);
    TreeSet<Long> older = new TreeSet<>();
    TreeSet<Long> newer = new TreeSet<>();
    Roaring64NavigableMap o = new Roaring64NavigableMap();
    Roaring64NavigableMap n = new Roaring64NavigableMap();
    for (int i = 0; i < 20_000; i++) {
      long p = random.nextInt(rows);
      older.add(p);
      o.addLong(p);
      newer.add(p);
      n.addLong(p);
    }
    n.addRange(60_000, 66_000);
    for (long p = 60_000; p < 66_000; p++) {
      newer.add(p);
    }
    n.runOptimize();
    DeletedRows oldRows = inline(o, older.size(), (long) rows).load(null, l -> new byte[0], "f");
    DeletedRows newRows = inline(n, newer.size(), (long) rows).load(null, l -> new byte[0], "f");
    try (ColumnBatchReader read = DeltaFileReader.wrap(ParquetRows.readBatches(file), schema, schema,
        DeltaFileReader.notDeleted(newRows), "many")) {
      List<Long> kept = drain(read);
      assertThat(kept).hasSize(rows - newer.size()).doesNotContainAnyElementsOf(newer);
    }
    try (ColumnBatchReader read = DeltaFileReader.wrap(ParquetRows.readBatches(file), schema, schema,
        RowSelection.keeping(newRows.minus(oldRows)), "many")) {
      TreeSet<Long> expected = new TreeSet<>(newer);
      expected.removeAll(older);
      assertThat(drain(read)).containsExactlyElementsOf(expected);
    }
  }

  // ------------------------------------------------------------------------------------------------- generators

  /** A random bitmap as Delta's writers make them: sparse positions, dense ranges, several 2^32 buckets. */
  static Roaring64NavigableMap randomBitmap(Random random, TreeSet<Long> model) {
    Roaring64NavigableMap map = new Roaring64NavigableMap();
    int parts = random.nextInt(5);
    for (int part = 0; part < parts; part++) {
      long bucket = random.nextInt(4) == 0 ? (long) random.nextInt(3) << 32 : 0;
      long base = bucket + (long) random.nextInt(1 << 20);
      switch (random.nextInt(4)) {
        case 0 -> { // sparse: array containers
          for (int i = random.nextInt(300); i > 0; i--) {
            long p = base + random.nextInt(1 << 18);
            map.addLong(p);
            model.add(p);
          }
        }
        case 1 -> { // dense: bitmap containers
          for (int i = 5000 + random.nextInt(20_000); i > 0; i--) {
            long p = base + random.nextInt(1 << 16);
            map.addLong(p);
            model.add(p);
          }
        }
        default -> { // ranges: run containers once optimised
          long length = 1 + random.nextInt(random.nextBoolean() ? 100 : 70_000);
          map.addRange(base, base + length);
          for (long p = base; p < base + length; p++) {
            model.add(p);
          }
        }
      }
    }
    if (random.nextBoolean()) {
      map.runOptimize();
    }
    return map;
  }

  /** Flips, cuts, grows or lies in a serialized bitmap. */
  static byte[] mutate(Random random, byte[] bytes) {
    byte[] b = bytes.clone();
    int kind = random.nextInt(6);
    if (b.length == 0 || kind == 0) {
      return java.util.Arrays.copyOf(b, Math.max(0, b.length - 1 - random.nextInt(Math.max(1, b.length))));
    }
    if (kind == 1) {
      return java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(64));
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (kind == 2 && b.length >= 8) {
      le.putLong(0, HostileAnswers.pick(random, Long.MAX_VALUE, -1L, 1L << 40, le.getLong(0) + 1));
      return b;
    }
    if (kind == 3 && b.length >= 20) { // a container's cardinality or key in the first bitmap's header
      int at = 12 + (le.getInt(12) == 12346 ? 8 : 4) + random.nextInt(4);
      if (at + 2 <= b.length) {
        le.putShort(at, (short) random.nextInt(1 << 16));
      }
      return b;
    }
    for (int i = 1 + random.nextInt(8); i > 0; i--) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }

  static byte[] portable(Roaring64NavigableMap map) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      map.serializePortable(new DataOutputStream(out));
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return an inline descriptor of the bitmap, framed as Delta frames it (magic number first) */
  static DeletionVector inline(Roaring64NavigableMap map, long cardinality, Long fileRows) {
    byte[] bitmap = portable(map);
    ByteBuffer framed = ByteBuffer.allocate(4 + bitmap.length).order(ByteOrder.LITTLE_ENDIAN);
    framed.putInt(DeletionVector.MAGIC).put(bitmap);
    return new DeletionVector("i", Z85Text.encode(framed.array()), null, framed.capacity(), cardinality, null, fileRows);
  }

  static JsonNode descriptor(Roaring64NavigableMap map, long cardinality) {
    DeletionVector dv = inline(map, cardinality, null);
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("storageType", "i").put("pathOrInlineDv", dv.pathOrInlineDv()).put("sizeInBytes", dv.sizeInBytes())
        .put("cardinality", cardinality);
    return node;
  }

  static List<Long> drain(ColumnBatchReader reader) {
    List<Long> ids = new ArrayList<>();
    for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
      for (int r = 0; r < b.rowCount(); r++) {
        ids.add((Long) b.column(0).get(r));
      }
    }
    return ids;
  }
}
