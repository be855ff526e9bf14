package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.DelphaException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one way a consumer takes the work of background threads (the download workers of a shared table, the
 * decoding thread of a Parquet row reader, the encoding thread of a writer, a scheduled run): whatever ended a
 * worker's task, an exception or an {@link Error} ({@link StackOverflowError}, {@link OutOfMemoryError}, {@link
 * LinkageError}, {@link AssertionError}, ...), reaches the consumer as a {@link DelphaException} with the failure as
 * its cause; and a consumer never waits for a hand-over from workers that have all ended.
 *
 * <p>A worker catches {@code RuntimeException | Error} around its whole task and hands the failure over; {@link
 * #take} is the net under that: a worker that died without a word (an {@code Error} thrown while handing over)
 * still ends the consumer's wait, with a {@link DelphaException}, within {@value #POLL_MILLIS} ms of its end.
 */
public final class Workers {

  /** How often a waiting consumer looks whether the workers are still there. */
  static final long POLL_MILLIS = 100;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private Workers() {}

  /**
   * @param failure what ended a worker's task
   * @param what the work, for the message (e.g. {@code "reading table s.t.u"}); never a secret
   * @return the failure as the consumer throws it: a {@link DelphaException} as it is; anything else (an {@code
   *     Error}, a foreign or checked exception) as a {@code DelphaException} naming the work and the failure's
   *     class, with the failure as its cause (its message is not copied: a foreign message may quote anything)
   */
  public static DelphaException failure(Throwable failure, String what) {
    if (failure instanceof DelphaException d) {
      return d;
    }
    String kind = failure instanceof Error ? "failed on a worker thread with " : "failed unexpectedly with ";
    return new DelphaException(what + " " + kind + failure.getClass().getName()
        + (failure instanceof StackOverflowError ? " (input nested too deep for the thread's stack?)" : "")
        + "; the cause has the details", failure);
  }

  /**
   * A fixed pool of daemon threads named {@code <prefix>-<pool>-<thread>}, for work a caller waits on and shuts down
   * (a daemon never keeps the host's JVM alive when a caller forgets, and an idle thread ends after 30 s).
   *
   * @param prefix the threads' name prefix, e.g. {@code "delpha-bulk-results"}
   * @param threads how many threads
   * @return the pool; the caller shuts it down
   */
  public static ExecutorService daemonPool(String prefix, int threads) {
    int pool = POOLS.incrementAndGet();
    AtomicInteger made = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, prefix + "-" + pool + "-" + made.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true); // a pool its caller forgot to shut down ends its threads when idle
    return executor;
  }

  /**
   * Takes the next item workers handed over, waiting while one may still come.
   *
   * @param queue where the workers hand items over
   * @param ended whether every worker that hands over to {@code queue} has ended (nothing more will come)
   * @param what the work, for the message
   * @param <T> the items
   * @return the next item
   * @throws DelphaException if the workers all ended and the queue is empty: a worker died without handing over
   *     what the consumer waits for
   * @throws InterruptedException if the consumer's thread is interrupted while it waits
   */
  public static <T> T take(BlockingQueue<T> queue, BooleanSupplier ended, String what) throws InterruptedException {
    while (true) {
      @Nullable T next = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (next != null) {
        return next;
      }
      if (ended.getAsBoolean()) {
        next = queue.poll(); // handed over just before the end
        if (next != null) {
          return next;
        }
        throw new DelphaException(what + " failed: its worker threads ended without handing over the rest of the "
            + "data (a worker died); nothing more will come");
      }
    }
  }
}
