package io.delpha.sdk.server;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The password checks of an {@link HttpService}: a bounded number at once, a bounded number waiting (one more is
 * refused 429 with {@code Retry-After}), and a back-off per client address and per account after repeated failures
 * (refused 429 before any password work, the answer given after a pause that holds the connection, not a thread). A failure is a check that throws {@link AuthenticationException} or {@link
 * AccessDeniedException}.
 *
 * <p>The account's back-off refuses only addresses that have failed lately themselves: a flood in a customer's name
 * from elsewhere backs off the flooder's addresses (each after its own few failures) and keeps every failing address
 * off that account, while the customer, from an address with no failures, is still checked. A distributed guesser
 * thus gets a first guess per address and no more; a customer sharing an address (a NAT) with a flooder shares its
 * back-off, the one cost of keying on addresses.
 *
 * <p>Memory is bounded: at most {@link #TRACKED} addresses and as many accounts are remembered, the least recently
 * seen forgotten first; a record is forgotten once its last failure is older than the back-off limit.
 */
final class PasswordGate {

  /**
   * How long a refusal of a client backing off waits before it is answered: a flooder that ignores {@code Retry-After}
   * gets an answer per connection per second, not thousands a second.
   */
  static final long BACKOFF_PAUSE_MILLIS = 1000;

  /** Addresses, and accounts, whose failures are remembered at most. */
  static final int TRACKED = 10_000;

  private final Semaphore turns;
  private final AtomicInteger waiting = new AtomicInteger();
  private final int maxWaiting;
  private final int allowed;
  private final long limitNanos;
  private final Backoff sources = new Backoff();
  private final Backoff accounts = new Backoff();

  PasswordGate(ServerOptions options) {
    this.turns = new Semaphore(options.maxConcurrentPasswordChecks(), true);
    this.maxWaiting = options.maxQueuedPasswordChecks();
    this.allowed = options.passwordFailuresAllowed();
    this.limitNanos = options.passwordBackoffLimit().toNanos();
  }

  /**
   * @param source the client's address key, or {@code null} when unknown (no back-off then)
   * @param account the account the credentials name, or {@code null} when they name none
   * @throws HttpException 429 {@code too_many_attempts} with {@code Retry-After}: backing off, or the queue is full
   */
  <T> T check(@Nullable String source, @Nullable String account, Supplier<T> check) {
    long now = System.nanoTime();
    boolean failedLately = source != null && sources.failedLately(source, now);
    if (source != null) {
      refuseWhileBlocked(sources.blockedFor(source, now));
      if (account != null && failedLately) {
        refuseWhileBlocked(accounts.blockedFor(account, now));
      }
    }
    takeTurn(failedLately ? BACKOFF_PAUSE_MILLIS : 0);
    try {
      T result = check.get();
      if (account != null) {
        accounts.forget(account);
      }
      return result;
    } catch (AuthenticationException | AccessDeniedException e) {
      long at = System.nanoTime();
      if (source != null) {
        sources.failed(source, at);
      }
      if (account != null) {
        accounts.failed(account, at);
      }
      throw e;
    } finally {
      turns.release();
    }
  }

  /** @param pauseMillis how long a refusal waits before it is answered (a client that failed lately waits) */
  private void takeTurn(long pauseMillis) {
    try {
      if (turns.tryAcquire(0, TimeUnit.SECONDS)) { // honours the queue's order, unlike tryAcquire()
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw queueFull(pauseMillis);
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      throw queueFull(pauseMillis);
    }
    try {
      turns.acquireUninterruptibly();
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Refuses a client backing off, after a pause of {@link #BACKOFF_PAUSE_MILLIS} that holds no thread. */
  private static void refuseWhileBlocked(long nanos) {
    if (nanos > 0) {
      long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
      throw HttpException.answeredAfter(429, "too_many_attempts", "too many failed password checks; retry after "
          + seconds + " s", Map.of("Retry-After", Long.toString(seconds)), BACKOFF_PAUSE_MILLIS);
    }
  }

  private static HttpException queueFull(long pauseMillis) {
    return HttpException.answeredAfter(429, "too_many_attempts", "too many password checks waiting; retry after 1 s",
        Map.of("Retry-After", "1"), pauseMillis);
  }

  /** Failures per key, in a map bounded to {@link #TRACKED} keys, the least recently used dropped first. */
  private final class Backoff {
    private final Map<String, long[]> records = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > TRACKED;
      }
    };

    // a record: {failures, last failure, blocked until}
    synchronized long blockedFor(String key, long now) {
      long[] r = live(key, now);
      return r == null ? 0 : r[2] - now;
    }

    synchronized boolean failedLately(String key, long now) {
      return live(key, now) != null;
    }

    synchronized void failed(String key, long now) {
      long[] r = live(key, now);
      if (r == null) {
        r = new long[] {0, now, now};
        records.put(key, r);
      }
      r[0]++;
      r[1] = now;
      if (r[0] > allowed) {
        long doublings = Math.min(30, r[0] - allowed - 1);
        r[2] = now + Math.min(limitNanos, TimeUnit.SECONDS.toNanos(1) << doublings);
      }
    }

    synchronized void forget(String key) {
      records.remove(key);
    }

    private long @Nullable [] live(String key, long now) {
      long[] r = records.get(key);
      if (r != null && now - r[1] > limitNanos) {
        records.remove(key);
        return null;
      }
      return r;
    }
  }
}
