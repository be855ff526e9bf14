package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The published API's shape, read from the compiled classes: what hosts can see names no internal
 * type, and every API package declares its nullness contract.
 */
class ApiSurfaceTest {

  private static final List<Class<?>> API = new ArrayList<>();
  private static final Set<String> API_PACKAGES = new TreeSet<>();

  @BeforeAll
  static void readClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(io.delpha.sdk.core.DelphaException.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
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

  private static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("no public or protected signature of the API names a type from an internal package")
  void noInternalTypeInSignatures() {
    assertThat(API).hasSizeGreaterThan(100);
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : API) {
      check(leaks, c.getName() + " extends", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c.getName() + " implements", t);
      }
      List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
      members.addAll(List.of(c.getDeclaredConstructors()));
      for (Executable e : members) {
        boolean isPublic = Modifier.isPublic(e.getModifiers());
        boolean isProtected = Modifier.isProtected(e.getModifiers()) && !Modifier.isFinal(c.getModifiers());
        if ((!isPublic && !isProtected) || e.isSynthetic()) {
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
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          check(leaks, c.getName() + "." + f.getName(), f.getGenericType());
        }
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          check(leaks, c.getName() + " component " + rc.getName(), rc.getGenericType());
        }
      }
    }
    assertThat(leaks).as("public signatures naming internal types").isEmpty();
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

  private static void check(List<String> leaks, String where, Type type) {
    if (type != null && type.getTypeName().contains(".internal.")) {
      leaks.add(where + " " + type.getTypeName());
    }
  }
}
