package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every role can be substituted: no public method of the published API returns one of the library's types that a
 * host cannot make itself, so a host's test double of any interface can return what the real one does. A type
 * qualifies when a host can implement it (an interface, an abstract class with an accessible constructor) or
 * construct it (an enum, a public constructor, or a public static method or builder that returns it); type arguments
 * count too ({@code Optional<RunReport>}). Read from the compiled classes, as {@code ApiSurfaceTest} does.
 */
@DisplayName("The published API returns only types a host can construct or implement")
class ApiSubstitutabilityTest {

  @Test
  @DisplayName("no public method returns a library type that hosts can neither build nor implement")
  void everyReturnedTypeIsHostMade() throws Exception {
    List<Class<?>> api = api();
    assertThat(api).hasSizeGreaterThan(100);
    for (Class<?> c : api) {
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
          FACTORY_MADE.add(m.getReturnType());
        }
      }
    }
    Set<String> problems = new TreeSet<>();
    for (Class<?> c : api) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge()) {
          continue;
        }
        if (!overridesRole(c, m)) {
          check(problems, c.getName() + "." + m.getName() + "(..)", m.getGenericReturnType());
        }
      }
    }
    assertThat(problems).as("return types a host cannot construct or implement").isEmpty();
  }

  private static void check(Set<String> problems, String where, Type t) {
    if (t instanceof ParameterizedType p) {
      check(problems, where, p.getRawType());
      for (Type a : p.getActualTypeArguments()) {
        check(problems, where, a);
      }
    } else if (t instanceof GenericArrayType g) {
      check(problems, where, g.getGenericComponentType());
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(problems, where, b);
      }
    } else if (t instanceof Class<?> c) {
      if (c.isArray()) {
        check(problems, where, c.getComponentType());
      } else if (c.getName().startsWith("io.delpha.sdk.") && !hostMade(c)) {
        problems.add(where + " returns " + c.getName());
      }
    } else if (!(t instanceof TypeVariable<?>)) {
      problems.add(where + " returns an unexpected type " + t);
    }
  }

  /**
   * Whether {@code m} implements a method of one of {@code c}'s interfaces (a role): a covariant return there (as
   * {@code BatchIngestor.uploadServer} returning its {@code UploadServer} for {@code FileStaging}'s {@code
   * UploadEndpoint}) is checked on the role's own signature.
   */
  private static boolean overridesRole(Class<?> c, Method m) {
    List<Class<?>> todo = new ArrayList<>(List.of(c.getInterfaces()));
    while (!todo.isEmpty()) {
      Class<?> i = todo.remove(0);
      try {
        i.getMethod(m.getName(), m.getParameterTypes());
        return i.getName().startsWith("io.delpha.sdk.") || i.getName().startsWith("java.");
      } catch (NoSuchMethodException e) {
        todo.addAll(List.of(i.getInterfaces()));
      }
    }
    return false;
  }

  /** Whatever a public static method of the API returns (factories, {@code builder()}): a host can get one. */
  private static final Set<Class<?>> FACTORY_MADE = new java.util.HashSet<>();

  /** Whether a host can implement or construct {@code c}. */
  static boolean hostMade(Class<?> c) {
    if (c.isInterface() || c.isEnum() || FACTORY_MADE.contains(c)) {
      return true;
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      int mod = k.getModifiers();
      if (Modifier.isPublic(mod) || Modifier.isProtected(mod) && !Modifier.isFinal(c.getModifiers())) {
        return true;
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
          && c.isAssignableFrom(m.getReturnType())) {
        return true;
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
          && !m.getReturnType().equals(c)) {
        for (Method build : m.getReturnType().getMethods()) {
          if (build.getName().equals("build") && c.isAssignableFrom(build.getReturnType())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static List<Class<?>> api() throws Exception {
    List<String> names = new ArrayList<>();
    for (Path root : io.delpha.sdk.testing.ProjectFiles.classFolders()) {
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(p -> p.toString().endsWith(".class"))
            .map(p -> root.relativize(p).toString().replace('/', '.').replace(".class", ""))
            .filter(n -> n.startsWith("io.delpha.sdk.") && !n.contains(".internal.") && !n.endsWith("package-info"))
            .forEach(names::add);
      }
    }
    names.sort(null);
    List<Class<?>> api = new ArrayList<>();
    for (String n : names) {
      Class<?> c = Class.forName(n, false, ApiSubstitutabilityTest.class.getClassLoader());
      boolean visible = true;
      for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
        visible &= Modifier.isPublic(k.getModifiers()) && !k.isAnonymousClass() && !k.isSynthetic();
      }
      if (visible) {
        api.add(c);
      }
    }
    return api;
  }
}
