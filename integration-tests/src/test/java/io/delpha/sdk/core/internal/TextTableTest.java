package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.Secret;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TextTable: the one bounded table of a value's toString")
class TextTableTest {

  @Test
  @DisplayName("aligns columns under a header and a rule, with no trailing spaces")
  void alignsColumns() {
    String table = TextTable.render(List.of("user_id", "at", "action"),
        List.of(List.of("u1", "2026-11-23T10:00:00Z", "login"), List.of("u22", "2026-11-23T10:05:00Z", "search")));
    assertThat(table).isEqualTo("""
        user_id | at                   | action
        --------+----------------------+-------
        u1      | 2026-11-23T10:00:00Z | login
        u22     | 2026-11-23T10:05:00Z | search""");
    assertThat(table.lines()).noneMatch(l -> l.endsWith(" "));
  }

  @Test
  @DisplayName("shows at most ten rows, whatever the caller passes")
  void boundedRows() {
    List<List<Integer>> rows = IntStream.range(0, 1_000).mapToObj(List::of).toList();
    String table = TextTable.render(List.of("n"), rows);
    assertThat(table.lines()).hasSize(2 + TextTable.MAX_ROWS);
    assertThat(table).endsWith("\n9");
  }

  @Test
  @DisplayName("shows at most a dozen columns, the others counted in a last one")
  void boundedColumns() {
    List<String> names = IntStream.range(0, 200).mapToObj(i -> "c" + i).toList();
    List<Object> row = new ArrayList<>(IntStream.range(0, 200).boxed().toList());
    String table = TextTable.render(names, List.of(row));
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).startsWith("c0 | c1 |").contains("| c10 |").doesNotContain("c11 ")
        .endsWith("| ... 189 more columns");
    assertThat(lines.get(2)).startsWith("0  | 1  |").endsWith("| 10  | ...");
    assertThat(TextTable.record(names, row)).startsWith("{c0=0, c1=1, ").contains("c11=11")
        .endsWith("c11=11, ... 188 more columns}");
  }

  @Test
  @DisplayName("a wide value is cut to 40 characters, on one line")
  void wideValues() {
    String wide = "x".repeat(1_000_000);
    assertThat(TextTable.cell(wide)).hasSize(TextTable.MAX_WIDTH).endsWith("...");
    assertThat(TextTable.cell("x".repeat(TextTable.MAX_WIDTH))).isEqualTo("x".repeat(TextTable.MAX_WIDTH));
    assertThat(TextTable.cell("two\nlines\tand a tab")).isEqualTo("two\\nlines\\tand a tab");
    assertThat(TextTable.cell("😀".repeat(30))).hasSizeLessThanOrEqualTo(TextTable.MAX_WIDTH)
        .endsWith("...").matches(s -> s.chars().filter(c -> Character.isHighSurrogate((char) c)).count()
            == s.chars().filter(c -> Character.isLowSurrogate((char) c)).count(), "no half of a character");
    String table = TextTable.render(List.of("id", "payload"), List.of(Arrays.asList(1, wide)));
    assertThat(table.lines()).allMatch(l -> l.length() <= 5 + TextTable.MAX_WIDTH);
  }

  @Test
  @DisplayName("nulls print null, bytes their count, a secret ****")
  void specialValues() {
    assertThat(TextTable.cell(null)).isEqualTo("null");
    assertThat(TextTable.cell(new byte[16])).isEqualTo("<16 bytes>");
    assertThat(TextTable.cell(ByteBuffer.wrap(new byte[3]))).isEqualTo("<3 bytes>");
    assertThat(TextTable.cell(Secret.of("hunter2"))).isEqualTo("****");
    assertThat(TextTable.record(List.of("a", "b"), Arrays.asList(null, Secret.of("hunter2"))))
        .isEqualTo("{a=null, b=****}");
  }

  @Test
  @DisplayName("a header alone when there are no rows; counts read as English")
  void emptyAndCounts() {
    assertThat(TextTable.render(List.of("a", "bb"), List.of())).isEqualTo("a | bb");
    assertThat(TextTable.count(0, "row")).isEqualTo("no rows");
    assertThat(TextTable.count(1, "row")).isEqualTo("1 row");
    assertThat(TextTable.count(2, "index", "indexes")).isEqualTo("2 indexes");
  }
}
