package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The published API's shape, read from the compiled classes and the module descriptor: the module exports exactly
 * the API packages, what hosts can see names no type of a package the module does not export, every API package
 * declares its nullness contract, and the API only grows: every public type and member of the committed baseline
 * ({@code integration-tests/src/test/resources/api-surface.txt}) is still there, with the same erased signature.
 *
 * <p>A removal, a rename, a move or a changed signature fails {@link #apiOnlyGrows()}: keep the old name as a
 * deprecated alias (as {@code ColumnVector.Physical} is). Additions pass; write them into the baseline with {@code mvn
 * -q test -Dtest=ApiSurfaceTest -Dapi.surface.update=true}, which rewrites it from the compiled classes (and so also
 * records a removal: review its diff).
 */
class ApiSurfaceTest {

  private static final List<Class<?>> API = new ArrayList<>();
  private static final Set<String> API_PACKAGES = new TreeSet<>();
  private static final Set<String> EXPORTED = new TreeSet<>();

  @BeforeAll
  static void readClasses() throws IOException, ClassNotFoundException {
    EXPORTED.addAll(ProjectFiles.exportedPackages());
    for (Path root : ProjectFiles.classFolders()) {
      List<String> names;
      try (Stream<Path> s = Files.walk(root)) {
        names = s.filter(p -> p.toString().endsWith(".class"))
            .map(p -> root.relativize(p).toString().replace('/', '.').replace(".class", ""))
            .filter(n -> n.startsWith("io.delpha.sdk.") && !n.contains(".internal."))
            .filter(n -> !n.endsWith("package-info"))
            .sorted().toList();
      }
      for (String n : names) {
        Class<?> c = Class.forName(n, false, ApiSurfaceTest.class.getClassLoader());
        if (visible(c)) {
          API.add(c);
          API_PACKAGES.add(c.getPackageName());
        }
      }
    }
    API.sort(java.util.Comparator.comparing(Class::getName));
  }

  private static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("module io.delpha.sdk exports every package with public types that is not internal, and nothing else")
  void exportsAreTheApiPackages() {
    assertThat(EXPORTED).isEqualTo(API_PACKAGES).noneMatch(p -> p.contains(".internal"));
  }

  @Test
  @DisplayName("no public or protected signature of an exported type names a library type the module does not export")
  void noUnexportedTypeInSignatures() {
    assertThat(API).hasSizeGreaterThan(100);
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : API) {
      assertThat(EXPORTED).as("the package of " + c.getName()).contains(c.getPackageName());
      boolean extensible = !Modifier.isFinal(c.getModifiers());
      check(leaks, c.getName() + " extends", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c.getName() + " implements", t);
      }
      for (TypeVariable<?> v : c.getTypeParameters()) {
        check(leaks, c.getName() + " type parameter", v);
      }
      List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
      members.addAll(List.of(c.getDeclaredConstructors()));
      for (Executable e : members) {
        if (!visible(e.getModifiers(), extensible) || e.isSynthetic()) {
          continue;
        }
        String where = c.getName() + "#" + e.getName();
        if (e instanceof Method m) {
          check(leaks, where + " returns", m.getGenericReturnType());
        }
        for (Type t : e.getGenericParameterTypes()) {
          check(leaks, where + " takes", t);
        }
        for (Type t : e.getGenericExceptionTypes()) {
          check(leaks, where + " throws", t);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
          check(leaks, where + " type parameter", v);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers(), extensible) && !f.isSynthetic()) {
          check(leaks, c.getName() + "." + f.getName(), f.getGenericType());
        }
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          check(leaks, c.getName() + " component " + rc.getName(), rc.getGenericType());
        }
      }
    }
    assertThat(leaks).as("public signatures naming types of packages the module does not export").isEmpty();
  }

  @Test
  @DisplayName("the signature walk sees through generics, wildcards, bounds and arrays")
  void signatureWalkFindsNestedTypes() throws NoSuchMethodException {
    List<String> leaks = new ArrayList<>();
    check(leaks, "probe", Probe.class.getDeclaredMethod("nested").getGenericReturnType());
    check(leaks, "probe", Probe.class.getDeclaredMethod("bounded").getTypeParameters()[0]);
    check(leaks, "probe", Probe.class.getDeclaredMethod("array").getGenericReturnType());
    assertThat(leaks).hasSize(3).allMatch(l -> l.endsWith("io.delpha.sdk.core.internal.Capability"));
  }

  /** Signatures naming an internal type where only a walk through the generic structure finds it. */
  @SuppressWarnings("unused")
  private interface Probe {
    java.util.Map<String, List<? extends io.delpha.sdk.core.internal.Capability>> nested();

    <T extends Comparable<io.delpha.sdk.core.internal.Capability>> T bounded();

    List<io.delpha.sdk.core.internal.Capability>[] array();
  }

  @Test
  @DisplayName("every API package is @NullMarked (JSpecify): unannotated types are non-null, @Nullable says where null is allowed")
  void packagesAreNullMarked() throws ClassNotFoundException {
    assertThat(API_PACKAGES).contains("io.delpha.sdk.core", "io.delpha.sdk.cassandra", "io.delpha.sdk.security",
        "io.delpha.sdk.salesforce", "io.delpha.sdk.aws", "io.delpha.sdk.totesys", "io.delpha.sdk.ingest",
        "io.delpha.sdk.sharing");
    List<String> unmarked = new ArrayList<>();
    for (String p : API_PACKAGES) {
      Class<?> info = Class.forName(p + ".package-info", false, ApiSurfaceTest.class.getClassLoader());
      if (info.getPackage().getAnnotation(NullMarked.class) == null) {
        unmarked.add(p);
      }
    }
    assertThat(unmarked).isEmpty();
  }

  @Test
  @DisplayName("the API's own exceptions all descend from the one unchecked root")
  void oneExceptionRoot() {
    List<String> strays = API.stream()
        .filter(Throwable.class::isAssignableFrom)
        .filter(c -> !io.delpha.sdk.core.DelphaException.class.isAssignableFrom(c))
        .map(Class::getName).toList();
    assertThat(strays).isEmpty();
  }

  /** The committed baseline of the API's surface, relative to the project's directory. */
  static final Path BASELINE = Path.of("integration-tests/src/test/resources/api-surface.txt");

  @Test
  @DisplayName("the API only grows: every public type and member of the committed baseline is still there, same "
      + "signature (a moved or renamed type keeps a deprecated alias)")
  void apiOnlyGrows() throws IOException {
    Set<String> current = surface(API);
    if (Boolean.getBoolean("api.surface.update")) {
      Files.write(BASELINE, current);
    }
    Set<String> baseline = new TreeSet<>(Files.readAllLines(BASELINE));
    baseline.remove("");
    assertThat(baseline).as("the baseline").hasSizeGreaterThan(1000);
    assertThat(removed(baseline, current))
        .as("public types or members of the baseline (%s) that are gone or changed: the public API only grows, so keep "
            + "each under its old name and signature (deprecated, forwarding to the new one); additions pass, and "
            + "-Dapi.surface.update=true writes them into the baseline", BASELINE)
        .isEmpty();
  }

  @Test
  @DisplayName("the surface check fails on a type moved without an alias, and on a member removed or changed")
  void removalsAreFound() {
    Set<String> current = surface(API);
    assertThat(current).contains("interface io.delpha.sdk.parquet.ColumnVector$Physical",
        "field io.delpha.sdk.parquet.ColumnVector$Physical.INT64 io.delpha.sdk.parquet.Physical",
        "method io.delpha.sdk.parquet.ColumnVector#physical() io.delpha.sdk.parquet.Physical");
    Set<String> withoutAlias = surface(API.stream().filter(c -> !c.getName().endsWith("ColumnVector$Physical")).toList());
    assertThat(removed(current, withoutAlias)).contains("interface io.delpha.sdk.parquet.ColumnVector$Physical",
        "field io.delpha.sdk.parquet.ColumnVector$Physical.INT64 io.delpha.sdk.parquet.Physical");
    Set<String> changed = new TreeSet<>(current);
    changed.remove("method io.delpha.sdk.parquet.ColumnVector#physical() io.delpha.sdk.parquet.Physical");
    changed.add("method io.delpha.sdk.parquet.ColumnVector#physical() java.lang.String");
    assertThat(removed(current, changed))
        .containsExactly("method io.delpha.sdk.parquet.ColumnVector#physical() io.delpha.sdk.parquet.Physical");
    assertThat(removed(current, current)).isEmpty();
  }

  /** @return the lines of {@code baseline} that {@code current} lacks */
  static List<String> removed(Set<String> baseline, Set<String> current) {
    return baseline.stream().filter(line -> !current.contains(line)).toList();
  }

  /**
   * One line per public type (its kind and binary name) and per member a host can name: public (protected too, in a
   * class hosts may extend) constructors, methods and fields, static ones marked, with their erased parameter and
   * return types: what a host compiled against the API links to.
   */
  static Set<String> surface(List<Class<?>> api) {
    Set<String> out = new TreeSet<>();
    for (Class<?> c : api) {
      String kind = c.isAnnotation() ? "annotation" : c.isInterface() ? "interface" : c.isEnum() ? "enum"
          : c.isRecord() ? "record" : "class";
      out.add(kind + " " + c.getName());
      boolean extensible = !Modifier.isFinal(c.getModifiers());
      for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers(), extensible) && !k.isSynthetic()) {
          out.add("constructor " + c.getName() + parameters(k));
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers(), extensible) && !m.isSynthetic() && !m.isBridge()) {
          out.add((Modifier.isStatic(m.getModifiers()) ? "static method " : "method ") + c.getName() + "#"
              + m.getName() + parameters(m) + " " + m.getReturnType().getTypeName());
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers(), extensible) && !f.isSynthetic()) {
          out.add((Modifier.isStatic(f.getModifiers()) ? "field " : "instance field ") + c.getName() + "."
              + f.getName() + " " + f.getType().getTypeName());
        }
      }
    }
    return out;
  }

  private static String parameters(Executable e) {
    return "(" + String.join(", ", Stream.of(e.getParameterTypes()).map(Class::getTypeName).toList()) + ")";
  }

  private static boolean visible(int modifiers, boolean extensible) {
    return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && extensible);
  }

  /** Adds one line per library class named anywhere in {@code type} whose package the module does not export. */
  private static void check(List<String> leaks, String where, Type type) {
    for (Class<?> named : named(type, new HashSet<>())) {
      String pkg = named.getPackageName();
      if ((pkg.equals("io.delpha.sdk") || pkg.startsWith("io.delpha.sdk.")) && !EXPORTED.contains(pkg)) {
        leaks.add(where + " " + type.getTypeName() + ": " + named.getName());
      }
    }
  }

  /** The classes a type names: itself, its type arguments, wildcard and type-variable bounds, array components. */
  private static Set<Class<?>> named(Type type, Set<TypeVariable<?>> seen) {
    Set<Class<?>> out = new HashSet<>();
    if (type instanceof Class<?> c) {
      Class<?> k = c;
      while (k.isArray()) {
        k = k.getComponentType();
      }
      out.add(k);
    } else if (type instanceof ParameterizedType p) {
      out.addAll(named(p.getRawType(), seen));
      if (p.getOwnerType() != null) {
        out.addAll(named(p.getOwnerType(), seen));
      }
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(named(a, seen));
      }
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(named(b, seen));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(named(b, seen));
      }
    } else if (type instanceof GenericArrayType a) {
      out.addAll(named(a.getGenericComponentType(), seen));
    } else if (type instanceof TypeVariable<?> v && seen.add(v)) {
      for (Type b : v.getBounds()) {
        out.addAll(named(b, seen));
      }
    }
    return out;
  }
}
