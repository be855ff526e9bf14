package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files pyarrow writes that an earlier page-claims check refused (issue 69), read through the public API as rows and
 * as batches and compared value for value with what pyarrow reads from the same file (its reading is stored beside
 * each file as JSON at generation time: {@code integration-tests/src/test/resources/parquet-pyarrow/generate.py}, README.md there), so
 * this suite needs no Python.
 *
 * <p>Both are data pages v2 without a dictionary whose nested columns hold null and empty lists: Arrow's writer counts
 * a v2 page's {@code num_nulls} without the empty and null lists above the leaf, so {@code num_values - num_nulls}
 * is more than the values the page stores. The values present are counted from the decoded definition levels.
 */
class PyarrowFixturesTest {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v2_gzip_list_struct", "v2_snappy_mostly_null"})
  @DisplayName("pyarrow's data page v2 files of nested lists with null and empty lists read as pyarrow reads them")
  void readsAsPyarrow(String name) throws Exception {
    Path file = fixture(name + ".parquet");
    JsonNode expected = JSON.readTree(Files.readString(fixture(name + ".json")));
    assertThat(expected.size()).as("rows pyarrow read").isGreaterThan(1000);
    assertSame(expected, ParquetCorpusTest.readAll(file), name + " as rows");
    assertSame(expected, ParquetCorpusTest.readColumnar(file), name + " as batches");
  }

  private static void assertSame(JsonNode expected, List<Row> rows, String what) {
    assertThat(rows).as(what).hasSize(expected.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode ours = json(rows.get(i));
      assertThat(ours.equals(PyarrowFixturesTest::compare, expected.get(i)))
          .as("%s: row %d: ours %s, pyarrow's %s", what, i, ours, expected.get(i)).isTrue();
    }
  }

  /** JSON numbers equal by value, whatever node type Jackson parsed them into; other nodes as they are. */
  private static int compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      boolean same = a.isIntegralNumber() && b.isIntegralNumber() ? a.bigIntegerValue().equals(b.bigIntegerValue())
          : a.doubleValue() == b.doubleValue();
      return same ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  }

  /** A row as pyarrow's {@code to_pylist} writes it to JSON: times as milliseconds of the day. */
  private static JsonNode json(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Row row) {
      ObjectNode o = NODES.objectNode();
      for (int c = 0; c < row.schema().size(); c++) {
        o.set(row.schema().column(c).name(), json(row.get(c)));
      }
      return o;
    }
    if (value instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode();
      list.forEach(e -> a.add(json(e)));
      return a;
    }
    if (value instanceof LocalTime t) {
      return NODES.numberNode(t.toNanoOfDay() / 1_000_000);
    }
    if (value instanceof Integer n) {
      return NODES.numberNode(n);
    }
    if (value instanceof Long n) {
      return NODES.numberNode(n);
    }
    if (value instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    throw new AssertionError("no JSON form for " + value.getClass());
  }

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(PyarrowFixturesTest.class.getResource("/parquet-pyarrow/" + name).toURI());
  }
}
