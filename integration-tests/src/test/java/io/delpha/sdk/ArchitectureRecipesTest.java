package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.testing.ProjectFiles;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * docs/architecture.md is held to the code: its recipes name every file their change touches, traced on a worked
 * example that is in the code, and every file the tree says such a change needs (the configs of the settings table,
 * the files naming the example setting or backend, each backend's places, the changelog and the API surface where the
 * public API changes); its floors are the packages' imports; every path it names exists, and every reference to one of
 * its sections names a section it has.
 *
 * <p>The page's markup, under {@code ## Recipes}: a {@code ### } heading per recipe, a line {@code Worked example:
 * `word` ...}, and one bullet per file, {@code - `path`: what changes}, or {@code - `path` (when ...): ...} for a file
 * only some changes touch; a bullet may go on over indented lines. A path may end in a file-name glob ({@code
 * kinds/*Kind.java}). The setting recipe has a table row per config, {@code | `Component` | builder | `config path` |
 * `docs path` | ... |}. Under {@code ## Floors}, a table row per package: {@code | floor | `package` | `used`,
 * `packages` |}.
 */
@DisplayName("docs/architecture.md: the recipes name real files, the floors are the imports")
class ArchitectureRecipesTest {

  private static final Path PAGE = Path.of("docs", "architecture.md");
  private static final Path CLI = Path.of("cli", "src", "main", "java");
  private static final Path SURFACE = Path.of("integration-tests", "src", "test", "resources", "api-surface.txt");
  private static final Path README = Path.of("README.md");
  private static final Path CHANGELOG = Path.of("CHANGELOG.md");
  private static final Path THIS_TEST = Path.of("integration-tests", "src", "test", "java", "io", "delpha", "sdk",
      "ArchitectureRecipesTest.java");

  private static final Pattern FILE = Pattern.compile("^- `([^`]+)`( \\(when [^)]*\\))?:");
  private static final Pattern EXAMPLE = Pattern.compile("^Worked example: `([^`]+)`");
  private static final Pattern FLOOR = Pattern.compile("^\\| (\\d+) \\| `([a-z]+)` \\| (.+) \\|$");
  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern SETTING_ROW =
      Pattern.compile("^\\| `(\\w+)` \\| (.+?) \\| `([^`]+)` \\| `([^`]+)` \\|.*$");
  private static final Pattern PROVIDER = Pattern.compile("\\bclass (\\w+) implements [^{]*\\bSecretProvider\\b");
  private static final Pattern REQUIRES = Pattern.compile("Capability\\.require\\(\"[^\"]*\",\\s*([^;]*)\\);");
  private static final Pattern STACK_ID = Pattern.compile("\"([a-z0-9-]+)\"");
  private static final Pattern PACKAGE_USE = Pattern.compile("\\bio\\.delpha\\.sdk\\.([a-z]+)\\b");

  static final String SETTING = "Add a setting";
  static final String COLUMN_KIND = "Add a column kind";
  static final String SECRET_BACKEND = "Add a secret backend";
  static final String CLI_COMMAND = "Add a CLI command";

  /** One file of a recipe; {@code conditional} for a file only some changes touch. */
  record Entry(String path, boolean conditional) {
    boolean isGlob() {
      return path.contains("*");
    }

    boolean isTest() {
      return path.startsWith("integration-tests/src/test/");
    }
  }

  /** A recipe: its title, the worked example every file names, its files. */
  record Recipe(String title, String example, List<Entry> files) {}

  @Test
  @DisplayName("the page has the four recipes, each with a worked example and its files")
  void theFourRecipes() throws IOException {
    Map<String, Recipe> recipes = recipes();
    assertThat(recipes).containsKeys(SETTING, COLUMN_KIND, SECRET_BACKEND, CLI_COMMAND);
    for (Recipe r : recipes.values()) {
      assertThat(r.example()).as("the worked example of '%s'", r.title()).isNotBlank();
      assertThat(r.files()).as("the files of '%s'", r.title()).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  @DisplayName("every file a recipe names exists (a glob matches at least one)")
  void everyFileExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Recipe r : recipes().values()) {
      for (Entry e : r.files()) {
        if (e.isGlob() ? matching(e.path()).isEmpty() : !Files.isRegularFile(Path.of(e.path()))) {
          missing.add(r.title() + ": " + e.path());
        }
      }
    }
    assertThat(missing).as("files named by the recipes that are not in the tree").isEmpty();
  }

  @Test
  @DisplayName("every recipe names at least one test file")
  void everyRecipeNamesATest() throws IOException {
    for (Recipe r : recipes().values()) {
      assertThat(r.files()).as("the test files of '%s'", r.title()).anyMatch(Entry::isTest);
    }
  }

  @Test
  @DisplayName("every file a recipe always touches names its worked example: the list is a trace, not a guess")
  void everyFileNamesTheExample() throws IOException {
    List<String> unrelated = new ArrayList<>();
    for (Recipe r : recipes().values()) {
      String example = r.example().toLowerCase(Locale.ROOT);
      for (Entry e : r.files()) {
        Path file = Path.of(e.path());
        if (!e.conditional() && !e.isGlob() && Files.isRegularFile(file)
            && !read(file).toLowerCase(Locale.ROOT).contains(example)) {
          unrelated.add(r.title() + ": " + e.path() + " does not name " + r.example());
        }
      }
    }
    assertThat(unrelated).isEmpty();
  }

  @Test
  @DisplayName("add a setting: every file of the main code, the CLI, the docs, the examples and the API surface that "
      + "names the example setting is listed")
  void everyFileOfTheSettingIsListed() throws IOException {
    Recipe r = recipes().get(SETTING);
    Set<String> listed = paths(r);
    List<String> missed = new ArrayList<>();
    List<Path> roots = new ArrayList<>(mainTrees());
    roots.addAll(List.of(Path.of("docs"), Path.of("examples"), SURFACE, README, CHANGELOG));
    for (Path root : roots) {
      for (Path file : files(root)) {
        if (!file.equals(PAGE) && read(file).contains(r.example()) && !listed.contains(slashed(file))) {
          missed.add(slashed(file));
        }
      }
    }
    assertThat(missed).as("files naming %s that the recipe leaves out", r.example()).isEmpty();
  }

  @Test
  @DisplayName("add a column kind: every main file that switches over the kinds by name is listed")
  void everySwitchOverTheKindsIsListed() throws IOException {
    Recipe r = recipes().get(COLUMN_KIND);
    Pattern label = Pattern.compile("\\bcase\\b[^;{}]*?\\b" + Pattern.quote(r.example()) + "\\b[^;{}]*?(->|:)");
    Set<String> listed = paths(r);
    List<String> missed = new ArrayList<>();
    for (Path file : sdkFiles()) {
      if (label.matcher(code(read(file))).find() && !listed.contains(slashed(file))) {
        missed.add(slashed(file));
      }
    }
    assertThat(missed).as("switches naming %s in a case that the recipe leaves out", r.example()).isEmpty();
  }

  @Test
  @DisplayName("add a column kind: every kind's class is in parquet.internal.kinds, named as the recipe's pattern says")
  void everyKindClassMatchesThePattern() throws IOException {
    String glob = recipes().get(COLUMN_KIND).files().stream().map(Entry::path)
        .filter(p -> p.contains("/parquet/internal/kinds/") && p.contains("*")).findFirst().orElseThrow(
            () -> new AssertionError("the column kind recipe names no pattern of the kinds' classes"));
    Path kinds = ProjectFiles.packageFolder("parquet/internal/kinds");
    Set<String> kindFiles = new TreeSet<>();
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      if (kind.isNested()) {
        continue;
      }
      String name = ScalarKind.of(kind).getClass().getSimpleName();
      assertThat(name).as("the class of %s", kind).isEqualTo(camel(kind.name()) + "Kind");
      Path file = kinds.resolve(name + ".java");
      assertThat(file).as("the file of %s", kind).isRegularFile();
      kindFiles.add(slashed(file));
    }
    Set<String> matched = new TreeSet<>(matching(glob));
    assertThat(matched).as("the files %s matches", glob).containsAll(kindFiles);
    matched.removeAll(kindFiles);
    assertThat(matched).as("files the pattern matches that are no kind's class")
        .containsOnly(slashed(kinds.resolve("ScalarKind.java")));
  }

  @Test
  @DisplayName("add a secret backend: every provider is in secrets.md, every capability in dependencies and release")
  void everyBackendAndCapabilityIsDocumented() throws IOException {
    Recipe r = recipes().get(SECRET_BACKEND);
    Set<String> listed = paths(r);
    assertThat(listed).contains("docs/secrets.md", "docs/dependencies.md", "docs/release.md");
    String secrets = read(Path.of("docs", "secrets.md"));
    Pattern provider = Pattern.compile("\\bclass (\\w+) implements [^{]*\\bSecretProvider\\b");
    List<String> missing = new ArrayList<>();
    for (Path file : sdkFiles()) {
      Matcher m = provider.matcher(code(read(file)));
      if (m.find() && !secrets.contains(m.group(1))) {
        missing.add("docs/secrets.md: " + m.group(1));
      }
    }
    String dependencies = read(Path.of("docs", "dependencies.md"));
    String release = read(Path.of("docs", "release.md"));
    for (Capability c : ProjectFiles.stacks()) {
      if (!dependencies.contains("\n### " + c.id() + "\n")) {
        missing.add("docs/dependencies.md: ### " + c.id());
      }
      if (!release.contains("`" + c.id() + "`")) {
        missing.add("docs/release.md: `" + c.id() + "`");
      }
    }
    assertThat(missing).as("backends and capabilities the recipe's docs do not name").isEmpty();
  }

  @Test
  @DisplayName("add a setting: the table names every config of the settings table, its builder's file and manager")
  void everyConfigOfTheTableIsInTheSettingRecipe() throws Exception {
    Map<String, List<String>> rows = new TreeMap<>();
    for (String line : recipeLines(SETTING)) {
      Matcher m = SETTING_ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(3), List.of(m.group(1), m.group(2), m.group(4)));
      }
    }
    Map<String, List<String>> derived = new TreeMap<>();
    for (Path file : sdkFiles()) {
      if (file.toString().endsWith(".java") && !slashed(file).contains("/internal/")
          && code(read(file)).contains("new Settings(")) {
        Class<?> config = Class.forName(typeName(file), false, ArchitectureRecipesTest.class.getClassLoader());
        Class<?> builder = config.getMethod("toBuilder").getReturnType();
        Class<?> manager = builder.getMethod("build").getReturnType();
        derived.put(slashed(file), List.of(manager.getSimpleName(), slashed(sourceOf(builder))));
      }
    }
    assertThat(derived).as("the configs declared in a Settings table").isNotEmpty();
    assertThat(rows.keySet()).as("the configs of the recipe's table against those declared in a Settings table")
        .isEqualTo(derived.keySet());
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, List<String>> d : derived.entrySet()) {
      List<String> row = rows.get(d.getKey());
      String manager = d.getValue().get(0);
      if (!row.get(0).equals(manager)) {
        wrong.add(d.getKey() + ": the manager is " + manager + ", the table says " + row.get(0));
      }
      if (!row.get(1).contains("`" + d.getValue().get(1) + "`")) {
        wrong.add(d.getKey() + ": the builder is in " + d.getValue().get(1) + ", the table says " + row.get(1));
      }
      Path docs = Path.of(row.get(2));
      if (!Files.isRegularFile(docs) || !read(docs).contains(manager)) {
        wrong.add(d.getKey() + ": " + docs + " does not name " + manager);
      }
    }
    assertThat(wrong).as("rows of the setting recipe's table that the code contradicts").isEmpty();
  }

  @Test
  @DisplayName("a recipe that changes the public API or the CLI names CHANGELOG.md; one that changes the API, the "
      + "API surface")
  void apiChangesNameTheChangelogAndTheSurface() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Recipe r : recipes().values()) {
      Set<String> listed = paths(r);
      boolean api = listed.stream().anyMatch(p -> p.matches("[a-z]+/src/main/java/io/delpha/sdk/.*")
          && !p.startsWith(slashed(CLI) + "/") && !p.contains("/internal/"));
      boolean cli = listed.stream().anyMatch(p -> p.startsWith(slashed(CLI) + "/"));
      if ((api || cli) && !listed.contains(slashed(CHANGELOG))) {
        missing.add(r.title() + ": " + CHANGELOG);
      }
      if (api && !listed.contains(slashed(SURFACE))) {
        missing.add(r.title() + ": " + slashed(SURFACE));
      }
    }
    assertThat(missing).as("files the recipes leave out").isEmpty();
  }

  @Test
  @DisplayName("add a secret backend: every file of the tree that names the example backend is listed")
  void everyFileOfTheBackendIsListed() throws IOException {
    Recipe r = recipes().get(SECRET_BACKEND);
    Backend example = backends().stream().filter(b -> b.pkg().equals(r.example())).findFirst().orElseThrow(
        () -> new AssertionError("no SecretProvider in the package of the worked example " + r.example()));
    Pattern names = example.names();
    List<String> missed = new ArrayList<>();
    List<Path> roots = new ArrayList<>(mainTrees());
    ProjectFiles.modules().forEach(m -> roots.add(m.resolve("pom.xml")));
    roots.addAll(List.of(Path.of("integration-tests", "src", "test", "java"), Path.of("src", "artifacts"),
        Path.of("docs"), Path.of("examples"), Path.of("bench"), SURFACE, README, CHANGELOG, Path.of("pom.xml")));
    for (Path root : roots) {
      for (Path file : files(root)) {
        if (!file.equals(THIS_TEST) && names.matcher(read(file)).find() && !listedIn(r, slashed(file))) {
          missed.add(slashed(file));
        }
      }
    }
    assertThat(missed).as("files naming %s (%s) that the recipe leaves out", example.type(), names).isEmpty();
  }

  @Test
  @DisplayName("add a secret backend: every backend outside the core has the places the recipe names for its example")
  void everyBackendHasTheRecipesPlaces() throws IOException {
    Recipe r = recipes().get(SECRET_BACKEND);
    List<Backend> backends = backends();
    Backend example = backends.stream().filter(b -> b.pkg().equals(r.example())).findFirst().orElseThrow();
    assertThat(backends).as("the backends outside the core").hasSizeGreaterThan(1);
    List<String> missing = new ArrayList<>();
    for (Backend b : backends) {
      for (Entry e : r.files()) {
        if (e.conditional() || e.isGlob()) {
          continue;
        }
        String own = e.path().replace("/" + example.pkg() + "/", "/" + b.pkg() + "/")
            .replace(example.stem(), b.stem());
        if (own.startsWith(example.pkg() + "/")) { // the backend's module
          own = b.pkg() + own.substring(example.pkg().length());
        }
        for (Capability c : example.capabilities()) {
          own = own.replace("/" + c.id() + "/", "/" + b.capabilities().get(0).id() + "/")
              .replace("/" + c.id() + ".properties", "/" + b.capabilities().get(0).id() + ".properties");
        }
        Path file = Path.of(own);
        if (!own.equals(e.path())) {
          if (!Files.isRegularFile(file)) {
            missing.add(b.type() + ": " + own);
          }
        } else if (!b.namedIn(read(file))) {
          missing.add(b.type() + ": " + own + " does not name it");
        }
      }
    }
    assertThat(missing).as("places of the secret backend recipe that a backend lacks").isEmpty();
  }

  /** A secret backend outside the core: its class, package (the segment after io.delpha.sdk), capabilities. */
  record Backend(String type, String pkg, List<Capability> capabilities) {
    String simpleName() {
      return type.substring(type.lastIndexOf('.') + 1);
    }

    /** The class's name without {@code Provider}: the stem of its test classes' names. */
    String stem() {
      return simpleName().replaceFirst("Provider$", "");
    }

    /** The backend's class, package, capability ids and constants, or the version names of its stack. */
    Pattern names() {
      List<String> alternatives = new ArrayList<>(List.of("\\b" + simpleName() + "\\b",
          "io\\.delpha\\.sdk\\." + pkg + "\\b", "sdk/" + pkg + "/"));
      for (Capability c : capabilities) {
        alternatives.add("\\b" + Pattern.quote(c.id()) + "\\b");
      }
      return Pattern.compile(String.join("|", alternatives));
    }

    /** Whether a shared file names the backend: as {@link #names()} does, by the package in backticks, or a version. */
    boolean namedIn(String text) {
      if (names().matcher(text).find() || text.contains("`" + pkg + "`") || text.contains("<module>" + pkg + "</module>")
          || text.contains("<artifactId>delpha-data-sdk-" + pkg + "</artifactId>")) {
        return true;
      }
      for (Capability c : capabilities) {
        for (String version : versionNames(c)) {
          if (text.contains(version + "=")) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * The names of the versions a stack's coordinates name ({@code aws-sdk} for {@code ${aws-sdk.version}}), from its
   * module's declaration.
   */
  static List<String> versionNames(Capability c) {
    String src;
    try {
      src = read(ProjectFiles.stackDeclarations().get(c.id()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    Matcher v = Pattern.compile("^coordinates\\.\\d+=.*?$", Pattern.MULTILINE).matcher(src);
    while (v.find()) {
      Matcher name = Pattern.compile("\\$\\{([\\w-]+)\\.version}").matcher(v.group());
      while (name.find()) {
        out.add(name.group(1));
      }
    }
    return out;
  }

  /** The SecretProvider implementations outside the core, with the capabilities their builders require. */
  static List<Backend> backends() throws IOException {
    List<Backend> out = new ArrayList<>();
    for (Path file : sdkFiles()) {
      String src = code(read(file));
      Matcher m = PROVIDER.matcher(src);
      Path rel = sdkRelative(file);
      if (!file.toString().endsWith(".java") || !m.find() || rel.getName(0).toString().equals("core")) {
        continue;
      }
      Set<Capability> capabilities = new java.util.LinkedHashSet<>();
      Matcher req = REQUIRES.matcher(read(file));
      while (req.find()) {
        Matcher c = STACK_ID.matcher(req.group(1));
        while (c.find()) {
          capabilities.add(Capability.named(c.group(1)));
        }
      }
      assertThat(capabilities).as("the capabilities %s requires", m.group(1)).isNotEmpty();
      out.add(new Backend(typeName(file), rel.getName(0).toString(), List.copyOf(capabilities)));
    }
    return out;
  }

  /** Whether a recipe lists a path, by itself or by a glob. */
  private static boolean listedIn(Recipe r, String path) {
    for (Entry e : r.files()) {
      if (e.path().equals(path) || e.isGlob() && Path.of(e.path()).getParent() != null
          && Path.of(path).getParent() != null && Path.of(e.path()).getParent().equals(Path.of(path).getParent())
          && FileSystems.getDefault().getPathMatcher("glob:" + Path.of(e.path()).getFileName())
              .matches(Path.of(path).getFileName())) {
        return true;
      }
    }
    return false;
  }

  /** The qualified name of a main source file's type. */
  private static String typeName(Path file) {
    String rel = slashed(file);
    return rel.substring(rel.indexOf("src/main/java/") + "src/main/java/".length()).replaceFirst("\\.java$", "")
        .replace('/', '.');
  }

  /** The source file of a main type (its top-level class's). */
  private static Path sourceOf(Class<?> type) {
    Class<?> top = type;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    String file = top.getName().replace('.', '/') + ".java";
    return ProjectFiles.mainSources().stream().map(root -> root.resolve(file)).filter(Files::exists).findFirst()
        .orElseThrow(() -> new AssertionError("no module holds " + file));
  }

  @Test
  @DisplayName("add a CLI command: every command has its section in docs/cli.md and is in README's --help line")
  void everyCommandIsDocumented() throws IOException {
    Recipe r = recipes().get(CLI_COMMAND);
    assertThat(paths(r)).contains("cli/src/main/java/io/delpha/sdk/cli/Delpha.java", "docs/cli.md", "README.md");
    Path cli = CLI.resolve(Path.of("io", "delpha", "sdk", "cli"));
    Matcher subcommands = Pattern.compile("subcommands = \\{([^}]*)}").matcher(read(cli.resolve("Delpha.java")));
    assertThat(subcommands.find()).as("Delpha's subcommands").isTrue();
    String docs = read(Path.of("docs", "cli.md"));
    String help = read(Path.of("README.md")).lines().filter(l -> l.contains("cli/target/delpha --help")).findFirst()
        .orElseThrow(() -> new AssertionError("README.md has no line running cli/target/delpha --help"));
    List<String> missing = new ArrayList<>();
    Matcher c = Pattern.compile("(\\w+)\\.class").matcher(subcommands.group(1));
    int commands = 0;
    while (c.find()) {
      Path source = cli.resolve(c.group(1) + ".java");
      if (!Files.isRegularFile(source)) {
        continue; // picocli's own help command
      }
      Matcher name = Pattern.compile("@Command\\(name = \"([a-z-]+)\"").matcher(read(source));
      assertThat(name.find()).as("the name of %s", c.group(1)).isTrue();
      commands++;
      if (!docs.contains("\n## " + name.group(1) + "\n")) {
        missing.add("docs/cli.md: ## " + name.group(1));
      }
      if (!Pattern.compile("\\b" + Pattern.quote(name.group(1)) + "\\b").matcher(help.replaceFirst("^[^#]*", ""))
          .find()) {
        missing.add("README.md's --help line: " + name.group(1));
      }
    }
    assertThat(commands).as("the commands of Delpha").isGreaterThan(5);
    assertThat(missing).as("commands whose docs the recipe's steps left out").isEmpty();
  }

  @Test
  @DisplayName("the floors: each package uses exactly the packages its row names, all lower; the CLI no internal one")
  void floorsAreTheImports() throws IOException {
    Map<String, Integer> floor = new TreeMap<>();
    Map<String, Set<String>> drawn = new TreeMap<>();
    for (String line : section("## Floors")) {
      Matcher m = FLOOR.matcher(line);
      if (m.matches()) {
        floor.put(m.group(2), Integer.parseInt(m.group(1)));
        Set<String> uses = new TreeSet<>();
        Matcher t = TICKED.matcher(m.group(3));
        while (t.find()) {
          uses.add(t.group(1));
        }
        drawn.put(m.group(2), uses);
      }
    }
    Set<String> packages = new TreeSet<>();
    for (Path root : sdkRoots()) {
      try (Stream<Path> dirs = Files.list(root)) {
        dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
      }
    }
    assertThat(floor.keySet()).as("the packages the floors table draws").containsAll(packages).contains("cli");

    Map<String, Set<String>> actual = new TreeMap<>();
    for (String p : packages) {
      Set<String> uses = new TreeSet<>();
      for (Path file : files(ProjectFiles.packageFolder(p))) {
        Matcher m = PACKAGE_USE.matcher(code(read(file)));
        while (m.find()) {
          uses.add(m.group(1));
        }
      }
      uses.remove(p);
      uses.remove("core");
      actual.put(p, uses);
    }
    Map<String, Set<String>> expected = new TreeMap<>(drawn);
    expected.keySet().retainAll(packages);
    assertThat(actual).as("the packages each package uses, besides core (docs/architecture.md, \"Floors\")")
        .isEqualTo(expected);
    if (actual.containsKey("core")) {
      assertThat(actual.get("core")).as("core uses no capability").isEmpty();
    }
    for (Map.Entry<String, Set<String>> e : actual.entrySet()) {
      for (String used : e.getValue()) {
        assertThat(floor.get(used)).as("%s uses %s", e.getKey(), used).isLessThan(floor.get(e.getKey()));
      }
    }
    for (String p : packages) {
      assertThat(floor.get("cli")).as("the CLI is above %s", p).isGreaterThan(floor.get(p));
    }
    Pattern internal = Pattern.compile("\\bio\\.delpha\\.sdk\\.[a-z.]*\\binternal\\b");
    List<String> reaches = new ArrayList<>();
    for (Path file : files(CLI)) {
      if (internal.matcher(code(read(file))).find()) {
        reaches.add(slashed(file));
      }
    }
    assertThat(reaches).as("CLI sources naming an internal package").isEmpty();
  }

  @Test
  @DisplayName("every path of the tree the page names, in backticks or as a link, exists")
  void everyPathOnThePageExists() throws IOException {
    Pattern path = Pattern.compile("(?:[a-z-]+/src|src|docs|examples|bench|oracles|\\.ci)/[^\\s<>]*|[A-Za-z-]+\\.(?:md|xml)");
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
    List<String> missing = new ArrayList<>();
    String page = read(PAGE);
    Matcher t = TICKED.matcher(page);
    while (t.find()) {
      String token = t.group(1);
      if (path.matcher(token).matches()) {
        Path p = Path.of(token);
        boolean there = token.contains("*") ? !matching(token).isEmpty()
            : Files.exists(p) || !token.contains("/") && Files.exists(Path.of("docs").resolve(token));
        if (!there) {
          missing.add(token);
        }
      }
    }
    Matcher l = link.matcher(page);
    while (l.find()) {
      if (!l.group(1).startsWith("http") && !Files.exists(Path.of("docs").resolve(l.group(1)))) {
        missing.add(l.group(1));
      }
    }
    assertThat(missing).as("paths the page names that are not in the tree").isEmpty();
  }

  @Test
  @DisplayName("every reference to a section of the page (a link's anchor, a quoted title) names one it has")
  void referencesNameItsSections() throws IOException {
    Set<String> titles = new TreeSet<>();
    Set<String> anchors = new TreeSet<>();
    for (String line : read(PAGE).split("\n", -1)) {
      if (line.startsWith("#")) {
        String title = line.replaceFirst("^#+ ", "");
        titles.add(title);
        anchors.add(title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    Pattern anchor = Pattern.compile("architecture\\.md#([A-Za-z0-9_-]+)");
    Pattern quoted = Pattern.compile("architecture\\.md,? \"([^\"]+)\"");
    List<String> broken = new ArrayList<>();
    List<Path> sources = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md"), Path.of("CHANGELOG.md"),
        Path.of("pom.xml")));
    sources.addAll(files(Path.of("docs")));
    for (Path module : ProjectFiles.modules()) {
      sources.add(module.resolve("pom.xml"));
      sources.addAll(files(module.resolve("src")));
    }
    sources.addAll(files(Path.of("integration-tests", "src")));
    sources.addAll(files(Path.of("src")));
    for (Path file : sources) {
      if (!Files.isRegularFile(file) || file.toString().endsWith(".parquet")) {
        continue;
      }
      String text = read(file);
      Matcher a = anchor.matcher(text);
      while (a.find()) {
        if (!anchors.contains(a.group(1))) {
          broken.add(slashed(file) + ": #" + a.group(1));
        }
      }
      Matcher q = quoted.matcher(text);
      while (q.find()) {
        if (!titles.contains(q.group(1))) {
          broken.add(slashed(file) + ": \"" + q.group(1) + "\"");
        }
      }
    }
    assertThat(broken).as("references to sections docs/architecture.md does not have").isEmpty();
  }

  @Test
  @DisplayName("the parsing sees the markup: a file, a conditional file, an example, a floor, a setting's row, a glob")
  void theMarkupIsSeen() {
    Matcher f = FILE.matcher("- `src/a/B.java` (when it has one): its line");
    assertThat(f.find()).isTrue();
    assertThat(f.group(1)).isEqualTo("src/a/B.java");
    assertThat(f.group(2)).isNotNull();
    Matcher g = FILE.matcher("- `docs/x.md`: the row");
    assertThat(g.find()).isTrue();
    assertThat(g.group(2)).isNull();
    Matcher e = EXAMPLE.matcher("Worked example: `bulkPageSize`, a setting");
    assertThat(e.find()).isTrue();
    assertThat(e.group(1)).isEqualTo("bulkPageSize");
    assertThat(FLOOR.matcher("| 2 | `aws` | `cassandra`, `parquet` |").matches()).isTrue();
    Matcher row = SETTING_ROW.matcher("| `DictionaryManager` | its nested `Builder` in `src/a/D.java` | "
        + "`src/a/C.java` | `docs/c.md` | `ManagerContractTest` |");
    assertThat(row.matches()).isTrue();
    assertThat(List.of(row.group(1), row.group(3), row.group(4))).containsExactly("DictionaryManager", "src/a/C.java",
        "docs/c.md");
    Recipe globbed = new Recipe("r", "x", List.of(new Entry("src/a/internal/*.java", true)));
    assertThat(listedIn(globbed, "src/a/internal/B.java")).isTrue();
    assertThat(listedIn(globbed, "src/a/internal/deeper/B.java")).isFalse();
    assertThat(new Backend("io.delpha.sdk.x.XVaultProvider", "x", List.of()).names()
        .matcher("import io.delpha.sdk.x.*;").find()).isTrue();
    assertThat(versionNames(Capability.named("azure-key-vault"))).contains("azure-keyvault-secrets", "azure-identity");
    assertThat(code("import a.B; // io.delpha.sdk.aws\n/* io.delpha.sdk.azure */ String s = \"io.delpha.sdk.x\";"))
        .doesNotContain("io.delpha.sdk");
    assertThat(camel("LOCAL_TIMESTAMP")).isEqualTo("LocalTimestamp");
  }

  /** The recipes of the page, by title, in page order. */
  static Map<String, Recipe> recipes() throws IOException {
    Map<String, Recipe> recipes = new LinkedHashMap<>();
    String title = null;
    String example = "";
    List<Entry> files = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (String line : section("## Recipes")) {
      if (line.startsWith("  ") && !lines.isEmpty() && lines.get(lines.size() - 1).startsWith("- ")) {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.strip());
      } else {
        lines.add(line);
      }
    }
    lines.add("### ");
    for (String line : lines) {
      if (line.startsWith("### ")) {
        if (title != null) {
          recipes.put(title, new Recipe(title, example, List.copyOf(files)));
        }
        title = line.substring(4).strip();
        example = "";
        files.clear();
        continue;
      }
      Matcher e = EXAMPLE.matcher(line);
      if (e.find()) {
        example = e.group(1);
      }
      Matcher f = FILE.matcher(line);
      if (f.find()) {
        files.add(new Entry(f.group(1), f.group(2) != null));
      }
    }
    return recipes;
  }

  /** The lines of a recipe, from its {@code ### } heading to the next. */
  private static List<String> recipeLines(String title) throws IOException {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : section("## Recipes")) {
      if (line.startsWith("### ")) {
        in = line.substring(4).strip().equals(title);
      } else if (in) {
        out.add(line);
      }
    }
    assertThat(out).as("the lines of the recipe %s", title).isNotEmpty();
    return out;
  }

  /** The lines of the page's section under {@code heading} (a {@code ## } heading), to the next {@code ## }. */
  private static List<String> section(String heading) throws IOException {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : read(PAGE).split("\n", -1)) {
      if (line.startsWith("## ")) {
        in = line.strip().equals(heading);
        continue;
      }
      if (in) {
        out.add(line);
      }
    }
    assertThat(out).as("the section %s of %s", heading, PAGE).isNotEmpty();
    return out;
  }

  private static Set<String> paths(Recipe r) {
    Set<String> out = new TreeSet<>();
    r.files().forEach(e -> out.add(e.path()));
    return out;
  }

  /** The files a path ending in a file-name glob matches, as slashed paths. */
  private static List<String> matching(String glob) throws IOException {
    Path p = Path.of(glob);
    Path dir = p.getParent();
    if (dir == null || dir.toString().contains("*") || !Files.isDirectory(dir)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(f -> Files.isRegularFile(f) && m.matches(f.getFileName()))
          .map(ArchitectureRecipesTest::slashed).sorted().toList();
    }
  }

  /** {@code root} itself when it is a file; else every regular file under it, target folders left out. */
  /** Every module's {@code src/main/java/io/delpha/sdk}, the command line's left out (it is a floor of its own). */
  private static List<Path> sdkRoots() {
    return ProjectFiles.mainSources().stream().filter(root -> !root.equals(CLI))
        .map(root -> root.resolve(Path.of("io", "delpha", "sdk"))).toList();
  }

  /** The library's main files, every module's, the command line's left out. */
  private static List<Path> sdkFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path root : sdkRoots()) {
      out.addAll(files(root));
    }
    return out;
  }

  /** A main file's path under {@code io/delpha/sdk}, whichever module holds it. */
  private static Path sdkRelative(Path file) {
    String rel = slashed(file);
    return Path.of(rel.substring(rel.indexOf("io/delpha/sdk/") + "io/delpha/sdk/".length()));
  }

  /** Every module's main tree ({@code src/main}, resources and descriptor included), the command line's too. */
  private static List<Path> mainTrees() {
    return ProjectFiles.modules().stream().map(m -> m.resolve(Path.of("src", "main"))).toList();
  }

  private static List<Path> files(Path root) throws IOException {
    if (Files.isRegularFile(root)) {
      return List.of(root);
    }
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).filter(f -> !f.startsWith("target") && !slashed(f).contains("/target/"))
          .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".md") || f.toString().endsWith(".xml")
              || f.toString().endsWith(".properties") || f.toString().endsWith(".jsh"))
          .sorted().toList();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static String slashed(Path p) {
    return p.toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  private static String camel(String constant) {
    StringBuilder b = new StringBuilder();
    for (String part : constant.split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /** Java source without its comments and the contents of its string and character literals. */
  static String code(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && src.charAt(i) != c) {
          i += src.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
