package io.delpha.sdk.core.internal;

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
   * @param listeners the listeners, each told in turn
   * @param event what to tell them
   * @param <L> the listener type
   */
  public static <L> void notifyEach(Iterable<? extends L> listeners, Consumer<? super L> event) {
    for (L l : listeners) {
      notify(l, event);
    }
  }
}
