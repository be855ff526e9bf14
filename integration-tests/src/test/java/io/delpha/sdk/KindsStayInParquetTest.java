package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A column kind is one declaration, in {@code parquet} (docs/architecture.md, "Add a column kind"): outside {@code
 * io/delpha/sdk/parquet}, no source file names {@code parquet.internal.kinds}, switches over the kinds or names a
 * kind's constant; what a type means to an engine is asked of {@code parquet.internal.engines}, and a type is compared
 * with {@code ColumnType}'s constants. So a new kind changes no file outside {@code parquet}.
 */
@DisplayName("A column kind is declared in parquet: no other package names its kinds' internals or switches over them")
class KindsStayInParquetTest {

  private static final Set<String> KINDS =
      Arrays.stream(ColumnType.Kind.values()).map(Enum::name).collect(Collectors.toSet());

  private static final Pattern SWITCH = Pattern.compile("\\bswitch\\s*\\(");
  private static final Pattern CASE = Pattern.compile("\\bcase\\s+([^;{}]*?)\\s*(->|:)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_]\\w*");
  private static final Pattern KIND_CONSTANT = Pattern.compile("\\bColumnType\\s*\\.\\s*Kind\\s*\\.\\s*([A-Z]\\w*)");
  private static final Pattern KIND_IMPORT = Pattern.compile("\\bimport\\s+(static\\s+)?io\\.delpha\\.sdk\\.parquet"
      + "\\.ColumnType\\s*\\.\\s*Kind\\b");

  @Test
  @DisplayName("every module's sources outside parquet: no parquet.internal.kinds, no switch over the kinds, "
      + "no kind constant")
  void noKindOutsideParquet() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path root : ProjectFiles.mainSources()) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          if (root.relativize(file).startsWith(Path.of("io", "delpha", "sdk", "parquet"))) {
            continue;
          }
          problems(Files.readString(file, StandardCharsets.UTF_8)).forEach(p -> found.add(file + ": " + p));
        }
      }
    }
    assertThat(found).as("kinds named or switched over outside parquet").isEmpty();
  }

  @Test
  @DisplayName("the check sees each reach: an import of the kinds, a switch over the kinds, a kind constant")
  void theCheckSeesAReach() {
    assertThat(problems("import io.delpha.sdk.parquet.internal.kinds.ScalarKind;")).hasSize(1);
    assertThat(problems("return switch (type.kind()) {\n  case LIST -> a();\n  case MAP, STRUCT -> b();\n"
        + "  default -> c();\n};")).hasSize(1);
    assertThat(problems("switch (t.kind()) {\ncase STRING:\n  return 1;\ndefault:\n  return 2;\n}")).hasSize(1);
    assertThat(problems("if (t.kind() == ColumnType.Kind.VARIANT) { }")).hasSize(1);
    assertThat(problems("import static io.delpha.sdk.parquet.ColumnType.Kind.*;")).hasSize(1);
    assertThat(problems("int at = switch (kind) {\n  case SELECT, DELETE -> 1;\n  case INSERT -> 2;\n};\n"
        + "switch (s) { case \"struct\": return 1; default: return 2; }\n"
        + "if (t.equals(ColumnType.STRING) && t.kind().isNested()) { }")).isEmpty();
  }

  /** @return what a source file outside parquet should not say of the kinds */
  private static List<String> problems(String source) {
    String code = source.replaceAll("\"(?:[^\"\\\\\n]|\\\\.)*\"", "\"\"").replaceAll("(?s)/\\*.*?\\*/", "")
        .replaceAll("//[^\n]*", "");
    List<String> out = new ArrayList<>();
    if (code.contains("parquet.internal.kinds")) {
      out.add("names parquet.internal.kinds (ask parquet.internal.engines)");
    }
    if (KIND_IMPORT.matcher(code).find()) {
      out.add("imports ColumnType.Kind");
    }
    Matcher constant = KIND_CONSTANT.matcher(code);
    while (constant.find()) {
      out.add("names the kind ColumnType.Kind." + constant.group(1) + " (compare with ColumnType's constant, or ask "
          + "parquet.internal.engines)");
    }
    Matcher s = SWITCH.matcher(code);
    while (s.find()) {
      String body = body(code, s.end());
      List<String> labels = new ArrayList<>();
      Matcher c = CASE.matcher(body);
      while (c.find()) {
        for (String label : c.group(1).split(",")) {
          String l = label.trim();
          if (IDENTIFIER.matcher(l).matches()) {
            labels.add(l);
          }
        }
      }
      if (!labels.isEmpty() && KINDS.containsAll(labels)) {
        out.add("switches over the kinds " + labels);
      }
    }
    return out;
  }

  /** @return the switch's block: from the first brace after {@code from} to its match (nested switches included) */
  private static String body(String code, int from) {
    int open = code.indexOf('{', from);
    if (open < 0) {
      return "";
    }
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char ch = code.charAt(i);
      if (ch == '{') {
        depth++;
      } else if (ch == '}' && --depth == 0) {
        return code.substring(open + 1, i);
      }
    }
    return code.substring(open + 1);
  }
}
