package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A capability's {@code internal} package is its own (docs/architecture.md, "Seams"): the library's sources
 * name another capability's internal types only where the seams table says so. {@code core}'s internals are every
 * capability's.
 */
@DisplayName("No capability reaches into another's internal package but through the documented seams")
class InternalImportsTest {

  /** The internal types other capabilities may use, each named in docs/architecture.md, "Seams". */
  static final Set<String> SEAMS = Set.of("io.delpha.sdk.parquet.internal.engines.Cql",
      "io.delpha.sdk.parquet.internal.engines.PostgreSql", "io.delpha.sdk.parquet.internal.engines.DuckDbSql",
      "io.delpha.sdk.parquet.internal.engines.Spark", "io.delpha.sdk.parquet.internal.engines.TypeVisitor");

  private static final Pattern INTERNAL_TYPE =
      Pattern.compile("io\\.delpha\\.sdk\\.(\\w+)((?:\\.\\w+)*)\\.internal((?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*)");

  @Test
  @DisplayName("the modules' main sources name no other capability's internal type outside the seams")
  void onlyTheSeams() throws IOException {
    List<String> reaches = new ArrayList<>();
    Set<String> seamsUsed = new TreeSet<>();
    for (Path root : ProjectFiles.mainSources()) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String owner = capability(root.relativize(file));
          Matcher m = INTERNAL_TYPE.matcher(Files.readString(file, StandardCharsets.UTF_8));
          while (m.find()) {
            String type = m.group();
            if (m.group(1).equals(owner) || m.group(1).equals("core")) {
              continue;
            }
            if (SEAMS.contains(type)) {
              seamsUsed.add(type);
            } else {
              reaches.add(root.relativize(file) + " -> " + type);
            }
          }
        }
      }
    }
    assertThat(reaches).as("other capabilities' internal types named outside the seams table").isEmpty();
    assertThat(seamsUsed).as("every seam listed is still used (else drop it from the list and the table)")
        .isEqualTo(new TreeSet<>(SEAMS));
  }

  /**
   * What {@code parquet.internal} (and its packages) may name of the public {@code parquet} package: the schema
   * descriptors and the options (the read and write options' keys included), never a row or value type ({@code Row}, {@code RowBlock}, {@code ColumnBatch}, {@code
   * ColumnVector}, {@code ColumnAppender}, the readers and the writer). The public package makes its rows and views
   * over the vectors the internals fill, so no accessor hook is needed (docs/architecture.md, "The parquet package").
   */
  static final Set<String> PARQUET_FOR_INTERNAL = Set.of("RowSchema", "Column", "ColumnType", "Physical",
      "ReadOptions", "WriteOptions", "Compression", "ParquetMetadata", "FileDecryption", "KeyRetriever", "KmsClient",
      "FileEncryption");

  private static final Pattern PARQUET_TYPE = Pattern.compile("(?<!\\{@code )io\\.delpha\\.sdk\\.parquet\\.([A-Z]\\w*)");

  @Test
  @DisplayName("parquet.internal names only the schema descriptors and options of the public parquet package")
  void parquetInternalNamesNoRowType() throws IOException {
    Path root = ProjectFiles.packageFolder("parquet/internal");
    List<String> reaches = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = PARQUET_TYPE.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          if (!PARQUET_FOR_INTERNAL.contains(m.group(1)) && !(m.group(1).equals("Variant") && kindsFile(root, file))) {
            reaches.add(root.relativize(file) + " -> " + m.group(1));
          }
        }
      }
    }
    assertThat(reaches).as("public row and value types named by parquet.internal").isEmpty();
    Matcher m = PARQUET_TYPE.matcher("import io.delpha.sdk.parquet.Row;\nimport io.delpha.sdk.parquet.ColumnType;");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).as("the check sees an import").isEqualTo("Row");
  }

  @Test
  @DisplayName("the check sees a reach: an import of another capability's internal class is found, one of its own is not")
  void theCheckSeesAReach() {
    Matcher m = INTERNAL_TYPE.matcher("import io.delpha.sdk.aws.internal.AwsErrors;\nimport io.delpha.sdk.parquet.internal.kinds.ScalarKind;");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("aws");
    assertThat(m.group()).isEqualTo("io.delpha.sdk.aws.internal.AwsErrors");
    assertThat(m.find()).isTrue();
    assertThat(m.group()).isEqualTo("io.delpha.sdk.parquet.internal.kinds.ScalarKind");
    assertThat(capability(Path.of("io", "delpha", "sdk", "totesys", "internal", "X.java"))).isEqualTo("totesys");
  }

  /**
   * Whether a file is a kind's class: the kinds describe their values' Java classes, and VARIANT's is the public
   * {@code Variant} (a value, as {@code BigDecimal} is DECIMAL's), so {@code parquet.internal.kinds} may name it.
   */
  private static boolean kindsFile(Path root, Path file) {
    return root.relativize(file).getName(0).toString().equals("kinds");
  }

  /** The capability of a source file: the package's segment after {@code io.delpha.sdk} ("" for the root). */
  private static String capability(Path relative) {
    return relative.getNameCount() > 4 ? relative.getName(3).toString() : "";
  }
}
