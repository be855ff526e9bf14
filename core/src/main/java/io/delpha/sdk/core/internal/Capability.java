package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.MissingDependencyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optional stack of the library, and the one place that checks whether a stack is on the class path. The core
 * (Cassandra, the data dictionary, access keys, core's seams) needs only the Cassandra driver, Jackson and SLF4J;
 * every other stack belongs to the module that uses it. A builder that needs one calls {@link #require} first, so a
 * host without the stack gets a {@link MissingDependencyException} naming the exact Maven coordinates to add, never a
 * {@code NoClassDefFoundError} at first use.
 *
 * <p><b>Where a stack is declared.</b> Its module, beside the dependencies its {@code pom.xml} gives it, carries
 * {@code META-INF/delpha-data-sdk/stacks/<id>.properties} ({@link #DECLARATIONS}): what needs the stack ({@code for}),
 * the classes that prove it present ({@code probes}), the artifact that brings it ({@code artifact}, of
 * {@code artifact.type} {@code pom} or {@code jar}: the module's own jar, whose POM declares the stack) and its
 * coordinates ({@code coordinates.1}, ...), the versions filled in by the build from the POM, so they are the ones the
 * tests ran on. This class holds no list of stacks: it reads a declaration from the module that ships it, the first
 * time a stack is named. docs/dependencies.md has one section per stack, headed by {@link #id()}.
 *
 * <p>The check loads the stack's probe classes without initialising them, with this library's class loader, once per
 * stack (the answer is cached). On the module path it also makes the library's modules read the modules the stack was
 * found in (the class path's included), so a host needs no {@code --add-reads}.
 */
public final class Capability {

  /** The folder of the stacks' declarations, on the class path and in each module. */
  public static final String DECLARATIONS = "META-INF/delpha-data-sdk/stacks/";

  private static final Properties VERSIONS = versions();
  private static final Map<String, Capability> DECLARED = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> PRESENT = new ConcurrentHashMap<>();

  private final String id;
  private final String purpose;
  private final List<String> probes;
  private final String artifact;
  private final boolean artifactIsPom;
  private final List<String> coordinates;

  private Capability(String id, Properties declaration) {
    this.id = id;
    this.purpose = declaration.getProperty("for", "");
    this.probes = Arrays.stream(declaration.getProperty("probes", "").trim().split("\\s+"))
        .filter(p -> !p.isEmpty()).toList();
    this.artifact = declaration.getProperty("artifact", "");
    this.artifactIsPom = "pom".equals(declaration.getProperty("artifact.type", "pom"));
    List<String> c = new ArrayList<>();
    for (int i = 1; declaration.getProperty("coordinates." + i) != null; i++) {
      c.add(declaration.getProperty("coordinates." + i).trim());
    }
    this.coordinates = List.copyOf(c);
    if (probes.isEmpty() || coordinates.isEmpty() || artifact.isEmpty()) {
      throw new IllegalStateException("the declaration of stack " + id + " (" + DECLARATIONS + id
          + ".properties) names no probes, coordinates or artifact");
    }
  }

  /**
   * The stack a module declares under that name.
   *
   * @param id the stack's name, as its declaration's file and docs/dependencies.md name it (e.g. {@code aws-s3})
   * @return the stack
   * @throws IllegalStateException if no module on the class path declares it: a defect of the library's build, as
   *     a stack is named only by code of the module that declares it or of a module that depends on that one
   */
  public static Capability named(String id) {
    Objects.requireNonNull(id, "id");
    return DECLARED.computeIfAbsent(id, Capability::read);
  }

  private static Capability read(String id) {
    Properties p = new Properties();
    ClassLoader loader = Capability.class.getClassLoader();
    try (InputStream in = loader == null ? null : loader.getResourceAsStream(DECLARATIONS + id + ".properties")) {
      if (in == null) {
        throw new IllegalStateException("no module of the library declares the stack " + id + " ("
            + DECLARATIONS + id + ".properties)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Capability(id, p);
  }

  /**
   * @return the stack's name, as docs/dependencies.md heads its section
   */
  public String id() {
    return id;
  }

  /**
   * @return what needs the stack, in words, as its declaration says
   */
  public String purpose() {
    return purpose;
  }

  /**
   * @return the classes whose presence proves the stack present, by name
   */
  public List<String> probes() {
    return probes;
  }

  /**
   * @return the library's artifact that brings the stack, {@code groupId:artifactId:version}: a POM-only artifact
   *     or the module's own jar ({@link #artifactIsPom()})
   */
  public String artifact() {
    return artifact;
  }

  /**
   * @return whether {@link #artifact()} is a dependency of type {@code pom}
   */
  public boolean artifactIsPom() {
    return artifactIsPom;
  }

  /**
   * @return the Maven coordinates a host adds for it, {@code groupId:artifactId:version}, each possibly followed by
   *     the exclusions to declare in parentheses
   */
  public List<String> coordinates() {
    return coordinates;
  }

  /**
   * @return whether every probe class of the stack loads with this library's class loader
   */
  public boolean isPresent() {
    return PRESENT.computeIfAbsent(id, i -> probe());
  }

  /**
   * Checks that the stacks are on the class path, before the caller touches any of their classes.
   *
   * @param user what needs them, for the message (e.g. {@code "S3ObjectStore"})
   * @param ids the stacks it needs, by {@link #id()}
   * @throws MissingDependencyException naming the first missing stack and its coordinates
   */
  public static void require(String user, String... ids) {
    for (String id : ids) {
      Capability c = named(id);
      if (!c.isPresent()) {
        throw c.missing(user);
      }
    }
  }

  /**
   * @param user what needed it, for the message
   * @return the exception that says what to add
   */
  public MissingDependencyException missing(String user) {
    String modulePath = Capability.class.getModule().isNamed()
        ? "; on the module path, the stack's jars go on the class path, or its module is required by the host's own "
            + "module or added with --add-modules" : "";
    return new MissingDependencyException(id, artifact,
        coordinates.stream().map(c -> c.replaceAll(" \\(.*\\)$", "")).toList(),
        user + " needs the optional " + id + " stack, which is not on the class path: add " + artifact
            + (artifactIsPom ? " (type pom)" : "") + " to the host's dependencies, or its stack: "
            + String.join(", ", coordinates) + " (docs/dependencies.md#" + id + ")" + modulePath);
  }

  private boolean probe() {
    ClassLoader loader = Capability.class.getClassLoader();
    List<Class<?>> found = new ArrayList<>(probes.size());
    for (String probe : probes) {
      try {
        found.add(Class.forName(probe, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
    readStack(found, loader);
    return true;
  }

  /**
   * On the module path each of the library's modules reads only the modules its descriptor requires. A stack found on
   * the class path (Parquet and Hadoop always are: their packages are split across jars, so they have no module name)
   * or in a module a descriptor names as {@code requires static} but the host did not resolve with it, is made
   * readable here, before the caller links to any of its classes, by the core and by every module that provides a
   * {@link StackReader} (only a module's own code may add its read edges): a host needs no {@code --add-reads}. Every
   * class of the library that names a stack's type is reached only after its stack's check, so this is the one place
   * that decides a read edge. On the class path (an unnamed module reads everything) it does nothing.
   */
  private static void readStack(List<Class<?>> probes, ClassLoader loader) {
    Module library = Capability.class.getModule();
    if (!library.isNamed()) {
      return;
    }
    List<Module> stack = new ArrayList<>(probes.size() + 1);
    stack.add(loader.getUnnamedModule());
    for (Class<?> probe : probes) {
      stack.add(probe.getModule());
    }
    for (Module m : stack) {
      library.addReads(m);
    }
    for (StackReader reader : java.util.ServiceLoader.load(StackReader.class, loader)) {
      stack.forEach(reader::read);
    }
  }

  /**
   * @param name a key of the versions the build filtered in: {@code delpha-data-sdk}, the library's own
   * @return that version, {@code unknown} when the class path holds an unfiltered copy
   */
  public static String version(String name) {
    String v = VERSIONS.getProperty(name, "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }

  private static Properties versions() {
    Properties p = new Properties();
    try (InputStream in = Capability.class.getResourceAsStream("capability-versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  @Override
  public String toString() {
    return "Capability[" + id + "]";
  }
}
