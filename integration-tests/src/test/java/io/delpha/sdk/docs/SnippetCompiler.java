package io.delpha.sdk.docs;

import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the Java blocks of the docs against the library, in this JVM, as a reader would paste them.
 *
 * <p>A block whose code (after its imports) begins with a type declaration or a {@code package} line is a compilation
 * unit and is compiled as it is. Any other block is a fragment: its statements become the body of a method that
 * {@code throws Exception}, in a class whose members are the declarations of the block's {@code snippet-context}
 * comment (the variables and helpers the fragment uses but does not show, left uninitialised). Import lines at the
 * start of a fragment or of its context go to the top of the file. Every file imports the module's exported packages
 * and a few JDK ones ({@link #IMPORTS}), so a block needs no import for those.
 */
public final class SnippetCompiler implements AutoCloseable {

  /** JDK imports every block gets besides the library's exported packages. */
  public static final List<String> IMPORTS = List.of("java.util.*", "java.util.stream.*", "java.time.*", "java.io.*",
      "java.math.BigDecimal", "java.net.URI", "java.nio.file.Path", "java.nio.file.Files",
      "java.nio.charset.StandardCharsets");

  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(package\\s|((public|final|abstract|sealed|non-sealed|static|@\\w+)\\s+)*(class|record|interface|enum)\\s)");
  private static final Pattern PUBLIC_TYPE = Pattern.compile("public\\s+(?:\\w+\\s+)*(?:class|record|interface|enum)"
      + "\\s+(\\w+)");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?[\\w.*]+\\s*;\\s*(//.*)?$");

  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
  private final StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
  private final List<String> apiImports = exportedPackages();

  /**
   * A file given to javac, with the document line of each of its lines (0 for the lines this class added).
   *
   * @param name the file's name ({@code Snippet.java} or the public type's)
   * @param text its text
   * @param docLines for each line of {@code text}, its 1-based line in the document, or 0
   */
  public record Source(String name, String text, List<Integer> docLines) {}

  /**
   * @param block a Java block
   * @return javac's errors, each as {@code file:line: message} with the document's line, empty when it compiles
   */
  public List<String> compile(MarkdownBlocks.Block block) {
    Source source = source(block);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + source.name()),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source.text();
      }
    };
    JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, List.of("-proc:none", "-Xlint:none",
        "-classpath", System.getProperty("java.class.path")), null, List.of(unit));
    try {
      task.analyze();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> errors = new ArrayList<>();
    String[] generated = source.text().split("\n", -1);
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      int line = (int) d.getLineNumber();
      int docLine = line >= 1 && line <= source.docLines().size() ? source.docLines().get(line - 1) : 0;
      String code = line >= 1 && line <= generated.length ? generated[line - 1].strip() : "";
      errors.add(block.file() + ":" + (docLine > 0 ? docLine : block.fenceLine()) + ": " + d.getMessage(Locale.ROOT)
          + (code.isEmpty() ? "" : "\n    " + code));
    }
    return errors;
  }

  /**
   * @param block a Java block
   * @return the file javac is given for it
   */
  public Source source(MarkdownBlocks.Block block) {
    List<String> text = new ArrayList<>();
    List<Integer> docLines = new ArrayList<>();
    List<String> body = block.lines();
    int first = firstCode(body);
    List<String> contextLines = block.context() == null ? List.of() : List.of(block.context().split("\n", -1));
    int contextFirst = firstCode(contextLines);
    String afterImports = first < body.size() ? body.get(first).strip() : "";
    if (afterImports.startsWith("package ")) {
      for (int k = 0; k < body.size(); k++) {
        add(text, docLines, body.get(k), block.docLine(k));
      }
      return new Source(fileName(block), String.join("\n", text), docLines);
    }
    for (String i : apiImports) {
      add(text, docLines, "import " + i + ".*;", 0);
    }
    for (String i : IMPORTS) {
      add(text, docLines, "import " + i + ";", 0);
    }
    for (int k = 0; k < contextFirst; k++) {
      add(text, docLines, contextLines.get(k), block.contextLine() + k);
    }
    for (int k = 0; k < first; k++) {
      add(text, docLines, body.get(k), block.docLine(k));
    }
    if (TYPE_DECLARATION.matcher(afterImports).find()) {
      for (int k = first; k < body.size(); k++) {
        add(text, docLines, body.get(k), block.docLine(k));
      }
      return new Source(fileName(block), String.join("\n", text), docLines);
    }
    add(text, docLines, "@SuppressWarnings(\"all\") abstract class Snippet {", 0);
    for (int k = contextFirst; k < contextLines.size(); k++) {
      add(text, docLines, contextLines.get(k), block.contextLine() + k);
    }
    add(text, docLines, "void snippet() throws Exception {", 0);
    for (int k = first; k < body.size(); k++) {
      add(text, docLines, body.get(k), block.docLine(k));
    }
    add(text, docLines, "}}", 0);
    return new Source("Snippet.java", String.join("\n", text), docLines);
  }

  @Override
  public void close() throws IOException {
    files.close();
  }

  /** The index of the first line that is neither blank, a comment nor an import. */
  private static int firstCode(List<String> lines) {
    int k = 0;
    while (k < lines.size()) {
      String l = lines.get(k).strip();
      if (!(l.isEmpty() || l.startsWith("//") || IMPORT.matcher(l).matches())) {
        break;
      }
      k++;
    }
    return k;
  }

  private static String fileName(MarkdownBlocks.Block block) {
    Matcher m = PUBLIC_TYPE.matcher(String.join("\n", block.lines()));
    return (m.find() ? m.group(1) : "Snippet") + ".java";
  }

  private static void add(List<String> text, List<Integer> docLines, String line, int docLine) {
    text.add(line);
    docLines.add(docLine);
  }

  /** The packages the module descriptor exports: the library's API. */
  private static List<String> exportedPackages() {
    return io.delpha.sdk.testing.ProjectFiles.exportedPackages();
  }

}
