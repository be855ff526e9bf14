package io.delpha.sdk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a {@code main} class of this JVM's class path, as a second process of the library
 * would (an ingest worker, an admin racing this one): its standard output and error are read line by line
 * into a queue the test waits on, and it can be killed with SIGKILL, as a crash.
 *
 * <pre>{@code
 * try (JavaProcess worker = JavaProcess.start(IngestWorkerMain.class, List.of("-Xmx256m"), host, port, ...)) {
 *   worker.awaitLine(l -> l.startsWith("PROGRESS "), Duration.ofSeconds(90));
 *   worker.kill();                                        // kill -9 mid-file
 * }
 * }</pre>
 *
 * <p>Lines are consumed by {@link #awaitLine}: each line is seen by one wait. A killed or closed process
 * is killed again harmlessly. Not thread-safe for concurrent waits.
 */
public final class JavaProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private JavaProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::readLines, "java-process-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} in a new JVM of this JVM's Java with this JVM's class path.
   *
   * @param main the class whose {@code main} runs
   * @param jvmOptions options before the class name, e.g. {@code -Xmx256m}
   * @param args the program's arguments
   * @return the running process
   */
  public static JavaProcess start(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      return new JavaProcess(main.getSimpleName(), p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + main.getName(), e);
    }
  }

  private void readLines() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // the process was killed: no more lines
    }
  }

  /**
   * Waits for the next line that matches, dropping the lines before it.
   *
   * @param wanted the line looked for
   * @param timeout how long at most
   * @return the line
   * @throws IllegalStateException if no such line came within the timeout, or the process ended first
   */
  public String awaitLine(Predicate<String> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null && wanted.test(line)) {
          return line;
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue()
              + " before printing the expected line");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    throw new IllegalStateException(name + " did not print the expected line in " + timeout);
  }

  /**
   * Waits for the process to end by itself.
   *
   * @param timeout how long at most
   * @return its exit code
   * @throws IllegalStateException if it was still running after the timeout
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not exit in " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    return process.exitValue();
  }

  /**
   * @return the operating system's process id, e.g. to read its CPU time
   */
  public long pid() {
    return process.pid();
  }

  /**
   * @return whether the process is running
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process at once (SIGKILL, as {@code kill -9}) and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process (SIGKILL). */
  @Override
  public void close() {
    kill();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
