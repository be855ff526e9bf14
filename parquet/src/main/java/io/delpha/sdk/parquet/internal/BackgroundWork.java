package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.internal.Workers;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads Parquet readers and writers hand work to: the row reader's decoding ahead, a parallel scan's
 * row groups, half of a batch's shredded VARIANTs, and the row writer's encoding behind. Daemon threads from cached
 * pools (made as needed, ended after a minute idle), one pool per kind so that thread names say which.
 */
public final class BackgroundWork {

  /** Decodes the next batch of a row reader. */
  public static final ExecutorService DECODER = pool("delpha-parquet-reader");
  /** Decodes row groups of a batch reader reading on several threads. */
  public static final ExecutorService SCANNER = pool("delpha-parquet-scan");
  /** Rebuilds the second half of a batch's shredded VARIANTs while the reader's thread rebuilds the first. */
  public static final ExecutorService VARIANTS = pool("delpha-parquet-variants");
  /** Encodes a row writer's full buffer. */
  public static final ExecutorService ENCODER = pool("delpha-parquet-encoder");

  private BackgroundWork() {}

  private static ExecutorService pool(String name) {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Waits for {@code work} to end ({@link #awaitEnd}), then throws its failure as the caller's ({@code
   * Workers.failure}: a {@code DelphaException} as it is, anything else inside one naming the work).
   *
   * @param work background work
   * @param what the work, for the message
   */
  public static void join(Future<?> work, String what) {
    awaitEnd(work);
    try {
      work.get();
    } catch (ExecutionException e) {
      throw Workers.failure(java.util.Objects.requireNonNull(e.getCause(), "a failed task has a cause"), what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // not reached: the work has ended
      throw Workers.failure(e, what);
    }
  }

  /**
   * Waits for {@code work} to end, whatever its outcome, through interrupts (the caller is about to release
   * what the work touches); the thread's interrupt status is restored afterwards.
   *
   * @param work background work
   */
  public static void awaitEnd(Future<?> work) {
    boolean interrupted = false;
    while (true) {
      try {
        work.get();
        break;
      } catch (ExecutionException e) {
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
