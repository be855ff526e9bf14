package io.delpha.sdk.security.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Per organisation: how many sessions may be open at once and how many may be opened per second, in this
 * {@code AccessKeys} instance. A refused open holds nothing; an admitted one holds a slot until its session closes.
 */
public final class OrganisationBounds {

  private static final Duration SECOND = Duration.ofSeconds(1);

  private final int maxSessions;
  private final int maxOpensPerSecond;
  private final Map<String, Integer> sessions = new HashMap<>();
  private final Map<String, Window> opens = new HashMap<>();

  private record Window(Instant start, int count) {}

  /**
   * @param maxSessions sessions one organisation may hold open at once
   * @param maxOpensPerSecond sessions one organisation may open per second
   */
  public OrganisationBounds(int maxSessions, int maxOpensPerSecond) {
    this.maxSessions = maxSessions;
    this.maxOpensPerSecond = maxOpensPerSecond;
  }

  /**
   * @param organisation the organisation opening a session
   * @param now the time by the configured clock
   * @return the slot (close it with the session), or {@code null} with the reason in {@code why} when refused
   */
  public synchronized @Nullable AutoCloseable admit(String organisation, Instant now, StringBuilder why) {
    Window w = opens.get(organisation);
    if (w == null || !now.isBefore(w.start().plus(SECOND))) {
      w = new Window(now, 0);
    }
    if (w.count() >= maxOpensPerSecond) {
      why.append("more than ").append(maxOpensPerSecond).append(" sessions opened in a second by the organisation");
      return null;
    }
    int held = sessions.getOrDefault(organisation, 0);
    if (held >= maxSessions) {
      why.append("the organisation already holds ").append(held).append(" open sessions (the most allowed)");
      return null;
    }
    opens.put(organisation, new Window(w.start(), w.count() + 1));
    if (opens.size() > 10_000) {
      opens.values().removeIf(x -> !now.isBefore(x.start().plus(SECOND)));
    }
    sessions.put(organisation, held + 1);
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release(organisation);
      }
    };
  }

  /**
   * @param organisation an organisation
   * @return its sessions open now
   */
  public synchronized int sessionsOf(String organisation) {
    return sessions.getOrDefault(organisation, 0);
  }

  private synchronized void release(String organisation) {
    sessions.computeIfPresent(organisation, (k, n) -> n <= 1 ? null : n - 1);
  }
}
