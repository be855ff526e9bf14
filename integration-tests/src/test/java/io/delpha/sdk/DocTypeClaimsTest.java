package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What README.md and docs/*.md say a type is, held by reflection: a backticked type name (simple, {@code
 * aws.AWSConfig}, {@code DictionaryManager.Builder}) or a method ({@code config()}: the return type of every public
 * method of that name in the library's API) followed or preceded by a claim. The claims read, in prose outside code
 * blocks: {@code `X` is a record} (or {@code are}, {@code is the small interface}), {@code `X` is immutable}, {@code
 * `X` (a final class with value equality)} and other parenthesised lists ({@code (final, `builder()`, ...)}), {@code
 * the immutable `X`}, {@code one `X` interface}, {@code `X` has a builder}, and {@code `X` (a `Y`)}: X is a subtype
 * of Y. A name the library does not have is not a claim about it and is left alone; a simple name two of its types
 * share is an error (qualify it).
 */
@DisplayName("README.md and docs/*.md say of each type what it is: record, final class, interface, builder, subtype")
class DocTypeClaimsTest {


  /** What a document may say a type is. */
  enum Claim {
    RECORD("a record"),
    FINAL_CLASS("a final class"),
    FINAL("final"),
    INTERFACE("an interface"),
    ENUM("an enum"),
    SEALED("sealed"),
    IMMUTABLE("immutable (a record, or a final class whose fields are all final)"),
    VALUE_EQUALITY("equal by value (a record, or equals declared below Object)"),
    BUILDER("built by a static builder()"),
    SUBTYPE("a subtype of the type named after it");

    final String meaning;

    Claim(String meaning) {
      this.meaning = meaning;
    }

    boolean holds(Class<?> c) {
      return switch (this) {
        case RECORD -> c.isRecord();
        case FINAL_CLASS -> Modifier.isFinal(c.getModifiers()) && !c.isRecord() && !c.isEnum() && !c.isInterface();
        case FINAL -> Modifier.isFinal(c.getModifiers());
        case INTERFACE -> c.isInterface() && !c.isAnnotation();
        case ENUM -> c.isEnum();
        case SEALED -> c.isSealed();
        case IMMUTABLE -> c.isRecord() || c.isEnum() || Modifier.isFinal(c.getModifiers()) && !c.isInterface()
            && allFieldsFinal(c);
        case VALUE_EQUALITY -> c.isRecord() || declaresEquals(c);
        case BUILDER -> hasBuilder(c);
        case SUBTYPE -> false; // a type alone is no subtype: the claim is held against its supertype
      };
    }
  }

  private static final String TYPE = "(?:[a-z]\\w*\\.)*[A-Z]\\w*(?:\\.[A-Z]\\w*)*";
  private static final String SUBJECT = "`(" + TYPE + "|(?:[a-z]\\w*\\.)?[a-z]\\w*\\(\\))`";
  private static final String NOUN = "(final class(?:es)?|records?|interfaces?|enums?)";
  private static final Pattern IS = Pattern.compile(SUBJECT + "(?: \\([^)]*\\))? (?:is|are) (?:also |still )?"
      + "(?!not |no |never )(?:an? |the |one )?((?:[a-z-]+ ){0,2}?)" + NOUN + "\\b");
  /** Not "is final": prose says that of an error that is not retried. */
  private static final Pattern IS_ADJECTIVE = Pattern.compile(SUBJECT + " (?:is|are) (immutable|sealed)\\b");
  private static final Pattern PARENTHESES = Pattern.compile(SUBJECT + " \\(([^)]*)\\)?");
  private static final Pattern ITEM = Pattern.compile("^(?:an? |the )?((?:(?:immutable|sealed|public|small) )*)"
      + "(final class|record|interface|enum|final)\\b");
  private static final Pattern ADJECTIVE_BEFORE =
      Pattern.compile("\\b(?:[Tt]he|[Aa]n?|[Ii]ts) (immutable|final|sealed) " + SUBJECT);
  private static final Pattern NOUN_AFTER =
      Pattern.compile("\\b(?:[Tt]he|[Oo]ne|[Aa]n?|[Ii]ts) " + SUBJECT + " (record|interface|enum)\\b(?![-\\w])");
  /** {@code `X` (a `Y`)} says X is a Y; {@code `X` (a `Y`, ...} lists examples, so the parenthesis ends there. */
  private static final Pattern SUBTYPE = Pattern.compile("`(" + TYPE + ")` \\(an? `(" + TYPE + ")`[);]");
  private static final Pattern HAS_BUILDER =
      Pattern.compile(SUBJECT + " (?:has|have|with) (?:a|its|their) (?:own )?(?:`builder\\(\\)`|builder\\b)");

  /** A claim a document makes: where, the subject as written, what it says (of which supertype, for a subtype). */
  record Statement(String file, String subject, Claim claim, String supertype) {
    Statement(String file, String subject, Claim claim) {
      this(file, subject, claim, "");
    }
  }

  @Test
  @DisplayName("every claim about a library type in README.md and docs/*.md holds")
  void everyClaimHolds() throws IOException {
    Types types = Types.load();
    List<String> ambiguous = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs()) {
      for (Statement s : statements(slashed(doc), Files.readString(doc, StandardCharsets.UTF_8))) {
        List<Class<?>> subjects;
        try {
          subjects = types.resolve(s.subject());
        } catch (IllegalArgumentException e) {
          ambiguous.add(s.file() + ": `" + s.subject() + "`: " + e.getMessage());
          continue;
        }
        for (Class<?> c : subjects) {
          if (s.claim() == Claim.SUBTYPE) {
            List<Class<?>> supertypes;
            try {
              supertypes = types.resolve(s.supertype());
            } catch (IllegalArgumentException e) {
              ambiguous.add(s.file() + ": `" + s.supertype() + "`: " + e.getMessage());
              continue;
            }
            for (Class<?> t : supertypes) {
              checked++;
              if (t == c || !t.isAssignableFrom(c)) {
                wrong.add(s.file() + ": `" + s.subject() + "` is said to be a `" + s.supertype() + "`; "
                    + c.getName() + " extends " + c.getSuperclass() + " and implements "
                    + List.of(c.getInterfaces()));
              }
            }
            continue;
          }
          checked++;
          if (!s.claim().holds(c)) {
            wrong.add(s.file() + ": `" + s.subject() + "` is said to be " + s.claim().meaning + "; "
                + c.getName() + " is " + describe(c));
          }
        }
      }
    }
    assertThat(ambiguous).as("names the library gives to more than one type: qualify them").isEmpty();
    assertThat(wrong).as("statements about types that the types contradict").isEmpty();
    assertThat(checked).as("claims checked (the patterns still read the docs)").isGreaterThanOrEqualTo(10);
  }

  @Test
  @DisplayName("the claims are read in each form, outside code blocks, across line breaks")
  void theClaimsAreRead() {
    String doc = """
        `RunReport` (a record): `succeeded()`. `SalesforceClient` is the interface hosts
        depend on; `SalesforceManager` (final, `builder()`, `config()`). `config()` returns the immutable
        `CassandraConfig`. One `ObjectStore` interface, two stores. Every manager is built the same way: an immutable
        `config()` (a final class with value equality). `Variant` is immutable. `FlowExecution` and `FlowRun` are
        records. `AccessKeys` has a builder. Every `ResponseLimitException` is final: never retried.
        `NoFlowDataException` (a `NotFoundException`) says so; a `CqlExecutor` (a `CassandraManager`, a session).
        `Account` records in S3 are not a claim, `Row` is not a record either.
        ```java
        record Contact(String Id) {} // `Contact` is a record, in code
        ```
        """;
    assertThat(statements("d.md", doc)).extracting(s -> s.subject() + " " + s.claim()).containsExactlyInAnyOrder(
        "RunReport RECORD", "SalesforceClient INTERFACE", "SalesforceManager FINAL", "SalesforceManager BUILDER",
        "CassandraConfig IMMUTABLE", "ObjectStore INTERFACE", "config() IMMUTABLE", "config() FINAL_CLASS",
        "config() VALUE_EQUALITY", "Variant IMMUTABLE", "FlowRun RECORD", "AccessKeys BUILDER",
        "NoFlowDataException SUBTYPE");
  }

  @Test
  @DisplayName("the checks see a type as it is: a record, a final class, an interface, a builder, final fields")
  void theChecksSeeTheTypes() throws IOException {
    Types types = Types.load();
    Class<?> config = types.resolve("CassandraConfig").get(0);
    assertThat(EnumSet.allOf(Claim.class).stream().filter(c -> c.holds(config)))
        .containsExactlyInAnyOrder(Claim.FINAL_CLASS, Claim.FINAL, Claim.IMMUTABLE, Claim.VALUE_EQUALITY,
            Claim.BUILDER);
    assertThat(Claim.INTERFACE.holds(types.resolve("ObjectStore").get(0))).isTrue();
    assertThat(Claim.BUILDER.holds(types.resolve("cassandra.CassandraManager").get(0))).isTrue();
    assertThat(types.resolve("DictionaryManager.Builder")).singleElement()
        .satisfies(c -> assertThat(c.getSimpleName()).isEqualTo("Builder"));
    assertThat(types.resolve("config()")).as("the configs every manager returns").contains(config)
        .hasSizeGreaterThan(4);
    assertThat(types.resolve("Contact")).isEmpty();
    assertThat(Claim.IMMUTABLE.holds(StringBuilder.class)).isFalse();
    assertThat(statements("d.md", "`NoFlowDataException` (a `NotFoundException`)")).singleElement()
        .satisfies(s -> assertThat(s.supertype()).isEqualTo("NotFoundException"));
  }

  /** The claims a document makes, in prose: fenced code blocks left out, lines joined. */
  static List<Statement> statements(String file, String markdown) {
    String text = markdown.replaceAll("(?s)```.*?```", " ").replaceAll("\\s*\\n\\s*", " ");
    Set<Statement> out = new LinkedHashSet<>();
    Matcher m = IS.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(1), noun(m.group(3))));
      if (m.group(2).contains("immutable")) {
        out.add(new Statement(file, m.group(1), Claim.IMMUTABLE));
      }
    }
    m = IS_ADJECTIVE.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(1), adjective(m.group(2))));
    }
    m = PARENTHESES.matcher(text);
    while (m.find()) {
      for (String item : m.group(2).split(", ")) {
        item = item.strip();
        Matcher i = ITEM.matcher(item);
        if (i.find()) {
          out.add(new Statement(file, m.group(1), i.group(2).equals("final") ? Claim.FINAL : noun(i.group(2))));
          if (i.group(1).contains("immutable")) {
            out.add(new Statement(file, m.group(1), Claim.IMMUTABLE));
          }
        }
        if (item.startsWith("`builder(")) {
          out.add(new Statement(file, m.group(1), Claim.BUILDER));
        }
        if (item.contains("with value equality")) {
          out.add(new Statement(file, m.group(1), Claim.VALUE_EQUALITY));
        }
      }
    }
    m = ADJECTIVE_BEFORE.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(2), adjective(m.group(1))));
    }
    m = NOUN_AFTER.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(1), noun(m.group(2))));
    }
    m = SUBTYPE.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(1), Claim.SUBTYPE, m.group(2)));
    }
    m = HAS_BUILDER.matcher(text);
    while (m.find()) {
      out.add(new Statement(file, m.group(1), Claim.BUILDER));
    }
    return new ArrayList<>(out);
  }

  private static Claim noun(String noun) {
    String n = noun.toLowerCase(Locale.ROOT);
    if (n.startsWith("final class")) {
      return Claim.FINAL_CLASS;
    }
    if (n.startsWith("record")) {
      return Claim.RECORD;
    }
    return n.startsWith("interface") ? Claim.INTERFACE : Claim.ENUM;
  }

  private static Claim adjective(String adjective) {
    return switch (adjective) {
      case "immutable" -> Claim.IMMUTABLE;
      case "final" -> Claim.FINAL;
      default -> Claim.SEALED;
    };
  }

  /** The library's types, by qualified name, from the main sources. */
  record Types(Map<String, Class<?>> byName) {

    static Types load() throws IOException {
      Map<String, Class<?>> byName = new TreeMap<>();
      for (Path main : ProjectFiles.mainSources()) {
        try (Stream<Path> files = Files.walk(main)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
            String name = slashed(main.relativize(file)).replaceFirst("\\.java$", "").replace('/', '.');
            if (name.endsWith("-info")) {
              continue;
            }
            try {
              byName.put(name, Class.forName(name, false, DocTypeClaimsTest.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
              throw new AssertionError("no class for the source of " + name, e);
            }
          }
        }
      }
      return new Types(byName);
    }

    /**
     * The types a subject names: one type, none (not the library's), or for a method {@code x()} the return types of
     * the API's public methods of that name that are the library's types.
     *
     * @throws IllegalArgumentException when a type name is the library's for more than one type
     */
    List<Class<?>> resolve(String subject) {
      if (subject.endsWith("()")) {
        String method = subject.substring(subject.lastIndexOf('.') + 1, subject.length() - 2);
        Set<Class<?>> returned = new LinkedHashSet<>();
        for (Class<?> c : byName.values()) {
          if (!Modifier.isPublic(c.getModifiers()) || c.getPackageName().contains(".internal")) {
            continue;
          }
          for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == 0 && Modifier.isPublic(m.getModifiers())
                && !Modifier.isStatic(m.getModifiers()) && byName.containsKey(top(m.getReturnType()).getName())) {
              returned.add(m.getReturnType());
            }
          }
        }
        return new ArrayList<>(returned);
      }
      String[] parts = subject.split("\\.");
      int first = 0;
      while (Character.isLowerCase(parts[first].charAt(0))) {
        first++;
      }
      String pkg = String.join(".", List.of(parts).subList(0, first));
      List<Class<?>> found = new ArrayList<>();
      for (Class<?> c : byName.values()) {
        if (c.getSimpleName().equals(parts[first])
            && (pkg.isEmpty() || c.getPackageName().equals(pkg) || c.getPackageName().endsWith("." + pkg))) {
          Class<?> t = c;
          for (int i = first + 1; i < parts.length && t != null; i++) {
            String inner = parts[i];
            t = Stream.of(t.getDeclaredClasses()).filter(d -> d.getSimpleName().equals(inner)).findFirst()
                .orElse(null);
          }
          if (t != null) {
            found.add(t);
          }
        }
      }
      if (found.size() > 1) {
        throw new IllegalArgumentException("it is " + found.stream().map(Class::getName).toList());
      }
      return found;
    }
  }

  private static Class<?> top(Class<?> c) {
    Class<?> t = c;
    while (t.getEnclosingClass() != null) {
      t = t.getEnclosingClass();
    }
    return t;
  }

  private static boolean allFieldsFinal(Class<?> c) {
    for (Class<?> t = c; t != null && t != Object.class; t = t.getSuperclass()) {
      for (Field f : t.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean declaresEquals(Class<?> c) {
    for (Class<?> t = c; t != null && t != Object.class; t = t.getSuperclass()) {
      try {
        t.getDeclaredMethod("equals", Object.class);
        return true;
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return false;
  }

  private static boolean hasBuilder(Class<?> c) {
    try {
      Method m = c.getMethod("builder");
      return Modifier.isStatic(m.getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static String describe(Class<?> c) {
    List<String> what = new ArrayList<>();
    for (Claim claim : Claim.values()) {
      if (claim.holds(c)) {
        what.add(claim.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
    return what.isEmpty() ? "none of these" : String.join(", ", what);
  }

  private static List<Path> docs() throws IOException {
    List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    return out;
  }

  private static String slashed(Path p) {
    return p.toString().replace(p.getFileSystem().getSeparator(), "/");
  }
}
