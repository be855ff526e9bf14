/** Starts threads until it cannot, reports how many it holds, and keeps them for two minutes (a thread bomb). */
public class ThreadBomb {
  public static void main(String[] args) throws Exception {
    int n = 0;
    try {
      while (n < 100_000) {
        Thread t = new Thread(() -> {
          try {
            Thread.sleep(120_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.setDaemon(true);
        t.start();
        n++;
      }
    } catch (OutOfMemoryError e) {
      System.err.println("cannot start thread " + (n + 1) + ": " + e.getMessage());
    }
    System.out.println("held " + n);
    System.out.flush();
    Thread.sleep(120_000);
  }
}
