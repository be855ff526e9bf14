package io.delpha.sdk.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The classes of {@code parquet.internal} depend on each other one way: no class reaches, through the classes it names,
 * back to itself. A class names another when its code (comments and string literals left out) or a Javadoc {@code
 * link}, {@code linkplain}, {@code see} or {@code throws} of it carries the other's simple name; the package's classes
 * need no import of each other, so the sources are read, not the imports. Each subpackage ({@code kinds}, {@code
 * variant}, {@code engines}) is held alike on its own. A sealed type and the types it {@code permits} are one
 * declaration: what the sealed type names of its permitted subtypes (the clause, the factory that picks one) is not
 * counted, what they name of it or of each other is.
 */
@DisplayName("parquet.internal: no loop among the package's classes")
class PackageLoopsTest {

  private static final Path PACKAGE = ProjectFiles.packageFolder("parquet/internal");

  /** A comment, a text block, a string or a character literal: read left to right, the first that starts wins. */
  private static final Pattern NOT_CODE = Pattern.compile(
      "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\])+'", Pattern.DOTALL);
  private static final Pattern LINK = Pattern.compile("(?:\\{@link(?:plain)?|@see|@throws)\\s+([\\w.]+)");
  private static final Pattern NAME = Pattern.compile("\\b[A-Z]\\w*\\b");
  private static final Pattern PERMITS = Pattern.compile("\\bsealed\\b[^{]*\\bpermits\\b([^{]*)\\{");

  @Test
  @DisplayName("every class's references, followed, never come back to it")
  void noLoop() throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.list(PACKAGE)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = f.getFileName().toString().replace(".java", "");
        if (!name.equals("package-info")) {
          sources.put(name, Files.readString(f, StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(sources).as("the package's sources").containsKeys("Vector", "LeafCodec", "ValueDecoder",
        "SchemaMapping", "LeafValues", "VectorAppender", "VectorRows");
    assertThat(loops(references(sources))).as("groups of classes that reach each other").isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"parquet/internal/kinds", "parquet/internal/variant",
      "parquet/internal/engines"})
  @DisplayName("parquet.internal's subpackages: no loop among each one's classes")
  void noLoopInTheOtherPackages(String pkg) throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.list(ProjectFiles.packageFolder(pkg))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = f.getFileName().toString().replace(".java", "");
        if (!name.equals("package-info")) {
          sources.put(name, Files.readString(f, StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(sources).as("the sources of %s", pkg).hasSizeGreaterThan(1);
    assertThat(loops(references(sources))).as("groups of classes of %s that reach each other", pkg).isEmpty();
  }

  @Test
  @DisplayName("the check sees a loop through code or a Javadoc link, and not through prose or a string")
  void theCheckSeesALoop() {
    Map<String, String> throughCode = new LinkedHashMap<>();
    throughCode.put("A", "final class A { B b; }");
    throughCode.put("B", "final class B { void f() { C.g(); } }");
    throughCode.put("C", "/** Made by {@link A}. */ final class C { static void g() { } }");
    assertThat(loops(references(throughCode))).containsExactly(new TreeSet<>(Set.of("A", "B", "C")));

    Map<String, String> throughProse = new LinkedHashMap<>();
    throughProse.put("A", "final class A { B b; }");
    throughProse.put("B", "/** Serves {@code A}, see A. */ final class B { String s = \"A\"; } // A");
    assertThat(loops(references(throughProse))).isEmpty();

    Map<String, String> sealed = new LinkedHashMap<>();
    sealed.put("K", "sealed interface K permits A, B { static K of(int i) { return i == 0 ? A.I : B.I; } }");
    sealed.put("A", "final class A implements K { static final A I = new A(); }");
    sealed.put("B", "final class B implements K { static final B I = new B(); A a; }");
    assertThat(loops(references(sealed))).isEmpty();
    sealed.put("A", "final class A implements K { static final A I = new A(); B b; }");
    assertThat(loops(references(sealed))).containsExactly(new TreeSet<>(Set.of("A", "B")));
  }

  /** Per class, the other classes of the package it names. */
  private static Map<String, Set<String>> references(Map<String, String> sources) {
    Map<String, Set<String>> refs = new TreeMap<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      String source = e.getValue();
      StringBuilder named = new StringBuilder();
      Matcher links = LINK.matcher(source);
      while (links.find()) {
        named.append(' ').append(links.group(1).replace('.', ' ').replace('#', ' '));
      }
      String code = NOT_CODE.matcher(source).replaceAll(" ");
      named.append(' ').append(code);
      Set<String> permitted = new TreeSet<>();
      Matcher permits = PERMITS.matcher(code);
      if (permits.find()) {
        Matcher n = NAME.matcher(permits.group(1));
        while (n.find()) {
          permitted.add(n.group());
        }
      }
      Set<String> to = new TreeSet<>();
      Matcher names = NAME.matcher(named);
      while (names.find()) {
        String n = names.group();
        if (!n.equals(e.getKey()) && sources.containsKey(n) && !permitted.contains(n)) {
          to.add(n);
        }
      }
      refs.put(e.getKey(), to);
    }
    return refs;
  }

  /** The strongly connected groups of more than one class (Tarjan's algorithm). */
  private static List<Set<String>> loops(Map<String, Set<String>> refs) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> out = new ArrayList<>();
    for (String v : refs.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, refs, index, low, stack, out);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> refs, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : refs.get(v)) {
      if (!index.containsKey(w)) {
        connect(w, refs, index, low, stack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> group = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        out.add(group);
      }
    }
  }
}
