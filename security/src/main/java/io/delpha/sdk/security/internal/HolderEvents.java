package io.delpha.sdk.security.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work a key holder's attempt causes beyond answering it (audit rows, dropping an expired key's Cassandra
 * role), done on one background thread so that every refusal costs its caller the same: an unknown key id, a real
 * id of another organisation, a wrong secret, a revoked, expired or throttled key all hand one task to this queue
 * and answer, whether the task then writes a row, only counts one, or drops a role.
 *
 * <p>Bounded: at most {@value #CAPACITY} tasks wait; beyond that they are dropped, counted, and the count is
 * logged when the queue has room again (a flood cannot fill the heap). The thread ends when idle; {@link #drain()}
 * waits for what was handed over before it (readers of the audit table call it first).
 */
public final class HolderEvents {

  private static final Logger LOG = LoggerFactory.getLogger(HolderEvents.class);
  static final int CAPACITY = 10_000;

  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor worker;

  public HolderEvents() {
    worker = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(CAPACITY), r -> {
      Thread t = new Thread(r, "delpha-key-events");
      t.setDaemon(true);
      return t;
    }, (task, executor) -> dropped.incrementAndGet());
    worker.allowCoreThreadTimeOut(true);
  }

  /**
   * Hands work over; returns at once.
   *
   * @param task what to do (its failure is logged by class name only: it may quote a key id, never a secret)
   */
  public void submit(Runnable task) {
    worker.execute(() -> {
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        LOG.warn("{} key-holder event(s) were not audited: more than {} were waiting", lost, CAPACITY);
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("a key-holder event could not be handled ({})", e.getClass().getSimpleName());
      }
    });
  }

  /** Waits (up to 10 s) until everything handed over before this call is done. */
  public void drain() {
    CompletableFuture<Void> marker = new CompletableFuture<>();
    try {
      worker.execute(() -> marker.complete(null));
      marker.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // a full queue or a slow cluster: readers see what is written by now
    }
  }
}
