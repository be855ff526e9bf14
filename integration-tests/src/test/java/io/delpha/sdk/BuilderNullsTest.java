package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.Secret;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One rule for every builder of the published API, checked by reflection as {@code ApiSubstitutabilityTest} checks
 * return types: a setter refuses {@code null} with a {@link NullPointerException} naming the setting (what the
 * Cassandra builders always did), unless its parameter is declared {@link Nullable}, where {@code null} documents
 * "the default" (the AWS region chain, no endpoint override) and is accepted. Each setter is called on a fresh
 * builder, with {@code null} in one argument at a time and ordinary values in the others.
 */
@DisplayName("Every public builder setter refuses null, unless the parameter is declared @Nullable")
class BuilderNullsTest {

  @Test
  @DisplayName("null in a non-@Nullable parameter is a NullPointerException; in a @Nullable one it is accepted")
  void everySetterRefusesNull() throws Exception {
    List<Class<?>> api = ApiSubstitutabilityTest.api();
    Set<String> names = new TreeSet<>();
    api.forEach(c -> names.add(c.getName()));
    List<Class<?>> builders = new ArrayList<>();
    for (Class<?> c : api) {
      if (c.getSimpleName().equals("Builder") && c.getEnclosingClass() != null
          || c.getEnclosingClass() == null && !c.isInterface() && c.getSimpleName().endsWith("Builder")
              && names.contains(owner(c))) {
        builders.add(c);
      }
    }
    assertThat(builders).as("public builders").hasSizeGreaterThanOrEqualTo(20);
    Set<String> problems = new TreeSet<>();
    int checked = 0;
    for (Class<?> builder : builders) {
      Method factory = factory(builder);
      assertThat(factory).as("a public static method of %s returning its builder", builder.getEnclosingClass())
          .isNotNull();
      for (Method setter : builder.getMethods()) {
        if (Modifier.isStatic(setter.getModifiers()) || setter.getDeclaringClass() == Object.class
            || setter.getName().equals("build") || setter.getParameterCount() == 0) {
          continue;
        }
        Parameter[] params = setter.getParameters();
        for (int i = 0; i < params.length; i++) {
          if (params[i].getType().isPrimitive()) {
            continue;
          }
          Object[] args = new Object[params.length];
          for (int j = 0; j < params.length; j++) {
            args[j] = j == i ? null : sample(params[j].getType());
          }
          boolean nullable = params[i].getAnnotatedType().isAnnotationPresent(Nullable.class);
          String where = builder.getName() + "." + setter.getName() + " argument " + i + " ("
              + params[i].getType().getSimpleName() + (nullable ? ", @Nullable" : "") + ")";
          Object fresh = factory.invoke(null, factoryArgs(factory));
          Throwable thrown = null;
          try {
            setter.invoke(fresh, args);
          } catch (InvocationTargetException e) {
            thrown = e.getCause();
          }
          checked++;
          if (nullable && thrown != null) {
            problems.add(where + ": declared @Nullable but threw " + thrown);
          } else if (!nullable && !(thrown instanceof NullPointerException)) {
            problems.add(where + ": " + (thrown == null ? "accepted null" : "threw " + thrown + " instead of a "
                + "NullPointerException"));
          } else if (!nullable && thrown.getMessage() == null) {
            problems.add(where + ": a NullPointerException without the setting's name");
          }
        }
      }
    }
    assertThat(checked).as("setter arguments checked").isGreaterThan(150);
    assertThat(problems).as("setters breaking the null rule").isEmpty();
  }

  /**
   * The public static method of the builder's class that returns a builder ({@code builder()}, {@code on(..)}); for a
   * builder in a file of its own ({@code CassandraManagerBuilder}, {@code AccessKeysBuilder}), of the class it builds.
   */
  private static @Nullable Method factory(Class<?> builder) throws ClassNotFoundException {
    Class<?> owner = builder.getEnclosingClass() != null ? builder.getEnclosingClass() : Class.forName(owner(builder));
    Method found = null;
    for (Method m : owner.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == builder
          && (found == null || m.getParameterCount() < found.getParameterCount())) {
        found = m;
      }
    }
    return found;
  }

  /** The name of the class a builder in a file of its own builds: {@code AccessKeysBuilder} builds {@code AccessKeys}. */
  private static String owner(Class<?> builder) {
    return builder.getName().substring(0, builder.getName().length() - "Builder".length());
  }

  private static Object[] factoryArgs(Method factory) {
    Object[] args = new Object[factory.getParameterCount()];
    for (int i = 0; i < args.length; i++) {
      args[i] = sample(factory.getParameterTypes()[i]);
    }
    return args;
  }

  /** An ordinary value of a type, for the arguments not under test; {@code null} for types without one here. */
  private static @Nullable Object sample(Class<?> type) {
    if (type == String.class) {
      return "eu-west-2";
    } else if (type == Secret.class) {
      return Secret.of("sample");
    } else if (type == Duration.class) {
      return Duration.ofSeconds(1);
    } else if (type == int.class) {
      return 1;
    } else if (type == long.class) {
      return 1L;
    } else if (type == boolean.class) {
      return true;
    } else if (type == double.class) {
      return 2.0;
    } else if (type == String[].class) {
      return new String[] {"sample"};
    }
    return null;
  }
}
