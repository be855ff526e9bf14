package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Arrows between a capability's public package and its own {@code internal} packages point one way: the public
 * classes use the internals, and an internal class that names a public class of its capability names one that uses
 * none of that internal package (a value, an exception, a role), never the facade that calls it back. OkHttp 4 is the
 * anchor: the lower layer never imports the upper (docs/architecture.md, "Rules").
 *
 * <p>The check reads the sources under {@code src/main/java}, Javadoc included: an import, a fully qualified name, or
 * a wildcard import and a simple name is a reference; a name inside {@code {@code ...}} and in a string literal is
 * text. A pair is an internal class and a public class of the package the internal one's name continues (for {@code
 * ingest.internal.sandbox.ProgramApp}, {@code ingest}) that names it back, the package, not only that one class.
 */
@DisplayName("No circle between a public class and its own capability's internal package")
class InternalCyclesTest {


  private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.delpha\\.sdk((?:\\.[a-z]\\w*)+)\\.([A-Z]\\w*)");
  private static final Pattern WILDCARD = Pattern.compile("\\bimport\\s+io\\.delpha\\.sdk((?:\\.[a-z]\\w*)+)\\.\\*;");

  /** A source file: its type's qualified name, its package, the text it refers by. */
  record Source(String type, String pkg, String text) {
    String simpleName() {
      return type.substring(type.lastIndexOf('.') + 1);
    }
  }

  @Test
  @DisplayName("no internal class names a public class of its capability that names the internal package back")
  void noCircle() throws IOException {
    assertThat(cycles(sources())).as("internal class -> public class of its capability, with the types of the "
        + "internal class's package that the public class names: make the arrow point from the public class only (move "
        + "the constant or factory to the side that owns it, a Javadoc {@link} to {@code}, or hand the internal class "
        + "what it needs)").isEmpty();
  }

  @Test
  @DisplayName("the check sees a circle through an import, a Javadoc link and a wildcard; not through {@code} text")
  void theCheckSeesACircle() {
    Source facade = new Source("io.delpha.sdk.x.Facade", "io.delpha.sdk.x",
        text("package io.delpha.sdk.x;\nimport io.delpha.sdk.x.internal.Job;\nclass Facade {}"));
    Source job = new Source("io.delpha.sdk.x.internal.Job", "io.delpha.sdk.x.internal",
        text("package io.delpha.sdk.x.internal;\n/** Called by {@link io.delpha.sdk.x.Facade}. */\nclass Job {}"));
    Source value = new Source("io.delpha.sdk.x.Value", "io.delpha.sdk.x",
        text("package io.delpha.sdk.x;\nclass Value {}"));
    Source helper = new Source("io.delpha.sdk.x.internal.Helper", "io.delpha.sdk.x.internal",
        text("package io.delpha.sdk.x.internal;\nimport io.delpha.sdk.x.*;\nclass Helper { Facade f; Value v; }"));
    Source quiet = new Source("io.delpha.sdk.x.internal.Quiet", "io.delpha.sdk.x.internal",
        text("package io.delpha.sdk.x.internal;\n/** Not {@code io.delpha.sdk.x.Facade}. */\n"
            + "class Quiet { String s = \"io.delpha.sdk.x.Facade\"; io.delpha.sdk.x.Value v; }"));
    assertThat(cycles(List.of(facade, job, value, helper, quiet)).keySet()).containsExactly(
        "io.delpha.sdk.x.internal.Helper -> io.delpha.sdk.x.Facade",
        "io.delpha.sdk.x.internal.Job -> io.delpha.sdk.x.Facade");
  }

  /** Each circle, {@code internal -> public}, with the internal types the public class names of that package. */
  static Map<String, Set<String>> cycles(List<Source> sources) {
    Map<String, Source> byType = new TreeMap<>();
    for (Source s : sources) {
      byType.put(s.type(), s);
    }
    Map<String, Set<String>> out = new TreeMap<>();
    for (Source internal : sources) {
      String owner = owner(internal.pkg());
      if (owner == null) {
        continue;
      }
      for (String used : references(internal, byType)) {
        Source pub = byType.get(used);
        if (pub == null || !pub.pkg().equals(owner)) {
          continue;
        }
        Set<String> back = new TreeSet<>();
        for (String t : references(pub, byType)) {
          if (byType.get(t).pkg().equals(internal.pkg())) {
            back.add(t);
          }
        }
        if (!back.isEmpty()) {
          out.put(internal.type() + " -> " + pub.type(), back);
        }
      }
    }
    return out;
  }

  /** The library's types a source names, by qualified name or by simple name under a wildcard import. */
  private static Set<String> references(Source s, Map<String, Source> byType) {
    Set<String> out = new TreeSet<>();
    Matcher q = QUALIFIED.matcher(s.text());
    while (q.find()) {
      String type = "io.delpha.sdk" + q.group(1) + "." + q.group(2);
      if (byType.containsKey(type)) {
        out.add(type);
      }
    }
    Matcher w = WILDCARD.matcher(s.text());
    while (w.find()) {
      String pkg = "io.delpha.sdk" + w.group(1);
      for (Source other : byType.values()) {
        if (other.pkg().equals(pkg)
            && Pattern.compile("\\b" + other.simpleName() + "\\b").matcher(s.text()).find()) {
          out.add(other.type());
        }
      }
    }
    out.remove(s.type());
    return out;
  }

  /** The public package an internal package belongs to ({@code a.b} for {@code a.b.internal.c}); null for others. */
  private static String owner(String pkg) {
    int i = pkg.indexOf(".internal");
    return i < 0 || !(pkg.length() == i + 9 || pkg.charAt(i + 9) == '.') ? null : pkg.substring(0, i);
  }

  private static List<Source> sources() throws IOException {
    List<Source> out = new ArrayList<>();
    for (Path main : ProjectFiles.mainSources()) {
      try (Stream<Path> files = Files.walk(main)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          Path rel = main.relativize(file);
          String name = rel.getFileName().toString().replace(".java", "");
          if (name.contains("-")) {
            continue; // package-info, module-info
          }
          String pkg = rel.getParent().toString().replace(rel.getFileSystem().getSeparator(), ".");
          out.add(new Source(pkg + "." + name, pkg, text(Files.readString(file, StandardCharsets.UTF_8))));
        }
      }
    }
    return out;
  }

  /** A source's text without the contents of its string literals and {@code {@code ...}} spans. */
  static String text(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("{@code", i)) {
        int depth = 0;
        while (i < n) {
          char d = src.charAt(i++);
          if (d == '{') {
            depth++;
          } else if (d == '}' && --depth == 0) {
            break;
          }
        }
        out.append("{@code}");
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '\'' && i + 2 < n && (src.charAt(i + 1) == '\\' || src.charAt(i + 2) == '\'')) {
        int end = src.indexOf('\'', i + 2);
        i = end < 0 || end > i + 8 ? i + 1 : end + 1;
        out.append("''");
      } else if (c == '"') {
        i++;
        while (i < n && src.charAt(i) != '"' && src.charAt(i) != '\n') {
          i += src.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append("\"\"");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
