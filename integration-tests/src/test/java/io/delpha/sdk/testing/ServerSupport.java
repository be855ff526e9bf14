package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Shared plumbing of the real-server harness: work folders under {@code target/}, free ports, waits. */
public final class ServerSupport {

  private ServerSupport() {}

  /**
   * The folder where servers keep their data and logs: {@code -Ddelpha.test.work} (set by the build to
   * {@code target/test-servers}), else {@code target/test-servers} under the working directory.
   *
   * @param name a sub-folder name
   * @return the folder, created
   */
  public static Path workDir(String name) {
    String base = System.getProperty("delpha.test.work", "target/test-servers");
    Path dir = Path.of(base).toAbsolutePath().resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * @return a TCP port free on 127.0.0.1 right now
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Polls a condition until it holds or the deadline passes.
   *
   * @param what what is awaited, for the error message
   * @param timeout the deadline
   * @param condition the condition
   * @throws IllegalStateException if the deadline passes
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /**
   * Sleeps, turning an interrupt into an {@link IllegalStateException} (the interrupt flag kept).
   *
   * @param duration how long
   */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Sends a signal to a process with {@code kill} ({@code STOP} and {@code CONT} pause and resume a server, {@code 9}
   * kills it) and checks that {@code kill} succeeded. {@code kill} returns once the signal is sent; after {@code
   * STOP} this waits (up to 30 s) until the kernel reports every thread of the process stopped ({@link
   * #isStopped}), so nothing the caller does next reaches a process still running.
   *
   * @param name the signal's name, without {@code SIG}
   * @param pid the process
   */
  public static void signal(String name, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " failed");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (name.equals("STOP") && processState(pid) != '?') {
      await("process " + pid + " stopped after kill -STOP", Duration.ofSeconds(30), () -> isStopped(pid));
    }
  }

  /**
   * Whether every thread of a process is stopped. {@code kill -STOP} only queues the signal: the group stop begins
   * when one thread of the process is scheduled and takes it, and until then the others run on (on a loaded machine
   * a server answered requests meanwhile; the process read {@code R} right after {@code kill} returned in 5 of 20
   * pauses with two busy loops beside it).
   *
   * @param pid a process
   * @return whether the kernel reports each of its threads stopped ({@code T} in {@code /proc/<pid>/task/<tid>/stat})
   */
  public static boolean isStopped(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (var threads = Files.list(tasks)) {
      return threads.allMatch(t -> {
        char state = stateIn(t.resolve("stat"));
        return state == 'T' || state == '?'; // '?': the thread ended meanwhile
      }) && processState(pid) == 'T';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * @param pid a process
   * @return its state as {@code /proc/<pid>/stat} says ({@code R} running, {@code S} sleeping, {@code T} stopped, ...),
   *     or {@code ?} where there is no {@code /proc} or no such process
   */
  public static char processState(long pid) {
    return stateIn(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static char stateIn(Path stat) {
    try {
      String line = Files.readString(stat);
      // pid (comm) state ...: the command may hold spaces and parentheses, the state follows the last ')'
      int end = line.lastIndexOf(')');
      return end < 0 || end + 2 >= line.length() ? '?' : line.charAt(end + 2);
    } catch (IOException | RuntimeException e) {
      return '?';
    }
  }

  /**
   * Deletes a folder tree, ignoring what is already gone.
   *
   * @param dir the folder
   */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
