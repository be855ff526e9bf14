package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A file read while it arrives ({@link ParquetRows#readBatches(ArrivingFile, String, ReadOptions)}) against the same
 * bytes read whole from an array, over files other writers made (parquet-testing's corpus, good and bad, pyarrow's,
 * Spark's and delta-rs's Delta tables): the same rows, or the same refusal, whatever the steps the bytes arrive in
 * and however much of the end is there first (sometimes less than the footer, so the footer's read waits too). Seeded:
 * {@code -Dparquet.arriving.seed=N} replays one seed, {@code -Dparquet.arriving.rounds=N} runs more.
 */
@DisplayName("A Parquet file read as it arrives reads as it does whole, for files of many writers")
class ArrivingFileTest {

  private static final Path RESOURCES = Path.of("integration-tests/src/test/resources").toAbsolutePath();
  /** Its two 1 GiB values need a 7 GiB heap (LargeValuesTest reads it in a child JVM). */
  private static final String TOO_LARGE = "large_string_map.brotli.parquet";

  private static List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("parquet-corpus", "parquet/pyarrow", "parquet-pyarrow", "delta/tables")) {
      try (Stream<Path> all = Files.walk(RESOURCES.resolve(dir))) {
        all.filter(p -> p.toString().endsWith(".parquet") && !p.getFileName().toString().equals(TOO_LARGE))
            .sorted().forEach(files::add);
      }
    }
    return files;
  }

  @Test
  @DisplayName("every file: the same rows or the same refusal as read whole, bytes arriving in random steps")
  void sameAsWhole() throws Exception {
    long first = Long.getLong("parquet.arriving.seed", System.nanoTime());
    int rounds = Long.getLong("parquet.arriving.seed") != null ? 1 : Integer.getInteger("parquet.arriving.rounds", 2);
    List<Path> files = files();
    assertThat(files).hasSizeGreaterThan(100);
    for (int round = 0; round < rounds; round++) {
      long seed = first + round;
      Random random = new Random(seed);
      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        String name = RESOURCES.relativize(file).toString();
        String replay = " (seed " + seed + ", " + name + "; replay: mvn -q verify -pl integration-tests "
            + "-Dtest=ArrivingFileTest -Dparquet.arriving.seed=" + seed + ")";
        Outcome whole = read(() -> ParquetRows.readBatches(bytes, bytes.length, name, ReadOptions.defaults()));
        Outcome arriving = arriving(bytes, name, random);
        if (whole.failure() != null) {
          assertThat(arriving.failure()).as("refused as whole" + replay).isNotNull();
          assertThat(arriving.failure().getClass()).as(replay).isEqualTo(whole.failure().getClass());
          // Thrift's messages name a Java object by its identity hash: the one part that may differ
          assertThat(withoutHashes(arriving.failure().getMessage())).as(replay)
              .isEqualTo(withoutHashes(whole.failure().getMessage()));
        } else {
          assertThat(arriving.failure()).as("read as whole" + replay).isNull();
          assertThat(arriving.rows()).as(replay).isEqualTo(whole.rows());
        }
      }
    }
  }

  private static String withoutHashes(String message) {
    return message.replaceAll("@[0-9a-f]+", "@");
  }

  /** The file's bytes arriving from another thread, in random steps, after a random part of its end. */
  private static Outcome arriving(byte[] bytes, String name, Random random) throws Exception {
    byte[] array = new byte[bytes.length + random.nextInt(16)];
    int footer = bytes.length < 8 ? bytes.length : (int) Math.min(bytes.length,
        8L + Integer.toUnsignedLong(ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()));
    int tailLength = switch (random.nextInt(4)) {
      case 0 -> 0; // nothing first: every read waits for the front
      case 1 -> random.nextInt(Math.max(1, footer)); // less than the footer: its read waits too
      case 2 -> footer; // exactly the footer
      default -> footer + random.nextInt(Math.max(1, bytes.length - footer + 1)); // more
    };
    int tailFrom = bytes.length - Math.min(tailLength, bytes.length);
    System.arraycopy(bytes, tailFrom, array, tailFrom, bytes.length - tailFrom);
    ArrivingFile file = new ArrivingFile(array, bytes.length, tailFrom);
    long stepSeed = random.nextLong();
    CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
      Random steps = new Random(stepSeed);
      int at = 0;
      while (at < tailFrom) {
        int n = Math.min(tailFrom - at, 1 + steps.nextInt(steps.nextBoolean() ? 64 : 64 * 1024));
        System.arraycopy(bytes, at, array, at, n);
        at += n;
        file.arrived(at);
        if (steps.nextInt(8) == 0) {
          LockSupport.parkNanos(steps.nextInt(200_000));
        }
      }
      file.arrived(bytes.length);
    });
    ReadOptions options = random.nextBoolean() ? ReadOptions.defaults()
        : ReadOptions.defaults().withBatchRows(1 << 17);
    Outcome outcome = read(() -> ParquetRows.readBatches(file, name, options));
    feeder.get(30, TimeUnit.SECONDS);
    return outcome;
  }

  private record Outcome(List<String> rows, RuntimeException failure) {}

  private static Outcome read(java.util.function.Supplier<ColumnBatchReader> open) {
    List<String> rows = new ArrayList<>();
    try (ColumnBatchReader reader = open.get()) {
      for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
        for (Row row : batch.rows()) {
          rows.add(row.toString());
        }
      }
      return new Outcome(rows, null);
    } catch (RuntimeException e) {
      return new Outcome(rows, e);
    }
  }

  @Test
  @DisplayName("a download that fails ends the reader's wait with that very failure")
  void failureReachesReader() throws Exception {
    byte[] bytes = Files.readAllBytes(RESOURCES.resolve("parquet-corpus/data/alltypes_plain.parquet"));
    int footer = 8 + ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] array = new byte[bytes.length];
    int tailFrom = bytes.length - footer;
    System.arraycopy(bytes, tailFrom, array, tailFrom, footer);
    System.arraycopy(bytes, 0, array, 0, 4);
    ArrivingFile file = new ArrivingFile(array, bytes.length, tailFrom);
    file.arrived(4);
    DelphaException broke = new ServiceUnavailableException("the connection broke");
    CompletableFuture.runAsync(() -> {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      file.failed(broke);
    });
    try (ColumnBatchReader reader = ParquetRows.readBatches(file, "f", ReadOptions.defaults())) {
      assertThat(reader.schema().size()).isEqualTo(11); // the footer is there: the reader opens
      assertThatThrownBy(reader::next).isSameAs(broke);
    }
  }

  @Test
  @DisplayName("a reader waiting for bytes stops, typed, when its thread is interrupted")
  void interruptedWait() throws Exception {
    byte[] bytes = Files.readAllBytes(RESOURCES.resolve("parquet-corpus/data/alltypes_plain.parquet"));
    ArrivingFile file = new ArrivingFile(new byte[bytes.length], bytes.length, bytes.length);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        ParquetRows.readBatches(file, "f", ReadOptions.defaults()).close();
        thrown.complete(null);
      } catch (Throwable e) {
        thrown.complete(e);
      }
    });
    reader.start();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    reader.interrupt();
    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  @DisplayName("holdsFooter: the PAR1 magic last and a footer length that fits, nothing else")
  void holdsFooter() throws IOException {
    byte[] bytes = Files.readAllBytes(RESOURCES.resolve("parquet-corpus/data/alltypes_plain.parquet"));
    int footer = 8 + ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    assertThat(ArrivingFile.holdsFooter(java.util.Arrays.copyOfRange(bytes, bytes.length - footer, bytes.length)))
        .isTrue();
    assertThat(ArrivingFile.holdsFooter(java.util.Arrays.copyOfRange(bytes, bytes.length - footer + 1, bytes.length)))
        .isFalse();
    assertThat(ArrivingFile.holdsFooter(new byte[] {1, 0, 0, 0, 'P', 'A', 'R', 'E'})).isFalse();
    assertThat(ArrivingFile.holdsFooter(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'P', 'A', 'R',
        '1'})).isFalse(); // a length of 4 GiB - 1, read unsigned
    assertThat(ArrivingFile.holdsFooter(new byte[] {'P', 'A', 'R', '1'})).isFalse();
  }
}
