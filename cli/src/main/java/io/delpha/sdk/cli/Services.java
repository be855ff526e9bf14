package io.delpha.sdk.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** Long-running commands: block until the process is asked to stop, then close what runs, newest first. */
final class Services {

  private Services() {}

  /**
   * Blocks until Ctrl-C or SIGTERM; the shutdown hook closes {@code running} (in reverse order) before the
   * process exits, so in-flight work ends cleanly.
   *
   * @param running what to close on the way out
   * @throws InterruptedException if this thread is interrupted
   */
  static void awaitShutdown(List<? extends AutoCloseable> running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopped.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "delpha-shutdown"));
    try {
      stopped.await();
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        try {
          running.get(i).close();
        } catch (Exception e) {
          LoggerFactory.getLogger(Services.class).warn("closing {} failed: {}", running.get(i), e.getMessage());
        }
      }
      System.err.println("stopped");
      closed.countDown();
    }
  }
}
