package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.testing.JavaProcess;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file one of whose rows needs more memory than the heap has ({@code large_string_map.brotli.parquet}: values of
 * 1 GiB, see {@link LargeValuesTest}) read in a child JVM with a 1 GiB heap: every way of reading it ends in an
 * {@link InsufficientMemoryException} thrown before the allocation, never an {@link OutOfMemoryError} (the child
 * runs with {@code -XX:+ExitOnOutOfMemoryError}, which would end it with exit code 3). And files whose few bytes claim
 * millions of objects ({@link HostileFiles}, issue 58), read in a child JVM of 256 MiB: a typed refusal, no
 * {@link OutOfMemoryError}.
 */
@Tag("process")
@DisplayName("A row larger than the heap: a typed error naming -Xmx, before the allocation")
class HeapLimitTest {

  /** Reads the file one way and prints {@code REFUSED <class> <message>} or {@code READ <rows>}, then exits 0. */
  public static final class Reader {
    private Reader() {}

    /**
     * @param args the file, then {@code rows}, {@code batches}, {@code store} (a {@link LocalObjectStore}) or
     *     {@code spooled} (another store, whose object is copied to a local file)
     */
    public static void main(String[] args) {
      Path file = Path.of(args[0]);
      try {
        long rows = 0;
        switch (args[1]) {
          case "rows" -> rows = count(ParquetRows.read(file));
          case "batches" -> {
            try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
              for (ColumnBatch b = r.next(); b != null; b = r.next()) {
                rows += b.rowCount();
              }
            }
          }
          case "store" -> rows = count(ParquetRows.read(LocalObjectStore.at(file.getParent()),
              file.getFileName().toString()));
          case "spooled" -> rows = count(ParquetRows.read(notLocal(LocalObjectStore.at(file.getParent())),
              file.getFileName().toString()));
          default -> throw new IllegalArgumentException(args[1]);
        }
        System.out.println("READ " + rows);
      } catch (DelphaException e) {
        System.out.println("REFUSED " + e.getClass().getName() + " " + e.getMessage());
      }
    }

    private static long count(RowReader reader) {
      long rows = 0;
      try (reader) {
        while (reader.hasNext()) {
          reader.next();
          rows++;
        }
      }
      return rows;
    }

    /** The same objects through a store that is not a {@link LocalObjectStore}. */
    private static ObjectStore notLocal(ObjectStore store) {
      return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class},
          (proxy, method, methodArgs) -> {
            try {
              return method.invoke(store, methodArgs);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"wide, rows", "wide, batches", "dictionary, rows", "dictionary, batches", "list, rows", "list, batches",
      "variants, rows", "variants, batches", "shredded, rows", "shredded, batches"})
  @DisplayName("under -Xmx256m: a 4.2 MB footer of 100,000 columns and a dictionary claiming 2^31-1 entries in 16 bytes "
      + "are DataFormatExceptions; a list of 2^30 null elements in a 30-byte page, a list of 2^30 VARIANTs and a "
      + "shredded VARIANT array of 2^30 elements each an InsufficientMemoryException; no OutOfMemoryError")
  void hostileClaimsUnder256m(String file, String way, @TempDir Path tmp) throws IOException {
    byte[] bytes = switch (file) {
      case "wide" -> HostileFiles.wideFile(100_000);
      case "dictionary" -> HostileFiles.dictionaryClaimFile(Integer.MAX_VALUE, 100);
      case "variants" -> HostileFiles.variantElementsFile(1 << 30, false);
      case "shredded" -> HostileFiles.variantElementsFile(1 << 30, true);
      default -> HostileFiles.nullElementsFile(1 << 30);
    };
    Path path = Files.write(tmp.resolve(file + ".parquet"), bytes);
    try (JavaProcess p = JavaProcess.start(Reader.class, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
        path.toString(), way)) {
      String line = p.awaitLine(l -> l.startsWith("REFUSED ") || l.startsWith("READ "), Duration.ofMinutes(2));
      assertThat(p.awaitExit(Duration.ofMinutes(1))).as("exit code (3 is an OutOfMemoryError)").isZero();
      assertThat(line).contains(file + ".parquet");
      switch (file) {
        case "wide" -> assertThat(line).startsWith("REFUSED " + DataFormatException.class.getName() + " ")
            .contains("its schema has 100,000 leaf columns; this reader reads schemas of at most 10,000 columns");
        case "dictionary" -> assertThat(line).startsWith("REFUSED " + DataFormatException.class.getName() + " ")
            .contains("a dictionary page claims 2147483647 entries of INT32 in 16 bytes, which hold at most 4");
        case "variants" -> assertThat(line).startsWith("REFUSED " + InsufficientMemoryException.class.getName() + " ")
            .contains("column l: the values of vector 'metadata' needs").contains("-Xmx")
            .contains("ReadOptions.skipping(\"l\")");
        case "shredded" -> assertThat(line).startsWith("REFUSED " + InsufficientMemoryException.class.getName() + " ")
            .contains("column v: the values of vector 'value' needs").contains("-Xmx")
            .contains("ReadOptions.skipping(\"v\")");
        default -> assertThat(line).startsWith("REFUSED " + InsufficientMemoryException.class.getName() + " ")
            .contains("column l: the values of vector 'element' needs").contains("-Xmx")
            .contains("ReadOptions.skipping(\"l\")");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rows", "batches", "store", "spooled"})
  @DisplayName("large_string_map.brotli.parquet under -Xmx1g: InsufficientMemoryException naming the column, the "
      + "sizes and -Xmx; no OutOfMemoryError")
  void largeStringMapUnderOneGigabyte(String way) throws URISyntaxException {
    Path file = Path.of(HeapLimitTest.class.getResource("/parquet-corpus/data/large_string_map.brotli.parquet").toURI());
    try (JavaProcess p = JavaProcess.start(Reader.class, List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError"),
        file.toString(), way)) {
      String line = p.awaitLine(l -> l.startsWith("REFUSED ") || l.startsWith("READ "), Duration.ofMinutes(2));
      assertThat(p.awaitExit(Duration.ofMinutes(1))).as("exit code (3 is an OutOfMemoryError)").isZero();
      assertThat(line).startsWith("REFUSED " + InsufficientMemoryException.class.getName() + " ")
          .contains("large_string_map.brotli.parquet")
          .contains("column arr.key_value.key")
          .contains("needs 1073741828 bytes (1.0 GiB)")
          .containsPattern("heap can give \\(\\d+ bytes \\([0-9.]+ [KMG]iB\\) for one array, of its \\d+ bytes")
          .contains("-Xmx")
          .contains("ReadOptions.skipping(\"arr\")");
    }
  }
}
