package io.delpha.sdk.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against the library's API, in this JVM (javac's
 * API, the test class path): what the docs show is what a host can write. Blocks that are not Java source (a JShell
 * session, printed output) are fenced {@code ```jshell} or {@code ```text}, never excluded here. The convention:
 * {@link SnippetCompiler}, docs/testing.md ("Docs that run").
 */
@DisplayName("the docs' Java compiles")
class DocSnippetsTest {

  static SnippetCompiler compiler;

  @BeforeAll
  static void open() {
    compiler = new SnippetCompiler();
  }

  @AfterAll
  static void close() throws Exception {
    compiler.close();
  }

  @TestFactory
  @DisplayName("each java block of README.md and docs/ compiles against the API")
  Stream<DynamicTest> everyJavaBlockCompiles() {
    List<MarkdownBlocks.Block> java = MarkdownBlocks.all().stream().filter(b -> b.language().equals("java")).toList();
    assertThat(java).as("java blocks found").hasSizeGreaterThan(20);
    return java.stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> {
      List<String> errors = compiler.compile(b);
      assertThat(errors).withFailMessage("the java block at %s does not compile:%n%s", b.where(),
          String.join("\n", errors)).isEmpty();
    }));
  }

  @Test
  @DisplayName("a context comment is read only directly above a fence, and its declarations reach the fragment")
  void contextCommentsServeTheBlockBelow() {
    List<MarkdownBlocks.Block> blocks = MarkdownBlocks.parse(Path.of("t.md"), List.of(
        "text", "<!-- snippet-context:", "CassandraManager cass;", "-->", "```java",
        "DictionaryManager dict = new DictionaryManager(cass);", "```", "```java", "int x = 1;", "```"));
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).context()).contains("CassandraManager cass;");
    assertThat(blocks.get(0).contextLine()).isEqualTo(2);
    assertThat(blocks.get(1).context()).isNull();
    assertThat(compiler.compile(blocks.get(0))).isEmpty();
    assertThatThrownBy(() -> MarkdownBlocks.parse(Path.of("t.md"), List.of("<!-- snippet-context: int x; -->", "",
        "```java", "x++;", "```"))).hasMessageContaining("t.md:1").hasMessageContaining("directly above");
  }

  @Test
  @DisplayName("a block that does not compile is reported with its document, its line there and javac's message")
  void failuresNameTheDocumentLine() {
    List<MarkdownBlocks.Block> blocks = MarkdownBlocks.parse(Path.of("docs/x.md"), List.of(
        "# x", "<!-- snippet-context: CassandraManager cass; -->", "```java",
        "DictionaryManager dict = new DictionaryManager(cass);", "", "dict.diffAgainst(\"saved.json\");", "```"));
    List<String> errors = compiler.compile(blocks.get(0));
    assertThat(errors).singleElement().asString().startsWith("docs/x.md:6: ")
        .contains("incompatible types: java.lang.String cannot be converted to io.delpha.sdk.cassandra.DataDictionary")
        .contains("dict.diffAgainst(\"saved.json\");");
  }

  @Test
  @DisplayName("a block that declares a type is compiled as a file of its own")
  void typeDeclarationsAreCompilationUnits() {
    List<MarkdownBlocks.Block> blocks = MarkdownBlocks.parse(Path.of("t.md"), List.of("```java",
        "import java.util.function.Supplier;", "", "public final class Quickstart implements Supplier<Secret> {",
        "  @Override public Secret get() { return Secret.of(\"x\"); }", "}", "```"));
    assertThat(compiler.source(blocks.get(0)).name()).isEqualTo("Quickstart.java");
    assertThat(compiler.compile(blocks.get(0))).isEmpty();
  }
}
