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
 * (refused 429 before any password work). A failure is a check that throws {@link AuthenticationException} or {@link
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
    if (source != null) {
      refuseWhileBlocked(sources.blockedFor(source, now));
      if (account != null && sources.failedLately(source, now)) {
        refuseWhileBlocked(accounts.blockedFor(account, now));
      }
    }
    takeTurn();
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

  private void takeTurn() {
    try {
      if (turns.tryAcquire(0, TimeUnit.SECONDS)) { // honours the queue's order, unlike tryAcquire()
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw tooMany(1);
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      throw tooMany(1);
    }
    try {
      turns.acquireUninterruptibly();
    } finally {
      waiting.decrementAndGet();
    }
  }

  private static void refuseWhileBlocked(long nanos) {
    if (nanos > 0) {
      throw tooMany(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
  }

  private static HttpException tooMany(long seconds) {
    return new HttpException(429, "too_many_attempts", "too many password checks; retry after " + seconds + " s",
        Map.of("Retry-After", Long.toString(seconds)));
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
