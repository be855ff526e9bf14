package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one bounded asynchronous Cassandra writer: statements run with at most {@link #bound()} held at once (in flight
 * or waiting to be sent again), a bound kept below what the executor's connection pool carries ({@code
 * ClusterView.requestCapacity()}, less room for other requests on the same session) so the
 * driver never refuses a request as busy. It runs statements through the function it is given (a {@code
 * CqlExecutor}'s {@code executeAsync}) and is told the pool's capacity (its {@code cluster().requestCapacity()}), so
 * it depends on the driver alone and every capability that writes in bulk (the ingest, the AppFlow loader) shares it. {@link #awaitAll(Duration)} waits for every statement held, so none
 * outlives the work that submitted it.
 *
 * <p><b>A slow node slows the writer, it does not stop it.</b> A statement marked idempotent whose request fails
 * transiently ({@link DriverErrors#transientFailure}: a coordinator's write timeout, the driver's timeout, a
 * connection convicted by its heartbeat, no node available while the driver reconnects, an overloaded node) is sent
 * again after the {@link RetryPolicy}'s delay for its attempt, and the number of requests sent at once (the window)
 * is halved, down to one, on each such failure and grows by one with each success, back to the bound. A statement is
 * given up after the policy's {@link RetryPolicy#maxAttempts() maxAttempts} attempts: the writer then fails with a
 * {@link ServiceUnavailableException} saying so, so the longest a statement is retried is the sum of the policy's
 * delays plus its attempts' own time (each at most the session's request timeout). A statement not marked
 * idempotent, and a genuine error (a syntax error, an invalid query, a refused permission, a replica's write
 * failure, a closed session), is never sent again: it fails the writer at once.
 *
 * <p>The first failure is kept ({@link #failure()}); once there is one, statements waiting to be sent (new or again)
 * are dropped, and only the requests already in flight complete. {@link #stopRetrying(DelphaException)} gives up at
 * once on statements waiting to be sent again and on any later transient failure (the work lost its lease or its
 * manager is closing); {@link #abandon(DelphaException)} drops everything not yet in flight (the work failed).
 *
 * <p>When retries are allowed, every statement is given a client-side write timestamp when it is submitted
 * (microseconds, increasing across the JVM's writers), so a statement sent again keeps the time it was first
 * submitted with: a later statement writing the same row still wins, whichever reaches the replicas last.
 *
 * <p>Thread-safe: one thread submits; completions and retries run on the driver's and the JDK's delay threads.
 */
public final class BoundedWriter {

  /**
   * The retry policy of the library's bulk writers unless their builder says otherwise: 12 attempts, 500 ms doubling
   * up to 10 s, with jitter. A statement is given up after 38 to 76 s of delays plus its attempts' own time: enough
   * for a node's long GC pause, a saturated disk or a restart, and for the driver to reconnect (its reconnection
   * delay grows to 8 s by default).
   */
  public static final RetryPolicy DEFAULT_RETRY = RetryPolicy.builder().maxAttempts(12)
      .initialDelay(Duration.ofMillis(500)).maxDelay(Duration.ofSeconds(10)).multiplier(2.0).jitter(true).build();

  private static final Logger LOG = LoggerFactory.getLogger(BoundedWriter.class);
  /** The last write timestamp given, in microseconds: each writer's statements get increasing ones. */
  private static final AtomicLong LAST_TIMESTAMP = new AtomicLong();

  private final Function<Statement<?>, ? extends CompletionStage<?>> send;
  private final int bound;
  private final RetryPolicy retry;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong resent = new AtomicLong();
  /** Serialises {@link #pump()}: a completion on the pumping thread adds work instead of recursing. */
  private final AtomicInteger pumping = new AtomicInteger();

  private final Object lock = new Object();
  /** Statements to send (again first), guarded by {@link #lock}. */
  private final ArrayDeque<Held> ready = new ArrayDeque<>();
  /** Statements waiting out their delay before being sent again, guarded by {@link #lock}. */
  private final Set<Held> backingOff = Collections.newSetFromMap(new IdentityHashMap<>());
  private int inFlight;
  private int window;
  private @Nullable DelphaException retriesStopped;
  private boolean retrying;

  /**
   * A writer with {@link #DEFAULT_RETRY}.
   *
   * @param send runs a statement asynchronously ({@code cql::executeAsync})
   * @param capacity requests the executor's pool carries per node ({@code cql.cluster().requestCapacity()})
   * @param wanted the in-flight bound asked for; lowered to what the pool carries
   */
  public BoundedWriter(Function<Statement<?>, ? extends CompletionStage<?>> send, int capacity, int wanted) {
    this(send, capacity, wanted, DEFAULT_RETRY);
  }

  /**
   * @param send runs a statement asynchronously ({@code cql::executeAsync})
   * @param capacity requests the executor's pool carries per node ({@code cql.cluster().requestCapacity()})
   * @param wanted the in-flight bound asked for; lowered to what the pool carries
   * @param retry how often and after what delays an idempotent statement that failed transiently is sent again
   *     ({@link RetryPolicy#none()}: never)
   */
  public BoundedWriter(Function<Statement<?>, ? extends CompletionStage<?>> send, int capacity, int wanted,
      RetryPolicy retry) {
    this.send = send;
    this.bound = boundedByPool(capacity, wanted);
    this.retry = retry;
    this.permits = new Semaphore(bound);
    this.window = bound;
  }

  /**
   * @param capacity requests the pool carries per node
   * @param wanted the bound asked for
   * @return the bound used: at most the capacity less room for leases, metrics and reads on the session
   */
  public static int boundedByPool(int capacity, int wanted) {
    int usable = Math.max(1, capacity - Math.max(16, capacity / 8));
    if (wanted > usable) {
      LOG.info("maxInFlight {} lowered to {}: the session's pool carries {} requests per node", wanted, usable, capacity);
      return usable;
    }
    return wanted;
  }

  /** @return the in-flight bound in use */
  public int bound() {
    return bound;
  }

  /**
   * Hands a statement to the writer once it holds fewer than {@link #bound()}; it is sent when the window allows.
   * After a failure the statement is dropped (callers check {@link #failure()}).
   *
   * @param statement the statement
   * @param rows how many rows it writes (counted when acknowledged)
   * @throws ServiceUnavailableException when interrupted while waiting for room
   */
  public void submit(Statement<?> statement, long rows) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while writing to Cassandra", e);
    }
    Statement<?> s = statement;
    if (retry.maxAttempts() > 1 && s.getQueryTimestamp() == Statement.NO_DEFAULT_TIMESTAMP) {
      s = s.setQueryTimestamp(nextTimestamp());
    }
    boolean held;
    synchronized (lock) {
      held = failure.get() == null;
      if (held) {
        ready.addLast(new Held(s, rows));
      }
    }
    if (!held) {
      permits.release();
      return;
    }
    pump();
  }

  /**
   * Waits until the writer holds no statement (every one acknowledged, given up or dropped) or the timeout passes.
   *
   * @param timeout the longest wait
   * @return whether every statement is done with
   * @throws ServiceUnavailableException when interrupted while waiting
   */
  public boolean awaitAll(Duration timeout) {
    try {
      if (permits.tryAcquire(bound, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        permits.release(bound);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while waiting for Cassandra writes", e);
    }
  }

  /**
   * Gives up at once on the statements waiting to be sent again, and on any statement that fails transiently from
   * now on, with {@code reason} as the writer's failure (unless it already has one). Requests in flight complete;
   * a writer with nothing to retry carries on. For work that was interrupted, lost its lease, or whose manager is
   * closing: it then ends within a request's time, not a retry policy's.
   *
   * @param reason the failure to report
   */
  public void stopRetrying(DelphaException reason) {
    List<Held> dropped;
    synchronized (lock) {
      retriesStopped = reason;
      dropped = backingOff.isEmpty() ? List.of() : failLocked(reason);
    }
    permits.release(dropped.size());
  }

  /**
   * Fails the writer with {@code reason} (unless it already failed) and drops every statement not yet in flight; the
   * requests in flight complete. For work that ended without its writes (it failed, or they did not complete in
   * time): nothing more is sent, and {@link #failure()} says why.
   *
   * @param reason the failure to report
   */
  public void abandon(DelphaException reason) {
    List<Held> dropped;
    synchronized (lock) {
      retriesStopped = reason;
      dropped = failLocked(reason);
    }
    permits.release(dropped.size());
  }

  /** @return the first failure of a statement (the last attempt's failure, or the give-up), or {@code null} */
  public @Nullable Throwable failure() {
    return failure.get();
  }

  /** @return rows acknowledged so far */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** @return how many times a statement was sent again after a transient failure */
  public long resent() {
    return resent.get();
  }

  /** Sends what the window allows; one thread at a time, the others leaving their work to it. */
  private void pump() {
    if (pumping.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      for (Held next = take(); next != null; next = take()) {
        send(next);
      }
      missed = pumping.addAndGet(-missed);
    } while (missed != 0);
  }

  private @Nullable Held take() {
    synchronized (lock) {
      if (inFlight >= window || ready.isEmpty()) {
        return null;
      }
      inFlight++;
      return ready.pollFirst();
    }
  }

  private void send(Held h) {
    h.attempts++;
    CompletionStage<?> stage;
    try {
      stage = send.apply(h.statement);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((rs, error) -> completed(h, error));
  }

  private void completed(Held h, @Nullable Throwable error) {
    int release = 0;
    Duration delay = null;
    synchronized (lock) {
      inFlight--;
      if (error == null) {
        acknowledged.addAndGet(h.rows);
        window = Math.min(bound, window + 1);
        release = 1;
        if (retrying && backingOff.isEmpty() && window == bound) {
          retrying = false;
          LOG.info("Cassandra writes back to a window of {} after {} statements sent again", bound, resent.get());
        }
      } else {
        Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
        if (failure.get() != null) {
          release = 1;
        } else if (!Boolean.TRUE.equals(h.statement.isIdempotent()) || !DriverErrors.transientFailure(cause)) {
          release = 1 + failLocked(cause).size();
        } else if (retriesStopped != null) {
          release = 1 + failLocked(retriesStopped).size();
        } else if (!retry.canRetryAfter(h.attempts)) {
          release = 1 + failLocked(new ServiceUnavailableException("Cassandra did not take a write after "
              + h.attempts + " attempts (the write retry policy's maxAttempts), the last one failing with: "
              + cause.getMessage(), cause)).size();
        } else {
          window = Math.max(1, window / 2);
          backingOff.add(h);
          delay = retry.delayAfter(h.attempts);
          if (!retrying) {
            retrying = true;
            LOG.warn("a Cassandra write failed transiently ({}); sending it again in {} ms, at most {} requests at "
                + "once until writes succeed", cause.getMessage(), delay.toMillis(), window);
          }
        }
      }
    }
    if (delay != null) {
      resent.incrementAndGet();
      LOG.debug("attempt {} of a write failed; sending it again in {} ms", h.attempts, delay.toMillis());
      CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> sendAgain(h));
    }
    permits.release(release);
    pump();
  }

  private void sendAgain(Held h) {
    synchronized (lock) {
      if (!backingOff.remove(h)) {
        return; // given up meanwhile: its permit is back
      }
      ready.addFirst(h);
    }
    pump();
  }

  /** Keeps the first failure and drops every statement waiting; returns them, whose permits the caller releases. */
  private List<Held> failLocked(Throwable cause) {
    failure.compareAndSet(null, cause);
    List<Held> dropped = new ArrayList<>(ready);
    dropped.addAll(backingOff);
    ready.clear();
    backingOff.clear();
    return dropped;
  }

  /** A microsecond timestamp above every one given before: the clock's, or one more than the last when it has not moved. */
  private static long nextTimestamp() {
    long now = System.currentTimeMillis() * 1000;
    return LAST_TIMESTAMP.accumulateAndGet(now, (last, clock) -> clock > last ? clock : last + 1);
  }

  /** A statement the writer holds, with the attempts made to send it. */
  private static final class Held {
    final Statement<?> statement;
    final long rows;
    int attempts;

    Held(Statement<?> statement, long rows) {
      this.statement = statement;
      this.rows = rows;
    }
  }
}
