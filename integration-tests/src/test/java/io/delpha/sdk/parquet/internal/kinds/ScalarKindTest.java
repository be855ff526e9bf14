package io.delpha.sdk.parquet.internal.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.parquet.ColumnType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kinds' files are the one place a kind is described: one class per scalar kind, and docs/parquet.md's table of
 * each kind in the other systems says what the classes say. (What each system then does with a kind's values is held
 * against the systems themselves by {@code ColumnKindsTest} and {@code WarehouseTypesTest}.)
 */
@DisplayName("Scalar kinds: one class per kind, and the docs' table of the systems is theirs")
class ScalarKindTest {

  private static final Path DOC = Path.of("docs", "parquet.md");
  private static final String HEADER =
      "| ColumnType | CQL (`AWSManager` loads) | PostgreSQL (Totesys warehouse) | DuckDB (`SharingSql`, usage cache) "
          + "| Spark (Delta Sharing schemas) |";

  @Test
  @DisplayName("each scalar kind has exactly one class (the sealed interface's), and the nested kinds none")
  void oneClassPerKind() {
    Set<ColumnType.Kind> scalars = Arrays.stream(ColumnType.Kind.values()).filter(k -> !k.isNested())
        .collect(Collectors.toSet());
    assertThat(ScalarKind.class.getPermittedSubclasses()).hasSize(scalars.size());
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      if (kind.isNested()) {
        assertThatThrownBy(() -> ScalarKind.of(kind)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(kind.name());
      } else {
        ScalarKind of = ScalarKind.of(kind);
        assertThat(of.kind()).isEqualTo(kind);
        assertThat(of.getClass().getSimpleName().toUpperCase().replace("KIND", ""))
            .isEqualTo(kind.name().replace("_", ""));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = ColumnType.Kind.class, names = {"LIST", "MAP", "STRUCT"}, mode = EnumSource.Mode.EXCLUDE)
  @DisplayName("docs/parquet.md's row of the kind names its CQL, PostgreSQL, DuckDB and Spark types as its class does")
  void docsTable(ColumnType.Kind kind) throws Exception {
    Map<String, List<String>> rows = table();
    ScalarKind k = ScalarKind.of(kind);
    boolean decimal = kind == ColumnType.Kind.DECIMAL;
    // a decimal's row speaks of p and s; 17 and 3 appear nowhere else in the types
    ColumnType type = decimal ? ColumnType.decimal(17, 3) : new ColumnType(kind, 0, 0);
    List<String> row = rows.get(decimal ? "DECIMAL(p,s)" : kind.name());
    assertThat(row).as("the row of %s in %s", kind, DOC).isNotNull();
    assertThat(cell(row.get(0))).isEqualTo(k.cqlType());
    assertThat(cell(row.get(1))).isEqualTo(symbolic(k.warehouseType(type), decimal));
    assertThat(cell(row.get(2))).isEqualTo(symbolic(k.duckDbType(type), decimal));
    String spark = k.sparkName();
    assertThat(cell(row.get(3))).isEqualTo(spark == null ? null : decimal ? spark + "(p,s)" : spark);
  }

  /** The table's rows, by their first cell: the other four cells. */
  private static Map<String, List<String>> table() throws Exception {
    List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
    int at = lines.indexOf(HEADER);
    assertThat(at).as("the table of the systems in %s", DOC).isNotNegative();
    Map<String, List<String>> rows = new HashMap<>();
    for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\|");
      rows.put(cells[1].trim(), Arrays.stream(cells).skip(2).map(String::trim).toList());
    }
    return rows;
  }

  /** A cell's type, without the note in parentheses after it; {@code null} for "-", no such type. */
  private static String cell(String cell) {
    return cell.startsWith("-") ? null : cell.split(" \\(")[0];
  }

  /** A decimal's type with its precision and scale as the docs write them. */
  private static String symbolic(String type, boolean decimal) {
    return type == null || !decimal ? type : type.replace("17", "p").replace("3", "s");
  }
}
