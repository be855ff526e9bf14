package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's modules, for tests that read the sources (the architecture's and the docs' tests). The tests run in
 * the project's root folder (integration-tests' surefire {@code workingDirectory}), so every path here is relative
 * to it, as the docs write them: {@code core/src/main/java/...}.
 */
public final class ProjectFiles {

  private ProjectFiles() {}

  /** @return the folder of each module of the build that has classes of its own, by name ({@code aws}, {@code cli}, ...) */
  public static List<Path> modules() {
    try (Stream<Path> entries = Files.list(Path.of(""))) {
      return entries.filter(m -> Files.isDirectory(m.resolve("src/main/java/io/delpha/sdk"))
          && Files.isRegularFile(m.resolve("pom.xml"))).map(m -> Path.of(m.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return every module's main source root ({@code <module>/src/main/java}), the command line's included */
  public static List<Path> mainSources() {
    return modules().stream().map(m -> m.resolve("src/main/java")).toList();
  }

  /**
   * @return each library module's compiled classes ({@code <module>/target/classes}) that hold a module descriptor:
   *     the capabilities' modules, not the command line
   */
  public static List<Path> classFolders() {
    return modules().stream().map(m -> m.resolve("target/classes"))
        .filter(c -> Files.isRegularFile(c.resolve("module-info.class"))).toList();
  }

  /** @return the packages the library's modules export to every host (not the qualified exports), sorted */
  public static List<String> exportedPackages() {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (Path classes : classFolders()) {
      try (java.io.InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
        java.lang.module.ModuleDescriptor.read(in).exports().stream().filter(e -> !e.isQualified())
            .forEach(e -> out.add(e.source()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(out);
  }

  /**
   * @param pkg a package's folder under {@code io/delpha/sdk}, e.g. {@code parquet/internal}
   * @return that folder, in the module that holds it
   */
  public static Path packageFolder(String pkg) {
    for (Path root : mainSources()) {
      Path p = root.resolve("io/delpha/sdk").resolve(pkg);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no module holds io/delpha/sdk/" + pkg);
  }

  /**
   * @return every optional stack's declaration ({@code core.internal.Capability}): the file
   *     {@code <module>/src/main/resources/META-INF/delpha-data-sdk/stacks/<id>.properties} by stack id, sorted
   */
  public static java.util.SortedMap<String, Path> stackDeclarations() {
    java.util.SortedMap<String, Path> out = new java.util.TreeMap<>();
    for (Path m : modules()) {
      Path dir = m.resolve("src/main/resources/META-INF/delpha-data-sdk/stacks");
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(f -> f.toString().endsWith(".properties")).forEach(f -> {
          Path before = out.put(f.getFileName().toString().replace(".properties", ""), f);
          if (before != null) {
            throw new IllegalStateException("two modules declare one stack: " + before + " and " + f);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** @return every optional stack the modules declare, as the library reads it, sorted by id */
  public static List<io.delpha.sdk.core.internal.Capability> stacks() {
    return stackDeclarations().keySet().stream().map(io.delpha.sdk.core.internal.Capability::named).toList();
  }

  /**
   * @param id a stack's id
   * @return the module that declares it, by folder name
   */
  public static String stackModule(String id) {
    Path declaration = stackDeclarations().get(id);
    if (declaration == null) {
      throw new IllegalStateException("no module declares the stack " + id);
    }
    return declaration.getName(0).toString();
  }
}
