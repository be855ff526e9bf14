import java.util.concurrent.CountDownLatch;

/** Starts threads (argument 1, default 40), all alive at once, then reports its heap limit and the threads it ran. */
public class Threads {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
    }
    started.await();
    int alive = Thread.activeCount();
    release.countDown();
    System.out.println("maxMemory " + Runtime.getRuntime().maxMemory() + " threads " + n + " alive " + alive
        + " cpus " + Runtime.getRuntime().availableProcessors());
  }
}
