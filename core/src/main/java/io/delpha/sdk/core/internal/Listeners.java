package io.delpha.sdk.core.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the host's listeners safely, the one way the library does it: a listener that throws is logged
 * and ignored, and the work it listens to goes on.
 */
public final class Listeners {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /**
   * @param listener the listener
   * @param event what to tell it
   * @param <L> the listener type
   */
  public static <L> void notify(L listener, Consumer<? super L> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("a listener ({}) threw; ignored, the work goes on", listener, e);
    }
  }

  /**
   * One listener that tells each of several in turn, each call guarded as {@link #notify} guards it: what a
   * builder's {@code listener(..)}, which appends, hands to the component it builds.
   *
   * @param type the listener interface (public, its methods returning nothing)
   * @param listeners the listeners, in the order they were given
   * @param <L> the listener type
   * @return the one listener given, or one telling all of them (none for an empty list)
   */
  public static <L> L composite(Class<L> type, List<? extends L> listeners) {
    List<L> all = List.copyOf(listeners);
    if (all.size() == 1) {
      return all.get(0);
    }
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> type.getSimpleName() + all;
        };
      }
      for (L l : all) {
        notify(l, target -> {
          try {
            method.invoke(target, args);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
          }
        });
      }
      return null;
    }));
  }
}
