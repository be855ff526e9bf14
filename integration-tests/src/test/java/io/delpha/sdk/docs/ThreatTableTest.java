package io.delpha.sdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md's threat table is held to its rules: every input surface against every resource, each cell naming
 * exactly one mechanism, each mechanism defined once, used, and attacked by test classes that exist.
 *
 * <p>The page's markup, under {@code ## The threat table}: a first table whose header is {@code | surface |} and
 * then the resources, a row per surface whose every other cell holds one mechanism id ({@code `T-wire`}); then a table
 * of mechanisms, {@code | `id` | what it is | `TestClass`, `OtherTest` |}, each test class a file under
 * {@code integration-tests/src/test/java}.
 */
@DisplayName("docs/security.md: the threat table has no empty cell, one mechanism a cell, each one attacked")
class ThreatTableTest {

  private static final Path PAGE = Path.of("docs", "security.md");
  private static final String SECTION = "## The threat table";
  private static final List<String> RESOURCES =
      List.of("wall time", "wire bytes", "memory", "CPU", "disk", "threads and connections", "identity");
  private static final Pattern ID = Pattern.compile("`([A-Z]-[a-z0-9-]+)`");
  private static final Pattern TEST_CLASS = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)`");

  /** One table of the section: its header cells and its body rows' cells. */
  private record Table(List<String> header, List<List<String>> rows) {}

  @Test
  @DisplayName("every surface has a mechanism for every resource, one a cell, and each mechanism is attacked")
  void everyCellNamesOneDefinedMechanismThatATestAttacks() throws IOException {
    List<Table> tables = tables(section());
    assertThat(tables).as("the threat table and the table of mechanisms").hasSizeGreaterThanOrEqualTo(2);
    Table threats = tables.get(0);
    assertThat(threats.header()).as("the threat table's columns").containsExactlyElementsOf(
        Stream.concat(Stream.of("surface"), RESOURCES.stream()).collect(Collectors.toList()));
    assertThat(threats.rows()).as("surfaces").hasSizeGreaterThanOrEqualTo(10);

    Map<String, List<String>> mechanisms = new LinkedHashMap<>();
    for (List<String> row : tables.get(1).rows()) {
      assertThat(row).as("a mechanism row: id, what it is, its tests").hasSize(3);
      Matcher id = ID.matcher(row.get(0));
      assertThat(id.matches()).as("a mechanism id in backquotes: %s", row.get(0)).isTrue();
      List<String> tests = new ArrayList<>();
      Matcher test = TEST_CLASS.matcher(row.get(2));
      while (test.find()) {
        tests.add(test.group(1));
      }
      assertThat(tests).as("the tests that attack %s", id.group(1)).isNotEmpty();
      assertThat(mechanisms.put(id.group(1), tests)).as("%s defined once", id.group(1)).isNull();
      assertThat(row.get(1)).as("what %s is", id.group(1)).isNotBlank();
    }

    Set<String> used = new TreeSet<>();
    for (List<String> row : threats.rows()) {
      assertThat(row).as("a surface row: %s", row).hasSize(RESOURCES.size() + 1);
      for (int i = 1; i < row.size(); i++) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(row.get(i));
        while (m.find()) {
          ids.add(m.group(1));
        }
        assertThat(ids).as("%s / %s names exactly one mechanism: %s", row.get(0), RESOURCES.get(i - 1), row.get(i))
            .hasSize(1);
        assertThat(mechanisms).as("%s / %s", row.get(0), RESOURCES.get(i - 1)).containsKey(ids.get(0));
        used.add(ids.get(0));
      }
    }
    assertThat(used).as("every mechanism bounds some cell").containsExactlyInAnyOrderElementsOf(mechanisms.keySet());

    Set<String> testFiles = testClassNames();
    for (Map.Entry<String, List<String>> e : mechanisms.entrySet()) {
      for (String test : e.getValue()) {
        assertThat(testFiles).as("%s's test %s is a class under integration-tests/src/test/java", e.getKey(), test).contains(test);
      }
    }
  }

  private static List<String> section() throws IOException {
    List<String> lines = Files.readAllLines(PAGE, StandardCharsets.UTF_8);
    int start = lines.indexOf(SECTION);
    assertThat(start).as("%s has the section %s", PAGE, SECTION).isGreaterThanOrEqualTo(0);
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).startsWith("## ")) {
      end++;
    }
    return lines.subList(start + 1, end);
  }

  private static List<Table> tables(List<String> lines) {
    List<Table> tables = new ArrayList<>();
    List<String> header = null;
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith("|")) {
        if (header != null) {
          tables.add(new Table(header, rows));
          header = null;
          rows = new ArrayList<>();
        }
        continue;
      }
      List<String> cells = cells(line);
      if (header == null) {
        header = cells;
      } else if (!cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
        rows.add(cells);
      }
    }
    if (header != null) {
      tables.add(new Table(header, rows));
    }
    return tables;
  }

  /** The cells of a Markdown table row; a {@code \|} inside a cell is not a separator. */
  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    String body = line.strip();
    for (int i = 1; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    return cells;
  }

  private static Set<String> testClassNames() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("integration-tests", "src", "test", "java"))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".java"))
          .map(n -> n.substring(0, n.length() - ".java".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
