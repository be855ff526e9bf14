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
   * STOP} this waits (up to 30 s) until the kernel reports the process stopped, so nothing the caller does next can
   * reach a process still running.
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
   * @param pid a process
   * @return whether the kernel reports it stopped by a signal ({@code T} in {@code /proc/<pid>/stat})
   */
  public static boolean isStopped(long pid) {
    return processState(pid) == 'T';
  }

  /**
   * @param pid a process
   * @return its state as {@code /proc/<pid>/stat} says ({@code R} running, {@code S} sleeping, {@code T} stopped, ...),
   *     or {@code ?} where there is no {@code /proc} or no such process
   */
  public static char processState(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ...: the command may hold spaces and parentheses, the state follows the last ')'
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() ? '?' : stat.charAt(end + 2);
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
