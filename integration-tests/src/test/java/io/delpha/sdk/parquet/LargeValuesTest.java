package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.JavaProcess;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * parquet-testing's {@code large_string_map.brotli.parquet}: {@code MAP(STRING, INT32)}, two rows each holding
 * one entry whose key is {@code "a" * 2^30} and whose value is 1 (upstream's data/README.md gives the pyarrow code
 * that wrote it), so one column chunk holds more than 2 GiB. Read through {@link ParquetRows#read(Path)} in a child
 * JVM with a 7 GiB heap (5.7 GB resident at its peak: the dictionary, a page, the vector's bytes and the key's
 * String are about 1 GiB each), where batches shrink to one row so that no Java array exceeds 2 GiB.
 */
@Tag("process")
@DisplayName("Values of 1 GiB: a column chunk over 2 GiB is read one row per batch")
class LargeValuesTest {

  /** Reads the file and prints one line per row, then {@code DONE}. */
  public static final class Reader {
    private Reader() {}

    /**
     * @param args the file
     */
    public static void main(String[] args) {
      int rows = 0;
      try (RowReader r = ParquetRows.read(Path.of(args[0]))) {
        System.out.println("SCHEMA " + r.schema());
        while (r.hasNext()) {
          Row row = r.next();
          Map<?, ?> map = (Map<?, ?>) row.get("arr");
          for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            boolean allA = key.chars().allMatch(c -> c == 'a');
            System.out.println("ROW " + rows + " entries=" + map.size() + " key=" + key.length() + (allA ? "xa" : "x?")
                + " value=" + e.getValue());
          }
          rows++;
        }
      }
      System.out.println("DONE rows=" + rows);
    }
  }

  @Test
  @DisplayName("large_string_map.brotli.parquet: 2 rows of {\"a\" x 2^30: 1}, as upstream documents")
  void largeStringMap() throws URISyntaxException {
    Path file = Path.of(LargeValuesTest.class.getResource("/parquet-corpus/data/large_string_map.brotli.parquet").toURI());
    try (JavaProcess p = JavaProcess.start(Reader.class, List.of("-Xmx7g", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"),
        file.toString())) {
      assertThat(p.awaitLine(l -> l.startsWith("SCHEMA"), Duration.ofMinutes(1))).isEqualTo("SCHEMA [arr map<string, int>]");
      assertThat(p.awaitLine(l -> l.startsWith("ROW 0"), Duration.ofMinutes(3)))
          .isEqualTo("ROW 0 entries=1 key=1073741824xa value=1");
      assertThat(p.awaitLine(l -> l.startsWith("ROW 1"), Duration.ofMinutes(3)))
          .isEqualTo("ROW 1 entries=1 key=1073741824xa value=1");
      assertThat(p.awaitLine(l -> l.startsWith("DONE"), Duration.ofMinutes(1))).isEqualTo("DONE rows=2");
    }
  }
}
